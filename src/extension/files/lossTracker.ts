import { lstat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { fileEventRecord } from '../../core/files/fileEvents';
import { MassLossDetector } from '../../core/files/massLoss';
import type { MassLossAlarm } from '../../core/files/massLoss';
import type { LedgerSnapshotRef } from '../../core/ledger/entry';
import type { SnapshotRecord } from '../../core/snapshots/snapshotModel';
import { Disposable } from '../disposable';
import type { FilesContext } from './filesContext';
import { isWatchedPath } from './filePaths';
import type { RecordedLoss } from './reviewModel';
import type { ReviewStore } from './reviewStore';
import type { DeleteListener, KeptBeforeDelete } from './snapshotParticipants';
import type { WorkspaceFiles } from './workspaceStores';

/** Watcher events arrive one by one; a folder's worth is recorded as one ledger entry. */
const BATCH_MS = 250;

interface Loss {
  readonly rel: string;
  readonly how: 'deleted' | 'emptied';
  readonly snapshot?: SnapshotRecord;
  /** Why no copy could be kept, when none was: a store error code, or `never-kept`. */
  readonly problem?: string;
  /** Listed and recorded (protected, or a copy exists); otherwise it only counts towards the alarm. */
  readonly listed: boolean;
  readonly at: number;
  readonly via: 'editor' | 'watcher';
}

export interface LossActions {
  /** Restores the given losses (Restore all); resolves when done. */
  restoreLosses(losses: readonly RecordedLoss[], via: string): Promise<void>;
  showFiles(): void;
}

/**
 * Files lost to deletes and truncation, wherever they came from: the editor (with the copies its
 * participants kept just before) or the file watcher (terminal `rm`, scripts, other programs), matched
 * to the newest rolling copy. Each loss is recorded in the ledger with the snapshot that can undo it and
 * listed in the Files view; many at once raise the mass-loss alarm with Restore all.
 */
export class LossTracker extends Disposable implements DeleteListener {
  private readonly batches = new Map<string, { files: WorkspaceFiles; losses: Loss[] }>();
  private readonly detectors = new Map<string, { detector: MassLossDetector; key: string }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last alarm's message and buttons, for tests and the log. */
  lastAlarm: { readonly files: number; readonly restorable: number } | undefined;

  constructor(
    private readonly context: FilesContext,
    private readonly review: ReviewStore,
    private readonly actions: LossActions,
  ) {
    super();
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  /** The watcher saw a path disappear; what it held is known only from earlier copies. */
  deleted(uri: vscode.Uri): void {
    const now = Date.now();
    if (this.context.editorDeletes.has(uri.fsPath, now) || this.context.selfWrites.has(uri.fsPath, now)) return;
    const files = this.context.workspaces.forUri(uri);
    if (!files) return;
    const rel = files.rel(uri.fsPath);
    if (!isWatchedPath(rel)) return;
    const kept = files.latestUnder(rel);
    const losses: Loss[] = kept.map((snapshot) => ({ rel: snapshot.path, how: 'deleted', snapshot, listed: true, at: now, via: 'watcher' }));
    if (losses.length === 0) {
      const listed = files.folder.isProtected(uri.fsPath);
      losses.push({ rel, how: 'deleted', listed, at: now, via: 'watcher', ...(listed ? { problem: 'never-kept' } : {}) });
    }
    this.add(files, losses);
  }

  /** The watcher saw a change: a file that had content and now has none was emptied. */
  changed(uri: vscode.Uri): void {
    const files = this.context.workspaces.forUri(uri);
    if (!files || this.context.selfWrites.has(uri.fsPath, Date.now())) return;
    const rel = files.rel(uri.fsPath);
    if (!isWatchedPath(rel)) return;
    // Read now, before the rolling copy of the new (empty) content replaces it as the newest.
    const before = files.latestFor(rel);
    if (!before || before.size === 0) return;
    void lstat(uri.fsPath).then(
      (info) => {
        if (info.isFile() && info.size === 0) this.add(files, [{ rel, how: 'emptied', snapshot: before, listed: true, at: Date.now(), via: 'watcher' }]);
      },
      () => undefined,
    );
  }

  /** The path exists again: a later delete of it is news again. */
  created(uri: vscode.Uri): void {
    const files = this.context.workspaces.forUri(uri);
    if (files) files.noteBack(files.rel(uri.fsPath));
  }

  editorDeleted(kept: readonly KeptBeforeDelete[]): void {
    const now = Date.now();
    for (const { files, path, folder, results: all } of kept) {
      // Links inside a deleted folder lose no content of their own (their targets stay).
      const results = all.filter((result) => result.ok || result.code !== 'symlink');
      const losses: Loss[] = results.map((result) => result.ok
        ? { rel: result.record.path, how: 'deleted', snapshot: result.record, listed: true, at: now, via: 'editor' }
        : { rel: result.path, how: 'deleted', problem: result.code, listed: folder || files.folder.isProtected(files.abs(result.path)), at: now, via: 'editor' });
      if (losses.length === 0) losses.push({ rel: files.rel(path), how: 'deleted', listed: false, at: now, via: 'editor' });
      this.add(files, losses);
    }
  }

  private add(files: WorkspaceFiles, losses: readonly Loss[]): void {
    for (const loss of losses) files.noteGone(loss.rel);
    const batch = this.batches.get(files.root) ?? { files, losses: [] };
    batch.losses.push(...losses);
    this.batches.set(files.root, batch);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, BATCH_MS);
  }

  private async flush(): Promise<void> {
    const batches = [...this.batches.values()];
    this.batches.clear();
    for (const { files, losses } of batches) {
      const agent = this.context.activity.activeAt(Date.now())?.agent;
      const listed = losses.filter((l) => l.listed);
      const seqs = new Map<Loss, number>();
      for (const group of groupBy(listed, (l) => `${l.how}:${l.via}`)) {
        const first = group[0]!;
        const action = {
          kind: 'fileEvent' as const,
          event: first.how === 'deleted' ? ('delete' as const) : ('empty' as const),
          path: group.length === 1 ? files.abs(first.rel) : files.root,
          ...(group.length > 1 ? { files: group.map((l) => l.rel) } : {}),
          via: first.via,
        };
        const entry = await files.record(
          fileEventRecord({ time: new Date(first.at), source: 'file', ...(agent ? { agent } : {}), action, snapshots: group.map(refOf) }),
          this.context.log,
        );
        if (entry) for (const loss of group) seqs.set(loss, entry.seq);
      }
      this.review.addLosses(listed.map((loss) => ({
        path: files.abs(loss.rel),
        workspaceRoot: files.root,
        how: loss.how,
        time: loss.at,
        ...(loss.snapshot ? { snapshot: { hash: loss.snapshot.id, size: loss.snapshot.size } } : {}),
        ...(seqs.has(loss) ? { seq: seqs.get(loss)! } : {}),
      })));
      this.warnUnkept(listed.filter((l) => !l.snapshot && l.problem !== undefined && l.problem !== 'never-kept'));
      const alarm = this.detect(files, losses);
      // Not awaited: the warning waits for a click, and later losses must still be recorded meanwhile.
      if (alarm) void this.raise(files, alarm);
    }
  }

  /**
   * A copy that should have been kept and was not (too large, a full or read-only disk, the time budget)
   * is said at once: the person may still be able to undo the delete by other means.
   */
  private warnUnkept(unkept: readonly Loss[]): void {
    if (unkept.length === 0) return;
    const first = unkept[0]!;
    const what = unkept.length === 1 ? first.rel : `${unkept.length} files`;
    void vscode.window.showWarningMessage(
      `Airlock: no copy of ${what} could be kept before the delete (${first.rel}: ${first.problem}). The Files view lists ${unkept.length === 1 ? 'it' : 'them'} as lost without a copy.`,
      'Show Log',
    ).then((choice) => choice && this.context.log.show());
  }

  private detect(files: WorkspaceFiles, losses: readonly Loss[]): MassLossAlarm | undefined {
    const { fileCount, windowSeconds } = files.folder.settings.massLoss;
    const key = `${fileCount}/${windowSeconds}`;
    let entry = this.detectors.get(files.root);
    if (!entry || entry.key !== key) this.detectors.set(files.root, (entry = { detector: new MassLossDetector({ fileCount, windowSeconds }), key }));
    let alarm: MassLossAlarm | undefined;
    for (const loss of losses) alarm = entry.detector.record({ path: loss.rel, kind: loss.how, at: loss.at }) ?? alarm;
    return alarm;
  }

  /** Records the alarm, then warns with the list and Restore all (not modal: work goes on). */
  private async raise(files: WorkspaceFiles, alarm: MassLossAlarm): Promise<void> {
    const rels = alarm.files.map((f) => f.path);
    const kept = rels.map((rel) => files.latestFor(rel)).filter((r): r is SnapshotRecord => r !== undefined);
    const agent = this.context.activity.activeAt(Date.now())?.agent;
    await files.record(fileEventRecord({
      time: new Date(alarm.firedAt), source: 'file', ...(agent ? { agent } : {}),
      action: { kind: 'fileEvent', event: 'mass-loss', path: files.root, files: rels, via: 'watcher' },
      snapshots: kept.map((r) => ({ path: r.path, id: r.id, size: r.size, after: null })),
    }), this.context.log);
    const seconds = Math.max(1, Math.round((alarm.firedAt - alarm.startedAt) / 1000));
    const names = rels.slice(0, 5).join(', ') + (rels.length > 5 ? `, and ${rels.length - 5} more` : '');
    this.lastAlarm = { files: rels.length, restorable: kept.length };
    this.context.log.warn(`mass loss: ${rels.length} files deleted or emptied within ${seconds} s: ${rels.join(', ')}`);
    const restoreAll = 'Restore all';
    const show = 'Show';
    const choice = await vscode.window.showWarningMessage(
      `Airlock: ${rels.length} files were deleted or emptied within ${seconds} s (${kept.length} can be restored): ${names}`,
      ...(kept.length > 0 ? [restoreAll] : []), show,
    );
    if (choice === show) this.actions.showFiles();
    if (choice !== restoreAll) return;
    // Everything lost in this burst so far, including files lost after the alarm fired.
    const since = alarm.startedAt - BATCH_MS;
    const burst = this.review.current().losses.filter((l) => l.workspaceRoot === files.root && l.restoredAt === undefined && l.snapshot && l.time >= since);
    await this.actions.restoreLosses(burst, 'mass-loss');
  }

  /** Restored files no longer count towards the burst in progress. */
  forget(files: WorkspaceFiles, rel: string): void {
    this.detectors.get(files.root)?.detector.forget(rel);
    files.noteBack(rel);
  }
}

/** SHA-256 of no bytes: what an emptied file holds. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function refOf(loss: Loss): LedgerSnapshotRef {
  const after = loss.how === 'emptied' ? EMPTY_SHA256 : null;
  return loss.snapshot
    ? { path: loss.rel, id: loss.snapshot.id, size: loss.snapshot.size, after }
    : { path: loss.rel, after, problem: loss.problem ?? 'never-kept' };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}
