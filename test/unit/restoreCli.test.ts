// `airlock snapshot` and `airlock restore` as people and scripts run them: the built CLI in a child
// process, its exit codes and messages, the files it writes back and the ledger entries it leaves.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runRestoreCommand } from '../../src/cli/restoreCommand';
import { fileEventRecord } from '../../src/core/files/fileEvents';
import type { LedgerEntry } from '../../src/core/ledger/entry';
import { LedgerStore } from '../../src/host/ledger/ledgerStore';
import { SnapshotStore } from '../../src/host/snapshots/snapshotStore';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const base = mkdtempSync(join(tmpdir(), 'airlock-restore-cli-'));
const stateRoot = join(base, 'state');
const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

before(() => {
  if (!existsSync(CLI)) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }
});

function workspace(): string {
  const root = mkdtempSync(join(base, 'ws-'));
  mkdirSync(join(root, '.git'));
  return root;
}

function airlock(cwd: string, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    // No terminal: a conflict is refused, never asked about.
    env: { ...process.env, AIRLOCK_STATE_DIR: stateRoot, AIRLOCK_NO_BROKER: '1' },
  });
}

function entries(root: string): LedgerEntry[] {
  return readFileSync(join(root, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as LedgerEntry);
}

void test('snapshot, delete, restore by path: byte for byte, recorded, the ledger still intact', () => {
  const root = workspace();
  const db = Buffer.concat([Buffer.from('SQLite format 3\0'), randomBytes(200_000)]);
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'data', 'app.sqlite'), db);
  const kept = airlock(root, 'snapshot', 'data/app.sqlite');
  assert.equal(kept.status, 0, kept.stderr);
  assert.match(kept.stdout, new RegExp(`kept +data/app\\.sqlite +${sha(db).slice(0, 12)}`));
  assert.match(kept.stdout, /ledger entry #1; airlock restore 1 writes these back/);

  rmSync(join(root, 'data'), { recursive: true });
  const restored = airlock(join(root), 'restore', 'data/app.sqlite');
  assert.equal(restored.status, 0, restored.stdout + restored.stderr);
  assert.match(restored.stdout, /^restored +data\/app\.sqlite from snapshot/m);
  assert.ok(readFileSync(join(root, 'data', 'app.sqlite')).equals(db));

  const [snapshotEntry, restoreEntry] = entries(root);
  assert.deepEqual(snapshotEntry?.snapshots, [{ path: 'data/app.sqlite', id: sha(db), size: db.length, after: sha(db) }]);
  assert.deepEqual(restoreEntry?.action, { kind: 'fileEvent', event: 'restore', path: join(root, 'data', 'app.sqlite'), snapshot: sha(db), via: 'cli' });
  assert.equal(restoreEntry?.source, 'cli');
  assert.equal(airlock(root, 'ledger', 'verify').status, 0);
  assert.match(airlock(root, 'ledger', 'tail').stdout, /file restore .*app\.sqlite/);
});

void test('a file changed since its snapshot is refused (exit 1) unless --force, which keeps it first', () => {
  const root = workspace();
  writeFileSync(join(root, '.env'), 'TOKEN=old\n');
  assert.equal(airlock(root, 'snapshot', '.env').status, 0);
  writeFileSync(join(root, '.env'), 'TOKEN=new, typed after the snapshot\n');

  const refused = airlock(root, 'restore', '.env');
  assert.equal(refused.status, 1);
  assert.match(refused.stdout, /NOT restored \.env \(conflict\).*newer work.*--force/);
  assert.match(readFileSync(join(root, '.env'), 'utf8'), /typed after/);

  const forced = airlock(root, 'restore', '.env', '--force');
  assert.equal(forced.status, 0, forced.stdout);
  assert.equal(readFileSync(join(root, '.env'), 'utf8'), 'TOKEN=old\n');
  const backupId = sha('TOKEN=new, typed after the snapshot\n');
  assert.match(forced.stdout, new RegExp(`kept as snapshot ${backupId.slice(0, 12)} \\(ledger #2\\)`));

  // The restore's own entry undoes it: its snapshot is what it replaced.
  const undo = airlock(root, 'restore', '#2');
  assert.equal(undo.status, 0, undo.stdout + undo.stderr);
  assert.match(readFileSync(join(root, '.env'), 'utf8'), /typed after/);
});

