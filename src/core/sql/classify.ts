import type { SqlDialect } from './sqlParser';
import { parseSql } from './sqlParser';
import { MAX_STATEMENTS, splitSql, splitStatements } from './sqlText';

/**
 * What SQL text would do, statement by statement: drops, truncations, deletes and updates that hit
 * every row, ALTER ... DROP, as against reads and bounded writes. Statements are parsed with a real
 * SQL parser; one that does not parse is not taken as safe: its first words are scanned instead.
 */

export type SqlEffectKind =
  | 'drop-database'
  | 'drop-schema'
  | 'drop-table'
  | 'truncate'
  | 'delete-all'
  | 'update-all'
  | 'alter-drop'
  | 'drop-other'
  | 'grant-all'
  | 'delete'
  | 'update'
  | 'write'
  | 'ddl'
  | 'read'
  | 'other';

export interface SqlEffect {
  readonly kind: SqlEffectKind;
  /** Tables, databases or schemas named, as written (`public.users`). */
  readonly objects: readonly string[];
  /** What was dropped by ALTER ... DROP (`column email`), or why a WHERE counts as none (`WHERE 1=1`). */
  readonly detail?: string;
  /** False when the statement did not parse and its first words were read instead. */
  readonly parsed: boolean;
  /** Found in SQL built and run by other SQL (a DO block, EXECUTE, PREPARE, EXEC). */
  readonly embedded?: boolean;
  /** Inside a transaction that the same text rolls back, where the database can undo it. */
  readonly rolledBack?: boolean;
}

export interface SqlAnalysis {
  readonly effects: readonly SqlEffect[];
  readonly statements: number;
  /** Statements that did not parse (judged by keywords). */
  readonly unparsed: number;
  /** Files the text runs (`\i file`), whose contents Airlock does not read. */
  readonly includes: readonly string[];
}

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Characters of SQL parsed per analysis, all statements together: bounds the time a line can cost. */
const PARSE_BUDGET = 3_000;

/** Words without which a statement cannot drop, empty, overwrite or grant anything. */
const RISKY_WORD = /\b(drop|truncate|delete|update|alter|grant|replace|merge|upsert)\b/i;

/** Analyzes what a database client is given to run. */
export function analyzeSql(text: string, dialect: SqlDialect): SqlAnalysis {
  const script = splitSql(text);
  const effects: SqlEffect[] = [];
  let unparsed = 0;
  let parsedCount = 0;
  let budget = PARSE_BUDGET;
  const owners: number[] = [];
  const push = (index: number, ...found: SqlEffect[]): void => {
    for (const effect of found) {
      effects.push(effect);
      owners.push(index);
    }
  };
  script.statements.forEach((statement, index) => {
    if (EMBEDDING.test(statement) && !TRANSACTION_START.test(statement)) {
      push(index, ...embeddedEffects(statement, dialect, 0));
      return;
    }
    // The parser is slow on long or broken text (tens of ms), so it runs only where a tree can change
    // the verdict: statements naming a destructive verb. Reads and inserts are known by their first words.
    const risky = RISKY_WORD.test(statement);
    if (!risky && !/^\s*with\b/i.test(statement)) {
      const scanned = keywordEffect(statement, dialect);
      if (scanned) push(index, scanned);
      return;
    }
    const affordable = parsedCount < MAX_STATEMENTS && statement.length <= budget;
    const trees = affordable ? parseSql(statement, dialect) : undefined;
    if (affordable) {
      parsedCount++;
      budget -= statement.length;
    }
    if (trees) {
      // A GRANT's reach is plainest in its text: `ON *.*`, `TO 'admin'@'%'`.
      if (/^grant\b/i.test(statement)) push(index, grantEffect(statement, true));
      else for (const tree of trees) push(index, ...treeEffects(tree, dialect));
      return;
    }
    unparsed++;
    const scanned = keywordEffect(statement, dialect);
    if (scanned) push(index, scanned);
  });
  const undone = rolledBackStatements(script.statements, dialect);
  const marked = effects.map((effect, at) => (undone(owners[at] ?? -1, effect.kind) ? { ...effect, rolledBack: true } : effect));
  return { effects: marked, statements: script.statements.length, unparsed, includes: script.includes };
}

const TRANSACTION_START = /^(begin|start)(\s+(transaction|tran|work|isolation\b.*|read\b.*))?\s*$/i;

/**
 * Statements between `BEGIN` and a final `ROLLBACK` (no `COMMIT` in between) leave nothing behind,
 * which agents use to try a statement out. PostgreSQL and SQLite undo DDL too; MySQL and the others
 * commit DDL and TRUNCATE implicitly, so there only DELETE and UPDATE count as undone.
 */
