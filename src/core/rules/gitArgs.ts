import * as posixPath from 'node:path/posix';
import type { Invocation, Word } from '../shell/ir';
import { gitConfigOverrides } from '../shell/unwrapGit';

/** A git command line with its global options taken apart: `git -C dir -c k=v push ...`. */
export interface GitCommand {
  readonly subcommand: string;
  /** Settings given for this run only (`-c k=v`, GIT_CONFIG_*), lower-case keys. */
  readonly config: ReadonlyMap<string, string>;
  /** Words after the subcommand. */
  readonly args: readonly Word[];
  /** The directory git runs in, after `-C`; undefined when unknown. */
  readonly cwd: string | undefined;
}

const GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env', '--super-prefix', '--list-cmds']);

export function parseGit(invocation: Invocation): GitCommand | undefined {
  const argv = invocation.argv;
  let cwd = invocation.cwd;
  let index = 1;
  for (; index < argv.length; index++) {
    const word = argv[index] as Word;
    const value = word.value;
    if (GLOBAL_WITH_VALUE.has(value)) {
      const next = argv[++index];
      if (value === '-C' && next) cwd = next.dynamic ? undefined : cwd === undefined && !next.value.startsWith('/') ? undefined : posixPath.resolve(cwd ?? '/', next.value);
      continue;
    }
    if (/^-c./.test(value)) continue;
    if (value.startsWith('--work-tree=') && !word.dynamic) {
      cwd = posixPath.resolve(cwd ?? '/', value.slice('--work-tree='.length));
      continue;
    }
    if (value.startsWith('-')) continue;
    break;
  }
  const subcommand = argv[index];
  if (!subcommand) return undefined;
  const name = subcommand.value.toLowerCase();
  const args = expandLongOptions(argv.slice(index + 1), LONG_OPTIONS[name] ?? []);
  return { subcommand: name, config: gitConfigOverrides(argv.slice(1), invocation), args, cwd };
}

/**
 * Git accepts any unambiguous prefix of a long option (`--forc` is `--force`), so rules must see the
 * full name. Only prefixes that match exactly one option of the subcommand are expanded.
 */
function expandLongOptions(words: readonly Word[], known: readonly string[]): Word[] {
  if (known.length === 0) return [...words];
  return words.map((word) => {
    const match = /^--([a-z][a-z-]*)(=.*)?$/s.exec(word.value);
    if (!match || known.includes(match[1] ?? '')) return word;
    // `--help` is only ever taken whole (`git reset --h` is `--hard`).
    const candidates = known.filter((option) => option !== 'help' && option.startsWith(match[1] ?? '')).sort((a, b) => a.length - b.length);
    const shortest = candidates[0];
    // `--forc` could be --force, --force-with-lease or --force-if-includes: all force, so judge it as --force.
    if (shortest === undefined || !candidates.every((option) => option.startsWith(shortest))) return word;
    const value = `--${shortest}${match[2] ?? ''}`;
    return { ...word, value, prefix: word.dynamic ? word.prefix : value };
  });
}

