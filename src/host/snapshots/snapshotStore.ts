import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { lstat, opendir, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { planRetention } from '../../core/snapshots/retention';
import { indexLine, parseIndexLine, SNAPSHOT_ID } from '../../core/snapshots/snapshotModel';
import type {
  PruneReport,
  RestoreOptions,
  RestoreResult,
  SnapshotReason,
  SnapshotRecord,
  SnapshotResult,
  TreeSnapshotResult,
} from '../../core/snapshots/snapshotModel';
import type { LedgerEntry, LedgerRecord } from '../../core/ledger/entry';
import { withFileLock } from '../ledger/fileLock';
import { AIRLOCK_DIR, ensureAirlockDir } from '../ledger/locations';
import { copyToTemp, CopyError, hashFile, openRegularFile, writeFailure } from './blobCopy';
import { restoreSnapshot } from './restore';
import { resolveInWorkspace, toPosix } from './workspacePaths';

/**
 * The snapshot store of one workspace: `.airlock/snapshots/` (kept out of git by `.airlock/.gitignore`).
 *
 *   objects/ab/<sha256>   one blob per distinct content, named by its SHA-256
 *   index.jsonl           one `SnapshotRecord` per line, appended in time order
 *   tmp/                  copies being written; never read as snapshots
 *   store.lock            held while a blob is renamed into place with its index line, and by prune
 *
 * Node only, no `vscode`: the extension (file participants, the watcher, the side panel) and the CLI
 * (`airlock snapshot`, `airlock restore`) share it. Usage:
 *
 *   const store = new SnapshotStore(root, { maxFileBytes, maxTotalBytes, maxAgeDays, ledger });
 *   await store.snapshotFile(abs, 'will-delete');            // SnapshotResult, never throws
 *   await store.snapshotTree(absDir, 'will-delete', { deadline: Date.now() + 20_000 });
 *   store.list({ path: 'db/migrations/001.sql' });            // SnapshotRecord[], oldest first
 *   store.latestFor('db/migrations/001.sql');
 *   await store.read(id);                                     // Buffer, hash checked (small files: diffs)
 *   await store.restore(recordOrId, { overwrite: 'if-unchanged' });   // RestoreResult; recorded in the ledger
 *   await store.prune(await collectReferencedSnapshotIds(root)); // retention (see core/snapshots/retention.ts)
 *
 * A snapshot is good only once its blob was copied, fsync'd, read back with the right hash and
 * renamed into place, and its index line written: a failed or interrupted copy leaves no index line,
 * and `read`/`restore` check the hash again, so a damaged blob is reported `corrupt`, never restored.
 */
export interface SnapshotStoreOptions {
  /** Larger files are refused as `too-large` (`airlock.snapshots.maxFileBytes`). */
  readonly maxFileBytes: number;
  /** `airlock.snapshots.maxTotalBytes`, applied by `prune`. */
  readonly maxTotalBytes: number;
  /** `airlock.snapshots.maxAgeDays`, applied by `prune`; default 30. */
  readonly maxAgeDays?: number;
  readonly clock?: () => Date;
  /** Where restores are recorded; without it a restore is not recorded (tests of the store alone). */
  readonly ledger?: { append(record: LedgerRecord): Promise<LedgerEntry> };
  /** Test seam: runs after a copy is written and before its hash is checked. */
  readonly afterCopy?: (tempPath: string) => void | Promise<void>;
}

export interface SnapshotFilter {
  /** Workspace-relative (`/`) or absolute. */
  readonly path?: string;
  readonly id?: string;
  readonly reason?: SnapshotReason;
}

export class SnapshotStoreError extends Error {
  constructor(
    readonly reason: 'missing' | 'corrupt' | 'invalid-id',
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotStoreError';
  }
}

export const SNAPSHOTS_DIR = 'snapshots';

/** Files of a folder snapshot committed under one lock and one index fsync. */
const COMMIT_BATCH = 100;
/** Copies of a folder snapshot in flight at once. */
const COPY_CONCURRENCY = 8;

/** A checked copy waiting to be renamed into place and indexed. */
interface Prepared {
  readonly ok: true;
  readonly record: SnapshotRecord;
  readonly tempPath: string;
  /** The failure result for this file, should the commit fail. */
  readonly failure: (error: unknown) => SnapshotResult;
}

export class SnapshotStore {
  readonly workspaceRoot: string;
  readonly dir: string;
  private readonly objectsDir: string;
  private readonly tmpDir: string;
  private readonly indexFile: string;
  private readonly lockFile: string;
  private readonly clock: () => Date;

  constructor(
    workspaceRoot: string,
    readonly options: SnapshotStoreOptions,
  ) {
    this.workspaceRoot = realOrSelf(workspaceRoot);
    this.dir = join(this.workspaceRoot, AIRLOCK_DIR, SNAPSHOTS_DIR);
    this.objectsDir = join(this.dir, 'objects');
    this.tmpDir = join(this.dir, 'tmp');
    this.indexFile = join(this.dir, 'index.jsonl');
    this.lockFile = join(this.dir, 'store.lock');
    this.clock = options.clock ?? (() => new Date());
  }

  /** Where the blob of `id` lives (read-only use, e.g. the left side of a diff editor). */
  blobPath(id: string): string {
    if (!SNAPSHOT_ID.test(id)) throw new SnapshotStoreError('invalid-id', `${JSON.stringify(id)} is not a snapshot id`);
    return join(this.objectsDir, id.slice(0, 2), id);
  }

  /** Copies one file into the store. Never throws: every failure is a result with a code. */
  async snapshotFile(path: string, reason: SnapshotReason, limits: { deadline?: number } = {}): Promise<SnapshotResult> {
    const prepared = await this.prepare(path, reason, limits.deadline);
    if (!prepared.ok) return prepared.result;
    const [committed] = await this.commit([prepared]);
    return committed ?? prepared.failure(new CopyError('io-error', `${prepared.record.path} was copied but not indexed`));
  }

  /**
   * Copies every file under a folder (a folder delete fires one event for the whole folder). Links are
   * reported, never followed; Airlock's own files other than `policy.json` are skipped; `skip` leaves out what the caller names
   * (e.g. `node_modules`). Files listed but not copied before the deadline get `deadline` results.
   */
  async snapshotTree(
    dir: string,
    reason: SnapshotReason,
    options: { deadline?: number; skip?: (rel: string, isFolder: boolean) => boolean } = {},
  ): Promise<TreeSnapshotResult> {
    const files: string[] = [];
    const results: SnapshotResult[] = [];
    let complete = true;
    const late = (): boolean => options.deadline !== undefined && Date.now() > options.deadline;
    let start: string;
    try {
      start = dir === this.workspaceRoot ? dir : resolveInWorkspace(this.workspaceRoot, dir).abs;
      const info = await lstat(start);
      if (info.isSymbolicLink()) return { results: [await this.snapshotFile(dir, reason)], complete: true };
      if (!info.isDirectory()) return { results: [await this.snapshotFile(dir, reason, options)], complete: true };
    } catch {
      // Outside the workspace, gone, unreadable: snapshotFile says which, with its code.
      return { results: [await this.snapshotFile(dir, reason)], complete: true };
    }
    const walk = async (folder: string): Promise<void> => {
      if (late()) {
        complete = false;
        return;
      }
      let entries;
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        results.push({ ok: false, path: this.relOf(folder), code: 'io-error', error: `${this.relOf(folder)} could not be listed: ${(error as Error).message}` });
        return;
      }
      for (const entry of entries) {
        const abs = join(folder, entry.name);
        const rel = this.relOf(abs);
        // Airlock's own state (ledger, locks, snapshots) is kept elsewhere or rebuilt; the team policy is not.
        if (rel.startsWith(`${AIRLOCK_DIR}/`) && rel !== `${AIRLOCK_DIR}/policy.json` && !entry.isDirectory()) continue;
        if (this.isStorePath(rel)) continue;
        if (options.skip?.(rel, entry.isDirectory())) continue;
        if (entry.isDirectory()) await walk(abs);
        else files.push(abs);
        if (!complete) return;
      }
    };
    await walk(start);
    // Copies are committed (renamed and indexed under the lock) in batches: one lock and one index
    // fsync per batch instead of per file, which is most of the cost for a folder of small files.
    // Several copies run at once: each waits mostly on its fsync, which the disk can overlap.
    for (let start = 0; start < files.length; start += COMMIT_BATCH) {
      const chunk = files.slice(start, start + COMMIT_BATCH);
      const prepared = await inParallel(chunk, COPY_CONCURRENCY, async (file) =>
        late() ? { ok: false as const, result: { ok: false as const, path: this.relOf(file), code: 'deadline' as const, error: `the time to copy ${this.relOf(file)} ran out` } } : this.prepare(file, reason, options.deadline),
      );
      for (const item of prepared) if (!item.ok) results.push(item.result);
      results.push(...(await this.commit(prepared.filter((item): item is Prepared => item.ok))));
    }
    return { results, complete };
  }

  /** Every readable record, oldest first; lines that are not records are skipped. */
  list(filter: SnapshotFilter = {}): SnapshotRecord[] {
    let text: string;
    try {
      text = readFileSync(this.indexFile, 'utf8');
    } catch {
      return [];
    }
    const path = filter.path === undefined ? undefined : this.relOf(filter.path);
    const records: SnapshotRecord[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const { record } = parseIndexLine(line);
      if (!record) continue;
      if (path !== undefined && record.path !== path) continue;
      if (filter.id !== undefined && record.id !== filter.id) continue;
      if (filter.reason !== undefined && record.reason !== filter.reason) continue;
      records.push(record);
    }
    return records;
  }

  /** The newest snapshot of a path (workspace-relative or absolute). */
  latestFor(path: string): SnapshotRecord | undefined {
    return this.list({ path }).pop();
  }

  /**
   * The content of a snapshot, whole, its hash checked. For diffs and small files; restore streams.
   * Throws `SnapshotStoreError` (`missing`, `corrupt`, `invalid-id`).
   */
  async read(id: string): Promise<Buffer> {
    const blob = this.blobPath(id);
    let content: Buffer;
    try {
      content = await readFile(blob);
    } catch {
      throw new SnapshotStoreError('missing', `snapshot ${id.slice(0, 12)} is not in the store`);
    }
    if (createHash('sha256').update(content).digest('hex') !== id) {
      throw new SnapshotStoreError('corrupt', `snapshot ${id.slice(0, 12)} is damaged: its content no longer matches its hash`);
    }
    return content;
  }

  /** Whether a blob is there and whole, read in chunks. */
  async verify(id: string): Promise<'ok' | 'missing' | 'corrupt'> {
    try {
      return (await hashFile(this.blobPath(id))).hash === id ? 'ok' : 'corrupt';
    } catch {
      return 'missing';
    }
  }

  /** Writes a snapshot back; see `RestoreOptions` for when it refuses. Recorded in the ledger. */
  async restore(target: SnapshotRecord | string, options: RestoreOptions = {}): Promise<RestoreResult> {
    const record = typeof target === 'string' ? this.list({ id: target }).pop() : target;
    if (!record) {
      return { ok: false, path: String(target), code: 'missing', error: `there is no snapshot ${String(target).slice(0, 12)} in the store` };
    }
    return restoreSnapshot(this, record, options, { clock: this.clock, ledger: this.options.ledger });
  }

  /**
   * Applies retention (`core/snapshots/retention.ts`): never drops a snapshot whose id is in
   * `referenced` (collect them with `collectReferencedSnapshotIds`), nor a path's newest for its age.
   */
  async prune(referenced: ReadonlySet<string>): Promise<PruneReport> {
    const blobs = await this.listBlobs();
    const now = this.clock().getTime();
    await this.cleanTemp(now);
    return withFileLock(this.lockFileReady(), () => {
      const plan = planRetention({
        records: this.list(),
        blobs,
        referenced,
        now,
        maxAgeMs: (this.options.maxAgeDays ?? 30) * 24 * 3600 * 1000,
        maxTotalBytes: this.options.maxTotalBytes,
      });
      if (plan.drop.length > 0) this.rewriteIndex(plan.keep);
      // Inside the lock: a snapshot of the same content must not land between the plan and the delete.
      for (const id of plan.deleteBlobs) rmSync(this.blobPath(id), { force: true });
      return { recordsDropped: plan.drop.length, blobsDeleted: plan.deleteBlobs.length, bytesFreed: plan.bytesFreed, bytesKept: plan.bytesKept, overLimit: plan.overLimit };
    });
  }

  /** Workspace-relative, `/`-separated form of a path under the root (absolute paths as given otherwise). */
  relOf(path: string): string {
    try {
      return resolveInWorkspace(this.workspaceRoot, path).rel;
    } catch {
      return toPosix(path);
    }
  }

  /** Checks the path and copies the file into a checked temporary file; nothing is indexed yet. */
  private async prepare(path: string, reason: SnapshotReason, deadline: number | undefined): Promise<Prepared | { ok: false; result: SnapshotResult }> {
    let rel = toPosix(path);
    const failure = (error: unknown): SnapshotResult => {
      const copyError = error instanceof CopyError ? error : writeFailure(error, 'the snapshot store');
      return { ok: false, path: rel, code: copyError.code, error: copyError.message, ...(copyError.size !== undefined ? { size: copyError.size } : {}) };
    };
    try {
      const where = resolveInWorkspace(this.workspaceRoot, path);
      rel = where.rel;
      if (this.isStorePath(where.rel)) throw new CopyError('outside-workspace', `${rel} is inside Airlock's snapshot store`);
      const info = await lstat(where.abs).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'ENOENT' ? new CopyError('not-found', `${rel} does not exist`) : new CopyError('io-error', `${rel}: ${error.message}`);
      });
      if (info.isSymbolicLink()) throw new CopyError('symlink', `${rel} is a symbolic link; Airlock does not follow links, so neither it nor its target was kept`);
      if (!info.isFile()) throw new CopyError('not-a-file', `${rel} is not a regular file`);
      if (info.size > this.options.maxFileBytes) {
        throw new CopyError('too-large', `${rel} (${info.size} bytes) is larger than the snapshot limit of ${this.options.maxFileBytes} bytes`, info.size);
      }
      this.ensureDirs();
      const source = await openRegularFile(where.abs);
      try {
        const copied = await copyToTemp(source.handle, rel, this.tmpDir, { maxBytes: this.options.maxFileBytes, deadline }, this.options.afterCopy);
        const record: SnapshotRecord = { id: copied.hash, path: rel, size: copied.size, takenAt: this.clock().toISOString(), reason, binary: copied.binary, mode: source.mode };
        return { ok: true, record, tempPath: copied.tempPath, failure };
      } finally {
        await source.handle.close();
      }
    } catch (error) {
      return { ok: false, result: failure(error) };
    }
  }

  /**
   * Renames checked copies into place and appends their index lines, under the store lock so prune
   * cannot delete a blob between the two. A snapshot exists once its line is written and fsync'd.
   */
  private async commit(prepared: readonly Prepared[]): Promise<SnapshotResult[]> {
    if (prepared.length === 0) return [];
    try {
      await withFileLock(this.lockFileReady(), () => {
        for (const { record, tempPath } of prepared) {
          mkdirSync(join(this.objectsDir, record.id.slice(0, 2)), { recursive: true });
          // Renaming over an existing blob of the same hash replaces a damaged one with a checked copy.
          renameSync(tempPath, this.blobPath(record.id));
        }
        appendDurably(this.indexFile, prepared.map(({ record }) => indexLine(record)).join(''));
      });
      return prepared.map(({ record }) => ({ ok: true, record }));
    } catch (error) {
      // Blobs renamed before the failure have no index line: prune removes them as orphans later.
      await Promise.all(prepared.map(({ tempPath }) => unlink(tempPath).catch(() => undefined)));
      return prepared.map(({ failure }) => failure(error));
    }
  }

  private isStorePath(rel: string): boolean {
    return rel === `${AIRLOCK_DIR}/${SNAPSHOTS_DIR}` || rel.startsWith(`${AIRLOCK_DIR}/${SNAPSHOTS_DIR}/`);
  }

  private ensureDirs(): void {
    try {
      ensureAirlockDir(this.workspaceRoot);
      mkdirSync(this.tmpDir, { recursive: true });
      mkdirSync(this.objectsDir, { recursive: true });
    } catch (error) {
      throw writeFailure(error, 'the snapshot store');
    }
  }

  private lockFileReady(): string {
    this.ensureDirs();
    return this.lockFile;
  }

  private rewriteIndex(records: readonly SnapshotRecord[]): void {
    const temp = `${this.indexFile}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, records.map(indexLine).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.indexFile);
  }

  private async listBlobs(): Promise<Map<string, { size: number; mtimeMs: number }>> {
    const blobs = new Map<string, { size: number; mtimeMs: number }>();
    if (!existsSync(this.objectsDir)) return blobs;
    for await (const fan of await opendir(this.objectsDir)) {
      if (!fan.isDirectory()) continue;
      for (const name of await readdir(join(this.objectsDir, fan.name)).catch(() => [] as string[])) {
        if (!SNAPSHOT_ID.test(name)) continue;
        const info = await stat(join(this.objectsDir, fan.name, name)).catch(() => undefined);
        if (info?.isFile()) blobs.set(name, { size: info.size, mtimeMs: info.mtimeMs });
      }
    }
    return blobs;
  }

  /** Removes copies left by a crash; recent ones may be another process's copy in progress. */
  private async cleanTemp(now: number): Promise<void> {
    for (const name of await readdir(this.tmpDir).catch(() => [] as string[])) {
      const path = join(this.tmpDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs > 60 * 60 * 1000) await rm(path, { force: true });
    }
  }
}

/** `work` over `items` with at most `limit` running at once; results in the items' order. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function appendDurably(file: string, line: string): void {
  const fd = openSync(file, 'a', 0o600);
  try {
    writeSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}
