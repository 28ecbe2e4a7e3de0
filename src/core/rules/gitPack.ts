import { hasFlag, parseArgs } from '../shell/options';
import type { Word } from '../shell/ir';
import { plural } from './describe';
import { isProtectedBranch, parseGit } from './gitArgs';
import type { GitCommand } from './gitArgs';
import type { Finding, Rule, RuleInput, RulePack } from './rule';
import { pathImpact } from './targets';
import type { Target } from './targets';

/**
 * Git: discarding uncommitted work, deleting branches, stashes and tags, and rewriting or deleting
 * shared history. Scores follow what is lost: uncommitted changes and untracked files are gone for
 * good; local commits survive in the reflog for a while; a force push can destroy other people's work.
 */

interface GitRule {
  readonly id: string;
  readonly subcommands: readonly string[];
  readonly description: string;
  check(git: GitCommand, input: RuleInput): Finding | readonly Finding[] | undefined;
}

function values(words: readonly Word[]): string[] {
  return words.map((word) => word.value);
}

/** What is at stake in the repository (or a path in it): counts from the probe. */
function repoTarget(git: GitCommand, input: RuleInput, path?: Word): Target {
  const cwd = git.cwd ?? input.invocation.cwd;
  const word: Word = path ?? { value: cwd ?? '.', prefix: cwd ?? '.', dynamic: cwd === undefined, glob: false };
  return input.targets.resolve(word, { ...input.invocation, cwd });
}

function uncommitted(target: Target): number {
  return target.facts?.modified ?? 0;
}

const resetHard: GitRule = {
  id: 'git.reset-hard',
  subcommands: ['reset'],
  description: '`git reset --hard` throws away uncommitted changes.',
  check(git, input) {
    const parsed = parseArgs(values(git.args));
    const repo = repoTarget(git, input);
    const changed = uncommitted(repo);
    if (hasFlag(parsed, '--merge') && !hasFlag(parsed, '--hard')) {
      // --merge keeps unstaged changes but resets staged ones: still a loss when there are any.
      return changed > 0 || !repo.facts?.inGitRepo
        ? { rule: 'git.reset-merge', score: 55, message: 'git reset --merge resets staged changes, and aborts only on some conflicts' }
        : undefined;
    }
    if (!hasFlag(parsed, '--hard')) return undefined;
    const commit = parsed.operands[0];
    if (changed > 0) {
      return { rule: 'git.reset-hard.uncommitted', score: 75, message: `git reset --hard throws away uncommitted changes to ${plural(changed, 'file')}; git keeps no copy of them`, paths: [pathImpact(repo)] };
    }
    if (repo.facts === undefined || !repo.facts.inGitRepo || !repo.facts.exists) {
      return { rule: 'git.reset-hard.unknown', score: 60, message: 'git reset --hard throws away any uncommitted changes; Airlock cannot see this repository\'s state' };
    }
    if (commit && !/^HEAD$/i.test(commit)) {
      return { rule: 'git.reset-hard.rewind', score: 45, message: `git reset --hard ${commit} moves the branch; later commits remain only in the reflog` };
    }
    return { rule: 'git.reset-hard.clean', score: 20, message: 'git reset --hard on a clean work tree: nothing uncommitted to lose now' };
  },
};

function discardPaths(git: GitCommand, input: RuleInput, words: readonly Word[], rule: string, verb: string): Finding[] {
  const targets = (words.length > 0 ? words : [undefined]).map((word) => repoTarget(git, input, word));
  return targets.map((target): Finding => {
    const changed = uncommitted(target);
    if (target.facts === undefined || !target.facts.exists || !target.facts.inGitRepo) {
      // A pathspec Airlock cannot see (missing, a pattern, another repository): it may hold changes.
      return { rule: `${rule}.unknown`, score: 50, message: `${verb} ${target.word.value}, discarding any uncommitted changes there; Airlock cannot see them` };
    }
    if (changed > 0) return { rule: `${rule}.uncommitted`, score: 65, message: `${verb} ${target.word.value}, discarding uncommitted changes to ${plural(changed, 'file')}`, paths: [pathImpact(target)] };
    return { rule: `${rule}.clean`, score: 10, message: `${verb} ${target.word.value}; it has no uncommitted changes now` };
  });
}

const checkoutDiscard: GitRule = {
  id: 'git.checkout-discard',
  subcommands: ['checkout'],
  description: '`git checkout -- <paths>`, `git checkout .` and `git checkout -f` overwrite uncommitted changes.',
  check(git, input) {
    const args = git.args;
    const parsed = parseArgs(values(args), { shortWithValue: 'bB', longWithValue: ['orphan', 'conflict', 'pathspec-from-file'] });
    // `-f` throws away local changes whatever else the command does, new branch or not.
    if (hasFlag(parsed, '-f', '--force')) return discardPaths(git, input, [], 'git.checkout-discard', 'git checkout --force overwrites');
    if (hasFlag(parsed, '-p', '--patch')) return undefined;
    if (parsed.values.has('--pathspec-from-file')) {
      return { rule: 'git.checkout-discard.unknown', score: 55, message: `git checkout overwrites the paths listed in ${parsed.values.get('--pathspec-from-file')?.[0] ?? 'a file'}, discarding their uncommitted changes` };
    }
    if (hasFlag(parsed, '-b', '-B', '--orphan')) return undefined;
    const dashes = args.findIndex((word) => word.value === '--');
    const operands = parsed.operandIndexes.filter((index) => dashes === -1 || index < dashes).map((index) => args[index] as Word);
    let paths: Word[];
    if (dashes !== -1) {
      paths = args.slice(dashes + 1);
    } else if (operands.length >= 2) {
      // `git checkout <tree-ish> <paths>...`: everything after the first operand is a pathspec, which
      // may match more than Airlock sees (patterns, deleted files), so it is judged even when missing.
      paths = operands.slice(1);
    } else {
      // One operand without `--` is a path only when it names one (or is `.` or a pattern).
      paths = operands.filter((word) => {
        if (word.value === '.' || word.glob) return true;
        const target = repoTarget(git, input, word);
        return target.facts?.exists === true && target.place !== 'null-device';
      });
    }
    return paths.length > 0 ? discardPaths(git, input, paths, 'git.checkout-discard', 'git checkout overwrites') : undefined;
  },
};

const restore: GitRule = {
  id: 'git.restore',
  subcommands: ['restore'],
  description: '`git restore <paths>` overwrites uncommitted changes in the work tree.',
  check(git, input) {
    const parsed = parseArgs(values(git.args), { shortWithValue: 's', longWithValue: ['source', 'pathspec-from-file', 'conflict'] });
    if (hasFlag(parsed, '-S', '--staged') && !hasFlag(parsed, '-W', '--worktree')) return undefined;
    if (hasFlag(parsed, '--no-worktree')) return undefined;
    if (hasFlag(parsed, '-p', '--patch')) return undefined;
    const paths = parsed.operandIndexes.map((index) => git.args[index] as Word);
    if (paths.length === 0 && !parsed.values.has('--pathspec-from-file')) return undefined;
    return discardPaths(git, input, paths, 'git.restore', 'git restore overwrites');
  },
};

const switchDiscard: GitRule = {
  id: 'git.switch-discard',
  subcommands: ['switch'],
  description: '`git switch --discard-changes` or `--force` throws away uncommitted changes.',
  check(git, input) {
    const parsed = parseArgs(values(git.args), { shortWithValue: 'cC', longWithValue: ['orphan', 'conflict'] });
    if (!hasFlag(parsed, '-f', '--force', '--discard-changes')) return undefined;
    return discardPaths(git, input, [], 'git.switch-discard', 'git switch --discard-changes overwrites');
  },
};

