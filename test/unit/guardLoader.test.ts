// The one-shot guard's fast start (guardLoader.ts): which command the snippets get, and that a child
// shell still decides every line, and still blocks, when the loader is there, missing, broken, or its
// cache is corrupt. Needs the built CLI (dist/cli.js and dist/guard.js) and real shells (each one installed).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOADER_NAME, LOADER_SCRIPT } from '../../src/host/hooks/hookLoader';
import { GUARD_BUNDLE, writeGuardLoader } from '../../src/host/shellGuard/guardLoader';
import { guardSnippet } from '../../src/host/shellGuard/guardSnippet';
import { fishQuote, posixQuote } from '../../src/host/shellGuard/snippetText';
import { writeShims } from '../../src/host/shims/pathShims';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

void describe('guard loader: the command one-shot calls start with', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-guard-loader-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('runs the guard bundle beside the CLI through the loader it writes, with the same runtime prefix', () => {
    const loaderDir = join(dir, 'plain');
    const start = writeGuardLoader(loaderDir, ['/opt/node', '/ext/dist/cli.js']);
    const loader = join(loaderDir, LOADER_NAME);
    assert.deepEqual(start.command, ['/opt/node', loader, `/ext/dist/${GUARD_BUNDLE}`]);
    assert.deepEqual(start.requires, [loader, `/ext/dist/${GUARD_BUNDLE}`]);
    assert.equal(readFileSync(loader, 'utf8'), LOADER_SCRIPT);
    // Electron is run as Node through env; the loader must be started the same way.
    const electron = writeGuardLoader(join(dir, 'electron'), ['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', '/opt/code', '/ext/dist/cli.js']);
    assert.deepEqual(electron.command.slice(0, 3), ['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', '/opt/code']);
  });

  void it('is named in every snippet only when given; the coprocess keeps the full CLI', () => {
    const oneShot = { command: ['/opt/node', "/st ate/it's/loader.js", '/ext/dist/guard.js'], requires: ["/st ate/it's/loader.js", '/ext/dist/guard.js'] };
    for (const shell of ['bash', 'zsh'] as const) {
      const text = guardSnippet(shell, { command: ['/opt/node', '/ext/dist/cli.js'], oneShot });
      assert.ok(text.includes(`__airlock_fast=(${oneShot.command.map(posixQuote).join(' ')})`), shell);
      assert.match(text, /"\$\{__airlock_cmd\[@\]\}" guard --serve/);
      assert.ok(guardSnippet(shell, { command: ['/opt/node', '/ext/dist/cli.js'] }).includes('__airlock_fast=() __airlock_fast_needs=()'), shell);
    }
    const fish = guardSnippet('fish', { command: ['/opt/node', '/ext/dist/cli.js'], oneShot });
    assert.ok(fish.includes(`set -g __airlock_fast ${oneShot.command.map(fishQuote).join(' ')}`));
  });
});

const SHELLS = (['bash', 'zsh', 'fish'] as const).filter((shell) => spawnSync(shell, ['-c', 'true'], { stdio: 'ignore' }).status === 0);

