import { createBrokerDecisionService } from '../host/brokerClient';
import type { DecisionService } from '../host/decisionService';
import { loadEngine } from '../host/engineLoader';

export interface DecisionServiceOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly onWarning?: (message: string) => void;
}

/** Builds the DecisionService an interceptor in this process asks. */
export type DecisionServiceFactory = () => Promise<DecisionService>;

/**
 * The one place the CLI's interceptors get their DecisionService: the extension's broker first (a
 * person can be asked in Airlock's view), and when no extension answers in time, or with
 * `AIRLOCK_NO_BROKER=1`, the local service: same engine and policy, failing closed (an `ask` becomes
 * a `deny`), ledger written. The engine is loaded only if the fallback is needed.
 */
export function createDecisionService(options: DecisionServiceOptions = {}): Promise<DecisionService> {
  const env = options.env ?? process.env;
  return Promise.resolve(createBrokerDecisionService(loadEngine, { env, ...(options.onWarning ? { onWarning: options.onWarning } : {}) }));
}
