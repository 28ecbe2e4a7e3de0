import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileEventRecord } from '../core/files/fileEvents';
import type { LedgerSnapshotRef } from '../core/ledger/entry';
import type { SnapshotResult } from '../core/snapshots/snapshotModel';
import { collectReferencedSnapshotIds } from '../host/snapshots/ledgerReferences';
import { openWorkspaceSnapshots } from '../host/snapshots/workspaceSnapshots';
import type { CommandIo } from './io';
import { UsageError } from './io';

export const SNAPSHOT_USAGE = `       airlock snapshot <PATH...> [--json] [--workspace DIR]   (a folder: every file in it)
       airlock snapshot --prune [--json] [--workspace DIR]     (apply retention now)
`;

/**
 * `airlock snapshot`: keeps copies of files by hand (before a risky script, or for tests), recorded in
 * the ledger so retention keeps them; `--prune` applies the retention limits. Exit 0 when every file
 * was kept, 1 when some were not (too large, a link, outside the workspace...), 2 on usage errors.
 */
export async function runSnapshotCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const paths: string[] = [];
  let workspace = process.cwd();
  let json = false;
  let prune = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--prune') prune = true;
    else if (arg === '--workspace') workspace = resolve(args[++i] ?? '');
    else if (arg.startsWith('--workspace=')) workspace = resolve(arg.slice('--workspace='.length));
    else if (arg === '--') paths.push(...args.slice(i + 1).map((p) => resolve(p)));
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else paths.push(resolve(arg));
    if (arg === '--') break;
  }
  if (prune === (paths.length > 0)) throw new UsageError('snapshot needs paths, or --prune alone');
  const { store, ledger, workspaceRoot } = openWorkspaceSnapshots(workspace);

  if (prune) {
    const report = await store.prune(collectReferencedSnapshotIds(workspaceRoot));
    if (json) io.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      io.stdout.write(`Pruned ${report.recordsDropped} snapshot record(s) and ${report.blobsDeleted} blob(s), ${report.bytesFreed} bytes freed; ${report.bytesKept} bytes kept.\n`);
      if (report.overLimit) io.stdout.write('The store is still over its size limit: everything left is named by the ledger or is the newest copy of its file.\n');
    }
    return 0;
  }

  const results: SnapshotResult[] = [];
  for (const path of paths) {
    const isFolder = (() => {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    })();
    if (isFolder) results.push(...(await store.snapshotTree(path, 'manual')).results);
    else results.push(await store.snapshotFile(path, 'manual'));
  }
  const refs: LedgerSnapshotRef[] = results.map((r) =>
    r.ok ? { path: r.record.path, id: r.record.id, size: r.record.size, after: r.record.id } : { path: r.path, problem: r.code, ...(r.size !== undefined ? { size: r.size } : {}) },
  );
  let seq: number | undefined;
  if (refs.length > 0) {
    const entry = await ledger.append(
      fileEventRecord({
        time: new Date(),
        source: 'cli',
        action: { kind: 'fileEvent', event: 'snapshot', path: paths.length === 1 ? (paths[0] ?? workspaceRoot) : workspaceRoot, files: refs.map((r) => r.path), via: 'cli' },
        snapshots: refs,
        decider: { by: 'person', how: 'snapshot' },
      }),
    );
    seq = entry.seq;
  }
  if (json) io.stdout.write(`${JSON.stringify({ seq, results })}\n`);
  else {
    for (const r of results) {
      io.stdout.write(r.ok ? `kept      ${r.record.path}  ${r.record.id.slice(0, 12)}  ${r.record.size} bytes\n` : `NOT kept  ${r.path} (${r.code}): ${r.error}\n`);
    }
    if (seq !== undefined) io.stdout.write(`Recorded as ledger entry #${seq}; airlock restore ${seq} writes these back.\n`);
    else io.stdout.write('No files found.\n');
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
