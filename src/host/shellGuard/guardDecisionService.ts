import type { DeferredEngine, Engine } from '../../core/engine';
import type { SessionClient } from '../../protocol/brokerMessages';
import { createBrokerDecisionService } from '../brokerClient';
import { BrokerSessionService } from '../brokerSession';
import type { DecisionService } from '../decisionService';
import { LocalDecisionService } from '../decisionService';

export interface GuardDecider {
  readonly service: DecisionService;
  /** The shell gave up waiting for the line in flight (only a long-lived session can act on it). */
  abandon(): void;
  /** Lets go of the broker, so the process can end once its shell has gone. */
  close(): void;
}

export interface GuardDeciderOptions {
  /** Set for the shell guard's coprocess: one session kept open, naming the shell it guards. */
  readonly session?: SessionClient;
  readonly cwd?: string;
  readonly onWarning?: (message: string) => void;
}

/**
 * The DecisionService the shell guard and the shims decide through: the window's broker (found through
 * the terminal's environment, then the per-user registry), where a person can be asked; when no broker
 * answers, or one stops answering, the local service, which fails closed and writes the ledger itself.
 * The coprocess keeps one session open (an allowed line costs one round trip on a warm connection) and
 * finds the broker again when it comes back; one-shot calls and shims connect per call.
 * `AIRLOCK_NO_BROKER=1` decides locally from the start.
 */
export async function createGuardDecider(env: NodeJS.ProcessEnv, loadEngine: () => Promise<Engine | DeferredEngine>, options: GuardDeciderOptions = {}): Promise<GuardDecider> {
  const { onWarning } = options;
  const local = async (): Promise<DecisionService> => new LocalDecisionService(await loadEngine(), onWarning ? { onWarning } : {});
  if (env.AIRLOCK_NO_BROKER === '1') return { service: await local(), abandon: () => undefined, close: () => undefined };
  if (!options.session) {
    return { service: createBrokerDecisionService(loadEngine, { env, ...(onWarning ? { onWarning } : {}) }), abandon: () => undefined, close: () => undefined };
  }
  const session = new BrokerSessionService(local, { env, client: options.session, ...(onWarning ? { onWarning } : {}) });
  await session.warmUp(options.cwd ?? process.cwd());
  return { service: session, abandon: () => session.abandon(), close: () => session.close() };
}
