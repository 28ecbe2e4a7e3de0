import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { nameMatcher, selectionKey } from '../core/context/nameMatch';
import type { FileProbe, PathFacts } from '../core/context/probe';
import { MISSING_PATH } from '../core/context/probe';
import { isGeneratedName } from '../core/rules/places';
import type { NameSelection } from '../core/shell/ir';
import { expandGlob } from './globExpand';
import type { GitSnapshot } from './gitSnapshot';
import { countSelectedUnder, countUnder, readGitSnapshot } from './gitSnapshot';

export interface DiskProbeOptions {
  /** Directory entries visited per `describe` before counting stops with `truncated: true`. */
  readonly maxEntries?: number;
  /** Milliseconds per `describe` walk before counting stops with `truncated: true`. */
  readonly maxMillis?: number;
  /**
   * Milliseconds of walking shared by every `describe` within one second. `rm -rf /*` asks about
   * twenty system folders; each may take `maxMillis`, and together they must still answer fast.
   */
  readonly maxMillisPerSecond?: number;
  readonly maxGlobMatches?: number;
  readonly gitBinary?: string;
  /** Per git invocation; a git that takes longer reads as no repository. */
  readonly gitTimeoutMs?: number;
  readonly gitMaxBuffer?: number;
  /** Environment for git (PATH, HOME for its config); defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const DEFAULTS = {
  maxEntries: 20_000,
  maxMillis: 50,
  maxMillisPerSecond: 250,
  maxGlobMatches: 10_000,
  gitBinary: 'git',
  gitTimeoutMs: 2_000,
  gitMaxBuffer: 64 * 1024 * 1024,
};

/** Bounds the per-path answer cache; a long batch of commands keeps asking about the same few paths. */
const MAX_CACHED_FACTS = 10_000;

/** Where a file stands with git when git did not list it one by one. */
/** `git-internal`: inside `.git`, counted as untracked (nothing restores it) and also on its own. */
type Standing = 'listed' | 'untracked' | 'ignored' | 'outside' | 'git-internal';

/**
 * The disk- and git-backed probe. It is a snapshot: git is asked once per repository and answers are
 * cached for the life of the instance, so judging thousands of commands in one workspace costs one set
 * of git calls. Create a new probe when the disk may have changed (for each request in a long-lived
 * process). Read-only: it never writes, and git runs without optional locks.
 */
export class DiskProbe implements FileProbe {
  private readonly options: typeof DEFAULTS & { env: Readonly<Record<string, string | undefined>> };
  private readonly rootOfDirectory = new Map<string, string | null>();
  private readonly snapshots = new Map<string, GitSnapshot | null>();
  private readonly facts = new Map<string, PathFacts>();
  private readonly globs = new Map<string, readonly string[] | undefined>();
  private budgetWindowStart = 0;
  private budgetSpent = 0;

  constructor(options: DiskProbeOptions = {}) {
    this.options = {
      maxEntries: options.maxEntries ?? DEFAULTS.maxEntries,
      maxMillis: options.maxMillis ?? DEFAULTS.maxMillis,
      maxMillisPerSecond: options.maxMillisPerSecond ?? DEFAULTS.maxMillisPerSecond,
      maxGlobMatches: options.maxGlobMatches ?? DEFAULTS.maxGlobMatches,
      gitBinary: options.gitBinary ?? DEFAULTS.gitBinary,
      gitTimeoutMs: options.gitTimeoutMs ?? DEFAULTS.gitTimeoutMs,
      gitMaxBuffer: options.gitMaxBuffer ?? DEFAULTS.gitMaxBuffer,
      env: options.env ?? process.env,
    };
  }

  describe(absolutePath: string): PathFacts {
    const path = resolve(absolutePath);
    return this.cachedFacts(path, () => this.compute(path));
  }

  describeMatching(absolutePath: string, names: NameSelection): PathFacts {
    const path = resolve(absolutePath);
    return this.cachedFacts(`${path}\0${selectionKey(names)}`, () => this.compute(path, names));
  }

  /** Facts computed once per key for this snapshot; a path that cannot be read reads as missing. */
  private cachedFacts(key: string, compute: () => PathFacts): PathFacts {
    const cached = this.facts.get(key);
    if (cached) return cached;
    let facts: PathFacts;
    try {
      facts = compute();
    } catch {
      facts = MISSING_PATH;
    }
    if (this.facts.size >= MAX_CACHED_FACTS) this.facts.clear();
    this.facts.set(key, facts);
    return facts;
  }