function rolledBackStatements(statements: readonly string[], dialect: SqlDialect): (index: number, kind: SqlEffectKind) => boolean {
  let open = -1;
  const undone = new Set<number>();
  statements.forEach((statement, index) => {
    if (TRANSACTION_START.test(statement)) open = index;
    else if (/^(commit|end)\b/i.test(statement)) open = -1;
    else if (/^(rollback|abort)(\s+(transaction|work))?\s*$/i.test(statement) && open !== -1) {
      for (let at = open + 1; at < index; at++) undone.add(at);
      open = -1;
    }
  });
  const transactionalDdl = dialect === 'postgresql' || dialect === 'sqlite';
  return (index, kind) => undone.has(index) && (transactionalDdl || kind === 'delete-all' || kind === 'update-all' || kind === 'delete' || kind === 'update');
}

/** Statements that run SQL they carry as text: `DO $$ ... $$`, `EXECUTE '...'`, `PREPARE s FROM '...'`, `EXEC('...')`. */
const EMBEDDING = /^(do|exec|execute|prepare|begin)\b/i;

/**
 * What SQL carried inside another statement does, read by its first words: the dollar-quoted body of
 * a DO block, the strings given to EXECUTE, PREPARE or EXEC. Only for those statements: a string in
 * an INSERT is data.
 */
function embeddedEffects(statement: string, dialect: SqlDialect, depth: number): SqlEffect[] {
  if (depth > 2) return [];
  const bodies: string[] = [];
  for (const match of statement.matchAll(/\$([A-Za-z_]*)\$([\s\S]*?)\$\1\$/g)) bodies.push(match[2] ?? '');
  // Strings inside a dollar-quoted body are read with the body.
  if (bodies.length === 0) for (const match of statement.matchAll(/'((?:[^']|'')*)'/g)) bodies.push((match[1] ?? '').replace(/''/g, "'"));
  // A T-SQL or PL/SQL block written without quotes: `BEGIN DROP TABLE t; END`.
  if (/^begin\b/i.test(statement)) bodies.push(statement);
  const effects: SqlEffect[] = [];
  for (const body of bodies) {
    for (const part of splitStatements(body)) {
      const inner = part.replace(/^(\s*(begin|end|declare\b[^;]*?\bbegin|perform)\b)+\s*/i, '').trim();
      if (/^(execute|exec|prepare)\b/i.test(inner)) {
        effects.push(...embeddedEffects(inner, dialect, depth + 1));
        continue;
      }
      const found = keywordEffect(inner, dialect);
      if (found && found.kind !== 'read') effects.push({ ...found, embedded: true });
    }
  }
  return effects;
}

/** Effects of one parsed statement, CTEs and subqueries included (`WITH d AS (DELETE ...)`). */
function treeEffects(tree: unknown, dialect: SqlDialect): SqlEffect[] {
  const effects: SqlEffect[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 40) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    if (!isNode(node)) return;
    const effect = nodeEffect(node, dialect);
    if (effect) effects.push(effect);
    // A DROP or TRUNCATE says all there is; statements can nest inside the rest.
    if (effect && ['drop-database', 'drop-schema', 'drop-table', 'drop-other', 'truncate', 'alter-drop', 'ddl'].includes(effect.kind)) return;
    for (const [key, value] of Object.entries(node)) if (key !== 'loc' && typeof value === 'object') visit(value, depth + 1);
  };
  visit(tree, 0);
  return effects;
}

function nodeEffect(node: Node, dialect: SqlDialect): SqlEffect | undefined {
  const type = typeof node.type === 'string' ? node.type.toLowerCase() : '';
  switch (type) {
    case 'drop': {
      const keyword = String(node.keyword ?? '').toLowerCase();
      const objects = names(node.name);
      if (keyword === 'database' || (keyword === 'schema' && dialect === 'mysql')) return { kind: 'drop-database', objects, parsed: true };
      if (keyword === 'schema') return { kind: 'drop-schema', objects, parsed: true };
      if (keyword === 'table') return { kind: 'drop-table', objects, parsed: true };
      return { kind: 'drop-other', objects, detail: keyword || undefined, parsed: true };
    }
    case 'truncate':
      return { kind: 'truncate', objects: names(node.name), parsed: true };
    case 'delete': {
      const objects = names(node.from ?? node.table);
      const everything = unbounded(node.where);
      // MySQL's `DELETE ... LIMIT n` without WHERE removes n arbitrary rows, not all of them.
      if (everything !== undefined && !node.limit) return { kind: 'delete-all', objects, detail: everything || undefined, parsed: true };
      return { kind: 'delete', objects, parsed: true };
    }
    case 'update': {
      const objects = names(node.table);
      const everything = unbounded(node.where);
      if (everything !== undefined && !node.limit) return { kind: 'update-all', objects, detail: everything || undefined, parsed: true };
      return { kind: 'update', objects, parsed: true };
    }
    case 'alter': {
      const actions = Array.isArray(node.expr) ? node.expr.filter(isNode) : [];
      const drops = actions.filter((action) => String(action.action ?? '').toLowerCase() === 'drop');
      if (drops.length === 0) return { kind: 'ddl', objects: names(node.table), parsed: true };
      const what = drops.map((action) => `${String(action.resource ?? action.keyword ?? 'part').toLowerCase()} ${dropName(action)}`.trim());
      return { kind: 'alter-drop', objects: names(node.table), detail: what.join(', '), parsed: true };
    }
    case 'insert':
    case 'replace':
      return { kind: 'write', objects: names(node.table), parsed: true };
    case 'create':
      return { kind: 'ddl', objects: [], parsed: true };
    case 'select':
    case 'show':
    case 'desc':
    case 'explain':
      return { kind: 'read', objects: [], parsed: true };
    default:
      return undefined;
  }
}

