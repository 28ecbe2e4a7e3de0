import { Minimatch } from 'minimatch';
import type { NameSelection } from '../shell/ir';

/**
 * find's `-name` test on one base name: `*`, `?` and `[...]`, where a leading dot is an ordinary
 * character (find does not hide dotfiles from `*`), and no braces or extended globs. minimatch with
 * those options is the same language, so the engine and the disk probe share one definition.
 */
export function nameMatcher(selection: NameSelection): (name: string) => boolean {
  const options = { dot: true, nocase: selection.caseInsensitive, noglobstar: true, nobrace: true, noext: true, nonegate: true, nocomment: true };
  const compiled = selection.patterns.map((pattern) => new Minimatch(pattern, options));
  return (name) => compiled.some((pattern) => pattern.match(name));
}

/** A stable text for caching what a selection matched. */
export function selectionKey(selection: NameSelection): string {
  return JSON.stringify([selection.patterns, selection.caseInsensitive, selection.subtrees]);
}
