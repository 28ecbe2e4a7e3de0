import { collectReferencedSnapshotIds } from '../../host/snapshots/ledgerReferences';
import { Disposable } from '../disposable';
import type { FilesContext } from './filesContext';
import type { ReviewState } from './reviewModel';

/** Retention runs once the window has settled, then a few times a day. */
const FIRST_PRUNE_MS = 60_000;
const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * Applies the snapshot store's retention (`airlock.snapshots.maxTotalBytes` and `maxAgeDays`) to every
 * guarded folder. It never drops a snapshot a ledger entry names (the store's rule), nor one the Files
 * view still offers to restore; when the ledger cannot be read, nothing is pruned, since the set of
 * snapshots to keep would then be incomplete.
 */
export class SnapshotRetention extends Disposable {
  private running: Promise<void> | undefined;

  constructor(
    private readonly context: FilesContext,
    private readonly review: () => ReviewState,
  ) {
    super();
    const first = setTimeout(() => void this.prune(), FIRST_PRUNE_MS);
    const every = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.register({ dispose: () => (clearTimeout(first), clearInterval(every)) });
  }

  prune(): Promise<void> {
    this.running ??= this.pruneAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pruneAll(): Promise<void> {
    const { edits, losses } = this.review();
    const listed = [...edits.flatMap((e) => (e.before ? [e.before.hash] : [])), ...losses.flatMap((l) => (l.snapshot ? [l.snapshot.hash] : []))];
    for (const files of this.context.workspaces.all()) {
      try {
        const keep = collectReferencedSnapshotIds(files.root);
        for (const id of listed) keep.add(id);
        const report = await files.store.prune(keep);
        files.reload();
        if (report.recordsDropped > 0) this.context.log.info(`snapshot retention in ${files.root}: ${report.recordsDropped} copies dropped, ${report.bytesFreed} bytes freed`);
        if (report.overLimit) this.context.log.warn(`the snapshot store of ${files.root} is over its size limit, but everything left is named by the ledger or is a file's newest copy`);
      } catch (error) {
        this.context.log.warn(`snapshot retention skipped in ${files.root}: ${(error as Error).message}`);
      }
    }
  }
}