/**
 * Undefined when the WHERE bounds the statement; otherwise '' (no WHERE) or the tautology that stands
 * in for one (`WHERE 1=1`, `WHERE true`), which agents write to get past "WHERE required" guards.
 */
function unbounded(where: unknown): string | undefined {
  if (where === null || where === undefined) return '';
  return tautology(where) ? 'a WHERE that is always true' : undefined;
}

function tautology(expr: unknown, depth = 0): boolean {
  if (!isNode(expr) || depth > 8) return false;
  const type = String(expr.type ?? '');
  if (type === 'bool' || type === 'boolean') return expr.value === true;
  if (type === 'number') return Number(expr.value) !== 0;
  if (type !== 'binary_expr') return false;
  const operator = String(expr.operator ?? '').toUpperCase();
  if (operator === 'OR') return tautology(expr.left, depth + 1) || tautology(expr.right, depth + 1);
  if (operator === 'AND') return tautology(expr.left, depth + 1) && tautology(expr.right, depth + 1);
  const left = expr.left;
  const right = expr.right;
  if (!isNode(left) || !isNode(right) || !/^(=|<=|>=|IS|LIKE)$/.test(operator)) return false;
  const literal = (node: Node): boolean => ['number', 'single_quote_string', 'string', 'double_quote_string', 'bool'].includes(String(node.type));
  if (literal(left) && literal(right)) return String(left.value) === String(right.value);
  // `col = col` is true on every row where col is not null.
  return left.type === 'column_ref' && right.type === 'column_ref' && JSON.stringify(left.column) === JSON.stringify(right.column) && left.table === right.table;
}

function names(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') out.push(item);
    else if (isNode(item)) {
      const table = item.table ?? item.name ?? item.value;
      const qualifier = [item.db, item.schema].find((part) => typeof part === 'string' && part !== '');
      if (typeof table === 'string') out.push(qualifier ? `${qualifier as string}.${table}` : table);
      else if (Array.isArray(table)) out.push(...names(table));
      else if (isNode(table)) out.push(...names([table]));
    }
  }
  return [...new Set(out)];
}

function dropName(action: Node): string {
  const column = action.column;
  if (isNode(column)) {
    const inner = isNode(column.column) && isNode(column.column.expr) ? column.column.expr.value : column.column;
    if (typeof inner === 'string') return inner;
  }
  for (const key of ['index', 'constraint', 'name', 'partitions']) {
    const value = action[key];
    if (typeof value === 'string') return value;
  }
  return '';
}

const IDENT = String.raw`([\w$."\x60\[\]-]+)`;

