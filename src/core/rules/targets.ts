import * as posixPath from 'node:path/posix';
import type { PathImpact } from '../assessment';
import type { AnalysisContext } from '../context/analysisContext';
import type { PathFacts } from '../context/probe';
import type { Invocation, NameSelection, Word } from '../shell/ir';
import { selectionKey } from '../context/nameMatch';
import { PLACE_SEVERITY, placeOf, worsePlace } from './places';
import type { Place, PlaceContext } from './places';

/** A path operand resolved against where the command runs, classified, and measured on disk. */
export interface Target {
  readonly word: Word;
  /** Absolute normalized path; for dynamic words, the known directory it lies in. Undefined when nothing is known. */
  readonly path: string | undefined;
  readonly place: Place;
  /** Only a prefix of the path is known (`/tmp/$X`): the target is somewhere at or below `path`. */
  readonly dynamic: boolean;
  readonly remote: string | undefined;
  /** What is on disk there (summed over glob matches); undefined for remote or unknown targets. */
  readonly facts: PathFacts | undefined;
  /** Paths a glob matched, when it was one. */
  readonly matches: number | undefined;
  /** Only files with these names at or below `path` are meant (`find -name`), and `facts` counts just them. */
  readonly matching?: NameSelection;
  /** The path as it resolves where the line still is if a `cd` before it failed (the worse of the two). */
  readonly ifCdFailed?: boolean;
}

const MAX_GLOB_MATCHES_MEASURED = 200;

/** Resolves and measures targets; one per analysis, so repeated operands cost one probe. */
export class TargetResolver {
  private readonly facts = new Map<string, PathFacts>();
  private readonly places: PlaceContext;

  constructor(private readonly context: AnalysisContext) {
    this.places = { home: context.home, workspaceRoot: context.workspaceRoot, tempDir: context.env.TMPDIR };
  }

  resolve(word: Word, invocation: Invocation): Target {
    const target = this.resolveAt(word, invocation);
    const fallback = invocation.cwdIfCdFailed;
    // `cd build; rm -rf *`: if the cd failed, a relative path names something where the line still is.
    const relative = !/^[~/]/.test(word.value) && !(word.dynamic && word.prefix.startsWith('/'));
    if (fallback === undefined || fallback === invocation.cwd || invocation.remote !== undefined || !relative) return target;
    const other = this.resolveAt(word, { ...invocation, cwd: fallback });
    const worse = PLACE_SEVERITY.indexOf(other.place) < PLACE_SEVERITY.indexOf(target.place);
    return worse ? { ...other, ifCdFailed: true } : target;
  }

  private resolveAt(word: Word, invocation: Invocation): Target {
    const remote = invocation.remote;
    if (remote !== undefined) return this.remoteTarget(word, remote);
    const base = invocation.cwd;
    // `~name` is another user's home: nothing about it is known here, but it is a home all the same.
    const otherHome = /^~[A-Za-z_][\w.-]*(\/.*)?$/s.exec(word.value);
    if (otherHome) {
      const place: Place = /^(\/|\/\*)?$/.test(otherHome[1] ?? '') ? 'home' : 'home-child';
      return { word, path: word.value, place, dynamic: true, remote: undefined, facts: undefined, matches: undefined };
    }
    if (word.dynamic) return word.found ? this.selectByName(this.dynamicTarget(word, base), word.found) : this.dynamicTarget(word, base);
    const path = toAbsolute(word.value, base);
    if (path === undefined) return unknownTarget(word, undefined);
    if (word.glob) return this.globTarget(word, path, base);
    return { word, path, place: placeOf(path, this.places), dynamic: false, remote: undefined, facts: this.describe(path), matches: undefined };
  }

  /** A start path of `find -name ... -delete`: only the files with those names there are meant. */
  resolveMatching(word: Word, invocation: Invocation, names: NameSelection): Target {
    return this.selectByName(this.resolve(word, invocation), names);
  }

  /**
   * Narrows a target to the files whose names match, measured on disk, when the probe can and the
   * target is a known local folder; otherwise the target stays whole (an upper bound).
   */
  private selectByName(target: Target, names: NameSelection): Target {
    const probe = this.context.probe;
    if (!probe.describeMatching || target.path === undefined || target.remote !== undefined || target.word.glob) return target;
    const key = `${target.path}\0${selectionKey(names)}`;
    let facts = this.facts.get(key);
    if (!facts) {
      facts = probe.describeMatching(target.path, names);
      this.facts.set(key, facts);
    }
    return { ...target, facts, matching: names };
  }

  describe(path: string): PathFacts {
    let facts = this.facts.get(path);
    if (!facts) {
      facts = this.context.probe.describe(path);
      this.facts.set(path, facts);
    }
    return facts;
  }

  placeOf(path: string): Place {
    return placeOf(path, this.places);
  }

