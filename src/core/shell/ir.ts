/**
 * The shell command model the rules see: every program the line would start, with its arguments
 * resolved the way the shell would resolve them (quotes removed, escapes decoded, same-line variables
 * substituted), where its input comes from, and which wrappers it was found inside.
 */

export interface Word {
  /** The value after quote removal and expansion; unknown parts keep their source text (`$X`). */
  readonly value: string;
  /** The literal text before the first unknown part: all of `value` when `dynamic` is false. */
  readonly prefix: string;
  /** True when part of the value is only known at run time (unknown variable, `$(...)`, xargs input). */
  readonly dynamic: boolean;
  /** True when the word holds an unquoted glob character the shell would expand. */
  readonly glob: boolean;
  /** Programs whose output makes up part of the word (`$(curl ...)` gives `['curl']`). */
  readonly sources?: readonly string[];
  /** For `{}` in `find -exec`: the files find selects by name alone, when it selects by name alone. */
  readonly found?: NameSelection;
}

/**
 * Files selected by name (`find . -name '*.pyc'`): find's own glob rules on each base name. With
 * `subtrees`, a matching folder counts with everything below it (`-exec rm -r {}` removes it whole).
 */
export interface NameSelection {
  readonly patterns: readonly string[];
  readonly caseInsensitive: boolean;
  readonly subtrees: boolean;
}

export type RedirectOp = '>' | '>>' | '>|' | '&>' | '&>>' | '<' | '<>' | '>&' | '<&' | string;

export interface Redirect {
  readonly op: RedirectOp;
  readonly fd: string | undefined;
  readonly target: Word;
}

/** Where a program's standard input comes from, when it matters (shells and interpreters reading code). */
export type Stdin =
  | { readonly kind: 'text'; readonly text: string; readonly dynamic: boolean; readonly sources?: readonly string[] }
  | { readonly kind: 'pipe'; readonly producer: Invocation };

export interface Invocation {
  /** argv[0] is the program as written (resolved). */
  readonly argv: readonly Word[];
  /** The program's normalized name: basename, lower case, without `.exe`. Empty when unknown. */
  readonly name: string;
  /** True when the program itself is only known at run time (`$CMD`, `$(which x)`). */
  readonly nameDynamic: boolean;
  readonly assignments: ReadonlyMap<string, Word>;
  readonly redirects: readonly Redirect[];
  readonly stdin: Stdin | undefined;
  /** Absolute working directory when known; undefined after `cd` to somewhere unknown. */
  readonly cwd: string | undefined;
  /** Where it runs instead if a `cd` before it failed: `cd build; rm -rf *` (not `cd build && ...`). */
  readonly cwdIfCdFailed?: string;
  /** Set when the program runs on another machine or container (`ssh host`, `docker exec c`). */
  readonly remote: string | undefined;
  /** The wrappers it was found inside, outermost first, e.g. `['sudo', 'bash -c']`. */
  readonly via: readonly string[];
  /** Source text, for messages. */
  readonly text: string;
}

export function literalWord(value: string): Word {
  return { value, prefix: value, dynamic: false, glob: false };
}

export function dynamicWord(value: string, prefix = ''): Word {
  return { value, prefix, dynamic: true, glob: false };
}

/** Arguments after argv[0], as values. */
export function argValues(invocation: Invocation): string[] {
  return invocation.argv.slice(1).map((word) => word.value);
}

export function normalizeProgramName(value: string): string {
  const base = value.split(/[\\/]/).pop() ?? value;
  return base.toLowerCase().replace(/\.exe$/, '');
}
