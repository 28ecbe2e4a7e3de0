import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;
before(async () => {
  fixture = await makeFixture();
});
after(() => fixture.dispose());

void describe('database pack: SQL through clients', () => {
  void it('stops DROP, TRUNCATE and unbounded DELETE/UPDATE wherever the SQL comes from', () => {
    const critical = [
      'psql "$DATABASE_URL" -c "DROP TABLE users"',
      'psql -d app -c "truncate table orders"',
      'psql app --command="DELETE FROM users"',
      'psql app -c "DELETE FROM users WHERE 1=1"',
      'mysql -u root -e "UPDATE accounts SET balance = 0" shop',
      "mysql shop -e'DROP DATABASE shop'",
      "sqlite3 app.db 'DELETE FROM notes'",
      'psql app <<EOF\nBEGIN;\nDROP TABLE audit_log;\nCOMMIT;\nEOF',
      "psql app <<< 'drop schema public cascade'",
      "echo 'DROP TABLE users;' | psql app",
      "printf 'TRUNCATE sessions;\\n' | mysql shop",
      'clickhouse-client --query "DROP TABLE events"',
      'clickhouse client -q "TRUNCATE TABLE events"',
      "cqlsh -e 'DROP KEYSPACE shop'",
      'sqlcmd -S db -Q "DROP TABLE dbo.Users"',
      'docker exec -i pg psql -U postgres -c "DROP DATABASE app"',
      'wrangler d1 execute my-db --remote --command "DELETE FROM users"',
      'cockroach sql --url "$URL" -e "DROP TABLE t"',
      "bq query --nouse_legacy_sql 'DELETE FROM ds.events WHERE true'",
      'turso db shell mydb "DROP TABLE users"',
      "duckdb data.duckdb 'DROP TABLE trips'",
    ];
    for (const command of critical) assertStopped(fixture, command, { rule: 'db.sql.', level: 'critical' });
  });

  void it('names the table and where it lives, for the person deciding', () => {
    const assessment = assertStopped(fixture, 'psql "$DATABASE_URL" -c "DROP TABLE users"', { rule: 'db.sql.drop-table' });
    assert.match(assessment.reasons[0]?.message ?? '', /drops the table users in the database named by \$DATABASE_URL; its rows are gone unless a backup exists/);
    assert.deepEqual(assessment.impact.resources?.map((resource) => [resource.kind, resource.provider]), [['table', 'PostgreSQL']]);
  });

  void it('raises production targets to 95 and up', () => {
    const assessment = assertStopped(fixture, 'psql -h db.prod.internal -d app -c "TRUNCATE users"', { rule: 'db.sql.truncate' });
    assert.ok(assessment.score >= 95, `score ${assessment.score}`);
    assert.equal(assessment.impact.resources?.[0]?.environment, 'production');
    assert.ok(assertStopped(fixture, 'psql "$PROD_DATABASE_URL" -c "DELETE FROM users"').score >= 95);
  });

  void it('reads DO blocks and lets a rolled-back trial through', () => {
    assertStopped(fixture, 'psql app -c "DO \\$\\$ BEGIN DROP TABLE users; END \\$\\$"', { rule: 'db.sql.drop-table', atLeast: 'high' });
    const trial = assertAllowed(fixture, 'psql app -c "BEGIN; DELETE FROM users; ROLLBACK;"');
    assert.match(trial.reasons.find((reason) => reason.rule === 'db.sql.delete-all')?.message ?? '', /rolled back/);
    assertStopped(fixture, 'mysql shop -e "BEGIN; DROP TABLE users; ROLLBACK;"', { rule: 'db.sql.drop-table', level: 'critical' });
  });

  void it('asks for ALTER ... DROP and unread SQL files with destructive names', () => {
    assertStopped(fixture, 'psql app -c "ALTER TABLE users DROP COLUMN email"', { rule: 'db.sql.alter-drop', level: 'high' });
    assertStopped(fixture, 'psql app -f reset_all.sql', { rule: 'db.sql.unread-file' });
  });

  void it('judges SQL that does not parse by its first words, a little lower, and says so', () => {
    const assessment = assertStopped(fixture, 'psql app -c "DROP TABLE users ))) garbage ((("', { rule: 'db.sql.drop-table', atLeast: 'high' });
    assert.match(assessment.reasons[0]?.message ?? '', /did not parse/);
    assert.ok(assessment.score < 85);
  });

  void it('lets reads, bounded writes and meta-commands through', () => {
    const allowed = [
      'psql app -c "SELECT * FROM users LIMIT 10"',
      'psql app -c "\\dt"',
      'psql "$DATABASE_URL" -c "DELETE FROM sessions WHERE expires_at < now()"',
      'mysql -e "SHOW DATABASES"',
      'mysql shop -e "UPDATE users SET active = 0 WHERE id = 7"',
      "sqlite3 app.db '.tables'",
      "sqlite3 app.db 'SELECT count(*) FROM notes'",
      "echo 'SELECT 1' | psql app",
      'psql app -c "CREATE TABLE t (id int)"',
      'psql app -f migrations/001_init.sql',
      'clickhouse-client --query "SELECT count() FROM events"',
      'psql app -c "select name from products"',
      'pg_dump app > backup.sql',
    ];
    for (const command of allowed) assertAllowed(fixture, command);
  });

  void it('does not read SQL in commands that are not database clients', () => {
    assertAllowed(fixture, 'echo "DROP TABLE users"', 'db.');
    assertAllowed(fixture, 'git commit -m "DROP TABLE users in the migration"', 'db.');
    assertAllowed(fixture, 'grep -r "DELETE FROM" src', 'db.');
  });
});

