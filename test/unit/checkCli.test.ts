// `airlock check` as hooks and benchmarks call it: the built CLI in a child process, its exit codes,
// its JSON and JSON-lines output, and --cwd. Builds dist/cli.js first only when it is missing.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from './support/engineFixture';
import { makeFixture } from './support/engineFixture';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

let fixture: Fixture;

before(async () => {
  if (!existsSync(CLI)) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }
  fixture = await makeFixture();
});

after(() => fixture?.dispose());

function check(args: readonly string[], options: { input?: string; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, 'check', ...args], {
    cwd: options.cwd ?? fixture.repo,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    // Decide locally, and let the analysis see the fixture's fake home.
    env: { ...process.env, AIRLOCK_NO_BROKER: '1', HOME: fixture.home },
  });
}

interface Answer {
  readonly decision: string;
  readonly score: number;
  readonly level: string;
  readonly reasons: readonly { rule: string; score: number; message: string }[];
  readonly impact: { summary: string; paths: unknown[]; files: number; bytes: number; untracked: number; modified: number };
  readonly command?: string;
  readonly error?: string;
}

function parseJson(result: SpawnSyncReturns<string>): Answer {
  assert.equal(result.error, undefined, String(result.error));
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one JSON object expected, got:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(lines[0] ?? '') as Answer;
}

void describe('airlock check', () => {
  void it('`check -- rm -rf /` and `check -- "rm -rf /"` reach the same decision', () => {
    const split = parseJson(check(['--json', '--', 'rm', '-rf', '/']));
    const joined = parseJson(check(['--json', '--', 'rm -rf /']));
    assert.notEqual(split.decision, 'allow');
    assert.equal(split.decision, joined.decision);
    assert.equal(split.level, joined.level);
    assert.equal(split.score, joined.score);
    assert.deepEqual(split.reasons.map((reason) => reason.rule), joined.reasons.map((reason) => reason.rule));
  });

  void it('exits 0 when allowed and 2 when not', () => {
    const allowed = check(['--', 'ls', '-la']);
    assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);
    const stopped = check(['--', 'rm', '-rf', '/']);
    assert.equal(stopped.status, 2, stopped.stdout + stopped.stderr);
    assert.match(stopped.stdout, /fs\.rm\.root/);
  });

  void it('--json prints decision, score, level, reasons and impact', () => {
    const result = check(['--json', '--', 'rm -rf /']);
    assert.equal(result.status, 2);
    const answer = parseJson(result);
    assert.ok(['ask', 'deny'].includes(answer.decision), answer.decision);
    assert.equal(typeof answer.score, 'number');
    assert.ok(answer.score >= 80);
    assert.equal(answer.level, 'critical');
    assert.ok(answer.reasons.length > 0);
    for (const reason of answer.reasons) {
      assert.equal(typeof reason.rule, 'string');
      assert.equal(typeof reason.score, 'number');
      assert.equal(typeof reason.message, 'string');
    }
    assert.ok(answer.reasons.some((reason) => reason.rule.startsWith('fs.rm.root')));
    assert.equal(typeof answer.impact.summary, 'string');
    assert.ok(Array.isArray(answer.impact.paths));
    for (const field of ['files', 'bytes', 'untracked', 'modified'] as const) assert.equal(typeof answer.impact[field], 'number', field);
  });

  void it('--json for a harmless command says allow with no reasons', () => {
    const result = check(['--json', '--', 'git', 'status']);
    assert.equal(result.status, 0);
    const answer = parseJson(result);
    assert.equal(answer.decision, 'allow');
    assert.equal(answer.level, 'none');
    assert.deepEqual(answer.reasons, []);
  });

  void it('--cwd judges relative paths in that directory', () => {
    // In the fixture repository `.` is the workspace root, with untracked work in it.
    const inRepo = parseJson(check(['--json', '--cwd', fixture.repo, '--', 'rm -rf .'], { cwd: fixture.plain }));
    assert.equal(inRepo.level, 'critical');
    assert.ok(inRepo.reasons.some((reason) => reason.rule.startsWith('fs.rm.workspace-root')), JSON.stringify(inRepo.reasons));
    // git reset --hard loses work only where there is uncommitted work.
    const dirty = check(['--json', '--cwd', fixture.repo, '--', 'git reset --hard'], { cwd: fixture.plain });
    const clean = check(['--json', `--cwd=${fixture.cleanRepo}`, '--', 'git reset --hard'], { cwd: fixture.plain });
    assert.equal(dirty.status, 2, dirty.stdout);
    assert.equal(clean.status, 0, clean.stdout);
    assert.ok(parseJson(dirty).reasons.some((reason) => reason.rule.startsWith('git.reset-hard.uncommitted')));
  });

  void it('a usage error exits 2 and says what was wrong', () => {
    const result = check(['--no-such-option']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown option/);
  });
});

void describe('airlock check --jsonl', () => {
  void it('answers every line in order, a bad line with {error, decision: deny}, and still answers the rest', () => {
    const input = [
      JSON.stringify({ command: 'ls -la' }),
      'this is not json',
      JSON.stringify({ command: 'rm -rf /' }),
      JSON.stringify({ nocommand: true }),
      JSON.stringify([1, 2]),
      JSON.stringify({ command: 'git reset --hard', cwd: fixture.cleanRepo }),
      JSON.stringify({ command: 'git reset --hard', cwd: fixture.repo }),
      JSON.stringify({ command: 'echo ok', cwd: 42 }),
      JSON.stringify({ command: 'git status' }),
    ].join('\n');
    const result = check(['--jsonl'], { input: `${input}\n` });
    assert.equal(result.status, 0, result.stderr);
    const answers = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Answer);
    assert.equal(answers.length, 9, result.stdout);

    const [ls, notJson, rmRoot, noCommand, array, cleanReset, dirtyReset, badCwd, status] = answers as [Answer, Answer, Answer, Answer, Answer, Answer, Answer, Answer, Answer];
    assert.equal(ls.command, 'ls -la');
    assert.equal(ls.decision, 'allow');
    assert.equal(ls.level, 'none');

    for (const bad of [notJson, noCommand, array, badCwd]) {
      assert.equal(typeof bad.error, 'string', JSON.stringify(bad));
      assert.equal(bad.decision, 'deny', JSON.stringify(bad));
    }

    assert.equal(rmRoot.command, 'rm -rf /');
    assert.notEqual(rmRoot.decision, 'allow');
    assert.equal(rmRoot.level, 'critical');
    assert.ok(rmRoot.reasons.some((reason) => reason.rule.startsWith('fs.rm.root')));
    assert.equal(typeof rmRoot.impact.summary, 'string');

    assert.equal(cleanReset.decision, 'allow', JSON.stringify(cleanReset));
    assert.notEqual(dirtyReset.decision, 'allow', JSON.stringify(dirtyReset));
    assert.equal(status.command, 'git status');
    assert.equal(status.decision, 'allow');
  });

  void it('the default cwd is the process\'s', () => {
    const result = check(['--jsonl'], { input: `${JSON.stringify({ command: 'rm -rf .' })}\n`, cwd: fixture.repo });
    const answer = JSON.parse(result.stdout.trim()) as Answer;
    assert.ok(answer.reasons.some((reason) => reason.rule.startsWith('fs.rm.workspace-root')), JSON.stringify(answer));
  });
});
