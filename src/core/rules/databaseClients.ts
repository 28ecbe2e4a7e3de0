import type { SqlDialect } from '../sql/sqlParser';
import type { Invocation, Word } from '../shell/ir';
import type { OptionSpec } from '../shell/options';

/**
 * The SQL clients Airlock reads: how each takes SQL (options, files, operands), names its database
 * and host, and which dialect its statements are in.
 */

export interface ClientSpec {
  readonly dialect: SqlDialect;
  /** Shown in messages and the impact. */
  readonly provider: string;
  readonly options: OptionSpec;
  /** Options whose value is SQL to run. */
  readonly sql: readonly string[];
  /** Options whose value is a file of SQL to run. */
  readonly files: readonly string[];
  /** Options naming the database, then the host. */
  readonly database: readonly string[];
  readonly host: readonly string[];
  /** Leading operands that are subcommands (`cockroach sql`, `wrangler d1 execute`). */
  readonly subcommand?: readonly string[];
  /** How operands are used: the first names the database and the rest are SQL (`sqlite3 db 'SQL'`). */
  readonly operands: 'database' | 'database-then-sql' | 'sql' | 'host';
}

const PSQL: ClientSpec = {
  dialect: 'postgresql',
  provider: 'PostgreSQL',
  options: { shortWithValue: 'cdfhpUvoLTFRP', longWithValue: ['command', 'dbname', 'file', 'host', 'port', 'username', 'set', 'variable', 'output', 'log-file', 'table-attr', 'field-separator', 'record-separator', 'pset'] },
  sql: ['-c', '--command'],
  files: ['-f', '--file'],
  database: ['-d', '--dbname'],
  host: ['-h', '--host'],
  operands: 'database',
};

const MYSQL: ClientSpec = {
  dialect: 'mysql',
  provider: 'MySQL',
  options: { shortWithValue: 'eDhPuSO', longWithValue: ['execute', 'database', 'host', 'port', 'user', 'socket', 'init-command', 'default-character-set', 'defaults-file', 'login-path'] },
  sql: ['-e', '--execute', '--init-command'],
  files: [],
  database: ['-D', '--database'],
  host: ['-h', '--host'],
  operands: 'database',
};

const SQLITE: ClientSpec = {
  dialect: 'sqlite',
  provider: 'SQLite',
  options: { singleDashLong: true },
  sql: ['-cmd', '-c', '-s'],
  files: ['-init'],
  database: [],
  host: [],
  operands: 'database-then-sql',
};

