/** How a guard snippet starts the Airlock CLI: an argv prefix such as `[node, /abs/dist/cli.js]`. */
export interface GuardSnippetOptions {
  readonly command: readonly string[];
  /** A faster start for one-shot `guard` calls (guardLoader.ts); the coprocess always uses `command`. */
  readonly oneShot?: OneShotStart;
}

/**
 * An argv prefix that runs `guard ...` like `command` does, only faster to start. A snippet uses it
 * when every file in `requires` exists, and decides through `command` when it gives no answer line
 * (a loader that broke): a start that fails must never leave a line undecided.
 */
export interface OneShotStart {
  readonly command: readonly string[];
  readonly requires: readonly string[];
}

/** A word for bash or zsh: single quotes keep everything literal; a quote is closed, escaped, reopened. */
export function posixQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A word for fish: inside single quotes fish still treats `\\` and `\'` as escapes. */
export function fishQuote(word: string): string {
  return `'${word.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/**
 * Shell code is kept as `String.raw` templates so its backslashes stay as written. Those templates
 * would take the shells' own `${...}` as JavaScript, so the shell text writes `$\{` and this turns it
 * back; `$\{` itself never occurs in the shell code.
 */
export function shellText(strings: TemplateStringsArray, ...values: readonly string[]): string {
  return String.raw({ raw: strings.raw }, ...values).replaceAll('$\\{', '${');
}
