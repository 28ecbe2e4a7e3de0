import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Action } from '../../core/action';
import type { HookIntent } from '../../core/hooks/payload';

/** Files larger than this are not read to compute an edit; the edit is judged by its own text. */
const MAX_READ_BYTES = 2 * 1024 * 1024;

/**
 * Turns what the payload says into an action the engine judges: an edit becomes the whole file as it
 * will be (old content read from disk, edits applied), and a whole-file write learns what it replaces.
 */
export function intentToAction(intent: HookIntent, cwd: string): Action {
  if (intent.kind === 'edit') {
    const old = readSmall(path.resolve(intent.cwd ?? cwd, intent.path));
    if (old === undefined) {
      // Without the file, the edit itself shows what goes (old text) and what comes (new text).
      return { kind: 'fileWrite', path: intent.path, oldContent: intent.edits.map((edit) => edit.oldText).join('\n'), newContent: intent.edits.map((edit) => edit.newText).join('\n'), tool: intent.tool, ...(intent.cwd ? { cwd: intent.cwd } : {}) };
    }
    let next = old;
    for (const edit of intent.edits) {
      if (edit.oldText === '') next = `${next}${edit.newText}`;
      else next = edit.replaceAll ? next.split(edit.oldText).join(edit.newText) : next.replace(edit.oldText, () => edit.newText);
    }
    return { kind: 'fileWrite', path: intent.path, oldContent: old, newContent: next, tool: intent.tool, ...(intent.cwd ? { cwd: intent.cwd } : {}) };
  }
  if (intent.kind === 'fileWrite' && intent.oldContent === undefined) {
    const old = readSmall(path.resolve(intent.cwd ?? cwd, intent.path));
    return old === undefined ? intent : { ...intent, oldContent: old };
  }
  return intent;
}

function readSmall(file: string): string | undefined {
  try {
    const stat = statSync(file);
    if (!stat.isFile() || stat.size > MAX_READ_BYTES) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
