import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeSql, keywordEffect } from '../../src/core/sql/classify';
import type { SqlEffectKind } from '../../src/core/sql/classify';
import type { SqlDialect } from '../../src/core/sql/sqlParser';
import { parenthesesBalance, parseSql } from '../../src/core/sql/sqlParser';
import { splitSql } from '../../src/core/sql/sqlText';

const ORDER: readonly SqlEffectKind[] = ['drop-database', 'drop-schema', 'drop-table', 'truncate', 'delete-all', 'update-all', 'alter-drop', 'drop-other', 'delete', 'update', 'write', 'ddl', 'other', 'read'];
const DIALECTS: Readonly<Record<string, SqlDialect>> = { postgres: 'postgresql', mysql: 'mysql', sqlite: 'sqlite', clickhouse: 'mysql', cassandra: 'mysql', tsql: 'mysql', snowflake: 'postgresql', bigquery: 'mysql' };

function worst(text: string, dialect: SqlDialect): string {
  const kinds = analyzeSql(text, dialect).effects.map((effect) => effect.kind);
  const found = ORDER.find((kind) => kinds.includes(kind)) ?? 'none';
  // The bench's labels do not separate bounded deletes and updates from other writes.
  return found === 'delete' || found === 'update' ? 'write' : found;
}

void describe('SQL classifier', () => {
  void it('classifies the parser bench statement set (bench/sqlStatements.json) across dialects', () => {
    const rows = JSON.parse(readFileSync(join(__dirname, '..', '..', 'bench', 'sqlStatements.json'), 'utf8')) as { dialect: string; sql: string; worst: string }[];
    const destructive = new Set(ORDER.slice(0, 7));
    const wrong = rows.filter((row) => {
      const got = worst(row.sql, DIALECTS[row.dialect] ?? 'postgresql');
      // Maintenance and grants ('other') are not judged; everything else must match.
      return row.worst === 'other' ? destructive.has(got as SqlEffectKind) : got !== row.worst;
    });
    assert.deepEqual(wrong.map((row) => `${row.dialect}: ${row.sql}`), []);
  });

  void it('treats a tautological WHERE as none, and a real one as bounded', () => {
    assert.equal(worst("DELETE FROM t WHERE 'a' = 'a'", 'postgresql'), 'delete-all');
    assert.equal(worst('UPDATE t SET x = 1 WHERE 1 = 1 OR id = 3', 'mysql'), 'update-all');
    assert.equal(worst('DELETE FROM t WHERE id = 1 OR id = 2', 'postgresql'), 'write');
    assert.equal(worst('DELETE FROM t WHERE 1 = 2', 'postgresql'), 'write');
  });

  void it('finds the destructive statement among many, past comments and meta-commands', () => {
    assert.equal(worst('select 1; -- cleanup\n/* next */ drop table audit; \\dt', 'postgresql'), 'drop-table');
    assert.equal(worst("insert into t values ('a;b'); select ';drop table x'", 'postgresql'), 'write');
    assert.equal(worst('CREATE FUNCTION f() RETURNS void AS $$ BEGIN DELETE FROM t; END $$ LANGUAGE plpgsql; SELECT 1', 'postgresql'), 'ddl');
  });

  void it('names the objects', () => {
    const [effect] = analyzeSql('DROP TABLE public.users', 'postgresql').effects;
    assert.deepEqual(effect?.objects, ['public.users']);
    const [alter] = analyzeSql('ALTER TABLE users DROP COLUMN email', 'postgresql').effects;
    assert.equal(alter?.kind, 'alter-drop');
    assert.match(alter?.detail ?? '', /column email/);
  });

  void it('rejects trees that do not match the statement (the T-SQL grammar reads DROP as a variable)', () => {
    assert.equal(parseSql('DROP DATABASE app WITH (FORCE) garbage ((', 'postgresql'), undefined);
    const effect = analyzeSql('DROP DATABASE app WITH (FORCE) garbage ((', 'postgresql').effects[0];
    assert.equal(effect?.kind, 'drop-database');
    assert.equal(effect?.parsed, false);
  });

  void it('falls back to a keyword scan of statement starts, never to "safe"', () => {
    assert.equal(keywordEffect('DROP TABLE x ON CLUSTER main', 'mysql')?.kind, 'drop-table');
    assert.equal(keywordEffect('ALTER TABLE events DELETE WHERE 1 = 1', 'mysql')?.kind, 'delete-all');
    assert.equal(keywordEffect('ALTER TABLE events DELETE WHERE day < today()', 'mysql')?.kind, 'delete');
    assert.equal(keywordEffect('TRUNCATE shop.users', 'mysql')?.kind, 'truncate');
    assert.equal(keywordEffect('SELECT count() FROM events FORMAT JSON', 'mysql')?.kind, 'read');
    assert.equal(keywordEffect('VACUUM', 'sqlite'), undefined);
  });

  void it('notes included files it does not read', () => {
    assert.deepEqual(splitSql('\\i teardown.sql\nselect 1').includes, ['teardown.sql']);
    assert.deepEqual(splitSql('.read wipe.sql').includes, ['wipe.sql']);
    assert.deepEqual(splitSql('SOURCE dump.sql;').includes, ['dump.sql']);
  });

  void it('keeps unclosed parentheses away from the grammars, which backtrack until the heap is gone', () => {
    const hostile = `DELETE FROM t WHERE ${Array.from({ length: 12 }, (_, index) => `c${index} = ((`).join(' ')}`;
    const started = Date.now();
    const effects = analyzeSql(hostile, 'postgresql').effects;
    assert.equal(effects[0]?.kind, 'delete');
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    assert.equal(parenthesesBalance(hostile), false);
    assert.equal(parenthesesBalance("SELECT f((1), ')')"), false, 'a parenthesis inside quotes unbalances the raw count');
    assert.equal(parenthesesBalance('SELECT f((1), (2))'), true);
    assert.equal(parenthesesBalance(`SELECT ${'('.repeat(40)}1${')'.repeat(40)}`), false);
  });

  void it('keeps long and many statements bounded in time', () => {
    const dump = Array.from({ length: 2000 }, (_, index) => `INSERT INTO t VALUES (${index}, 'x');`).join('\n');
    const started = Date.now();
    const analysis = analyzeSql(`${dump}\nDROP TABLE t;`, 'postgresql');
    assert.ok(analysis.effects.some((effect) => effect.kind === 'drop-table'));
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });
});

void describe('SQL carried inside SQL, and transactions rolled back', () => {
  void it('reads DO blocks, EXECUTE, PREPARE and EXEC bodies, but not strings that are data', () => {
    const kinds = (text: string, dialect: SqlDialect = 'postgresql'): string[] => analyzeSql(text, dialect).effects.filter((effect) => effect.kind !== 'read').map((effect) => `${effect.kind}${effect.embedded ? '*' : ''}`);
    assert.deepEqual(kinds('DO $$ BEGIN DROP TABLE users; END $$'), ['drop-table*']);
    assert.deepEqual(kinds("DO $$ BEGIN EXECUTE 'TRUNCATE ' || quote_ident(t); END $$;"), ['truncate*']);
    assert.deepEqual(kinds("PREPARE s FROM 'DELETE FROM t'; EXECUTE s;", 'mysql'), ['delete-all*']);
    assert.deepEqual(kinds("EXEC sp_executesql N'DELETE FROM dbo.Users'", 'mysql'), ['delete-all*']);
    assert.deepEqual(kinds("INSERT INTO log VALUES ('DROP TABLE x')"), ['write']);
    assert.deepEqual(kinds("DO $$ BEGIN RAISE NOTICE 'hi'; END $$"), []);
  });

  void it('marks what a final ROLLBACK undoes, by what each database can undo', () => {
    const undone = (text: string, dialect: SqlDialect): boolean[] => analyzeSql(text, dialect).effects.map((effect) => effect.rolledBack === true);
    assert.deepEqual(undone('BEGIN; DELETE FROM users; ROLLBACK;', 'postgresql'), [true]);
    assert.deepEqual(undone('BEGIN; DROP TABLE users; ROLLBACK;', 'postgresql'), [true]);
    // MySQL commits DDL implicitly: the DROP stays.
    assert.deepEqual(undone('BEGIN; DROP TABLE users; ROLLBACK;', 'mysql'), [false]);
    assert.deepEqual(undone('BEGIN; DELETE FROM users; COMMIT;', 'postgresql'), [false]);
    // Without BEGIN each statement commits on its own.
    assert.deepEqual(undone('DELETE FROM users; ROLLBACK;', 'postgresql'), [false]);
  });
});
