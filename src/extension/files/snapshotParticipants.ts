import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SnapshotResult } from '../../core/snapshots/snapshotModel';
import { Disposable } from '../disposable';
import type { FilesContext } from './filesContext';
import { isWatchedPath } from './filePaths';
import type { WorkspaceFiles } from './workspaceStores';

/** A delete or rename may wait this long for its copies: far below `files.participants.timeout`. */
const MOVE_BUDGET_MS = 20_000;
/**
 * Save participants share a 1.5 s budget, and VS Code ignores a listener that overruns it three times;
 * a copy not done in time is left unfinished (and reported `deadline`) rather than delay the save.
 */
const SAVE_BUDGET_MS = 1_000;

/** What the will-phase kept of one file or folder, for the ledger once the delete has happened. */
export interface KeptBeforeDelete {
  readonly files: WorkspaceFiles;
  readonly path: string;
  readonly folder: boolean;
  readonly results: readonly SnapshotResult[];
  readonly complete: boolean;
}

export interface DeleteListener {
  /** Told after the editor deleted files, with what was kept of each beforehand. */
  editorDeleted(kept: readonly KeptBeforeDelete[]): void;
}

/**
 * The editor's own file operations: `onWillDeleteFiles` and `onWillRenameFiles` delay the operation
 * (they cannot stop it: a rejected `waitUntil` is logged and the delete goes on) until the protected
 * files, and every file of a deleted folder, are copied into the snapshot store; `onWillSaveTextDocument`
 * keeps the content on disk a save is about to replace. Nothing here ever fails an operation.
 */
export class SnapshotParticipants extends Disposable {
  private readonly pendingDeletes = new Map<string, KeptBeforeDelete>();

  constructor(
    private readonly context: FilesContext,
    private readonly listener: DeleteListener,
  ) {
    super();
    this.register(vscode.workspace.onWillDeleteFiles((e) => e.waitUntil(this.beforeDelete(e.files))));
    this.register(vscode.workspace.onDidDeleteFiles((e) => this.afterDelete(e.files)));
    this.register(vscode.workspace.onWillRenameFiles((e) => e.waitUntil(this.beforeRename(e.files.map((f) => f.oldUri)))));
    this.register(vscode.workspace.onWillSaveTextDocument((e) => {
      if (this.wantsSaveSnapshot(e.document)) e.waitUntil(this.beforeSave(e.document));
    }));
  }

  private budget(): number {
    const timeout = vscode.workspace.getConfiguration('files').get<number>('participants.timeout', 60_000);
    return timeout > 0 ? Math.min(MOVE_BUDGET_MS, Math.floor(timeout / 3)) : MOVE_BUDGET_MS;
  }

  /**
   * A workspace file the editor is about to delete or move, marked so the watcher's report of the same
   * path is not taken for a second loss; undefined when it is not watched or already gone.
   */
  private async watchedBeforeEditor(uri: vscode.Uri): Promise<{ files: WorkspaceFiles; info: Stats } | undefined> {
    const files = this.context.workspaces.forUri(uri);
    if (!files || !isWatchedPath(files.rel(uri.fsPath))) return undefined;
    this.context.editorDeletes.mark(uri.fsPath, Date.now());
    const info = await lstat(uri.fsPath).catch(() => undefined);
    return info ? { files, info } : undefined;
  }

  private async beforeDelete(uris: readonly vscode.Uri[]): Promise<void> {
    const deadline = Date.now() + this.budget();
    const agent = this.context.activity.activeAt(Date.now());
    for (const uri of uris) {
      try {
        // The watcher will report this delete too; the editor's record (with its copies) is the one kept.
        const watched = await this.watchedBeforeEditor(uri);
        if (!watched) continue;
        const { files, info } = watched;
        let kept: KeptBeforeDelete;
        // Deleting a link loses no content: its target stays where it is (and is never followed).
        if (info.isSymbolicLink()) continue;
        if (info.isDirectory()) {
          const tree = await files.snapshotTree(uri.fsPath, 'will-delete', {
            deadline,
            // Installed dependencies come back with an install; copying them would eat the whole budget.
            skip: (rel, isFolder) => isFolder && path.posix.basename(rel) === 'node_modules',
          });
          kept = { files, path: uri.fsPath, folder: true, results: tree.results, complete: tree.complete };
        } else if (files.folder.isProtected(uri.fsPath) || agent) {
          kept = { files, path: uri.fsPath, folder: false, results: [await files.snapshotFile(uri.fsPath, 'will-delete', deadline)], complete: true };
        } else {
          kept = { files, path: uri.fsPath, folder: false, results: [], complete: true };
        }
        this.pendingDeletes.set(uri.fsPath, kept);
        this.logProblems(kept.results, 'before a delete');
        if (!kept.complete) this.context.log.warn(`the copy of ${uri.fsPath} before its delete was cut short by the time budget; some files were not kept`);
      } catch (error) {
        this.context.log.warn(`snapshot before deleting ${uri.fsPath} failed: ${String(error)}`);
      }
    }
  }

