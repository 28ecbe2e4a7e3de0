import { arrayOf, bool, check, num, obj, oneOf, str, tagged } from './validate';
import type { Schema } from './validate';

/**
 * Messages between the approval view's page and the extension. The page is a trust boundary both
 * ways: the extension checks every message from it (only `answer` can approve, and the broker still
 * demands the typed name), and the page checks what it is told before drawing it.
 */

/** One request waiting for a person, as the view draws it. */
export interface ApprovalItem {
  readonly id: string;
  /** `shell`, `fileWrite`, `fileDelete`, `mcp`... */
  readonly kind: string;
  /** The action exactly as the agent wrote it: the command line, the path, the tool call. */
  readonly text: string;
  /** Where it came from, as the client claims. */
  readonly source: string;
  readonly agent?: string;
  readonly cwd: string;
  readonly score: number;
  readonly level: 'none' | 'low' | 'high' | 'critical';
  readonly reasons: readonly { readonly rule: string; readonly score: number; readonly message: string }[];
  /** Why the policy asks (the threshold, a rule, a protected path). */
  readonly policyReason?: string;
  readonly impact: ApprovalImpact;
  /** A unified diff, for edits. */
  readonly diff?: string;
  /** Critical actions: what the person must type to allow. */
  readonly confirmation?: string;
  /** What "Allow similar" would allow; absent when it is not offered. */
  readonly similar?: string;
  readonly receivedAt: number;
  /** When the request is denied unless answered, in the extension host's clock. */
  readonly deadline: number;
}

export interface ApprovalImpact {
  readonly summary: string;
  readonly files: number;
  readonly bytes: number;
  readonly untracked: number;
  readonly modified: number;
  readonly paths: readonly {
    readonly path: string;
    readonly exists: boolean;
    readonly files: number;
    readonly bytes: number;
    readonly untracked: number;
    readonly modified: number;
    readonly truncated: boolean;
  }[];
  readonly resources: readonly { readonly kind: string; readonly name: string; readonly provider?: string; readonly environment?: string }[];
}

export type PersonChoiceWire = 'deny' | 'allow-once' | 'allow-similar';

export type HostToApprovalView =
  /** Everything waiting, oldest first; `now` is the host's clock so the countdown survives clock skew. */
  | { readonly type: 'state'; readonly items: readonly ApprovalItem[]; readonly now: number }
  /** An answer the broker did not take (the typed name was wrong, or it was already answered). */
  | { readonly type: 'refused'; readonly id: string; readonly reason: string };

export type ApprovalViewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'answer'; readonly id: string; readonly choice: PersonChoiceWire; readonly typed?: string };

const text = (max: number): Schema => str(max);
const count = num({ min: 0 });

const itemSchema = obj(
  {
    id: str(64),
    kind: str(32),
    text: text(2 * 1024 * 1024),
    source: str(64),
    agent: str(64),
    cwd: str(4096),
    score: num({ min: 0, max: 100 }),
    level: oneOf('none', 'low', 'high', 'critical'),
    reasons: arrayOf(obj({ rule: str(256), score: num(), message: str(4096) }), 200),
    policyReason: str(4096),
    impact: obj({
      summary: str(4096),
      files: count, bytes: count, untracked: count, modified: count,
      paths: arrayOf(obj({ path: str(4096), exists: bool, files: count, bytes: count, untracked: count, modified: count, truncated: bool }), 200),
      resources: arrayOf(obj({ kind: str(128), name: str(1024), provider: str(128), environment: str(256) }, ['provider', 'environment']), 200),
    }),
    diff: text(4 * 1024 * 1024),
    confirmation: str(4096),
    similar: str(8192),
    receivedAt: num(),
    deadline: num(),
  },
  ['agent', 'policyReason', 'diff', 'confirmation', 'similar'],
);

export const hostToApprovalViewSchema: Schema = tagged('type', {
  state: obj({ type: oneOf('state'), items: arrayOf(itemSchema, 1000), now: num() }),
  refused: obj({ type: oneOf('refused'), id: str(64), reason: str(4096) }),
});

export const approvalViewToHostSchema: Schema = tagged('type', {
  ready: obj({ type: oneOf('ready') }),
  answer: obj({ type: oneOf('answer'), id: str(64, { minLength: 1 }), choice: oneOf('deny', 'allow-once', 'allow-similar'), typed: str(4096) }, ['typed']),
});

export function isApprovalViewToHost(value: unknown): value is ApprovalViewToHost {
  return check(approvalViewToHostSchema, value) === undefined;
}

export function isHostToApprovalView(value: unknown): value is HostToApprovalView {
  return check(hostToApprovalViewSchema, value) === undefined;
}
