import type { Action } from '../core/action';
import type { Assessment } from '../core/assessment';
import type { Decider } from '../core/ledger/entry';
import type { PolicyOutcome } from '../core/policy/decide';
import { arrayOf, bool, check, json, num, obj, oneOf, openObj, parseChecked, str, tagged } from './validate';
import type { Schema } from './validate';

/**
 * The broker socket protocol: one JSON object per line, one request per connection. Clients (the hook
 * CLI, shell guards, PATH shims) send a request carrying the window's token; the broker in the
 * extension answers `accepted` at once (so a client knows a live window holds its request) and then
 * exactly one final message. Nothing a client sends can approve anything: approvals come only from a
 * person in Airlock's view.
 *
 * A long-lived client (a shell guard's coprocess) opens a session instead: `hello` (answered with
 * `pong`) keeps the connection open, and its requests follow on it one at a time, each answered as
 * above without closing. The broker then knows which shells have a live guard.
 */
export const BROKER_PROTOCOL_VERSION = 1;

/** Longest line either side accepts; a longer one is refused before it is parsed. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
export const MAX_COMMAND_CHARS = 256 * 1024;
/** File contents travel whole so the approval view can show the diff; the ledger keeps less. */
const MAX_CONTENT_CHARS = 1024 * 1024;
const MAX_PATH_CHARS = 4096;

export const GUARD_SOURCES = ['agent-hook', 'shell-guard', 'shim', 'task', 'file', 'cli'] as const;
export type WireGuardSource = (typeof GUARD_SOURCES)[number];

/**
 * What a shell guard saw of its PATH as it sent a line: `on` while the folder of PATH shims the
 * extension prepended still comes before the system program folders (/usr/local/bin, /usr/bin, /bin
 * and their sbin siblings), `off` once it was removed or moved behind one of them, so programs that
 * scripts, Makefiles and npm scripts start from that shell no longer meet a shim. Folders put in front
 * of the shims (a virtualenv, nvm) do not count: they are not where the real rm or git live. A guard
 * that knows no shim folder (shims switched off, `shell-init` outside VS Code) says nothing.
 */
export type PathShimState = 'on' | 'off';

/** What an interceptor asks about; the same shape as `GuardRequest` in `src/host/decisionService.ts`. */
export interface WireGuardRequest {
  readonly action: Action;
  readonly cwd: string;
  /** As claimed by the client, and shown to the person as claimed. */
  readonly source: WireGuardSource;
  readonly agent?: string;
  /** Sent by shell guards: whether the shell's PATH still led to Airlock's shims. */
  readonly pathShims?: PathShimState;
}

/** The final answer; the same shape as `GuardAnswer` in `src/host/decisionService.ts`. */
export interface WireGuardAnswer {
  readonly decision: 'allow' | 'deny';
  readonly assessment: Assessment;
  readonly policy: PolicyOutcome;
  readonly decider: Decider;
  readonly ledger: { readonly seq: number } | { readonly error: string } | { readonly queued: true };
}

interface Envelope {
  readonly v: typeof BROKER_PROTOCOL_VERSION;
  /** Chosen by the client; echoed in every message about this request. */
  readonly id: string;
  /** The window's secret, from the environment or the per-user registry. */
  readonly token: string;
}

/** What a session's client says it is: claimed, and used only to tell which terminal asked. */
export interface SessionClient {
  readonly kind: 'shell-guard';
  readonly shell: 'bash' | 'zsh' | 'fish';
  /** The process id of the guarded shell (the terminal's process in VS Code). */
  readonly shellPid: number;
}

export type BrokerRequest =
  | (Envelope & {
      readonly type: 'decide';
      readonly request: WireGuardRequest;
      /** A client may ask for a shorter wait than the window's setting, never a longer one. */
      readonly timeoutMs?: number;
    })
  /** A shim asks whether this exact command was just approved in the view; an approval is used once. */
  | (Envelope & { readonly type: 'consume-approval'; readonly command: string; readonly cwd: string })
  | (Envelope & { readonly type: 'ping' })
  /** Opens a session on this connection; later requests on it need no new connection. */
  | (Envelope & { readonly type: 'hello'; readonly client: SessionClient });

export type BrokerResponse =
  | { readonly v: 1; readonly type: 'accepted'; readonly id: string; readonly timeoutMs: number }
  | { readonly v: 1; readonly type: 'answer'; readonly id: string; readonly answer: WireGuardAnswer }
  | { readonly v: 1; readonly type: 'approval'; readonly id: string; readonly approved: boolean }
  | { readonly v: 1; readonly type: 'pong'; readonly id: string; readonly pid: number }
  | { readonly v: 1; readonly type: 'error'; readonly id?: string; readonly reason: string };

