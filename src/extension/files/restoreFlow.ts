import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RestoreResult, SnapshotRecord } from '../../core/snapshots/snapshotModel';
import { hashFile } from '../../host/snapshots/blobCopy';
import type { RecentPaths } from './filePaths';
import type { WorkspaceFiles } from './workspaceStores';

/** One file to bring back: a snapshot, and what the caller knows the file holds now. */
export interface RestoreTarget {
  readonly files: WorkspaceFiles;
  readonly record: SnapshotRecord;
  /**
   * The content the caller expects at the path now (an edit's "after"); a file holding anything else,
   * or a file that is gone when content was expected, is newer work and is asked about.
   */
  readonly expectedCurrentHash?: string;
}

export interface RestoreSummary {
  readonly restored: readonly { readonly target: RestoreTarget; readonly result: Extract<RestoreResult, { ok: true }> }[];
  /** Newer work the person chose to keep. */
  readonly skipped: readonly RestoreTarget[];
  readonly failed: readonly { readonly target: RestoreTarget; readonly error: string }[];
}

export interface RestoreEnvironment {
  /** Paths this window writes itself, so the watcher does not take a restore for an agent's edit. */
  readonly selfWrites: RecentPaths;
  readonly log: { info(message: string): void; warn(message: string): void };
  /**
   * Asks whether to overwrite newer work, listing it; resolves true only for an explicit yes. The
   * default asks with a modal whose default (Escape, closing it) is No.
   */
  readonly confirmOverwrite?: (lines: readonly string[]) => Promise<boolean>;
}

/**
 * Brings snapshots back through the snapshot store, which refuses to overwrite newer work and keeps a
 * copy of whatever it replaces, and records each restore in the ledger. Unsaved changes in an editor
 * are newer work too, which the store cannot see: those files are asked about first, and their
 * editors are reverted to the restored content only after a yes.
 */
export async function restoreFiles(targets: readonly RestoreTarget[], via: string, env: RestoreEnvironment): Promise<RestoreSummary> {
  const restored: RestoreSummary['restored'][number][] = [];
  const failed: RestoreSummary['failed'][number][] = [];
  const questions: { target: RestoreTarget; why: string; currentHash?: string; dirty: boolean }[] = [];

  for (const target of targets) {
    const file = target.files.abs(target.record.path);
    if (dirtyDocument(file)) {
      questions.push({ target, why: 'has unsaved changes in an editor', dirty: true });
      continue;
    }
    const result = await restoreOne(target, via, env, target.expectedCurrentHash);
    if (result.ok) restored.push({ target, result });
    else if (result.code === 'conflict') questions.push({ target, why: 'has changed since', dirty: false, ...(result.currentHash ? { currentHash: result.currentHash } : {}) });
    else failed.push({ target, error: result.error });
  }

  const skipped: RestoreTarget[] = [];
  if (questions.length > 0) {
    const lines = questions.map((q) => `${q.target.record.path} ${q.why}`);
    const yes = await (env.confirmOverwrite ?? askOverwrite)(lines);
    for (const question of questions) {
      if (!yes) {
        skipped.push(question.target);
        continue;
      }
      // The hash the person saw (or, for a dirty editor, what is on disk now) is the only content the
      // restore may replace: anything written meanwhile is still refused.
      const result = await restoreOne(question.target, via, env, question.currentHash ?? (await currentHash(question.target)), true);
      if (!result.ok) {
        failed.push({ target: question.target, error: result.error });
        continue;
      }
      restored.push({ target: question.target, result });
      if (question.dirty) await revertEditor(result.path, env);
    }
  }
  for (const { error } of failed) env.log.warn(`restore failed: ${error}`);
  return { restored, skipped, failed };
}

async function restoreOne(target: RestoreTarget, via: string, env: RestoreEnvironment, expected: string | undefined, confirmed = false): Promise<RestoreResult> {
  const file = target.files.abs(target.record.path);
  env.selfWrites.mark(file, Date.now());
  const result = await target.files.store.restore(target.record, {
    overwrite: 'if-unchanged',
    ...(expected !== undefined ? { expectedCurrentHash: expected } : {}),
    via,
  });
  // A restore may have added a snapshot of what it replaced; the cached index no longer knows it.
  target.files.reload();
  if (result.ok) {
    env.selfWrites.mark(file, Date.now());
    env.log.info(`restored ${target.record.path} from snapshot ${target.record.id.slice(0, 12)}${confirmed ? ' (newer work replaced after a yes; it was kept first)' : ''}`);
  }
  return result;
}

/** What is at the target now; a restore of a file an editor holds unsaved changes for may replace it. */
async function currentHash(target: RestoreTarget): Promise<string | undefined> {
  try {
    return (await hashFile(target.files.abs(target.record.path), true)).hash;
  } catch {
    return undefined;
  }
}

function dirtyDocument(file: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.isDirty && path.resolve(d.uri.fsPath) === path.resolve(file));
}

async function revertEditor(file: string, env: RestoreEnvironment): Promise<void> {
  const document = dirtyDocument(file);
  if (!document) return;
  try {
    // Shown first, because revert acts on the active editor in some builds.
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert', document.uri);
  } catch (error) {
    env.log.warn(`the editor of ${file} could not be reverted to the restored content: ${String(error)}`);
  }
}

async function askOverwrite(lines: readonly string[]): Promise<boolean> {
  const shown = lines.slice(0, 10).join('\n') + (lines.length > 10 ? `\nand ${lines.length - 10} more` : '');
  const overwrite = 'Overwrite';
  const answer = await vscode.window.showWarningMessage(
    lines.length === 1 ? 'Restore over newer work?' : `Restore ${lines.length} files over newer work?`,
    {
      modal: true,
      detail: `${shown}\n\nRestoring replaces that with the kept version. What is there now is kept as a snapshot first, so this can be undone too.`,
    },
    overwrite,
  );
  return answer === overwrite;
}

/** One line for a person about how a restore went. */
export function summaryText(summary: RestoreSummary): string {
  const parts: string[] = [];
  if (summary.restored.length > 0) parts.push(`restored ${summary.restored.length} file${summary.restored.length === 1 ? '' : 's'}`);
  if (summary.skipped.length > 0) parts.push(`kept newer work in ${summary.skipped.length}`);
  if (summary.failed.length > 0) parts.push(`${summary.failed.length} failed (${summary.failed[0]!.error}${summary.failed.length > 1 ? '; see the log' : ''})`);
  return parts.length > 0 ? `Airlock ${parts.join(', ')}.` : 'Airlock had nothing to restore.';
}
