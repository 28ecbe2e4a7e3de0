import type { Assessment } from '../../core/assessment';
import type { PolicyOutcome } from '../../core/policy/decide';
import type { GuardRequest } from '../decisionService';

/**
 * What "Allow similar for this session" allows: later requests from the same claimed source and agent,
 * in the same folder, that trigger exactly the same rules and touch exactly the same paths. It is
 * deliberately narrow (a different path or one more rule asks again), it lives only in the broker's
 * memory until the window closes, and it is never offered for critical actions or anything that needs
 * a typed confirmation.
 */
export interface SimilarRule {
  readonly workspaceRoot: string;
  readonly cwd: string;
  readonly source: string;
  readonly agent?: string;
  readonly rules: readonly string[];
  readonly paths: readonly string[];
  /** One sentence for the person, shown before they choose it. */
  readonly explanation: string;
}

interface Evaluated {
  readonly assessment: Assessment;
  readonly policy: PolicyOutcome;
  readonly workspaceRoot: string;
}

const sortedUnique = (items: readonly string[]): string[] => [...new Set(items)].sort();

export function similarRuleFor(request: GuardRequest, evaluation: Evaluated): SimilarRule | undefined {
  const { assessment, policy } = evaluation;
  if (assessment.level === 'critical' || policy.confirmation !== undefined) return undefined;
  // Only a threshold ask can be waived: an ask rule or a protected path means "always ask".
  if (policy.decidedBy !== 'threshold') return undefined;
  const rules = sortedUnique(assessment.reasons.map((r) => r.rule));
  const paths = sortedUnique(assessment.impact.paths.map((p) => p.path));
  if (rules.length === 0) return undefined;
  const where = paths.length > 0 ? `affect exactly ${paths.join(', ')}` : 'name no path';
  const who = `${request.source}${request.agent ? ` (${request.agent})` : ''}`;
  return {
    workspaceRoot: evaluation.workspaceRoot,
    cwd: request.cwd,
    source: request.source,
    ...(request.agent !== undefined ? { agent: request.agent } : {}),
    rules,
    paths,
    explanation: `Until this window closes, allow actions from ${who} in ${request.cwd} that trigger exactly ${rules.join(', ')} and ${where}. Anything critical or different still asks.`,
  };
}

export function matchesSimilarRule(rule: SimilarRule, request: GuardRequest, evaluation: Evaluated): boolean {
  const candidate = similarRuleFor(request, evaluation);
  if (!candidate) return false;
  return (
    candidate.workspaceRoot === rule.workspaceRoot &&
    candidate.cwd === rule.cwd &&
    candidate.source === rule.source &&
    candidate.agent === rule.agent &&
    candidate.rules.join('\n') === rule.rules.join('\n') &&
    candidate.paths.join('\n') === rule.paths.join('\n')
  );
}
