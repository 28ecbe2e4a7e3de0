import { lstat } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { LedgerEntry } from '../../core/ledger/entry';
import type { SnapshotRecord } from '../../core/snapshots/snapshotModel';
import type { WillEvaluateRequest } from '../broker/brokerHost';
import { Disposable } from '../disposable';
import { AgentActivity } from './agentActivity';
import { filesUnder } from './diskWalk';
import { EditReview } from './editReview';
import { FileCommands } from './fileCommands';
import type { CommandOutcome, FileActions } from './fileCommands';
import { RecentPaths } from './filePaths';
import type { Baselines, FilesContext } from './filesContext';
import { FileSettings } from './fileSettings';
import { FILES_VIEW_ID, FilesView } from './filesView';
import { EMPTY_SHA256, LossTracker } from './lossTracker';
import type { RecordedLoss, ReviewedEdit, ReviewState } from './reviewModel';
import { ReviewStore } from './reviewStore';
import { restoreFiles, summaryText } from './restoreFlow';
import type { RestoreSummary, RestoreTarget } from './restoreFlow';
import { RollingSnapshots } from './rollingSnapshots';
import { SnapshotDocuments } from './snapshotDocuments';
import { SnapshotParticipants } from './snapshotParticipants';
import { SnapshotRetention } from './snapshotRetention';
import { WorkspaceFilesRegistry } from './workspaceStores';
import type { WorkspaceFiles } from './workspaceStores';

/** A new folder's files are looked at one by one up to this many (a clone or an unpacked archive is larger). */
const MAX_NEW_FOLDER_FILES = 2_000;

/**
 * The file safety net (issue #9): snapshots before the editor deletes, moves or saves protected files,
 * rolling copies so deletes from outside the editor can be undone, losses and the mass-loss alarm,
 * review of agents' edits, restore, and the Files view. One owner, registered by `AirlockExtension`.
 */
export class FileSafety extends Disposable implements FileActions {
  private readonly context: FilesContext;
  private readonly review: ReviewStore;
  private readonly losses: LossTracker;
  private readonly edits: EditReview;
  readonly rolling: RollingSnapshots;
  readonly view: FilesView;

  constructor(extension: vscode.ExtensionContext, log: vscode.LogOutputChannel, brokerRequests: vscode.Event<WillEvaluateRequest>) {
    super();
    const settings = this.register(new FileSettings(log));
    const workspaces = new WorkspaceFilesRegistry(settings, log);
    // The longest review window of the open folders: a workspace may lengthen it, never shorten it.
    const windowMs = (): number => Math.max(0, ...settings.folders().map((f) => f.settings.editReview.activeMinutes)) * 60_000;
    // Built after the context that needs it; calls before that find no baseline keeper and do nothing.
    const later: { baselines?: Baselines } = {};
    this.context = {
      settings, workspaces, log,
      activity: new AgentActivity(windowMs),
      baselines: { noteBefore: (file, files, record) => later.baselines?.noteBefore(file, files, record) },
      selfWrites: new RecentPaths(3_000),
      editorDeletes: new RecentPaths(5_000),
    };
    this.review = this.register(new ReviewStore(extension.workspaceState));
    this.edits = this.register(new EditReview(this.context, this.review, brokerRequests));
    later.baselines = this.edits;
    this.losses = this.register(new LossTracker(this.context, this.review, {
      restoreLosses: async (losses, via) => void (await this.restoreLosses(losses, via)),
      showFiles: () => void vscode.commands.executeCommand(`${FILES_VIEW_ID}.focus`),
    }));
    this.register(new SnapshotParticipants(this.context, this.losses));
    this.rolling = this.register(new RollingSnapshots(this.context));
    this.register(new SnapshotRetention(this.context, () => this.review.current()));
    this.watchDisk();
    this.register(new SnapshotDocuments(workspaces));
    this.view = this.register(new FilesView({
      onDidChange: (listener) => vscode.Disposable.from(this.review.onDidChange(listener), settings.onDidChange(listener)),
      review: () => this.review.current(),
      protectedGlobs: () => settings.folders().map((f) => ({ folder: f.folder.uri.fsPath, globs: f.settings.protectedPaths })),
    }));
    this.register(new FileCommands(this));
  }

