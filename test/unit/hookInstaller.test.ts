// The hook installer behind `airlock hooks` and "Airlock: Connect Agents": merges without clobbering,
// Airlock first, idempotent, undone exactly; the launcher and the command written into the files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { detectAgents, hookStatus, installHooks, uninstallHooks } from '../../src/host/hooks/installer';
import type { HookInstallOptions } from '../../src/host/hooks/installer';
import { hookCommand, launcherPath } from '../../src/host/hooks/launcher';
import { parseJsonc } from '../../src/core/jsonc';
import { runHooksCommand } from '../../src/cli/hooksCommand';

interface World {
  readonly root: string;
  readonly ws: string;
  readonly home: string;
  readonly state: string;
  options(agents?: HookInstallOptions['agents'], scope?: HookInstallOptions['scope']): HookInstallOptions;
  dispose(): void;
}

function world(): World {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-install-')));
  const ws = join(root, 'ws');
  const home = join(root, 'home');
  const state = join(home, '.local', 'state', 'airlock');
  mkdirSync(ws, { recursive: true });
  mkdirSync(home, { recursive: true });
  return {
    root, ws, home, state,
    options: (agents = ['claude', 'cursor', 'copilot'], scope = 'workspace') => ({ workspace: ws, scope, home, stateRoot: state, agents }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

const TARGET = { cliPath: '/nonexistent/airlock/dist/cli.js', runtime: process.execPath, electron: false };
const read = (file: string): Record<string, any> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const write = (file: string, text: string): void => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

void test('install into a workspace with no hook files writes all three, Airlock first, long timeouts, fail closed', () => {
  const w = world();
  try {
    const states = installHooks(w.options(), TARGET);
    assert.deepEqual(states.map((s) => [s.agent, s.state, s.launcher]), [['claude', 'installed', true], ['cursor', 'installed', true], ['copilot', 'installed', true]]);
    const claude = read(join(w.ws, '.claude', 'settings.local.json'));
    assert.deepEqual(claude, { hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: hookCommand('claude', w.state, w.home), timeout: 600, onFailure: 'block' }] }] } });
    const cursor = read(join(w.ws, '.cursor', 'hooks.json'));
    assert.equal(cursor.version, 1);
    assert.deepEqual(Object.keys(cursor.hooks), ['beforeShellExecution', 'beforeMCPExecution', 'beforeReadFile', 'preToolUse']);
    assert.deepEqual(cursor.hooks.beforeShellExecution, [{ command: hookCommand('cursor', w.state, w.home), timeout: 600, failClosed: true }]);
    assert.equal(cursor.hooks.preToolUse[0].matcher, 'Write|Delete');
    const vscode = read(join(w.ws, '.github', 'hooks', 'airlock.json'));
    assert.deepEqual(vscode.hooks.PreToolUse, [{ type: 'command', command: hookCommand('copilot', w.state, w.home), timeout: 600 }]);
    assert.deepEqual(vscode.hooks.preToolUse, [{ type: 'command', bash: hookCommand('copilot', w.state, w.home), timeoutSec: 600 }]);
    assert.match(hookCommand('claude', w.state, w.home), /^L="\$HOME\/\.local\/state\/airlock\/bin\/airlock-hook"; /, 'the command names the launcher through $HOME');
    const bytes = ['.claude/settings.local.json', '.cursor/hooks.json', '.github/hooks/airlock.json'].map((f) => readFileSync(join(w.ws, f), 'utf8'));
    installHooks(w.options(), TARGET);
    assert.deepEqual(['.claude/settings.local.json', '.cursor/hooks.json', '.github/hooks/airlock.json'].map((f) => readFileSync(join(w.ws, f), 'utf8')), bytes, 'install is idempotent');
    assert.deepEqual(hookStatus(w.options()).map((s) => s.state), ['installed', 'installed', 'installed']);
    uninstallHooks(w.options());
    for (const dir of ['.claude', '.cursor', '.github']) assert.equal(existsSync(join(w.ws, dir)), false, `${dir} was created by install and removed by uninstall`);
    assert.deepEqual(hookStatus(w.options()).map((s) => s.state), ['not-installed', 'not-installed', 'not-installed']);
  } finally {
    w.dispose();
  }
});