  private afterDelete(uris: readonly vscode.Uri[]): void {
    const kept = uris.flatMap((uri) => {
      const entry = this.pendingDeletes.get(uri.fsPath);
      this.pendingDeletes.delete(uri.fsPath);
      return entry ? [entry] : [];
    });
    // A cancelled delete never reaches here; its copies stay in the store and expire with retention.
    if (this.pendingDeletes.size > 1000) this.pendingDeletes.clear();
    if (kept.length > 0) this.listener.editorDeleted(kept);
  }

  private async beforeRename(uris: readonly vscode.Uri[]): Promise<void> {
    const deadline = Date.now() + this.budget();
    for (const uri of uris) {
      try {
        // The watcher sees the old path go; that is a move, not a loss.
        const watched = await this.watchedBeforeEditor(uri);
        if (!watched) continue;
        const { files, info } = watched;
        // A move loses nothing by itself, but protected files keep a copy under their old name so a
        // move that overwrites or is followed by a delete can still be undone.
        const results = info.isDirectory()
          ? (await files.snapshotTree(uri.fsPath, 'will-rename', {
              deadline,
              skip: (rel, isFolder) => (isFolder ? path.posix.basename(rel) === 'node_modules' : !files.folder.isProtected(files.abs(rel))),
            })).results
          : files.folder.isProtected(uri.fsPath) ? [await files.snapshotFile(uri.fsPath, 'will-rename', deadline)] : [];
        this.logProblems(results, 'before a rename');
      } catch (error) {
        this.context.log.warn(`snapshot before renaming ${uri.fsPath} failed: ${String(error)}`);
      }
    }
  }

  private wantsSaveSnapshot(document: vscode.TextDocument): boolean {
    if (document.uri.scheme !== 'file') return false;
    const files = this.context.workspaces.forUri(document.uri);
    if (!files || !isWatchedPath(files.rel(document.uri.fsPath))) return false;
    return files.folder.isProtected(document.uri.fsPath) || this.context.activity.activeAt(Date.now()) !== undefined;
  }

  /** Keeps what is on disk before a save replaces it; resolves within the budget whatever happens. */
  private beforeSave(document: vscode.TextDocument): Promise<void> {
    const started = Date.now();
    const work = (async (): Promise<void> => {
      const file = document.uri.fsPath;
      const files = this.context.workspaces.forUri(document.uri);
      if (!files) return;
      const info = await lstat(file).catch(() => undefined);
      if (!info?.isFile()) return;
      const rel = files.rel(file);
      const latest = files.latestFor(rel);
      // Already kept: the newest copy has this size and the file has not changed since it was taken.
      const kept = latest && latest.size === info.size && info.mtimeMs <= Date.parse(latest.takenAt) ? latest : undefined;
      const record = kept ?? (await (async () => {
        const result = await files.snapshotFile(file, 'will-save', started + SAVE_BUDGET_MS);
        this.logProblems([result], 'before a save');
        return result.ok ? result.record : undefined;
      })());
      if (record) this.context.baselines.noteBefore(file, files, record);
    })().catch((error: unknown) => this.context.log.warn(`snapshot before saving ${document.uri.fsPath} failed: ${String(error)}`));
    // The copy may go on in the background, but the save never waits past the budget.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, SAVE_BUDGET_MS + 100)));
    return Promise.race([work, budget]).finally(() => clearTimeout(timer));
  }

  private logProblems(results: readonly SnapshotResult[], when: string): void {
    const failures = results.filter((r): r is Extract<SnapshotResult, { ok: false }> => !r.ok);
    for (const failure of failures.slice(0, 20)) this.context.log.warn(`not kept ${when}: ${failure.error}`);
    if (failures.length > 20) this.context.log.warn(`and ${failures.length - 20} more files not kept ${when}`);
  }
}
