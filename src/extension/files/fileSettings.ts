import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProtectedPaths } from '../../core/files/protectedPaths';
import type { AirlockSettings } from '../../core/settings/settings';
import { loadWorkspacePolicy } from '../../host/policyLoader';
import { workspaceLayers } from '../broker/workspaceLayers';
import { Disposable } from '../disposable';

/** The settings in force for one workspace folder, as the broker would decide with them. */
export interface FolderSettings {
  readonly folder: vscode.WorkspaceFolder;
  /** Where the ledger and the snapshot store of this folder live (its git top level, or itself). */
  readonly workspaceRoot: string;
  readonly settings: AirlockSettings;
  /** Whether a protected-path glob covers an absolute path (globs compiled once per settings change). */
  isProtected(file: string): boolean;
}

/**
 * The effective file settings of each open folder: the user's values tightened by the workspace's
 * settings and `.airlock/policy.json` (the same resolution the broker uses, so the side panel lists the
 * globs that are really in force). Read once per folder and again when a setting or the policy changes.
 */
export class FileSettings extends Disposable {
  private readonly cache = new Map<string, FolderSettings>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: { warn(message: string): void }) {
    super();
    const reset = (): void => {
      this.cache.clear();
      this.changed.fire();
    };
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('airlock') && reset()));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(reset));
    const policy = this.register(vscode.workspace.createFileSystemWatcher('**/.airlock/policy.json'));
    this.register(policy.onDidChange(reset));
    this.register(policy.onDidCreate(reset));
    this.register(policy.onDidDelete(reset));
  }

  /** Every open folder on disk with its settings. */
  folders(): FolderSettings[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => this.forFolder(f));
  }

  /** The settings of the folder that holds `uri`, or undefined for files outside every open folder. */
  forUri(uri: vscode.Uri): FolderSettings | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder && folder.uri.scheme === 'file' ? this.forFolder(folder) : undefined;
  }

  /** Whether a protected-path glob of its folder covers `uri`; files outside every folder are not ours. */
  isProtected(uri: vscode.Uri): boolean {
    const folder = this.forUri(uri);
    return folder !== undefined && folder.isProtected(uri.fsPath);
  }

  private forFolder(folder: vscode.WorkspaceFolder): FolderSettings {
    const key = folder.uri.toString();
    let entry = this.cache.get(key);
    if (!entry) {
      const dir = folder.uri.fsPath;
      const resolved = loadWorkspacePolicy(dir, { workspaceLayers: workspaceLayers(dir) });
      for (const problem of resolved.problems) this.log.warn(problem);
      // Globs are relative to the resolved root (a real path) or to the folder as opened: a deleted
      // file has no real path, and a folder opened through a link is spelled differently.
      const matchers = [...new Set([resolved.workspaceRoot, dir])].map((root) => new ProtectedPaths(resolved.settings.protectedPaths, root));
      entry = {
        folder, workspaceRoot: resolved.workspaceRoot, settings: resolved.settings,
        isProtected: (file) => matchers.some((m) => m.isProtected(path.resolve(file))),
      };
      this.cache.set(key, entry);
    }
    return entry;
  }
}
