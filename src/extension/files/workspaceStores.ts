import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { LedgerEntry, LedgerRecord } from '../../core/ledger/entry';
import { latestByPath } from '../../core/snapshots/snapshotModel';
import type { SnapshotReason, SnapshotRecord, SnapshotResult, TreeSnapshotResult } from '../../core/snapshots/snapshotModel';
import { LedgerStore } from '../../host/ledger/ledgerStore';
import { SnapshotStore } from '../../host/snapshots/snapshotStore';
import type { FileSettings, FolderSettings } from './fileSettings';

/**
 * One workspace's snapshot store and ledger, with the newest snapshot of each path kept in memory: the
 * watcher asks "is there a copy of this?" for every delete, and reading the index each time would cost
 * a file read per event. Every snapshot this window takes goes through here, so the map stays current.
 */
export class WorkspaceFiles {
  readonly store: SnapshotStore;
  readonly ledger: LedgerStore;
  private latest: Map<string, SnapshotRecord> | undefined;

  /** @param gone paths known to be gone, shared by every `WorkspaceFiles` of this root (settings change). */
  constructor(readonly folder: FolderSettings, log: { warn(message: string): void }, private readonly gone: Set<string> = new Set()) {
    const { snapshots } = folder.settings;
    const onWarning = (message: string): void => log.warn(message);
    this.ledger = new LedgerStore(folder.workspaceRoot, { onWarning });
    this.store = new SnapshotStore(folder.workspaceRoot, {
      maxFileBytes: snapshots.maxFileBytes,
      maxTotalBytes: snapshots.maxTotalBytes,
      maxAgeDays: snapshots.maxAgeDays,
      ledger: this.ledger,
    });
  }

  get root(): string {
    return this.store.workspaceRoot;
  }

  /** Workspace-relative `/` path of an absolute one (as the store and the ledger name files). */
  rel(file: string): string {
    return this.store.relOf(file);
  }

  abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  /** The newest snapshot of a workspace-relative path. */
  latestFor(rel: string): SnapshotRecord | undefined {
    return this.latestMap().get(rel);
  }

  /**
   * The newest snapshot of every path at or under a workspace-relative path that is not already known
   * to be gone: what a delete of that path, seen after the fact, took away.
   */
  latestUnder(relFolder: string): SnapshotRecord[] {
    const prefix = `${relFolder}/`;
    return this.allLatest().filter((r) => (r.path === relFolder || r.path.startsWith(prefix)) && !this.gone.has(r.path));
  }

  /** The record of a path's snapshot with that content (blobs are shared by equal content, records are not). */
  recordOf(rel: string, id: string): SnapshotRecord | undefined {
    const latest = this.latestFor(rel);
    if (latest?.id === id) return latest;
    return this.store.list({ path: rel, id }).pop();
  }

  allLatest(): SnapshotRecord[] {
    return [...this.latestMap().values()];
  }

  /** A path whose loss was recorded (or that was missing at the scan): not reported lost again. */
  noteGone(rel: string): void {
    this.gone.add(rel);
  }

  /** A path that exists again. */
  noteBack(rel: string): void {
    this.gone.delete(rel);
  }

  async snapshotFile(file: string, reason: SnapshotReason, deadline?: number): Promise<SnapshotResult> {
    const result = await this.store.snapshotFile(file, reason, deadline !== undefined ? { deadline } : {});
    if (result.ok) this.latestMap().set(result.record.path, result.record);
    return result;
  }

  async snapshotTree(
    dir: string,
    reason: SnapshotReason,
    options: { deadline?: number; skip?: (rel: string, isFolder: boolean) => boolean },
  ): Promise<TreeSnapshotResult> {
    const tree = await this.store.snapshotTree(dir, reason, options);
    for (const result of tree.results) if (result.ok) this.latestMap().set(result.record.path, result.record);
    return tree;
  }

  /** Appends to this workspace's chained ledger; never throws (file events are recorded, not decided). */
  async record(record: LedgerRecord, log: { warn(message: string): void }): Promise<LedgerEntry | undefined> {
    try {
      return await this.ledger.append(record);
    } catch (error) {
      log.warn(`a file event could not be recorded in the ledger of ${this.root}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Forgets the cached index, so the next question reads it again (a restore or the CLI changed it). */
  reload(): void {
    this.latest = undefined;
  }

  private latestMap(): Map<string, SnapshotRecord> {
    this.latest ??= latestByPath(this.store.list());
    return this.latest;
  }
}

/**
 * The `WorkspaceFiles` of each open folder, rebuilt when the settings (and so the limits) change:
 * `FileSettings` hands out a new `FolderSettings` object after every change.
 */
export class WorkspaceFilesRegistry {
  private readonly byRoot = new Map<string, WorkspaceFiles>();
  private readonly goneByRoot = new Map<string, Set<string>>();

  constructor(
    private readonly settings: FileSettings,
    private readonly log: { warn(message: string): void },
  ) {}

  /** The folder holding `uri`, unless it is outside every folder or its file guard is switched off. */
  forUri(uri: vscode.Uri): WorkspaceFiles | undefined {
    const folder = this.settings.forUri(uri);
    return folder && guarded(folder) ? this.forFolder(folder) : undefined;
  }

  forRoot(root: string): WorkspaceFiles | undefined {
    const folder = this.settings.folders().find((f) => f.workspaceRoot === root || f.folder.uri.fsPath === root);
    return folder ? this.forFolder(folder) : undefined;
  }

  /** Every guarded folder. */
  all(): WorkspaceFiles[] {
    return this.settings.folders().filter(guarded).map((f) => this.forFolder(f));
  }

  private forFolder(folder: FolderSettings): WorkspaceFiles {
    let files = this.byRoot.get(folder.workspaceRoot);
    if (!files || files.folder !== folder) {
      let gone = this.goneByRoot.get(folder.workspaceRoot);
      if (!gone) this.goneByRoot.set(folder.workspaceRoot, (gone = new Set()));
      files = new WorkspaceFiles(folder, this.log, gone);
      this.byRoot.set(folder.workspaceRoot, files);
    }
    return files;
  }
}

/** `airlock.enabled` and `airlock.guards.files` switch the file safety net off; restores still work. */
function guarded(folder: FolderSettings): boolean {
  return folder.settings.enabled && folder.settings.guards.files;
}
