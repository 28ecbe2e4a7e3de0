import type { Action, FileWriteAction, RecordedContent } from '../action';
import { editDiff } from '../files/editDiff';
import { redactSecrets } from '../redaction/redact';

const encoder = new TextEncoder();

/** Characters of each side of a file write kept in its ledger entry: enough to recognise the file. */
export const RECORDED_CONTENT_CHARS = 1024;
/** Longest diff kept in a ledger entry. */
export const RECORDED_DIFF_CHARS = 16 * 1024;

/**
 * A file write as the ledger keeps it. A ledger entry is a record of what an agent did, not a copy of
 * the file: whole contents would make the ledger (and its mirror outside the workspace) grow by every
 * file an agent writes, and keep secrets the redaction cannot recognise. Each side keeps its first
 * characters, its size and its SHA-256 (which names the same content in the snapshot store), and the
 * entry keeps the diff between the two, capped. Other actions are returned unchanged.
 */
export function recordableAction(action: Action, sha256: (text: string) => string): Action {
  if (action.kind !== 'fileWrite' || action.recorded) return action;
  const side = (text: string): RecordedContent => ({ bytes: encoder.encode(text).length, sha256: sha256(text) });
  // Secrets go from each side before the diff: a diff line starts with + or -, which can hide a
  // `KEY=value` from the redaction that runs over the whole entry later.
  const before = action.oldContent !== undefined ? redactSecrets(action.oldContent) : undefined;
  const after = redactSecrets(action.newContent);
  const diff = editDiff(action.path, before, after, { maxDiffChars: RECORDED_DIFF_CHARS });
  const recorded: FileWriteAction = {
    ...action,
    ...(before !== undefined ? { oldContent: start(before) } : {}),
    newContent: start(after),
    recorded: {
      ...(action.oldContent !== undefined ? { old: side(action.oldContent) } : {}),
      new: side(action.newContent),
      ...(diff.kind === 'text' ? { diff: diff.unified } : { noDiff: diff.kind }),
    },
  };
  return recorded;
}

function start(text: string): string {
  return text.length > RECORDED_CONTENT_CHARS ? `${text.slice(0, RECORDED_CONTENT_CHARS)}...[${text.length - RECORDED_CONTENT_CHARS} more characters not recorded]` : text;
}
