import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Assessment } from '../../src/core/assessment';
import type { LedgerRecord } from '../../src/core/ledger/entry';
import { ApprovalBroker } from '../../src/host/broker/approvalBroker';
import { brokerSocketPath, registerBroker, registryDir } from '../../src/host/broker/brokerRegistry';
import { BrokerServer } from '../../src/host/broker/brokerServer';
import { BrokerDecisionService, createBrokerDecisionService } from '../../src/host/brokerClient';
import { readWorkspaceLedger } from '../../src/host/ledger/verifyLedger';
import { sharedEngine } from './support/engineFixture';
import type { DecisionService, GuardAnswer, GuardRequest } from '../../src/host/decisionService';

const root = mkdtempSync(join(tmpdir(), 'airlock-broker-'));
after(() => rmSync(root, { recursive: true, force: true }));

const none: Assessment = { score: 0, level: 'none', reasons: [], impact: { summary: '', paths: [], files: 0, bytes: 0, untracked: 0, modified: 0 } };
const high: Assessment = { ...none, score: 60, level: 'high', reasons: [{ rule: 'fs.rm-recursive', score: 60, message: 'deletes' }] };

/** Stands in for the local decider, and counts how often the client fell back to it. */
class FakeLocal implements DecisionService {
  calls = 0;
  decide(): Promise<GuardAnswer> {
    this.calls++;
    return Promise.resolve({ decision: 'deny', assessment: high, policy: { decision: 'deny', decidedBy: 'threshold', failedClosed: true }, decider: { by: 'fail-closed', how: 'threshold' }, ledger: { seq: 1 } });
  }
}

async function startBroker(name: string) {
  const stateRoot = join(root, name);
  const workspace = join(root, name, 'ws');
  mkdirSync(workspace, { recursive: true });
  const records: LedgerRecord[] = [];
  const broker = new ApprovalBroker({
    evaluate: (request) => Promise.resolve(request.action.kind === 'shell' && request.action.command.startsWith('ls')
      ? { assessment: none, policy: { decision: 'allow', decidedBy: 'threshold' }, workspaceRoot: workspace, timeoutMs: 5000 }
      : { assessment: high, policy: { decision: 'ask', decidedBy: 'threshold' }, workspaceRoot: workspace, timeoutMs: 5000 }),
    record: (_root, record) => {
      records.push(record);
      return Promise.resolve({ seq: records.length });
    },
  });
  const token = randomBytes(32).toString('hex');
  const socket = brokerSocketPath({}, stateRoot);
  const server = new BrokerServer(broker, token, { requestReadMs: 500 });
  await server.listen(socket);
  const entryFile = registerBroker({ socket, token, pid: process.pid, workspaces: [workspace], started: new Date().toISOString() }, stateRoot);
  const stop = async () => {
    broker.close();
    await server.close();
  };
  return { stateRoot, workspace, broker, records, socket, token, entryFile, stop };
}

const req = (command: string, cwd: string): GuardRequest => ({ action: { kind: 'shell', command }, cwd, source: 'shim' });

/** Sends raw text and collects every line the broker writes until it closes the connection. */
function raw(socketPath: string, text: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath, () => socket.write(text));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(data.split('\n').filter(Boolean)));
  });
}

