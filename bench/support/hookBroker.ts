// A window's broker for bench/hookLatency.mjs, without VS Code: the same broker, evaluator (engine and
// policy) and ledger writer the extension runs (src/extension/broker/brokerHost.ts), listening on a
// socket registered for one workspace under the given per-user folder. Run through tsx in its own
// process, so the hook calls the bench times wait on a real other process, as they do on an agent's
// machine. Prints "ready" once it listens and "decided N" after each request; answers no approvals
// (nothing the bench sends needs one).
//
//   node --import tsx bench/support/hookBroker.ts STATE_DIR WORKSPACE
import { randomBytes } from 'node:crypto';
import { ApprovalBroker } from '../../src/host/broker/approvalBroker';
import { engineEvaluator, ledgerWriter } from '../../src/host/broker/brokerEvaluator';
import { brokerSocketPath, registerBroker, unregisterBroker } from '../../src/host/broker/brokerRegistry';
import { BrokerServer } from '../../src/host/broker/brokerServer';
import { loadEngine } from '../../src/host/engineLoader';

async function main(): Promise<void> {
  const [stateRoot, workspace] = process.argv.slice(2);
  if (!stateRoot || !workspace) throw new Error('usage: hookBroker.ts STATE_DIR WORKSPACE');
  const engine = loadEngine();
  await engine;
  const evaluate = engineEvaluator(() => engine, { stateRoot });
  let decided = 0;
  // Counted aloud, so the bench can check every call it timed as "window open" was answered here.
  const counted: typeof evaluate = async (request) => {
    const evaluation = await evaluate(request);
    process.stdout.write(`decided ${++decided}\n`);
    return evaluation;
  };
  const broker = new ApprovalBroker({ evaluate: counted, record: ledgerWriter({ stateRoot }) });
  const token = randomBytes(32).toString('hex');
  const socket = brokerSocketPath({ ...process.env, AIRLOCK_STATE_DIR: stateRoot }, stateRoot);
  const server = new BrokerServer(broker, token);
  await server.listen(socket);
  const entry = registerBroker({ socket, token, pid: process.pid, workspaces: [workspace], started: new Date().toISOString() }, stateRoot);
  const stop = (): void => {
    broker.close();
    unregisterBroker(entry);
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`hookBroker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
