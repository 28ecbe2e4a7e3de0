import type { GuardAnswer } from '../decisionService';

/**
 * The wire format between a shell guard snippet and `airlock guard`. Shells cannot hold a NUL byte in
 * a variable, so NUL is the one separator no command line can contain: a request is
 * `cwd NUL line NUL`. The answer is one text line, `allow` or `deny<TAB>message`, which every shell
 * can read with its own `read` builtin. Anything else a shell receives (nothing, garbage, a dead
 * server) means deny: the snippets only run a line on an exact `allow`.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type GuardShell = (typeof SHELLS)[number];

export function isGuardShell(value: string | undefined): value is GuardShell {
  return (SHELLS as readonly string[]).includes(value ?? '');
}

export interface GuardRequestLine {
  readonly cwd: string;
  readonly line: string;
}

/** Splits NUL-framed requests out of a byte stream; keeps a partial request for the next chunk. */
export class RequestReader {
  private pending: Buffer = Buffer.alloc(0);
  private fields: string[] = [];

  push(chunk: Buffer): GuardRequestLine[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const requests: GuardRequestLine[] = [];
    for (let end = this.pending.indexOf(0); end !== -1; end = this.pending.indexOf(0)) {
      this.fields.push(this.pending.subarray(0, end).toString('utf8'));
      this.pending = this.pending.subarray(end + 1);
      if (this.fields.length === 2) {
        const [cwd = '', line = ''] = this.fields;
        requests.push({ cwd, line });
        this.fields = [];
      }
    }
    return requests;
  }
}

/** One line, whatever the message holds: tabs and newlines would break the shells' `read`. */
const flatten = (text: string): string => text.replace(/[\t\r\n]+/g, ' ').trim();

export function allowLine(): string {
  return 'allow\n';
}

export function denyLine(message: string): string {
  return `deny\t${flatten(message)}\n`;
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/**
 * The one line a person sees when a line is blocked: why, and how to get it run. Deciding locally
 * nobody can approve, so it says where approval is possible instead of pretending there is a prompt.
 */
export function blockedMessage(answer: GuardAnswer, approvalPossible: boolean): string {
  const { assessment, policy } = answer;
  // The engine's top reason says what would be lost; a rule or protected path speaks for itself.
  const why = (policy.decidedBy === 'threshold' ? assessment.reasons[0]?.message : undefined) ?? policy.reason ?? assessment.reasons[0]?.message ?? 'Airlock policy';
  const head = `airlock: blocked (${assessment.level} ${assessment.score}): ${clip(why, 200)}.`;
  if (policy.decision === 'deny' && !policy.failedClosed) return `${head} A deny rule (${policy.decidedBy}) stops it; change the Airlock policy to allow it.`;
  if (approvalPossible) return `${head} Approve it in Airlock's view in VS Code, then run it again.`;
  return `${head} No Airlock window could approve it here: run it where Airlock can ask you (a VS Code terminal with Airlock running), or run it yourself outside the guard.`;
}

/** Said when the guard cannot decide at all: failing closed must never look like a policy verdict. */
export function cannotDecideMessage(error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  return `airlock: blocked because Airlock could not decide (${clip(detail, 160)}); the line did not run.`;
}