/** The careful fallback for statements that did not parse: only their first words are trusted. */
export function keywordEffect(statement: string, dialect: SqlDialect): SqlEffect | undefined {
  const text = statement.replace(/\s+/g, ' ').trim();
  const unquote = (name: string | undefined): string[] => (name ? [name.replace(/["`[\]]/g, '')] : []);
  // The name is optional: `DROP TABLE` cut short is still a statement about dropping a table.
  let match = new RegExp(String.raw`^drop (database|schema|keyspace)\b(?: if exists)?(?: ${IDENT})?`, 'i').exec(text);
  if (match) {
    const keyword = (match[1] ?? '').toLowerCase();
    const kind = keyword === 'schema' && dialect !== 'mysql' ? 'drop-schema' : 'drop-database';
    return { kind, objects: unquote(match[2]), parsed: false };
  }
  match = new RegExp(String.raw`^drop (?:temporary )?(table|collection|materialized view|view|index|sequence|function|procedure|trigger|type|user|role|partition|dictionary)s?\b(?: if exists)?(?: ${IDENT})?`, 'i').exec(text);
  if (match) {
    const table = (match[1] ?? '').toLowerCase() === 'table' || (match[1] ?? '').toLowerCase() === 'collection';
    return { kind: table ? 'drop-table' : 'drop-other', objects: unquote(match[2]), detail: table ? undefined : match[1]?.toLowerCase(), parsed: false };
  }
  match = new RegExp(String.raw`^truncate\b(?: table)?(?: only)?(?: if exists)?(?: ${IDENT})?`, 'i').exec(text);
  if (match) return { kind: 'truncate', objects: unquote(match[1]), parsed: false };
  // ClickHouse mutations: `ALTER TABLE t DELETE WHERE ...`, `ALTER TABLE t UPDATE ... WHERE ...`.
  match = new RegExp(String.raw`^alter table ${IDENT}(?: on cluster \S+)? (delete|update) (.*)$`, 'i').exec(text);
  if (match) {
    const everything = whereIsTrivial(match[3] ?? '');
    const verb = (match[2] ?? '').toLowerCase();
    if (everything) return { kind: verb === 'delete' ? 'delete-all' : 'update-all', objects: unquote(match[1]), detail: 'a WHERE that is always true', parsed: false };
    return { kind: verb === 'delete' ? 'delete' : 'update', objects: unquote(match[1]), parsed: false };
  }
  match = new RegExp(String.raw`^alter table ${IDENT} .*\bdrop (column|partition|constraint|index|primary key|foreign key)\b ?(?:if exists )?([\w$."\x60]*)`, 'i').exec(text);
  if (match) return { kind: 'alter-drop', objects: unquote(match[1]), detail: `${(match[2] ?? '').toLowerCase()} ${match[3] ?? ''}`.trim(), parsed: false };
  // DELETE and UPDATE, also after a WITH clause whose body Airlock cannot parse.
  match = new RegExp(String.raw`^(?:with .*?\(\s?)?delete (?:from )?${IDENT}(.*)$`, 'i').exec(text);
  if (match) {
    const rest = match[2] ?? '';
    if (!/\bwhere\b/i.test(rest) && !/\blimit\b/i.test(rest)) return { kind: 'delete-all', objects: unquote(match[1]), parsed: false };
    if (whereIsTrivial(rest)) return { kind: 'delete-all', objects: unquote(match[1]), detail: 'a WHERE that is always true', parsed: false };
    return { kind: 'delete', objects: unquote(match[1]), parsed: false };
  }
  match = new RegExp(String.raw`^(?:with .*?\(\s?)?update ${IDENT} set (.*)$`, 'i').exec(text);
  if (match) {
    const rest = match[2] ?? '';
    if (!/\bwhere\b/i.test(rest)) return { kind: 'update-all', objects: unquote(match[1]), parsed: false };
    if (whereIsTrivial(rest)) return { kind: 'update-all', objects: unquote(match[1]), detail: 'a WHERE that is always true', parsed: false };
    return { kind: 'update', objects: unquote(match[1]), parsed: false };
  }
  if (/^grant\b/i.test(text)) return grantEffect(text, false);
  if (/^(select|show|describe|desc|explain|pragma|list|use|values)\b/i.test(text)) return { kind: 'read', objects: [], parsed: false };
  if (/^(insert|replace|upsert|copy|load data)\b/i.test(text)) return { kind: 'write', objects: [], parsed: false };
  if (/^(create|alter)\b/i.test(text)) return { kind: 'ddl', objects: [], parsed: false };
  return undefined;
}

/**
 * GRANT ALL on everything (`ON *.*`, `ON ALL TABLES`, `ON DATABASE`) hands out the power to drop and
 * delete; narrower grants are ordinary administration.
 */
function grantEffect(text: string, parsed: boolean): SqlEffect {
  const all = /^grant all\b/i.test(text.replace(/\s+/g, ' ')) && /(\*\.\*|\bon all tables\b|\bon database\b|\bon schema\b)/i.test(text);
  const who = /\bto\s+([^\s;]+)/i.exec(text)?.[1];
  return all ? { kind: 'grant-all', objects: who ? [who.replace(/["`]/g, '')] : [], parsed } : { kind: 'other', objects: [], parsed };
}

function whereIsTrivial(rest: string): boolean {
  const where = /\bwhere (.*)$/i.exec(rest)?.[1]?.trim() ?? '';
  return /^(true|1|'(\w*)' ?= ?'\2'|(\d+) ?= ?\3)(\s|;|$)/i.test(where);
}
