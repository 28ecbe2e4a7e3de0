import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../commandIds';
import { Disposable } from '../disposable';
import { formatBytes } from '../../core/rules/describe';
import { FILES_VIEW_ID } from './filesView';
import type { FilesNode } from './filesView';
import type { RecordedLoss, ReviewedEdit } from './reviewModel';
import { emptyUri, MAX_DIFF_EDITOR_BYTES, snapshotUri } from './snapshotDocuments';

/** What the commands act on; `FileSafety` implements it. */
export interface FileActions {
  edit(id: string): ReviewedEdit | undefined;
  loss(id: string): RecordedLoss | undefined;
  /** Every lost file that has a copy and is not restored yet. */
  restorableLosses(): readonly RecordedLoss[];
  restoreEdit(edit: ReviewedEdit): Promise<CommandOutcome>;
  keepEdit(edit: ReviewedEdit): void;
  restoreLosses(losses: readonly RecordedLoss[], via: string): Promise<CommandOutcome>;
}

/** What a command did, returned so tests (and other commands) can read it. */
export interface CommandOutcome {
  readonly restored: number;
  readonly skipped: number;
  readonly failed: number;
}

/**
 * The Files view's commands. Each takes the view's node (inline buttons) or an id (the palette, tests);
 * an unknown id does nothing but say so. None of them decides anything the broker decides: they only
 * show diffs, drop review items, and restore copies, asking before overwriting newer work.
 */
export class FileCommands extends Disposable {
  constructor(private readonly actions: FileActions) {
    super();
    const command = (id: string, run: (...args: unknown[]) => unknown): void => {
      this.register(vscode.commands.registerCommand(id, run));
    };
    command(COMMAND_IDS.showFiles, () => vscode.commands.executeCommand(`${FILES_VIEW_ID}.focus`));
    command(COMMAND_IDS.openEditDiff, (arg) => this.withEdit(arg, (edit) => openEditDiff(edit)));
    command(COMMAND_IDS.restoreEdit, (arg) => this.withEdit(arg, (edit) => actions.restoreEdit(edit)));
    command(COMMAND_IDS.keepEdit, (arg) => this.withEdit(arg, (edit) => actions.keepEdit(edit)));
    command(COMMAND_IDS.restoreLoss, (arg) => {
      const loss = actions.loss(idOf(arg, 'loss'));
      if (!loss?.snapshot || loss.restoredAt !== undefined) return unknown('lost file with a copy to restore');
      return actions.restoreLosses([loss], 'files-view');
    });
    command(COMMAND_IDS.restoreAllLosses, () => {
      const losses = actions.restorableLosses();
      if (losses.length === 0) {
        void vscode.window.showInformationMessage('Airlock: no lost file waits to be restored.');
        return { restored: 0, skipped: 0, failed: 0 };
      }
      return actions.restoreLosses(losses, 'files-view');
    });
  }

  private withEdit<T>(arg: unknown, run: (edit: ReviewedEdit) => T): T | undefined {
    const edit = this.actions.edit(idOf(arg, 'edit'));
    return edit ? run(edit) : unknown('edit waiting for review');
  }
}

function idOf(arg: unknown, kind: 'edit' | 'loss'): string {
  if (typeof arg === 'string') return arg;
  const node = arg as FilesNode | undefined;
  if (node?.kind === 'edit' && kind === 'edit') return node.edit.id;
  if (node?.kind === 'loss' && kind === 'loss') return node.loss.id;
  return '';
}

function unknown(what: string): undefined {
  void vscode.window.showWarningMessage(`Airlock: there is no such ${what}; the Files view lists what there is.`);
  return undefined;
}

/**
 * VS Code's diff editor: the version before the agent's edits (read-only, from the snapshot store)
 * against the file as it is now. Binary files and text above the size cap are described instead, so
 * nothing huge is loaded whole.
 */
async function openEditDiff(edit: ReviewedEdit): Promise<{ opened: boolean }> {
  const rel = path.relative(edit.workspaceRoot, edit.path).split(path.sep).join('/');
  const tooLarge = edit.after.size > MAX_DIFF_EDITOR_BYTES || (edit.before?.size ?? 0) > MAX_DIFF_EDITOR_BYTES;
  if (!edit.textDiff || tooLarge) {
    const sides = [
      edit.before ? `before: ${formatBytes(edit.before.size)}, sha256 ${edit.before.hash}` : 'before: no copy kept',
      `now: ${formatBytes(edit.after.size)}, sha256 ${edit.after.hash}`,
    ];
    void vscode.window.showInformationMessage(`Airlock: ${rel} is binary or too large to compare as text (${sides.join('; ')}).`);
    return { opened: false };
  }
  const left = edit.before ? snapshotUri(edit.workspaceRoot, rel, edit.before.hash) : emptyUri(rel);
  const title = `${path.basename(edit.path)} (before ${edit.agent ?? 'the agent'}'s edits) ↔ now`;
  await vscode.commands.executeCommand('vscode.diff', left, vscode.Uri.file(edit.path), title, { preview: true });
  return { opened: true };
}