void describe('database pack: administration tools', () => {
  void it('stops database and keyspace destruction', () => {
    assertStopped(fixture, 'dropdb app', { rule: 'db.dropdb', level: 'critical' });
    assertStopped(fixture, 'mysqladmin -u root -f drop shop', { rule: 'db.mysqladmin.drop', level: 'critical' });
    assertStopped(fixture, 'redis-cli FLUSHALL', { rule: 'db.redis.flushall', level: 'critical' });
    assertStopped(fixture, 'redis-cli -h cache -n 2 flushdb', { rule: 'db.redis.flushdb', level: 'critical' });
    assertStopped(fixture, "mongosh mongodb://localhost/app --eval 'db.dropDatabase()'", { rule: 'db.mongo.drop-database', level: 'critical' });
    assertStopped(fixture, "mongosh app --eval 'db.users.deleteMany({})'", { rule: 'db.mongo.delete-all', level: 'critical' });
    assertStopped(fixture, "mongo app --eval 'db.users.drop()'", { rule: 'db.mongo.drop-collection', level: 'critical' });
    assertStopped(fixture, 'pg_restore --clean -d app dump.pgdump', { rule: 'db.pg-restore-clean', atLeast: 'high' });
    assertStopped(fixture, 'pg_dropcluster 16 main', { rule: 'db.pg-dropcluster', level: 'critical' });
    assertStopped(fixture, 'etcdctl del "" --prefix', { rule: 'db.etcd.del-prefix', level: 'critical' });
    assertStopped(fixture, 'influx bucket delete --name metrics', { rule: 'db.influx', level: 'critical' });
    assertStopped(fixture, "redis-cli --scan --pattern 'session:*' | xargs redis-cli DEL", { rule: 'db.redis.del-many', level: 'high' });
    assertStopped(fixture, "mongosh app --eval 'db.users.remove({})'", { rule: 'db.mongo.delete-all', level: 'critical' });
  });

  void it('lets reads and single keys through', () => {
    assertAllowed(fixture, 'redis-cli GET session:1');
    assertAllowed(fixture, 'redis-cli DEL session:1');
    assertAllowed(fixture, 'redis-cli --scan --pattern "user:*"');
    assertAllowed(fixture, "mongosh app --eval 'db.users.find({}).limit(5)'");
    assertAllowed(fixture, 'pg_restore -l dump.pgdump');
    assertAllowed(fixture, 'pg_restore --clean dump.pgdump');
    assertAllowed(fixture, 'mysqladmin status');
    assertAllowed(fixture, 'etcdctl get --prefix /config');
    assertAllowed(fixture, `mongosh app --eval "db.users.deleteMany({status: 'stale'})"`);
    assertAllowed(fixture, "mongosh app --eval 'db.getCollectionNames()'", 'db.');
  });
});

