import type { Finding } from './rule';
import { pathImpact } from './targets';
import type { Target } from './targets';
import type { NameSelection } from '../shell/ir';
import { formatBytes, sizeOf, targetName, unrecoverableFiles, plural } from './describe';
import { isGeneratedName } from './places';
import { isSecretPath } from './secretFiles';

/**
 * How bad it is to delete a target, shared by every rule that deletes (`rm`, `find -delete`,
 * `rsync --delete`, interpreter one-liners, `mv x /dev/null`). The score follows what would be lost and
 * whether anything can bring it back: git for tracked files, a rebuild for build outputs, nothing for
 * untracked work, home directories and system trees.
 */
export interface DeletionOptions {
  /** Deletes whole trees (`rm -r`), not single files. */
  readonly recursive: boolean;
  /** Rule id prefix, e.g. `fs.rm`. */
  readonly rule: string;
  /** Verb phrase for messages, e.g. `deletes`. */
  readonly verb: string;
  /** Only some files below the target are deleted (`find -name x -delete`). */
  readonly selective?: boolean;
}

export function deletionFinding(target: Target, options: DeletionOptions): Finding {
  const found = score(target, options);
  return { rule: `${options.rule}.${found.id}`, score: found.score, message: found.message, paths: [pathImpact(target)] };
}

interface Scored {
  readonly id: string;
  readonly score: number;
  readonly message: string;
}

function score(target: Target, options: DeletionOptions): Scored {
  const { recursive, verb, selective } = options;
  const name = targetName(target);
  const what = selective ? `${verb} matching files under` : verb;
  const exists = target.facts?.exists ?? true;
  switch (target.place) {
    case 'root':
      return recursive ? { id: 'root', score: 100, message: `${what} the entire filesystem (${name})` } : { id: 'root', score: 60, message: `${verb} ${name} at the filesystem root` };
    case 'device':
      return { id: 'device', score: 95, message: `${verb} the disk device ${name}: every partition and file on it` };
    case 'system':
      if (recursive) return { id: 'system', score: selective ? 80 : 95, message: `${what} the system directory ${name}` };
      return { id: 'system', score: 80, message: `${verb} the system file ${name}` };
    case 'home':
      if (!recursive) return { id: 'home', score: 20, message: `${verb} ${name} in your home directory` };
      return { id: 'home', score: selective ? 80 : 95, message: /^~[A-Za-z_]/.test(name) ? `${what} the home directory of the user ${name.slice(1).replace(/\/.*$/, '')}` : `${what} your home directory (${name})` };
    case 'workspace-ancestor':
      return recursive ? { id: 'workspace-ancestor', score: 95, message: `${what} ${name}, which contains this whole workspace` } : { id: 'outside', score: 40, message: `${verb} ${name} outside the workspace` };
    case 'workspace-root': {
      if (target.matching && recursive) return matchedScore(target, target.matching, options);
      const lost = unrecoverableFiles(target);
      if (!recursive) {
        return lost > 0
          ? { id: 'workspace-files', score: 55, message: `${verb} every file at the top of the workspace, ${plural(lost, 'file')} of them not in git` }
          : { id: 'workspace-files', score: 30, message: `${verb} every file at the top of the workspace (all tracked by git)` };
      }
      // A cleanup limited by tests other than names (`-mtime +30`, `-size +1M`): what they select is not
      // counted, so it is logged, not asked (names alone are counted above); the whole tree without a
      // test is critical below.
      if (selective) return { id: 'workspace', score: 40, message: `${what} the workspace (${sizeOf(target)}; ${plural(lost, 'file')} not in git)` };
      return { id: 'workspace-root', score: 90, message: `${what} the whole workspace ${name} (${sizeOf(target)}; ${plural(lost, 'file')} not in git)` };
    }
    case 'git-dir':
      return { id: 'git-dir', score: recursive ? 90 : 80, message: `${what} ${name} inside .git: the repository's history and objects` };
    case 'home-sensitive':
      return { id: 'home-sensitive', score: recursive && !selective ? 85 : 75, message: `${what} ${name} in your home directory: keys, credentials, settings or documents no git can restore` };
    case 'outside':
    case 'home-child': {
      // Nothing is there now, but outside the workspace nothing would restore it if something appears first.
      if (!exists && !target.dynamic) return { id: 'outside', score: recursive ? 50 : 10, message: `${what} ${name} outside the workspace; Airlock sees nothing there now, and nothing would restore it` };
      if (!recursive) return { id: 'outside', score: 40, message: `${verb} ${name} outside the workspace, where git cannot restore it` };
      return { id: 'outside', score: selective ? 55 : 70, message: `${what} ${name} outside the workspace (${sizeOf(target)}); nothing Airlock sees can restore it` };
    }
    case 'unknown':
      return recursive
        ? { id: 'unknown-target', score: 60, message: `${verb} ${name}, a path known only when the command runs; ${whenEmpty(name)}` }
        : { id: 'unknown-target', score: 30, message: `${verb} ${name}, a path known only when the command runs` };
    case 'workspace':
      return target.matching ? matchedScore(target, target.matching, options) : workspaceScore(target, options);
    case 'temp-root':
      // Temporary folders hold nothing meant to last, but running programs keep sockets, locks and
      // sessions there (ssh-agent, tmux, X11): emptying the whole folder breaks them, so it asks.
      return recursive ? { id: 'temp-root', score: 55, message: `${what} all of ${name}, including sockets and files running programs still use` } : { id: 'temp', score: 5, message: `${verb} ${name}` };
    case 'temp':
      return { id: 'temp', score: 5, message: `${what} ${name} in a temporary directory` };
    case 'home-cache':
      return { id: 'cache', score: 10, message: `${what} the cache ${name}; tools rebuild it` };
    case 'build-output':
      return { id: 'build-output', score: target.dynamic ? 20 : 10, message: `${what} ${name}, build output or dependencies that a build or install recreates` };
    case 'null-device':
      return { id: 'none', score: 0, message: `${verb} nothing of value (${name})` };
  }
}