const clean: GitRule = {
  id: 'git.clean',
  subcommands: ['clean'],
  description: '`git clean -f` deletes untracked files (with -x, ignored ones too); git has no copy of them.',
  check(git, input) {
    const parsed = parseArgs(values(git.args), { shortWithValue: 'e', longWithValue: ['exclude'] });
    if (hasFlag(parsed, '-n', '--dry-run')) return undefined;
    // `-c clean.requireForce=false` removes git's own safety catch.
    const unguarded = /^(false|no|off|0)$/i.test(git.config.get('clean.requireforce') ?? '');
    const forced = unguarded || hasFlag(parsed, '-f', '--force');
    const interactive = hasFlag(parsed, '-i', '--interactive');
    if (!forced && !interactive) return undefined;
    const withIgnored = hasFlag(parsed, '-x', '-X');
    const paths = parsed.operandIndexes.map((index) => git.args[index] as Word);
    const targets = (paths.length > 0 ? paths : [undefined]).map((word) => repoTarget(git, input, word));
    return targets.map((target): Finding => {
      const facts = target.facts;
      if (!facts || !facts.inGitRepo) return { rule: 'git.clean.unknown', score: 60, message: `git clean -f deletes untracked files under ${target.word.value}, which Airlock cannot count` };
      // Files inside .git count as untracked for deletes, but git clean never touches them.
      const untracked = Math.max(0, facts.untracked - (facts.gitInternal ?? 0)) + (withIgnored ? facts.ignored : 0);
      const what = withIgnored ? 'untracked and ignored files (.env files and local data included)' : 'untracked files';
      if (untracked === 0) return { rule: 'git.clean.nothing', score: 15, message: `git clean deletes ${what}; there are none under ${target.word.value} now` };
      return { rule: 'git.clean', score: interactive && !forced ? 35 : 70, message: `git clean deletes ${plural(untracked, 'file')} under ${target.word.value}: ${what}, which git has no copy of`, paths: [pathImpact(target)] };
    });
  },
};

const stash: GitRule = {
  id: 'git.stash',
  subcommands: ['stash'],
  description: '`git stash drop` and `git stash clear` delete saved work.',
  check(git) {
    const action = git.args[0]?.value;
    if (action === 'clear') return { rule: 'git.stash.clear', score: 70, message: 'git stash clear deletes every stash: saved work that exists nowhere else' };
    if (action === 'drop') return { rule: 'git.stash.drop', score: 55, message: `git stash drop deletes the stash ${git.args[1]?.value ?? 'stash@{0}'}: saved work that exists nowhere else` };
    return undefined;
  },
};

const branchDelete: GitRule = {
  id: 'git.branch-delete',
  subcommands: ['branch'],
  description: '`git branch -D` deletes a branch even when its commits are not merged anywhere.',
  check(git) {
    const parsed = parseArgs(values(git.args), { longWithValue: ['set-upstream-to', 'contains', 'merged', 'no-merged', 'points-at', 'sort', 'format'] });
    const deleting = hasFlag(parsed, '-d', '-D', '--delete');
    if (!deleting) {
      const moving = hasFlag(parsed, '-f', '--force') && !hasFlag(parsed, '-m', '-M', '-c', '-C', '--move', '--copy') && parsed.operands.length > 0;
      if (!moving) return undefined;
      const branch = parsed.operands[0] ?? '';
      return { rule: 'git.branch-force', score: isProtectedBranch(branch) ? 70 : 50, message: `git branch --force moves ${branch}; commits only on its old position are left to the reflog` };
    }
    const forced = hasFlag(parsed, '-D', '-f', '--force');
    const remote = hasFlag(parsed, '-r', '--remotes');
    const branches = parsed.operands;
    const protectedOnes = branches.filter(isProtectedBranch);
    if (!forced && protectedOnes.length === 0) return { rule: 'git.branch-delete.merged', score: 15, message: `git branch -d deletes ${branches.join(', ')} only if fully merged` };
    const score = protectedOnes.length > 0 ? 70 : remote ? 30 : 55;
    return { rule: 'git.branch-delete', score, message: `git branch ${forced ? '-D' : '-d'} deletes ${branches.join(', ') || 'a branch'}${forced ? ' even if its commits are merged nowhere' : ''}${protectedOnes.length > 0 ? ` (protected: ${protectedOnes.join(', ')})` : ''}` };
  },
};

const tagDelete: GitRule = {
  id: 'git.tag-delete',
  subcommands: ['tag'],
  description: '`git tag -d` deletes tags (release markers).',
  check(git) {
    const parsed = parseArgs(values(git.args), { shortWithValue: 'mFu', longWithValue: ['message', 'file', 'local-user', 'sort', 'format', 'contains', 'points-at'] });
    if (!hasFlag(parsed, '-d', '--delete')) return undefined;
    return { rule: 'git.tag-delete', score: 50, message: `git tag -d deletes the tag ${parsed.operands.join(', ')}, a release marker others may rely on` };
  },
};