export const CLIENTS: Readonly<Record<string, ClientSpec>> = {
  psql: PSQL,
  mysql: MYSQL,
  mariadb: { ...MYSQL, provider: 'MariaDB' },
  mycli: MYSQL,
  usql: { ...PSQL, provider: 'the database', options: { shortWithValue: 'cfvo', longWithValue: ['command', 'file', 'set', 'variable', 'out'] } },
  heroku: {
    dialect: 'postgresql',
    provider: 'Heroku Postgres',
    options: { shortWithValue: 'cfar', longWithValue: ['command', 'file', 'app', 'remote'] },
    sql: ['-c', '--command'],
    files: ['-f', '--file'],
    database: [],
    host: ['-a', '--app'],
    subcommand: ['pg:psql'],
    operands: 'database',
  },
  pscale: {
    dialect: 'mysql',
    provider: 'PlanetScale',
    options: { longWithValue: ['org', 'role'] },
    sql: [],
    files: [],
    database: [],
    host: [],
    subcommand: ['shell'],
    operands: 'database',
  },
  sqlite3: SQLITE,
  sqlite: SQLITE,
  duckdb: { ...SQLITE, provider: 'DuckDB', dialect: 'postgresql' },
  'clickhouse-client': {
    dialect: 'mysql',
    provider: 'ClickHouse',
    options: { shortWithValue: 'qdhu', longWithValue: ['query', 'database', 'host', 'port', 'user', 'password', 'format', 'queries-file'] },
    sql: ['-q', '--query'],
    files: ['--queries-file'],
    database: ['-d', '--database'],
    host: ['-h', '--host'],
    operands: 'host',
  },
  cqlsh: {
    dialect: 'mysql',
    provider: 'Cassandra',
    options: { shortWithValue: 'eukfp', longWithValue: ['execute', 'keyspace', 'username', 'file', 'password', 'cqlshrc', 'request-timeout', 'connect-timeout', 'encoding'] },
    sql: ['-e', '--execute'],
    files: ['-f', '--file'],
    database: ['-k', '--keyspace'],
    host: [],
    operands: 'host',
  },
  sqlcmd: {
    dialect: 'mysql',
    provider: 'SQL Server',
    options: { shortWithValue: 'QqidSUPosvHcaAfklrtwWxyY' },
    sql: ['-Q', '-q'],
    files: ['-i'],
    database: ['-d'],
    host: ['-S'],
    operands: 'host',
  },
  snowsql: {
    dialect: 'postgresql',
    provider: 'Snowflake',
    options: { shortWithValue: 'qfdasuwrc', longWithValue: ['query', 'filename', 'dbname', 'accountname', 'schemaname', 'username', 'warehouse', 'rolename', 'connection', 'config'] },
    sql: ['-q', '--query'],
    files: ['-f', '--filename'],
    database: ['-d', '--dbname'],
    host: ['-a', '--accountname'],
    operands: 'host',
  },
  snow: {
    dialect: 'postgresql',
    provider: 'Snowflake',
    options: { shortWithValue: 'qfc', longWithValue: ['query', 'filename', 'connection', 'database', 'schema', 'role', 'warehouse', 'account'] },
    sql: ['-q', '--query'],
    files: ['-f', '--filename'],
    database: ['--database'],
    host: ['--account', '-c', '--connection'],
    subcommand: ['sql'],
    operands: 'host',
  },
  cockroach: {
    dialect: 'postgresql',
    provider: 'CockroachDB',
    options: { shortWithValue: 'ed', longWithValue: ['execute', 'database', 'url', 'host', 'user', 'certs-dir', 'file', 'format'] },
    sql: ['-e', '--execute'],
    files: ['-f', '--file'],
    database: ['-d', '--database', '--url'],
    host: ['--host'],
    subcommand: ['sql'],
    operands: 'host',
  },
  bq: {
    dialect: 'mysql',
    provider: 'BigQuery',
    options: { longWithValue: ['destination_table', 'project_id', 'dataset_id', 'parameter', 'format', 'location', 'max_rows', 'job_id', 'label'] },
    sql: [],
    files: [],
    database: ['--dataset_id', '--project_id'],
    host: [],
    subcommand: ['query'],
    operands: 'sql',
  },
  wrangler: {
    dialect: 'sqlite',
    provider: 'Cloudflare D1',
    options: { longWithValue: ['command', 'file', 'config', 'env', 'persist-to', 'database'] },
    sql: ['--command'],
    files: ['--file'],
    database: [],
    host: [],
    subcommand: ['d1', 'execute'],
    operands: 'database',
  },
  turso: {
    dialect: 'sqlite',
    provider: 'Turso',
    options: { longWithValue: ['location', 'instance'] },
    sql: [],
    files: [],
    database: [],
    host: [],
    subcommand: ['db', 'shell'],
    operands: 'database-then-sql',
  },
};

/** `clickhouse client ...` and `clickhouse-client ...` are the same client. */
export function clientOf(invocation: Invocation): { spec: ClientSpec; args: Word[] } | undefined {
  let name = invocation.name;
  let args = invocation.argv.slice(1);
  if (name === 'clickhouse' && /^(client|local)$/.test(args[0]?.value ?? '')) {
    name = 'clickhouse-client';
    args = args.slice(1);
  }
  const spec = CLIENTS[name];
  if (!spec) return undefined;
  for (const sub of spec.subcommand ?? []) {
    // Subcommands come first, though options may precede them (`cockroach sql --url X -e ...` is fine).
    const at = args.findIndex((word) => !word.value.startsWith('-'));
    if (at === -1 || args[at]?.value !== sub) return undefined;
    args = [...args.slice(0, at), ...args.slice(at + 1)];
  }
  return { spec, args };
}