void test('restore <seq> writes back every file an entry kept, and refuses where newer work appeared', async () => {
  const root = workspace();
  mkdirSync(join(root, 'db', 'migrations'), { recursive: true });
  const files = { 'db/migrations/001.sql': 'CREATE TABLE a (id int);\n', 'db/migrations/002.sql': 'CREATE TABLE b (id int);\n' };
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  // What the extension does on a folder delete: snapshot every file, then one ledger entry naming them.
  const store = new SnapshotStore(root, { maxFileBytes: 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024 });
  const taken = await store.snapshotTree(join(root, 'db'), 'will-delete');
  const refs = taken.results.map((r) => (r.ok ? { path: r.record.path, id: r.record.id, size: r.record.size, after: null } : { path: r.path, problem: r.code }));
  const ledger = new LedgerStore(root, { stateRoot });
  const entry = await ledger.append(
    fileEventRecord({ time: new Date(), source: 'file', action: { kind: 'fileEvent', event: 'delete', path: join(root, 'db'), via: 'editor' }, snapshots: [...refs, { path: 'db/huge.bak', problem: 'too-large', size: 9e9 }] }),
  );
  rmSync(join(root, 'db'), { recursive: true });
  // Someone already wrote a new 002 before the restore.
  mkdirSync(join(root, 'db', 'migrations'), { recursive: true });
  writeFileSync(join(root, 'db', 'migrations', '002.sql'), 'CREATE TABLE b2 (id int);\n');

  const result = airlock(root, 'restore', String(entry.seq));
  assert.equal(result.status, 1, result.stdout);
  assert.match(result.stdout, /not kept +db\/huge\.bak: too-large/);
  assert.match(result.stdout, /^restored +db\/migrations\/001\.sql/m);
  assert.match(result.stdout, /NOT restored db\/migrations\/002\.sql \(conflict\)/);
  assert.equal(readFileSync(join(root, 'db', 'migrations', '001.sql'), 'utf8'), files['db/migrations/001.sql']);
  assert.equal(readFileSync(join(root, 'db', 'migrations', '002.sql'), 'utf8'), 'CREATE TABLE b2 (id int);\n');

  const json = airlock(root, 'restore', String(entry.seq), '--json');
  const parsed = JSON.parse(json.stdout) as { ok: boolean; code?: string; unchanged?: boolean }[];
  assert.deepEqual(parsed.map((r) => (r.ok ? `ok unchanged=${r.unchanged}` : r.code)), ['ok unchanged=true', 'conflict']);
});

