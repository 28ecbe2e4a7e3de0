import type { Word } from './ir';

/**
 * `find`'s command line, read the way find reads it: global options, start paths, then an expression
 * whose tests take arguments. Reading it properly matters both ways: `find . -name -delete` deletes
 * nothing (`-delete` is the name pattern), and `find . -exec echo -delete \;` only echoes.
 */
export interface FindCommand {
  readonly starts: readonly Word[];
  /** The expression holds the `-delete` action. */
  readonly deletes: boolean;
  /** Tests that select some files (`-name`, `-mtime`, ...), not every file below the start paths. */
  readonly selective: boolean;
  /** Only empty files and folders match (`-empty`): deleting them loses nothing. */
  readonly emptyOnly: boolean;
  /** `-exec cmd {} ;` and kin, with their words. */
  readonly execs: readonly { readonly action: string; readonly argv: readonly Word[] }[];
}

const TESTS_WITH_ARGUMENT = new Set([
  '-name', '-iname', '-path', '-ipath', '-regex', '-iregex', '-wholename', '-iwholename', '-lname', '-ilname', '-type', '-xtype',
  '-size', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-anewer', '-cnewer', '-user', '-group', '-perm',
  '-links', '-inum', '-samefile', '-gid', '-uid', '-maxdepth', '-mindepth', '-fstype', '-printf', '-fprint', '-fprint0', '-fls',
  '-context', '-used', '-regextype', '-files0-from', '-D',
]);
const SELECTING_TESTS = new Set([
  '-name', '-iname', '-path', '-ipath', '-regex', '-iregex', '-wholename', '-iwholename', '-lname', '-ilname', '-size', '-mtime',
  '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-anewer', '-cnewer', '-user', '-group', '-perm', '-links', '-inum',
  '-samefile', '-gid', '-uid', '-used', '-nouser', '-nogroup',
]);
const EXEC_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir']);

export function parseFind(args: readonly Word[]): FindCommand {
  let index = 0;
  // Global options before the start paths.
  while (index < args.length) {
    const value = args[index]?.value ?? '';
    if (/^-[HLP]$|^-O\d$/.test(value)) index++;
    else if (value === '-D') index += 2;
    else break;
  }
  const starts: Word[] = [];
  for (; index < args.length; index++) {
    const value = args[index]?.value ?? '';
    if (value.startsWith('-') || value === '(' || value === '!' || value === ')') break;
    starts.push(args[index] as Word);
  }
  let deletes = false;
  let selective = false;
  let empty = false;
  const execs: { action: string; argv: Word[] }[] = [];
  for (; index < args.length; index++) {
    const value = args[index]?.value ?? '';
    if (EXEC_ACTIONS.has(value)) {
      const argv: Word[] = [];
      for (index++; index < args.length; index++) {
        const part = args[index]?.value ?? '';
        if (part === ';' || part === '+') break;
        argv.push(args[index] as Word);
      }
      if (argv.length > 0) execs.push({ action: value, argv });
      continue;
    }
    if (value === '-delete') deletes = true;
    if (value === '-empty') empty = true;
    if (SELECTING_TESTS.has(value)) selective = true;
    if (TESTS_WITH_ARGUMENT.has(value)) index++;
  }
  return { starts, deletes, selective, emptyOnly: empty && !selective, execs };
}
