import { structuredPatch, formatPatch } from 'diff';
import { looksBinary } from '../snapshots/snapshotModel';

/**
 * The diff of an agent's edit, for the ledger and the side panel's edit review. A webview must never be
 * handed a binary file or a megabyte of text, and the diff algorithm is quadratic in the worst case, so
 * each side is checked before anything is diffed: binary content (a NUL byte, or bytes that are not
 * UTF-8) and content over `maxBytes` give a kind without a diff, and a diff that would need more than
 * `maxEditLength` line changes gives `too-different`. The caller shows those with VS Code's own diff
 * editor (which reads the files itself) or not at all.
 */
export type EditDiff =
  | {
      readonly kind: 'text';
      /** Unified diff with `a/<path>` and `b/<path>` headers, at most `maxDiffChars` long. */
      readonly unified: string;
      readonly added: number;
      readonly removed: number;
      /** True when `unified` was cut at `maxDiffChars` (on a line boundary, with a note). */
      readonly truncated: boolean;
    }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'binary' }
  /** Sizes in bytes (for a huge string, its length: a lower bound). */
  | { readonly kind: 'too-large'; readonly oldBytes: number; readonly newBytes: number }
  | { readonly kind: 'too-different' };

export interface EditDiffLimits {
  /** Largest side, in bytes (UTF-8), that is diffed. */
  readonly maxBytes?: number;
  /** Longest diff text kept. */
  readonly maxDiffChars?: number;
  /** Most line changes the diff may need before it gives up. */
  readonly maxEditLength?: number;
  /** Lines of context around each change. */
  readonly context?: number;
}

export const DEFAULT_EDIT_DIFF_LIMITS: Required<EditDiffLimits> = {
  maxBytes: 512 * 1024,
  maxDiffChars: 64 * 1024,
  maxEditLength: 5000,
  context: 3,
};

/** A side of the edit: text, raw bytes (from disk or a snapshot), or nothing (a created or deleted file). */
export type EditSide = string | Uint8Array | undefined;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Text of one side, or `binary`; a side that is absent is the empty file. */
function textOf(side: EditSide): string | 'binary' {
  if (side === undefined) return '';
  if (typeof side === 'string') return side.includes('\0') ? 'binary' : side;
  if (looksBinary(side)) return 'binary';
  try {
    return utf8.decode(side);
  } catch {
    return 'binary';
  }
}

/** UTF-8 size of a side; a string longer than `cap` units is at least that many bytes and is not encoded. */
function byteLength(side: EditSide, cap: number): number {
  if (side === undefined) return 0;
  if (typeof side === 'string') return side.length > cap ? side.length : encoder.encode(side).length;
  return side.length;
}

export function editDiff(path: string, before: EditSide, after: EditSide, limits: EditDiffLimits = {}): EditDiff {
  const { maxBytes, maxDiffChars, maxEditLength, context } = { ...DEFAULT_EDIT_DIFF_LIMITS, ...limits };
  const oldBytes = byteLength(before, maxBytes);
  const newBytes = byteLength(after, maxBytes);
  if (oldBytes > maxBytes || newBytes > maxBytes) return { kind: 'too-large', oldBytes, newBytes };
  const oldText = textOf(before);
  const newText = textOf(after);
  if (oldText === 'binary' || newText === 'binary') return { kind: 'binary' };
  if (oldText === newText) return { kind: 'unchanged' };

  const name = path.replace(/\\/g, '/').replace(/^\/+/, '');
  const patch = structuredPatch(`a/${name}`, `b/${name}`, oldText, newText, undefined, undefined, { context, maxEditLength });
  if (!patch) return { kind: 'too-different' };
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added += 1;
      else if (line.startsWith('-')) removed += 1;
    }
  }
  const unified = formatPatch(patch, { includeIndex: false, includeUnderline: false, includeFileHeaders: true });
  if (unified.length <= maxDiffChars) return { kind: 'text', unified, added, removed, truncated: false };
  const cut = unified.lastIndexOf('\n', maxDiffChars);
  const kept = unified.slice(0, cut > 0 ? cut + 1 : maxDiffChars);
  return { kind: 'text', unified: `${kept}... diff cut at ${maxDiffChars} characters (${unified.length} in all)\n`, added, removed, truncated: true };
}