void describe('database pack: ORM resets', () => {
  void it('stops resets through the tool and through runners', () => {
    const resets = [
      'npx prisma migrate reset --force',
      'yarn prisma db push --force-reset',
      'bin/rails db:drop',
      'bundle exec rake db:reset',
      'rails db:schema:load',
      'python manage.py flush --noinput',
      './manage.py reset_db',
      'php artisan migrate:fresh --seed',
      'knex migrate:rollback --all',
      'npx sequelize-cli db:drop',
      'typeorm schema:drop',
      'alembic downgrade base',
      'flyway clean',
      'liquibase dropAll',
      'dbmate drop',
      'goose postgres "$DSN" reset',
      'diesel database reset',
      'mix ecto.reset',
      'supabase db reset',
      'dotnet ef database drop -f',
    ];
    for (const command of resets) assertStopped(fixture, command, { rule: 'db.orm.', level: 'critical' });
  });

  void it('scores production resets 95 and up', () => {
    assert.ok(assertStopped(fixture, 'RAILS_ENV=production bin/rails db:reset').score >= 95);
    assert.ok(assertStopped(fixture, 'php artisan migrate:fresh --env=production --force').score >= 95);
  });

  void it('lets status, forward migrations and dry runs through', () => {
    const allowed = [
      'npx prisma migrate status',
      'npx prisma migrate dev --name init',
      'npx prisma db push',
      'bin/rails db:migrate',
      'rails db:seed',
      'python manage.py migrate',
      'python manage.py sqlflush',
      'php artisan migrate',
      'knex migrate:latest',
      'alembic upgrade head',
      'flyway migrate',
      'mix ecto.migrate',
      'goose postgres "$DSN" status',
      'liquibase update --dry-run',
      'python script.py flush',
      'php artisan migrate:fresh --pretend',
      'alembic downgrade base --sql',
      'rake -n db:drop',
    ];
    for (const command of allowed) assertAllowed(fixture, command, 'db.');
  });
});

void describe('database pack: SQL lines and application runners', () => {
  void it('judges a destructive SQL line typed as a command, as at a psql prompt', () => {
    assertStopped(fixture, 'DROP TABLE users;', { rule: 'db.sql.drop-table.bare', atLeast: 'high' });
    assertStopped(fixture, 'delete from "Public"."Users";', { rule: 'db.sql.delete-all.bare' });
    assertStopped(fixture, 'TRUNCATE TABLE orders;', { rule: 'db.sql.truncate.bare' });
    assertAllowed(fixture, 'truncate -s 0 debug.log', 'db.');
    assertAllowed(fixture, 'update', 'db.');
    assertAllowed(fixture, 'UPDATE users SET name = 1 WHERE id = 2;', 'db.');
  });

  void it('reads rails runner code and backup restores', () => {
    assertStopped(fixture, 'bin/rails runner "User.destroy_all"', { rule: 'db.orm.rails-runner-delete', level: 'critical' });
    assertStopped(fixture, 'gitlab-rake gitlab:backup:restore', { rule: 'db.orm.restore', level: 'critical' });
    assertAllowed(fixture, 'bin/rails runner "puts User.count"', 'db.');
    assertAllowed(fixture, 'bin/rails runner "User.where(id: 3).destroy_all"');
    assertAllowed(fixture, 'rails db:setup');
  });
});

void describe('database pack: grants, unread input and dynamic SQL', () => {
  void it('asks before granting everything on everything', () => {
    assertStopped(fixture, `mysql -e "GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%'"`, { rule: 'db.sql.grant-all', level: 'high' });
    assertStopped(fixture, "GRANT ALL ON *.* TO 'user'@'host';", { rule: 'db.sql.grant-all.bare' });
    assertAllowed(fixture, `mysql -e "GRANT SELECT ON shop.orders TO 'reader'@'localhost'"`, 'db.');
  });

  void it('says which piped input it could not read, and reads the name', () => {
    const logged = assertAllowed(fixture, 'cat dump.sql | psql app');
    assert.ok(logged.reasons.some((reason) => reason.rule === 'db.sql.unread-file' && reason.message.includes('dump.sql')));
    assertStopped(fixture, 'zcat teardown.sql.gz | psql app', { rule: 'db.sql.unread-file' });
    assertStopped(fixture, 'psql -h db.prod.internal app < reset.sql', { rule: 'db.sql.unread-file' });
  });

  void it('logs SQL known only at run time, and still reads a known prefix', () => {
    const logged = assertAllowed(fixture, 'psql app -c "$QUERY"');
    assert.ok(logged.reasons.some((reason) => reason.rule === 'db.sql.dynamic'));
    assertStopped(fixture, 'psql app -c "TRUNCATE $TABLE"', { rule: 'db.sql.truncate' });
  });

  void it('reads snow sql and says when wrangler targets the deployed database', () => {
    assertStopped(fixture, "snow sql -q 'DROP DATABASE analytics'", { rule: 'db.sql.drop-database' });
    const remote = assertStopped(fixture, 'wrangler d1 execute app --remote --command "DROP TABLE users"');
    assert.match(remote.reasons[0]?.message ?? '', /deployed copy/);
  });
});

void describe('database pack: hosted database shells', () => {
  void it('reads SQL given to heroku pg:psql, pscale shell, usql and mycli', () => {
    assertStopped(fixture, 'heroku pg:psql -a shop-prod -c "DROP TABLE orders"', { rule: 'db.sql.drop-table' });
    assertStopped(fixture, "pscale shell shop main <<< 'TRUNCATE orders'", { rule: 'db.sql.truncate' });
    assertStopped(fixture, 'usql pg://localhost/app -c "DELETE FROM users"', { rule: 'db.sql.delete-all' });
    assertStopped(fixture, 'mycli shop -e "DROP DATABASE shop"', { rule: 'db.sql.drop-database' });
    assertAllowed(fixture, 'heroku pg:psql -a shop -c "SELECT count(*) FROM orders"', 'db.');
    assertAllowed(fixture, 'heroku logs --tail -a shop', 'db.');
  });

  void it('follows the engine into containers and pods', () => {
    assertStopped(fixture, 'docker compose exec db psql -U postgres -c "DROP TABLE users"', { rule: 'db.sql.drop-table' });
    assertStopped(fixture, 'kubectl exec -it postgres-0 -- psql -c "TRUNCATE users"', { rule: 'db.sql.truncate' });
    assertStopped(fixture, 'ssh db1 "redis-cli flushall"', { rule: 'db.redis.flushall' });
  });
});

void describe('database pack: SQL files written on the same line', () => {
  void it('reads what the line wrote before the client runs it', () => {
    const assessment = assertStopped(fixture, "printf 'DROP TABLE users;' > /tmp/x.sql && psql app -f /tmp/x.sql", { rule: 'db.sql.drop-table', level: 'critical' });
    assert.match(assessment.reasons[0]?.message ?? '', /written earlier on this line/);
    assertStopped(fixture, 'cat > reset.sql <<EOF\nTRUNCATE orders;\nEOF\nmysql shop < reset.sql', { rule: 'db.sql.truncate', level: 'critical' });
    assertStopped(fixture, "echo 'DELETE FROM users;' | tee q.sql && sqlite3 app.db '.read q.sql'", { rule: 'db.sql.delete-all' });
  });

  void it('stays quiet when the written file holds reads', () => {
    assertAllowed(fixture, "echo 'SELECT 1;' > q.sql && psql app -f q.sql");
  });
});

void describe('database pack: secrets in connection strings', () => {
  void it('never repeats a password from a connection string', () => {
    const assessment = assertStopped(fixture, "psql postgres://admin:s3cret@db.prod.example.com/app -c 'DELETE FROM orders'", { rule: 'db.sql.delete-all' });
    const shown = JSON.stringify([assessment.reasons, assessment.impact]);
    assert.ok(!shown.includes('s3cret'), shown);
    assert.match(shown, /admin:\*\*\*@db\.prod\.example\.com/);
  });
});

void describe('database pack: input redirected from a file', () => {
  void it('judges `client < file` as an unread file, not as SQL known only at run time', () => {
    const assessment = assertAllowed(fixture, 'mariadb < path/to/script.sql db_name > out.tab');
    assert.deepEqual(assessment.reasons.filter((reason) => reason.rule.startsWith('db.')).map((reason) => reason.rule), ['db.sql.unread-file']);
  });
});

void describe('database pack: production from the environment', () => {
  void it('reads the connection string a variable holds', () => {
    const env = { DATABASE_URL: 'postgres://app:pw@db.prod.internal:5432/app' };
    const assessment = assertStopped(fixture, 'psql "$DATABASE_URL" -c "DROP TABLE users"', { rule: 'db.sql.drop-table' }, { env });
    assert.ok(assessment.score >= 95, `score ${assessment.score}`);
    assert.match(assessment.reasons[0]?.message ?? '', /\$DATABASE_URL is postgres:\/\/app:\*\*\*@db\.prod\.internal/);
    const local = assertStopped(fixture, 'psql "$DATABASE_URL" -c "DROP TABLE users"', {}, { env: { DATABASE_URL: 'postgres://localhost/app_dev' } });
    assert.ok(local.score < 95);
  });
});
