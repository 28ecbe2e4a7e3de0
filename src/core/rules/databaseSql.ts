import type { SqlAnalysis, SqlEffect } from '../sql/classify';
import { analyzeSql } from '../sql/classify';
import { splitSql } from '../sql/sqlText';
import type { Invocation, Word } from '../shell/ir';
import { literalOutput } from '../shell/literalOutput';
import { parseArgs } from '../shell/options';
import { argsOf, dbFinding, listNames, productionOf, redactUrl } from './databaseShared';
import type { Finding, Rule, RuleInput } from './rule';
import { CLIENTS, clientOf } from './databaseClients';
import type { ClientSpec } from './databaseClients';

/**
 * SQL handed to a database client: `psql -c`, `mysql -e`, `sqlite3 db 'SQL'`, heredocs, here-strings
 * and pipes into the client, `wrangler d1 execute --command`... The SQL is parsed (src/core/sql) and
 * each destructive statement becomes a finding naming the table or database and where it lives.
 */

interface SqlSource {
  readonly text: string;
  readonly dynamic: boolean;
}

interface ClientRun {
  readonly sources: SqlSource[];
  /** Files of SQL that run but that Airlock does not read. */
  readonly unread: string[];
  /** Where it runs, for messages: `the database app on db.internal`, `the database named by $DATABASE_URL`. */
  readonly where: string;
  readonly databaseName: string | undefined;
}

function readClient(invocation: Invocation, spec: ClientSpec, args: readonly Word[]): ClientRun {
  const values = args.map((word) => word.value);
  const parsed = spec.options.singleDashLong ? parseSqliteArgs(values) : parseArgs(values, spec.options);
  const optionWords = (names: readonly string[]): Word[] => {
    const out: Word[] = [];
    // The parsed values lose the dynamic flag; find each value's word again by its text.
    for (const name of names) {
      for (const value of parsed.values.get(name) ?? []) {
        const word = args.find((candidate) => candidate.value === value || candidate.value.endsWith(value));
        out.push({ value, prefix: value, dynamic: word?.dynamic ?? false, glob: false });
      }
    }
    return out;
  };
  const sources: SqlSource[] = optionWords(spec.sql).map((word) => ({ text: word.value, dynamic: word.dynamic }));
  const unread: string[] = [];
  const files = names(parsed.values, spec.files);
  let readsStdin = sources.length === 0 && files.length === 0;
  for (const file of files) {
    if (file === '-') readsStdin = true;
    else unread.push(file);
  }
  const operands = parsed.operandIndexes.map((index) => args[index] as Word);
  let database = names(parsed.values, spec.database)[0];
  if (spec.operands === 'database' || spec.operands === 'database-then-sql') {
    database ??= operands[0]?.value;
    if (spec.operands === 'database-then-sql') {
      const sql = operands.slice(1);
      if (sql.length > 0) {
        sources.push({ text: sql.map((word) => word.value).join(' '), dynamic: sql.some((word) => word.dynamic) });
        readsStdin = false;
      }
    }
  } else if (spec.operands === 'sql' && operands.length > 0) {
    sources.push({ text: operands.map((word) => word.value).join(' '), dynamic: operands.some((word) => word.dynamic) });
    readsStdin = false;
  }
  if (readsStdin) {
    const stdin = stdinOf(invocation);
    if (stdin) sources.push(stdin);
    else if (invocation.stdin?.kind === 'pipe') unread.push(pipedFrom(invocation.stdin.producer));
    for (const redirect of invocation.redirects) if (redirect.op === '<' && (redirect.fd === undefined || redirect.fd === '0')) unread.push(redirect.target.value);
  }
  const host = names(parsed.values, spec.host)[0];
  // `wrangler d1 execute --remote` runs against the deployed database, not the local copy.
  const remote = spec.provider === 'Cloudflare D1' && values.includes('--remote') ? ' (the deployed copy, --remote)' : '';
  return { sources, unread, where: `${describeWhere(spec, database, host)}${remote}`, databaseName: database };
}

