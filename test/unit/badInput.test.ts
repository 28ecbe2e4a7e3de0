// Bad input: empty, huge, binary, broken and pathologically nested lines. Every one must get an
// answer (no throw) quickly. Time bounds here are generous hang guards, not performance assertions.
// Inputs that could hang or crash the engine run in a worker thread, which is terminated after a
// hard limit, so one bad input cannot take the rest of the file down with it.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { Fixture } from './support/engineFixture';
import { assertStopped, decisionOf, makeFixture, summary } from './support/engineFixture';
import type { WorkerAnswer } from './support/analyzeWorker';

const HANG_GUARD_MS = 5_000;
/** A worker still busy after this is terminated and the case fails as a hang. */
const WORKER_KILL_MS = 30_000;

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

/** Analyzes commands in a fresh worker; one answer per command, or `timedOut` when it had to be killed. */
function isolated(commands: readonly string[], killAfterMs = WORKER_KILL_MS): Promise<{ answers: WorkerAnswer[]; timedOut: boolean; workerError?: string }> {
  const workerFile = join(__dirname, 'support', 'analyzeWorker.ts');
  // tsx's CommonJS hook must be registered inside the worker too.
  const source = `require('tsx/cjs/api').register(); require(${JSON.stringify(workerFile)});`;
  return new Promise((resolve) => {
    const worker = new Worker(source, { eval: true, workerData: { commands, cwd: fixture.repo, home: fixture.home } });
    let settled = false;
    const finish = (result: { answers: WorkerAnswer[]; timedOut: boolean; workerError?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ answers: [], timedOut: true }), killAfterMs);
    worker.on('message', (answers: WorkerAnswer[]) => finish({ answers, timedOut: false }));
    worker.on('error', (error) => finish({ answers: [], timedOut: false, workerError: String(error) }));
    worker.on('exit', (code) => finish({ answers: [], timedOut: false, workerError: `worker exited with ${code}` }));
  });
}

/** Analyzes one command in a worker and checks it was answered, without throwing, inside the guard. */
async function answeredInIsolation(command: string, label: string, killAfterMs = WORKER_KILL_MS): Promise<WorkerAnswer> {
  const { answers, timedOut, workerError } = await isolated([command], killAfterMs);
  assert.equal(timedOut, false, `${label}: no answer within ${killAfterMs} ms (the worker was terminated)`);
  assert.equal(workerError, undefined, `${label}: ${workerError}`);
  const answer = answers[0];
  assert.ok(answer, `${label}: no answer`);
  assert.equal(answer.error, undefined, `${label} threw: ${answer.error}`);
  assert.ok(answer.ms < HANG_GUARD_MS, `${label} took ${Math.round(answer.ms)} ms`);
  return answer;
}

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

void describe('empty and blank input', () => {
  void it('an empty command is allowed with nothing found', () => {
    const assessment = fixture.assess('');
    assert.equal(assessment.level, 'none');
    assert.equal(assessment.reasons.length, 0);
    assert.equal(decisionOf(assessment), 'allow');
  });

  void it('whitespace only is allowed with nothing found', () => {
    for (const command of [' ', '   \t  ', '\n\n', ' \t\n \r\n ']) {
      const assessment = fixture.assess(command);
      assert.equal(assessment.level, 'none', summary(command, assessment));
      assert.equal(decisionOf(assessment), 'allow');
    }
  });
});

void describe('oversized input', () => {
  void it('a 1 MB command is answered at once and not allowed (Airlock does not guess)', () => {
    const command = `ls ${'a'.repeat(1024 * 1024)}`;
    const { value: assessment, ms } = timed(() => fixture.assess(command));
    assert.ok(ms < HANG_GUARD_MS, `took ${Math.round(ms)} ms`);
    assert.notEqual(decisionOf(assessment), 'allow');
    assert.ok(assessment.reasons.some((reason) => reason.rule.startsWith('dynamic.limit')), JSON.stringify(assessment.reasons));
  });

  void it('a long but legal line is still judged by what it runs', () => {
    const command = `echo ${'word '.repeat(5_000)}; rm -rf /`;
    const { value: assessment, ms } = timed(() => fixture.assess(command));
    assert.ok(ms < HANG_GUARD_MS, `took ${Math.round(ms)} ms`);
    assert.equal(assessment.level, 'critical');
    assert.ok(assessment.reasons.some((reason) => reason.rule.startsWith('fs.rm.root')));
  });
});

void describe('binary input', () => {
  void it('a line with NUL bytes is not allowed', () => {
    const assessment = fixture.assess('ls\0rm -rf /');
    assert.notEqual(decisionOf(assessment), 'allow');
    assert.ok(assessment.reasons.some((reason) => reason.rule.startsWith('dynamic.limit.binary')), JSON.stringify(assessment.reasons));
  });

  void it('random binary data is answered and not allowed', () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256)).toString('latin1');
    const assessment = fixture.assess(bytes);
    assert.notEqual(decisionOf(assessment), 'allow');
  });

  void it('non-ASCII text is not binary', () => {
    const assessment = fixture.assess('echo "h\u00e9llo w\u00f6rld \u{1F680}"');
    assert.equal(decisionOf(assessment), 'allow', summary('unicode echo', assessment));
  });
});