const version = oneOf(BROKER_PROTOCOL_VERSION);
const id = str(64, { minLength: 1, pattern: /^[A-Za-z0-9_-]+$/ });
const token = str(128, { minLength: 16, pattern: /^[0-9a-f]+$/ });
const path = str(MAX_PATH_CHARS, { minLength: 1 });

const tool = str(128);
// Every kind of `Action` a client may send; an unknown kind is refused, and the client then decides
// locally, failing closed.
const actionSchema = tagged('kind', {
  shell: obj({ kind: oneOf('shell'), command: str(MAX_COMMAND_CHARS), cwd: path }, ['cwd']),
  fileWrite: obj({ kind: oneOf('fileWrite'), path, oldContent: str(MAX_CONTENT_CHARS), newContent: str(MAX_CONTENT_CHARS), tool, cwd: path }, ['oldContent', 'tool', 'cwd']),
  fileDelete: obj({ kind: oneOf('fileDelete'), path, tool, cwd: path }, ['tool', 'cwd']),
  fileRead: obj({ kind: oneOf('fileRead'), file: path, tool, cwd: path }, ['tool', 'cwd']),
  mcp: obj({ kind: oneOf('mcp'), server: str(256), tool, args: json, cwd: path }, ['cwd']),
  tool: obj({ kind: oneOf('tool'), tool, input: json, cwd: path }, ['cwd']),
});

const guardRequestSchema = obj(
  {
    action: actionSchema,
    cwd: path,
    source: oneOf(...GUARD_SOURCES),
    agent: str(64, { pattern: /^[\w.-]*$/ }),
    pathShims: oneOf('on', 'off'),
  },
  ['agent', 'pathShims'],
);

export const brokerRequestSchema: Schema = tagged('type', {
  decide: obj({ v: version, id, token, type: oneOf('decide'), request: guardRequestSchema, timeoutMs: num({ min: 1, max: 3_600_000, integer: true }) }, ['timeoutMs']),
  'consume-approval': obj({ v: version, id, token, type: oneOf('consume-approval'), command: str(MAX_COMMAND_CHARS), cwd: path }),
  ping: obj({ v: version, id, token, type: oneOf('ping') }),
  hello: obj({
    v: version, id, token, type: oneOf('hello'),
    client: obj({ kind: oneOf('shell-guard'), shell: oneOf('bash', 'zsh', 'fish'), shellPid: num({ min: 1, max: 2 ** 31, integer: true }) }),
  }),
});

// The answer comes from Airlock's own broker, so the assessment and policy are checked only where the
// client reads them; fields added to them later pass through.
const answerSchema = obj({
  decision: oneOf('allow', 'deny'),
  assessment: openObj({ score: num(), level: oneOf('none', 'low', 'high', 'critical'), reasons: arrayOf(openObj({ rule: str(256), score: num(), message: str(4096) }), 1000) }),
  policy: openObj({ decision: oneOf('allow', 'ask', 'deny'), decidedBy: str(256) }),
  decider: obj({ by: oneOf('policy', 'person', 'timeout', 'fail-closed', 'limit'), how: str(256) }),
  ledger: openObj({}),
});

export const brokerResponseSchema: Schema = tagged('type', {
  accepted: obj({ v: version, type: oneOf('accepted'), id, timeoutMs: num({ min: 0, integer: true }) }),
  answer: obj({ v: version, type: oneOf('answer'), id, answer: answerSchema }),
  approval: obj({ v: version, type: oneOf('approval'), id, approved: bool }),
  pong: obj({ v: version, type: oneOf('pong'), id, pid: num({ integer: true }) }),
  error: obj({ v: version, type: oneOf('error'), id, reason: str(4096) }, ['id']),
});

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Checks one line from a client: size first, then JSON, then the closed schema. */
export function parseBrokerRequest(line: string): Parsed<BrokerRequest> {
  if (Buffer.byteLength(line, 'utf8') > MAX_MESSAGE_BYTES) return { ok: false, reason: `message larger than ${MAX_MESSAGE_BYTES} bytes` };
  return parseChecked<BrokerRequest>(brokerRequestSchema, line);
}

export function parseBrokerResponse(line: string): Parsed<BrokerResponse> {
  if (Buffer.byteLength(line, 'utf8') > MAX_MESSAGE_BYTES) return { ok: false, reason: `message larger than ${MAX_MESSAGE_BYTES} bytes` };
  return parseChecked<BrokerResponse>(brokerResponseSchema, line);
}

/** True when `value` is a request this version accepts (for tests and callers holding objects). */
export function isBrokerRequest(value: unknown): value is BrokerRequest {
  return check(brokerRequestSchema, value) === undefined;
}

/** One line of the wire: JSON and a newline. */
export function frame(message: BrokerRequest | BrokerResponse): string {
  return `${JSON.stringify(message)}\n`;
}
