/**
 * fish's own command syntax, rewritten as the bash that runs the same programs, so the walker sees
 * what a fish line starts. The engine is not told which shell a line comes from (the hook and the
 * broker only carry the text), so the rewrite is made for every line, and only where bash could not
 * mean the text otherwise:
 * - `and X`, `or X` and `not X` at the start of a command run X after, instead of, or negating the one
 *   before. They become `X` and `! X`: bash has no such builtins, and which of them runs only matters
 *   for whether X may run, which the walker assumes anyway.
 * - Blocks closed by `end` (`for`, `while`, `if`/`else if`/`else`, `begin`, `function NAME`) become
 *   their bash forms (`do ... done`, `then ... fi`, `{ ...; }`, `NAME() { ...; }`), with `$argv` in a
 *   function as `"$@"`. A line that also has bash's own block words (`do`, `then`, `done`, `fi`) at a
 *   command's start, leaves a block open, or has a heredoc, is bash and is left as it is.
 * Words that are arguments (`echo and end`) are never touched: only a command's first word is read.
 */

type Block = 'for' | 'while' | 'if' | 'begin' | 'function';

const CLOSER: Record<Block, string> = { for: 'done', while: 'done', if: 'fi', begin: '}', function: '}' };
const HEADER_WORD: Partial<Record<Block, string>> = { for: 'do', while: 'do', if: 'then' };
const BASH_BLOCK_WORDS = new Set(['do', 'then', 'done', 'fi', 'elif', 'esac']);
const FISH_WORDS = /(?:^|[;&|(\n])[ \t]*(?:and|or|not|end|begin|function)\b/;

export function rewriteFishSyntax(source: string): string {
  if (!FISH_WORDS.test(source) || source.includes('<<')) return source;
  let out = '';
  let quote: '' | "'" | '"' = '';
  let commandStart = true;
  const blocks: Block[] = [];
  /** The block whose header ends at the next separator, which then takes `do` or `then`. */
  let header: Block | undefined;
  for (let at = 0; at < source.length; at++) {
    const char = source[at] ?? '';
    if (quote === "'") {
      if (char === "'") quote = '';
      out += char;
      continue;
    }
    if (char === '\\') {
      out += char + (source[at + 1] ?? '');
      at++;
      commandStart = false;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = '';
      out += blocks.includes('function') ? argvAt(source, at, true) ?? char : char;
      at += blocks.includes('function') ? argvLength(source, at) : 0;
      continue;
    }
    if (char === ';' || char === '\n' || char === '&' || char === '|' || char === '(') {
      out += char;
      commandStart = true;
      if (header && (char === ';' || char === '\n')) {
        out += ` ${HEADER_WORD[header] ?? ''}`;
        header = undefined;
      }
      continue;
    }
    if (char === ' ' || char === '\t') {
      out += char;
      continue;
    }
    const argv = blocks.includes('function') ? argvAt(source, at, false) : undefined;
    if (!commandStart || argv !== undefined) {
      // `function run; $argv; end` runs its arguments as a command.
      commandStart = false;
      if (char === "'" || char === '"') quote = char;
      out += argv ?? char;
      at += argv === undefined ? 0 : argvLength(source, at);
      continue;
    }
    commandStart = false;
    const word = /^[A-Za-z_][\w-]*(?=[ \t;&|\n)]|$)/.exec(source.slice(at))?.[0] ?? '';
    if (BASH_BLOCK_WORDS.has(word)) return source;
    const next = at + word.length;
    if (word === 'and' || word === 'or' || word === 'not') {
      out += word === 'not' ? '!' : '';
      at = next - 1;
      // The command after the prefix starts here.
      commandStart = word !== 'not';
      continue;
    }
    if (word === 'for' || word === 'while' || word === 'if') {
      blocks.push(word);
      header = word;
    } else if (word === 'else' && blocks.at(-1) === 'if') {
      const elseIf = /^else[ \t]+if(?=[ \t])/.exec(source.slice(at));
      if (elseIf) {
        out += 'elif';
        header = 'if';
        at += elseIf[0].length - 1;
        continue;
      }
      // A bash `else` needs no separator after it, and fish's `else;` is bash's `else` too.
      out += 'else';
      at = skipSeparator(source, next) - 1;
      commandStart = true;
      continue;
    } else if (word === 'begin') {
      blocks.push('begin');
      out += '{';
      at = skipSeparator(source, next) - 1;
      commandStart = true;
      continue;
    } else if (word === 'function') {
      const name = /^function[ \t]+([A-Za-z_][\w-]*)([^;\n]*)/.exec(source.slice(at));
      // `function f {` and `function f()` are bash's own forms.
      if (!name || /^[ \t]*[({]/.test(name[2] ?? '')) {
        out += word;
        at = next - 1;
        continue;
      }
      blocks.push('function');
      out += `${name[1] ?? ''}() {`;
      at = skipSeparator(source, at + name[0].length) - 1;
      commandStart = true;
      continue;
    } else if (word === 'end' && blocks.length > 0) {
      out += CLOSER[blocks.pop() as Block];
      at = next - 1;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    out += word === '' ? char : word;
    at = word === '' ? at : next - 1;
  }
  return blocks.length > 0 || quote !== '' ? source : out;
}

/** Skips blanks and one `;` after a block's opening word: bash reads `{ ;` as an error. */
function skipSeparator(source: string, from: number): number {
  let at = from;
  while (source[at] === ' ' || source[at] === '\t') at++;
  return source[at] === ';' ? at + 1 : at;
}

const ARGV = /^\$argv(?:\[([1-9])\])?(?![\w[])/;

/** fish's `$argv` (every argument, each one word) and `$argv[N]`, in bash's spelling. */
function argvAt(source: string, at: number, quoted: boolean): string | undefined {
  const match = source[at] === '$' ? ARGV.exec(source.slice(at)) : null;
  if (!match) return undefined;
  if (match[1] !== undefined) return quoted ? `\${${match[1]}}` : `"\${${match[1]}}"`;
  return quoted ? '$@' : '"$@"';
}

function argvLength(source: string, at: number): number {
  const match = source[at] === '$' ? ARGV.exec(source.slice(at)) : null;
  return match ? match[0].length - 1 : 0;
}
