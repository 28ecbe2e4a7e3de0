import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry } from '../../src/core/ledger/entry';
import { LedgerStore } from '../../src/host/ledger/ledgerStore';
import { verifyWorkspaceLedger } from '../../src/host/ledger/verifyLedger';
import { SnapshotStore } from '../../src/host/snapshots/snapshotStore';

const base = mkdtempSync(join(tmpdir(), 'airlock-restore-'));
const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function setup(): { root: string; stateRoot: string; ledger: LedgerStore; store: SnapshotStore } {
  const root = mkdtempSync(join(base, 'ws-'));
  mkdirSync(join(root, '.git'));
  const stateRoot = mkdtempSync(join(base, 'state-'));
  const ledger = new LedgerStore(root, { stateRoot });
  const store = new SnapshotStore(root, { maxFileBytes: 8 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024, ledger });
  return { root, stateRoot, ledger, store };
}

function ledgerEntries(root: string): LedgerEntry[] {
  const file = join(root, '.airlock', 'ledger.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as LedgerEntry);
}

void test('a deleted file comes back byte for byte with its mode and folders, and the restore is in the ledger', async () => {
  const { root, stateRoot, store } = setup();
  const content = Buffer.concat([Buffer.from('PRAGMA\0'), randomBytes(100_000)]);
  mkdirSync(join(root, 'db', 'migrations'), { recursive: true });
  const file = join(root, 'db', 'migrations', '001_init.sqlite');
  writeFileSync(file, content);
  chmodSync(file, 0o600);
  const taken = await store.snapshotFile(file, 'will-delete');
  assert.ok(taken.ok);
  rmSync(join(root, 'db'), { recursive: true });

  const result = await store.restore(taken.record, { via: 'side-panel' });
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.unchanged, false);
  assert.equal(result.backup, undefined);
  assert.ok(readFileSync(file).equals(content));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(root, 'db', 'migrations')), ['001_init.sqlite'], 'no temporary file is left beside it');

  const [entry] = ledgerEntries(root);
  assert.ok(entry && 'seq' in result.ledger! && result.ledger.seq === entry.seq);
  assert.deepEqual(entry.action, { kind: 'fileEvent', event: 'restore', path: file, snapshot: taken.record.id, via: 'side-panel' });
  assert.deepEqual(entry.decider, { by: 'person', how: 'restore' });
  assert.equal(entry.outcome, 'allowed');
  assert.equal(verifyWorkspaceLedger(root, stateRoot).status, 'intact');
});

void test('newer work is never overwritten without asking: conflict with the current hash, then an explicit go-ahead', async () => {
  const { root, store } = setup();
  const file = join(root, 'config.json');
  writeFileSync(file, '{"replicas": 3}\n');
  const old = await store.snapshotFile(file, 'will-save');
  assert.ok(old.ok);
  writeFileSync(file, '{"replicas": 5, "note": "edited by hand after the snapshot"}\n');

  const refused = await store.restore(old.record);
  assert.ok(!refused.ok);
  assert.equal(refused.code, 'conflict');
  assert.equal(refused.currentHash, sha(readFileSync(file)));
  assert.match(readFileSync(file, 'utf8'), /edited by hand/, 'the file is untouched');
  assert.deepEqual(ledgerEntries(root), [], 'a refused restore writes nothing');

  // A wrong expectation is still a conflict; the right one goes ahead, keeping the newer work first.
  const wrong = await store.restore(old.record, { expectedCurrentHash: sha('something else') });
  assert.ok(!wrong.ok && wrong.code === 'conflict');
  const agreed = await store.restore(old.record, { expectedCurrentHash: refused.currentHash });
  assert.ok(agreed.ok, JSON.stringify(agreed));
  assert.equal(readFileSync(file, 'utf8'), '{"replicas": 3}\n');
  assert.equal(agreed.backup?.reason, 'before-restore');
  assert.equal(agreed.backup?.id, refused.currentHash);
  assert.match((await store.read(agreed.backup!.id)).toString(), /edited by hand/);

  // The ledger entry names the backup, so the restore can be undone from it.
  const entry = ledgerEntries(root).pop();
  assert.deepEqual(entry?.snapshots, [{ path: 'config.json', id: refused.currentHash, size: agreed.backup?.size, after: old.record.id }]);

  // Undo: restore the backup over what the restore wrote (its own `after`), no question needed.
  const undo = await store.restore(agreed.backup!, { expectedCurrentHash: old.record.id });
  assert.ok(undo.ok);
  assert.match(readFileSync(file, 'utf8'), /edited by hand/);
});