  expandGlob(pattern: string, cwd: string): readonly string[] | undefined {
    // Cached like `describe`: `rm -rf /tmp/*` reads a large folder, and batches repeat such commands.
    const key = `${cwd}\0${pattern}`;
    if (this.globs.has(key)) return this.globs.get(key);
    let matches: readonly string[] | undefined;
    try {
      matches = expandGlob(pattern, cwd, {
        maxMatches: this.options.maxGlobMatches,
        maxDirectories: 5_000,
        maxMillis: 2 * this.options.maxMillis,
      });
    } catch {
      matches = undefined;
    }
    if (this.globs.size >= MAX_CACHED_FACTS) this.globs.clear();
    this.globs.set(key, matches);
    return matches;
  }

  /** The git snapshot of the work tree containing `path`, when git could read one. */
  gitSnapshotFor(path: string): GitSnapshot | undefined {
    let candidate = findWorkTreeRoot(path, this.rootOfDirectory);
    while (candidate !== undefined) {
      let snapshot = this.snapshots.get(candidate);
      if (snapshot === undefined) {
        snapshot = readGitSnapshot(candidate, this.gitRunOptions()) ?? null;
        this.snapshots.set(candidate, snapshot);
      }
      if (snapshot) return snapshot;
      // A `.git` git does not recognise (a stray folder, a broken repository): look further up.
      const parent = dirname(candidate);
      candidate = parent === candidate ? undefined : findWorkTreeRoot(parent, this.rootOfDirectory);
    }
    return undefined;
  }

  private gitRunOptions() {
    const { gitBinary, gitTimeoutMs: timeoutMs, gitMaxBuffer: maxBuffer, env } = this.options;
    return { gitBinary, timeoutMs, maxBuffer, env };
  }

  /** This walk's time limit: `maxMillis`, or less when this second's shared budget is nearly spent. */
  private walkMillis(): number {
    const now = performance.now();
    if (now - this.budgetWindowStart > 1_000) {
      this.budgetWindowStart = now;
      this.budgetSpent = 0;
    }
    const left = this.options.maxMillisPerSecond - this.budgetSpent;
    // Never zero: even an exhausted budget looks at the first entries, so `exists` and a few counts are right.
    return Math.max(1, Math.min(this.options.maxMillis, left));
  }

