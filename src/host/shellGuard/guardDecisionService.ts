import type { Engine } from '../../core/engine';
import type { DecisionService } from '../decisionService';
import { LocalDecisionService } from '../decisionService';

export interface GuardDecider {
  readonly service: DecisionService;
  /** True when a person can be asked (a broker answered), so a blocked line can say "approve it". */
  readonly canAsk: boolean;
}

/**
 * BROKER PLUG-IN POINT. The broker client (the extension's local socket, DESIGN.md "Broker") belongs
 * here: return a DecisionService that sends the request to the running extension and waits for the
 * person, or `undefined` when no broker answers. Until that client exists every guard decides locally,
 * which is what `AIRLOCK_NO_BROKER=1` asks for anyway. Kept as one function so the shell guard, the
 * `guard --serve` coprocess and the PATH shims switch over together.
 */
async function connectBroker(_env: NodeJS.ProcessEnv): Promise<DecisionService | undefined> {
  return undefined;
}

/**
 * The DecisionService the shell guard and the shims decide through: the broker when one answers,
 * otherwise the local, fail-closed service (which writes the ledger itself).
 */
export async function createGuardDecider(env: NodeJS.ProcessEnv, loadEngine: () => Promise<Engine>, onWarning?: (message: string) => void): Promise<GuardDecider> {
  if (env.AIRLOCK_NO_BROKER !== '1') {
    const broker = await connectBroker(env);
    if (broker) return { service: broker, canAsk: true };
  }
  return { service: new LocalDecisionService(await loadEngine(), onWarning ? { onWarning } : {}), canAsk: false };
}
