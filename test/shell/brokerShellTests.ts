// Real shells asking a window's broker (the scripted one in scriptedBroker.ts, which speaks the real
// protocol and runs the real broker code): a line that needs a person waits and runs once allowed,
// stops when denied or when nobody answers, falls back to deciding locally (failing closed) when the
// broker is down or dies mid-session, and finds the broker again when it comes back. The only thing
// any line may delete is the sandbox's own `data` folder.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScriptedBrokerConfig } from './scriptedBroker';
import type { Sandbox, ShellName } from './shellSession';
import { ROOT, runInteractive } from './shellSession';

export interface AsyncShellTest {
  readonly name: string;
  readonly run: (sandbox: Sandbox) => Promise<void>;
}

export interface BrokerLogEntry {
  readonly command: string;
  readonly source: string;
  readonly shellPid?: number;
  /** What the guard said of its PATH shims with the line. */
  readonly pathShims?: string;
  readonly outcome: string;
  readonly by: string;
  readonly how: string;
}

interface RunningBroker {
  /** The environment a terminal of that window gets: its socket and token, no AIRLOCK_NO_BROKER. */
  readonly env: NodeJS.ProcessEnv;
  readonly readyFile: string;
  log(): BrokerLogEntry[];
  stop(): void;
}

/**
 * Starts the scripted broker as a child process (the shell runs synchronously meanwhile, so it cannot
 * live in this one); resolves once it listens, or at once when it is told to start late.
 */
export async function startBroker(sandbox: Sandbox, config: Omit<ScriptedBrokerConfig, 'socket' | 'token' | 'stateRoot' | 'log' | 'readyFile'>): Promise<RunningBroker> {
  const id = randomBytes(4).toString('hex');
  const full: ScriptedBrokerConfig = {
    ...config,
    socket: join(sandbox.root, `b-${id}.sock`),
    token: randomBytes(32).toString('hex'),
    stateRoot: sandbox.state,
    log: join(sandbox.root, `broker-${id}.jsonl`),
    readyFile: join(sandbox.root, `broker-${id}.ready`),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'scriptedBroker.ts'), JSON.stringify(full)], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (!config.startAfterMs) {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`the scripted broker exited (${code}) before it listened`)));
    });
  }
  const env: NodeJS.ProcessEnv = { ...sandbox.env, AIRLOCK_BROKER_SOCKET: full.socket, AIRLOCK_BROKER_TOKEN: full.token };
  delete env.AIRLOCK_NO_BROKER;
  return {
    env,
    readyFile: full.readyFile!,
    log: () => (existsSync(full.log) ? readFileSync(full.log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as BrokerLogEntry) : []),
    stop: () => void child.kill('SIGKILL'),
  };
}

/** An environment whose broker socket leads nowhere, as in a terminal whose window has closed. */
function deadBrokerEnv(sandbox: Sandbox): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...sandbox.env, AIRLOCK_BROKER_SOCKET: join(sandbox.root, 'gone.sock'), AIRLOCK_BROKER_TOKEN: 'ab'.repeat(32) };
  delete env.AIRLOCK_NO_BROKER;
  return env;
}

const withShims = (sandbox: Sandbox, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, PATH: `${sandbox.shimDir()}:${env.PATH ?? ''}` });

const RISKY = 'rm -rf data';

/**
 * Ways each shell's PATH can lose the shim folder, which leads it (withShims), and how the tests put
 * it back from a copy saved first. Each is an edit an agent might make in passing.
 */
const PATH_EDITS: Record<ShellName, { save: string; drops: readonly string[]; restore: string }> = {
  bash: { save: '__saved_path=$PATH', drops: ['export PATH=/usr/bin:/bin', 'PATH=${PATH#*:}'], restore: 'export PATH=$__saved_path' },
  zsh: { save: '__saved_path=$PATH', drops: ['export PATH=/usr/bin:/bin', 'path=(/usr/bin /bin)'], restore: 'export PATH=$__saved_path' },
  fish: { save: 'set -g __saved_path $PATH', drops: ['set -gx PATH /usr/bin /bin', 'set -e PATH[1]'], restore: 'set -gx PATH $__saved_path' },
};

/**
 * Whether process `pid` has ended within a few seconds (it is not our child, so a poll). An ended
 * process whose parent has gone stays a zombie until init reaps it: that counts as ended.
 */
function exitsSoon(pid: number): boolean {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) return true;
    } catch {
      return true;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  return false;
}
const guardLines = (log: BrokerLogEntry[]): BrokerLogEntry[] => log.filter((e) => e.source === 'shell-guard');

