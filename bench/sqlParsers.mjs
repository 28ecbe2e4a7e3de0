// Measures SQL parser candidates on bench/sqlStatements.json: does each parser's tree let us tell
// DROP/TRUNCATE/unbounded DELETE and UPDATE/ALTER ... DROP from reads and bounded writes, in which
// dialects does it fail to parse, and how fast is it. `npm run bench:sql [-- --json]`.
// The chosen parser is recorded with the numbers in docs/sql-parser-choice.md.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const statements = JSON.parse(readFileSync(new URL('./sqlStatements.json', import.meta.url), 'utf8'));

/** Severity order: the first kind found in this list is a statement set's worst. */
const ORDER = ['drop-database', 'drop-schema', 'drop-table', 'truncate', 'delete-all', 'update-all', 'alter-drop', 'drop-other', 'write', 'ddl', 'other', 'read'];
const DESTRUCTIVE = new Set(ORDER.slice(0, 7));
const worstOf = (kinds) => ORDER.find((kind) => kinds.includes(kind)) ?? 'read';

/** Walks any JSON tree, calling visit on every object; visit returns true to stop descending. */
function walk(node, visit) {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (visit(node)) return;
  for (const value of Object.values(node)) walk(value, visit);
}

// --- pgsql-ast-parser (Postgres only) ---
function pgsqlAstKinds(sql) {
  const { parse } = require('pgsql-ast-parser');
  const kinds = [];
  const tautology = (expr) => !expr ? true
    : expr.type === 'boolean' ? expr.value === true
    : expr.type === 'integer' ? expr.value !== 0
    : expr.type === 'binary' && expr.op === '=' && expr.left?.type === expr.right?.type && ['integer', 'string', 'numeric'].includes(expr.left?.type) && expr.left.value === expr.right.value;
  walk(parse(sql), (node) => {
    switch (node.type) {
      case 'drop table': kinds.push('drop-table'); return true;
      case 'drop schema': kinds.push('drop-schema'); return true;
      case 'drop index': case 'drop view': case 'drop sequence': case 'drop type': case 'drop function': case 'drop trigger': kinds.push('drop-other'); return true;
      case 'truncate table': kinds.push('truncate'); return true;
      case 'delete': kinds.push(tautology(node.where) ? 'delete-all' : 'write'); return false;
      case 'update': kinds.push(tautology(node.where) ? 'update-all' : 'write'); return false;
      case 'insert': kinds.push('write'); return false;
      case 'alter table': kinds.push(node.changes?.some((change) => /^drop/.test(change.type)) ? 'alter-drop' : 'ddl'); return true;
      case 'create table': case 'create index': case 'create schema': case 'create view': kinds.push('ddl'); return true;
      case 'select': case 'show': case 'union': kinds.push('read'); return false;
      case 'start transaction': case 'commit': case 'rollback': return true;
      default: return false;
    }
  });
  return kinds;
}

// --- node-sql-parser (many dialects through its `database` option) ---
const NSP_DIALECT = { postgres: 'postgresql', mysql: 'mysql', sqlite: 'sqlite', clickhouse: 'mysql', cassandra: 'mysql', tsql: 'transactsql', snowflake: 'snowflake', bigquery: 'bigquery' };
let nspParser;
function nodeSqlKinds(sql, dialect) {
  const { Parser } = require('node-sql-parser');
  nspParser ??= new Parser();
  const kinds = [];
  const tautology = (expr) => !expr ? true
    : expr.type === 'bool' || expr.type === 'boolean' ? expr.value === true
    : expr.type === 'number' ? Number(expr.value) !== 0
    : expr.type === 'binary_expr' && expr.operator === '=' && expr.left?.type === expr.right?.type && ['number', 'single_quote_string', 'string'].includes(expr.left?.type) && expr.left.value === expr.right.value;
  walk(nspParser.astify(sql, { database: NSP_DIALECT[dialect] ?? 'mysql' }), (node) => {
    switch (node.type) {
      case 'drop': {
        const keyword = String(node.keyword ?? '').toLowerCase();
        kinds.push(keyword === 'database' ? 'drop-database' : keyword === 'schema' ? (dialect === 'mysql' ? 'drop-database' : 'drop-schema') : keyword === 'table' ? 'drop-table' : 'drop-other');
        return true;
      }
      case 'truncate': kinds.push('truncate'); return true;
      case 'delete': kinds.push(tautology(node.where) ? 'delete-all' : 'write'); return false;
      case 'update': kinds.push(tautology(node.where) ? 'update-all' : 'write'); return false;
      case 'insert': case 'replace': kinds.push('write'); return false;
      case 'alter': kinds.push((node.expr ?? []).some?.((expr) => expr.action === 'drop') ? 'alter-drop' : 'ddl'); return true;
      case 'create': kinds.push('ddl'); return true;
      case 'select': case 'show': case 'desc': kinds.push('read'); return false;
      default: return false;
    }
  });
  return kinds;
}

