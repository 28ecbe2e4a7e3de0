// The hook launcher and its loader, run as an agent runs them (sh -c, then the launcher): the small
// hook bundle is preferred, the V8 code cache follows the bundle and grows to cover what later calls
// need, and a bundle that is not ASCII still runs exactly as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { launcherPath, writeLauncher } from '../../src/host/hooks/launcher';

interface LoaderWorld {
  readonly dist: string;
  readonly cacheDir: string;
  /** Runs the launcher as the hook command does; `env` adds to a minimal environment. */
  call(agent: string, env?: Record<string, string>): { stdout: string; stderr: string; status: number | null };
  cacheFiles(): string[];
  dispose(): void;
}

function loaderWorld(): LoaderWorld {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-loader-')));
  const dist = join(root, 'dist');
  const state = join(root, 'state');
  mkdirSync(dist, { recursive: true });
  writeLauncher(state, { cliPath: join(dist, 'cli.js'), runtime: process.execPath, electron: false });
  const cacheDir = join(dirname(launcherPath(state)), 'cache');
  return {
    dist,
    cacheDir,
    call(agent, env = {}) {
      const result = spawnSync(launcherPath(state), [agent, '--deadline', '590'], { input: '{}', env: { PATH: process.env.PATH ?? '', HOME: root, ...env }, encoding: 'utf8' });
      return { stdout: result.stdout, stderr: result.stderr, status: result.status };
    },
    cacheFiles: () => {
      try {
        return readdirSync(cacheDir).sort();
      } catch {
        return [];
      }
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A stand-in bundle: prints what it was given, and marks the local decider as compiled when asked. */
const bundle = (label: string): string =>
  `'use strict';\nif (process.env.MARK_LOCAL) (globalThis.__airlockHookCompiled ??= []).push('local');\nprocess.stdout.write(JSON.stringify([${JSON.stringify(label)}, ...process.argv.slice(2)]));\n`;

void test('the launcher runs hook.js beside the CLI when it is there, and the CLI as airlock hook otherwise', () => {
  const w = loaderWorld();
  try {
    writeFileSync(join(w.dist, 'cli.js'), bundle('cli'));
    assert.equal(w.call('cursor').stdout, '["cli","hook","cursor","--deadline","590"]');
    writeFileSync(join(w.dist, 'hook.js'), bundle('hook'));
    const fast = w.call('claude');
    assert.deepEqual([fast.stdout, fast.status], ['["hook","claude","--deadline","590"]', 0]);
  } finally {
    w.dispose();
  }
});

void test('the code cache: written by the first call, rewritten once a call needs the local decider, kept otherwise', () => {
  const w = loaderWorld();
  try {
    writeFileSync(join(w.dist, 'cli.js'), bundle('cli'));
    writeFileSync(join(w.dist, 'hook.js'), bundle('hook'));
    w.call('claude');
    assert.deepEqual(w.cacheFiles().map((name) => name.replace(/^.*\.(\w[\w+]*)\.bin$/, '$1')), ['base']);
    const first = w.cacheFiles()[0] ?? '';
    assert.equal(w.call('claude').stdout, '["hook","claude","--deadline","590"]');
    assert.deepEqual(w.cacheFiles(), [first], 'a call that needed nothing new leaves the cache alone');
    assert.equal(w.call('claude', { MARK_LOCAL: '1' }).stdout, '["hook","claude","--deadline","590"]');
    assert.deepEqual(w.cacheFiles(), [first.replace('.base.bin', '.base+local.bin')], 'the cache now covers the local decider, and the old one is gone');
    w.call('claude');
    assert.deepEqual(w.cacheFiles(), [first.replace('.base.bin', '.base+local.bin')], 'a broker-only call keeps the fuller cache');
  } finally {
    w.dispose();
  }
});

void test('a new bundle of the same length never runs stale cached code', () => {
  const w = loaderWorld();
  try {
    writeFileSync(join(w.dist, 'cli.js'), bundle('cli'));
    const hook = join(w.dist, 'hook.js');
    writeFileSync(hook, bundle('old1'));
    assert.equal(w.call('claude').stdout, '["old1","claude","--deadline","590"]');
    assert.equal(w.cacheFiles().length, 1);
    writeFileSync(hook, bundle('new2'));
    // Same length as the old bundle, so V8's own check (the source's length) would accept the old
    // cache; the file's time, part of the cache's name, tells them apart.
    utimesSync(hook, new Date(), new Date(Date.now() + 5000));
    assert.equal(w.call('claude').stdout, '["new2","claude","--deadline","590"]');
    assert.equal(w.call('claude').stdout, '["new2","claude","--deadline","590"]');
    assert.equal(w.cacheFiles().length, 1, 'the old bundle\'s cache was removed');
  } finally {
    w.dispose();
  }
});

void test('a bundle with non-ASCII text is decoded as UTF-8, not Latin-1', () => {
  const w = loaderWorld();
  try {
    writeFileSync(join(w.dist, 'cli.js'), bundle('cli'));
    writeFileSync(join(w.dist, 'hook.js'), bundle('déjà vu → ok'));
    for (let i = 0; i < 2; i++) assert.equal(w.call('claude').stdout, '["déjà vu → ok","claude","--deadline","590"]');
  } finally {
    w.dispose();
  }
});

void test("the caller's NODE_OPTIONS and extra CA certificates do not reach the hook (a --require would run first; the certificates cost every start)", () => {
  const w = loaderWorld();
  try {
    writeFileSync(join(w.dist, 'cli.js'), bundle('cli'));
    writeFileSync(join(w.dist, 'hook.js'), "process.stdout.write(JSON.stringify([process.env.NODE_OPTIONS ?? null, process.env.NODE_EXTRA_CA_CERTS ?? null]));\n");
    const run = w.call('claude', { NODE_OPTIONS: `--require ${join(w.dist, 'missing-preload.js')}`, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' });
    assert.deepEqual([run.stdout, run.status], ['[null,null]', 0], run.stderr);
  } finally {
    w.dispose();
  }
});

void test("a launcher written where no node was on PATH runs the editor's own binary, as Node (ELECTRON_RUN_AS_NODE=1)", () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-electron-')));
  try {
    const dist = join(root, 'dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dist, 'cli.js'), bundle('cli'));
    writeFileSync(join(dist, 'hook.js'), "process.stdout.write(JSON.stringify(['hook', process.env.ELECTRON_RUN_AS_NODE ?? null, ...process.argv.slice(2)]));\n");
    // A stand-in for the editor's Electron binary: it refuses to run unless asked to act as Node.
    const editor = join(root, 'Code');
    writeFileSync(editor, `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "started as an editor" >&2; exit 9; }\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
    const state = join(root, 'state');
    writeLauncher(state, { cliPath: join(dist, 'cli.js'), runtime: editor, electron: true });
    const result = spawnSync(launcherPath(state), ['cursor', '--deadline', '590'], { input: '{}', env: { PATH: process.env.PATH ?? '', HOME: root }, encoding: 'utf8' });
    assert.deepEqual([result.stdout, result.status], ['["hook","1","cursor","--deadline","590"]', 0], result.stderr);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
