import { existsSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { FilesContext } from './filesContext';
import { isWatchedPath } from './filePaths';
import type { WorkspaceFiles } from './workspaceStores';

/** The activation scan copies at most this many protected files; the watcher keeps the rest current. */
const MAX_SCAN_FILES = 2_000;
/** Waits after activation, so the scan does not compete with the window starting. */
const SCAN_DELAY_MS = 1_500;
/** A file written many times a second is copied once it settles. */
const SETTLE_MS = 300;
const SCAN_EXCLUDE = '{**/node_modules/**,**/.git/**,**/.airlock/**}';

/**
 * Rolling snapshots: every protected file keeps a copy of its current content, taken at activation
 * (bounded) and again whenever it is created or changed. A terminal `rm` or a script gives the editor no
 * warning, so only a copy taken earlier can bring such a file back.
 */
export class RollingSnapshots extends Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private scanning: Promise<void> | undefined;
  /** Resolves once the first scan is done (tests wait on it). */
  readonly firstScan: Promise<void>;

  constructor(private readonly context: FilesContext) {
    super();
    this.register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
    let startTimer: ReturnType<typeof setTimeout> | undefined;
    this.firstScan = new Promise<void>((resolve) => {
      startTimer = setTimeout(() => void this.scan().finally(resolve), SCAN_DELAY_MS);
    });
    this.register({ dispose: () => clearTimeout(startTimer) });
    this.register(context.settings.onDidChange(() => void this.scan()));
  }

  /** A file was created or changed on disk (or saved): copy it once it settles, if it is protected. */
  changed(uri: vscode.Uri): void {
    const files = this.context.workspaces.forUri(uri);
    if (!files || !isWatchedPath(files.rel(uri.fsPath)) || !files.folder.isProtected(uri.fsPath)) return;
    const key = uri.fsPath;
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.keep(files, uri.fsPath);
    }, SETTLE_MS));
  }

  /** Copies every protected file whose newest copy is missing or older than the file; bounded. */
  scan(): Promise<void> {
    this.scanning ??= this.scanAll().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scanAll(): Promise<void> {
    let budget = MAX_SCAN_FILES;
    for (const files of this.context.workspaces.all()) {
      const seen = new Set<string>();
      for (const glob of files.folder.settings.protectedPaths) {
        if (budget <= 0) break;
        // Absolute globs name places outside the folder, which are not this folder's files.
        if (glob.startsWith('/') || /^[A-Za-z]:/.test(glob)) continue;
        const pattern = new vscode.RelativePattern(files.folder.folder, glob.includes('/') ? glob : `**/${glob}`);
        const found = await vscode.workspace.findFiles(pattern, SCAN_EXCLUDE, budget);
        for (const uri of found) {
          if (seen.has(uri.fsPath)) continue;
          seen.add(uri.fsPath);
          budget--;
          if (isWatchedPath(files.rel(uri.fsPath))) await this.keep(files, uri.fsPath);
        }
      }
      this.noteGone(files);
      if (budget <= 0) this.context.log.warn(`the protected-file scan stopped at ${MAX_SCAN_FILES} files; later changes to the rest are still copied`);
    }
  }

  /** Copies a file if its newest copy is not its current content (by size and time). */
  private async keep(files: WorkspaceFiles, file: string): Promise<void> {
    try {
      const info = await lstat(file).catch(() => undefined);
      if (!info?.isFile()) return;
      const latest = files.latestFor(files.rel(file));
      if (latest && latest.size === info.size && info.mtimeMs <= Date.parse(latest.takenAt)) return;
      const result = await files.snapshotFile(file, 'rolling');
      if (!result.ok && result.code !== 'not-found') this.context.log.warn(`no rolling copy of ${result.path}: ${result.error}`);
    } catch (error) {
      this.context.log.warn(`no rolling copy of ${file}: ${String(error)}`);
    }
  }

  /**
   * Paths whose copies outlived the file before this window started are already gone: a later delete
   * of their folder must not report them lost again.
   */
  private noteGone(files: WorkspaceFiles): void {
    for (const record of files.allLatest().slice(0, 20_000)) {
      if (!existsSync(files.abs(record.path))) files.noteGone(record.path);
    }
  }
}