void describe('broker over its socket, with the client and its fallback', () => {
  void it('keeps its socket in a private 0700 folder, and the client finds it through the registry', async () => {
    const b = await startBroker('registry');
    try {
      assert.equal(statSync(join(b.socket, '..')).mode & 0o777, 0o700);
      assert.equal(statSync(registryDir(b.stateRoot)).mode & 0o777, 0o700);
      const local = new FakeLocal();
      const client = new BrokerDecisionService(local, { stateRoot: b.stateRoot, env: {} });
      assert.equal(await client.ping(join(b.workspace, 'src')), true);
      assert.equal(await client.ping(root), false, 'no window guards the folder above the workspace');
      const answer = await client.decide(req('ls -la', join(b.workspace, 'src')));
      assert.equal(answer.decision, 'allow');
      assert.equal(local.calls, 0);
      // An allowed shim call is answered first and recorded once the broker is idle.
      await b.broker.flushRecords();
      assert.equal(b.records.length, 1, 'the broker wrote the ledger');
    } finally {
      await b.stop();
    }
  });

  void it('a request that needs a person waits for the view: allow once answers allow', async () => {
    const b = await startBroker('person');
    try {
      const client = new BrokerDecisionService(new FakeLocal(), { env: { AIRLOCK_BROKER_SOCKET: b.socket, AIRLOCK_BROKER_TOKEN: b.token }, stateRoot: join(root, 'empty') });
      const answer = client.decide(req('rm -rf build', b.workspace));
      while (b.broker.pending().length === 0) await new Promise((r) => setTimeout(r, 5));
      b.broker.answer(b.broker.pending()[0]!.id, 'allow-once');
      const result = await answer;
      assert.equal(result.decision, 'allow');
      assert.deepEqual(result.decider, { by: 'person', how: 'allow-once' });
      assert.equal(await client.consumeApproval('rm -rf build', b.workspace), true);
      assert.equal(await client.consumeApproval('rm -rf build', b.workspace), false);
    } finally {
      await b.stop();
    }
  });

  void it('refuses a wrong token, an unknown field and an oversized line, each with one error', async () => {
    const b = await startBroker('refuse');
    try {
      const ping = (token: string, extra = {}) => `${JSON.stringify({ v: 1, type: 'ping', id: 'p1', token, ...extra })}\n`;
      assert.match((await raw(b.socket, ping(b.token)))[0]!, /"type":"pong"/);
      const wrong = await raw(b.socket, ping('0'.repeat(64)));
      assert.equal(wrong.length, 1);
      assert.match(wrong[0]!, /wrong token/);
      assert.match((await raw(b.socket, ping(b.token, { approve: true })))[0]!, /unknown field/);
      assert.match((await raw(b.socket, 'x'.repeat(5 * 1024 * 1024)))[0]!, /larger than/);
      assert.match((await raw(b.socket, '{"v":1'))[0]!, /no request in time/);
      const local = new FakeLocal();
      const client = new BrokerDecisionService(local, { env: { AIRLOCK_BROKER_SOCKET: b.socket, AIRLOCK_BROKER_TOKEN: 'f'.repeat(64) }, stateRoot: join(root, 'empty') });
      assert.equal((await client.decide(req('ls', b.workspace))).decision, 'deny');
      assert.equal(local.calls, 1, 'a refused client decides locally, failing closed');
    } finally {
      await b.stop();
    }
  });

  void it('a client that hangs up while waiting gets its request denied and recorded', async () => {
    const b = await startBroker('hangup');
    try {
      const socket = net.createConnection(b.socket, () =>
        socket.write(`${JSON.stringify({ v: 1, type: 'decide', id: 'h1', token: b.token, request: req('rm -rf build', b.workspace) })}\n`));
      while (b.broker.pending().length === 0) await new Promise((r) => setTimeout(r, 5));
      socket.destroy();
      while (b.records.length === 0) await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(b.records[0]!.decider, { by: 'fail-closed', how: 'client-gone' });
      assert.equal(b.broker.pending().length, 0);
    } finally {
      await b.stop();
    }
  });

  void it('a client that hangs up while its request is still being assessed never leaves it in the queue', async () => {
    const records: LedgerRecord[] = [];
    const broker = new ApprovalBroker({
      evaluate: () => new Promise((resolve) => setTimeout(() => resolve({ assessment: high, policy: { decision: 'ask', decidedBy: 'threshold' }, workspaceRoot: root, timeoutMs: 5000 }), 150)),
      record: (_root, record) => {
        records.push(record);
        return Promise.resolve({ seq: records.length });
      },
    });
    const token = randomBytes(32).toString('hex');
    const socketPath = brokerSocketPath({}, join(root, 'slow'));
    const server = new BrokerServer(broker, token);
    await server.listen(socketPath);
    try {
      const socket = net.createConnection(socketPath, () => {
        socket.write(`${JSON.stringify({ v: 1, type: 'decide', id: 's1', token, request: req('rm -rf build', root) })}\n`);
        setTimeout(() => socket.destroy(), 20);
      });
      while (records.length === 0) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(records[0]!.decider, { by: 'fail-closed', how: 'client-gone' });
      assert.equal(broker.pending().length, 0);
    } finally {
      broker.close();
      await server.close();
    }
  });

  void it('closing the window answers waiting clients deny at once', async () => {
    const b = await startBroker('close');
    const client = new BrokerDecisionService(new FakeLocal(), { stateRoot: b.stateRoot, env: {} });
    const answer = client.decide(req('rm -rf build', b.workspace));
    while (b.broker.pending().length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await b.stop();
    const result = await answer;
    assert.equal(result.decision, 'deny');
    assert.equal(result.decider.how, 'window-closed');
    assert.ok(Date.now() - started < 1000);
  });

  void it('falls back when the registry entry is stale, when nothing listens, and always with AIRLOCK_NO_BROKER=1', async () => {
    const stateRoot = join(root, 'stale');
    const file = registerBroker({ socket: join(root, 'nothing.sock'), token: 'a'.repeat(64), pid: 2 ** 22 + 12345, workspaces: [root], started: '' }, stateRoot);
    const local = new FakeLocal();
    const client = new BrokerDecisionService(local, { stateRoot, env: {} });
    assert.equal(client.targets(root).length, 0);
    assert.equal(await client.ping(root), false);
    assert.ok(!readdirSync(registryDir(stateRoot)).includes(file.split('/').pop()!), 'the stale entry was removed');
    await client.decide(req('ls', root));
    const dead = new BrokerDecisionService(local, { env: { AIRLOCK_BROKER_SOCKET: join(root, 'nothing.sock'), AIRLOCK_BROKER_TOKEN: 'a'.repeat(64) }, stateRoot });
    await dead.decide(req('ls', root));
    assert.equal(local.calls, 2);

    const b = await startBroker('forced');
    try {
      const forced = new BrokerDecisionService(local, { stateRoot: b.stateRoot, env: { AIRLOCK_NO_BROKER: '1', AIRLOCK_BROKER_SOCKET: b.socket, AIRLOCK_BROKER_TOKEN: b.token } });
      await forced.decide(req('ls', b.workspace));
      assert.equal(local.calls, 3);
      assert.equal(b.records.length, 0, 'the broker was never asked');
    } finally {
      await b.stop();
    }
  });

  void it('falls back when a broker takes the request and goes silent past its deadline', async () => {
    const path = join(brokerSocketPath({}, join(root, 'silent')));
    // It echoes the request's id, says it holds the request, and then says nothing more.
    const server = net.createServer((socket) => socket.on('data', (data) => {
      const { id } = JSON.parse(String(data)) as { id: string };
      socket.write(`${JSON.stringify({ v: 1, type: 'accepted', id, timeoutMs: 0 })}\n`);
    }));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const local = new FakeLocal();
      const client = new BrokerDecisionService(local, { env: { AIRLOCK_BROKER_SOCKET: path, AIRLOCK_BROKER_TOKEN: 'a'.repeat(64) }, stateRoot: join(root, 'empty'), assessTimeoutMs: 100 });
      const started = Date.now();
      assert.equal((await client.decide(req('rm -rf build', root))).decision, 'deny');
      assert.equal(local.calls, 1);
      assert.ok(Date.now() - started >= 100, 'it waited for the assessment deadline first');
    } finally {
      server.close();
    }
  });
});

