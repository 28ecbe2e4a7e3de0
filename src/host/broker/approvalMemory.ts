import type { Assessment } from '../../core/assessment';
import type { GuardRequest } from '../decisionService';
import { childShellCommands } from './childShellCommands';

/** A shell command a person allowed in the approval view, remembered for a short while. */
interface Remembered {
  readonly command: string;
  readonly source: string;
  /** Where the request said it runs (`GuardRequest.cwd`). */
  readonly cwd: string;
  /** The workspace whose policy and ledger decided it. */
  readonly workspaceRoot: string;
  readonly rules: ReadonlySet<string>;
  readonly paths: ReadonlySet<string>;
  readonly resources: ReadonlySet<string>;
  readonly score: number;
  readonly words: ReadonlySet<string>;
  readonly expires: number;
  /** Shim command lines that already used this approval: each may use it once. */
  readonly usedBy: Set<string>;
  /**
   * The command strings the line hands to child shells (`bash -c '...'`) not yet claimed: each is the
   * child's own guard check of a part the person saw, answered once without asking again.
   */
  readonly childCommands: string[];
  /** Whether the exact command was claimed already (by `consume` or a second guard). */
  claimed: boolean;
}

/** How a later request was found to be covered by an earlier approval; written as the ledger's `how`. */
export type CoveredBy = 'approved-line' | 'approved-command' | 'approved-child';

/** Whether `text` is `line`, or ends with it as its last line (after definitions the guard added). */
function endsWithLine(text: string, line: string): boolean {
  if (text === line) return true;
  if (!text.endsWith(line)) return false;
  return /\n[ \t]*$/.test(text.slice(0, text.length - line.length));
}

const resourceKey = (r: { kind: string; name: string }): string => `${r.kind}\u0000${r.name}`;

/**
 * The one-time approvals the broker holds (DESIGN.md "Broker": an approval is one-time and held by the
 * broker, never an environment marker). When a person allows a shell line, the programs that line
 * starts reach the PATH shims a moment later, each asking on its own; asking the person again for what
 * they just saw and allowed would teach them to click without reading. So a shim's request is covered
 * when an approval in the same workspace, still fresh, already showed everything the shim's command
 * would do: the program is named in the approved line, and its rules, paths and remote resources are
 * all among the approved line's, scoring no higher. Each distinct shim command uses an approval once.
 *
 * A line an agent's hook got approved and then typed into a guarded terminal is covered the same way,
 * but only for exactly the same command text, once.
 *
 * A child shell the approved line starts (`bash -c '...'`, `zsh -c`, `fish -c`) checks its own command
 * before it runs, as every non-interactive guarded shell does: nothing in its environment can say it was
 * checked already, since an agent could set that too. Its check is covered when its command text is
 * exactly one the approved line hands to a child shell, showing nothing more, once per occurrence.
 */
export class ApprovalMemory {
  private remembered: Remembered[] = [];

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** A person allowed `request` (a shell command) after seeing `assessment`. */
  remember(request: GuardRequest, assessment: Assessment, workspaceRoot: string): void {
    if (request.action.kind !== 'shell') return;
    const command = request.action.command;
    this.remembered.push({
      command: command.trim(),
      source: request.source,
      cwd: request.cwd,
      workspaceRoot,
      rules: new Set(assessment.reasons.map((r) => r.rule)),
      paths: new Set(assessment.impact.paths.map((p) => p.path)),
      resources: new Set((assessment.impact.resources ?? []).map(resourceKey)),
      score: assessment.score,
      words: new Set(command.split(/[^\w.@+-]+/).filter(Boolean)),
      expires: this.now() + this.ttlMs,
      usedBy: new Set(),
      childCommands: childShellCommands(command).map((text) => text.trim()).filter(Boolean),
      claimed: false,
    });
  }

  /**
   * Whether an approval covers `request`, which the policy would otherwise ask about; using it marks
   * it used for that command. Only shims and shell guards are covered, and only by shell approvals.
   * `viaSession`: the request came through an interactive guard's session, so it is a typed line and
   * never a child shell's check.
   */
  claim(request: GuardRequest, assessment: Assessment, workspaceRoot: string, viaSession = false): CoveredBy | undefined {
    if (request.action.kind !== 'shell') return undefined;
    this.expire();
    const command = request.action.command.trim();
    if (request.source === 'shim') {
      const program = command.split(/\s+/)[0] ?? '';
      const found = this.remembered.find((a) => a.workspaceRoot === workspaceRoot && !a.usedBy.has(command) && a.words.has(program) && this.shows(a, assessment));
      if (!found) return undefined;
      found.usedBy.add(command);
      return 'approved-line';
    }
    if (request.source === 'shell-guard') {
      if (!viaSession) {
        const child = this.claimChild(command, assessment, workspaceRoot);
        if (child) return child;
      }
      // The guard puts earlier definitions of names the line uses before it, so the line comes last;
      // whatever comes first must add nothing the person did not see (a second command would).
      const found = this.remembered.find((a) => !a.claimed && a.source !== 'shell-guard' && a.workspaceRoot === workspaceRoot && endsWithLine(command, a.command) && this.shows(a, assessment));
      if (!found) return undefined;
      found.claimed = true;
      return 'approved-command';
    }
    return undefined;
  }

  /** A child shell's check of a command string an approved line handed to it, taken once. */
  private claimChild(command: string, assessment: Assessment, workspaceRoot: string): CoveredBy | undefined {
    for (const approval of this.remembered) {
      if (approval.workspaceRoot !== workspaceRoot || !this.shows(approval, assessment)) continue;
      const at = approval.childCommands.findIndex((text) => endsWithLine(command, text));
      if (at === -1) continue;
      approval.childCommands.splice(at, 1);
      return 'approved-child';
    }
    return undefined;
  }

  /** Exact-command form for clients that ask directly (`consume-approval`); true at most once. */
  consume(command: string, cwd: string): boolean {
    this.expire();
    const found = this.remembered.find((a) => !a.claimed && a.command === command.trim() && a.cwd === cwd);
    if (!found) return false;
    found.claimed = true;
    return true;
  }

  clear(): void {
    this.remembered = [];
  }

  private shows(approval: Remembered, assessment: Assessment): boolean {
    return (
      assessment.score <= approval.score &&
      assessment.reasons.every((r) => approval.rules.has(r.rule)) &&
      assessment.impact.paths.every((p) => approval.paths.has(p.path)) &&
      (assessment.impact.resources ?? []).every((r) => approval.resources.has(resourceKey(r)))
    );
  }

  private expire(): void {
    const now = this.now();
    this.remembered = this.remembered.filter((a) => a.expires > now);
  }
}