  /** Facts about everything at or below `path`, or with `names`, about the files those names select. */
  private compute(path: string, names?: NameSelection): PathFacts {
    const snapshot = this.gitSnapshotFor(path);
    const stats = tryLstat(path);
    if (!stats) return { ...MISSING_PATH, inGitRepo: snapshot !== undefined };
    const rel = snapshot ? toGitPath(relative(snapshot.root, path)) : '';
    const standing = snapshot ? standingOf(snapshot, rel) : 'outside';
    const matches = names ? nameMatcher(names) : undefined;
    const selection = matches && names ? { matches, subtrees: names.subtrees } : undefined;
    const walk = new BoundedWalk(this.options.maxEntries, this.walkMillis(), snapshot, selection);
    const walkStart = performance.now();
    if (stats.isDirectory()) walk.directory(path, rel, standing);
    else if (!matches || matches(basename(path))) walk.file(stats.isFile() ? stats.size : 0, standing);
    this.budgetSpent += performance.now() - walkStart;
    const listed = snapshot !== undefined && standing === 'listed';
    // With names, git's lists count only the entries they select: by base name, or with `subtrees`,
    // by any folder name below the path.
    const selected = (entry: string): boolean => {
      if (!matches) return true;
      const segments = (entry === rel || rel === '' ? entry : entry.slice(rel.length + 1)).split('/');
      return names?.subtrees ? segments.some(matches) : matches(segments[segments.length - 1] ?? '');
    };
    const count = (list: readonly string[]): number => (!listed ? 0 : matches ? countSelectedUnder(list, rel, selected) : countUnder(list, rel));
    const generatedIgnored = !listed || !snapshot ? 0 : countSelectedUnder(snapshot.ignored, rel, (entry) => selected(entry) && entry.split('/').some(isGeneratedName));
    return {
      exists: true,
      isDirectory: stats.isDirectory(),
      isSymlink: stats.isSymbolicLink(),
      files: walk.files,
      bytes: walk.bytes,
      truncated: walk.truncated,
      inGitRepo: snapshot !== undefined,
      tracked: count(snapshot?.clean ?? []),
      modified: count(snapshot?.modified ?? []),
      untracked: count(snapshot?.untracked ?? []) + walk.untracked,
      ignored: count(snapshot?.ignored ?? []) + walk.ignored,
      gitInternal: walk.gitInternal,
      generated: generatedIgnored + walk.generated,
    };
  }
}

export function createDiskProbe(options?: DiskProbeOptions): DiskProbe {
  return new DiskProbe(options);
}

/**
 * The nearest folder at or above `path` holding a `.git` entry (a folder, or the file a worktree or
 * submodule has), found without starting git: this runs for every command's working directory.
 */
export function findWorkTreeRoot(path: string, cache?: Map<string, string | null>): string | undefined {
  const visited: string[] = [];
  let dir = resolve(path);
  let found: string | null = null;
  for (;;) {
    const known = cache?.get(dir);
    if (known !== undefined) {
      found = known;
      break;
    }
    visited.push(dir);
    if (tryLstat(join(dir, '.git'))) {
      found = dir;
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const v of visited) cache?.set(v, found);
  return found ?? undefined;
}

/** Counts files and bytes below a path within a budget, classifying what git did not list one by one. */
class BoundedWalk {
  files = 0;
  bytes = 0;
  untracked = 0;
  ignored = 0;
  gitInternal = 0;
  /** Ignored files in folders git reports whole that are build outputs (`node_modules/`). */
  generated = 0;
  truncated = false;
  private entries = 0;
  private readonly deadline: number;

  constructor(
    private readonly maxEntries: number,
    maxMillis: number,
    private readonly snapshot: GitSnapshot | undefined,
    /** Count only files whose names match, or whole folders whose names match with `subtrees`. */
    private readonly selection?: { readonly matches: (name: string) => boolean; readonly subtrees: boolean },
  ) {
    this.deadline = performance.now() + maxMillis;
  }

  file(size: number, standing: Standing, rel = ''): void {
    this.files++;
    this.bytes += size;
    if (standing === 'untracked' || standing === 'git-internal') this.untracked++;
    else if (standing === 'ignored') this.ignored++;
    if (standing === 'ignored' && rel.split('/').some(isGeneratedName)) this.generated++;
    if (standing === 'git-internal') this.gitInternal++;
  }

  directory(root: string, rootRel: string, rootStanding: Standing): void {
    // Depth-first with an explicit stack: deep trees must not overflow the call stack.
    // The last element says whether every file below counts (no selection, or inside a selected folder).
    const stack: [string, string, Standing, boolean][] = [[root, rootRel, rootStanding, this.selection === undefined]];
    while (stack.length > 0) {
      const [dir, rel, standing, all] = stack.pop() as [string, string, Standing, boolean];
      let names: { name: string; isDirectory(): boolean; isFile(): boolean }[];
      try {
        names = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // Unreadable: report what could be seen.
      }
      for (const entry of names) {
        if (++this.entries > this.maxEntries || ((this.entries & 15) === 0 && performance.now() > this.deadline)) {
          this.truncated = true;
          return;
        }
        const path = join(dir, entry.name);
        const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
        const childStanding = this.childStanding(standing, childRel);
        const selected = all || this.selection?.matches(entry.name) === true;
        // Dirent types come from lstat semantics: a symbolic link is never followed.
        if (entry.isDirectory()) stack.push([path, childRel, childStanding, all || (selected && this.selection?.subtrees === true)]);
        else if (selected) this.file(entry.isFile() ? (tryLstat(path)?.size ?? 0) : 0, childStanding, childRel);
      }
    }
  }

  private childStanding(parent: Standing, childRel: string): Standing {
    if (parent !== 'listed' || !this.snapshot) return parent;
    if (childRel === '.git') return 'git-internal';
    if (this.snapshot.untrackedDirs.has(childRel)) return 'untracked';
    if (this.snapshot.ignoredDirs.has(childRel)) return 'ignored';
    return 'listed';
  }
}

/**
 * Whether git lists the files at `rel` one by one, or reports a whole folder above it. Files inside
 * `.git` are not tracked by anything, so deleting them is unrecoverable: they count as untracked.
 */
function standingOf(snapshot: GitSnapshot, rel: string): Standing {
  if (rel === '') return 'listed';
  const parts = rel.split('/');
  if (parts[0] === '.git') return 'git-internal';
  let prefix = '';
  for (const part of parts) {
    prefix = prefix === '' ? part : `${prefix}/${part}`;
    if (snapshot.untrackedDirs.has(prefix)) return 'untracked';
    if (snapshot.ignoredDirs.has(prefix)) return 'ignored';
  }
  return 'listed';
}

function toGitPath(rel: string): string {
  return sep === '/' ? rel : rel.split(sep).join('/');
}

function tryLstat(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