export function brokerShellTests(shell: ShellName): AsyncShellTest[] {
  const withBroker = (name: string, config: Parameters<typeof startBroker>[1], run: (sandbox: Sandbox, broker: RunningBroker) => void): AsyncShellTest => ({
    name: `${shell}: ${name}`,
    run: async (sandbox) => {
      const broker = await startBroker(sandbox, config);
      try {
        run(sandbox, broker);
      } finally {
        broker.stop();
      }
    },
  });
  const tests: AsyncShellTest[] = [
    withBroker('a line that needs approval says it waits, runs unchanged once allowed, and its rm is not asked again by the shim', { person: [[RISKY, 'allow']] }, (sandbox, broker) => {
      const data = sandbox.makeData();
      const before = shell === 'fish' ? [] : ['echo "srv=$__airlock_srv_pid"'];
      const { output, codes } = runInteractive(sandbox, shell, [RISKY], { env: withShims(sandbox, broker.env), before });
      assert.deepEqual(codes, [0], output);
      assert.ok(!existsSync(data), `the approved line did not run:\n${output}`);
      assert.match(output, /airlock: this line waits for your approval in Airlock's view/, output);
      const log = broker.log();
      const line = guardLines(log).find((e) => e.command.endsWith(RISKY));
      assert.deepEqual([line?.outcome, line?.by, line?.how], ['allow', 'person', 'allow-once'], JSON.stringify(log));
      // fish's own prompt runs git through the shims as well; only the rm matters here.
      const shim = log.find((e) => e.source === 'shim' && e.command === RISKY);
      assert.deepEqual([shim?.command, shim?.outcome, shim?.how], [RISKY, 'allow', 'approved-line'], JSON.stringify(log));
      assert.equal(log.filter((e) => e.how === 'allow-once').length, 1, 'the person was asked once');
      // Its shell has exited: the coprocess, holding a session with the broker, must be gone too.
      const server = Number(/^srv=(\d+)/m.exec(output)?.[1]);
      if (shell !== 'fish') assert.ok(server > 0 && exitsSoon(server), `the coprocess ${server} outlived its shell`);
    }),
    withBroker('a line the person denies does not run at all and exits 126', { person: [[RISKY, 'deny']] }, (sandbox, broker) => {
      const data = sandbox.makeData();
      const { output, codes } = runInteractive(sandbox, shell, [`echo FIRST-RAN; ${RISKY}`, 'echo next-ok'], { env: broker.env });
      assert.deepEqual(codes, [126, 0], output);
      assert.ok(existsSync(join(data, 'a.txt')), output);
      assert.doesNotMatch(output, /^FIRST-RAN/m, output);
      assert.match(output, /airlock: blocked \(high \d+\): .*Denied in Airlock's view/, output);
    }),
    withBroker('a line nobody answers is denied when its time runs out', { timeoutMs: 1500 }, (sandbox, broker) => {
      const data = sandbox.makeData();
      const { output, codes } = runInteractive(sandbox, shell, [RISKY], { env: broker.env });
      assert.deepEqual(codes, [126], output);
      assert.ok(existsSync(join(data, 'a.txt')), output);
      assert.match(output, /Nobody approved it in Airlock's view in time/, output);
      assert.deepEqual(guardLines(broker.log()).filter((e) => e.command.endsWith(RISKY)).map((e) => e.by), ['timeout'], JSON.stringify(broker.log()));
    }),
    withBroker('each line tells the broker whether PATH still leads to the shims: off after an edit drops them, on again once restored; a line sent with them off is decided as usual', { person: [[RISKY, 'deny']] }, (sandbox, broker) => {
      const data = sandbox.makeData();
      const { save, drops, restore } = PATH_EDITS[shell];
      const env = { ...withShims(sandbox, broker.env), AIRLOCK_SHIM_DIR: sandbox.shimDir() };
      const lines = drops.flatMap((drop, round) => [`echo on-${round}`, drop, `echo off-${round}`, ...(round === 0 ? [RISKY] : []), restore]);
      const { output, codes } = runInteractive(sandbox, shell, [...lines, 'echo on-again'], { env, before: [save] });
      assert.equal(codes[lines.indexOf(RISKY)], 126, output);
      assert.ok(existsSync(join(data, 'a.txt')), output);
      const said = (line: string): string | undefined => guardLines(broker.log()).find((e) => e.command.endsWith(line))?.pathShims;
      // The state is read before the line runs: the edit itself still went out with the shims on.
      const expected = [...lines, 'echo on-again'].map((line) => [line, /^echo off-|^rm /.test(line) || line === restore ? 'off' : 'on']);
      assert.deepEqual([...lines, 'echo on-again'].map((line) => [line, said(line)]), expected, JSON.stringify(broker.log()));
      const denied = guardLines(broker.log()).find((e) => e.command.endsWith(RISKY));
      assert.deepEqual([denied?.outcome, denied?.by], ['deny', 'person']);
      const recorded = sandbox.ledger().find((e) => e.action?.command?.endsWith(RISKY)) as { pathShims?: string } | undefined;
      assert.equal(recorded?.pathShims, 'off', 'the ledger says the line ran with the shims off');
    }),
    {
      name: `${shell}: with the broker down, a shell whose PATH lost the shims still decides locally, and its ledger says the shims were off`,
      run: (sandbox) => {
        const data = sandbox.makeData();
        const env = { ...withShims(sandbox, deadBrokerEnv(sandbox)), AIRLOCK_SHIM_DIR: sandbox.shimDir() };
        const { output, codes } = runInteractive(sandbox, shell, [PATH_EDITS[shell].drops[0] ?? '', 'echo runs-locally', RISKY], { env });
        assert.deepEqual(codes, [0, 0, 126], output);
        assert.match(output, /^runs-locally/m, output);
        assert.ok(existsSync(join(data, 'a.txt')), output);
        const said = (line: string): string | undefined => (sandbox.ledger().find((e) => e.action?.command?.endsWith(line)) as { pathShims?: string } | undefined)?.pathShims;
        assert.deepEqual([said('echo runs-locally'), said(RISKY)], ['off', 'off'], JSON.stringify(sandbox.ledger()));
        return Promise.resolve();
      },
    },
    {
      name: `${shell}: with the broker down, lines are decided locally: risky ones fail closed, others run`,
      run: (sandbox) => {
        const data = sandbox.makeData();
        const { output, codes } = runInteractive(sandbox, shell, [RISKY, 'echo still-runs'], { env: deadBrokerEnv(sandbox) });
        assert.deepEqual(codes, [126, 0], output);
        assert.ok(existsSync(join(data, 'a.txt')), output);
        assert.match(output, /No Airlock window could approve it here/, output);
        assert.match(output, /^still-runs/m, output);
        return Promise.resolve();
      },
    },
  ];
  if (shell === 'fish') return tests;
  tests.push(
    withBroker('the coprocess keeps one session, naming its shell; when the broker dies mid-session, lines fail closed locally', { dieOn: 'echo die-now' }, (sandbox, broker) => {
      const data = sandbox.makeData();
      const { output, codes } = runInteractive(sandbox, shell, ['echo "pid=$$"', 'echo die-now', RISKY, 'echo after-death'], { env: broker.env });
      assert.deepEqual(codes, [0, 0, 126, 0], output);
      assert.ok(existsSync(join(data, 'a.txt')), output);
      assert.match(output, /No Airlock window could approve it here/, output);
      const pid = Number(/^pid=(\d+)/m.exec(output)?.[1]);
      const asked = guardLines(broker.log());
      assert.ok(asked.some((e) => e.command.endsWith('echo die-now')), JSON.stringify(asked));
      assert.ok(asked.every((e) => e.shellPid === pid), `every request names the shell (${pid}): ${JSON.stringify(asked)}`);
      assert.ok(!asked.some((e) => e.command.includes('after-death')), 'a dead broker answered');
    }),
    {
      name: `${shell}: a broker that comes up after the shell started is found by a later line`,
      run: async (sandbox) => {
        const broker = await startBroker(sandbox, { startAfterMs: 1000 });
        try {
          const waitForBroker = `while [ ! -e ${broker.readyFile} ]; do sleep 0.1; done`;
          const { output, codes } = runInteractive(sandbox, shell, ['echo before-broker', waitForBroker, 'sleep 1.2', 'echo after-broker'], { env: broker.env });
          assert.deepEqual(codes, [0, 0, 0, 0], output);
          const commands = guardLines(broker.log()).map((e) => e.command);
          assert.ok(commands.some((c) => c.endsWith('echo after-broker')), `the broker never heard from the shell: ${JSON.stringify(commands)}\n${output}`);
          assert.ok(!commands.some((c) => c.includes('before-broker')), JSON.stringify(commands));
        } finally {
          broker.stop();
        }
      },
    },
  );
  return tests;
}
