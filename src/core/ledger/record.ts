import type { Action } from '../action';
import type { Assessment } from '../assessment';
import type { PolicyOutcome } from '../policy/decide';
import type { LedgerRecord } from './entry';

export interface PolicyDecisionInput {
  readonly time: Date;
  readonly source: string;
  readonly agent?: string;
  readonly action: Action;
  readonly assessment: Assessment;
  readonly policy: PolicyOutcome;
  readonly waitMs?: number;
}

/**
 * The record of an action the policy decided with no person involved: the hook CLI deciding alone,
 * a shim, or anything below the threshold. An `ask` that reaches here had nobody to ask, so it was
 * denied; that is what the record says.
 */
export function policyDecisionRecord(input: PolicyDecisionInput): LedgerRecord {
  const { policy } = input;
  const failedClosed = policy.failedClosed === true || policy.decision === 'ask';
  return {
    time: input.time.toISOString(),
    source: input.source,
    ...(input.agent !== undefined ? { agent: input.agent } : {}),
    action: input.action,
    assessment: input.assessment,
    policy,
    outcome: policy.decision === 'allow' ? 'allowed' : 'denied',
    decider: { by: failedClosed ? 'fail-closed' : 'policy', how: policy.decidedBy },
    waitMs: input.waitMs ?? 0,
  };
}
