import type { Assessment } from '../assessment';

export type Decision = 'allow' | 'ask' | 'deny';

export interface DecisionPolicy {
  /** Scores at or above this need a person's approval. */
  readonly approvalThreshold: number;
}

export const DEFAULT_DECISION_POLICY: DecisionPolicy = { approvalThreshold: 50 };

export interface PolicyOutcome {
  readonly decision: Decision;
  /** What decided: `threshold`, or later a policy rule's id. */
  readonly decidedBy: string;
  /** Critical actions are approved only by typing this (the resource or path name). */
  readonly confirmation?: string;
}

/** The one function that turns an assessment into allow, ask or deny. */
export function decide(assessment: Assessment, policy: DecisionPolicy = DEFAULT_DECISION_POLICY): PolicyOutcome {
  if (assessment.score < policy.approvalThreshold) return { decision: 'allow', decidedBy: 'threshold' };
  return { decision: 'ask', decidedBy: 'threshold' };
}