void describe('createBrokerDecisionService: the one-line plug for the CLI', () => {
  void it('with no window, or with AIRLOCK_NO_BROKER=1, the local decider answers, fails closed and writes the ledger', async () => {
    const workspace = join(root, 'plug-ws');
    mkdirSync(join(workspace, '.git'), { recursive: true });
    const stateRoot = join(root, 'plug-state');
    let loads = 0;
    const load = () => { loads++; return sharedEngine(); };
    for (const env of [{}, { AIRLOCK_NO_BROKER: '1' }]) {
      const service = createBrokerDecisionService(load, { env, stateRoot });
      const answer = await service.decide({ action: { kind: 'shell', command: 'rm -rf ~' }, cwd: workspace, source: 'agent-hook', agent: 'claude' });
      assert.equal(answer.decision, 'deny');
      assert.equal(answer.decider.by, 'fail-closed');
    }
    assert.equal(loads, 2);
    const { report } = readWorkspaceLedger(workspace, stateRoot);
    assert.equal(report.entries.length, 2);
    assert.equal(report.problems.length, 0);
  });

  void it('does not load the engine when a window answers', async () => {
    const b = await startBroker('plug-live');
    try {
      let loads = 0;
      const service = createBrokerDecisionService(() => { loads++; return sharedEngine(); }, { stateRoot: b.stateRoot, env: {} });
      assert.equal((await service.decide(req('ls', b.workspace))).decision, 'allow');
      assert.equal(loads, 0);
    } finally {
      await b.stop();
    }
  });
});
