/**
 * What the Files view lists besides the protected globs: edits made while an agent was active, waiting
 * for a person to keep or undo them, and files lost (deleted or emptied) that a snapshot can bring back.
 * Pure data with bounded lists (no `vscode`), kept in the window's workspace state across reloads.
 */

/** A stored copy of one file's content, named by its content hash in the snapshot store. */
export interface ContentRef {
  readonly hash: string;
  readonly size: number;
}

export interface ReviewedEdit {
  readonly id: string;
  /** Absolute path of the edited file. */
  readonly path: string;
  readonly workspaceRoot: string;
  /** The agent whose recent hook call made this edit count as its own, as claimed. */
  readonly agent?: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  /** The version before the agent's edit; absent when none was kept (a new file, or too large). */
  readonly before?: ContentRef;
  /** The version the edit left on disk. */
  readonly after: ContentRef;
  readonly added: number;
  readonly removed: number;
  /** Either side is binary or above the diff size cap: no text diff is shown. */
  readonly textDiff: boolean;
  /** The ledger entry that recorded the edit, when it could be written. */
  readonly seq?: number;
}

export interface RecordedLoss {
  readonly id: string;
  readonly path: string;
  readonly workspaceRoot: string;
  readonly how: 'deleted' | 'emptied';
  readonly time: number;
  /** The copy that brings it back; absent when no snapshot was ever kept. */
  readonly snapshot?: ContentRef;
  readonly seq?: number;
  /** Set once restored, so the list shows it is done rather than dropping it. */
  readonly restoredAt?: number;
}

export interface ReviewState {
  readonly edits: readonly ReviewedEdit[];
  readonly losses: readonly RecordedLoss[];
}

/** More than this and the oldest go: the ledger keeps the full record. */
export const MAX_EDITS = 200;
export const MAX_LOSSES = 500;

export const EMPTY_REVIEW: ReviewState = { edits: [], losses: [] };

/**
 * Adds an edit. A newer edit of a file already waiting replaces it but keeps the first `before` (or
 * its absence): "Restore previous version" undoes everything the agent did to the file, not just its
 * last write, and never offers a version from the middle of the agent's work as "previous".
 */
export function addEdit(state: ReviewState, edit: ReviewedEdit): ReviewState {
  const earlier = state.edits.find((e) => e.path === edit.path);
  let merged: ReviewedEdit = edit;
  if (earlier) {
    const copy: { -readonly [K in keyof ReviewedEdit]: ReviewedEdit[K] } = { ...edit, id: earlier.id };
    if (earlier.before) copy.before = earlier.before;
    else delete copy.before;
    merged = copy;
  }
  const rest = state.edits.filter((e) => e.path !== edit.path);
  return { ...state, edits: [merged, ...rest].slice(0, MAX_EDITS) };
}

export function removeEdit(state: ReviewState, id: string): ReviewState {
  return { ...state, edits: state.edits.filter((e) => e.id !== id) };
}

/** Adds losses newest first; a file lost again replaces its older, unrestored entry. */
export function addLosses(state: ReviewState, losses: readonly RecordedLoss[]): ReviewState {
  const paths = new Set(losses.map((l) => l.path));
  const rest = state.losses.filter((l) => !(paths.has(l.path) && l.restoredAt === undefined));
  return { ...state, losses: [...losses, ...rest].slice(0, MAX_LOSSES) };
}

export function markRestored(state: ReviewState, id: string, at: number): ReviewState {
  return { ...state, losses: state.losses.map((l) => (l.id === id ? { ...l, restoredAt: at } : l)) };
}

/** Reads a saved state, dropping anything malformed (workspace state is a file another process could edit). */
export function parseReviewState(value: unknown): ReviewState {
  if (value === null || typeof value !== 'object') return EMPTY_REVIEW;
  const { edits, losses } = value as { edits?: unknown; losses?: unknown };
  return {
    edits: Array.isArray(edits) ? edits.filter(isEdit).slice(0, MAX_EDITS) : [],
    losses: Array.isArray(losses) ? losses.filter(isLoss).slice(0, MAX_LOSSES) : [],
  };
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isRef = (v: unknown): v is ContentRef =>
  v !== null && typeof v === 'object' && /^[0-9a-f]{64}$/.test(String((v as ContentRef).hash)) && isNumber((v as ContentRef).size);

function isEdit(v: unknown): v is ReviewedEdit {
  const e = v as Partial<ReviewedEdit> | null;
  return !!e && isString(e.id) && isString(e.path) && isString(e.workspaceRoot) && isNumber(e.time) && isRef(e.after)
    && (e.before === undefined || isRef(e.before)) && isNumber(e.added) && isNumber(e.removed) && typeof e.textDiff === 'boolean';
}

function isLoss(v: unknown): v is RecordedLoss {
  const l = v as Partial<RecordedLoss> | null;
  return !!l && isString(l.id) && isString(l.path) && isString(l.workspaceRoot) && (l.how === 'deleted' || l.how === 'emptied')
    && isNumber(l.time) && (l.snapshot === undefined || isRef(l.snapshot));
}
