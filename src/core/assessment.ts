/**
 * The result of assessing one action: a 0-100 destructiveness score, its level, every reason that
 * produced it (each traceable to a rule id), and an impact summary for the approval view.
 */

export type Level = 'none' | 'low' | 'high' | 'critical';

export interface Reason {
  /** Stable rule id such as `fs.rm-recursive`; policies and allow-lists refer to it. */
  readonly rule: string;
  readonly score: number;
  /** One line, written for the person who must approve or deny. */
  readonly message: string;
}

/** What a path operand of a destructive command covers on disk, as far as Airlock could see. */
export interface PathImpact {
  /** Absolute path (or glob) as resolved against the command's working directory. */
  readonly path: string;
  readonly exists: boolean;
  readonly files: number;
  readonly bytes: number;
  /** Files git tracks with no uncommitted change: recoverable with git. */
  readonly tracked: number;
  /** Files git does not track (and does not ignore): gone for good once deleted. */
  readonly untracked: number;
  /** Tracked files with uncommitted changes: those changes are gone for good. */
  readonly modified: number;
  /** True when counting stopped at a limit, so the numbers are lower bounds. */
  readonly truncated: boolean;
}

/** A remote resource an action would destroy: a volume, bucket, database, namespace, repository... */
export interface ResourceImpact {
  /** What it is, in the provider's words where they exist: `volume`, `bucket`, `namespace`. */
  readonly kind: string;
  readonly name: string;
  /** Who hosts it: `Railway`, `AWS`, `Kubernetes`. */
  readonly provider?: string;
  /** Why it looks like production, or the environment it names (`production`, `staging`). */
  readonly environment?: string;
}

export interface Impact {
  /** One sentence naming what would be lost, or that nothing is known to be lost. */
  readonly summary: string;
  readonly paths: readonly PathImpact[];
  readonly files: number;
  readonly bytes: number;
  readonly untracked: number;
  readonly modified: number;
  /** Remote resources at stake; absent when none were named. */
  readonly resources?: readonly ResourceImpact[];
}

export interface Assessment {
  readonly score: number;
  readonly level: Level;
  /** Sorted by score, highest first. Empty when nothing scored. */
  readonly reasons: readonly Reason[];
  readonly impact: Impact;
}

export const LEVEL_FLOORS = { low: 20, high: 50, critical: 80 } as const;

export function levelOf(score: number): Level {
  if (score >= LEVEL_FLOORS.critical) return 'critical';
  if (score >= LEVEL_FLOORS.high) return 'high';
  if (score >= LEVEL_FLOORS.low) return 'low';
  return 'none';
}
