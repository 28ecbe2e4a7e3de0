import { arrayOf, check, num, obj, oneOf, str, tagged } from './validate';
import type { Schema } from './validate';

/**
 * Messages between the side panel's page (the queue and the ledger) and the extension. The page asks
 * for pages of filtered entries, so a ledger of 100,000 entries never travels whole.
 */
export interface LedgerFilter {
  readonly decision?: 'allowed' | 'denied';
  readonly source?: string;
  readonly level?: 'none' | 'low' | 'high' | 'critical';
  /** Case-insensitive text searched in the action, the reasons and the agent. */
  readonly text?: string;
}

export interface LedgerRow {
  readonly seq: number;
  readonly time: string;
  readonly outcome: string;
  /** `person: allow-once`, `timeout: no answer in 120 s`... */
  readonly decider: string;
  readonly source: string;
  readonly agent?: string;
  readonly level: string;
  readonly score: number;
  readonly text: string;
  readonly reasons: readonly string[];
}

export interface PendingRow {
  readonly id: string;
  readonly text: string;
  readonly level: string;
  readonly score: number;
  readonly source: string;
  readonly deadline: number;
}

export interface ChainStatus {
  readonly status: 'intact' | 'tampered' | 'deleted' | 'missing' | 'unknown';
  readonly detail: string;
}

/** A file an entry kept a snapshot of, which the details offer to restore (never its content). */
export interface RestorableFile {
  /** Workspace-relative, as the entry names it. */
  readonly path: string;
  readonly size: number;
}

export type HostToSidePanel =
  | { readonly type: 'pending'; readonly items: readonly PendingRow[]; readonly now: number }
  | { readonly type: 'chain'; readonly chain: ChainStatus }
  | { readonly type: 'page'; readonly rows: readonly LedgerRow[]; readonly matched: number; readonly total: number; readonly offset: number }
  | { readonly type: 'details'; readonly seq: number; readonly json: string; readonly diff?: string; readonly restorable?: readonly RestorableFile[] };

export type SidePanelToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'query'; readonly filter: LedgerFilter; readonly offset: number; readonly limit: number }
  | { readonly type: 'details'; readonly seq: number }
  | { readonly type: 'showApprovals' }
  | { readonly type: 'verify' }
  /** Restore one file the entry kept a snapshot of; the extension asks before overwriting newer work. */
  | { readonly type: 'restore'; readonly seq: number; readonly path: string };

const level = oneOf('none', 'low', 'high', 'critical');
const filterSchema = obj(
  { decision: oneOf('allowed', 'denied'), source: str(64), level, text: str(1024) },
  ['decision', 'source', 'level', 'text'],
);

export const sidePanelToHostSchema: Schema = tagged('type', {
  ready: obj({ type: oneOf('ready') }),
  query: obj({ type: oneOf('query'), filter: filterSchema, offset: num({ min: 0, integer: true }), limit: num({ min: 1, max: 1000, integer: true }) }),
  details: obj({ type: oneOf('details'), seq: num({ min: 1, integer: true }) }),
  showApprovals: obj({ type: oneOf('showApprovals') }),
  verify: obj({ type: oneOf('verify') }),
  restore: obj({ type: oneOf('restore'), seq: num({ min: 1, integer: true }), path: str(4096, { minLength: 1 }) }),
});

const row = obj(
  {
    seq: num(), time: str(64), outcome: str(32), decider: str(512), source: str(64), agent: str(64), level: str(16), score: num(),
    text: str(64 * 1024 + 200), reasons: arrayOf(str(4096), 200),
  },
  ['agent'],
);

export const hostToSidePanelSchema: Schema = tagged('type', {
  pending: obj({ type: oneOf('pending'), items: arrayOf(obj({ id: str(64), text: str(2 * 1024 * 1024), level: str(16), score: num(), source: str(64), deadline: num() }), 1000), now: num() }),
  chain: obj({ type: oneOf('chain'), chain: obj({ status: oneOf('intact', 'tampered', 'deleted', 'missing', 'unknown'), detail: str(8192) }) }),
  page: obj({ type: oneOf('page'), rows: arrayOf(row, 1000), matched: num(), total: num(), offset: num() }),
  details: obj(
    { type: oneOf('details'), seq: num(), json: str(8 * 1024 * 1024), diff: str(4 * 1024 * 1024), restorable: arrayOf(obj({ path: str(4096), size: num() }), 10_000) },
    ['diff', 'restorable'],
  ),
});

export function isSidePanelToHost(value: unknown): value is SidePanelToHost {
  return check(sidePanelToHostSchema, value) === undefined;
}

export function isHostToSidePanel(value: unknown): value is HostToSidePanel {
  return check(hostToSidePanelSchema, value) === undefined;
}
