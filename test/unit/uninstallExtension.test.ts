// "Uninstalling the extension removes what it installed": package.json's `vscode:uninstall` run the
// way VS Code runs it (only `node <script>` is accepted; the script is forked with
// `--type=extension-post-uninstall` and killed after 5 s), on a temporary home with hooks installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { installHooks } from '../../src/host/hooks/installer';
import type { HookInstallOptions } from '../../src/host/hooks/installer';
import { launcherPath } from '../../src/host/hooks/launcher';

const ROOT = resolve(__dirname, '..', '..');

/** VS Code's own reading of the script (extensionLifecycle.ts, parseScript): `node` and a path in the extension. */
function uninstallScript(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = (manifest.scripts['vscode:uninstall'] ?? '').split(' ');
  assert.equal(words[0], 'node', 'VS Code runs only node scripts');
  assert.ok(words[1], 'a script path');
  const script = join(ROOT, words[1]);
  if (!existsSync(script)) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }
  return script;
}

function runAsVsCode(home: string): { status: number | null; stdout: string; stderr: string } {
  const words = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['vscode:uninstall']?.split(' ') ?? [];
  const result = spawnSync(process.execPath, [uninstallScript(), '--type=extension-post-uninstall', ...words.slice(2)], {
    env: { PATH: process.env.PATH ?? '', HOME: home },
    encoding: 'utf8',
    timeout: 5000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Home {
  readonly root: string;
  readonly home: string;
  readonly ws: string;
  readonly state: string;
  options(agents: HookInstallOptions['agents'], scope?: HookInstallOptions['scope']): HookInstallOptions;
  dispose(): void;
}

function makeHome(): Home {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-uninstall-')));
  const home = join(root, 'home');
  const ws = join(root, 'ws');
  // Where the extension puts it when VS Code gives it no AIRLOCK_STATE_DIR: the default per-user folder.
  const state = join(home, '.local', 'state', 'airlock');
  mkdirSync(ws, { recursive: true });
  mkdirSync(home, { recursive: true });
  return {
    root, home, ws, state,
    options: (agents, scope = 'workspace') => ({ workspace: ws, scope, home, stateRoot: state, agents }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

const TARGET = { cliPath: join(ROOT, 'dist', 'cli.js'), runtime: process.execPath, electron: false };
const write = (file: string, text: string): void => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

void test('vscode:uninstall, run as VS Code runs it, removes every hook Airlock installed and the launcher, and puts files back as they were', () => {
  const h = makeHome();
  try {
    const userClaude = join(h.home, '.claude', 'settings.json');
    const userText = '{\n  // mine\n  "model": "opus",\n  "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "./done.sh"}]}]}\n}\n';
    write(userClaude, userText);
    installHooks(h.options(['claude', 'cursor', 'copilot']), TARGET);
    installHooks(h.options(['claude'], 'user'), TARGET);
    assert.match(readFileSync(userClaude, 'utf8'), /airlock-hook/);
    assert.ok(existsSync(launcherPath(h.state)));

    const run = runAsVsCode(h.home);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Airlock removed its agent hooks:\n/);
    assert.equal(readFileSync(userClaude, 'utf8'), userText, 'the user file is back byte for byte');
    for (const created of ['.claude', '.cursor', '.github']) assert.equal(existsSync(join(h.ws, created)), false, `${created} was created by install and is gone`);
    assert.equal(existsSync(launcherPath(h.state)), false);
    assert.equal(existsSync(dirname(launcherPath(h.state))), false, 'the launcher folder and its code cache are gone');

    const again = runAsVsCode(h.home);
    assert.deepEqual([again.status, again.stdout], [0, 'Airlock had no agent hooks installed.\n']);
  } finally {
    h.dispose();
  }
});

void test('vscode:uninstall keeps the hooks when Airlock is still installed in another editor, and points the launcher there', () => {
  const h = makeHome();
  try {
    installHooks(h.options(['cursor']), TARGET);
    const cursorCopy = join(h.home, '.cursor', 'extensions', 'airlock.airlock-0.2.0', 'dist', 'cli.js');
    write(cursorCopy, '// another copy\n');
    // An older copy Cursor has marked for removal is never chosen.
    write(join(h.home, '.cursor', 'extensions', 'airlock.airlock-0.9.0', 'dist', 'cli.js'), '// going\n');
    write(join(h.home, '.cursor', 'extensions', '.obsolete'), '{"airlock.airlock-0.9.0": true}');

    const run = runAsVsCode(h.home);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /still installed at .*airlock\.airlock-0\.2\.0; its agent hooks stay/);
    assert.match(readFileSync(join(h.ws, '.cursor', 'hooks.json'), 'utf8'), /airlock-hook/);
    assert.match(readFileSync(launcherPath(h.state), 'utf8'), new RegExp(`^cli='${cursorCopy.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'$`, 'm'));

    // Once that copy is marked for removal too, uninstalling removes everything.
    write(join(h.home, '.cursor', 'extensions', '.obsolete'), '{"airlock.airlock-0.9.0": true, "airlock.airlock-0.2.0": true}');
    assert.equal(runAsVsCode(h.home).status, 0);
    assert.equal(existsSync(join(h.ws, '.cursor')), false);
    assert.equal(existsSync(launcherPath(h.state)), false);
  } finally {
    h.dispose();
  }
});