void test("existing hooks are kept after Airlock's, comments tolerated, and uninstall restores the exact bytes", () => {
  const w = world();
  try {
    const claudeFile = join(w.ws, '.claude', 'settings.local.json');
    const claudeText = '{\n  // mine\n  "permissions": {"allow": ["Bash(npm test)"]},\n  "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./guard.sh"}]}], "Stop": [],},\n}\n';
    write(claudeFile, claudeText);
    const cursorFile = join(w.ws, '.cursor', 'hooks.json');
    const cursorText = '{"hooks":{"beforeShellExecution":[{"command":"./audit.sh"}],"afterFileEdit":[{"command":"./fmt.sh"}]}}';
    write(cursorFile, cursorText);
    installHooks(w.options(['claude', 'cursor']), TARGET);
    const claude = read(claudeFile);
    assert.deepEqual(claude.permissions, { allow: ['Bash(npm test)'] });
    assert.equal(claude.hooks.PreToolUse.length, 2);
    assert.match(claude.hooks.PreToolUse[0].hooks[0].command, /airlock-hook/);
    assert.deepEqual(claude.hooks.PreToolUse[1], { matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh' }] });
    assert.deepEqual(claude.hooks.Stop, []);
    const cursor = read(cursorFile);
    assert.equal(cursor.version, 1, 'Cursor loads no hooks without a version');
    assert.deepEqual(cursor.hooks.beforeShellExecution.map((e: { command: string }) => e.command.includes('airlock-hook') ? 'airlock' : e.command), ['airlock', './audit.sh']);
    assert.deepEqual(cursor.hooks.afterFileEdit, [{ command: './fmt.sh' }]);
    uninstallHooks(w.options(['claude', 'cursor']));
    assert.equal(readFileSync(claudeFile, 'utf8'), claudeText);
    assert.equal(readFileSync(cursorFile, 'utf8'), cursorText);
  } finally {
    w.dispose();
  }
});

void test('uninstall after someone else edited the file removes only Airlock\'s entries', () => {
  const w = world();
  try {
    installHooks(w.options(['cursor']), TARGET);
    const file = join(w.ws, '.cursor', 'hooks.json');
    const edited = read(file);
    edited.hooks.stop = [{ command: './notify.sh' }];
    writeFileSync(file, JSON.stringify(edited));
    uninstallHooks(w.options(['cursor']));
    assert.deepEqual(read(file), { version: 1, hooks: { stop: [{ command: './notify.sh' }] } });
  } finally {
    w.dispose();
  }
});

void test('a file that is not JSON is left alone and reported; an outdated entry is reported and replaced', () => {
  const w = world();
  try {
    const broken = join(w.ws, '.cursor', 'hooks.json');
    write(broken, '{"hooks": [oops');
    const [state] = installHooks(w.options(['cursor']), TARGET);
    assert.equal(state?.state, 'unreadable');
    assert.equal(readFileSync(broken, 'utf8'), '{"hooks": [oops');
    installHooks(w.options(['claude']), TARGET);
    const file = join(w.ws, '.claude', 'settings.local.json');
    const settings = read(file);
    settings.hooks.PreToolUse[0].hooks[0].timeout = 5;
    writeFileSync(file, JSON.stringify(settings));
    assert.equal(hookStatus(w.options(['claude']))[0]?.state, 'outdated');
    installHooks(w.options(['claude']), TARGET);
    assert.equal(read(file).hooks.PreToolUse.length, 1, 'the outdated entry is replaced, not duplicated');
    assert.equal(read(file).hooks.PreToolUse[0].hooks[0].timeout, 600);
  } finally {
    w.dispose();
  }
});

void test('user scope writes ~/.claude/settings.json, ~/.cursor/hooks.json and ~/.copilot/hooks/airlock.json', () => {
  const w = world();
  try {
    const states = installHooks(w.options(undefined, 'user'), TARGET);
    assert.deepEqual(states.map((s) => s.file), [join(w.home, '.claude', 'settings.json'), join(w.home, '.cursor', 'hooks.json'), join(w.home, '.copilot', 'hooks', 'airlock.json')]);
    assert.ok(states.every((s) => existsSync(s.file)));
    assert.equal(existsSync(join(w.ws, '.claude')), false);
  } finally {
    w.dispose();
  }
});

void test('detection: agent folders in the workspace or home, plus the editor hint', () => {
  const w = world();
  try {
    assert.deepEqual(detectAgents(w.ws, w.home), []);
    assert.deepEqual(detectAgents(w.ws, w.home, ['copilot']), ['copilot']);
    mkdirSync(join(w.ws, '.cursor'));
    mkdirSync(join(w.home, '.claude'));
    assert.deepEqual(detectAgents(w.ws, w.home), ['claude', 'cursor']);
  } finally {
    w.dispose();
  }
});

void test('the hook command: no launcher (a teammate without Airlock) gives no decision and says why; a launcher whose CLI is gone blocks', () => {
  const w = world();
  try {
    const sh = (agent: 'claude' | 'cursor'): { stdout: string; stderr: string; status: number | null } => {
      const result = spawnSync('sh', ['-c', hookCommand(agent, w.state, w.home)], { input: '{}', env: { PATH: process.env.PATH, HOME: w.home }, encoding: 'utf8' });
      return { stdout: result.stdout, stderr: result.stderr, status: result.status };
    };
    const missing = sh('claude');
    assert.deepEqual([missing.stdout, missing.status], ['', 0]);
    assert.match(missing.stderr, /Airlock is not set up for this user/);
    assert.deepEqual([sh('cursor').stdout, sh('cursor').status], ['{"permission":"allow"}\n', 0]);
    installHooks(w.options(['claude']), TARGET);
    assert.ok(existsSync(launcherPath(w.state)));
    const gone = sh('claude');
    assert.equal(gone.status, 2);
    assert.match(gone.stderr, /cannot find Airlock .* this action is blocked/);
    const fakeCli = join(w.root, 'cli.js');
    // Like the real bundle: a dynamic import of a built-in, and a local `require` that shadows the outer one.
    writeFileSync(fakeCli, '#!/usr/bin/env node\n(async () => { var require; const { readFile } = await import("node:fs/promises"); process.stdout.write(JSON.stringify([typeof readFile, ...process.argv.slice(2)])); })();');
    installHooks(w.options(['claude']), { ...TARGET, cliPath: fakeCli });
    assert.equal(sh('claude').stdout, '["function","hook","claude","--deadline","590"]');
    const cacheDir = join(dirname(launcherPath(w.state)), 'cache');
    assert.equal(readdirSync(cacheDir).length, 1, 'the first call leaves a code cache');
    assert.equal(sh('claude').stdout, '["function","hook","claude","--deadline","590"]', 'and the cached run answers the same');
  } finally {
    w.dispose();
  }
});

void test('airlock hooks install|status|uninstall from the CLI, exit codes and report', () => {
  const w = world();
  try {
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) } };
    const env = { HOME: w.home, AIRLOCK_STATE_DIR: w.state };
    assert.equal(runHooksCommand(['install', '--workspace', w.ws], io, env), 1, 'nothing detected');
    assert.match(out.join(''), /No agent found here/);
    out.length = 0;
    assert.equal(runHooksCommand(['install', '--workspace', w.ws, '--agents', 'cursor'], io, env), 0);
    assert.match(out.join(''), /^cursor  installed\s+.*\.cursor\/hooks\.json  \(Airlock first: Cursor reportedly runs only the first hook of an event\)\n$/);
    out.length = 0;
    assert.equal(runHooksCommand(['status', '--workspace', w.ws], io, env), 0);
    assert.match(out.join(''), /claude  not-installed .*\ncursor  installed .*\ncopilot not-installed /);
    assert.equal(runHooksCommand(['uninstall', '--workspace', w.ws], io, env), 0);
    assert.equal(existsSync(join(w.ws, '.cursor')), false);
    assert.throws(() => runHooksCommand(['install', '--agents', 'gemini'], io, env), /unknown agent gemini/);
    void execFileSync;
  } finally {
    w.dispose();
  }
});

