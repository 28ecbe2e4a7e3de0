// zsh and fish started the way a VS Code terminal starts them with Airlock's environment: zsh with
// ZDOTDIR at the stand-in folder (alone, and behind VS Code's own zsh integration scripts when the
// e2e cache holds them), fish with the vendor_conf.d folder on XDG_DATA_DIRS. The user's own startup
// files must still load, the guard must block, and zsh must end up with the user's ZDOTDIR.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fishQuote } from '../../src/host/shellGuard/snippetText';
import { zshStartupFiles } from '../../src/host/shellGuard/zshStartupFiles';
import type { Sandbox } from './shellSession';
import { runInteractive } from './shellSession';

export interface InjectionTest {
  readonly name: string;
  readonly shell: 'zsh' | 'fish';
  readonly run: (sandbox: Sandbox) => void;
}

/** Writes the stand-in ZDOTDIR the extension writes, naming this sandbox's guard. */
function standIn(sandbox: Sandbox): string {
  const dir = join(sandbox.root, 'airlock-zdotdir');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(zshStartupFiles(dir, sandbox.guardFile('zsh')))) writeFileSync(join(dir, name), text);
  return dir;
}

/** A user whose own startup files must keep loading. */
function userZshFiles(sandbox: Sandbox): void {
  writeFileSync(join(sandbox.home, '.zshenv'), 'export FROM_USER_ZSHENV=yes\n');
  writeFileSync(join(sandbox.home, '.zshrc'), "alias hi='echo hi-from-user-zshrc'\n");
}

/** VS Code's zsh integration scripts as the e2e cache holds them (code-server), or undefined. */
function vscodeZshScripts(): string | undefined {
  const cache = process.env.AIRLOCK_E2E_CACHE ?? join(homedir(), '.cache', 'airlock-e2e');
  const found = spawnSync('find', [cache, '-name', 'shellIntegration-rc.zsh', '-path', '*terminal/common/scripts/*'], { encoding: 'utf8' }).stdout.split('\n')[0];
  return found ? join(found, '..') : undefined;
}

const PROBE = 'echo "env=$FROM_USER_ZSHENV zdotdir=$ZDOTDIR hist=$HISTFILE vsc=${VSCODE_SHELL_INTEGRATION:-none}"';

export function injectionTests(): InjectionTest[] {
  return [
    {
      name: 'zsh with ZDOTDIR at the stand-in folder: the user\'s .zshenv and .zshrc load, the guard blocks, ZDOTDIR is the user\'s again',
      shell: 'zsh',
      run: (sandbox) => {
        userZshFiles(sandbox);
        const env = { ...sandbox.env, ZDOTDIR: standIn(sandbox) };
        const { output, codes } = runInteractive(sandbox, 'zsh', ['hi', PROBE, 'rm -rf ~'], { start: 'zsh -i', env, noSource: true });
        assert.ok(sandbox.victimIntact(), output);
        assert.deepEqual(codes, [0, 0, 126], output);
        assert.match(output, /^hi-from-user-zshrc/m, output);
        assert.match(output, new RegExp(`^env=yes zdotdir=${sandbox.home} `, 'm'), output);
        const task = spawnSync('zsh', ['-c', 'echo FIRST-RAN; rm -rf ~'], { cwd: sandbox.work, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        assert.equal(task.status, 126, JSON.stringify(task));
        assert.doesNotMatch(task.stdout, /FIRST-RAN/);
        assert.ok(sandbox.victimIntact());
      },
    },
    {
      name: 'zsh behind VS Code\'s own zsh integration (its ZDOTDIR swap): user files, VS Code\'s integration and the guard all load; ZDOTDIR and HISTFILE are the user\'s',
      shell: 'zsh',
      run: (sandbox) => {
        const scripts = vscodeZshScripts();
        if (!scripts) throw new Error('no VS Code zsh scripts in the e2e cache (bash scripts/e2e/setup.sh)');
        userZshFiles(sandbox);
        // What VS Code's pty host does: its scripts become a ZDOTDIR of their own, and the ZDOTDIR the
        // terminal was given (Airlock's stand-in) becomes USER_ZDOTDIR.
        const vscode = join(sandbox.root, 'vscode-zsh');
        mkdirSync(vscode, { recursive: true });
        for (const [from, to] of [['rc', '.zshrc'], ['profile', '.zprofile'], ['env', '.zshenv'], ['login', '.zlogin']] as const) {
          copyFileSync(join(scripts, `shellIntegration-${from}.zsh`), join(vscode, to));
        }
        const env = { ...sandbox.env, ZDOTDIR: vscode, USER_ZDOTDIR: standIn(sandbox), VSCODE_INJECTION: '1' };
        const transcript = runInteractive(sandbox, 'zsh', ['hi', PROBE, 'rm -rf ~'], { start: 'zsh -i', env, noSource: true });
        // VS Code's integration writes its escape sequences in front of each command's output.
        const output = transcript.output.replace(/\x1b\][^\x07]*\x07/g, '');
        assert.ok(sandbox.victimIntact(), output);
        assert.deepEqual(transcript.codes, [0, 0, 126], output);
        assert.match(output, /^hi-from-user-zshrc/m, output);
        assert.match(output, new RegExp(`^env=yes zdotdir=${sandbox.home} hist=${sandbox.home}/.zsh_history vsc=1\\s*$`, 'm'), output);
      },
    },
    {
      name: 'fish with the vendor_conf.d folder on XDG_DATA_DIRS: the guard loads and blocks, also after config.fish switches to vi key bindings',
      shell: 'fish',
      run: (sandbox) => {
        const data = join(sandbox.root, 'xdg-data');
        mkdirSync(join(data, 'fish', 'vendor_conf.d'), { recursive: true });
        writeFileSync(join(data, 'fish', 'vendor_conf.d', 'airlock-guard.fish'), `source ${fishQuote(sandbox.guardFile('fish'))}\n`);
        mkdirSync(join(sandbox.home, '.config', 'fish'), { recursive: true });
        // Present, so a first start does not generate completions in the background (and hold the folder).
        mkdirSync(join(sandbox.home, '.local', 'share', 'fish', 'generated_completions'), { recursive: true });
        writeFileSync(join(sandbox.home, '.config', 'fish', 'config.fish'), "fish_vi_key_bindings\nfunction fish_prompt; echo '> '; end\n");
        const env = { ...sandbox.env, XDG_DATA_DIRS: `${data}:/usr/local/share:/usr/share` };
        const { output, codes } = runInteractive(sandbox, 'fish', ['echo "guard=$__airlock_guard_loaded"', 'rm -rf ~'], { start: 'fish -i', env, noSource: true });
        assert.ok(sandbox.victimIntact(), output);
        assert.deepEqual(codes, [0, 126], output);
        assert.match(output, /guard=1\r?\n/, output);
        // fish -c loads the guard too (its command is checked first), and marks nothing for its children.
        const script = spawnSync('fish', ['-c', 'echo "guard=$__airlock_guard_loaded checked=$AIRLOCK_GUARD_CHECKED"'], { cwd: sandbox.work, env, encoding: 'utf8' });
        assert.match(script.stdout, /^guard=1 checked=$/m, JSON.stringify(script));
        assert.ok(existsSync(sandbox.victim));
      },
    },
  ];
}
