import type { NameSelection } from '../shell/ir';

/**
 * What the engine may ask about the disk and git. The engine stays pure: the CLI and the extension
 * pass a disk-backed probe (`src/host/diskProbe.ts`), tests pass fakes. Every answer is read-only and
 * bounded, so a probe of `/` returns quickly with `truncated: true`.
 */

export interface PathFacts {
  readonly exists: boolean;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
  /** Regular files at or below the path (1 for a file), up to the probe's limit. */
  readonly files: number;
  readonly bytes: number;
  readonly truncated: boolean;
  /** Whether the path lies inside a git work tree. */
  readonly inGitRepo: boolean;
  /** Counts of the files below the path by git state; all zero outside a repository. */
  readonly tracked: number;
  readonly modified: number;
  readonly untracked: number;
  readonly ignored: number;
  /**
   * How many of the `untracked` files lie inside `.git` (counted in the same walk, so the two agree
   * even when counting stopped early): `git clean` never touches them, `rm -rf` does.
   */
  readonly gitInternal?: number;
  /** How many of the `ignored` files lie in or are build outputs (`node_modules/`, `x.pyc`): a build recreates them. */
  readonly generated?: number;
}

export interface FileProbe {
  /** Facts about one absolute path. Never throws; a path that cannot be read reads as missing. */
  describe(absolutePath: string): PathFacts;
  /** The absolute paths a glob matches in `cwd`, or undefined when it cannot be expanded. */
  expandGlob(pattern: string, cwd: string): readonly string[] | undefined;
  /** Facts about the files at or below a path whose names match (`find -name`); optional for probes. */
  describeMatching?(absolutePath: string, names: NameSelection): PathFacts;
}

export const MISSING_PATH: PathFacts = {
  exists: false,
  isDirectory: false,
  isSymlink: false,
  files: 0,
  bytes: 0,
  truncated: false,
  inGitRepo: false,
  tracked: 0,
  modified: 0,
  untracked: 0,
  ignored: 0,
};

/** A probe that knows nothing: every path is missing. Used where no disk is available. */
export const NO_DISK: FileProbe = {
  describe: () => MISSING_PATH,
  expandGlob: () => undefined,
};
