import * as path from 'node:path';
import * as vscode from 'vscode';
import { looksBinary } from '../../core/snapshots/snapshotModel';
import { Disposable } from '../disposable';
import { formatBytes } from '../../core/rules/describe';
import type { WorkspaceFilesRegistry } from './workspaceStores';

export const SNAPSHOT_SCHEME = 'airlock-snapshot';

/** Larger snapshots are described, not opened: the diff editor would load them whole. */
export const MAX_DIFF_EDITOR_BYTES = 5 * 1024 * 1024;

/** The read-only document of one snapshot, for the left side of the diff editor. */
export function snapshotUri(workspaceRoot: string, rel: string, id: string): vscode.Uri {
  // The path keeps the file's name and extension, so the diff editor picks its language.
  return vscode.Uri.from({ scheme: SNAPSHOT_SCHEME, path: `/${rel}`, query: new URLSearchParams({ root: workspaceRoot, id }).toString() });
}

/** An empty read-only document: the "before" of a file the agent created. */
export function emptyUri(rel: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SNAPSHOT_SCHEME, path: `/${rel}`, query: 'empty=1' });
}

/**
 * Serves snapshot content to the diff editor, read-only (a content provider's documents cannot be
 * saved). Only text under a size cap is served whole; binary and huge snapshots are described by size
 * and hash instead, and the hash is checked by the store on every read.
 */
export class SnapshotDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  constructor(private readonly workspaces: WorkspaceFilesRegistry) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, this));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    if (query.get('empty') === '1') return '';
    const root = query.get('root') ?? '';
    const id = query.get('id') ?? '';
    const files = this.workspaces.forRoot(root);
    if (!files) return `Airlock: ${root} is not an open folder, so its snapshots are not shown.`;
    const rel = uri.path.replace(/^\//, '');
    const record = files.recordOf(rel, id);
    const size = record?.size ?? 0;
    if (record && (record.binary || size > MAX_DIFF_EDITOR_BYTES)) {
      return describe(rel, id, size, record.binary ? 'binary content' : `larger than ${formatBytes(MAX_DIFF_EDITOR_BYTES)}`);
    }
    try {
      const content = await files.store.read(id);
      if (content.length > MAX_DIFF_EDITOR_BYTES || looksBinary(content)) return describe(rel, id, content.length, 'binary or large content');
      return content.toString('utf8');
    } catch (error) {
      return `Airlock could not read the snapshot of ${rel}: ${(error as Error).message}`;
    }
  }
}

function describe(rel: string, id: string, size: number, why: string): string {
  return [
    `Airlock keeps a snapshot of ${path.posix.basename(rel)} but does not show it here (${why}).`,
    '',
    `Path:    ${rel}`,
    `Size:    ${size} bytes (${formatBytes(size)})`,
    `SHA-256: ${id}`,
    '',
    'Restore it from the Airlock Files view or with `airlock restore`.',
  ].join('\n');
}
