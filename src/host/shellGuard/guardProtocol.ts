import type { PathShimState } from '../../protocol/brokerMessages';
import type { GuardAnswer } from '../decisionService';

/**
 * The wire format between a shell guard snippet and `airlock guard`. Shells cannot hold a NUL byte in
 * a variable, so NUL is the one separator no command line can contain. One-shot, the answer is one
 * text line, `allow` or `deny<TAB>message`, which every shell can read with its own `read` builtin.
 *
 * To the coprocess (`guard --serve`) a request is `seq NUL cwd NUL shims NUL line NUL` (`shims` is the
 * guard's `PathShimState`, or empty), and every answer line starts with that `seq<TAB>`: `allow`, `deny<TAB>message`, or first, while a person is asked,
 * `wait<TAB>message` for the shell to print. The number lets a shell that stopped waiting for one line
 * (Ctrl-C) never take that line's late answer for the next one's.
 *
 * Anything else a shell receives (nothing, garbage, a dead server) means deny: the snippets only run a
 * line on an exact `allow`.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type GuardShell = (typeof SHELLS)[number];

export function isGuardShell(value: string | undefined): value is GuardShell {
  return (SHELLS as readonly string[]).includes(value ?? '');
}

/** The state as a shell sent it: `on`, `off`, or nothing (empty) when the guard knows no shim folder. */
export function parsePathShimState(text: string): PathShimState | undefined {
  return text === 'on' || text === 'off' ? text : undefined;
}

export interface GuardRequestLine {
  readonly seq: string;
  readonly cwd: string;
  readonly pathShims?: PathShimState;
  readonly line: string;
}

/** Splits NUL-framed `seq cwd shims line` requests out of a byte stream; keeps a partial one for the next chunk. */
export class RequestReader {
  private pending: Buffer = Buffer.alloc(0);
  private fields: string[] = [];

  push(chunk: Buffer): GuardRequestLine[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const requests: GuardRequestLine[] = [];
    for (let end = this.pending.indexOf(0); end !== -1; end = this.pending.indexOf(0)) {
      this.fields.push(this.pending.subarray(0, end).toString('utf8'));
      this.pending = this.pending.subarray(end + 1);
      if (this.fields.length === 4) {
        const [seq = '', cwd = '', shims = '', line = ''] = this.fields;
        const pathShims = parsePathShimState(shims);
        requests.push({ seq: seq.replace(/[^\w-]/g, ''), cwd, ...(pathShims ? { pathShims } : {}), line });
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

/** The coprocess's form of an answer line: the request's number first. */
export function sequenced(seq: string, line: string): string {
  return `${seq}\t${line}`;
}

/** Said (by the coprocess, through the shell) while a person is asked. */
export function waitLine(message: string): string {
  return `wait\t${flatten(message)}\n`;
}

/**
 * The one line a person sees while a line (they can see it already) or a program a script started
 * (`program`, which they cannot) waits for them.
 */
export function waitingMessage(timeoutMs: number, program?: string): string {
  const seconds = Math.max(1, Math.round(timeoutMs / 1000));
  const what = program === undefined ? 'this line' : clip(JSON.stringify(program), 120);
  return `airlock: ${what} waits for your approval in Airlock's view in VS Code (up to ${seconds} s); it runs only if you allow it there.`;
}
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/**
 * The one line a person sees when a line is blocked: why, who or what decided, and how to get it run.
 * Deciding locally nobody can approve, so it says where approval is possible instead of pretending
 * there is a prompt.
 */
export function blockedMessage(answer: GuardAnswer): string {
  const { assessment, policy, decider } = answer;
  // The engine's top reason says what would be lost; a rule or protected path speaks for itself.
  const why = (policy.decidedBy === 'threshold' ? assessment.reasons[0]?.message : undefined) ?? policy.reason ?? assessment.reasons[0]?.message ?? 'Airlock policy';
  const head = `airlock: blocked (${assessment.level} ${assessment.score}): ${clip(why, 200)}.`;
  if (policy.decision === 'deny' && !policy.failedClosed) return `${head} A deny rule (${policy.decidedBy}) stops it; change the Airlock policy to allow it.`;
  switch (decider.by) {
    case 'person':
      return `${head} Denied in Airlock's view; it did not run.`;
    case 'timeout':
      return `${head} Nobody approved it in Airlock's view in time (${decider.how}); it did not run. Run it again to ask again.`;
    case 'limit':
      return `${head} Too many requests were waiting for approval; it did not run. Answer those in Airlock's view, then run it again.`;
    default:
      if (policy.failedClosed) return `${head} No Airlock window could approve it here: run it where Airlock can ask you (a VS Code terminal with Airlock running), or run it yourself outside the guard.`;
      return `${head} The Airlock window could not decide it (${decider.how}); it did not run.`;
  }
}

/** Said when the guard cannot decide at all: failing closed must never look like a policy verdict. */
export function cannotDecideMessage(error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  return `airlock: blocked because Airlock could not decide (${clip(detail, 160)}); the line did not run.`;
}
