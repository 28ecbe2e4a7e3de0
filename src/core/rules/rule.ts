import type { PathImpact, ResourceImpact } from '../assessment';
import type { AnalysisContext } from '../context/analysisContext';
import type { Invocation } from '../shell/ir';
import type { TargetResolver } from './targets';

/** One scored observation about an action, traceable to a rule id. */
export interface Finding {
  readonly rule: string;
  readonly score: number;
  /** One line, written for the person deciding. */
  readonly message: string;
  /** The paths this finding is about, for the impact summary. */
  readonly paths?: readonly PathImpact[];
  /** The remote resources this finding is about (volumes, buckets, namespaces), for the impact summary. */
  readonly resources?: readonly ResourceImpact[];
}

export interface RuleInput {
  readonly invocation: Invocation;
  readonly context: AnalysisContext;
  readonly targets: TargetResolver;
}

/**
 * A rule looks at one program run and reports what it would destroy. Rules are grouped in packs; the
 * engine indexes them by program name so a command only meets the rules that can apply to it.
 */
export interface Rule {
  /** Stable id prefix; every finding's id starts with it. */
  readonly id: string;
  /** Program names (normalized) the rule applies to, or `*` for every invocation. */
  readonly programs: readonly string[] | '*';
  /** Human description for the README catalogue and policy authors. */
  readonly description: string;
  check(input: RuleInput): Finding | readonly Finding[] | undefined;
}

export interface RulePack {
  readonly id: string;
  readonly description: string;
  readonly rules: readonly Rule[];
}
