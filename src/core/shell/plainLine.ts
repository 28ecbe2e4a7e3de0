/**
 * Recognizes command lines that need no parser: one simple command whose words bash reads exactly as
 * written. Most lines an agent runs are like that (`ls -la`, `npm test`, `git status`), and for them
 * starting tree-sitter (WebAssembly instantiation and the grammar's first compile, about 16 ms) is
 * most of a hook call that decides locally. test/unit/plainLine.test.ts checks, for every corpus line
 * this accepts, that the assessment equals the one the parser's path gives.
 *
 * The rules, from bash's grammar (bash(1), DEFINITIONS, QUOTING, EXPANSION, SHELL GRAMMAR):
 * - Only ASCII letters, digits and `_ . / - = : @ % + ,` (and `~` inside a word, see below),
 *   separated by spaces or tabs. None of them is a metacharacter (`| & ; ( ) < >`, blank, newline),
 *   a quote or escape (`' " \`), starts an expansion (`$`, backtick, `{` for braces, `* ? [` for
 *   globs, `!` for history and negation), or a comment (`#`). So the shell splits the line on blanks,
 *   each word is one argument with its text unchanged, and nothing runs but the one command. `=` is
 *   kept because it only matters in the first word (next rule) and at a word's start, where
 *   tree-sitter-bash reads `==` as the test operator of `[[ a == b ]]` and drops it from the command's
 *   words; a word starting with `=` is left to the parser. `~` is expanded only at a word's start and
 *   after `=` or `:` (assignments, and arguments that look like one), so it is kept only after another
 *   character (`HEAD~1`).
 * - The first word is not an assignment (`NAME=value cmd` sets a variable; any `=` sends the line to
 *   the parser), not one of bash's reserved words (`if`, `for`, `time`, `coproc`, ...: they start
 *   compound commands or change how the rest is read), and not a word tree-sitter-bash gives its own
 *   node (`declare`, `export`, `local`, `readonly`, `typeset`, `unset`, `unsetenv`), which the walker
 *   reads as a declaration rather than a command. Reserved words are recognized only as the first word
 *   of a simple command here (bash: "the first word of a simple command" or after `case`/`for`/
 *   `select`, which are themselves first words), so later words need no check.
 * - At most MAX_PLAIN_LENGTH characters: longer lines go through the parser, whose work budget
 *   (bashParser.ts) then bounds them exactly as before.
 * What bash does afterwards (aliases, functions, the program's own reading of its arguments) is the
 * same for both paths: ExtractionRun.run receives the same words either way.
 */

/** Lines up to this long may skip the parser; a few hundred words are far below its work budget. */
export const MAX_PLAIN_LENGTH = 2_048;

const WORD = '[A-Za-z0-9_./:@%+,-](?:[A-Za-z0-9_./=:@%+,-]|(?<![=:])~)*';
const PLAIN_LINE = new RegExp(`^[ \\t]*${WORD}(?:[ \\t]+${WORD})*[ \\t]*$`);

/** Bash's reserved words (those spelled with the characters above), and the grammar's declaration words. */
const NOT_A_PLAIN_COMMAND = new Set([
  'case', 'coproc', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'function', 'if', 'in', 'select', 'then', 'time', 'until', 'while',
  'declare', 'export', 'local', 'readonly', 'typeset', 'unset', 'unsetenv',
  // fish's command prefixes, which fishSyntax.ts reads before the parser does.
  'and', 'or', 'not',
]);

export interface PlainLine {
  /** The words bash passes, the program first. */
  readonly words: readonly string[];
  /** The line without the blanks around it: the text tree-sitter gives the command node. */
  readonly text: string;
}

/** The words of a line bash reads without any expansion or syntax, or undefined when it needs parsing. */
export function plainLine(line: string): PlainLine | undefined {
  if (line.length > MAX_PLAIN_LENGTH || !PLAIN_LINE.test(line)) return undefined;
  const text = line.replace(/^[ \t]+|[ \t]+$/g, '');
  const words = text.split(/[ \t]+/);
  const first = words[0] ?? '';
  if (first.includes('=') || NOT_A_PLAIN_COMMAND.has(first)) return undefined;
  return { words, text };
}
