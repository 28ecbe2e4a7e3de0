import type { NameSelection, Word } from './ir';

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
  /**
   * The name patterns that bound what is found, when names alone bound it: `-name`/`-iname` tests
   * with no negation, and either no `-o` or nothing but name tests (other tests only narrow further).
   * `subtrees` is false: a caller that removes whole folders (`-exec rm -r {}`) turns it on.
   */
  readonly names?: NameSelection;
  /** `-type f`: only files are found, never folders. */
  readonly filesOnly: boolean;
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
  const patterns: string[] = [];
  let caseInsensitive = false;
  let otherTests = false;
  let either = false;
  let negated = false;
  let dynamicPattern = false;
  let filesOnly = false;
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
    if (value === '-o' || value === '-or') either = true;
    if (value === '!' || value === '-not') negated = true;
    if (value === '-type' && args[index + 1]?.value === 'f') filesOnly = true;
    if (value === '-name' || value === '-iname') {
      const pattern = args[index + 1];
      if (!pattern || pattern.dynamic) dynamicPattern = true;
      else patterns.push(pattern.value);
      if (value === '-iname') caseInsensitive = true;
    } else if (SELECTING_TESTS.has(value)) {
      otherTests = true;
    }
    if (SELECTING_TESTS.has(value)) selective = true;
    if (TESTS_WITH_ARGUMENT.has(value)) index++;
  }
  const bounded = patterns.length > 0 && !negated && !dynamicPattern && (!either || !otherTests);
  const names = bounded ? { patterns, caseInsensitive, subtrees: false } : undefined;
  return { starts, deletes, selective, emptyOnly: empty && !selective, execs, filesOnly, ...(names ? { names } : {}) };
}
