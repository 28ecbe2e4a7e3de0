// Sessions with the broker: the one-time approvals it holds for shims, the socket side of a session,
// and the shell guard's coprocess (the built CLI) asking a broker over one: waiting lines, abandoned
// lines, and the session the broker sees.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Assessment } from '../../src/core/assessment';
import type { LedgerRecord } from '../../src/core/ledger/entry';
import { ApprovalBroker } from '../../src/host/broker/approvalBroker';
import type { DecidedEvent, Evaluation } from '../../src/host/broker/approvalBroker';
import { ApprovalMemory } from '../../src/host/broker/approvalMemory';
import { BrokerServer } from '../../src/host/broker/brokerServer';
import { RecordQueue } from '../../src/host/broker/recordQueue';
import type { SessionChange } from '../../src/host/broker/brokerServer';
import { BrokerSessionService } from '../../src/host/brokerSession';
import type { DecisionService, GuardAnswer, GuardRequest } from '../../src/host/decisionService';

const CLI = join(resolve(__dirname, '..', '..'), 'dist', 'cli.js');
const root = mkdtempSync(join(tmpdir(), 'airlock-session-'));
after(() => rmSync(root, { recursive: true, force: true }));

function assessment(score: number, paths: string[], rule = 'fs.rm.workspace-unrecoverable'): Assessment {
  return {
    score, level: score >= 80 ? 'critical' : score >= 50 ? 'high' : score >= 20 ? 'low' : 'none',
    reasons: score > 0 ? [{ rule, score, message: 'deletes' }] : [],
    impact: { summary: '', paths: paths.map((path) => ({ path, exists: true, files: 2, bytes: 4, tracked: 0, untracked: 2, modified: 0, truncated: false })), files: 2, bytes: 4, untracked: 2, modified: 0 },
  };
}

const shell = (command: string, source: GuardRequest['source'], cwd = '/w'): GuardRequest => ({ action: { kind: 'shell', command }, cwd, source });

void describe('one-time approvals held by the broker', () => {
  const clock = { now: 1000 };
  const memory = new ApprovalMemory(60_000, () => clock.now);

  void it('a shim running what an approved line showed is covered once per command; more, elsewhere or later is not', () => {
    memory.remember(shell('cd sub && rm -rf data', 'shell-guard', '/w/sub'), assessment(65, ['/w/sub/data']), '/w');
    assert.equal(memory.claim(shell('rm -rf data', 'shim', '/w/sub'), assessment(65, ['/w/sub/data']), '/w'), 'approved-line');
    assert.equal(memory.claim(shell('rm -rf data', 'shim', '/w/sub'), assessment(65, ['/w/sub/data']), '/w'), undefined, 'the same command twice');
    memory.remember(shell('rm -rf data', 'shell-guard'), assessment(65, ['/w/data']), '/w');
    assert.equal(memory.claim(shell('rm -rf data other', 'shim'), assessment(65, ['/w/data', '/w/other']), '/w'), undefined, 'a path the person never saw');
    assert.equal(memory.claim(shell('rm -rf data', 'shim'), assessment(90, ['/w/data']), '/w'), undefined, 'scoring higher than what was approved');
    assert.equal(memory.claim(shell('rm -rf data', 'shim'), assessment(65, ['/w/data'], 'git.clean'), '/w'), undefined, 'another rule');
    assert.equal(memory.claim(shell('shred data', 'shim'), assessment(65, ['/w/data']), '/w'), undefined, 'a program the line does not name');
    assert.equal(memory.claim(shell('rm -rf data', 'shim'), assessment(65, ['/w/data']), '/elsewhere'), undefined, 'another workspace');
    clock.now += 61_000;
    assert.equal(memory.claim(shell('rm -rf data', 'shim'), assessment(65, ['/w/data']), '/w'), undefined, 'expired');
  });

  void it('a line approved through an agent hook is not asked again by the terminal guard, once, for exactly that text', () => {
    memory.remember(shell('rm -rf build', 'agent-hook'), assessment(65, ['/w/build']), '/w');
    assert.equal(memory.claim(shell('rm -rf build; rm -rf src', 'shell-guard'), assessment(65, ['/w/build', '/w/src']), '/w'), undefined);
    assert.equal(memory.claim(shell('rm -rf src\nrm -rf build', 'shell-guard'), assessment(65, ['/w/build', '/w/src']), '/w'), undefined, 'a command before it');
    assert.equal(memory.claim(shell('alias x=y\n rm -rf build ', 'shell-guard'), assessment(65, ['/w/build']), '/w'), 'approved-command');
    assert.equal(memory.claim(shell('rm -rf build', 'shell-guard'), assessment(65, ['/w/build']), '/w'), undefined, 'used up');
    memory.remember(shell('rm -rf build', 'shell-guard'), assessment(65, ['/w/build']), '/w');
    assert.equal(memory.claim(shell('rm -rf build', 'shell-guard'), assessment(65, ['/w/build']), '/w'), undefined, 'a line approved at the shell covers no later line');
  });
});

