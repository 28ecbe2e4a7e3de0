// The shell guard's pieces that need no shell: the wire format, the guard CLI's answers and exit codes
// (one-shot, --serve, --shim), the snippets' quoting, and how shims find the real program.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RequestReader, denyLine } from '../../src/host/shellGuard/guardProtocol';
import { guardSnippet } from '../../src/host/shellGuard/guardSnippet';
import { fishQuote, posixQuote } from '../../src/host/shellGuard/snippetText';
import { argvToCommandLine, findRealProgram, pathWithoutShims, writeShims } from '../../src/host/shims/pathShims';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

void describe('guard wire format', () => {
  void it('reads NUL-framed requests split anywhere across chunks, in order', () => {
    const reader = new RequestReader();
    const bytes = Buffer.from(['1', '/work', 'on', 'echo "a b"\n  next', '2', '/tmp', 'off', 'rm -rf ~', '3\t\n', '/x', '', 'part'].join('\0'), 'utf8');
    const got = [...reader.push(bytes.subarray(0, 3)), ...reader.push(bytes.subarray(3, 17)), ...reader.push(bytes.subarray(17))];
    assert.deepEqual(got, [
      { seq: '1', cwd: '/work', pathShims: 'on', line: 'echo "a b"\n  next' },
      { seq: '2', cwd: '/tmp', pathShims: 'off', line: 'rm -rf ~' },
    ]);
    // The number is echoed on the answer line, so nothing in it may break that line; an empty or
    // unknown shim state says nothing.
    assert.deepEqual(reader.push(Buffer.from('ial\0')), [{ seq: '3', cwd: '/x', line: 'partial' }]);
    assert.deepEqual(reader.push(Buffer.from('4\0/y\0maybe\0ls\0')), [{ seq: '4', cwd: '/y', line: 'ls' }]);
  });

  void it('keeps a deny answer on one line whatever the message holds', () => {
    assert.equal(denyLine('why\tthis\nand that'), 'deny\twhy this and that\n');
  });
});

void describe('snippet quoting', () => {
  void it('quotes words so the shells read them back unchanged', () => {
    const word = `it's a "path" with $HOME and \\ back`;
    assert.equal(spawnSync('bash', ['-c', `printf %s ${posixQuote(word)}`], { encoding: 'utf8' }).stdout, word);
    if (spawnSync('sh', ['-c', 'command -v fish']).status === 0) {
      assert.equal(spawnSync('fish', ['--no-config', '-c', `printf %s ${fishQuote(word)}`], { encoding: 'utf8' }).stdout, word);
    }
  });

  void it('produces snippets each shell parses, naming the CLI given', () => {
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      const text = guardSnippet(shell, { command: ['/opt/node dir/node', '/opt/air lock/cli.js'] });
      assert.ok(text.includes('/opt/air lock/cli.js'));
      assert.ok(!text.includes('$\\{'), `${shell}: an escaped brace was left in the snippet`);
      if (spawnSync('sh', ['-c', `command -v ${shell}`]).status !== 0) continue;
      const file = join(tmpdir(), `airlock-snippet-${process.pid}.${shell}`);
      writeFileSync(file, text);
      const check = spawnSync(shell, shell === 'fish' ? ['--no-config', '-n', file] : ['-n', file], { encoding: 'utf8' });
      rmSync(file, { force: true });
      assert.equal(check.status, 0, `${shell} -n: ${check.stderr}`);
    }
  });
});