void test('--list, --snapshot and the errors: no such entry, no snapshot, outside the workspace, usage', () => {
  const root = workspace();
  writeFileSync(join(root, 'notes.md'), 'v1\n');
  airlock(root, 'snapshot', 'notes.md');
  writeFileSync(join(root, 'notes.md'), 'v2\n');
  airlock(root, 'snapshot', 'notes.md');
  const listed = airlock(root, 'restore', 'notes.md', '--list');
  assert.equal(listed.status, 0);
  const ids = [...listed.stdout.matchAll(/^ {2}([0-9a-f]{12}) /gm)].map((m) => m[1]);
  assert.deepEqual(ids, [sha('v2\n').slice(0, 12), sha('v1\n').slice(0, 12)]);

  unlinkSync(join(root, 'notes.md'));
  const older = airlock(root, 'restore', 'notes.md', '--snapshot', sha('v1\n').slice(0, 8));
  assert.equal(older.status, 0, older.stderr);
  assert.equal(readFileSync(join(root, 'notes.md'), 'utf8'), 'v1\n');
  assert.equal(airlock(root, 'restore', 'notes.md', '--snapshot', 'abc').status, 2);

  assert.equal(airlock(root, 'restore', '999').status, 2);
  assert.match(airlock(root, 'restore', 'never-snapshotted.txt').stderr, /no snapshot of never-snapshotted\.txt/);
  assert.equal(airlock(root, 'restore').status, 2);
  assert.equal(airlock(root, 'restore', 'a', 'b').status, 2);
  assert.equal(airlock(root, 'restore', '--frobnicate', 'a').status, 2);
  assert.equal(airlock(root, 'restore', '--help').status, 0);

  const outside = airlock(root, 'snapshot', '/etc/hostname');
  assert.equal(outside.status, 1);
  assert.match(outside.stdout, /NOT kept +\/etc\/hostname \(outside-workspace\)/);
  const pruned = airlock(root, 'snapshot', '--prune', '--json');
  assert.equal(pruned.status, 0, pruned.stderr);
  assert.equal((JSON.parse(pruned.stdout) as { overLimit: boolean }).overLimit, false);
});

void test('at a terminal a conflict is a question: no keeps the file, yes overwrites it after keeping it', async () => {
  const root = workspace();
  process.env.AIRLOCK_STATE_DIR = stateRoot;
  writeFileSync(join(root, 'config.yml'), 'a: 1\n');
  const store = new SnapshotStore(root, { maxFileBytes: 1024, maxTotalBytes: 1024 * 1024 });
  assert.ok((await store.snapshotFile(join(root, 'config.yml'), 'manual')).ok);
  writeFileSync(join(root, 'config.yml'), 'a: 2\n');
  const questions: string[] = [];
  const io = () => {
    const out = { text: '' };
    return { out, io: { stdout: { write: (t: string) => (out.text += t) }, stderr: { write: (t: string) => (out.text += t) } } };
  };
  const no = io();
  assert.equal(await runRestoreCommand([join(root, 'config.yml'), '--workspace', root], no.io, async (q) => (questions.push(q), false)), 1);
  assert.equal(readFileSync(join(root, 'config.yml'), 'utf8'), 'a: 2\n');
  assert.match(questions[0] ?? '', /^Overwrite config\.yml with the snapshot of .*\[y\/N\] $/);
  const yes = io();
  assert.equal(await runRestoreCommand([join(root, 'config.yml'), '--workspace', root], yes.io, async () => true), 0, yes.out.text);
  assert.equal(readFileSync(join(root, 'config.yml'), 'utf8'), 'a: 1\n');
  assert.equal(store.list({ reason: 'before-restore' })[0]?.id, sha('a: 2\n'));
});

void test('restore <seq> trusts no path from the ledger and says when the ledger is not intact', async () => {
  const root = workspace();
  writeFileSync(join(root, 'a.txt'), 'a\n');
  assert.equal(airlock(root, 'snapshot', 'a.txt').status, 0);
  const ledger = new LedgerStore(root, { stateRoot });
  // An entry the agent could have written: a real snapshot id aimed outside the workspace.
  const forged = await ledger.append(
    fileEventRecord({ time: new Date(), source: 'file', action: { kind: 'fileEvent', event: 'delete', path: root }, snapshots: [{ path: '../escaped.txt', id: sha('a\n') }] }),
  );
  const refused = airlock(root, 'restore', String(forged.seq));
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /names snapshots that are not valid/);
  assert.equal(existsSync(join(root, '..', 'escaped.txt')), false);

  const file = join(root, '.airlock', 'ledger.jsonl');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"person"', '"policy"'));
  unlinkSync(join(root, 'a.txt'));
  const warned = airlock(root, 'restore', '1');
  assert.equal(warned.status, 0, warned.stdout + warned.stderr);
  assert.match(warned.stderr, /warning: the ledger is not intact/);
  assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'a\n');
});