function names(values: ReadonlyMap<string, readonly string[]>, options: readonly string[]): string[] {
  return options.flatMap((option) => values.get(option) ?? []);
}

/** What reaches the client's standard input: heredoc or here-string text, or a literal printer's output. */
function stdinOf(invocation: Invocation): SqlSource | undefined {
  const stdin = invocation.stdin;
  if (!stdin) return undefined;
  // `client < file` reaches the rule as stdin text `<file`: the file is judged as unread input instead.
  if (stdin.kind === 'text') return invocation.redirects.some((redirect) => redirect.op === '<') ? undefined : { text: stdin.text, dynamic: stdin.dynamic };
  const output = literalOutput(stdin.producer);
  if (output !== undefined) return { text: output, dynamic: false };
  return undefined;
}

/** What an unreadable pipe carries, for messages: the files `cat` or `zcat` read, or the program's output. */
function pipedFrom(producer: Invocation): string {
  const files = producer.argv.slice(1).map((word) => word.value).filter((value) => !value.startsWith('-'));
  if (/^(cat|zcat|gzcat|bzcat|xzcat|zstdcat|gunzip|gzip|xz|bzip2|zstd|pv)$/.test(producer.name) && files.length > 0) return files.join(' ');
  return `the output of ${producer.name || 'a command'}`;
}

/** sqlite3 and duckdb take single-dash long options; a few take a value. */
function parseSqliteArgs(values: readonly string[]): { values: Map<string, string[]>; operandIndexes: number[] } {
  const withValue = new Set(['-cmd', '-init', '-separator', '-newline', '-nullvalue', '-vfs', '-lookaside', '-pagecache', '-heap', '-mmap', '-maxsize', '-c', '-s', '-f']);
  const out = new Map<string, string[]>();
  const operandIndexes: number[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = values[index] ?? '';
    const option = value.replace(/^--/, '-');
    if (withValue.has(option) && index + 1 < values.length) {
      out.set(option, [...(out.get(option) ?? []), values[++index] ?? '']);
    } else if (!value.startsWith('-') || value === '-') operandIndexes.push(index);
  }
  return { values: out, operandIndexes };
}

function describeWhere(spec: ClientSpec, database: string | undefined, host: string | undefined): string {
  const on = host ? ` on ${host}` : '';
  if (!database) return host ? ` in the ${spec.provider} database on ${host}` : '';
  if (/^\$\{?\w+\}?$/.test(database)) return ` in the database named by ${database}${on}`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(database)) return ` in the database at ${redactUrl(database)}`;
  return ` in the ${spec.provider} database ${database}${on}`;
}


interface EffectText {
  readonly rule: string;
  readonly score: number;
  readonly kind: string;
  readonly describe: (objects: string, where: string, effect: SqlEffect) => string;
}