void test('uninstall --everywhere (what uninstalling the extension runs) removes every recorded install and the launcher', () => {
  const w = world();
  try {
    const other = join(w.root, 'other');
    mkdirSync(other);
    const cursorText = '{"version":1,"hooks":{"stop":[{"command":"./n.sh"}]}}';
    write(join(other, '.cursor', 'hooks.json'), cursorText);
    installHooks(w.options(['claude', 'copilot']), TARGET);
    installHooks({ ...w.options(['cursor']), workspace: other }, TARGET);
    installHooks(w.options(['claude'], 'user'), TARGET);
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) } };
    assert.equal(runHooksCommand(['uninstall', '--everywhere'], io, { HOME: w.home, AIRLOCK_STATE_DIR: w.state }), 0);
    assert.equal(existsSync(join(w.ws, '.claude')), false);
    assert.equal(existsSync(join(w.ws, '.github')), false);
    assert.equal(existsSync(join(w.home, '.claude')), false);
    assert.equal(readFileSync(join(other, '.cursor', 'hooks.json'), 'utf8'), cursorText);
    assert.equal(existsSync(launcherPath(w.state)), false);
    assert.match(out.join(''), /cursor  not-installed .*other\/\.cursor\/hooks\.json/);
  } finally {
    w.dispose();
  }
});

