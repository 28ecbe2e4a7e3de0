import { normalizeProgramName } from '../shell/ir';
import { argsOf, dbFinding, productionOf, redactUrl } from './databaseShared';
import type { Rule } from './rule';

/**
 * ORM and migration-tool resets: `prisma migrate reset`, `rails db:drop`, `manage.py flush`,
 * `artisan migrate:fresh` and their kin drop or empty the whole database in one word. Rollbacks of one
 * migration score lower (a down migration may drop a table), reads and forward migrations not at all.
 */

interface Reset {
  readonly rule: string;
  readonly score: number;
  /** What it does, after the command as written. */
  readonly what: string;
  /** The database, when the tool says which (else "the <tool> project database"). */
  readonly resource?: { readonly kind: string; readonly name: string; readonly environment?: string };
  readonly provider?: string;
}

type Matcher = (args: readonly string[]) => Reset | undefined;

const ALL_GONE = 'every row is gone unless a backup exists';

const has = (args: readonly string[], ...values: string[]): boolean => values.some((value) => args.includes(value));
const seq = (args: readonly string[], ...words: string[]): boolean => {
  const operands = args.filter((arg) => !arg.startsWith('-'));
  return words.every((word, index) => operands[index] === word);
};
const reset = (rule: string, score: number, what: string): Reset => ({ rule, score, what });

