import { existsSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { editDiff } from '../../core/files/editDiff';
import type { EditDiff } from '../../core/files/editDiff';
import { fileEventRecord } from '../../core/files/fileEvents';
import type { SnapshotRecord } from '../../core/snapshots/snapshotModel';
import type { GuardRequest } from '../../host/decisionService';
import { hashFile } from '../../host/snapshots/blobCopy';
import type { WillEvaluateRequest } from '../broker/brokerHost';
import { Disposable } from '../disposable';
import type { Baselines, FilesContext } from './filesContext';
import { isWatchedPath, RecentPaths } from './filePaths';
import { LedgerCache } from '../sidePanel/ledgerQuery';
import type { ReviewStore } from './reviewStore';
import type { WorkspaceFiles } from './workspaceStores';

/** Files larger than this are hashed, never read whole, and reviewed without a text diff. */
const MAX_DIFF_READ_BYTES = 512 * 1024;
/**
 * A checkout or a build run by the agent rewrites thousands of files at once: past this many files
 * written on disk within `FLOOD_WINDOW_MS`, the rest are not reviewed one by one (the log says so).
 */
const MAX_DISK_EDITS_PER_WINDOW = 100;
const FLOOD_WINDOW_MS = 10_000;

interface Baseline {
  /** The version before the agent's first edit; null for a file that did not exist. */
  readonly record: SnapshotRecord | null;
  /** When it was taken: a baseline from an earlier spell no longer applies (see `hasBaseline`). */
  readonly at: number;
}

/**
 * Edit review: while an agent is active (its hook calls are recent), every edit that reaches the
 * workspace, saved from an editor or written on disk by the agent's own tools, is recorded in the ledger
 * with its diff against the version before the agent's first edit, and listed for Keep or Restore.
 *
 * That earlier version comes from, in order: a copy taken when the agent's hook announced the write
 * (the broker tells this window before it answers), a copy of the disk content when an editor first
 * changed the file, the copy taken before a save, or the file's rolling copy (protected files). A file
 * with none of those is still listed, without a previous version to restore.
 */
export class EditReview extends Disposable implements Baselines {
  private readonly baselines = new Map<string, Baseline>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly queue = new Map<string, Promise<void>>();
  private readonly savedByEditor = new RecentPaths(2_000);
  private readonly ledgers = new Map<string, LedgerCache>();
  private flood = { start: 0, count: 0 };

  constructor(
    private readonly context: FilesContext,
    private readonly review: ReviewStore,
    brokerRequests: vscode.Event<WillEvaluateRequest>,
  ) {
    super();
    this.register(brokerRequests((event) => {
      const copied = this.hookCall(event.request);
      if (copied) event.waitUntil(copied);
    }));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) this.editorChanged(e.document);
    }));
    this.register(vscode.workspace.onDidSaveTextDocument((document) => this.saved(document)));
    // Hook calls the broker did not see (a CLI that decided alone, another window) are in the ledger.
    const ledger = this.register(vscode.workspace.createFileSystemWatcher('**/.airlock/ledger.jsonl'));
    this.register(ledger.onDidChange(() => this.readLedgers()));
    this.register(ledger.onDidCreate(() => this.readLedgers()));
    const first = setTimeout(() => this.readLedgers(), 500);
    this.register({ dispose: () => clearTimeout(first) });
  }

  noteBefore(file: string, _files: WorkspaceFiles, record: SnapshotRecord): void {
    if (!this.context.activity.activeAt(Date.now()) || this.hasBaseline(file)) return;
    this.baselines.set(file, { record, at: Date.now() });
  }

  /** The watcher saw a file written or created; `previous` is its newest copy before this event. */
  diskChanged(uri: vscode.Uri, previous: SnapshotRecord | undefined, created: boolean): void {
    const now = Date.now();
    if (!this.context.activity.activeAt(now) || this.context.selfWrites.has(uri.fsPath, now) || this.savedByEditor.has(uri.fsPath, now)) return;
    const files = this.context.workspaces.forUri(uri);
    // Airlock's own store and git's internals change on every event; they are never the agent's edits.
    if (!files || !isWatchedPath(files.rel(uri.fsPath)) || this.flooded(now, uri.fsPath)) return;
    this.enqueue(uri.fsPath, 'watcher', { previous, created });
  }

  private flooded(now: number, file: string): boolean {
    if (now - this.flood.start > FLOOD_WINDOW_MS) this.flood = { start: now, count: 0 };
    this.flood.count++;
    if (this.flood.count === MAX_DISK_EDITS_PER_WINDOW + 1) {
      this.context.log.warn(`more than ${MAX_DISK_EDITS_PER_WINDOW} files were written within ${FLOOD_WINDOW_MS / 1000} s while an agent was active (a checkout or a build?); ${file} and the rest of this burst are not listed for review`);
    }
    return this.flood.count > MAX_DISK_EDITS_PER_WINDOW;
  }

  /**
   * Whether the file has a version from before the agent's edits that still applies: one taken in this
   * spell, or one an edit still waiting for review was compared with. An older one (the agent announced
   * a write it never made, days ago) is dropped: the person may have changed the file since, and a
   * restore to it would undo their work unasked.
   */
  private hasBaseline(file: string): boolean {
    const baseline = this.baselines.get(file);
    if (!baseline) return false;
    const spell = this.context.activity.activeAt(Date.now());
    const waiting = this.review.current().edits.some((e) => e.path === file);
    if (waiting || (spell && baseline.at >= spell.since)) return true;
    this.baselines.delete(file);
    return false;
  }

  /** Keep: the edit stays, and the agent's next edit is compared with this version. */
  keep(file: string): void {
    this.baselines.delete(file);
  }

  /**
   * Notes the agent's activity; for a write or delete, copies the file first and returns the copy,
   * which the broker waits for before it answers, so the agent cannot change the file before the copy.
   */
  private hookCall(request: GuardRequest): Promise<void> | undefined {
    if (request.source !== 'agent-hook') return undefined;
    const now = Date.now();
    this.context.activity.noteHookCall({ agent: request.agent, at: now });
    const action = request.action as { kind: string; path?: unknown; cwd?: unknown };
    if ((action.kind !== 'fileWrite' && action.kind !== 'fileDelete') || typeof action.path !== 'string') return undefined;
    const file = path.resolve(typeof action.cwd === 'string' ? action.cwd : request.cwd, action.path);
    this.takeBaseline(file, 'hook');
    return this.pending.get(file);
  }

  private editorChanged(document: vscode.TextDocument): void {
    // A document reloaded because its file changed on disk is not dirty: that is not an editor edit,
    // and the disk already holds the new content.
    if (document.uri.scheme !== 'file' || !document.isDirty || !this.context.activity.activeAt(Date.now())) return;
    this.takeBaseline(document.uri.fsPath, 'will-save');
  }

  private saved(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file') return;
    const file = document.uri.fsPath;
    this.savedByEditor.mark(file, Date.now());
    // Outside an agent's spell a save is the person's own: an edit still waiting keeps its recorded
    // "after", so restoring it later asks before replacing this newer work.
    if (this.context.activity.activeAt(Date.now())) this.enqueue(file, 'editor');
  }

  /** Copies what is on disk now as the file's version before the agent's edits, once per review. */
  private takeBaseline(file: string, reason: 'hook' | 'will-save' | 'watcher'): void {
    if (this.hasBaseline(file) || this.pending.has(file)) return;
    const files = this.context.workspaces.forUri(vscode.Uri.file(file));
    if (!files || !isWatchedPath(files.rel(file))) return;
    if (!existsSync(file)) {
      this.baselines.set(file, { record: null, at: Date.now() });
      return;
    }
    const work = files.snapshotFile(file, reason).then((result) => {
      if (result.ok) this.baselines.set(file, { record: result.record, at: Date.now() });
      else this.context.log.warn(`no copy of ${result.path} before the agent's edit: ${result.error}`);
    }).finally(() => this.pending.delete(file));
    this.pending.set(file, work);
  }

  /** Edits of one file are recorded one after another, in the order they were seen. */
  private enqueue(file: string, via: 'editor' | 'watcher', seen?: { previous: SnapshotRecord | undefined; created: boolean }): void {
    const previous = this.queue.get(file) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (seen && !(await this.agentWrote(file, seen.previous, seen.created))) return;
      await this.recordEdit(file, via);
    }).catch((error: unknown) => {
      this.context.log.warn(`the edit of ${file} could not be recorded for review: ${String(error)}`);
    });
    this.queue.set(file, next);
    void next.finally(() => {
      if (this.queue.get(file) === next) this.queue.delete(file);
    });
  }

  /**
   * Whether a write the watcher reported happened during the agent's spell, choosing the version to
   * compare with on the way. Watcher events arrive late: a file written just before the agent's first
   * hook call can be reported after it, and its content (older than the spell) is then the baseline,
   * not an edit. A file created during the spell had no earlier version.
   */
  private async agentWrote(file: string, previous: SnapshotRecord | undefined, created: boolean): Promise<boolean> {
    const info = await lstat(file).catch(() => undefined);
    const spell = this.context.activity.activeAt(Date.now());
    if (!info?.isFile() || !spell) return false;
    if (info.mtimeMs < spell.since) {
      this.takeBaseline(file, 'watcher');
      return false;
    }
    if (!this.hasBaseline(file) && !this.pending.has(file)) {
      if (created) this.baselines.set(file, { record: null, at: Date.now() });
      else if (previous) this.baselines.set(file, { record: previous, at: Date.now() });
    }
    return true;
  }

  private async recordEdit(file: string, via: 'editor' | 'watcher'): Promise<void> {
    await this.pending.get(file);
    const files = this.context.workspaces.forUri(vscode.Uri.file(file));
    if (!files) return;
    const rel = files.rel(file);
    if (!isWatchedPath(rel)) return;
    const info = await lstat(file).catch(() => undefined);
    // Gone again, or a link (never followed): deletes are the loss tracker's.
    if (!info?.isFile()) return;
    const after = await hashFile(file, true);
    const baseline = this.hasBaseline(file) ? this.baselines.get(file) : undefined;
    const before = baseline?.record ?? undefined;
    const waiting = this.review.current().edits.find((e) => e.path === file);
    // The same write reported twice (a folder walked after its files were reported): nothing new.
    if (waiting && waiting.after.hash === after.hash) return;
    if (before && before.id === after.hash) {
      // The agent put the file back as it was: nothing is left to review.
      if (waiting) this.review.removeEdit(waiting.id);
      return;
    }
    const diff = await this.diffOf(files, rel, file, before, baseline?.record === null, after.size);
    const activity = this.context.activity.activeAt(Date.now());
    const textDiff = diff.kind === 'text';
    const entry = await files.record(fileEventRecord({
      time: new Date(), source: 'file', ...(activity?.agent ? { agent: activity.agent } : {}),
      action: { kind: 'fileEvent', event: 'edit', path: file, via, ...(diff.kind === 'text' ? { diff: diff.unified } : {}) },
      snapshots: [before
        ? { path: rel, id: before.id, size: before.size, after: after.hash }
        : { path: rel, after: after.hash, problem: baseline?.record === null ? 'new-file' : 'never-kept' }],
    }), this.context.log);
    this.review.addEdit({
      path: file,
      workspaceRoot: files.root,
      ...(activity?.agent ? { agent: activity.agent } : {}),
      time: Date.now(),
      ...(before ? { before: { hash: before.id, size: before.size } } : {}),
      after: { hash: after.hash, size: after.size },
      added: textDiff ? diff.added : 0,
      removed: textDiff ? diff.removed : 0,
      textDiff: textDiff || diff.kind === 'unchanged',
      ...(entry ? { seq: entry.seq } : {}),
    });
  }

  /** The diff against the earlier version, reading neither side when it is binary or too large. */
  private async diffOf(files: WorkspaceFiles, rel: string, file: string, before: SnapshotRecord | undefined, created: boolean, afterSize: number): Promise<EditDiff> {
    if (!before && !created) return { kind: 'too-different' };
    if (before?.binary) return { kind: 'binary' };
    if ((before?.size ?? 0) > MAX_DIFF_READ_BYTES || afterSize > MAX_DIFF_READ_BYTES) {
      return { kind: 'too-large', oldBytes: before?.size ?? 0, newBytes: afterSize };
    }
    const [old, now] = await Promise.all([before ? files.store.read(before.id) : Promise.resolve(undefined), readFile(file)]);
    return editDiff(rel, old, now, { maxBytes: MAX_DIFF_READ_BYTES });
  }

  private readLedgers(): void {
    for (const files of this.context.workspaces.all()) {
      let cache = this.ledgers.get(files.root);
      if (!cache) this.ledgers.set(files.root, (cache = new LedgerCache(files.root)));
      const entries = cache.read();
      // Only the newest matter; walk back until the entries are older than any review window.
      for (let i = entries.length - 1; i >= 0 && i >= entries.length - 200; i--) {
        const entry = entries[i]!;
        if (entry.source === 'agent-hook') {
          this.context.activity.noteHookCall({ agent: entry.agent, at: Date.parse(entry.time) });
          break;
        }
      }
    }
  }
}