void describe('recording after answering', () => {
  void it('a terminal line the policy allows is answered before its record is written; records keep the order of the answers', async () => {
    const written: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const broker = new ApprovalBroker({
      evaluate: () => Promise.resolve({ assessment: assessment(0, []), policy: { decision: 'allow', decidedBy: 'threshold' }, workspaceRoot: '/w', timeoutMs: 1000 }),
      record: async (_root, record) => {
        await gate;
        written.push(`${record.source}:${record.action.kind === 'shell' ? record.action.command : ''}`);
        return { seq: written.length };
      },
    });
    const fromGuard = await broker.decide(shell('ls', 'shell-guard'));
    assert.deepEqual([fromGuard.decision, fromGuard.ledger], ['allow', { queued: true }]);
    assert.deepEqual((await broker.decide(shell('git status', 'shim'))).ledger, { queued: true });
    // An agent's hook hears where its record went: its answer waits for the write.
    const fromHook = broker.decide(shell('echo hi', 'agent-hook'));
    assert.deepEqual(written, []);
    release();
    assert.deepEqual((await fromHook).ledger, { seq: 3 });
    assert.deepEqual(written, ['shell-guard:ls', 'shim:git status', 'agent-hook:echo hi']);
  });
});

void describe('record queue', () => {
  const record = (command: string): LedgerRecord => ({
    time: '2026-01-01T00:00:00.000Z', source: 'shell-guard', action: { kind: 'shell', command }, assessment: assessment(0, []),
    policy: { decision: 'allow', decidedBy: 'threshold' }, outcome: 'allowed', decider: { by: 'policy', how: 'threshold' }, waitMs: 0,
  });
  const commandOf = (r: LedgerRecord): string => (r.action.kind === 'shell' ? r.action.command : '');

  void it('holds records while requests keep coming, writes them once idle, and keeps the order when one must be written at once', async () => {
    const written: string[] = [];
    const queue = new RecordQueue((_root, r) => Promise.resolve({ seq: written.push(commandOf(r)) }), () => undefined, 50);
    queue.later('/w', record('a'));
    queue.later('/w', record('b'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    queue.busy();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(written, [], 'written while requests kept coming');
    await until(() => written.length === 2, 'the idle write');
    queue.later('/w', record('c'));
    assert.deepEqual(await queue.now('/w', record('d')), { seq: 4 });
    assert.deepEqual(written, ['a', 'b', 'c', 'd']);
  });

  void it('a record that cannot be written is reported, and later ones are still written', async () => {
    const warnings: string[] = [];
    const written: string[] = [];
    const queue = new RecordQueue((_root, r) => (commandOf(r) === 'bad' ? Promise.reject(new Error('disk full')) : Promise.resolve({ seq: written.push(commandOf(r)) })), (m) => warnings.push(m), 10);
    queue.later('/w', record('bad'));
    queue.later('/w', record('good'));
    await queue.flush();
    assert.deepEqual(written, ['good']);
    assert.match(warnings.join('\n'), /disk full/);
    assert.deepEqual(await queue.now('/w', record('bad')), { error: 'disk full' });
  });
});

/** A broker whose policy asks about anything starting with `rm`, answered by the test. */
async function startBroker(name: string) {
  const records: LedgerRecord[] = [];
  const decided: DecidedEvent[] = [];
  const sessions: SessionChange[] = [];
  const evaluate = (request: GuardRequest): Promise<Evaluation> => {
    const command = request.action.kind === 'shell' ? request.action.command : '';
    return Promise.resolve(command.startsWith('rm')
      ? { assessment: assessment(65, ['/w/data']), policy: { decision: 'ask', decidedBy: 'threshold' }, workspaceRoot: '/w', timeoutMs: 20_000 }
      : { assessment: assessment(0, []), policy: { decision: 'allow', decidedBy: 'threshold' }, workspaceRoot: '/w', timeoutMs: 20_000 });
  };
  const broker = new ApprovalBroker({ evaluate, record: (_root, record) => Promise.resolve({ seq: records.push(record) }) });
  broker.onDidDecide((event) => decided.push(event));
  const token = randomBytes(32).toString('hex');
  const socket = join(root, `${name}.sock`);
  const server = new BrokerServer(broker, token, { onSession: (change) => sessions.push(change) });
  await server.listen(socket);
  return { broker, server, records, decided, sessions, socket, token, stop: async () => { broker.close(); await server.close(); } };
}

const until = async (condition: () => boolean, what: string, detail: () => string = () => ''): Promise<void> => {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${detail()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

void describe('broker sessions over the socket', () => {
  void it('a session keeps its connection across requests, tags them with its shell, and closing it ends the session', async () => {
    const b = await startBroker('keep');
    try {
      const local: DecisionService = { decide: () => Promise.reject(new Error('the fallback was used')) };
      const service = new BrokerSessionService(() => Promise.resolve(local), { env: { AIRLOCK_BROKER_SOCKET: b.socket, AIRLOCK_BROKER_TOKEN: b.token }, stateRoot: join(root, 'none'), client: { kind: 'shell-guard', shell: 'bash', shellPid: 4242 } });
      assert.equal(await service.warmUp('/w'), true);
      for (const command of ['ls', 'echo a', 'git status']) assert.equal((await service.decide(shell(command, 'shell-guard'))).decision, 'allow');
      assert.equal(b.server.sessions().length, 1, 'one connection for every request');
      assert.deepEqual(b.decided.map((e) => e.origin?.shellPid), [4242, 4242, 4242]);
      service.close();
      await until(() => b.sessions.some((s) => s.kind === 'close'), 'the session to close');
      assert.equal(b.server.sessions().length, 0);
    } finally {
      await b.stop();
    }
  });

  void it('when the broker goes mid-session the fallback decides, and a later request finds a broker back on the socket', async () => {
    let b = await startBroker('revive');
    const fallbackCalls: string[] = [];
    const local: DecisionService = {
      decide: (request: GuardRequest): Promise<GuardAnswer> => {
        fallbackCalls.push(request.action.kind === 'shell' ? request.action.command : '');
        return Promise.resolve({ decision: 'deny', assessment: assessment(65, []), policy: { decision: 'deny', decidedBy: 'threshold', failedClosed: true }, decider: { by: 'fail-closed', how: 'threshold' }, ledger: { seq: 1 } });
      },
    };
    const clock = { now: 0 };
    const service = new BrokerSessionService(() => Promise.resolve(local), { env: { AIRLOCK_BROKER_SOCKET: b.socket, AIRLOCK_BROKER_TOKEN: b.token }, stateRoot: join(root, 'none'), client: { kind: 'shell-guard', shell: 'zsh', shellPid: 7 }, now: () => clock.now });
    try {
      assert.equal((await service.decide(shell('ls', 'shell-guard'))).decision, 'allow');
      const waiting = service.decide(shell('rm -rf data', 'shell-guard'));
      await until(() => b.broker.pending().length === 1, 'the request to wait');
      // The window goes away without answering: its connections drop, nothing is left listening.
      await b.server.close();
      assert.deepEqual((await waiting).decider, { by: 'fail-closed', how: 'threshold' });
      assert.equal((await service.decide(shell('ls -la', 'shell-guard'))).decision, 'deny', 'decided by the fallback');
      assert.deepEqual(fallbackCalls, ['rm -rf data', 'ls -la']);
      b.broker.close();
      const token = b.token;
      b = await startBroker('revive');
      (service as unknown as { options: { env: NodeJS.ProcessEnv } }).options.env.AIRLOCK_BROKER_TOKEN = b.token;
      assert.notEqual(token, b.token);
      assert.equal((await service.decide(shell('ls', 'shell-guard'))).decision, 'deny', 'too soon to try again');
      clock.now += 1000;
      assert.equal((await service.decide(shell('ls', 'shell-guard'))).decision, 'allow', 'the broker is back');
      assert.equal(fallbackCalls.length, 3);
    } finally {
      service.close();
      await b.stop();
    }
  });
});

void describe('the guard coprocess (built CLI) with a broker', () => {
  void it('says a line waits, gives the person\'s answer under the line\'s number, and abandons a line the shell gave up on', async () => {
    assert.ok(existsSync(CLI), 'npm run build first');
    const b = await startBroker('serve');
    const home = join(root, 'home');
    mkdirSync(home, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, AIRLOCK_STATE_DIR: join(root, 'state'), AIRLOCK_BROKER_SOCKET: b.socket, AIRLOCK_BROKER_TOKEN: b.token };
    delete env.AIRLOCK_NO_BROKER;
    const child = spawn(process.execPath, [CLI, 'guard', '--serve', '--shell', 'bash', '--shell-pid', '999'], { cwd: root, env, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let exited = false;
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('close', () => (exited = true));
    const send = (seq: number, line: string): void => void child.stdin.write([String(seq), root, '', line].map((f) => `${f}\0`).join(''));
    const lines = (): string[] => out.split('\n').filter(Boolean);
    try {
      send(1, 'echo hi');
      await until(() => lines().includes('1\tallow'), '1 allow', () => JSON.stringify(out));
      send(2, 'rm -rf data');
      await until(() => lines().some((l) => l.startsWith('2\twait\tairlock: this line waits for your approval')), 'the wait line');
      b.broker.answer(b.broker.pending()[0]!.id, 'allow-once');
      await until(() => lines().includes('2\tallow'), '2 allow');
      // The shell stops waiting for 3 (Ctrl-C) and sends 4: 4 is answered at once, 3 is denied and recorded.
      send(3, 'rm -rf data');
      await until(() => b.broker.pending().length === 1, 'line 3 to wait');
      send(4, 'echo next');
      await until(() => lines().includes('4\tallow'), '4 allow');
      await until(() => b.records.some((r) => r.decider.how === 'client-gone'), 'line 3 to be recorded');
      assert.equal(b.broker.pending().length, 0);
      assert.ok(lines().every((l) => !l.startsWith('3\tallow')), lines().join('\n'));
      assert.ok(b.sessions.some((s) => s.kind === 'open' && s.session.client.shellPid === 999 && s.session.client.shell === 'bash'));
      // The shell is gone: the coprocess must not linger because its session is still open.
      child.stdin.end();
      await until(() => exited, 'the coprocess to exit once its stdin closed');
      await until(() => b.server.sessions().length === 0, 'the session to close');
    } finally {
      if (!exited) child.kill('SIGKILL');
      await b.stop();
    }
  });
});