const TOOLS: Readonly<Record<string, Matcher>> = {
  prisma(args) {
    if (seq(args, 'migrate', 'reset')) return reset('db.orm.prisma-migrate-reset', 85, `drops the database and re-applies every migration; ${ALL_GONE}`);
    if (seq(args, 'db', 'push')) {
      if (has(args, '--force-reset')) return reset('db.orm.prisma-force-reset', 85, `drops every table before pushing the schema; ${ALL_GONE}`);
      if (has(args, '--accept-data-loss')) return reset('db.orm.prisma-data-loss', 70, 'pushes a schema change Prisma warned would lose data (dropped columns or tables)');
    }
    return undefined;
  },
  rails: railsTasks,
  rake: railsTasks,
  'gitlab-rails': railsTasks,
  'gitlab-rake': railsTasks,
  'manage.py': djangoCommands,
  'django-admin': djangoCommands,
  artisan(args) {
    // `--pretend` prints the SQL a migration would run, and runs none of it.
    if (has(args, '--pretend')) return undefined;
    const task = args.find((arg) => !arg.startsWith('-')) ?? '';
    if (/^(migrate:fresh|migrate:reset|migrate:refresh|db:wipe)$/.test(task)) return reset('db.orm.artisan-reset', 85, `drops or rolls back every table; ${ALL_GONE}`);
    if (task === 'migrate:rollback') return reset('db.orm.rollback', 45, 'rolls back the last batch of migrations; a down migration can drop tables');
    return undefined;
  },
  knex(args) {
    if (seq(args, 'migrate:rollback') && has(args, '--all')) return reset('db.orm.knex-rollback-all', 80, 'rolls back every migration, dropping the tables they created');
    if (seq(args, 'migrate:rollback') || seq(args, 'migrate:down')) return reset('db.orm.rollback', 45, 'rolls back migrations; a down migration can drop tables');
    return undefined;
  },
  sequelize: sequelizeCommands,
  'sequelize-cli': sequelizeCommands,
  typeorm: typeormCommands,
  'typeorm-ts-node-commonjs': typeormCommands,
  'typeorm-ts-node-esm': typeormCommands,
  'drizzle-kit'(args) {
    if (seq(args, 'push') && has(args, '--force')) return reset('db.orm.drizzle-push-force', 75, 'pushes the schema without asking, including statements that drop columns or tables');
    if (seq(args, 'drop')) return reset('db.orm.drizzle-drop', 45, 'deletes a generated migration from the project');
    return undefined;
  },
  alembic(args) {
    // `--sql` is offline mode: it prints the SQL instead of running it.
    if (!seq(args, 'downgrade') || has(args, '--sql')) return undefined;
    const target = args.filter((arg) => !arg.startsWith('-'))[1] ?? '';
    if (target === 'base') return reset('db.orm.alembic-downgrade-base', 85, 'undoes every migration, dropping the tables they created');
    return reset('db.orm.rollback', 45, `downgrades to ${target || 'an earlier revision'}; a downgrade can drop tables`);
  },
  flyway(args) {
    return has(args, 'clean') ? reset('db.orm.flyway-clean', 90, `drops every object in the configured schemas; ${ALL_GONE}`) : undefined;
  },
  liquibase(args) {
    if (has(args, 'dropAll', 'drop-all')) return reset('db.orm.liquibase-drop-all', 90, `drops every object in the database; ${ALL_GONE}`);
    if (args.some((arg) => /^rollback/i.test(arg))) return reset('db.orm.rollback', 45, 'rolls back changesets; a rollback can drop tables');
    return undefined;
  },
  dbmate(args) {
    if (seq(args, 'drop')) return reset('db.orm.dbmate-drop', 90, `drops the database; ${ALL_GONE}`);
    if (seq(args, 'rollback') || seq(args, 'down')) return reset('db.orm.rollback', 45, 'rolls back the last migration; a down migration can drop tables');
    return undefined;
  },
  goose(args) {
    const operands = args.filter((arg) => !arg.startsWith('-'));
    if (operands.includes('reset')) return reset('db.orm.goose-reset', 85, 'rolls back every migration, dropping the tables they created');
    const downTo = operands.indexOf('down-to');
    if (downTo !== -1 && operands[downTo + 1] === '0') return reset('db.orm.goose-reset', 85, 'rolls back every migration, dropping the tables they created');
    if (operands.includes('down') || downTo !== -1) return reset('db.orm.rollback', 45, 'rolls back migrations; a down migration can drop tables');
    return undefined;
  },
  diesel(args) {
    if (seq(args, 'database', 'reset')) return reset('db.orm.diesel-reset', 85, `drops and recreates the database; ${ALL_GONE}`);
    if (seq(args, 'migration', 'revert') && has(args, '--all')) return reset('db.orm.diesel-revert-all', 80, 'reverts every migration, dropping the tables they created');
    return undefined;
  },
  mix(args) {
    const task = args[0] ?? '';
    if (task === 'ecto.drop') return reset('db.orm.ecto-drop', 90, `drops the database; ${ALL_GONE}`);
    if (task === 'ecto.reset') return reset('db.orm.ecto-reset', 85, `drops and recreates the database; ${ALL_GONE}`);
    if (task === 'ecto.rollback') return has(args, '--all') ? reset('db.orm.ecto-rollback-all', 80, 'rolls back every migration, dropping the tables they created') : reset('db.orm.rollback', 45, 'rolls back a migration; a down migration can drop tables');
    return undefined;
  },
  supabase(args) {
    if (seq(args, 'stop') && has(args, '--no-backup')) {
      return { ...reset('db.orm.supabase-stop-no-backup', 70, 'stops the local Supabase stack and deletes its data volumes: the local database and storage are gone'), resource: { kind: 'database', name: 'the local Supabase database', environment: 'local development' }, provider: 'Supabase' };
    }
    if (!seq(args, 'db', 'reset')) return undefined;
    // Without --linked or --db-url it resets the local development stack, which re-seeds itself.
    const at = args.findIndex((arg) => arg === '--db-url' || arg.startsWith('--db-url='));
    const url = at === -1 ? undefined : (args[at]?.includes('=') ? args[at]?.slice(args[at].indexOf('=') + 1) : args[at + 1]);
    if (url !== undefined) {
      return { ...reset('db.orm.supabase-db-reset', 90, `drops and recreates the database at ${redactUrl(url)}; ${ALL_GONE}`), resource: { kind: 'database', name: url }, provider: 'Supabase' };
    }
    if (has(args, '--linked')) {
      return { ...reset('db.orm.supabase-db-reset', 90, `drops and recreates the database of the linked Supabase project, the hosted one rather than a local copy; ${ALL_GONE}`), resource: { kind: 'database', name: 'the linked Supabase project' }, provider: 'Supabase' };
    }
    return { ...reset('db.orm.supabase-db-reset', 80, 'drops and recreates the local Supabase database, then re-applies migrations and seed data; rows added since the last seed are gone'), resource: { kind: 'database', name: 'the local Supabase database', environment: 'local development' }, provider: 'Supabase' };
  },
  dotnet(args) {
    if (!seq(args, 'ef', 'database')) return undefined;
    if (seq(args, 'ef', 'database', 'drop')) return reset('db.orm.ef-database-drop', 90, `drops the database; ${ALL_GONE}`);
    if (seq(args, 'ef', 'database', 'update', '0')) return reset('db.orm.ef-revert-all', 85, 'reverts every migration, dropping the tables they created');
    return undefined;
  },
};

/** Ruby run against the application's models: `rails runner 'User.destroy_all'`. */
const RUBY_MASS_DELETE = /\.(destroy_all|delete_all)\b|connection\.(execute|exec_query)\(\s*["'](drop|truncate)\b/i;

function railsTasks(args: readonly string[]): Reset | undefined {
  // `rake -n` / `--dry-run` and `-T` / `-P` only print what would run.
  if (has(args, '-n', '--dry-run', '-T', '--tasks', '-P', '--prereqs', '-W', '--where')) return undefined;
  if (args[0] === 'runner' || args[0] === 'r') {
    const code = args.slice(1).find((arg) => !arg.startsWith('-')) ?? '';
    const match = RUBY_MASS_DELETE.exec(code);
    if (!match) return undefined;
    // `Model.where(...).destroy_all` is bounded by its query; `Model.destroy_all` is every row.
    const bounded = /\.(where|find_by|find|limit)\s*\(/.test(code.slice(0, match.index));
    return reset('db.orm.rails-runner-delete', bounded ? 45 : 80, match[1] ? `runs Ruby that calls ${match[1]}, deleting ${bounded ? 'the records its query selects' : 'every record of a model'}` : `runs Ruby that executes ${(match[3] ?? '').toUpperCase()} SQL through the database connection`);
  }
  for (const arg of args) {
    const task = arg.replace(/\[.*$/, '');
    if (/^db:(drop(:all)?|reset|purge(:all)?|schema:load|structure:load|truncate_all|seed:replant|migrate:reset)$/.test(task)) {
      return reset('db.orm.rails-reset', 85, `${task === 'db:truncate_all' || task === 'db:seed:replant' ? 'empties every table' : 'drops or overwrites the database schema'}; ${ALL_GONE}`);
    }
    // db:setup creates the database and loads the schema: on a fresh checkout there is nothing to lose.
    if (task === 'db:setup') return reset('db.orm.rails-setup', 40, 'db:setup loads the schema, replacing any tables that already exist');
    if (/^db:(rollback|migrate:down|migrate:redo)$/.test(task)) return reset('db.orm.rollback', 45, `${task} reverts migrations; a down migration can drop tables`);
    if (/(^|:)(backup|db):restore$/.test(task)) return reset('db.orm.restore', 80, `${task} overwrites the database with a backup; rows written since it was taken are gone`);
  }
  return undefined;
}

function djangoCommands(args: readonly string[]): Reset | undefined {
  const operands = args.filter((arg) => !arg.startsWith('-'));
  const command = operands[0] ?? '';
  if (command === 'flush') return reset('db.orm.django-flush', 85, `deletes every row of every table; ${ALL_GONE}`);
  if (command === 'reset_db') return reset('db.orm.django-reset-db', 90, `drops and recreates the database; ${ALL_GONE}`);
  if (command === 'migrate' && operands[2] === 'zero') return reset('db.orm.django-migrate-zero', 75, `unapplies every migration of ${operands[1] ?? 'an app'}, dropping its tables`);
  return undefined;
}

function sequelizeCommands(args: readonly string[]): Reset | undefined {
  const task = args.find((arg) => !arg.startsWith('-')) ?? '';
  if (task === 'db:drop') return reset('db.orm.sequelize-drop', 90, `drops the database; ${ALL_GONE}`);
  if (task === 'db:migrate:undo:all') return reset('db.orm.sequelize-undo-all', 80, 'undoes every migration, dropping the tables they created');
  if (task === 'db:seed:undo:all') return reset('db.orm.sequelize-unseed', 60, 'deletes all seeded rows');
  if (task === 'db:migrate:undo') return reset('db.orm.rollback', 45, 'undoes the last migration; a down migration can drop tables');
  return undefined;
}

function typeormCommands(args: readonly string[]): Reset | undefined {
  const task = args.find((arg) => !arg.startsWith('-')) ?? '';
  if (task === 'schema:drop') return reset('db.orm.typeorm-schema-drop', 90, `drops every table in the database; ${ALL_GONE}`);
  if (task === 'schema:sync') return reset('db.orm.typeorm-schema-sync', 60, 'syncs the schema to the entities, which drops columns and tables they no longer have');
  if (task === 'migration:revert') return reset('db.orm.rollback', 45, 'reverts the last migration; a down migration can drop tables');
  return undefined;
}

/** Runners that start another program: `yarn prisma ...`, `bundle exec rails ...`, `python manage.py ...`. */
function toolOf(name: string, args: readonly string[]): { tool: string; args: readonly string[] } | undefined {
  if (TOOLS[name]) return { tool: name, args };
  if (/^python[0-9.]*$/.test(name)) {
    const script = args.find((arg) => !arg.startsWith('-'));
    if (script && normalizeProgramName(script) === 'manage.py') return { tool: 'manage.py', args: args.slice(args.indexOf(script) + 1) };
    return undefined;
  }
  if (name === 'php' && args[0] !== undefined && normalizeProgramName(args[0]) === 'artisan') return { tool: 'artisan', args: args.slice(1) };
  const runner = RUNNERS[name];
  if (!runner) return undefined;
  let rest = args.filter((arg) => arg !== '--');
  for (const word of runner) if (rest[0] === word) rest = rest.slice(1);
  const [inner, ...innerArgs] = rest;
  if (!inner || inner.startsWith('-') || RUNNERS[normalizeProgramName(inner)]) return undefined;
  return toolOf(normalizeProgramName(inner), innerArgs);
}

/** Words a runner may put before the program it starts. */
const RUNNERS: Readonly<Record<string, readonly string[]>> = {
  yarn: ['exec', 'run', 'dlx'],
  pnpm: ['exec', 'dlx'],
  npm: ['exec'],
  bun: ['x', 'run'],
  bundle: ['exec'],
  poetry: ['run'],
  uv: ['run'],
  pipenv: ['run'],
  pdm: ['run'],
  hatch: ['run'],
};

export const ormResetRule: Rule = {
  id: 'db.orm',
  programs: [...Object.keys(TOOLS), ...Object.keys(RUNNERS), 'php', 'python', 'python3', 'python2', 'python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13'],
  description: 'ORM and migration resets: prisma migrate reset, db push --force-reset, rails db:drop/reset/schema:load, manage.py flush, artisan migrate:fresh, knex migrate:rollback --all, sequelize db:drop, typeorm schema:drop, alembic downgrade base, flyway clean, liquibase dropAll, dbmate drop, goose reset, diesel database reset, mix ecto.drop, supabase db reset, dotnet ef database drop.',
  check(input) {
    const found = toolOf(input.invocation.name, argsOf(input.invocation));
    if (!found) return undefined;
    const matcher = TOOLS[found.tool];
    const result = matcher?.(found.args);
    if (!result) return undefined;
    const production = productionOf(input, ['RAILS_ENV', 'RACK_ENV', 'MIX_ENV', 'APP_ENV', 'NODE_ENV', 'DJANGO_ENV']);
    const shown = [found.tool, ...found.args.slice(0, 3)].join(' ');
    const resource = result.resource ?? { kind: 'database', name: `the ${found.tool} project database` };
    return dbFinding(input, { rule: result.rule, score: result.score, message: `${shown} ${result.what}`, resources: result.score >= 70 && result.resource ? [resource] : result.score >= 80 ? [resource] : [], ...(result.provider ? { provider: result.provider } : {}) }, production);
  },
};
