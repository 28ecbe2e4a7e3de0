import type * as vscode from 'vscode';
import type { SnapshotRecord } from '../../core/snapshots/snapshotModel';
import type { AgentActivity } from './agentActivity';
import type { FileSettings } from './fileSettings';
import type { RecentPaths } from './filePaths';
import type { WorkspaceFiles, WorkspaceFilesRegistry } from './workspaceStores';

/** The version of a file before an agent's first edit in this review, by absolute path. */
export interface Baselines {
  /** Keeps `record` as the file's version before the agent's edits, unless one is already kept. */
  noteBefore(file: string, files: WorkspaceFiles, record: SnapshotRecord): void;
}

/** What the parts of the file safety net share; built once by `FileSafety`. */
export interface FilesContext {
  readonly settings: FileSettings;
  readonly workspaces: WorkspaceFilesRegistry;
  readonly activity: AgentActivity;
  readonly baselines: Baselines;
  readonly log: vscode.LogOutputChannel;
  /** Absolute paths this window just wrote (restores): the watcher's events for them are not news. */
  readonly selfWrites: RecentPaths;
  /** Absolute paths the editor just deleted: recorded with their copies by the participants. */
  readonly editorDeletes: RecentPaths;
}
