import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../core/rules/describe';
import { COMMAND_IDS } from '../commandIds';
import { Disposable } from '../disposable';
import type { RecordedLoss, ReviewedEdit, ReviewState } from './reviewModel';

export const FILES_VIEW_ID = 'airlock.files';

/** What the view shows; the owner of the review list and the settings provide it. */
export interface FilesViewSource {
  readonly onDidChange: vscode.Event<void>;
  review(): ReviewState;
  /** The protected-path globs in force, per open folder. */
  protectedGlobs(): readonly { readonly folder: string; readonly globs: readonly string[] }[];
}

export type FilesNode =
  | { readonly kind: 'section'; readonly section: 'protected' | 'edits' | 'losses' }
  | { readonly kind: 'glob'; readonly glob: string; readonly folder: string }
  | { readonly kind: 'edit'; readonly edit: ReviewedEdit }
  | { readonly kind: 'loss'; readonly loss: RecordedLoss }
  | { readonly kind: 'note'; readonly text: string };

/**
 * The Files view in the Airlock container: the protected globs, the edits an agent made that wait for
 * review (Open diff, Restore previous version, Keep), and recent losses (Restore). A tree rather than a
 * webview: it follows the theme, is keyboard-accessible, and never loads file content.
 */
export class FilesView extends Disposable implements vscode.TreeDataProvider<FilesNode> {
  private readonly changed = this.register(new vscode.EventEmitter<FilesNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<FilesNode>;

  constructor(private readonly source: FilesViewSource) {
    super();
    this.view = this.register(vscode.window.createTreeView(FILES_VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    this.register(source.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire(undefined);
    const { edits, losses } = this.source.review();
    const waiting = edits.length + losses.filter((l) => l.restoredAt === undefined && l.snapshot).length;
    this.view.badge = waiting > 0 ? { value: waiting, tooltip: `${waiting} file change(s) to review` } : undefined;
  }

  getChildren(node?: FilesNode): FilesNode[] {
    if (!node) return [{ kind: 'section', section: 'edits' }, { kind: 'section', section: 'losses' }, { kind: 'section', section: 'protected' }];
    if (node.kind !== 'section') return [];
    const { edits, losses } = this.source.review();
    switch (node.section) {
      case 'edits':
        return edits.length > 0 ? edits.map((edit) => ({ kind: 'edit', edit })) : [{ kind: 'note', text: 'No agent edit waits for review.' }];
      case 'losses':
        return losses.length > 0 ? losses.map((loss) => ({ kind: 'loss', loss })) : [{ kind: 'note', text: 'No file was lost.' }];
      case 'protected': {
        const folders = this.source.protectedGlobs();
        const nodes: FilesNode[] = folders.flatMap(({ folder, globs }) => globs.map((glob) => ({ kind: 'glob' as const, glob, folder })));
        return nodes.length > 0 ? nodes : [{ kind: 'note', text: 'Open a folder to see its protected paths.' }];
      }
    }
  }

  getTreeItem(node: FilesNode): vscode.TreeItem {
    switch (node.kind) {
      case 'section':
        return this.sectionItem(node.section);
      case 'glob': {
        const item = new vscode.TreeItem(node.glob);
        item.iconPath = new vscode.ThemeIcon('lock');
        if (this.source.protectedGlobs().length > 1) item.description = path.basename(node.folder);
        item.tooltip = `Changes to paths matching ${node.glob} ask first, and these files keep a snapshot.`;
        item.contextValue = 'airlock.glob';
        return item;
      }
      case 'edit':
        return editItem(node.edit);
      case 'loss':
        return lossItem(node.loss);
      case 'note': {
        const item = new vscode.TreeItem(node.text);
        item.contextValue = 'airlock.note';
        return item;
      }
    }
  }

  private sectionItem(section: 'protected' | 'edits' | 'losses'): vscode.TreeItem {
    const { edits, losses } = this.source.review();
    const label = section === 'edits' ? `Edits to review (${edits.length})` : section === 'losses' ? `Lost files (${losses.length})` : 'Protected paths';
    const item = new vscode.TreeItem(label, section === 'protected' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
    item.id = `section-${section}`;
    item.contextValue = `airlock.section.${section}`;
    return item;
  }
}

function editItem(edit: ReviewedEdit): vscode.TreeItem {
  const item = new vscode.TreeItem(path.basename(edit.path));
  item.id = `edit-${edit.id}`;
  item.resourceUri = vscode.Uri.file(edit.path);
  const who = edit.agent ? ` · ${edit.agent}` : '';
  item.description = `${folderOf(edit.workspaceRoot, edit.path)}${edit.textDiff ? `+${edit.added} −${edit.removed}` : `${formatBytes(edit.after.size)}, no text diff`}${who} · ${time(edit.time)}`;
  item.tooltip = new vscode.MarkdownString(undefined, true);
  item.tooltip.appendText(`${edit.path}\n\nEdited while ${edit.agent ?? 'an agent'} was active, ${new Date(edit.time).toLocaleString()}.\n`);
  item.tooltip.appendText(edit.before ? `Before: ${formatBytes(edit.before.size)}, sha256 ${edit.before.hash.slice(0, 12)}…\n` : 'No earlier version was kept (a new file, or too large).\n');
  item.tooltip.appendText(`After: ${formatBytes(edit.after.size)}, sha256 ${edit.after.hash.slice(0, 12)}…`);
  item.accessibilityInformation = { label: `Edit to review: ${relative(edit.workspaceRoot, edit.path)}, ${item.description}` };
  item.contextValue = edit.before ? 'airlock.edit.restorable' : 'airlock.edit';
  item.command = { command: COMMAND_IDS.openEditDiff, title: 'Open Diff', arguments: [edit.id] };
  return item;
}

function lossItem(loss: RecordedLoss): vscode.TreeItem {
  const item = new vscode.TreeItem(path.basename(loss.path));
  item.id = `loss-${loss.id}`;
  item.resourceUri = vscode.Uri.file(loss.path);
  const state = loss.restoredAt !== undefined ? 'restored' : loss.snapshot ? `${loss.how}, ${formatBytes(loss.snapshot.size)} kept` : `${loss.how}, no copy kept`;
  item.description = `${folderOf(loss.workspaceRoot, loss.path)}${state} · ${time(loss.time)}`;
  item.tooltip = `${loss.path}\n${loss.how} ${new Date(loss.time).toLocaleString()}${loss.snapshot ? `\nsnapshot sha256 ${loss.snapshot.hash}` : ''}${loss.seq ? `\nledger entry #${loss.seq}` : ''}`;
  item.iconPath = new vscode.ThemeIcon(loss.restoredAt !== undefined ? 'check' : loss.snapshot ? 'history' : 'warning');
  item.accessibilityInformation = { label: `Lost file: ${relative(loss.workspaceRoot, loss.path)}, ${item.description}` };
  item.contextValue = loss.snapshot && loss.restoredAt === undefined ? 'airlock.loss.restorable' : 'airlock.loss';
  return item;
}

/** Workspace-relative with `/`, as the ledger names files. */
function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** The file's folder, relative to the workspace, as a description prefix (empty at the top). */
function folderOf(root: string, file: string): string {
  const dir = path.posix.dirname(relative(root, file));
  return dir === '.' ? '' : `${dir} · `;
}

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}