  /** One watcher for the whole workspace feeds losses, edit review and rolling copies, in that order. */
  private watchDisk(): void {
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/*'));
    const latest = (uri: vscode.Uri): SnapshotRecord | undefined => {
      const files = this.context.workspaces.forUri(uri);
      return files?.latestFor(files.rel(uri.fsPath));
    };
    this.register(watcher.onDidDelete((uri) => this.losses.deleted(uri)));
    const created = (uri: vscode.Uri): void => {
      this.losses.created(uri);
      this.edits.diskChanged(uri, undefined, true);
      this.rolling.changed(uri);
    };
    this.register(watcher.onDidCreate((uri) => {
      created(uri);
      // A new folder may be reported without the files written into it at once: walk it.
      void lstat(uri.fsPath).then(async (info) => {
        if (!info.isDirectory() || !this.context.workspaces.forUri(uri)) return;
        for (const file of await filesUnder(uri.fsPath, MAX_NEW_FOLDER_FILES)) created(vscode.Uri.file(file));
      }, () => undefined);
    }));
    this.register(watcher.onDidChange((uri) => {
      // The newest copy before this change: the emptied-file check and the review compare with it,
      // and the rolling copy taken next replaces it.
      const previous = latest(uri);
      this.losses.changed(uri);
      this.edits.diskChanged(uri, previous, false);
      this.rolling.changed(uri);
    }));
    this.register(vscode.workspace.onDidSaveTextDocument((document) => this.rolling.changed(document.uri)));
  }

  /** The review list as the Files view shows it. */
  reviewState(): ReviewState {
    return this.review.current();
  }

  /** The last mass-loss alarm raised in this window: how many files, how many restorable. */
  get lastAlarm(): { readonly files: number; readonly restorable: number } | undefined {
    return this.losses.lastAlarm;
  }

  edit(id: string): ReviewedEdit | undefined {
    return this.review.edit(id);
  }

  loss(id: string): RecordedLoss | undefined {
    return this.review.loss(id);
  }

  restorableLosses(): readonly RecordedLoss[] {
    return this.review.current().losses.filter((l) => l.snapshot && l.restoredAt === undefined);
  }

  keepEdit(edit: ReviewedEdit): void {
    this.edits.keep(edit.path);
    this.review.removeEdit(edit.id);
  }

  async restoreEdit(edit: ReviewedEdit): Promise<CommandOutcome> {
    const files = this.context.workspaces.forRoot(edit.workspaceRoot);
    const record = files && edit.before ? files.recordOf(files.rel(edit.path), edit.before.hash) : undefined;
    if (!files || !record) {
      void vscode.window.showWarningMessage(`Airlock: no earlier version of ${edit.path} was kept, so there is nothing to restore.`);
      return { restored: 0, skipped: 0, failed: 1 };
    }
    const summary = await this.restore([{ files, record, expectedCurrentHash: edit.after.hash }], 'edit-review');
    if (summary.restored.length > 0) {
      this.edits.keep(edit.path);
      this.review.removeEdit(edit.id);
    }
    return counts(summary);
  }

  async restoreLosses(losses: readonly RecordedLoss[], via: string): Promise<CommandOutcome> {
    const targets: (RestoreTarget & { loss: RecordedLoss })[] = [];
    for (const loss of losses) {
      const files = this.context.workspaces.forRoot(loss.workspaceRoot);
      const record = files && loss.snapshot ? files.recordOf(files.rel(loss.path), loss.snapshot.hash) : undefined;
      // A deleted file must still be absent, an emptied one still empty: anything else is newer work.
      if (files && record) targets.push({ files, record, loss, expectedCurrentHash: loss.how === 'deleted' ? EXPECT_NOTHING : EMPTY_SHA256 });
    }
    const summary = await this.restore(targets, via);
    for (const { target } of summary.restored) {
      const { loss, files, record } = target as RestoreTarget & { loss: RecordedLoss };
      this.review.markRestored(loss.id, Date.now());
      this.losses.forget(files, record.path);
    }
    return counts(summary);
  }

  /**
   * Restores what a ledger entry kept of one file (the side panel's Restore). `after` is what the
   * entry says the action left there: a file still holding exactly that is replaced without asking.
   */
  async restoreFromLedger(workspace: string, entry: LedgerEntry, rel: string): Promise<CommandOutcome> {
    const ref = entry.snapshots?.find((r) => r.path === rel && r.id !== undefined);
    const files = this.context.workspaces.forRoot(workspace) ?? this.context.workspaces.all()[0];
    const record = ref?.id && files ? files.recordOf(rel, ref.id) : undefined;
    if (!files || !record) {
      void vscode.window.showWarningMessage(`Airlock: entry #${entry.seq} kept no copy of ${rel} that is still in the store.`);
      return { restored: 0, skipped: 0, failed: 1 };
    }
    // What the entry left there may be replaced without asking: its content, or nothing after a delete.
    const expected = ref?.after === undefined ? {} : { expectedCurrentHash: ref.after ?? EXPECT_NOTHING };
    const summary = await this.restore([{ files, record, ...expected }], 'side-panel');
    for (const loss of this.review.current().losses) {
      if (summary.restored.length > 0 && loss.path === files.abs(rel) && loss.restoredAt === undefined) this.review.markRestored(loss.id, Date.now());
    }
    if (summary.restored.length > 0) this.losses.forget(files, rel);
    return counts(summary);
  }

  private async restore(targets: readonly RestoreTarget[], via: string): Promise<RestoreSummary> {
    const summary = await restoreFiles(targets, via, { selfWrites: this.context.selfWrites, log: this.context.log });
    const text = summaryText(summary);
    if (summary.failed.length > 0) {
      void vscode.window.showErrorMessage(text, 'Show Log').then((choice) => choice && this.context.log.show());
    } else {
      void vscode.window.showInformationMessage(text);
    }
    return summary;
  }

  /** The store and ledger of a folder, for tests and the side panel. */
  workspaceFiles(uri: vscode.Uri): WorkspaceFiles | undefined {
    return this.context.workspaces.forUri(uri);
  }
}

/**
 * No file holds this "hash": passed as what the target may hold, it makes any file there newer work
 * (the store's successor rule would otherwise let a rolling copy of newer work count as replaceable).
 * `airlock restore` uses the same convention.
 */
const EXPECT_NOTHING = 'nothing: the file was deleted';

function counts(summary: RestoreSummary): CommandOutcome {
  return { restored: summary.restored.length, skipped: summary.skipped.length, failed: summary.failed.length };
}
