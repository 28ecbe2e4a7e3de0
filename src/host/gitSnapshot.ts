import type * as ChildProcess from 'node:child_process';
import { realpathSync } from 'node:fs';

/**
 * What git says about one work tree, read once and kept: the engine asks about thousands of paths
 * per workspace, and a git process per question would cost milliseconds each. Paths are relative to
 * the work tree root with `/` separators, and every list is sorted so a directory's count is two
 * binary searches (see `countUnder`).
 */
export interface GitSnapshot {
  readonly root: string;
  /** Tracked files with no uncommitted change, staged or not. */
  readonly clean: readonly string[];
  /** Tracked files with uncommitted changes (staged or in the work tree) that still exist on disk. */
  readonly modified: readonly string[];
  /** Untracked files that git lists one by one. */
  readonly untracked: readonly string[];
  /** Ignored files that git lists one by one. */
  readonly ignored: readonly string[];
  /** Directories git reports whole (a nested repository); every file below them is untracked. */
  readonly untrackedDirs: ReadonlySet<string>;
  /** Directories git reports whole (`node_modules/`); every file below them is ignored. */
  readonly ignoredDirs: ReadonlySet<string>;
}

export interface GitRunOptions {
  readonly gitBinary: string;
  readonly timeoutMs: number;
  readonly maxBuffer: number;
  /** The environment git runs with; variables that would point git elsewhere are removed. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads the snapshot of the work tree at `root`, or undefined when git is missing, fails, times out,
 * or says `root` is not a work tree. Never throws.
 */
export function readGitSnapshot(root: string, options: GitRunOptions): GitSnapshot | undefined {
  // A stray `.git` folder inside another repository would make git answer for the outer one, with
  // paths relative to a different root: only trust git when its top level is `root` itself.
  const top = runGit(root, ['rev-parse', '--show-toplevel'], options)?.trim();
  if (top === undefined || !samePath(top, root)) return undefined;
  const listed = runGit(root, ['ls-files', '-z'], options);
  if (listed === undefined) return undefined;
  // `--no-optional-locks` keeps status from refreshing the index: the probe must never write.
  const status = runGit(
    root,
    ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=matching', '--no-renames'],
    options,
  );
  if (status === undefined) return undefined;
  return buildSnapshot(root, splitNul(listed), splitNul(status));
}

/** Builds a snapshot from `git ls-files -z` and `git status --porcelain=v1 -z --no-renames` fields. */
export function buildSnapshot(root: string, indexPaths: readonly string[], statusFields: readonly string[]): GitSnapshot {
  const inIndex = new Set(indexPaths);
  const changed = new Set<string>();
  const goneFromDisk = new Set<string>();
  const untracked: string[] = [];
  const ignored: string[] = [];
  const untrackedDirs = new Set<string>();
  const ignoredDirs = new Set<string>();
  for (const field of statusFields) {
    if (field.length < 4) continue;
    const code = field.slice(0, 2);
    const path = field.slice(3);
    if (code === '??' || code === '!!') {
      const isDir = path.endsWith('/');
      const bare = isDir ? path.slice(0, -1) : path;
      if (isDir) (code === '??' ? untrackedDirs : ignoredDirs).add(bare);
      else (code === '??' ? untracked : ignored).push(bare);
      continue;
    }
    // A file deleted in the work tree is already gone: deleting its folder loses nothing more.
    if (code[1] === 'D') goneFromDisk.add(path);
    else if (inIndex.has(path)) changed.add(path);
  }
  const clean = indexPaths.filter((p) => !changed.has(p) && !goneFromDisk.has(p));
  return {
    root,
    clean: sorted(clean),
    modified: sorted([...changed]),
    untracked: sorted(untracked),
    ignored: sorted(ignored),
    untrackedDirs,
    ignoredDirs,
  };
}

/**
 * How many entries of a sorted list lie at or below `rel` (a path relative to the root; '' is the
 * root itself). Binary search keeps it logarithmic, so huge repositories cost nothing per question.
 */
export function countUnder(list: readonly string[], rel: string): number {
  if (rel === '') return list.length;
  const exact = lowerBound(list, rel);
  const self = list[exact] === rel ? 1 : 0;
  const dir = `${rel}/`;
  // '0' is the character after '/', so [dir, rel + '0') is exactly the entries below the directory.
  return self + lowerBound(list, `${rel}0`) - lowerBound(list, dir);
}

/** Entries at or below `rel` that `selected` accepts (paths relative to the repository root). */
export function countSelectedUnder(list: readonly string[], rel: string, selected: (path: string) => boolean): number {
  const from = rel === '' ? 0 : lowerBound(list, rel);
  const to = rel === '' ? list.length : lowerBound(list, `${rel}0`);
  let count = 0;
  for (let index = from; index < to; index++) {
    const entry = list[index] ?? '';
    if ((rel === '' || entry === rel || entry.startsWith(`${rel}/`)) && selected(entry)) count++;
  }
  return count;
}

function lowerBound(list: readonly string[], key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sorted(list: string[]): string[] {
  // Plain code-unit order, the same order `lowerBound` compares with.
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function splitNul(text: string): string[] {
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

// Variables that would make git read another repository or index than the one at `root` (they are
// set, for example, when Airlock runs inside a git hook).
const REDIRECTING_GIT_VARS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_CEILING_DIRECTORIES'];

function runGit(cwd: string, args: readonly string[], options: GitRunOptions): string | undefined {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) {
    if (value !== undefined && !REDIRECTING_GIT_VARS.includes(key)) env[key] = value;
  }
  env.GIT_OPTIONAL_LOCKS = '0';
  env.LC_ALL = 'C';
  try {
    // Loaded on first use: most commands need no git facts, and every agent hook call is a fresh
    // process that would otherwise load child_process for nothing (docs/measurements.md, hook latency).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { spawnSync } = require('node:child_process') as typeof ChildProcess;
    const result = spawnSync(options.gitBinary, ['-c', 'core.quotepath=off', ...args], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: options.timeoutMs,
      maxBuffer: options.maxBuffer,
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    });
    if (result.error || result.status !== 0 || typeof result.stdout !== 'string') return undefined;
    return result.stdout;
  } catch {
    return undefined;
  }
}