void describe('airlock guard (built CLI)', () => {
  let dir: string;
  before(() => {
    if (!existsSync(CLI)) {
      const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
      assert.equal(build.status, 0, build.stderr);
    }
    dir = mkdtempSync(join(tmpdir(), 'airlock-guard-'));
    mkdirSync(join(dir, 'home'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, HOME: join(dir, 'home'), AIRLOCK_NO_BROKER: '1', AIRLOCK_STATE_DIR: join(dir, 'state') });
  const guard = (args: string[], input = '') => spawnSync(process.execPath, [CLI, 'guard', ...args], { cwd: dir, env: env(), input, encoding: 'utf8', timeout: 60_000 });

  void it('one-shot: allow exits 0 with "allow"; a risky line exits 1 with one deny line saying why', () => {
    const allowed = guard(['--shell', 'bash', '--cwd', dir, '--', 'ls -la']);
    assert.equal(allowed.status, 0);
    assert.equal(allowed.stdout, 'allow\n');
    const denied = guard(['--shell', 'bash', '--cwd', dir, '--', 'rm -rf ~']);
    assert.equal(denied.status, 1);
    assert.match(denied.stdout, /^deny\tairlock: blocked \((high|critical) \d+\): deletes .*home.+\n$/);
  });

  void it('--serve answers every request in order, one line each under its number, and exits 0 when stdin closes', () => {
    const served = guard(['--serve', '--shell', 'zsh', '--shell-pid', '1'], ['7', dir, 'on', 'echo hi', '8', dir, '', 'rm -rf ~', '9', dir, 'off', '   '].map((field) => `${field}\0`).join(''));
    assert.equal(served.status, 0);
    const lines = served.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 3);
    assert.equal(lines[0], '7\tallow');
    assert.match(lines[1] ?? '', /^8\tdeny\tairlock: blocked \(/);
    assert.equal(lines[2], '9\tallow');
  });

  void it('outside any git repository, records in the workspace AIRLOCK_WORKSPACE names, not in the folder the command ran in', () => {
    const elsewhere = join(dir, 'elsewhere');
    const workspace = join(dir, 'workspace');
    mkdirSync(elsewhere);
    mkdirSync(workspace);
    const result = spawnSync(process.execPath, [CLI, 'guard', '--shell', 'bash', '--cwd', elsewhere, '--', 'echo recorded'], {
      cwd: elsewhere, env: { ...env(), AIRLOCK_WORKSPACE: workspace }, encoding: 'utf8', timeout: 60_000,
    });
    assert.equal(result.stdout, 'allow\n');
    assert.ok(existsSync(join(workspace, '.airlock', 'ledger.jsonl')), 'no ledger in the workspace');
    assert.ok(!existsSync(join(elsewhere, '.airlock')), 'an .airlock folder was left where the command ran');
  });

  void it('records that a line came from a shell whose PATH had left the shims, one-shot and served, deciding it as usual', () => {
    const work = join(dir, 'shims-off');
    mkdirSync(work);
    spawnSync('git', ['init', '-q', '.'], { cwd: work });
    const run = (args: string[], input = '') => spawnSync(process.execPath, [CLI, 'guard', ...args], { cwd: work, env: env(), input, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run(['--shell', 'fish', '--cwd', work, '--path-shims', 'off', '--', 'echo one-shot-off']).stdout, 'allow\n');
    assert.equal(run(['--shell', 'fish', '--cwd', work, '--path-shims', 'on', '--', 'echo one-shot-on']).stdout, 'allow\n');
    // An empty state is what a guard without a shim folder sends: nothing to say, nothing wrong.
    assert.equal(run(['--shell', 'bash', '--cwd', work, '--path-shims', '', '--', 'echo one-shot-none']).stdout, 'allow\n');
    const denied = run(['--shell', 'bash', '--cwd', work, '--path-shims', 'off', '--', 'rm -rf ~']);
    assert.equal(denied.status, 1, 'a risky line is decided as usual');
    const served = run(['--serve', '--shell', 'bash', '--shell-pid', '1'], ['1', work, 'off', 'echo served-off', '2', work, 'on', 'echo served-on'].map((field) => `${field}\0`).join(''));
    assert.deepEqual(served.stdout.split('\n').filter(Boolean), ['1\tallow', '2\tallow']);
    const ledger = readFileSync(join(work, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { pathShims?: string; action: { command: string } });
    const said = Object.fromEntries(ledger.map((entry) => [entry.action.command, entry.pathShims ?? 'nothing']));
    assert.deepEqual(said, { 'echo one-shot-off': 'off', 'echo one-shot-on': 'nothing', 'echo one-shot-none': 'nothing', 'rm -rf ~': 'off', 'echo served-off': 'off', 'echo served-on': 'nothing' });
  });

  void it('refuses a shim state other than on, off or empty as a usage error', () => {
    const result = guard(['--shell', 'bash', '--path-shims', 'maybe', '--', 'ls']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--path-shims is on or off/);
  });

  void it('rejects an unknown shell as a usage error', () => {
    assert.equal(guard(['--shell', 'tcsh', '--', 'ls']).status, 2);
  });
});

void describe('PATH shims', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-shims-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('find the real program after the shims, even through a second copy of the shim folder', () => {
    const shims = writeShims(join(dir, 'shims'), ['/usr/bin/node', '/x/cli.js'], ['rm']);
    const copy = writeShims(join(dir, 'copy'), ['/usr/bin/node', '/x/cli.js'], ['rm']);
    const realDir = join(dir, 'bin');
    mkdirSync(realDir);
    writeFileSync(join(realDir, 'rm'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, 'not-executable'), '');
    assert.equal(findRealProgram('rm', [shims, copy, '', realDir].join(':'), dir), join(realDir, 'rm'));
    assert.equal(findRealProgram('rm', [shims, copy].join(':'), dir), undefined);
  });

  void it('are taken out of the PATH Airlock itself runs with, so its own git probes never reach a shim', () => {
    const shims = writeShims(join(dir, 'probe-shims'), ['/usr/bin/node', '/x/cli.js'], ['git']);
    assert.equal(pathWithoutShims([shims, '/usr/bin', '/bin'].join(':'), dir), '/usr/bin:/bin');
  });

  void it('turn argv back into a shell line the engine reads as the same words', () => {
    assert.equal(argvToCommandLine('rm', ['-rf', '/tmp/a b', "it's", '~']), `rm -rf '/tmp/a b' 'it'\\''s' '~'`);
  });
});
