// Child shells: every non-interactive bash -c, zsh -c and fish -c started with the guard checks its own
// command, whatever its environment says (AIRLOCK_GUARD_CHECKED, once a marker that skipped the check,
// is set by an agent as easily as by the guard). A child of a line a person just approved is answered
// by the broker's one-time approval without asking again, once; the same child later is asked again.
// fish -c and -C are read from fish's argv. The only things any line may delete are the sandbox's
// home (`~`) and its `data` folder.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fishQuote, posixQuote } from '../../src/host/shellGuard/snippetText';
import type { AsyncShellTest } from './brokerShellTests';
import { startBroker } from './brokerShellTests';
import type { Sandbox, ShellName } from './shellSession';
import { runInteractive } from './shellSession';

/** What a terminal's environment carries so that this shell's non-interactive children load the guard. */
function childGuardEnv(sandbox: Sandbox, shell: ShellName, env: NodeJS.ProcessEnv = sandbox.env): NodeJS.ProcessEnv {
  const guard = sandbox.guardFile(shell);
  if (shell === 'bash') return { ...env, BASH_ENV: guard };
  if (shell === 'zsh') {
    const zdotdir = join(sandbox.root, 'child-zdotdir');
    mkdirSync(zdotdir, { recursive: true });
    writeFileSync(join(zdotdir, '.zshenv'), `[[ -o interactive ]] || source ${posixQuote(guard)}\n`);
    return { ...env, ZDOTDIR: zdotdir };
  }
  // As the extension writes it (terminalGuard.ts): every fish loads the guard.
  const data = join(sandbox.root, 'child-xdg-data');
  mkdirSync(join(data, 'fish', 'vendor_conf.d'), { recursive: true });
  writeFileSync(join(data, 'fish', 'vendor_conf.d', 'airlock-guard.fish'), `source ${fishQuote(guard)}\n`);
  // Present, so a first start does not generate completions in the background (and hold the folder).
  mkdirSync(join(sandbox.home, '.local', 'share', 'fish', 'generated_completions'), { recursive: true });
  return { ...env, XDG_DATA_DIRS: `${data}:/usr/local/share:/usr/share` };
}

