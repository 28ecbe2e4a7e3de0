// A window's broker for the real-shell tests and the broker bench: the real ApprovalBroker and
// BrokerServer (so the guards speak exactly the protocol the extension speaks), the real engine,
// policy and ledger, and a scripted person in place of the approval view.
//
//   node --import tsx test/shell/scriptedBroker.ts '<config JSON>'
//
// It prints "ready" (and creates `readyFile`) once it listens. Every answered request is appended to `config.log` as a JSON
// line: {command, source, shellPid, pathShims, outcome, by, how}. The person's choice for a waiting request is
// the first `person` entry whose text the command contains ('allow' | 'deny' | 'ignore', where
// 'ignore' lets it time out after `timeoutMs`). A request containing `dieOn` is answered and then the
// process exits at once, as a window that crashes mid-session; `startAfterMs` starts it late.
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Engine } from '../../src/core/engine';
import { ApprovalBroker } from '../../src/host/broker/approvalBroker';
import { engineEvaluator, ledgerWriter } from '../../src/host/broker/brokerEvaluator';
import { BrokerServer } from '../../src/host/broker/brokerServer';
import { loadEngine } from '../../src/host/engineLoader';

export interface ScriptedBrokerConfig {
  readonly socket: string;
  readonly token: string;
  readonly stateRoot: string;
  readonly log: string;
  readonly person?: readonly (readonly [string, 'allow' | 'deny' | 'ignore'])[];
  readonly timeoutMs?: number;
  readonly dieOn?: string;
  readonly startAfterMs?: number;
  /** Created once it listens, for a shell waiting on it. */
  readonly readyFile?: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ScriptedBrokerConfig;
  if (config.startAfterMs) await new Promise((resolve) => setTimeout(resolve, config.startAfterMs));
  const engine: Promise<Engine> = loadEngine();
  const evaluate = engineEvaluator(() => engine, { stateRoot: config.stateRoot });
  const broker = new ApprovalBroker({
    evaluate: async (request) => ({ ...(await evaluate(request)), timeoutMs: config.timeoutMs ?? 10_000 }),
    record: ledgerWriter({ stateRoot: config.stateRoot }),
  });
  const answered = new Set<string>();
  broker.onDidChange(() => {
    for (const pending of broker.pending()) {
      if (answered.has(pending.id)) continue;
      answered.add(pending.id);
      const command = pending.request.action.kind === 'shell' ? pending.request.action.command : '';
      const choice = config.person?.find(([text]) => command.includes(text))?.[1] ?? 'ignore';
      // Answered after the queue change is fully handled, as a click would be.
      if (choice !== 'ignore') setImmediate(() => broker.answer(pending.id, choice === 'allow' ? 'allow-once' : 'deny'));
    }
  });
  broker.onDidDecide(({ request, answer, origin }) => {
    const command = request.action.kind === 'shell' ? request.action.command : '';
    appendFileSync(config.log, `${JSON.stringify({ command, source: request.source, shellPid: origin?.shellPid, pathShims: request.pathShims, outcome: answer.decision, by: answer.decider.by, how: answer.decider.how })}\n`);
    if (config.dieOn && command.includes(config.dieOn)) {
      // Gone after this answer reaches the client: the socket file stays behind, as after a crash.
      setTimeout(() => process.exit(0), 50);
    }
  });
  const server = new BrokerServer(broker, config.token);
  rmSync(config.socket, { force: true });
  await server.listen(config.socket);
  await engine;
  if (config.readyFile) writeFileSync(config.readyFile, 'ready\n');
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`scripted broker: ${String(error)}\n`);
  process.exit(1);
});