for (const shell of SHELLS) {
  void describe(`guard loader in a real ${shell} -c child`, () => {
    let dir: string;
    let loaderDir: string;
    let shellEnv: NodeJS.ProcessEnv;
    before(() => {
      if (!existsSync(CLI) || !existsSync(join(ROOT, 'dist', GUARD_BUNDLE))) {
        const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
        assert.equal(build.status, 0, build.stderr);
      }
      dir = mkdtempSync(join(tmpdir(), `airlock-guard-loader-${shell}-`));
      mkdirSync(join(dir, 'home'));
      loaderDir = join(dir, 'loader');
      const snippet = join(dir, `guard.${shell}`);
      writeFileSync(snippet, guardSnippet(shell, { command: [process.execPath, CLI], oneShot: writeGuardLoader(loaderDir, [process.execPath, CLI]) }));
      // Loaded the way the extension loads it into each shell's children (terminalGuard.ts).
      mkdirSync(join(dir, 'xdg', 'fish', 'vendor_conf.d'), { recursive: true });
      writeFileSync(join(dir, 'xdg', 'fish', 'vendor_conf.d', 'airlock-guard.fish'), `source ${fishQuote(snippet)}\n`);
      writeFileSync(join(dir, '.zshenv'), `source ${posixQuote(snippet)}\n`);
      shellEnv = shell === 'bash' ? { BASH_ENV: snippet } : shell === 'zsh' ? { ZDOTDIR: dir } : { XDG_DATA_DIRS: `${join(dir, 'xdg')}:/usr/share` };
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const cacheFiles = (): string[] => (existsSync(join(loaderDir, 'cache')) ? readdirSync(join(loaderDir, 'cache')).filter((name) => name.endsWith('.bin')) : []);
    // stdin is /dev/null: bash skips BASH_ENV when stdin is a socket (it takes that for rshd/sshd and
    // reads ~/.bashrc instead), and Node's default pipes are sockets.
    const child = (line: string) => spawnSync(shell, ['-c', line], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: join(dir, 'home'), ...shellEnv, AIRLOCK_NO_BROKER: '1', AIRLOCK_STATE_DIR: join(dir, 'state') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    /** An allowed line runs; a recursive delete of a folder in this test's own directory is blocked. */
    const decides = (label: string): void => {
      const marker = join(dir, 'ran');
      rmSync(marker, { force: true });
      const allowed = child(`echo ok > ${posixQuote(marker)}`);
      assert.equal(allowed.status, 0, `${label}: ${allowed.stderr}`);
      assert.ok(existsSync(marker), `${label}: the allowed line did not run`);
      const victim = join(dir, 'victim');
      mkdirSync(victim, { recursive: true });
      writeFileSync(join(victim, 'keep'), 'kept');
      const blocked = child(`rm -rf ${posixQuote(victim)}`);
      assert.equal(blocked.status, 126, `${label}: ${blocked.stderr}`);
      assert.ok(existsSync(join(victim, 'keep')), `${label}: the blocked line ran`);
      assert.match(blocked.stderr, /airlock: blocked/);
    };

    void it('decides through the loader, which leaves a code cache for the guard bundle', () => {
      decides('loader');
      assert.equal(cacheFiles().length, 1);
    });

    void it('a corrupt cache is rejected and written again; the lines are still decided', () => {
      const [name] = cacheFiles();
      assert.ok(name);
      writeFileSync(join(loaderDir, 'cache', name), 'not a code cache');
      decides('corrupt cache');
      assert.ok(statSync(join(loaderDir, 'cache', cacheFiles()[0] ?? name)).size > 1000, 'the corrupt cache was not replaced');
    });

    void it('a broken loader falls back to the full CLI, which still decides', () => {
      writeFileSync(join(loaderDir, LOADER_NAME), "throw new Error('broken loader');\n");
      decides('broken loader');
    });

    void it('a missing loader falls back to the full CLI, which still decides', () => {
      rmSync(loaderDir, { recursive: true, force: true });
      decides('missing loader');
      assert.equal(existsSync(loaderDir), false);
    });
  });
}

void describe('PATH shims through the guard loader', () => {
  let dir: string;
  let loaderDir: string;
  let shims: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-guard-loader-shims-'));
    mkdirSync(join(dir, 'home'));
    loaderDir = join(dir, 'loader');
    shims = writeShims(join(dir, 'shims'), [process.execPath, CLI], ['rm', 'rmdir'], writeGuardLoader(loaderDir, [process.execPath, CLI]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const shim = (program: string, args: string[]) => spawnSync(join(shims, program), args, {
    cwd: dir,
    env: { PATH: `${shims}:${process.env.PATH ?? ''}`, HOME: join(dir, 'home'), AIRLOCK_NO_BROKER: '1', AIRLOCK_STATE_DIR: join(dir, 'state') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  /** rmdir of an empty folder runs the real rmdir; rm -rf of a folder in this test's directory is refused. */
  const decides = (label: string): void => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const allowed = shim('rmdir', [empty]);
    assert.equal(allowed.status, 0, `${label}: ${allowed.stderr}`);
    assert.equal(existsSync(empty), false, `${label}: the allowed rmdir did not run`);
    const victim = join(dir, 'victim');
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, 'keep'), 'kept');
    const refused = shim('rm', ['-rf', victim]);
    assert.equal(refused.status, 126, `${label}: ${refused.stderr}`);
    assert.ok(existsSync(join(victim, 'keep')), `${label}: the refused rm ran`);
  };

  void it('asks through the loader (its cache appears), then through the full CLI when the loader is broken or missing', () => {
    decides('loader');
    assert.equal(readdirSync(join(loaderDir, 'cache')).filter((name) => name.endsWith('.bin')).length, 1);
    writeFileSync(join(loaderDir, LOADER_NAME), "throw new Error('broken loader');\n");
    decides('broken loader');
    rmSync(loaderDir, { recursive: true, force: true });
    decides('missing loader');
  });
});
