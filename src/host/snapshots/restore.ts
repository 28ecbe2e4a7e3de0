import { chmod, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileEventRecord } from '../../core/files/fileEvents';
import type { LedgerEntry, LedgerRecord, LedgerSnapshotRef } from '../../core/ledger/entry';
import { successorOf } from '../../core/snapshots/snapshotModel';
import type { RestoreErrorCode, RestoreOptions, RestoreResult, SnapshotRecord } from '../../core/snapshots/snapshotModel';
import { copyToTemp, CopyError, hashFile, writeFailure } from './blobCopy';
import type { SnapshotStore } from './snapshotStore';
import { resolveInWorkspace } from './workspacePaths';

/**
 * Writing a snapshot back. The order is what makes it safe:
 *
 * 1. The target must lie inside the workspace (its folder's real path) and not be a link or a folder.
 * 2. The blob is checked against its hash first: damaged content is reported, never written.
 * 3. What is at the target now is compared with what the caller may overwrite (`RestoreOptions`);
 *    anything else is newer work, refused as `conflict` with its hash so the caller can ask a person.
 * 4. Before anything is overwritten it is snapshotted (`before-restore`); if that fails, nothing is
 *    overwritten (`backup-failed`), so every restore can itself be undone.
 * 5. The content is streamed to a temporary file beside the target, hash-checked, fsync'd, given the
 *    snapshot's mode and renamed over the target: a reader sees the old file or the new, never half.
 * 6. The restore is recorded in the ledger, naming both snapshots, so retention keeps them.
 *
 * There is a short window between step 3 and the rename in which another writer could change the
 * target; its content would then be in neither place. The window is milliseconds; closing it needs
 * file locks editors do not take.
 */
export async function restoreSnapshot(
  store: SnapshotStore,
  record: SnapshotRecord,
  options: RestoreOptions,
  env: { clock: () => Date; ledger?: { append(record: LedgerRecord): Promise<LedgerEntry> } },
): Promise<RestoreResult> {
  const asked = options.to ?? join(store.workspaceRoot, record.path);
  const refuse = (code: RestoreErrorCode, error: string, currentHash?: string): RestoreResult => ({
    ok: false,
    path: asked,
    code,
    error,
    ...(currentHash !== undefined ? { currentHash } : {}),
  });

  let target: string;
  let rel: string;
  try {
    ({ abs: target, rel } = resolveInWorkspace(store.workspaceRoot, asked));
  } catch (error) {
    return refuse('outside-workspace', (error as Error).message);
  }

  const health = await store.verify(record.id);
  if (health === 'missing') return refuse('missing', `snapshot ${record.id.slice(0, 12)} of ${record.path} is no longer in the store`);
  if (health === 'corrupt') return refuse('corrupt', `snapshot ${record.id.slice(0, 12)} of ${record.path} is damaged (its content no longer matches its hash); it was not restored`);

  const existing = await lstat(target).catch(() => undefined);
  let backup: SnapshotRecord | undefined;
  if (existing) {
    if (existing.isSymbolicLink()) return refuse('symlink', `${rel} is now a symbolic link; Airlock does not write through links`);
    if (!existing.isFile()) return refuse('not-a-file', `${rel} is now a folder or special file, not a file`);
    let current: string;
    try {
      current = (await hashFile(target, true)).hash;
    } catch (error) {
      return refuse('io-error', `${rel} could not be read to compare it: ${(error as Error).message}`);
    }
    if (current === record.id) {
      const ledger = await recordRestore(env, record, target, undefined, true, options.via);
      return { ok: true, path: target, restored: record, unchanged: true, ...(ledger ? { ledger } : {}) };
    }
    if ((options.overwrite ?? 'if-unchanged') === 'if-unchanged') {
      const allowed = options.expectedCurrentHash ?? successorOf(store.list({ path: record.path }), record)?.id;
      if (current !== allowed) {
        return refuse(
          'conflict',
          `${rel} has changed since this snapshot (it now holds content ${current.slice(0, 12)} that no snapshot replaces); restoring would overwrite newer work`,
          current,
        );
      }
    }
    const kept = await store.snapshotFile(target, 'before-restore');
    if (!kept.ok) return refuse('backup-failed', `what is at ${rel} now could not be kept first (${kept.error}), so it was not overwritten`);
    backup = kept.record;
  }

  try {
    await writeAtomically(store, record, target);
  } catch (error) {
    const failure = writeFailure(error, rel);
    const code = failure.code === 'read-only' || failure.code === 'disk-full' || failure.code === 'outside-workspace' ? failure.code : 'io-error';
    return refuse(code, failure.message);
  }
  const ledger = await recordRestore(env, record, target, backup, false, options.via);
  return { ok: true, path: target, restored: record, unchanged: false, ...(backup ? { backup } : {}), ...(ledger ? { ledger } : {}) };
}

async function writeAtomically(store: SnapshotStore, record: SnapshotRecord, target: string): Promise<void> {
  const folder = dirname(target);
  await mkdir(folder, { recursive: true });
  // The folders just made must still be inside the workspace (a link could have appeared meanwhile).
  resolveInWorkspace(store.workspaceRoot, target);
  const blob = await open(store.blobPath(record.id), 'r');
  let copied;
  try {
    copied = await copyToTemp(blob, `snapshot ${record.id.slice(0, 12)}`, folder, { tempPrefix: `.${basename(target)}.airlock-restore-` });
  } finally {
    await blob.close();
  }
  if (copied.hash !== record.id) {
    await unlink(copied.tempPath).catch(() => undefined);
    throw new CopyError('io-error', `snapshot ${record.id.slice(0, 12)} changed while it was being restored; nothing was written`);
  }
  try {
    if (record.mode !== undefined) await chmod(copied.tempPath, record.mode);
    await rename(copied.tempPath, target);
  } catch (error) {
    await unlink(copied.tempPath).catch(() => undefined);
    throw error;
  }
}

async function recordRestore(
  env: { clock: () => Date; ledger?: { append(record: LedgerRecord): Promise<LedgerEntry> } },
  record: SnapshotRecord,
  target: string,
  backup: SnapshotRecord | undefined,
  unchanged: boolean,
  via: string | undefined,
): Promise<{ seq: number } | { error: string } | undefined> {
  if (!env.ledger) return undefined;
  // What undoes this restore is the backup of what it replaced; the restored snapshot is named in the action.
  const snapshots: LedgerSnapshotRef[] = backup ? [{ path: backup.path, id: backup.id, size: backup.size, after: record.id }] : [];
  const entry = fileEventRecord({
    time: env.clock(),
    source: via === 'cli' ? 'cli' : 'file',
    action: { kind: 'fileEvent', event: 'restore', path: target, snapshot: record.id, ...(via ? { via } : {}) },
    snapshots,
    decider: { by: 'person', how: unchanged ? 'restore (already identical)' : 'restore' },
  });
  try {
    return { seq: (await env.ledger.append(entry)).seq };
  } catch (error) {
    return { error: `the restore of ${basename(target)} was not recorded in the ledger: ${(error as Error).message}` };
  }
}