const PUSH_WITH_VALUE = ['repo', 'receive-pack', 'exec', 'push-option', 'signed', 'recurse-submodules', 'o'];

const push: GitRule = {
  id: 'git.push',
  subcommands: ['push'],
  description: 'Force pushes, remote branch and tag deletion, mirror and prune pushes.',
  check(git) {
    const parsed = parseArgs(values(git.args), { shortWithValue: 'o', longWithValue: PUSH_WITH_VALUE });
    if (hasFlag(parsed, '-n', '--dry-run')) return undefined;
    const [, ...refspecs] = parsed.operands;
    const destinations = refspecs.map((spec) => spec.replace(/^\+/, '').split(':').pop() ?? '');
    const protectedTargets = destinations.filter(isProtectedBranch);
    const findings: Finding[] = [];
    const deleting = hasFlag(parsed, '-d', '--delete') ? destinations : refspecs.filter((spec) => spec.startsWith(':')).map((spec) => spec.slice(1));
    if (deleting.length > 0) {
      const protectedDeletes = deleting.filter(isProtectedBranch);
      findings.push({ rule: 'git.push.delete', score: protectedDeletes.length > 0 ? 85 : 70, message: `git push deletes ${deleting.join(', ')} on the remote, for everyone who uses it` });
    }
    if (hasFlag(parsed, '--mirror')) findings.push({ rule: 'git.push.mirror', score: 85, message: 'git push --mirror makes the remote match this clone exactly, deleting every branch and tag it lacks' });
    if (hasFlag(parsed, '--prune')) findings.push({ rule: 'git.push.prune', score: 70, message: 'git push --prune deletes remote branches that do not exist locally' });
    // A `+refspec` forces its ref whatever lease is given.
    const leaseOnly = [...parsed.flags].some((flag) => flag.startsWith('--force-with-lease')) && !hasFlag(parsed, '-f', '--force') && !refspecs.some((spec) => spec.includes('+'));
    const forced = hasFlag(parsed, '-f', '--force') || refspecs.some((spec) => spec.startsWith('+') || spec.includes(':+'));
    if (forced || leaseOnly) {
      const where = protectedTargets.length > 0 ? `the protected branch ${protectedTargets.join(', ')}` : destinations.length > 0 ? destinations.join(', ') : 'the current branch';
      let score = protectedTargets.length > 0 ? 90 : destinations.length > 0 ? 70 : 75;
      // The lease refuses to overwrite commits this clone has not seen, so nobody else's work is lost.
      if (leaseOnly) score = protectedTargets.length > 0 ? 45 : 30;
      findings.push({
        rule: leaseOnly ? 'git.push.force-with-lease' : protectedTargets.length > 0 ? 'git.push.force-protected' : 'git.push.force',
        score,
        message: leaseOnly
          ? `git push --force-with-lease rewrites ${where} on the remote (refused if someone else pushed meanwhile)`
          : `git push --force rewrites ${where} on the remote; commits others pushed are lost for everyone`,
      });
    }
    return findings;
  },
};

const historyRewrite: GitRule = {
  id: 'git.history',
  subcommands: ['filter-branch', 'filter-repo', 'reflog', 'gc', 'prune', 'update-ref', 'replace'],
  description: 'Rewriting all history, and expiring the reflog or pruning objects that make mistakes recoverable.',
  check(git) {
    const args = values(git.args);
    switch (git.subcommand) {
      case 'filter-branch':
      case 'filter-repo':
        if (args.includes('--analyze') || args.includes('--dry-run')) return undefined;
        return { rule: 'git.history.rewrite', score: 80, message: `git ${git.subcommand} rewrites every commit in the repository's history` };
      case 'reflog':
        if (args[0] === 'expire' && args.some((arg) => /^--expire(-unreachable)?=(now|all|0)/.test(arg) || /^--expire-=/.test(arg))) return { rule: 'git.history.reflog-expire', score: 65, message: 'git reflog expire --expire=now deletes the record that makes lost commits recoverable' };
        if (args[0] === 'delete') return { rule: 'git.history.reflog-delete', score: 50, message: 'git reflog delete removes reflog entries that make lost commits recoverable' };
        return undefined;
      case 'gc':
      case 'prune':
        if (args.some((arg) => /^--prune=(now|all|0)|^--expire=(now|0)/.test(arg)) || /^(now|all|0)$/.test(git.config.get('gc.pruneexpire') ?? '') || (git.subcommand === 'prune' && !args.includes('-n') && !args.includes('--dry-run'))) {
          return { rule: 'git.history.prune', score: 50, message: `git ${git.subcommand} permanently deletes unreachable commits that could still be recovered` };
        }
        return undefined;
      case 'update-ref':
        return args.includes('-d') ? { rule: 'git.history.update-ref-delete', score: 55, message: `git update-ref -d deletes the ref ${args.find((arg) => arg !== '-d') ?? ''}` } : undefined;
      default:
        return undefined;
    }
  },
};