void test('JSON with comments: comment markers inside strings are kept, trailing commas tolerated', () => {
  assert.deepEqual(parseJsonc('{\n  // a comment\n  "url": "https://example.com/a//b", /* block */ "glob": "src/**/*.ts",\n  "list": [1, 2,],\n}\n'), { url: 'https://example.com/a//b', glob: 'src/**/*.ts', list: [1, 2] });
  assert.deepEqual(parseJsonc('\uFEFF{"quote": "a \\" // not a comment"}'), { quote: 'a " // not a comment' });
  assert.throws(() => parseJsonc('{"a": [oops'));
});

void test('on Windows nothing is written: a POSIX command that cannot start would block every action', () => {
  const w = world();
  try {
    const states = installHooks(w.options(), TARGET, 'win32');
    assert.deepEqual(states.map((s) => s.state), ['unsupported', 'unsupported', 'unsupported']);
    assert.equal(existsSync(join(w.ws, '.claude')), false);
    assert.equal(existsSync(launcherPath(w.state)), false);
  } finally {
    w.dispose();
  }
});

void test('airlock hooks status lists what is wrong with a broken file and exits 1; Repair (install again) fixes it', () => {
  const w = world();
  try {
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) } };
    const env = { HOME: w.home, AIRLOCK_STATE_DIR: w.state };
    assert.equal(runHooksCommand(['install', '--workspace', w.ws, '--agents', 'cursor'], io, env), 0);
    const file = join(w.ws, '.cursor', 'hooks.json');
    const json = read(file);
    delete json.hooks.beforeShellExecution[0].failClosed;
    writeFileSync(file, JSON.stringify(json));
    out.length = 0;
    assert.equal(runHooksCommand(['status', '--workspace', w.ws, '--agents', 'cursor'], io, env), 1);
    assert.match(out.join(''), /^cursor  outdated .*hooks\.json\n {8}- beforeShellExecution no longer fails closed \(failClosed is missing\)/);
    assert.equal(runHooksCommand(['install', '--workspace', w.ws, '--agents', 'cursor'], io, env), 0);
    out.length = 0;
    assert.equal(runHooksCommand(['status', '--workspace', w.ws, '--agents', 'cursor'], io, env), 0);
    assert.doesNotMatch(out.join(''), / - /);
  } finally {
    w.dispose();
  }
});
