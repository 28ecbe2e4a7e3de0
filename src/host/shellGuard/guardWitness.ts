import type { PathShimState } from '../../protocol/brokerMessages';
import type { GuardRequest } from '../decisionService';

/** One request a guard or a shim made lately. */
interface Witnessed {
  readonly text: string;
  readonly source: string;
  readonly shellPid: number | undefined;
  readonly at: number;
  /** What the guard saw of its PATH as it asked. */
  readonly pathShims: PathShimState | undefined;
  used: boolean;
}

/** What the request that vouched for an execution said about its shell. */
export interface Vouch {
  /** Whether the shell's PATH still led to the shims as the line was sent (absent: not said). */
  readonly pathShims?: PathShimState;
}

/** Which requests may vouch for an execution: what it ran, in which shell (when known), since when. */
export interface ExecutionQuery {
  readonly commandLine: string;
  /** The shell the terminal runs (its process id), when known. */
  readonly shellPid?: number;
  /** Sources whose requests count: the shell guard for terminal lines, the shims for processes. */
  readonly sources: readonly string[];
  /** Only requests made at or after this time count. */
  readonly since: number;
  /**
   * Requests that vouched for another execution count too. A task's shell is also a terminal, whose
   * execution may take the request first; a task runs once, so its own short window is enough.
   */
  readonly includeUsed?: boolean;
}

/** Whitespace runs as one space: terminals and guards break and indent the same line differently. */
function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * What the shell guards and shims asked the broker about lately, so an observer that sees a command
 * start in a terminal or a task can tell whether a guard saw it first (it was decided, and recorded,
 * before it ran) or not (it ran unguarded, or the guard of that terminal was switched off). It also
 * remembers which shells' guards ever asked through their session: a terminal whose guard once spoke
 * and then lets a command through unasked has lost its guard.
 */
export class GuardWitness {
  private requests: Witnessed[] = [];
  private readonly guardedShells = new Set<number>();
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly keepMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A guard or a shim asked about `request` (its session named `shellPid`, when it had one). */
  saw(request: GuardRequest, shellPid?: number): void {
    if (request.action.kind !== 'shell') return;
    const at = this.now();
    this.requests = this.requests.filter((r) => at - r.at < this.keepMs);
    this.requests.push({ text: normalize(request.action.command), source: request.source, shellPid, at, pathShims: request.pathShims, used: false });
    if (shellPid !== undefined) this.guardedShells.add(shellPid);
    for (const wake of [...this.waiters]) wake();
  }

  /** Whether the shell's guard ever asked through its session: from then on, it should see every line. */
  expectsGuard(shellPid: number): boolean {
    return this.guardedShells.has(shellPid);
  }

  /** The shell (its terminal) is gone: nothing more is expected of it. */
  forgetShell(shellPid: number): void {
    this.guardedShells.delete(shellPid);
  }

  /**
   * Takes the request that vouches for an execution: one not used yet, from an allowed source, made
   * since `since`, from the same shell (or from no session, as one-shot guards and shims ask), whose
   * text is the command line, or ends with it (the guard puts definitions the line uses first).
   * Undefined when no request vouches for it.
   */
  claim(query: ExecutionQuery): Vouch | undefined {
    const line = normalize(query.commandLine);
    if (line === '') return undefined;
    // The latest first: an older request with the same text most likely belongs to an earlier run.
    const found = [...this.requests].reverse().find((r) =>
      (!r.used || query.includeUsed === true) && r.at >= query.since && query.sources.includes(r.source) &&
      (r.shellPid === undefined || query.shellPid === undefined || r.shellPid === query.shellPid) &&
      (r.text === line || r.text.endsWith(` ${line}`)));
    if (!found) return undefined;
    found.used = true;
    return found.pathShims ? { pathShims: found.pathShims } : {};
  }

  /**
   * Resolves to the request vouching for the execution if one arrives within `timeoutMs` (at once when
   * one did already), or earlier to undefined when `gone` resolves first (the execution ended).
   */
  async waitFor(query: ExecutionQuery, timeoutMs: number, gone?: Promise<unknown>): Promise<Vouch | undefined> {
    const already = this.claim(query);
    if (already) return already;
    return new Promise<Vouch | undefined>((resolve) => {
      let settled = false;
      const finish = (result: Vouch | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(result);
      };
      const wake = (): void => {
        const vouch = this.claim(query);
        if (vouch) finish(vouch);
      };
      const timer = setTimeout(() => finish(this.claim(query)), timeoutMs);
      this.waiters.add(wake);
      void gone?.then(() => finish(this.claim(query)));
    });
  }
}
