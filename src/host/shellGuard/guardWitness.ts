import type { PathShimState } from '../../protocol/brokerMessages';
import type { GuardRequest } from '../decisionService';

/** One request a guard or a shim made lately. */
interface Witnessed {
  readonly text: string;
  readonly source: string;
  readonly shellPid: number | undefined;
  readonly at: number;
  /** Its place in the order requests came in. */
  readonly seq: number;
  /** What the guard saw of its PATH as it asked. */
  readonly pathShims: PathShimState | undefined;
  used: boolean;
}

/** What the request that vouched for an execution said about its shell. */
export interface Vouch {
  /** Whether the shell's PATH still led to the shims as the line was sent (absent: not said). */
  readonly pathShims?: PathShimState;
  /**
   * Set when only the first line of a multi-line command line was vouched for: the other lines are
   * taken for text typed ahead, which VS Code read along with it (see `claim`), still to be checked.
   */
  readonly typedAhead?: TypedAhead;
}

/** Lines VS Code reported with an execution whose first line alone was vouched for. */
export interface TypedAhead {
  readonly lines: readonly string[];
  readonly shellPid: number | undefined;
  readonly sources: readonly string[];
  /** Only requests that came after the first line's own count. */
  readonly afterSeq: number;
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
  /**
   * A terminal's line: when the whole text is not vouched for but its first line is, the other lines
   * may be text typed ahead (see `claim`).
   */
  readonly typedAheadLines?: boolean;
}

/** Requests from no session (one-shot guards, shims) may come from any shell. */
/** How many leading characters VS Code may have cut from a line typed into, and how long what is left must be. */
const MAX_CUT = 16;
const MIN_CUT_LINE = 8;

function sameShell(request: Witnessed, shellPid: number | undefined): boolean {
  return request.shellPid === undefined || shellPid === undefined || request.shellPid === shellPid;
}

function vouchOf(request: Witnessed): Vouch {
  return request.pathShims ? { pathShims: request.pathShims } : {};
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
  private seq = 0;
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
    this.seq += 1;
    this.requests.push({ text: normalize(request.action.command), source: request.source, shellPid, at, seq: this.seq, pathShims: request.pathShims, used: false });
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
   *
   * A line typed before the one before it finished is echoed by the terminal while that one is being
   * checked, and VS Code may then report both as one execution: `export PATH=$saved_path\nck`, the
   * second line's end read from the screen along with the first (seen in VS Code 1.139 with confidence
   * High). The guard decided them as two lines. So, for a terminal's line whose whole text no request
   * vouches for, its first line (the one that ran) is enough to vouch for the execution, and the
   * other lines come back as `typedAhead`, each to be found in a later request (`waitForTypedAhead`).
   */
  claim(query: ExecutionQuery): Vouch | undefined {
    const whole = this.take(query, normalize(query.commandLine));
    if (whole || query.typedAheadLines !== true) return whole ? vouchOf(whole) : undefined;
    const [first = '', ...lines] = query.commandLine.split(/\r?\n/).map(normalize).filter((l) => l !== '');
    const ran = (lines.length > 0 ? this.take(query, first) : undefined) ?? this.takeCut(query, first);
    if (!ran) return undefined;
    return lines.length > 0 ? { ...vouchOf(ran), typedAhead: { lines, shellPid: query.shellPid, sources: query.sources, afterSeq: ran.seq } } : vouchOf(ran);
  }

  /**
   * Keys typed ahead can also cost a line its start: VS Code reported `o "back=${X}"` for a guarded
   * `echo "back=${X}"` (e2e, under load). A request of the same shell's own session (never a one-shot
   * or a shim) whose text ends with the line and is at most MAX_CUT characters longer vouches for it.
   */
  private takeCut(query: ExecutionQuery, line: string): Witnessed | undefined {
    if (line.length < MIN_CUT_LINE || query.shellPid === undefined) return undefined;
    const found = [...this.requests].reverse().find((r) =>
      !r.used && r.at >= query.since && query.sources.includes(r.source) && r.shellPid === query.shellPid &&
      r.text.endsWith(line) && r.text.length - line.length <= MAX_CUT);
    if (found) found.used = true;
    return found;
  }

  /** Marks used and returns the request that vouches for `line` under `query`, if any. */
  private take(query: ExecutionQuery, line: string): Witnessed | undefined {
    if (line === '') return undefined;
    // The latest first: an older request with the same text most likely belongs to an earlier run.
    const found = [...this.requests].reverse().find((r) =>
      (!r.used || query.includeUsed === true) && r.at >= query.since && query.sources.includes(r.source) &&
      sameShell(r, query.shellPid) && (r.text === line || r.text.endsWith(` ${line}`)));
    if (found) found.used = true;
    return found;
  }

  /**
   * The typed-ahead lines no request has shown yet. A line typed ahead is read, and asked about, only
   * after the line before it finished, and VS Code may have cut it anywhere (`ck`, `expo`): each is
   * vouched for by any later request of the same shell that contains it, used or not (its own
   * execution may have taken it first).
   */
  uncheckedTypedAhead(typedAhead: TypedAhead): string[] {
    const later = this.requests.filter((r) => r.seq > typedAhead.afterSeq && typedAhead.sources.includes(r.source) && sameShell(r, typedAhead.shellPid));
    return typedAhead.lines.filter((line) => !later.some((r) => r.text.includes(line)));
  }

  /** Resolves, once every typed-ahead line was asked about or `timeoutMs` has passed, to those that were not. */
  async waitForTypedAhead(typedAhead: TypedAhead, timeoutMs: number): Promise<string[]> {
    if (this.uncheckedTypedAhead(typedAhead).length === 0) return [];
    return new Promise<string[]>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(this.uncheckedTypedAhead(typedAhead));
      };
      const wake = (): void => {
        if (this.uncheckedTypedAhead(typedAhead).length === 0) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(wake);
    });
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
