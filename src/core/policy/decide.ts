import type { Action } from '../action';
import type { Assessment } from '../assessment';
import { globMatchesPath, ruleMatches } from './rules';
import type { Decision, PolicyRule, RuleSubject } from './rules';

export type { Decision } from './rules';

/** The effective policy of one workspace: the user's settings, tightened by the workspace's. */
export interface DecisionPolicy {
  /** Scores at or above this need a person's approval. */
  readonly approvalThreshold: number;
  /** When false Airlock stands aside and allows everything. Defaults to true. */
  readonly enabled?: boolean;
  /** Deny, ask and allow rules in the order written; deny beats ask beats allow, whatever the order. */
  readonly rules?: readonly PolicyRule[];
  /** Minimatch globs: any action that affects a matching path asks, whatever its score. */
  readonly protectedPaths?: readonly string[];
  /** Critical actions are approved only by typing the resource name. Defaults to true. */
  readonly typedConfirmation?: boolean;
}

export const DEFAULT_DECISION_POLICY: DecisionPolicy = {
  approvalThreshold: 50,
  enabled: true,
  rules: [],
  protectedPaths: [],
  typedConfirmation: true,
};

/** Everything about the request besides its assessment that a rule may look at. */
export interface DecisionSubject {
  readonly action?: Action;
  /** Where the request came from (`agent-hook`, `shell-guard`, `shim`, `task`, `file`), as claimed. */
  readonly source?: string;
  /** The agent the request claims to come from. */
  readonly agent?: string;
  /** The workspace root, so relative globs can match absolute paths. */
  readonly workspaceRoot?: string;
  /**
   * False when no person can be asked (the hook CLI with no extension running): `ask` becomes `deny`,
   * so deciding alone fails closed.
   */
  readonly canAsk?: boolean;
}

export interface PolicyOutcome {
  readonly decision: Decision;
  /** What decided: `threshold`, `protected-path`, `airlock.enabled`, or a policy rule's id. */
  readonly decidedBy: string;
  /** Critical actions are approved only by typing this (the resource or path name). */
  readonly confirmation?: string;
  /** One line for the person and the ledger saying why. */
  readonly reason?: string;
  /** True when the decision would have been `ask` but nobody could be asked. */
  readonly failedClosed?: boolean;
}

/**
 * The one function that turns an assessment into allow, ask or deny, used by the extension, the CLI
 * and every interceptor so they can never disagree.
 *
 * Order: deny rules, then ask rules and protected paths, then the threshold; an allow rule may lift a
 * threshold `ask` to `allow`, but never a rule's `ask`, a protected path, or a critical assessment
 * (a loose allow pattern must not wave through `rm -rf ~`).
 */
export function decide(
  assessment: Assessment,
  policy: DecisionPolicy = DEFAULT_DECISION_POLICY,
  subject: DecisionSubject = {},
): PolicyOutcome {
  if (policy.enabled === false) {
    return { decision: 'allow', decidedBy: 'airlock.enabled', reason: 'Airlock is switched off' };
  }
  const outcome = decideEnabled(assessment, policy, subject);
  if (outcome.decision === 'ask' && subject.canAsk === false) {
    return {
      decision: 'deny',
      decidedBy: outcome.decidedBy,
      reason: `${outcome.reason ?? 'needs approval'}; nobody can approve it here, so it is denied`,
      failedClosed: true,
    };
  }
  return outcome;
}

function decideEnabled(assessment: Assessment, policy: DecisionPolicy, subject: DecisionSubject): PolicyOutcome {
  const paths = assessment.impact.paths.map((impact) => impact.path);
  const actionPath = actionPathOf(subject.action);
  if (actionPath !== undefined) paths.push(actionPath);
  const ruleSubject: RuleSubject = {
    command: commandOf(subject.action),
    source: subject.source,
    agent: subject.agent,
    paths,
    workspaceRoot: subject.workspaceRoot,
  };
  const rules = policy.rules ?? [];
  const first = (decision: Decision): PolicyRule | undefined =>
    rules.find((rule) => rule.decision === decision && ruleMatches(rule, assessment, ruleSubject));

  const deny = first('deny');
  if (deny) return { decision: 'deny', decidedBy: deny.id, reason: ruleReason(deny) };

  const ask = first('ask');
  if (ask) return withConfirmation({ decision: 'ask', decidedBy: ask.id, reason: ruleReason(ask) }, assessment, policy, subject);

  const protectedPath = paths.find((path) =>
    (policy.protectedPaths ?? []).some((glob) => globMatchesPath(glob, path, subject.workspaceRoot)),
  );
  if (protectedPath !== undefined) {
    return withConfirmation(
      { decision: 'ask', decidedBy: 'protected-path', reason: `affects the protected path ${protectedPath}` },
      assessment,
      policy,
      subject,
    );
  }

  if (assessment.score < policy.approvalThreshold) {
    return { decision: 'allow', decidedBy: 'threshold', reason: `score ${assessment.score} is below ${policy.approvalThreshold}` };
  }
  if (assessment.level !== 'critical') {
    const allow = first('allow');
    if (allow) return { decision: 'allow', decidedBy: allow.id, reason: ruleReason(allow) };
  }
  return withConfirmation(
    {
      decision: 'ask',
      decidedBy: 'threshold',
      reason: `score ${assessment.score} (${assessment.level}) reaches the approval threshold ${policy.approvalThreshold}`,
    },
    assessment,
    policy,
    subject,
  );
}

function ruleReason(rule: PolicyRule): string {
  const origin = rule.origin === 'workspace' ? 'workspace policy' : 'user settings';
  return rule.reason ? `${rule.reason} (${origin} rule ${rule.id})` : `${origin} rule ${rule.id}`;
}

function withConfirmation(
  outcome: PolicyOutcome,
  assessment: Assessment,
  policy: DecisionPolicy,
  subject: DecisionSubject,
): PolicyOutcome {
  if (assessment.level !== 'critical' || policy.typedConfirmation === false) return outcome;
  return { ...outcome, confirmation: confirmationFor(assessment, subject) };
}

/**
 * What the person types to approve a critical action: the remote resource it destroys (a volume id, a
 * bucket, a namespace), else the first path, shown relative to the workspace when inside it, else the
 * program it runs, so the confirmation always names something the action touches.
 */
export function confirmationFor(assessment: Assessment, subject: DecisionSubject = {}): string {
  const resource = assessment.impact.resources?.[0]?.name;
  if (resource) return resource;
  const path = assessment.impact.paths[0]?.path ?? actionPathOf(subject.action);
  if (path !== undefined) {
    const root = subject.workspaceRoot?.replace(/[\\/]+$/, '');
    if (root && path.startsWith(`${root}/`)) return path.slice(root.length + 1);
    return path;
  }
  const command = commandOf(subject.action) ?? '';
  const program = command
    .trim()
    .split(/\s+/)
    .find((word) => word !== '' && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) && word !== 'sudo');
  return program?.split('/').pop() ?? assessment.reasons[0]?.rule ?? 'confirm';
}

function commandOf(action: Action | undefined): string | undefined {
  return action?.kind === 'shell' ? action.command : undefined;
}

/** File actions join the Action union later; their path is read structurally until then. */
function actionPathOf(action: Action | undefined): string | undefined {
  const path = (action as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : undefined;
}
