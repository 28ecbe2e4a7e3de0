import type { Word } from './ir';

/**
 * Positional parameters in a function body, replaced by the call's arguments before the body is
 * walked. `run() { "$@"; }; run rm -rf ~` runs `rm -rf ~`: walked with `"$@"` unknown, the body
 * would only say "some program runs", and a wrapper that forwards its arguments would hide any
 * command behind it. The arguments were already expanded at the call, so each is written back
 * quoted and is not expanded a second time.
 */

/** A body that would grow past this many characters is walked as written, with its parameters unknown. */
const MAX_BODY = 20_000;

const POSITIONAL = /^\$(?:([@*1-9])|\{([@*1-9])\})/;

/** The body with `$@`, `$*` and `$1`..`$9` (bare, braced or double-quoted) replaced by `args`. */
export function bindPositional(body: string, args: readonly Word[]): string {
  if (!/\$\{?[@*1-9]/.test(body)) return body;
  let out = '';
  let quote: '' | "'" | '"' = '';
  for (let at = 0; at < body.length; at++) {
    const char = body[at] ?? '';
    if (quote === "'") {
      if (char === "'") quote = '';
      out += char;
      continue;
    }
    if (char === '\\') {
      out += char + (body[at + 1] ?? '');
      at++;
      continue;
    }
    const match = char === '$' ? POSITIONAL.exec(body.slice(at)) : null;
    if (!match) {
      if (char === '"') quote = quote === '"' ? '' : '"';
      else if (char === "'" && quote === '') quote = "'";
      out += char;
      continue;
    }
    const name = match[1] ?? match[2] ?? '';
    const values = name === '@' || name === '*' ? args : args.slice(Number(name) - 1, Number(name));
    const end = at + match[0].length;
    if (quote === '"' && name !== '*' && body[at - 1] === '"' && body[end] === '"' && out.endsWith('"')) {
      // `"$@"` or `"$1"` standing alone: one word per argument, as the shell passes them.
      out = out.slice(0, -1) + values.map(quoteWord).join(' ');
      at = end;
      quote = '';
      continue;
    }
    out += quote === '"' ? values.map(insideDoubleQuotes).join(' ') : values.map(quoteWord).join(' ');
    at = end - 1;
  }
  return out.length > MAX_BODY ? body : out;
}

function quoteWord(word: Word): string {
  if (word.dynamic) return `"${insideDoubleQuotes(word)}"`;
  // A glob stays a glob, as it would when an unquoted `$@` is expanded.
  if (word.glob && /^[\w@%+=:,./*?[\]-]+$/.test(word.value)) return word.value;
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word.value) ? word.value : `'${word.value.replace(/'/g, `'\\''`)}'`;
}

function insideDoubleQuotes(word: Word): string {
  // An argument known only when the line runs keeps its `$NAME`, which stays unknown when read again.
  return word.value.replace(word.dynamic ? /[\\"`]/g : /[\\"$`]/g, (char) => `\\${char}`);
}
