import type { Target } from './targets';

/** Short human forms for messages: sizes, counts and paths relative to where they matter. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** How a target is named in a message: the word as written, with its resolved path when different. */
export function targetName(target: Target): string {
  const written = target.word.value;
  if (target.remote) return `${written} on ${target.remote}`;
  if (target.ifCdFailed) return `${written} (${target.path ?? '?'}, where the line still is if the cd before it fails)`;
  if (!target.path || target.path === written || target.dynamic) return written;
  return `${written} (${target.path})`;
}

/** "12 files, 3.4 MB" with a "+" when counting stopped at a limit. */
export function sizeOf(target: Target): string {
  const facts = target.facts;
  if (!facts) return 'size unknown';
  if (!facts.exists) return 'nothing there now';
  const more = facts.truncated ? '+' : '';
  const upTo = target.dynamic ? 'up to ' : '';
  return `${upTo}${plural(facts.files, 'file')}${more}, ${formatBytes(facts.bytes)}${more}`;
}

/** Files below the target that git cannot bring back: untracked, ignored, or with uncommitted changes. */
export function unrecoverableFiles(target: Target): number {
  const facts = target.facts;
  if (!facts || !facts.exists) return 0;
  if (!facts.inGitRepo) return facts.files;
  return facts.untracked + facts.modified + facts.ignored;
}
