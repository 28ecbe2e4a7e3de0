import type { FileEventAction } from '../action';
import type { Assessment } from '../assessment';
import { levelOf } from '../assessment';
import type { Decider, LedgerRecord, LedgerSnapshotRef } from '../ledger/entry';

/**
 * How a file event reads in the ledger. It has already happened (or a person asked for it), so the
 * score decides nothing: it sorts the side panel and its filters, so losses stand out from restores.
 * A loss with no copy kept scores higher than one Airlock can undo.
 */
export function fileEventAssessment(action: FileEventAction, snapshots: readonly LedgerSnapshotRef[] = []): Assessment {
  const count = action.files?.length ?? 1;
  const unkept = snapshots.filter((ref) => ref.id === undefined).length;
  const what = action.files && action.files.length > 1 ? `${count} files` : action.path;
  const finding = ((): { rule: string; score: number; message: string } | undefined => {
    switch (action.event) {
      case 'mass-loss':
        return { rule: 'files.mass-loss', score: 70, message: `${count} files deleted or emptied in a short time` };
      case 'delete':
      case 'empty':
        return unkept > 0 || snapshots.length === 0
          ? { rule: `files.${action.event}.unkept`, score: 40, message: `${action.event === 'delete' ? 'deleted' : 'emptied'} ${what}; no copy of ${unkept || count} of them was kept` }
          : { rule: `files.${action.event}`, score: 20, message: `${action.event === 'delete' ? 'deleted' : 'emptied'} ${what}; Airlock kept a copy` };
      case 'rename':
      case 'save':
      case 'edit':
      case 'restore':
      case 'snapshot':
        return undefined;
    }
  })();
  return {
    score: finding?.score ?? 0,
    level: levelOf(finding?.score ?? 0),
    reasons: finding ? [finding] : [],
    impact: {
      summary: finding ? finding.message.charAt(0).toUpperCase() + finding.message.slice(1) : `${action.event} ${what}`,
      paths: [],
      files: count,
      bytes: snapshots.reduce((sum, ref) => sum + (ref.size ?? 0), 0),
      untracked: 0,
      modified: 0,
    },
  };
}

export interface FileEventInput {
  readonly time: Date;
  /** `file` for what the editor or watcher saw, `cli` for the command line. */
  readonly source: string;
  readonly agent?: string;
  readonly action: FileEventAction;
  readonly snapshots?: readonly LedgerSnapshotRef[];
  /**
   * Who acted: a person (a restore from the side panel or the CLI) or nobody (`observed`: Airlock saw
   * it happen). Defaults by event: `restore` is a person's, everything else observed.
   */
  readonly decider?: Decider;
}

/** The ledger record of a file event, with the snapshots that can undo it. */
export function fileEventRecord(input: FileEventInput): LedgerRecord {
  const snapshots = input.snapshots ?? [];
  const decider = input.decider ?? (input.action.event === 'restore' ? { by: 'person', how: 'restore' } : { by: 'policy', how: 'observed' });
  return {
    time: input.time.toISOString(),
    source: input.source,
    ...(input.agent !== undefined ? { agent: input.agent } : {}),
    action: input.action,
    assessment: fileEventAssessment(input.action, snapshots),
    policy: { decision: 'allow', decidedBy: 'recorded', reason: 'recorded after the fact; file events are not decided' },
    outcome: 'allowed',
    decider,
    waitMs: 0,
    ...(snapshots.length > 0 ? { snapshots } : {}),
  };
}

/**
 * Every snapshot id the given ledger entries refer to (their `snapshots`, and the snapshot a restore
 * wrote back); retention keeps these.
 */
export function referencedSnapshotIds(records: Iterable<Pick<LedgerRecord, 'snapshots' | 'action'>>): Set<string> {
  const ids = new Set<string>();
  for (const record of records) {
    for (const ref of record.snapshots ?? []) if (typeof ref.id === 'string') ids.add(ref.id);
    const action = record.action as { kind?: unknown; snapshot?: unknown } | undefined;
    if (action?.kind === 'fileEvent' && typeof action.snapshot === 'string') ids.add(action.snapshot);
  }
  return ids;
}