/** Runs `shell ...args` as a task or an agent would, with the guard loaded the way a terminal loads it. */
function runChild(sandbox: Sandbox, shell: ShellName, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string; status: number | null } {
  // stdin must not be node's socketpair: Debian's bash takes a socket on stdin for sshd (shellSession.ts).
  const result = spawnSync(shell, args, { cwd: sandbox.work, env: { ...childGuardEnv(sandbox, shell), ...extraEnv }, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: result.stdout ?? '', stderr: result.stderr ?? '', status: result.status };
}

const exitStatus = (shell: ShellName): string => (shell === 'fish' ? '$status' : '$?');

export function childShellTests(shell: ShellName): AsyncShellTest[] {
  const sync = (name: string, run: (sandbox: Sandbox) => void): AsyncShellTest => ({ name: `${shell}: ${name}`, run: (sandbox) => Promise.resolve(run(sandbox)) });
  const tests: AsyncShellTest[] = [
    sync(`${shell} -c with AIRLOCK_GUARD_CHECKED=1 (and the loaded-marker) from the environment is still checked: 126, nothing runs`, (sandbox) => {
      for (const marker of [{ AIRLOCK_GUARD_CHECKED: '1' }, { AIRLOCK_GUARD_CHECKED: '1', __airlock_guard_loaded: '1' }]) {
        const result = runChild(sandbox, shell, ['-c', 'echo FIRST-RAN; rm -rf ~'], marker);
        assert.equal(result.status, 126, JSON.stringify(result));
        assert.ok(sandbox.victimIntact(), JSON.stringify(result));
        assert.doesNotMatch(result.stdout, /FIRST-RAN/, JSON.stringify(result));
        assert.match(result.stderr, /^airlock: blocked \(/m, JSON.stringify(result));
      }
    }),
    sync(`an allowed ${shell} -c runs with its output and exit code`, (sandbox) => {
      const result = runChild(sandbox, shell, ['-c', 'echo ok; exit 3']);
      assert.deepEqual([result.stdout, result.status], ['ok\n', 3], JSON.stringify(result));
    }),
    sync(`a ${shell} -c that a script in a guarded terminal starts is checked, marker or not (the line itself looks harmless)`, (sandbox) => {
      const script = join(sandbox.work, `wipe.${shell}`);
      const marked = shell === 'fish' ? `env AIRLOCK_GUARD_CHECKED=1 fish -c 'rm -rf ~'` : `AIRLOCK_GUARD_CHECKED=1 ${shell} -c 'rm -rf ~'`;
      writeFileSync(script, `${marked}\necho "child=${exitStatus(shell)}"\n`);
      const { output, codes } = runInteractive(sandbox, shell, [`${shell} ./wipe.${shell}`], { env: childGuardEnv(sandbox, shell) });
      assert.ok(sandbox.victimIntact(), output);
      assert.match(output, /^child=126/m, output);
      assert.deepEqual(codes, [0], output);
    }),
    {
      name: `${shell}: an approved line's child ${shell} -c runs once without a second prompt; the same child later is asked again`,
      run: async (sandbox) => {
        // The person allows the typed line and denies anything else they are asked about.
        const broker = await startBroker(sandbox, { person: [[`${shell} -c`, 'allow'], ['rm -rf data', 'deny']] });
        try {
          const data = sandbox.makeData();
          writeFileSync(join(sandbox.work, `again.${shell}`), `${shell} -c 'rm -rf data'\n`);
          const recreate = shell === 'fish' ? 'mkdir data; echo one > data/a.txt' : 'mkdir data && echo one > data/a.txt';
          const { output, codes } = runInteractive(sandbox, shell, [`${shell} -c 'rm -rf data'`, recreate, `${shell} ./again.${shell}`], { env: childGuardEnv(sandbox, shell, broker.env) });
          assert.deepEqual(codes, [0, 0, 126], output);
          assert.ok(existsSync(join(data, 'a.txt')), `the child of the later line ran:\n${output}`);
          const log = broker.log();
          const children = log.filter((e) => e.source === 'shell-guard' && e.command.trim() === 'rm -rf data');
          assert.deepEqual(children.map((e) => [e.outcome, e.by, e.how]), [['allow', 'person', 'approved-child'], ['deny', 'person', 'deny']], JSON.stringify(log));
          assert.equal(log.filter((e) => e.how === 'allow-once').length, 1, `the person was asked to allow once: ${JSON.stringify(log)}`);
        } finally {
          broker.stop();
        }
      },
    },
  ];
  if (shell === 'fish') {
    tests.push(sync('fish -c and -C in every option shape are read from argv and checked before they run; scripts and stdin are left alone', (sandbox) => {
      for (const args of [['-lc', 'rm -rf ~'], ['--command=rm -rf ~'], ['--command', 'rm -rf ~'], ['-C', 'rm -rf ~', '-c', 'echo FIRST-RAN'], ['-d', 'exec', '-c', 'rm -rf ~'], ['-c', 'echo FIRST-RAN', '-c', 'rm -rf ~']]) {
        const result = runChild(sandbox, 'fish', args);
        assert.equal(result.status, 126, `${JSON.stringify(args)}: ${JSON.stringify(result)}`);
        assert.ok(sandbox.victimIntact(), JSON.stringify(args));
        assert.doesNotMatch(result.stdout, /FIRST-RAN/, JSON.stringify(args));
      }
      const args = runChild(sandbox, 'fish', ['-c', 'echo $argv', 'rm', '-rf', '~']);
      assert.deepEqual([args.stdout, args.status], ['rm -rf ~\n', 0], 'arguments after -c are data');
      writeFileSync(join(sandbox.work, 'hello.fish'), 'echo "script ran $argv"\n');
      const script = runChild(sandbox, 'fish', ['hello.fish', '-c', 'x']);
      assert.deepEqual([script.stdout, script.status], ['script ran -c x\n', 0], JSON.stringify(script));
    }));
  }
  return tests;
}