const DESTRUCTIVE: Partial<Record<SqlEffect['kind'], EffectText>> = {
  'drop-database': { rule: 'db.sql.drop-database', score: 90, kind: 'database', describe: (o, w) => `drops the database ${o}${w}; everything in it is gone unless a backup exists` },
  'drop-schema': { rule: 'db.sql.drop-schema', score: 90, kind: 'schema', describe: (o, w) => `drops the schema ${o}${w} with every table in it; their rows are gone unless a backup exists` },
  'drop-table': { rule: 'db.sql.drop-table', score: 85, kind: 'table', describe: (o, w) => `drops the table ${o}${w}; its rows are gone unless a backup exists` },
  truncate: { rule: 'db.sql.truncate', score: 85, kind: 'table', describe: (o, w) => `empties the table ${o}${w} (TRUNCATE); its rows are gone unless a backup exists` },
  'delete-all': { rule: 'db.sql.delete-all', score: 82, kind: 'table', describe: (o, w, e) => `deletes every row of ${o}${w} (DELETE ${e.detail ? `with ${e.detail}` : 'without WHERE'}); they are gone unless a backup exists` },
  'update-all': { rule: 'db.sql.update-all', score: 80, kind: 'table', describe: (o, w, e) => `overwrites every row of ${o}${w} (UPDATE ${e.detail ? `with ${e.detail}` : 'without WHERE'}); the old values are gone unless a backup exists` },
  'alter-drop': { rule: 'db.sql.alter-drop', score: 70, kind: 'table', describe: (o, w, e) => `drops ${e.detail || 'part'} from the table ${o}${w} (ALTER ... DROP); the data in it is gone unless a backup exists` },
  'drop-other': { rule: 'db.sql.drop-object', score: 50, kind: 'object', describe: (o, w, e) => `drops the ${e.detail ?? 'object'} ${o}${w}` },
  'grant-all': { rule: 'db.sql.grant-all', score: 60, kind: 'user', describe: (o, w) => `gives ${o || 'a user'} every privilege on a whole database or server${w}, dropping and deleting included` },
  delete: { rule: 'db.sql.delete', score: 25, kind: 'table', describe: (o, w) => `deletes the rows of ${o}${w} that its WHERE selects` },
  update: { rule: 'db.sql.update', score: 20, kind: 'table', describe: (o, w) => `updates the rows of ${o}${w} that its WHERE selects` },
};

/** A destructive statement inside a transaction the same text rolls back. */
const ROLLED_BACK_SCORE = 15;

/** How much lower a finding scores when the statement did not parse and only its first words were read. */
const UNPARSED_DISCOUNT = 10;

function sqlFindings(input: RuleInput, spec: ClientSpec, run: ClientRun, analysis: SqlAnalysis, dynamic: boolean): Finding[] {
  const production = productionOf(input);
  const findings: Finding[] = [];
  for (const effect of analysis.effects) {
    const text = DESTRUCTIVE[effect.kind];
    if (!text) continue;
    const objects = listNames(effect.objects) || 'a table';
    let message = text.describe(objects, run.where, effect);
    let score = text.score;
    if (effect.embedded) {
      score -= UNPARSED_DISCOUNT;
      message = `${message} (SQL run from inside a DO block, EXECUTE or PREPARE, read by its first words)`;
    } else if (!effect.parsed) {
      score -= UNPARSED_DISCOUNT;
      message = `${message} (the SQL did not parse, so Airlock read only its first words)`;
    }
    if (effect.rolledBack) {
      // BEGIN ... ROLLBACK: the database undoes it; what remains is the lock it holds meanwhile.
      score = Math.min(score, ROLLED_BACK_SCORE);
      message = `${message}, but the transaction is rolled back at the end, so nothing is kept`;
    }
    if (dynamic) message = `${message}; part of the SQL is only known at run time`;
    const resources = effect.objects.map((name) => ({ kind: text.kind, name: effect.kind === 'drop-database' || !run.databaseName ? name : `${name} in ${run.databaseName}` }));
    findings.push(dbFinding(input, { rule: text.rule, score, message, resources, provider: spec.provider }, production));
  }
  for (const file of analysis.includes) findings.push(unreadFile(input, spec, run, file, production));
  return findings;
}

function unreadFile(input: RuleInput, spec: ClientSpec, run: ClientRun, file: string, production: string | undefined): Finding {
  // A file named for destruction says more than Airlock can read.
  const named = /(drop|reset|wipe|truncate|teardown|destroy|purge|clean|nuke)/i.exec(file.split('/').pop() ?? '');
  const score = named ? 60 : 30;
  const message = `runs the SQL in ${file}${run.where}, a file Airlock does not read${named ? `; its name says ${named[1]?.toLowerCase()}` : ''}`;
  return dbFinding(input, { rule: 'db.sql.unread-file', score, message, provider: spec.provider }, production);
}

