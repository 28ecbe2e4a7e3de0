import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Assessment, Level } from '../../src/core/assessment';
import type { LedgerRecord } from '../../src/core/ledger/entry';
import type { PolicyOutcome } from '../../src/core/policy/decide';
import { ApprovalBroker } from '../../src/host/broker/approvalBroker';
import type { Evaluation, PendingApproval } from '../../src/host/broker/approvalBroker';
import type { GuardRequest } from '../../src/host/decisionService';

function assessment(score: number, level: Level, rule = 'fs.rm-recursive', path = '/w/build'): Assessment {
  return {
    score, level, reasons: [{ rule, score, message: `${rule} fired` }],
    impact: { summary: '', paths: [{ path, exists: true, files: 3, bytes: 30, tracked: 0, untracked: 3, modified: 0, truncated: false }], files: 3, bytes: 30, untracked: 3, modified: 0 },
  };
}

/** Commands are judged by a table, so each test says exactly what the policy thinks. */
function fakeEvaluation(command: string): Evaluation {
  const ask: PolicyOutcome = { decision: 'ask', decidedBy: 'threshold' };
  if (command.startsWith('ls')) return { assessment: assessment(0, 'none'), policy: { decision: 'allow', decidedBy: 'threshold' }, workspaceRoot: '/w', timeoutMs: 5000 };
  if (command.startsWith('deny')) return { assessment: assessment(90, 'critical'), policy: { decision: 'deny', decidedBy: 'no-prod' }, workspaceRoot: '/w', timeoutMs: 5000 };
  if (command.startsWith('rm -rf /')) return { assessment: assessment(100, 'critical', 'fs.rm-root', '/'), policy: { ...ask, confirmation: '/' }, workspaceRoot: '/w', timeoutMs: 5000 };
  if (command.startsWith('slow')) return { assessment: assessment(60, 'high'), policy: ask, workspaceRoot: '/w', timeoutMs: 40 };
  return { assessment: assessment(60, 'high', 'fs.rm-recursive', command.includes('other') ? '/w/other' : '/w/build'), policy: ask, workspaceRoot: '/w', timeoutMs: 5000 };
}

function harness(maxPending = 32) {
  const records: LedgerRecord[] = [];
  const pending: PendingApproval[] = [];
  const broker = new ApprovalBroker({
    evaluate: (request) => Promise.resolve(fakeEvaluation(request.action.kind === 'shell' ? request.action.command : '')),
    record: (_root, record) => {
      records.push(record);
      return Promise.resolve({ seq: records.length });
    },
    maxPending,
  });
  const ask = (command: string, timeoutMs?: number) =>
    broker.decide(request(command), { ...(timeoutMs !== undefined ? { timeoutMs } : {}), onPending: (p) => pending.push(p) });
  return { broker, records, pending, ask };
}

const request = (command: string): GuardRequest => ({ action: { kind: 'shell', command }, cwd: '/w', source: 'agent-hook', agent: 'claude' });
const tick = () => new Promise((resolve) => setImmediate(resolve));

void describe('approval broker: every request gets exactly one answer', () => {
  void it('answers what the policy decides at once, and records it', async () => {
    const { ask, records } = harness();
    assert.equal((await ask('ls -la')).decision, 'allow');
    const denied = await ask('deny prod');
    assert.equal(denied.decision, 'deny');
    assert.deepEqual(denied.decider, { by: 'policy', how: 'no-prod' });
    assert.deepEqual(records.map((r) => r.outcome), ['allowed', 'denied']);
  });

  void it('queues asks for a person: deny answers deny, allow once answers allow, in any order', async () => {
    const { broker, ask, pending, records } = harness();
    const first = ask('rm -rf build');
    const second = ask('rm -rf build other');
    await tick();
    assert.equal(broker.pending().length, 2);
    assert.deepEqual(broker.answer(pending[1]!.id, 'allow-once'), { ok: true });
    assert.deepEqual(broker.answer(pending[0]!.id, 'deny'), { ok: true });
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.decision, 'deny');
    assert.deepEqual(a.decider, { by: 'person', how: 'deny' });
    assert.equal(b.decision, 'allow');
    assert.deepEqual(b.decider, { by: 'person', how: 'allow-once' });
    assert.equal(broker.pending().length, 0);
    assert.equal(records.length, 2);
  });

  void it('a second answer to the same request is refused: one answer, one record', async () => {
    const { broker, ask, pending, records } = harness();
    const answer = ask('rm -rf build');
    await tick();
    const id = pending[0]!.id;
    assert.deepEqual(broker.answer(id, 'deny'), { ok: true });
    assert.equal(broker.answer(id, 'allow-once').ok, false);
    broker.cancel(id, 'client-gone');
    assert.equal((await answer).decision, 'deny');
    await tick();
    assert.equal(records.length, 1);
  });

  void it('denies when nobody answers in time, and the client may shorten the wait but never lengthen it', async () => {
    const { ask, records } = harness();
    const started = Date.now();
    const answer = await ask('slow rm', 60_000);
    assert.equal(answer.decision, 'deny');
    assert.equal(answer.decider.by, 'timeout');
    assert.ok(Date.now() - started < 2000, 'the window setting (40 ms) bounds the wait');
    const short = await ask('rm -rf build', 30);
    assert.equal(short.decider.by, 'timeout');
    assert.equal(records.length, 2);
  });

  void it('bounds a flood: past the queue limit requests are denied at once and recorded as limit', async () => {
    const { broker, ask, records } = harness(3);
    const waiting = [ask('rm -rf build'), ask('rm -rf build'), ask('rm -rf build')];
    const flood = await Promise.all(Array.from({ length: 20 }, () => ask('rm -rf build')));
    assert.ok(flood.every((a) => a.decision === 'deny' && a.decider.by === 'limit' && a.decider.how === 'queue-full'));
    assert.equal(records.filter((r) => r.decider.by === 'limit').length, 20);
    assert.equal(broker.pending().length, 3);
    broker.close();
    assert.ok((await Promise.all(waiting)).every((a) => a.decision === 'deny'));
  });

  void it('closing the window denies everything waiting at once, and anything later', async () => {
    const { broker, ask } = harness();
    const waiting = [ask('rm -rf build'), ask('rm -rf build other')];
    await tick();
    const started = Date.now();
    broker.close();
    const answers = await Promise.all(waiting);
    assert.ok(Date.now() - started < 1000);
    assert.ok(answers.every((a) => a.decision === 'deny' && a.decider.how === 'window-closed'));
    assert.equal((await ask('rm -rf build')).decision, 'deny');
    assert.equal((await ask('ls')).decision, 'deny');
  });

  void it('a critical action cannot be allowed without typing its name', async () => {
    const { broker, ask, pending } = harness();
    const answer = ask('rm -rf /');
    await tick();
    const id = pending[0]!.id;
    assert.equal(pending[0]!.similar, undefined, 'allow similar is never offered for critical actions');
    assert.equal(broker.answer(id, 'allow-once').ok, false);
    assert.equal(broker.answer(id, 'allow-once', 'build').ok, false);
    assert.equal(broker.answer(id, 'allow-similar', '/').ok, false);
    assert.equal(broker.pending().length, 1, 'a refused allow leaves the request waiting');
    assert.deepEqual(broker.answer(id, 'allow-once', ' / '), { ok: true });
    assert.deepEqual((await answer).decider, { by: 'person', how: 'typed-confirmation' });
  });

  void it('allow similar covers the same rules and paths only, for this session', async () => {
    const { broker, ask, pending } = harness();
    const first = ask('rm -rf build');
    await tick();
    assert.match(pending[0]!.similar?.explanation ?? '', /fs\.rm-recursive.*\/w\/build/);
    broker.answer(pending[0]!.id, 'allow-similar');
    assert.equal((await first).decision, 'allow');
    const again = await ask('rm -rf build');
    assert.deepEqual(again.decider, { by: 'person', how: 'allow-similar' });
    const other = ask('rm -rf other');
    await tick();
    assert.equal(broker.pending().length, 1, 'a different path asks again');
    broker.close();
    assert.equal((await other).decision, 'deny');
  });

  void it('an approval is one-time: a shim can claim it once, and only for the same command and folder', async () => {
    const { broker, ask, pending } = harness();
    const answer = ask('rm -rf build');
    await tick();
    assert.equal(broker.consumeApproval('rm -rf build', '/w'), false, 'nothing approved yet');
    broker.answer(pending[0]!.id, 'allow-once');
    await answer;
    assert.equal(broker.consumeApproval('rm -rf build', '/elsewhere'), false);
    assert.equal(broker.consumeApproval('rm -rf build', '/w'), true);
    assert.equal(broker.consumeApproval('rm -rf build', '/w'), false);
  });

  void it('records that a line came from a shell whose PATH had left the shims, and decides it as usual', async () => {
    const { broker, records, pending } = harness();
    const guarded = (command: string, pathShims?: 'on' | 'off'): GuardRequest => ({ action: { kind: 'shell', command }, cwd: '/w', source: 'shell-guard', ...(pathShims ? { pathShims } : {}) });
    assert.equal((await broker.decide(guarded('ls', 'off'))).decision, 'allow');
    assert.equal((await broker.decide(guarded('deny prod', 'off'))).decision, 'deny');
    const waiting = broker.decide(guarded('rm -rf build', 'off'), { onPending: (p) => pending.push(p) });
    await tick();
    broker.answer(pending[0]!.id, 'allow-once');
    assert.equal((await waiting).decision, 'allow');
    await broker.decide(guarded('ls again', 'on'));
    await broker.decide(guarded('ls once more'));
    await broker.flushRecords();
    const said = Object.fromEntries(records.map((r) => [r.action.kind === 'shell' ? r.action.command : '', r.pathShims ?? 'nothing']));
    assert.deepEqual(said, { ls: 'off', 'deny prod': 'off', 'rm -rf build': 'off', 'ls again': 'nothing', 'ls once more': 'nothing' });
  });

  void it('denies when the request cannot be evaluated', async () => {
    const broker = new ApprovalBroker({ evaluate: () => Promise.reject(new Error('engine broke')), record: () => Promise.resolve({ seq: 1 }) });
    const answer = await broker.decide(request('ls'));
    assert.equal(answer.decision, 'deny');
    assert.equal(answer.decider.by, 'fail-closed');
  });
});
