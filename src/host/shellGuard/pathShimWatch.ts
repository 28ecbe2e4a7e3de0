import type { Assessment } from '../../core/assessment';
import type { PathShimState } from '../../protocol/brokerMessages';

/** A terminal's PATH stopped leading to the shims (`bypassed`), or leads to them again (`restored`). */
export type PathShimChange = 'bypassed' | 'restored';

/**
 * Per terminal, what its guard last said of PATH (see `PathShimState`), so that an edit which drops
 * Airlock's shim folder is reported once when it is first seen, and once more when PATH is put back,
 * never once per line. Only a change after the shims were seen leading counts: a terminal whose
 * startup files already put /usr/bin first (macOS's path_helper does) was never changed by anyone in
 * it, so its first lines saying `off` are not tampering.
 */
export class PathShimWatch<Terminal> {
  private readonly lastSaid = new Map<Terminal, PathShimState>();
  private readonly bypassed = new Set<Terminal>();

  /** What the guard of `terminal` said with its latest line; undefined when it said nothing. */
  update(terminal: Terminal, state: PathShimState | undefined): PathShimChange | undefined {
    if (state === undefined) return undefined;
    const before = this.lastSaid.get(terminal);
    this.lastSaid.set(terminal, state);
    if (state === 'off' && before === 'on') {
      this.bypassed.add(terminal);
      return 'bypassed';
    }
    if (state === 'on' && this.bypassed.delete(terminal)) return 'restored';
    return undefined;
  }

  /** Whether `terminal`'s shims are bypassed now, as far as its guard has said. */
  isBypassed(terminal: Terminal): boolean {
    return this.bypassed.has(terminal);
  }

  /** The terminal closed. */
  forget(terminal: Terminal): void {
    this.lastSaid.delete(terminal);
    this.bypassed.delete(terminal);
  }
}

export const PATH_SHIMS_BYPASSED_RULE = 'tamper.path-shims-bypassed';

/**
 * The ledger's assessment of a change: bypassing the shims is tampering with a guard, critical like
 * every other (tamperPack.ts); restoring them weakens nothing.
 */
export function pathShimsAssessment(change: PathShimChange, where: string): Assessment {
  const noImpact = { paths: [], files: 0, bytes: 0, untracked: 0, modified: 0 };
  if (change === 'restored') {
    return { score: 0, level: 'none', reasons: [], impact: { ...noImpact, summary: `PATH in ${where} leads to Airlock's PATH shims again.` } };
  }
  return {
    score: 80,
    level: 'critical',
    reasons: [{
      rule: PATH_SHIMS_BYPASSED_RULE,
      score: 80,
      message: `PATH in ${where} no longer leads to Airlock's PATH shims: programs that scripts, Makefiles and npm scripts start from it (rm, git, psql, terraform, curl...) are not checked`,
    }],
    impact: { ...noImpact, summary: `Airlock's PATH shims are bypassed in ${where}; its lines are still checked by the shell guard.` },
  };
}
