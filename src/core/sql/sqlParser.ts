import type { AST } from 'node-sql-parser/build/postgresql';

/**
 * The SQL parser: node-sql-parser, chosen by measurement (bench/sqlParsers.mjs,
 * docs/sql-parser-choice.md). Each dialect is a separate build of about 300 KB that takes ~8 ms to
 * load, so a build is loaded on first use only (Node keeps it after that): commands that never reach a database client never
 * pay for it, and most lines that do need one build.
 */

/**
 * The grammars Airlock ships. T-SQL, BigQuery and Snowflake builds exist too, but each adds ~250 KB
 * that every hook call loads; their clients' destructive statements parse in these three or are
 * caught by the keyword scan (bench/sqlParsers.mjs, docs/sql-parser-choice.md).
 */
export type SqlDialect = 'postgresql' | 'mysql' | 'sqlite';

interface DialectParser {
  astify(sql: string, options: { database: string }): AST | AST[];
}

/** Tried after the client's own dialect: a client's dialect is a guess (proxies, compatible servers). */
const FALLBACK_ORDER: readonly SqlDialect[] = ['mysql', 'postgresql', 'sqlite'];

/**
 * Statements longer than this are not parsed: the grammar takes ~40 ms on a 900-character SELECT and
 * ~80 ms on 4,000 characters, and more when it fails (agents write statements of a few hundred). They get the keyword scan.
 */
export const MAX_PARSE_LENGTH = 1_200;

/**
 * The statement's syntax trees, parsed as `dialect` or else as the fallbacks; undefined if none
 * parses. Parsers hold no state, and Node caches the loaded builds, so nothing is kept here.
 */
export function parseSql(statement: string, dialect: SqlDialect): readonly AST[] | undefined {
  if (statement.length > MAX_PARSE_LENGTH || !parenthesesBalance(statement)) return undefined;
  for (const next of [dialect, ...FALLBACK_ORDER.filter((other) => other !== dialect)]) {

    try {
      const ast = new (loadBuild(next))().astify(statement, { database: next });
      const trees = Array.isArray(ast) ? ast : [ast];
      if (agrees(statement, trees)) return trees;
    } catch {
      // Not this dialect's syntax (or not SQL at all): try the next one.
    }
  }
  return undefined;
}

const MAX_DEPTH = 32;

/**
 * The grammars backtrack exponentially on unclosed parentheses: in the PostgreSQL build,
 * `DELETE FROM t WHERE c = ((` repeated four times takes 0.2 s, and twelve times exhausts the heap and
 * kills the process, which no try/catch survives; in the MySQL build ten unclosed `(SELECT ` take
 * 5 s (bench/sqlParsers.mjs, hostile input). Text whose parentheses do not balance (counted both raw
 * and outside quotes, so a quoting disagreement cannot slip through), or nest deeper than 32, or
 * leaves a quote open, is invalid SQL anyway: it never reaches a parser and gets the keyword scan.
 */
export function parenthesesBalance(statement: string): boolean {
  let raw = 0;
  let quoted = 0;
  let quote = '';
  for (let index = 0; index < statement.length; index++) {
    const char = statement[index];
    if (char === '(') raw++;
    else if (char === ')') raw--;
    if (raw < 0 || raw > MAX_DEPTH) return false;
    if (quote !== '') {
      if (char === quote) quote = '';
      continue;
    }
    if (char === "'" || char === '"' || char === '`') quote = char;
    else if (char === '(') quoted++;
    else if (char === ')') quoted--;
    if (quoted < 0) return false;
  }
  return raw === 0 && quoted === 0 && quote === '';
}

/** The tree type each first keyword must give; other first words may give any tree but an assignment. */
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  drop: ['drop'],
  truncate: ['truncate'],
  delete: ['delete'],
  update: ['update'],
  alter: ['alter'],
  insert: ['insert', 'replace'],
  replace: ['replace', 'insert'],
  create: ['create'],
  select: ['select'],
  with: ['select', 'delete', 'update', 'insert'],
  show: ['show'],
  desc: ['desc'],
  describe: ['desc'],
  explain: ['explain'],
  grant: ['grant'],
  revoke: ['revoke'],
  use: ['use'],
};

/**
 * Some grammars accept almost anything: node-sql-parser's T-SQL build reads
 * `DROP DATABASE app WITH (FORCE)` as assignments to variables named DROP and app. A tree counts only
 * when its kind matches the statement's first word; otherwise the next dialect is tried and, at the
 * end, the keyword scan.
 */
function agrees(statement: string, trees: readonly AST[]): boolean {
  const first = /^\s*\(*\s*([a-z]+)/i.exec(statement)?.[1]?.toLowerCase() ?? '';
  const tree = trees[0] as unknown as { type?: unknown; stmt?: { type?: unknown } } | undefined;
  const type = String(tree?.type ?? tree?.stmt?.type ?? '').toLowerCase();
  const expected = EXPECTED[first];
  if (expected) return expected.includes(type);
  return type !== 'assign' && type !== '';
}

type ParserClass = new () => DialectParser;

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above; the
   literal paths let the bundler include each build. */
function loadBuild(dialect: SqlDialect): ParserClass {
  switch (dialect) {
    case 'postgresql':
      return (require('node-sql-parser/build/postgresql') as { Parser: ParserClass }).Parser;
    case 'mysql':
      return (require('node-sql-parser/build/mysql') as { Parser: ParserClass }).Parser;
    case 'sqlite':
      return (require('node-sql-parser/build/sqlite') as { Parser: ParserClass }).Parser;
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */
