import type { Invocation } from '../shell/ir';
import { hasFlag, parseArgs } from '../shell/options';
import { argsOf, dbFinding, listNames, redactUrl } from './databaseShared';
import type { Finding, Rule } from './rule';

/**
 * Database administration tools that destroy without any SQL: dropdb, mysqladmin drop, redis-cli
 * FLUSHALL, mongosh --eval 'db.dropDatabase()', pg_restore --clean, etcdctl del --prefix...
 */

const dropdb: Rule = {
  id: 'db.dropdb',
  programs: ['dropdb'],
  description: '`dropdb NAME` deletes a PostgreSQL database.',
  check(input) {
    const parsed = parseArgs(argsOf(input.invocation), { shortWithValue: 'hpUd', longWithValue: ['host', 'port', 'username', 'maintenance-db'] });
    const name = parsed.operands[0] ?? 'a database';
    const host = parsed.values.get('-h')?.[0] ?? parsed.values.get('--host')?.[0];
    return dbFinding(input, { rule: 'db.dropdb', score: 90, message: `dropdb deletes the PostgreSQL database ${name}${host ? ` on ${host}` : ''}; everything in it is gone unless a backup exists`, resources: [{ kind: 'database', name }], provider: 'PostgreSQL' });
  },
};

const pgDropCluster: Rule = {
  id: 'db.pg-dropcluster',
  programs: ['pg_dropcluster'],
  description: '`pg_dropcluster VERSION NAME` deletes a whole PostgreSQL cluster and its data directory.',
  check(input) {
    const parsed = parseArgs(argsOf(input.invocation));
    const name = parsed.operands.join(' ') || 'a cluster';
    return dbFinding(input, { rule: 'db.pg-dropcluster', score: 92, message: `pg_dropcluster deletes the PostgreSQL cluster ${name} with its data directory: every database in it`, resources: [{ kind: 'cluster', name }], provider: 'PostgreSQL' });
  },
};

const pgRestore: Rule = {
  id: 'db.pg-restore-clean',
  programs: ['pg_restore'],
  description: '`pg_restore --clean` drops database objects before recreating them from the dump.',
  check(input) {
    const parsed = parseArgs(argsOf(input.invocation), { shortWithValue: 'dfFhpUjILnNPStTW', longWithValue: ['dbname', 'file', 'format', 'host', 'port', 'username', 'jobs', 'index', 'list', 'use-list', 'schema', 'exclude-schema', 'function', 'table', 'trigger', 'role', 'superuser', 'section'] });
    if (!hasFlag(parsed, '-c', '--clean')) return undefined;
    // Without a database, pg_restore only prints the SQL.
    const database = parsed.values.get('-d')?.[0] ?? parsed.values.get('--dbname')?.[0];
    if (!database) return undefined;
    const created = hasFlag(parsed, '-C', '--create');
    return dbFinding(input, {
      rule: 'db.pg-restore-clean',
      score: created ? 85 : 75,
      message: `pg_restore --clean drops ${created ? 'and recreates the database' : 'the tables and other objects in the dump'} in ${database} before restoring; rows written since the dump are gone`,
      resources: [{ kind: 'database', name: database }],
      provider: 'PostgreSQL',
    });
  },
};

const mysqladmin: Rule = {
  id: 'db.mysqladmin',
  programs: ['mysqladmin', 'mariadb-admin'],
  description: '`mysqladmin drop DB` deletes a database; `shutdown` stops the server.',
  check(input) {
    const parsed = parseArgs(argsOf(input.invocation), { shortWithValue: 'hPuSOc', longWithValue: ['host', 'port', 'user', 'socket', 'count', 'sleep'] });
    const [command, name] = parsed.operands;
    if (command?.toLowerCase() === 'drop') {
      const database = name ?? 'a database';
      return dbFinding(input, { rule: 'db.mysqladmin.drop', score: 90, message: `mysqladmin drop deletes the database ${database}; everything in it is gone unless a backup exists`, resources: [{ kind: 'database', name: database }], provider: 'MySQL' });
    }
    if (command?.toLowerCase() === 'shutdown') return dbFinding(input, { rule: 'db.mysqladmin.shutdown', score: 50, message: 'mysqladmin shutdown stops the MySQL server for everyone using it', provider: 'MySQL' });
    return undefined;
  },
};

/** The redis-cli command and its arguments, after the client's own options. */
function redisCommand(invocation: Invocation): { command: string; args: string[]; db: string | undefined } | undefined {
  const parsed = parseArgs(argsOf(invocation), { shortWithValue: 'hpasnurid', longWithValue: ['user', 'pass', 'askpass', 'tls', 'cacert', 'cert', 'key', 'sni', 'pattern', 'count', 'quoted-pattern'], stopAtOperand: true });
  const rest = argsOf(invocation).slice(parsed.rest);
  const [command, ...args] = rest;
  const db = parsed.values.get('-n')?.[0];
  if (command) return { command: command.toUpperCase(), args, db };
  // `redis-cli <<< 'FLUSHALL'` or `echo FLUSHALL | redis-cli`: the commands come on stdin.
  const stdin = invocation.stdin;
  const text = stdin?.kind === 'text' ? stdin.text : undefined;
  const line = text?.split('\n').map((part) => part.trim()).find((part) => /^(flushall|flushdb)\b/i.test(part));
  if (line) return { command: line.split(/\s+/)[0]?.toUpperCase() ?? '', args: [], db };
  return undefined;
}

const redis: Rule = {
  id: 'db.redis',
  programs: ['redis-cli', 'valkey-cli', 'keydb-cli'],
  description: '`redis-cli FLUSHALL/FLUSHDB` deletes every key; `DEL`/`UNLINK` delete named keys.',
  check(input) {
    const found = redisCommand(input.invocation);
    if (!found) return undefined;
    const { command, args, db } = found;
    if (command === 'FLUSHALL') return dbFinding(input, { rule: 'db.redis.flushall', score: 90, message: 'redis-cli FLUSHALL deletes every key in every Redis database on the server', resources: [{ kind: 'keyspace', name: 'all databases' }], provider: 'Redis' });
    if (command === 'FLUSHDB') {
      const which = db ? `database ${db}` : 'the current database (0)';
      return dbFinding(input, { rule: 'db.redis.flushdb', score: 85, message: `redis-cli FLUSHDB deletes every key in Redis ${which}`, resources: [{ kind: 'keyspace', name: which }], provider: 'Redis' });
    }
    if (command === 'DEL' || command === 'UNLINK') {
      const keys = args.filter((arg) => arg !== '');
      // `redis-cli --scan --pattern 'user:*' | xargs redis-cli DEL`: as many keys as the pattern matches.
      if (input.invocation.argv.some((word) => word.dynamic)) {
        return dbFinding(input, { rule: 'db.redis.del-many', score: 55, message: `redis-cli ${command} deletes keys listed only at run time (every key a scan or list feeds it)`, resources: [{ kind: 'keyspace', name: 'keys from the pipeline' }], provider: 'Redis' });
      }
      return dbFinding(input, { rule: 'db.redis.del', score: 35, message: `redis-cli ${command} deletes the key${keys.length === 1 ? '' : 's'} ${listNames(keys) || '(given on input)'}` });
    }
    if (command === 'SHUTDOWN') return dbFinding(input, { rule: 'db.redis.shutdown', score: 50, message: 'redis-cli SHUTDOWN stops the Redis server for everyone using it', provider: 'Redis' });
    return undefined;
  },
};

/** Mongo shell code patterns, most destructive first; `{}` filters match every document. */
const MONGO_PATTERNS: readonly { readonly pattern: RegExp; readonly rule: string; readonly score: number; readonly what: (match: RegExpExecArray) => string }[] = [
  { pattern: /\.dropDatabase\s*\(/, rule: 'db.mongo.drop-database', score: 90, what: () => 'drops the whole database (dropDatabase)' },
  { pattern: /(?:db\.|getCollection\(\s*["'])([\w.-]+?)["')]*\s*\.drop\s*\(\s*\)/, rule: 'db.mongo.drop-collection', score: 85, what: (m) => `drops the collection ${m[1] ?? ''} (drop)` },
  { pattern: /(?:db\.|getCollection\(\s*["'])?([\w.-]*?)["')]*\s*\.(deleteMany|remove)\s*\(\s*(\{\s*\})?\s*\)/, rule: 'db.mongo.delete-all', score: 85, what: (m) => `deletes every document of ${m[1] || 'a collection'} (${m[2] ?? 'deleteMany'} with an empty filter)` },
  { pattern: /(?:db\.)?([\w.-]*?)\s*\.updateMany\s*\(\s*\{\s*\}\s*,/, rule: 'db.mongo.update-all', score: 75, what: (m) => `overwrites every document of ${m[1] || 'a collection'} (updateMany with an empty filter)` },
  { pattern: /\.dropIndexes\s*\(/, rule: 'db.mongo.drop-indexes', score: 50, what: () => 'drops indexes (dropIndexes)' },
  { pattern: /(?:db\.)?([\w.-]*?)\s*\.(deleteMany|deleteOne|remove|findOneAndDelete)\s*\(/, rule: 'db.mongo.delete', score: 25, what: (m) => `deletes matching documents of ${m[1] || 'a collection'} (${m[2] ?? 'delete'})` },
];

const mongo: Rule = {
  id: 'db.mongo',
  programs: ['mongosh', 'mongo'],
  description: '`mongosh --eval` (and scripts on stdin) calling dropDatabase(), drop(), deleteMany({}) or remove({}).',
  check(input) {
    const args = argsOf(input.invocation);
    const parsed = parseArgs(args, { longWithValue: ['eval', 'host', 'port', 'username', 'password', 'authenticationDatabase', 'file', 'tls', 'apiVersion'], shortWithValue: 'uphf' });
    const code = [...(parsed.values.get('--eval') ?? [])];
    const stdin = input.invocation.stdin;
    if (code.length === 0 && stdin?.kind === 'text') code.push(stdin.text);
    const target = parsed.operands[0];
    const where = target ? ` in ${redactUrl(target)}` : '';
    const findings: Finding[] = [];
    for (const text of code) {
      // One finding per script: the most destructive call it makes.
      for (const { pattern, rule, score, what } of MONGO_PATTERNS) {
        const match = pattern.exec(text);
        if (!match) continue;
        const resources = match[1] ? [{ kind: 'collection', name: match[1] }] : rule === 'db.mongo.drop-database' ? [{ kind: 'database', name: target ?? 'the database the shell connects to' }] : [];
        findings.push(dbFinding(input, { rule, score, message: `the Mongo shell ${what(match)}${where}; the data is gone unless a backup exists`, resources, provider: 'MongoDB' }));
        break;
      }
    }
    return findings;
  },
};

const etcd: Rule = {
  id: 'db.etcd',
  programs: ['etcdctl'],
  description: '`etcdctl del --prefix` deletes every key under a prefix (all keys with an empty one).',
  check(input) {
    const parsed = parseArgs(argsOf(input.invocation), { longWithValue: ['endpoints', 'cacert', 'cert', 'key', 'user', 'password', 'command-timeout'] });
    const [command, key] = parsed.operands;
    if (command !== 'del') return undefined;
    if (hasFlag(parsed, '--prefix', '--from-key')) {
      const all = !key || key === '' || key === '/';
      return dbFinding(input, { rule: 'db.etcd.del-prefix', score: all ? 90 : 80, message: `etcdctl del --prefix deletes ${all ? 'every key in etcd' : `every key under ${key}`}; cluster state kept there is gone unless a snapshot exists`, resources: [{ kind: 'keyspace', name: key || 'all keys' }], provider: 'etcd' });
    }
    return dbFinding(input, { rule: 'db.etcd.del', score: 35, message: `etcdctl del deletes the key ${key ?? ''}` });
  },
};

const influx: Rule = {
  id: 'db.influx',
  programs: ['influx'],
  description: '`influx delete` deletes points; `influx bucket delete` deletes a bucket.',
  check(input) {
    const parsed = parseArgs(argsOf(input.invocation), { shortWithValue: 'bnoipt', longWithValue: ['bucket', 'bucket-id', 'org', 'org-id', 'predicate', 'start', 'stop', 'host', 'token', 'name', 'id'] });
    const [command, sub] = parsed.operands;
    const bucket = parsed.values.get('--bucket')?.[0] ?? parsed.values.get('-b')?.[0] ?? parsed.values.get('--name')?.[0] ?? parsed.values.get('-n')?.[0] ?? parsed.values.get('--id')?.[0] ?? 'a bucket';
    if (command === 'delete') {
      const bounded = parsed.values.has('--predicate') || parsed.values.has('-p');
      return dbFinding(input, { rule: 'db.influx.delete', score: bounded ? 60 : 80, message: `influx delete deletes ${bounded ? 'the points matching its predicate' : 'every point in the time range'} from the bucket ${bucket}`, resources: [{ kind: 'bucket', name: bucket }], provider: 'InfluxDB' });
    }
    if ((command === 'bucket' || command === 'org') && sub === 'delete') {
      return dbFinding(input, { rule: `db.influx.${command}-delete`, score: 88, message: `influx ${command} delete deletes the ${command} ${bucket} with all its data`, resources: [{ kind: command, name: bucket }], provider: 'InfluxDB' });
    }
    return undefined;
  },
};

export const DATABASE_TOOL_RULES: readonly Rule[] = [dropdb, pgDropCluster, pgRestore, mysqladmin, redis, mongo, etcd, influx];