const SQL_STARTS = ['drop', 'truncate', 'delete', 'update', 'alter', 'grant'];

/**
 * A line that is SQL rather than a shell command (`DROP TABLE users;`). In a shell it fails, but an
 * agent can send text to a terminal sitting at a database client's prompt (psql, mysql), where it
 * runs. Only lines that read as destructive SQL count, a little lower than SQL known to reach a client.
 */
export const bareSqlRule: Rule = {
  id: 'db.sql.bare',
  programs: SQL_STARTS,
  description: 'A destructive SQL statement typed as a command line, as into a terminal at a psql or mysql prompt.',
  check(input) {
    const { invocation } = input;
    const args = argsOf(invocation);
    // coreutils truncate takes options (`truncate -s 0 file`); SQL has none.
    if (args.some((arg) => arg.startsWith('-')) || args.length === 0) return undefined;
    const analysis = analyzeSql(invocation.text, 'postgresql');
    const findings: Finding[] = [];
    for (const effect of analysis.effects) {
      const text = DESTRUCTIVE[effect.kind];
      if (!text || text.score < 50) continue;
      const objects = listNames(effect.objects) || 'a table';
      const message = `this line is SQL, not a shell command: it ${text.describe(objects, '', effect)} if the terminal is at a database prompt (psql, mysql)`;
      findings.push(dbFinding(input, { rule: `${text.rule}.bare`, score: text.score - 10, message, resources: effect.objects.map((name) => ({ kind: text.kind, name })) }));
    }
    return findings;
  },
};

/**
 * SQL files written earlier on the same line (`cat > x.sql <<EOF ... EOF; psql -f x.sql`) are read
 * after all: `written` maps each file, as the client names it, to the text written into it.
 */
export function writtenSqlFindings(input: RuleInput, written: (file: string) => string | undefined): Finding[] {
  const client = clientOf(input.invocation);
  if (!client) return [];
  const run = readClient(input.invocation, client.spec, client.args);
  const findings: Finding[] = [];
  // Files the client is told to read: options and redirects, and `\\i file` or `.read file` in its SQL.
  const files = [...run.unread, ...run.sources.flatMap((source) => splitSql(source.text).includes)];
  for (const file of files) {
    const text = written(file);
    if (text === undefined) continue;
    const inFile = { ...run, where: `${run.where} (from ${file}, written earlier on this line)` };
    findings.push(...sqlFindings(input, client.spec, inFile, analyzeSql(text, client.spec.dialect), false));
  }
  return findings;
}

export const sqlClientRule: Rule = {
  id: 'db.sql',
  programs: [...Object.keys(CLIENTS), 'clickhouse'],
  description: 'SQL run through a database client (psql, mysql, sqlite3, clickhouse-client, cqlsh, sqlcmd, snowsql, bq query, cockroach sql, wrangler d1 execute, turso db shell): DROP, TRUNCATE, DELETE/UPDATE without WHERE, ALTER ... DROP.',
  check(input) {
    const client = clientOf(input.invocation);
    if (!client) return undefined;
    const { spec, args } = client;
    const run = readClient(input.invocation, spec, args);
    const findings: Finding[] = [];
    for (const source of run.sources) {
      const analysis = analyzeSql(source.text, spec.dialect);
      findings.push(...sqlFindings(input, spec, run, analysis, source.dynamic));
      if (source.dynamic && analysis.effects.length === 0) {
        // `psql -c "$SQL"`: nothing to read but a variable. Logged, not asked: agents rarely do it,
        // and the statement is known only where it is set.
        findings.push(dbFinding(input, { rule: 'db.sql.dynamic', score: 40, message: `runs SQL known only at run time (${source.text.slice(0, 60)})${run.where}`, provider: spec.provider }));
      }
    }
    const production = run.unread.length > 0 ? productionOf(input) : undefined;
    for (const file of run.unread) findings.push(unreadFile(input, spec, run, file, production));
    return findings;
  },
};
