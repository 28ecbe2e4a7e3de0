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

export class AgentActivity {
  private last: HookCall | undefined;

  /**
   * @param windowMs how long after a hook call edits still count as the agent's (the
   *   `airlock.editReview.activeMinutes` setting), read at every question so a change applies at once.
   */
  constructor(private readonly windowMs: () => number) {}

  /** A hook call seen by the broker or read from the ledger; older news never replaces newer. */
  noteHookCall(call: HookCall): void {
    if (!Number.isFinite(call.at)) return;
    if (!this.last || call.at >= this.last.at) this.last = call;
  }

  /** The agent active at `now`, or undefined when no hook call is recent enough. */
  activeAt(now: number): HookCall | undefined {
    if (!this.last) return undefined;
    const age = now - this.last.at;
    // A call from the future (a clock stepped back) still counts, for at most one window.
    return Math.abs(age) <= this.windowMs() ? this.last : undefined;
  }
}