void test('the next snapshot of the same path may be overwritten without asking; identical content is left alone', async () => {
  const { root, store } = setup();
  const file = join(root, '.env');
  writeFileSync(file, 'A=1\n');
  const first = await store.snapshotFile(file, 'will-save');
  writeFileSync(file, 'A=2\n');
  const second = await store.snapshotFile(file, 'will-save');
  assert.ok(first.ok && second.ok);
  // The file still holds what the second snapshot kept: the state the next event replaced.
  const result = await store.restore(first.record);
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(readFileSync(file, 'utf8'), 'A=1\n');

  const same = await store.restore(first.record);
  assert.ok(same.ok);
  assert.equal(same.unchanged, true);
  assert.equal(same.backup, undefined);

  // `always` overwrites anything, after keeping it.
  writeFileSync(file, 'A=3\n');
  const forced = await store.restore(second.record, { overwrite: 'always' });
  assert.ok(forced.ok);
  assert.equal(readFileSync(file, 'utf8'), 'A=2\n');
  assert.equal((await store.read(forced.backup!.id)).toString(), 'A=3\n');
});

void test('a damaged or missing snapshot is never restored', async () => {
  const { root, store } = setup();
  const file = join(root, 'keep.txt');
  writeFileSync(file, 'precious\n');
  const taken = await store.snapshotFile(file, 'will-delete');
  assert.ok(taken.ok);
  unlinkSync(file);
  chmodSync(store.blobPath(taken.record.id), 0o644);
  writeFileSync(store.blobPath(taken.record.id), 'precioux\n');
  const corrupt = await store.restore(taken.record);
  assert.ok(!corrupt.ok);
  assert.equal(corrupt.code, 'corrupt');
  assert.equal(existsSync(file), false);

  rmSync(store.blobPath(taken.record.id));
  const missing = await store.restore(taken.record.id);
  assert.ok(!missing.ok && missing.code === 'missing');
  const unknown = await store.restore('f'.repeat(64));
  assert.ok(!unknown.ok && unknown.code === 'missing');
});

void test('a restore target outside the workspace, through a linked folder, or that became a link is refused', async () => {
  const { root, store } = setup();
  const outside = mkdtempSync(join(base, 'outside-'));
  writeFileSync(join(root, 'a.txt'), 'a\n');
  const taken = await store.snapshotFile(join(root, 'a.txt'), 'will-delete');
  assert.ok(taken.ok);

  const away = await store.restore(taken.record, { to: join(outside, 'a.txt') });
  assert.ok(!away.ok && away.code === 'outside-workspace');
  symlinkSync(outside, join(root, 'out'));
  const through = await store.restore(taken.record, { to: join(root, 'out', 'a.txt') });
  assert.ok(!through.ok && through.code === 'outside-workspace');
  assert.deepEqual(readdirSync(outside), []);

  unlinkSync(join(root, 'a.txt'));
  symlinkSync(join(outside, 'victim'), join(root, 'a.txt'));
  const link = await store.restore(taken.record, { overwrite: 'always' });
  assert.ok(!link.ok && link.code === 'symlink');
  assert.equal(existsSync(join(outside, 'victim')), false);

  // Elsewhere inside the workspace is fine.
  const copy = await store.restore(taken.record, { to: join(root, 'restored', 'a.txt') });
  assert.ok(copy.ok);
  assert.equal(readFileSync(join(root, 'restored', 'a.txt'), 'utf8'), 'a\n');
});

void test('when what is there cannot be kept first, it is not overwritten', async () => {
  const { root } = setup();
  const store = new SnapshotStore(root, { maxFileBytes: 1024, maxTotalBytes: 1024 * 1024 });
  const file = join(root, 'notes.md');
  writeFileSync(file, 'short\n');
  const taken = await store.snapshotFile(file, 'will-save');
  assert.ok(taken.ok);
  writeFileSync(file, 'x'.repeat(4096));
  const result = await store.restore(taken.record, { overwrite: 'always' });
  assert.ok(!result.ok);
  assert.equal(result.code, 'backup-failed');
  assert.match(result.error, /larger than the snapshot limit/);
  assert.equal(readFileSync(file, 'utf8').length, 4096);
});
