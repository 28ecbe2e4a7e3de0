import * as posixPath from 'node:path/posix';
import type { Invocation, Word } from '../shell/ir';

/** A git command line with its global options taken apart: `git -C dir -c k=v push ...`. */
export interface GitCommand {
  readonly subcommand: string;
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
    if (value.startsWith('--work-tree=') && !word.dynamic) {
      cwd = posixPath.resolve(cwd ?? '/', value.slice('--work-tree='.length));
      continue;
    }
    if (value.startsWith('-')) continue;
    break;
  }
  const subcommand = argv[index];
  if (!subcommand) return undefined;
  return { subcommand: subcommand.value.toLowerCase(), args: argv.slice(index + 1), cwd };
}

const PROTECTED_BRANCH = /^(refs\/heads\/)?(main|master|trunk|develop|development|dev|prod|production|staging|stable|live|release([/-].*)?|gh-pages)$/i;

export function isProtectedBranch(name: string): boolean {
  return PROTECTED_BRANCH.test(name);
}