// --- sql-parser-cst (sqlite, bigquery full; mysql, mariadb, postgresql experimental) ---
const CST_DIALECT = { postgres: 'postgresql', mysql: 'mysql', sqlite: 'sqlite', clickhouse: 'mysql', cassandra: 'sqlite', tsql: 'sqlite', snowflake: 'postgresql', bigquery: 'bigquery' };
function cstKinds(sql, dialect) {
  const { parse } = require('sql-parser-cst');
  const kinds = [];
  const tautology = (expr) => !expr ? true
    : expr.type === 'boolean_literal' ? expr.value === true
    : expr.type === 'number_literal' ? expr.value !== 0
    : expr.type === 'binary_expr' && expr.operator === '=' && expr.left?.type === expr.right?.type && ['number_literal', 'string_literal'].includes(expr.left?.type) && expr.left.value === expr.right.value;
  const where = (node) => node.clauses?.find((clause) => clause.type === 'where_clause');
  walk(parse(sql, { dialect: CST_DIALECT[dialect] ?? 'sqlite' }), (node) => {
    switch (node.type) {
      case 'drop_table_stmt': kinds.push('drop-table'); return true;
      case 'drop_schema_stmt': kinds.push(dialect === 'mysql' ? 'drop-database' : 'drop-schema'); return true;
      case 'drop_view_stmt': case 'drop_index_stmt': case 'drop_trigger_stmt': case 'drop_function_stmt': case 'drop_sequence_stmt': case 'drop_type_stmt': kinds.push('drop-other'); return true;
      case 'truncate_stmt': kinds.push('truncate'); return true;
      case 'delete_stmt': {
        const limited = node.clauses?.some((clause) => clause.type === 'limit_clause');
        kinds.push(tautology(where(node)?.expr) && !limited ? 'delete-all' : 'write');
        return false;
      }
      case 'update_stmt': kinds.push(tautology(where(node)?.expr) ? 'update-all' : 'write'); return false;
      case 'insert_stmt': kinds.push('write'); return false;
      case 'alter_table_stmt': kinds.push(JSON.stringify(node.actions).includes('"alter_action_drop') ? 'alter-drop' : 'ddl'); return true;
      case 'create_table_stmt': case 'create_index_stmt': case 'create_schema_stmt': case 'create_view_stmt': kinds.push('ddl'); return true;
      case 'select_stmt': case 'explain_stmt': case 'pragma_stmt': case 'show_stmt': kinds.push('read'); return false;
      case 'vacuum_stmt': case 'grant_privilege_stmt': kinds.push('other'); return true;
      default: return false;
    }
  });
  return kinds;
}

// --- @pgsql/parser (the real Postgres parser, libpg_query compiled to wasm) ---
let pgParser;
function libpgKinds(sql) {
  const kinds = [];
  const constant = (expr) => expr?.A_Const;
  const tautology = (expr) => {
    if (!expr) return true;
    const value = constant(expr);
    if (value) return value.boolval?.boolval === true || (value.ival !== undefined && value.ival.ival !== undefined && value.ival.ival !== 0);
    const op = expr.A_Expr;
    return op?.kind === 'AEXPR_OP' && op.name?.[0]?.String?.sval === '=' && constant(op.lexpr) && JSON.stringify({ ...constant(op.lexpr), location: 0 }) === JSON.stringify({ ...constant(op.rexpr), location: 0 });
  };
  walk(pgParser.parseSync(sql), (node) => {
    const [type] = Object.keys(node);
    const body = node[type];
    switch (type) {
      case 'DropdbStmt': kinds.push('drop-database'); return true;
      case 'DropStmt': kinds.push(body.removeType === 'OBJECT_TABLE' ? 'drop-table' : body.removeType === 'OBJECT_SCHEMA' ? 'drop-schema' : 'drop-other'); return true;
      case 'TruncateStmt': kinds.push('truncate'); return true;
      case 'DeleteStmt': kinds.push(tautology(body.whereClause) ? 'delete-all' : 'write'); return false;
      case 'UpdateStmt': kinds.push(tautology(body.whereClause) ? 'update-all' : 'write'); return false;
      case 'InsertStmt': kinds.push('write'); return false;
      case 'AlterTableStmt': kinds.push(body.cmds?.some((cmd) => /^AT_Drop/.test(cmd.AlterTableCmd?.subtype ?? '')) ? 'alter-drop' : 'ddl'); return true;
      case 'CreateStmt': case 'IndexStmt': case 'CreateSchemaStmt': case 'ViewStmt': case 'CreatedbStmt': kinds.push('ddl'); return true;
      case 'SelectStmt': case 'VariableShowStmt': case 'ExplainStmt': kinds.push('read'); return false;
      case 'VacuumStmt': case 'GrantStmt': kinds.push('other'); return true;
      default: return false;
    }
  });
  return kinds;
}

