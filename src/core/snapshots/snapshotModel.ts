/**
 * The file snapshot model, shared by the store on disk (`src/host/snapshots/snapshotStore.ts`), the CLI
 * and the extension. Pure: no node built-ins, so the side panel's host code and the tests can use it.
 *
 * A snapshot is one file's content at one moment, kept by content hash in `.airlock/snapshots/`
 * (`objects/ab/<sha256>`), plus one line in `index.jsonl` saying which workspace path held that content,
 * when, and why it was taken. Several records may share one blob (the same content at several paths or
 * times); retention works on records and deletes a blob once no kept record and no ledger entry uses it.
 */

/** Why a snapshot was taken. */
export const SNAPSHOT_REASONS = [
  /** `onWillDeleteFiles`: the file (or every file of a deleted folder) before the editor deletes it. */
  'will-delete',
  /** `onWillRenameFiles`: the file before the editor moves it. */
  'will-rename',
  /** `onWillSaveTextDocument`: the content on disk before the save overwrites it. */
  'will-save',
  /** A protected file's current content, kept so a delete from outside the editor can be undone. */
  'rolling',
  /** The `FileSystemWatcher` saw a change and the previous content was still readable. */
  'watcher',
  /** What a restore was about to overwrite, so the restore itself can be undone. */
  'before-restore',
  /** A file an agent's hook call was about to change. */
  'hook',
  /** Taken by hand (`airlock snapshot`). */
  'manual',
] as const;
export type SnapshotReason = (typeof SNAPSHOT_REASONS)[number];

/** One snapshot: which content (by hash) a workspace path held, when, and why it was kept. */
export interface SnapshotRecord {
  /** SHA-256 of the content, lowercase hex; also the blob's name. */
  readonly id: string;
  /** Workspace-relative, with `/` separators. */
  readonly path: string;
  /** Bytes. */
  readonly size: number;
  /** ISO 8601. */
  readonly takenAt: string;
  readonly reason: SnapshotReason;
  /** True when the content is not text (a NUL byte in its first 8 KB); such content is never diffed. */
  readonly binary: boolean;
  /** Permission bits (`mode & 0o7777`), restored with the content. */
  readonly mode?: number;
}

/** Why a file could not be snapshotted or restored. Each becomes a clear message and, for restore, a question. */
export type SnapshotErrorCode =
  /** Larger than `airlock.snapshots.maxFileBytes`: named in the ledger, not copied. */
  | 'too-large'
  /** Not under the workspace root (after resolving `..` and the real path of its folder). */
  | 'outside-workspace'
  /** A symbolic link: Airlock never follows links, so it keeps neither the link nor its target. */
  | 'symlink'
  /** A folder, device, socket or FIFO where a regular file was expected. */
  | 'not-a-file'
  /** Nothing at that path. */
  | 'not-found'
  /** The disk or folder cannot be written (EROFS, EACCES, EPERM). */
  | 'read-only'
  /** No space left (ENOSPC, EDQUOT). */
  | 'disk-full'
  /** The time budget (VS Code's participant timeouts) ran out before the copy finished. */
  | 'deadline'
  | 'io-error';

export type SnapshotResult =
  | { readonly ok: true; readonly record: SnapshotRecord }
  | {
      readonly ok: false;
      /** Workspace-relative when inside the workspace, else as given. */
      readonly path: string;
      readonly code: SnapshotErrorCode;
      /** One sentence for a person. */
      readonly error: string;
      /** The file's size when it is known (always for `too-large`). */
      readonly size?: number;
    };

/** A folder snapshot: every file found, each with its own result. */
export interface TreeSnapshotResult {
  readonly results: readonly SnapshotResult[];
  /** False when the deadline ran out before every file under the folder was even listed. */
  readonly complete: boolean;
}

/** Why a restore did not happen. */
export type RestoreErrorCode =
  /**
   * The file at the target has content the caller did not expect (newer work): ask the person, then
   * call again with `overwrite: 'always'` or `expectedCurrentHash` set to `currentHash`.
   */
  | 'conflict'
  /** No snapshot with that id, or its blob is gone. */
  | 'missing'
  /** The blob's content no longer matches its hash: never restored. */
  | 'corrupt'
  /** The current content could not be snapshotted first, so overwriting it could not be undone. */
  | 'backup-failed'
  | 'outside-workspace'
  | 'symlink'
  | 'not-a-file'
  | 'read-only'
  | 'disk-full'
  | 'io-error';

export type RestoreResult =
  | {
      readonly ok: true;
      /** Absolute path written. */
      readonly path: string;
      readonly restored: SnapshotRecord;
      /** What was there before and is now kept as a `before-restore` snapshot, if anything was. */
      readonly backup?: SnapshotRecord;
      /** True when the file already held exactly this content, so nothing was written. */
      readonly unchanged: boolean;
      /** The ledger entry recording the restore, or why it could not be written. */
      readonly ledger?: { readonly seq: number } | { readonly error: string };
    }
  | {
      readonly ok: false;
      readonly path: string;
      readonly code: RestoreErrorCode;
      readonly error: string;
      /** SHA-256 of what is at the target now, for `conflict` (pass it back as `expectedCurrentHash`). */
      readonly currentHash?: string;
    };