  private dynamicTarget(word: Word, base: string | undefined): Target {
    const prefix = word.prefix;
    if (prefix === '' || (!prefix.startsWith('/') && base === undefined)) return unknownTarget(word, undefined);
    // `/srv/$X` may be `/srv/` itself when X is empty: judge the directory the prefix names.
    const dir = prefix.endsWith('/') ? prefix : posixPath.dirname(prefix) === '.' ? '' : prefix;
    const path = toAbsolute(dir === '' ? '.' : dir, base);
    if (path === undefined) return unknownTarget(word, undefined);
    // What lies there is an upper bound on what the unknown part can reach.
    return { word, path, place: placeOf(path, this.places), dynamic: true, remote: undefined, facts: this.describe(path), matches: undefined };
  }

  private globTarget(word: Word, pattern: string, base: string | undefined): Target {
    const dir = posixPath.dirname(pattern);
    const leaf = posixPath.basename(pattern);
    const dirPlace = placeOf(dir, this.places);
    // `dir/*` is everything in `dir`: as bad as deleting `dir` itself.
    const everything = /^\.?\*$|^\*\.\*$|^\.\[!.\]\*$/.test(leaf);
    const matches = this.context.probe.expandGlob(word.value, base ?? dir);
    let place: Place = everything ? dirPlace : matches && matches.length > 0 ? 'null-device' : placeOf(pattern.replace(/[*?[].*$/, '') || dir, this.places);
    if (!everything && (!matches || matches.length === 0) && /[*?[]/.test(posixPath.dirname(pattern))) place = worsePlace(place, dirPlace);
    let facts: PathFacts | undefined;
    for (const match of (matches ?? []).slice(0, MAX_GLOB_MATCHES_MEASURED)) {
      place = everything ? place : worsePlace(place, placeOf(match, this.places));
      facts = addFacts(facts, this.describe(match));
    }
    if (matches && matches.length > MAX_GLOB_MATCHES_MEASURED && facts) facts = { ...facts, truncated: true };
    return { word, path: pattern, place, dynamic: false, remote: undefined, facts, matches: matches?.length };
  }

  private remoteTarget(word: Word, remote: string): Target {
    const value = word.value;
    const remotePlaces: PlaceContext = { home: '/\0home', workspaceRoot: '/\0workspace', tempDir: undefined };
    if (value === '~' || value.startsWith('~/')) {
      const place: Place = value === '~' || value === '~/' || value === '~/*' ? 'home' : 'home-child';
      return { word, path: value, place, dynamic: word.dynamic, remote, facts: undefined, matches: undefined };
    }
    if (!value.startsWith('/') || (word.dynamic && word.prefix === '')) return unknownTarget(word, remote);
    const path = posixPath.normalize(word.dynamic ? word.prefix || '/' : value.replace(/\/\*$/, '') || '/');
    return { word, path, place: placeOf(path, remotePlaces), dynamic: word.dynamic, remote, facts: undefined, matches: undefined };
  }
}

function unknownTarget(word: Word, remote: string | undefined): Target {
  return { word, path: undefined, place: 'unknown', dynamic: true, remote, facts: undefined, matches: undefined };
}

function toAbsolute(value: string, base: string | undefined): string | undefined {
  const unixy = value.replace(/\\/g, '/');
  if (unixy.startsWith('/')) return posixPath.normalize(unixy).replace(/(.)\/$/, '$1');
  if (/^[A-Za-z]:\//.test(unixy)) return unixy;
  if (base === undefined) return undefined;
  return posixPath.resolve(base, unixy);
}

function addFacts(sum: PathFacts | undefined, next: PathFacts): PathFacts {
  if (!sum) return next;
  return {
    exists: sum.exists || next.exists,
    isDirectory: sum.isDirectory || next.isDirectory,
    isSymlink: sum.isSymlink && next.isSymlink,
    files: sum.files + next.files,
    bytes: sum.bytes + next.bytes,
    truncated: sum.truncated || next.truncated,
    inGitRepo: sum.inGitRepo || next.inGitRepo,
    tracked: sum.tracked + next.tracked,
    modified: sum.modified + next.modified,
    untracked: sum.untracked + next.untracked,
    ignored: sum.ignored + next.ignored,
  };
}

/** The impact entry for a target, for the approval view. */
export function pathImpact(target: Target): PathImpact {
  const facts = target.facts;
  const label = target.remote ? `${target.remote}:${target.word.value}` : (target.path ?? target.word.value);
  return {
    path: label,
    exists: facts?.exists ?? false,
    files: facts?.files ?? 0,
    bytes: facts?.bytes ?? 0,
    tracked: facts?.tracked ?? 0,
    untracked: facts?.untracked ?? 0,
    modified: facts?.modified ?? 0,
    truncated: facts?.truncated ?? false,
  };
}
