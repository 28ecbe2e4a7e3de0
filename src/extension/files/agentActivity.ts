/**
 * When an agent counts as active: while its hook calls are recent. Nothing in VS Code says which edit
 * came from an agent (`TextDocumentChangeEvent.reason` is only undo/redo), so every edit that reaches
 * the workspace within the review window after an agent's last hook call is reviewed as the agent's.
 * Pure (no `vscode`), so it is tested without an editor.
 */
export interface HookCall {
  /** The agent the call claims to come from (`claude`, `cursor`...), as claimed. */
  readonly agent: string | undefined;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** The agent's current spell of activity: its latest hook call, and when the spell began. */
export interface ActiveAgent extends HookCall {
  /**
   * The first hook call after a quiet period: content on disk older than this was not written by the
   * agent in this spell.
   */
  readonly since: number;
}

export class AgentActivity {
  private last: ActiveAgent | undefined;

  /**
   * @param windowMs how long after a hook call edits still count as the agent's (the
   *   `airlock.editReview.activeMinutes` setting), read at every question so a change applies at once.
   */
  constructor(private readonly windowMs: () => number) {}

  /** A hook call seen by the broker or read from the ledger; older news never replaces newer. */
  noteHookCall(call: HookCall): void {
    if (!Number.isFinite(call.at)) return;
    if (this.last && call.at < this.last.at) return;
    const continues = this.last !== undefined && call.at - this.last.at <= this.windowMs();
    this.last = { ...call, since: continues ? this.last!.since : call.at };
  }

  /** The agent active at `now`, or undefined when no hook call is recent enough. */
  activeAt(now: number): ActiveAgent | undefined {
    if (!this.last) return undefined;
    const age = now - this.last.at;
    // A call from the future (a clock stepped back) still counts, for at most one window.
    return Math.abs(age) <= this.windowMs() ? this.last : undefined;
  }
}
