import { createBrokerDecisionService } from '../host/brokerClient';
import type { DecisionService } from '../host/decisionService';

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
 * a `deny`), ledger written. The engine module is imported only if the fallback is needed, so the hook
 * bundle (`dist/hook.js`) does not even initialize it when a window answers.
 */
export function createDecisionService(options: DecisionServiceOptions = {}): Promise<DecisionService> {
  const env = options.env ?? process.env;
  const loadEngine = async () => {
    // Tells the hook loader (hookLoader.ts) that this run compiled the engine, so the code cache it
    // writes at exit covers the engine for the next call that decides locally.
    ((globalThis as { __airlockHookCompiled?: string[] }).__airlockHookCompiled ??= []).push('local');
    // Deferred: tree-sitter starts only if the line needs a parse (most an agent runs do not).
    return (await import('../host/engineLoader')).loadDeferredEngine();
  };
  return Promise.resolve(createBrokerDecisionService(loadEngine, { env, ...(options.onWarning ? { onWarning: options.onWarning } : {}) }));
}