const gitRm: GitRule = {
  id: 'git.rm',
  subcommands: ['rm'],
  description: '`git rm -f` deletes files even when they have uncommitted changes.',
  check(git, input) {
    const parsed = parseArgs(values(git.args), { longWithValue: ['pathspec-from-file'] });
    if (hasFlag(parsed, '--cached', '-n', '--dry-run')) return undefined;
    const paths = parsed.operandIndexes.map((index) => git.args[index] as Word);
    return paths.map((word): Finding => {
      const target = repoTarget(git, input, word);
      const changed = uncommitted(target);
      if (changed > 0 && hasFlag(parsed, '-f', '--force')) {
        return { rule: 'git.rm.uncommitted', score: 60, message: `git rm -f deletes ${word.value} with uncommitted changes to ${plural(changed, 'file')}`, paths: [pathImpact(target)] };
      }
      return { rule: 'git.rm', score: 15, message: `git rm deletes ${word.value}; the last commit still has it` };
    });
  },
};

const worktreeRemove: GitRule = {
  id: 'git.worktree-remove',
  subcommands: ['worktree'],
  description: '`git worktree remove --force` deletes a work tree with uncommitted or untracked files.',
  check(git) {
    const args = values(git.args);
    if (args[0] !== 'remove' || !hasFlag(parseArgs(args.slice(1)), '-f', '--force')) return undefined;
    return { rule: 'git.worktree-remove', score: 60, message: `git worktree remove --force deletes the work tree ${args.filter((arg) => !arg.startsWith('-'))[1] ?? ''} with any uncommitted work in it` };
  },
};

const abort: GitRule = {
  id: 'git.abort',
  subcommands: ['merge', 'rebase', 'cherry-pick', 'revert', 'am'],
  description: '`git merge --abort` (and rebase, cherry-pick, revert, am) throws away conflict resolutions and changes made since.',
  check(git, input) {
    if (!git.args.some((word) => word.value === '--abort')) return undefined;
    const repo = repoTarget(git, input);
    const changed = uncommitted(repo);
    if (repo.facts?.inGitRepo && changed === 0) return undefined;
    return { rule: 'git.abort', score: 55, message: `git ${git.subcommand} --abort resets the work tree, discarding uncommitted changes${changed > 0 ? ` to ${plural(changed, 'file')}` : ''} made since it started` };
  },
};

const GIT_RULES: readonly GitRule[] = [abort, resetHard, checkoutDiscard, restore, switchDiscard, clean, stash, branchDelete, tagDelete, push, historyRewrite, gitRm, worktreeRemove];

const git: Rule = {
  id: 'git',
  programs: ['git'],
  description: 'Git operations that lose work or rewrite shared history.',
  check(input) {
    const parsed = parseGit(input.invocation);
    // `-h` anywhere asks git for a subcommand's usage and runs nothing.
    const dashes = parsed?.args.findIndex((word) => word.value === '--') ?? -1;
    const options = parsed && dashes !== -1 ? parsed.args.slice(0, dashes) : parsed?.args;
    if (!parsed || options?.some((word) => word.value === '-h' || word.value === '--help')) return undefined;
    return GIT_RULES.filter((rule) => rule.subcommands.includes(parsed.subcommand)).flatMap((rule) => {
      const found = rule.check(parsed, input);
      return found === undefined ? [] : Array.isArray(found) ? found : [found as Finding];
    });
  },
};

export const GIT_PACK: RulePack = {
  id: 'git',
  description: GIT_RULES.map((rule) => rule.description).join(' '),
  rules: [git],
};