function workspaceScore(target: Target, { recursive, verb, selective }: DeletionOptions): Scored {
  const name = targetName(target);
  const what = selective ? `${verb} matching files under` : verb;
  if (target.dynamic) {
    return { id: 'workspace-unknown', score: recursive ? 45 : 20, message: `${what} ${name} in the workspace, a path only known when the command runs` };
  }
  const facts = target.facts;
  if (!facts || !facts.exists) return { id: 'workspace-missing', score: recursive ? 15 : 5, message: `${what} ${name}, which does not exist now` };
  const lost = unrecoverableFiles(target);
  if (!facts.inGitRepo) {
    return { id: 'workspace-unversioned', score: recursive && facts.isDirectory ? 60 : 35, message: `${what} ${name} (${sizeOf(target)}); the workspace has no git to restore it` };
  }
  if (lost === 0) {
    return { id: 'workspace-tracked', score: recursive ? 30 : 10, message: `${what} ${name} (${sizeOf(target)}); every file is committed, so git can restore it` };
  }
  const detail = [
    facts.untracked > 0 ? `${facts.untracked} untracked` : '',
    facts.modified > 0 ? `${facts.modified} with uncommitted changes` : '',
    facts.ignored > 0 ? `${facts.ignored} ignored by git` : '',
  ].filter(Boolean).join(', ');
  const many = lost >= 10 || (target.matches ?? 0) >= 10;
  const base = recursive ? (selective ? 50 : 65) : many ? 55 : lost > 1 ? 40 : 30;
  return { id: 'workspace-unrecoverable', score: base, message: `${what} ${name} (${sizeOf(target)}): ${plural(lost, 'file')} git cannot restore (${detail})` };
}

/**
 * Files selected by name in the workspace (`find . -name '*.pyc' -delete`), counted on disk: nothing
 * matching, or only committed files, is logged; generated files git ignores (`*.pyc`, `*.log`) are
 * logged; untracked or changed files, other ignored files (a `.env`, a local database) and secrets ask.
 */
function matchedScore(target: Target, names: NameSelection, { verb }: DeletionOptions): Scored {
  const label = names.patterns.join(' or ');
  const under = `under ${targetName(target)}`;
  const facts = target.facts;
  if (!facts || !facts.exists) return { id: 'workspace-missing', score: 15, message: `${verb} files named ${label} ${under}, which does not exist now` };
  if (facts.files === 0) return { id: 'matching-none', score: 10, message: `${verb} files named ${label} ${under}: none match now` };
  const what = `${verb} ${plural(facts.files, 'file')}${facts.truncated ? '+' : ''} named ${label} ${under} (${formatBytes(facts.bytes)})`;
  const secret = names.patterns.some((pattern) => isSecretPath(sampleName(pattern)));
  if (secret) return { id: 'matching-secrets', score: 60, message: `${what}: files that hold secrets, which no commit keeps` };
  if (!facts.inGitRepo) return { id: 'matching-unversioned', score: 55, message: `${what}; the workspace has no git to restore them` };
  const unsaved = facts.untracked + facts.modified;
  if (unsaved > 0) {
    const detail = [facts.untracked > 0 ? `${facts.untracked} untracked` : '', facts.modified > 0 ? `${facts.modified} with uncommitted changes` : ''].filter(Boolean).join(', ');
    return { id: 'matching-unrecoverable', score: unsaved >= 10 ? 60 : 55, message: `${what}: ${plural(unsaved, 'file')} git cannot restore (${detail})` };
  }
  // Ignored files are generated when the names say so (`*.pyc`) or they lie in build outputs (`node_modules/`).
  const kept = names.patterns.every((pattern) => isGeneratedName(sampleName(pattern))) ? 0 : facts.ignored - (facts.generated ?? 0);
  if (kept > 0) return { id: 'matching-ignored', score: 50, message: `${what}: ${plural(kept, 'file')} git ignores and no build recreates, so no commit holds them` };
  if (facts.ignored > 0) {
    const committed = facts.tracked > 0 ? `, and ${facts.tracked} committed, which git can restore` : '';
    return { id: 'matching-generated', score: 15, message: `${what}: ${facts.ignored} generated, which git ignores and a build recreates${committed}` };
  }
  return { id: 'matching-tracked', score: 30, message: `${what}; every one is committed, so git can restore them` };
}

/** A name a pattern would match, to test it against name rules: `*.pyc` stands for `.pyc`, `.env*` for `.env`. */
function sampleName(pattern: string): string {
  return pattern.replace(/\[[^\]]*\]/g, 'x').replace(/\?/g, 'x').replace(/\*/g, '');
}

/** What goes when the leading variable is empty: `$TMPDIR/foo` with TMPDIR unset is `/foo`. */
function whenEmpty(name: string): string {
  const leading = /^\$\{?([A-Za-z_]\w*)\}?(\/.*)$/.exec(name);
  if (!leading) return 'if it is empty or wrong, something else goes';
  const [, variable = '', rest = ''] = leading;
  return `Airlock does not know $${variable}, and if it is empty or unset this deletes ${rest}`;
}