/**
 * A parser run on the tool's dialect first and, when that fails, on the others it knows: a tool's
 * dialect is a guess (`psql` may send MySQL-flavoured text to a proxy, `cqlsh` has no grammar here).
 */
function chained(kinds, dialects) {
  return (sql, dialect) => {
    let firstError;
    for (const next of [dialect, ...dialects.filter((other) => other !== dialect)]) {
      try {
        return kinds(sql, next);
      } catch (error) {
        firstError ??= error;
      }
    }
    throw firstError;
  };
}

const CANDIDATES = [
  { name: 'node-sql-parser', kinds: nodeSqlKinds },
  { name: 'node-sql-parser', variant: 'dialect chain', kinds: chained(nodeSqlKinds, ['mysql', 'postgres', 'sqlite', 'tsql']) },
  { name: 'sql-parser-cst', kinds: cstKinds },
  { name: 'sql-parser-cst', variant: 'dialect chain', kinds: chained(cstKinds, ['postgres', 'mysql', 'sqlite', 'bigquery']) },
  { name: 'pgsql-ast-parser', kinds: pgsqlAstKinds },
  { name: '@pgsql/parser', kinds: libpgKinds, async init() { pgParser = await import('@pgsql/parser'); await pgParser.loadModule(); } },
];

function version(name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

async function measure(candidate) {
  const loadStart = performance.now();
  if (candidate.init) await candidate.init();
  candidate.kinds('SELECT 1', 'postgres');
  const loadMs = performance.now() - loadStart;
  const byDialect = {};
  const wrong = [];
  let correct = 0;
  let failures = 0;
  let destructiveSeen = 0;
  let destructiveCaught = 0;
  let benignSeen = 0;
  let benignFlagged = 0;
  for (const row of statements) {
    const stats = (byDialect[row.dialect] ??= { total: 0, correct: 0, failed: 0 });
    stats.total++;
    let got;
    try {
      got = worstOf(candidate.kinds(row.sql, row.dialect));
    } catch {
      got = 'parse-error';
      stats.failed++;
      failures++;
    }
    if (got === row.worst) {
      correct++;
      stats.correct++;
    } else if (got !== 'parse-error') wrong.push(`${row.dialect}: ${row.sql} -> ${got} (expected ${row.worst})`);
    if (DESTRUCTIVE.has(row.worst)) {
      destructiveSeen++;
      if (DESTRUCTIVE.has(got)) destructiveCaught++;
    } else {
      benignSeen++;
      if (DESTRUCTIVE.has(got)) benignFlagged++;
    }
  }
  // Speed: every statement that parses, many rounds; the median per statement.
  const parsable = statements.filter((row) => {
    try {
      candidate.kinds(row.sql, row.dialect);
      return true;
    } catch {
      return false;
    }
  });
  const timings = [];
  for (let round = 0; round < 30; round++) {
    for (const row of parsable) {
      const start = performance.now();
      candidate.kinds(row.sql, row.dialect);
      timings.push(performance.now() - start);
    }
  }
  timings.sort((a, b) => a - b);
  const pick = (q) => (timings[Math.floor(q * (timings.length - 1))] ?? 0) * 1000;
  return {
    parser: candidate.variant ? `${candidate.name} (${candidate.variant})` : candidate.name,
    version: version(candidate.name),
    statements: statements.length,
    correct,
    failures,
    destructiveRecall: `${destructiveCaught}/${destructiveSeen}`,
    benignFlagged: `${benignFlagged}/${benignSeen}`,
    medianMicros: Math.round(pick(0.5)),
    p95Micros: Math.round(pick(0.95)),
    firstParseMs: Math.round(loadMs),
    byDialect,
    wrong,
  };
}

/**
 * Hostile input: unclosed or deep parentheses. Each case runs in a child process with a time limit,
 * because a parser that exhausts the heap kills its process and no try/catch survives that.
 */
const HOSTILE = [
  { name: 'unclosed (( x4', sql: `DELETE FROM t WHERE ${Array.from({ length: 4 }, (_, i) => `c${i} = ((`).join(' ')}` },
  { name: 'unclosed (( x12', sql: `DELETE FROM t WHERE ${Array.from({ length: 12 }, (_, i) => `c${i} = ((`).join(' ')}` },
  { name: 'unclosed (SELECT x10', sql: `DELETE FROM t WHERE ${'(SELECT '.repeat(10)}` },
  { name: 'balanced depth 40', sql: `DELETE FROM t WHERE ${'('.repeat(40)}a = 1${')'.repeat(40)}` },
  { name: '900-char SELECT list', sql: `SELECT ${Array.from({ length: 150 }, (_, i) => `c${i}`).join(', ')} FROM t` },
];
const HOSTILE_CALLS = {
  'node-sql-parser': (sql) => `new (require('node-sql-parser').Parser)().astify(${JSON.stringify(sql)}, { database: 'postgresql' })`,
  'node-sql-parser (mysql build)': (sql) => `new (require('node-sql-parser/build/mysql').Parser)().astify(${JSON.stringify(sql)}, { database: 'mysql' })`,
  'sql-parser-cst': (sql) => `require('sql-parser-cst').parse(${JSON.stringify(sql)}, { dialect: 'postgresql' })`,
  'pgsql-ast-parser': (sql) => `require('pgsql-ast-parser').parse(${JSON.stringify(sql)})`,
};
const HOSTILE_LIMIT_MS = 10_000;

function hostile() {
  const rows = [];
  for (const [parser, call] of Object.entries(HOSTILE_CALLS)) {
    if (version(parser.replace(/ \(.*\)$/, '')) === 'not installed') continue;
    const row = { parser, cases: {} };
    for (const { name, sql } of HOSTILE) {
      const script = `const t = performance.now(); try { ${call(sql)} } catch {} process.stdout.write(String(Math.round(performance.now() - t)));`;
      const child = spawnSync(process.execPath, ['--max-old-space-size=512', '-e', script], { cwd: new URL('..', import.meta.url), encoding: 'utf8', timeout: HOSTILE_LIMIT_MS });
      row.cases[name] = child.status === 0 ? `${child.stdout} ms` : child.error ? `over ${HOSTILE_LIMIT_MS / 1000} s` : 'crashed (heap)';
    }
    rows.push(row);
  }
  return rows;
}

const results = [];
for (const candidate of CANDIDATES) {
  if (version(candidate.name) === 'not installed') {
    results.push({ parser: candidate.name, version: 'not installed' });
    continue;
  }
  results.push(await measure(candidate));
}
const hostileRows = hostile();
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ results, hostile: hostileRows }, null, 2));
} else {
  for (const result of results) {
    if (result.version === 'not installed') {
      console.log(`${result.parser}: not installed`);
      continue;
    }
    const dialects = Object.entries(result.byDialect).map(([name, s]) => `${name} ${s.correct}/${s.total}${s.failed ? ` (${s.failed} failed)` : ''}`).join(', ');
    console.log(`${result.parser} ${result.version}: ${result.correct}/${result.statements} correct, ${result.failures} parse failures, destructive caught ${result.destructiveRecall}, benign flagged ${result.benignFlagged}, median ${result.medianMicros} µs, p95 ${result.p95Micros} µs, first parse ${result.firstParseMs} ms`);
    console.log(`  ${dialects}`);
    for (const line of result.wrong) console.log(`  wrong: ${line}`);
  }
}
if (!process.argv.includes('--json')) {
  console.log('\nhostile input (child process, 512 MB heap, 10 s limit):');
  for (const row of hostileRows) console.log(`  ${row.parser}: ${Object.entries(row.cases).map(([name, outcome]) => `${name}: ${outcome}`).join('; ')}`);
}
