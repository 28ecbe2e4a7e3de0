import type { Action } from '../action';
import type { Assessment } from '../assessment';
import type { PolicyOutcome } from '../policy/decide';
import { redactDeep } from '../redaction/redact';
import { recordableAction } from './fileContent';

/** SHA-256 of a UTF-8 string as lowercase hex. Injected so the core stays free of node built-ins. */
export type Hasher = (text: string) => string;

/** The `prev` of the first entry ever written for a workspace. */
export const GENESIS = '0'.repeat(64);

export const LEDGER_VERSION = 1;

/** What finally happened to the action. */
export type LedgerOutcome = 'allowed' | 'denied';

/**
 * Who made the final call and how: the policy alone (`how` is the rule that decided), a person in
 * Airlock's view (`allow-once`, `allow-similar`, `typed-confirmation`, `deny`), nobody in time
 * (`timeout`), deciding alone without a person (`fail-closed`), a flood limit (`limit`), or nobody
 * before it ran: an observer saw it start without any guard being asked (`ran-unguarded`, or
 * `stopped-unguarded` when it was stopped while still running, `observed` when harmless), or saw
 * text typed ahead of a guarded line that no guard was asked about later (`typed-ahead-unchecked`).
 */
export interface Decider {
  readonly by: 'policy' | 'person' | 'timeout' | 'fail-closed' | 'limit' | 'observer';
  readonly how: string;
}

/** One decided action, as the caller reports it. */
export interface LedgerRecord {
  /** ISO 8601 time the action was decided. */
  readonly time: string;
  /** Where the request came from (`agent-hook`, `shell-guard`, `shim`, `task`, `file`, `cli`), as claimed. */
  readonly source: string;
  /** The agent the request claims to come from, when it says. */
  readonly agent?: string;
  readonly action: Action;
  readonly assessment: Assessment;
  /** What the policy decided before any person was involved. */
  readonly policy: PolicyOutcome;
  readonly outcome: LedgerOutcome;
  readonly decider: Decider;
  /** How long the action waited for its decision, in milliseconds. */
  readonly waitMs: number;
  /**
   * The file snapshots that undo this action (the content before a delete, a save, an edit or a
   * restore), and the files that could not be kept, with why. `airlock restore <seq>` writes these
   * back; retention never drops a snapshot an entry names.
   */
  readonly snapshots?: readonly LedgerSnapshotRef[];
  /**
   * Set when the shell guard that sent a line reported that its shell's PATH no longer led to
   * Airlock's PATH shims: the line was decided as usual, but programs it starts meet no shim.
   */
  readonly pathShims?: 'off';
}

/** One file an entry kept (or failed to keep) a copy of. */
export interface LedgerSnapshotRef {
  /** Workspace-relative, `/`-separated. */
  readonly path: string;
  /** The snapshot's id (SHA-256 of the content); absent when no copy could be taken. */
  readonly id?: string;
  readonly size?: number;
  /**
   * SHA-256 of what the action left at the path (after a save or an edit); `null` when it left nothing
   * (a delete). A restore overwrites without asking only while the file still holds this.
   */
  readonly after?: string | null;
  /** Why no copy was taken (`too-large`, `symlink`...), so the entry still names the file. */
  readonly problem?: string;
}

/** A record as stored: redacted, numbered and chained. */
export interface LedgerEntry extends LedgerRecord {
  readonly v: number;
  /** 1-based position in the workspace's whole history, across rotated files. */
  readonly seq: number;
  /** The `hash` of the entry before this one, or `GENESIS`. */
  readonly prev: string;
  /** SHA-256 over the canonical JSON of every other field, `prev` included. */
  readonly hash: string;
}

/** The end of a chain: what the next entry links to. */
export interface ChainHead {
  readonly hash: string;
  readonly count: number;
}

export const EMPTY_HEAD: ChainHead = { hash: GENESIS, count: 0 };

/**
 * JSON with object keys sorted at every level, so an entry hashes the same whatever order its keys
 * were written or parsed in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash an entry should carry: over everything but its own `hash` field. */
export function entryHash(entry: Omit<LedgerEntry, 'hash'> | Record<string, unknown>, hash: Hasher): string {
  const rest: Record<string, unknown> = { ...(entry as Record<string, unknown>) };
  delete rest.hash;
  return hash(canonicalJson(rest));
}

/** Longest string kept in an entry; a pasted megabyte heredoc must not make the ledger unreadable. */
export const MAX_FIELD_CHARS = 64 * 1024;

function capStrings(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length > MAX_FIELD_CHARS
      ? `${value.slice(0, MAX_FIELD_CHARS)}...[${value.length - MAX_FIELD_CHARS} more characters not recorded]`
      : value;
  }
  if (Array.isArray(value)) return value.map(capStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, capStrings(v)]));
  }
  return value;
}

/**
 * Turns a record into the next entry of the chain: file contents summarized, secrets redacted and long
 * strings capped first, so the hash covers exactly what is stored and no secret is ever hashed into
 * the record (a written file's own SHA-256 is kept as a field: it names the file, it is not the chain).
 */
export function sealEntry(record: LedgerRecord, head: ChainHead, hash: Hasher): LedgerEntry {
  // File writes keep sizes, hashes and a diff rather than whole files (fileContent.ts); then secrets go.
  const recorded = { ...record, action: recordableAction(record.action, hash) };
  // Drop undefined fields through a JSON round trip so what is hashed is what is written.
  const clean = JSON.parse(JSON.stringify(capStrings(redactDeep(recorded)))) as LedgerRecord;
  const unsealed = { v: LEDGER_VERSION, seq: head.count + 1, ...clean, prev: head.hash };
  return { ...unsealed, hash: entryHash(unsealed, hash) };
}

/** One line of the ledger file for an entry, newline included. */
export function entryLine(entry: LedgerEntry): string {
  return `${JSON.stringify(entry)}\n`;
}
