/**
 * SQL as clients receive it: statements separated by `;`, mixed with client meta-commands (psql's
 * `\dt`, sqlite's `.tables`) that no SQL grammar knows. Splitting first lets one unparsable statement
 * be judged on its own instead of hiding the others.
 */

/** At most this many statements go to the parser; the rest are only keyword-scanned. */
export const MAX_STATEMENTS = 16;

export interface SqlScript {
  readonly statements: readonly string[];
  /** Files the client is told to run from inside the text (`\i file`, `.read file`, `SOURCE file`). */
  readonly includes: readonly string[];
}

/** Splits client input into SQL statements and notes the files it includes. */
export function splitSql(text: string): SqlScript {
  const includes: string[] = [];
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    // psql meta-commands start with a backslash; sqlite3 and duckdb dot-commands with a dot.
    const meta = /^\\(i|ir|include|include_relative)\s+(\S+)/.exec(trimmed) ?? /^\.read\s+(\S+)/.exec(trimmed);
    if (meta) includes.push(meta[meta.length - 1] ?? '');
    if (trimmed.startsWith('\\') || /^\.[a-z]/i.test(trimmed)) continue;
    const source = /^source\s+([^;\s]+)/i.exec(trimmed);
    if (source) {
      includes.push(source[1] ?? '');
      continue;
    }
    // A psql meta-command can also follow SQL on the same line: `select 1 \gx`.
    kept.push(line.replace(/\\(g|gx|gset|x|watch)\b.*$/, ''));
  }
  return { statements: splitStatements(kept.join('\n')), includes };
}

/** Splits on `;` outside quotes, comments and dollar-quoted bodies; empty statements are dropped. */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let index = 0;
  const push = (end: number): void => {
    // A meta-command can follow a `;` on the same line (`drop table t; \\dt`): it ends at the newline.
    const statement = stripComments(text.slice(start, end)).replace(/^(\s*\\[^\n]*(\n|$))+/, '').trim();
    if (statement !== '') statements.push(statement);
  };
  while (index < text.length) {
    const char = text[index];
    const next = text[index + 1];
    if (char === "'" || char === '"' || char === '`') {
      index = closingQuote(text, index, char);
    } else if (char === '-' && next === '-') {
      index = lineEnd(text, index);
    } else if (char === '#' && /(^|\n)\s*$/.test(text.slice(Math.max(0, index - 40), index))) {
      // MySQL's `#` comments, only at a line start here (`#` appears in Postgres operators).
      index = lineEnd(text, index);
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end === -1 ? text.length : end + 2;
    } else if (char === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(index, index + 64));
      if (tag) {
        const end = text.indexOf(tag[0], index + tag[0].length);
        index = end === -1 ? text.length : end + tag[0].length;
      } else index++;
    } else if (char === ';') {
      push(index);
      start = index + 1;
      index++;
    } else index++;
  }
  push(text.length);
  return statements;
}

function closingQuote(text: string, at: number, quote: string): number {
  let index = at + 1;
  while (index < text.length) {
    if (text[index] === '\\' && quote !== '`') {
      index += 2;
      continue;
    }
    if (text[index] === quote) {
      if (text[index + 1] === quote) {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index++;
  }
  return text.length;
}

function lineEnd(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end === -1 ? text.length : end + 1;
}

/** Leading and trailing comments only: the parser handles the ones inside. */
function stripComments(statement: string): string {
  let text = statement.trim();
  for (;;) {
    const before = text;
    text = text.replace(/^--[^\n]*\n?/, '').replace(/^\/\*[\s\S]*?\*\//, '').replace(/^#[^\n]*\n?/, '').trim();
    if (text === before) return text;
  }
}
