import type { SnapshotRecord } from './snapshotModel';

/**
 * Which snapshots to keep. Pure, so the rules are tested without a disk:
 *
 * 1. A blob a ledger entry refers to is never deleted, nor is any record that uses it.
 * 2. The newest record of each path is never dropped for its age: for a protected file that has not
 *    changed in months it is the only copy a delete from the terminal could be undone from.
 * 3. Other records older than `maxAgeMs` are dropped.
 * 4. While the blobs still used add up to more than `maxTotalBytes`, the oldest droppable records go
 *    first, the newest-per-path ones last; what is referenced stays even if the store stays over.
 * 5. A blob no kept record uses (and no ledger entry names) is deleted, except very recent ones: a
 *    snapshot in progress renames its blob into place just before it appends its index line.
 */
export interface RetentionInput {
  /** Index order (oldest first). */
  readonly records: readonly SnapshotRecord[];
  /** Every blob on disk: its size and when it was last written (ms since the epoch). */
  readonly blobs: ReadonlyMap<string, { readonly size: number; readonly mtimeMs: number }>;
  /** Snapshot ids some ledger entry refers to. */
  readonly referenced: ReadonlySet<string>;
  readonly now: number;
  readonly maxAgeMs: number;
  readonly maxTotalBytes: number;
  /** Blobs written more recently than this are left alone even when nothing uses them yet. */
  readonly graceMs?: number;
}

export interface RetentionPlan {
  /** Records to keep, in index order. */
  readonly keep: readonly SnapshotRecord[];
  readonly drop: readonly SnapshotRecord[];
  readonly deleteBlobs: readonly string[];
  readonly bytesKept: number;
  readonly bytesFreed: number;
  readonly overLimit: boolean;
}

export const DEFAULT_GRACE_MS = 10 * 60 * 1000;

export function planRetention(input: RetentionInput): RetentionPlan {
  const { records, blobs, referenced, now } = input;
  const grace = input.graceMs ?? DEFAULT_GRACE_MS;
  const newest = new Map<string, number>();
  records.forEach((record, index) => newest.set(record.path, index));
  // Records whose blob is gone are dropped: they can restore nothing, and listing them misleads.
  const alive = (index: number): boolean => blobs.has(records[index]?.id ?? '');
  const kept = new Set<number>();
  records.forEach((record, index) => {
    if (!alive(index)) return;
    const pinned = referenced.has(record.id) || newest.get(record.path) === index;
    const old = now - Date.parse(record.takenAt) > input.maxAgeMs;
    if (pinned || !old) kept.add(index);
  });

  const blobSize = (id: string): number => blobs.get(id)?.size ?? 0;
  const usedBlobs = (): Map<string, number> => {
    const used = new Map<string, number>();
    for (const index of kept) {
      const id = records[index]?.id ?? '';
      used.set(id, (used.get(id) ?? 0) + 1);
    }
    return used;
  };
  const used = usedBlobs();
  const totalOf = (ids: Iterable<string>): number => {
    let total = 0;
    for (const id of ids) total += blobSize(id);
    return total;
  };
  // Referenced blobs count towards the size even with no record: they are on disk and staying.
  let total = totalOf(new Set([...used.keys(), ...[...referenced].filter((id) => blobs.has(id))]));

  if (total > input.maxTotalBytes) {
    const droppable = [...kept].filter((index) => !referenced.has(records[index]?.id ?? ''));
    // Oldest first, but each path's newest record only after every older one.
    droppable.sort((a, b) => Number(newest.get(records[a]?.path ?? '') === a) - Number(newest.get(records[b]?.path ?? '') === b) || a - b);
    for (const index of droppable) {
      if (total <= input.maxTotalBytes) break;
      const id = records[index]?.id ?? '';
      kept.delete(index);
      const left = (used.get(id) ?? 1) - 1;
      used.set(id, left);
      if (left === 0) {
        used.delete(id);
        total -= blobSize(id);
      }
    }
  }

  const keep: SnapshotRecord[] = [];
  const drop: SnapshotRecord[] = [];
  records.forEach((record, index) => (kept.has(index) ? keep : drop).push(record));
  const stillUsed = new Set(keep.map((record) => record.id));
  const deleteBlobs: string[] = [];
  let bytesFreed = 0;
  for (const [id, blob] of blobs) {
    if (stillUsed.has(id) || referenced.has(id)) continue;
    if (now - blob.mtimeMs < grace) continue;
    deleteBlobs.push(id);
    bytesFreed += blob.size;
  }
  const deleted = new Set(deleteBlobs);
  const bytesKept = totalOf([...blobs.keys()].filter((id) => !deleted.has(id)));
  return { keep, drop, deleteBlobs, bytesKept, bytesFreed, overLimit: bytesKept > input.maxTotalBytes };
}
