import type { DecisionService } from '../host/decisionService';
import { LocalDecisionService } from '../host/decisionService';
import { loadEngine } from '../host/engineLoader';

export interface DecisionServiceOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly onWarning?: (message: string) => void;
}

/** Builds the DecisionService an interceptor in this process asks. */
export type DecisionServiceFactory = () => Promise<DecisionService>;

/**
 * The one place the CLI's interceptors get their DecisionService.
 *
 * THE BROKER CLIENT PLUGS IN HERE: unless `AIRLOCK_NO_BROKER=1`, try the extension's broker first
 * (a `BrokerDecisionService` that asks a person and falls back to the local service when no extension
 * answers). Until it lands, every call decides locally: same engine and policy, fail closed (an `ask`
 * becomes a `deny`), ledger written.
 */
export function createDecisionService(options: DecisionServiceOptions = {}): Promise<DecisionService> {
  const env = options.env ?? process.env;
  const onWarning = options.onWarning;
  void env.AIRLOCK_NO_BROKER; // read by the broker branch once it exists
  return loadEngine().then((engine) => new LocalDecisionService(engine, onWarning ? { onWarning } : {}));
}