export interface RestoreOptions {
  /** Absolute path to write to; defaults to the snapshot's own path in the workspace. */
  readonly to?: string;
  /**
   * `if-unchanged` (the default) writes only when the target is absent, already holds the snapshot's
   * content, holds `expectedCurrentHash`, or (without `expectedCurrentHash`) holds the content of the
   * path's next snapshot, the state the following event replaced. Anything else is newer work and gives
   * `conflict`. `always` overwrites, after a `before-restore` snapshot of what is there.
   */
  readonly overwrite?: 'if-unchanged' | 'always';
  readonly expectedCurrentHash?: string;
  /** Who asked, for the ledger: `cli`, `side-panel`, `mass-loss`... */
  readonly via?: string;
}

export interface PruneReport {
  readonly recordsDropped: number;
  readonly blobsDeleted: number;
  readonly bytesFreed: number;
  /** What the store holds afterwards. */
  readonly bytesKept: number;
  /** True when the store is still over its size limit because everything left is referenced or newest. */
  readonly overLimit: boolean;
}

export const SNAPSHOT_ID = /^[0-9a-f]{64}$/;

/** A record as written to `index.jsonl`, one line, newline included. */
export function indexLine(record: SnapshotRecord): string {
  const { id, path, size, takenAt, reason, binary, mode } = record;
  return `${JSON.stringify(mode === undefined ? { id, path, size, takenAt, reason, binary } : { id, path, size, takenAt, reason, binary, mode })}\n`;
}

/**
 * Reads one line of `index.jsonl`. A line that is not a well-formed record (torn by a crash, edited by
 * hand) gives a reason and is skipped by readers, so one bad line never hides the rest.
 */
export function parseIndexLine(text: string): { record?: SnapshotRecord; reason?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: 'not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { reason: 'not a JSON object' };
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || !SNAPSHOT_ID.test(r.id)) return { reason: 'id is not a SHA-256' };
  if (!isSafeRelativePath(r.path)) return { reason: 'path is not a workspace-relative path' };
  if (typeof r.size !== 'number' || !Number.isSafeInteger(r.size) || r.size < 0) return { reason: 'size is not a byte count' };
  if (typeof r.takenAt !== 'string' || Number.isNaN(Date.parse(r.takenAt))) return { reason: 'takenAt is not a time' };
  if (typeof r.reason !== 'string' || !(SNAPSHOT_REASONS as readonly string[]).includes(r.reason)) return { reason: 'unknown reason' };
  if (typeof r.binary !== 'boolean') return { reason: 'binary is not true or false' };
  if (r.mode !== undefined && (typeof r.mode !== 'number' || !Number.isInteger(r.mode) || r.mode < 0 || r.mode > 0o7777)) {
    return { reason: 'mode is not permission bits' };
  }
  const record: SnapshotRecord = {
    id: r.id,
    path: r.path,
    size: r.size,
    takenAt: r.takenAt,
    reason: r.reason as SnapshotReason,
    binary: r.binary,
    ...(r.mode !== undefined ? { mode: r.mode as number } : {}),
  };
  return { record };
}

/**
 * A path the index may hold: relative, `/`-separated, no `.` or `..` segments. An index line is data
 * that could have been edited; a path like `../../.bashrc` must never become a restore target.
 */
export function isSafeRelativePath(path: unknown): path is string {
  if (typeof path !== 'string' || path === '' || path.length > 4096) return false;
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** The newest record per path, in index order; the index is appended in time order. */
export function latestByPath(records: readonly SnapshotRecord[]): Map<string, SnapshotRecord> {
  const latest = new Map<string, SnapshotRecord>();
  for (const record of records) latest.set(record.path, record);
  return latest;
}

/**
 * The record taken after `record` for the same path, if any: its content is what the file held when
 * the next event replaced it, which a restore may overwrite without asking.
 */
export function successorOf(records: readonly SnapshotRecord[], record: SnapshotRecord): SnapshotRecord | undefined {
  const index = records.findIndex((candidate) => candidate.id === record.id && candidate.path === record.path && candidate.takenAt === record.takenAt);
  if (index < 0) return undefined;
  return records.slice(index + 1).find((candidate) => candidate.path === record.path && candidate.id !== record.id);
}

/** Content is binary when its first 8 KB hold a NUL byte, as git decides. */
export const BINARY_SNIFF_BYTES = 8000;
export function looksBinary(head: Uint8Array): boolean {
  const end = Math.min(head.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i += 1) if (head[i] === 0) return true;
  return false;
}