void describe('text that does not parse', () => {
  void it('rm -rf / "unterminated is still judged critical', () => {
    assertStopped(fixture, 'rm -rf / "unterminated', { rule: 'fs.rm.root', level: 'critical' });
  });

  void it("rm -rf ~ 'unterminated is still judged critical", () => {
    assertStopped(fixture, "rm -rf ~ 'unterminated", { rule: 'fs.rm.home', level: 'critical' });
  });

  void it('a harmless unterminated line is answered, not thrown', () => {
    for (const command of [`echo 'hi`, 'ls "abc', '"', '&& || ; | &', 'if then fi', '$(', '`', '<<EOF']) {
      const assessment = fixture.assess(command);
      assert.ok(['none', 'low', 'high', 'critical'].includes(assessment.level), summary(command, assessment));
      assert.ok(assessment.level !== 'critical', summary(command, assessment));
    }
  });

  void it('CRLF line endings do not hide a command', () => {
    assertStopped(fixture, 'ls\r\nrm -rf /\r\n', { rule: 'fs.rm.root', level: 'critical' });
  });
});

void describe('pathological nesting (isolated in a worker)', () => {
  void it('200 nested $(...) substitutions still find the rm inside', async () => {
    const command = `echo ${'$('.repeat(200)}rm -rf /${')'.repeat(200)}`;
    const answer = await answeredInIsolation(command, '200 nested $()');
    assert.notEqual(answer.decision, 'allow');
  });

  void it('10,000 nested $(...) substitutions are answered without throwing', async () => {
    const command = `echo ${'$('.repeat(10_000)}rm -rf /${')'.repeat(10_000)}`;
    const answer = await answeredInIsolation(command, '10,000 nested $()');
    assert.notEqual(answer.decision, 'allow');
  });

  void it('5,000 nested subshells are answered without throwing', async () => {
    const answer = await answeredInIsolation(`${'('.repeat(5_000)}ls${')'.repeat(5_000)}`, '5,000 nested subshells');
    assert.ok(answer.level !== undefined);
  });

  void it('deeply nested bash -c is answered, and not allowed past the nesting limit', async () => {
    let command = 'rm -rf /';
    for (let depth = 0; depth < 14; depth++) command = `bash -c ${JSON.stringify(command)}`.replace(/\$/g, '\\$');
    const answer = await answeredInIsolation(command, '14 nested bash -c');
    assert.notEqual(answer.decision, 'allow', JSON.stringify(answer));
  });

  void it('a chain of 2,000 eval wrappers is answered and not allowed', async () => {
    const answer = await answeredInIsolation(`${'eval '.repeat(2_000)}rm -rf /`, '2,000 evals');
    assert.notEqual(answer.decision, 'allow', JSON.stringify(answer));
    assert.ok(answer.rules?.some((rule) => rule.startsWith('dynamic.limit') || rule.startsWith('fs.rm')), JSON.stringify(answer));
  });

  void it('5,000 stacked sudo wrappers are answered and not allowed', async () => {
    const answer = await answeredInIsolation(`${'sudo '.repeat(5_000)}rm -rf /`, '5,000 sudos');
    assert.notEqual(answer.decision, 'allow', JSON.stringify(answer));
  });

  void it('many brace groups in one word are answered', async () => {
    // Killed sooner than the others: while this gap stands it always runs into the limit.
    const answer = await answeredInIsolation(`echo ${'{a,b}'.repeat(50)}`, '50 brace groups', 10_000);
    assert.equal(answer.decision, 'allow', JSON.stringify(answer));
  });
});

void describe('enormous pipelines and lists (isolated in a worker)', () => {
  void it('a 10,000-stage pipeline is answered and not allowed (over the program limit)', async () => {
    const answer = await answeredInIsolation(Array.from({ length: 10_000 }, () => 'cat').join(' | '), '10,000-stage pipeline');
    assert.notEqual(answer.decision, 'allow', JSON.stringify(answer));
    assert.ok(answer.rules?.some((rule) => rule.startsWith('dynamic.limit')), JSON.stringify(answer));
  });

  void it('a 50,000-command list is answered and not allowed', async () => {
    const answer = await answeredInIsolation(Array.from({ length: 50_000 }, () => 'ls').join('; '), '50,000-command list');
    assert.notEqual(answer.decision, 'allow', JSON.stringify(answer));
  });

  void it('a 20,000-stage pipeline ending in rm -rf / is answered and not allowed', async () => {
    const command = `${Array.from({ length: 20_000 }, () => 'cat').join(' | ')} | xargs rm -rf /`;
    const { answers, timedOut, workerError } = await isolated([command, 'ls']);
    assert.equal(timedOut, false);
    assert.equal(workerError, undefined);
    assert.equal(answers[0]?.error, undefined, String(answers[0]?.error));
    assert.notEqual(answers[0]?.decision, 'allow');
    assert.equal(answers[1]?.error, undefined, `the engine is broken for the next command: ${answers[1]?.error}`);
  });
});