const COMMON = ['help', 'quiet', 'verbose', 'progress', 'no-progress', 'recurse-submodules', 'no-recurse-submodules'];
const LONG_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  reset: [...COMMON, 'hard', 'soft', 'mixed', 'merge', 'keep', 'no-quiet', 'patch', 'intent-to-add', 'pathspec-from-file', 'pathspec-file-nul', 'refresh', 'no-refresh'],
  push: [...COMMON, 'force', 'force-with-lease', 'no-force-with-lease', 'force-if-includes', 'no-force-if-includes', 'delete', 'mirror', 'prune', 'dry-run', 'all', 'branches', 'tags', 'follow-tags', 'no-follow-tags', 'set-upstream', 'repo', 'receive-pack', 'exec', 'push-option', 'signed', 'no-signed', 'atomic', 'no-atomic', 'no-verify', 'verify', 'porcelain', 'thin', 'no-thin', 'ipv4', 'ipv6'],
  checkout: [...COMMON, 'force', 'ours', 'theirs', 'track', 'no-track', 'guess', 'no-guess', 'detach', 'orphan', 'merge', 'conflict', 'patch', 'no-quiet', 'overlay', 'no-overlay', 'pathspec-from-file', 'pathspec-file-nul', 'ignore-skip-worktree-bits', 'ignore-other-worktrees', 'overwrite-ignore', 'no-overwrite-ignore'],
  switch: [...COMMON, 'create', 'force-create', 'detach', 'guess', 'no-guess', 'discard-changes', 'force', 'merge', 'conflict', 'track', 'no-track', 'orphan', 'ignore-other-worktrees'],
  restore: [...COMMON, 'source', 'staged', 'worktree', 'ours', 'theirs', 'merge', 'conflict', 'patch', 'overlay', 'no-overlay', 'pathspec-from-file', 'pathspec-file-nul', 'ignore-unmerged', 'ignore-skip-worktree-bits'],
  clean: [...COMMON, 'force', 'dry-run', 'exclude', 'interactive'],
  branch: [...COMMON, 'delete', 'force', 'move', 'copy', 'list', 'all', 'remotes', 'track', 'no-track', 'set-upstream-to', 'unset-upstream', 'contains', 'no-contains', 'merged', 'no-merged', 'edit-description', 'show-current', 'create-reflog', 'color', 'no-color', 'column', 'no-column', 'sort', 'points-at', 'format', 'abbrev', 'no-abbrev', 'ignore-case', 'omit-empty'],
  tag: [...COMMON, 'delete', 'list', 'annotate', 'sign', 'no-sign', 'force', 'message', 'file', 'verify', 'contains', 'no-contains', 'points-at', 'sort', 'format', 'column', 'no-column', 'local-user', 'cleanup', 'create-reflog', 'merged', 'no-merged', 'ignore-case', 'omit-empty', 'trailer', 'edit'],
  worktree: [...COMMON, 'force', 'detach', 'checkout', 'no-checkout', 'lock', 'reason', 'orphan', 'track', 'no-track', 'guess-remote', 'dry-run', 'expire', 'porcelain'],
  // git gc has no --progress: `--p=now` is `--prune=now`.
  gc: ['help', 'quiet', 'prune', 'no-prune', 'aggressive', 'auto', 'detach', 'no-detach', 'force', 'keep-largest-pack', 'cruft', 'no-cruft', 'max-cruft-size', 'expire-to'],
  reflog: [...COMMON, 'expire', 'expire-unreachable', 'all', 'rewrite', 'updateref', 'stale-fix', 'dry-run', 'single-worktree'],
  stash: [...COMMON, 'patch', 'staged', 'keep-index', 'no-keep-index', 'include-untracked', 'only-untracked', 'all', 'message', 'pathspec-from-file', 'index'],
  rm: [...COMMON, 'force', 'cached', 'dry-run', 'ignore-unmatch', 'sparse', 'pathspec-from-file', 'pathspec-file-nul'],
  merge: [...COMMON, 'abort', 'quit', 'continue', 'commit', 'no-commit', 'edit', 'no-edit', 'ff', 'no-ff', 'ff-only', 'squash', 'no-squash', 'strategy', 'strategy-option', 'message', 'log', 'no-log', 'stat', 'no-stat', 'signoff', 'verify', 'no-verify', 'autostash', 'no-autostash', 'allow-unrelated-histories', 'rerere-autoupdate', 'into-name', 'cleanup', 'file', 'overwrite-ignore', 'signoff', 'gpg-sign', 'no-gpg-sign'],
  rebase: [...COMMON, 'abort', 'quit', 'continue', 'skip', 'edit-todo', 'show-current-patch', 'onto', 'keep-base', 'interactive', 'exec', 'root', 'autosquash', 'no-autosquash', 'autostash', 'no-autostash', 'update-refs', 'no-update-refs', 'rebase-merges', 'no-rebase-merges', 'strategy', 'strategy-option', 'merge', 'apply', 'force-rebase', 'no-ff', 'fork-point', 'no-fork-point', 'signoff', 'committer-date-is-author-date', 'reset-author-date', 'ignore-date', 'empty', 'keep-empty', 'no-keep-empty', 'reapply-cherry-picks', 'no-reapply-cherry-picks', 'allow-empty-message', 'stat', 'no-stat', 'verify', 'no-verify', 'context', 'ignore-whitespace', 'whitespace', 'gpg-sign', 'no-gpg-sign', 'rerere-autoupdate'],
};

const PROTECTED_BRANCH = /^(refs\/heads\/)?(main|master|trunk|develop|development|dev|prod|production|staging|stable|live|release([/-].*)?|gh-pages)$/i;

export function isProtectedBranch(name: string): boolean {
  return PROTECTED_BRANCH.test(name);
}
