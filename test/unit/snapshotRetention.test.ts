import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileEventRecord } from '../../src/core/files/fileEvents';
import { planRetention } from '../../src/core/snapshots/retention';
import type { SnapshotRecord } from '../../src/core/snapshots/snapshotModel';
import { LedgerStore } from '../../src/host/ledger/ledgerStore';
import { collectReferencedSnapshotIds } from '../../src/host/snapshots/ledgerReferences';
import { SnapshotStore } from '../../src/host/snapshots/snapshotStore';

const DAY = 24 * 3600 * 1000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const id = (n: number): string => n.toString(16).padStart(64, '0');
const rec = (n: number, path: string, daysAgo: number): SnapshotRecord => ({
  id: id(n),
  path,
  size: 100,
  takenAt: new Date(NOW - daysAgo * DAY).toISOString(),
  reason: 'rolling',
  binary: false,
});
const blobsOf = (records: readonly SnapshotRecord[], mtimeMs = NOW - 40 * DAY) =>
  new Map(records.map((record) => [record.id, { size: record.size, mtimeMs }]));

void test('age: old records go, except each path\'s newest and anything the ledger refers to', () => {
  const records = [rec(1, 'a', 90), rec(2, 'a', 60), rec(3, 'b', 50), rec(4, 'a', 1), rec(5, 'c', 45)];
  const plan = planRetention({ records, blobs: blobsOf(records), referenced: new Set([id(2)]), now: NOW, maxAgeMs: 30 * DAY, maxTotalBytes: 1e9 });
  assert.deepEqual(plan.keep.map((r) => r.id), [id(2), id(3), id(4), id(5)]);
  assert.deepEqual(plan.deleteBlobs, [id(1)]);
  assert.equal(plan.bytesFreed, 100);
  assert.equal(plan.overLimit, false);
});

void test('size: the oldest droppable go first, newest-per-path last, referenced never', () => {
  const records = [rec(1, 'a', 5), rec(2, 'b', 4), rec(3, 'a', 3), rec(4, 'b', 2), rec(5, 'c', 1)];
  const referenced = new Set([id(1)]);
  const plan = planRetention({ records, blobs: blobsOf(records), referenced, now: NOW, maxAgeMs: 30 * DAY, maxTotalBytes: 300 });
  // 500 bytes against 300: 1 is referenced; 2 is the only droppable record that is not its path's
  // newest, so it goes first; then the newest ones, oldest first: 3 (a's newest). That reaches 300.
  assert.deepEqual(plan.keep.map((r) => r.id), [id(1), id(4), id(5)]);
  assert.deepEqual([...plan.deleteBlobs].sort(), [id(2), id(3)]);
  assert.equal(plan.bytesKept, 300);

  const tight = planRetention({ records, blobs: blobsOf(records), referenced: new Set(records.map((r) => r.id)), now: NOW, maxAgeMs: DAY, maxTotalBytes: 100 });
  assert.equal(tight.keep.length, 5, 'everything referenced stays, even over the limit');
  assert.equal(tight.overLimit, true);
});

void test('shared blobs, missing blobs and fresh orphans', () => {
  const records = [rec(1, 'a', 60), rec(1, 'b', 1), rec(2, 'c', 1)];
  const blobs = blobsOf([rec(1, 'a', 0)]);
  blobs.set(id(9), { size: 50, mtimeMs: NOW - 1000 });
  blobs.set(id(8), { size: 50, mtimeMs: NOW - DAY });
  const plan = planRetention({ records, blobs, referenced: new Set(), now: NOW, maxAgeMs: 30 * DAY, maxTotalBytes: 1e9 });
  // Record a/1 is old but a's newest; c/2 has no blob left and is dropped; 9 is a copy in progress.
  assert.deepEqual(plan.keep.map((r) => `${r.path}/${r.id.slice(-1)}`), ['a/1', 'b/1']);
  assert.deepEqual(plan.drop.map((r) => r.path), ['c']);
  assert.deepEqual(plan.deleteBlobs, [id(8)]);
});

void test('prune on disk keeps every snapshot the ledger names, even one it can no longer parse', async () => {
  const root = mkdtempSync(join(tmpdir(), 'airlock-retention-'));
  mkdirSync(join(root, '.git'));
  const stateRoot = mkdtempSync(join(tmpdir(), 'airlock-retention-state-'));
  let now = NOW - 100 * DAY;
  const store = new SnapshotStore(root, { maxFileBytes: 1024 * 1024, maxTotalBytes: 1024 * 1024, maxAgeDays: 30, clock: () => new Date(now) });
  const take = async (path: string, content: string): Promise<SnapshotRecord> => {
    writeFileSync(join(root, path), content);
    const result = await store.snapshotFile(join(root, path), 'rolling');
    assert.ok(result.ok);
    // Blobs are dated by the disk; date them like their records so the fresh-orphan grace does not apply.
    utimesSync(store.blobPath(result.record.id), new Date(now), new Date(now));
    return result.record;
  };
  const referenced = await take('.env', 'A=1\n');
  const tornReference = await take('.env', 'A=2\n');
  const unreferenced = await take('.env', 'A=3\n');
  now = NOW;
  const newest = await take('.env', 'A=4\n');

  const ledger = new LedgerStore(root, { stateRoot });
  const action = { kind: 'fileEvent' as const, event: 'delete' as const, path: join(root, '.env'), via: 'watcher' };
  await ledger.append(fileEventRecord({ time: new Date(now), source: 'file', action, snapshots: [{ path: '.env', id: referenced.id, after: null }] }));
  await ledger.append(fileEventRecord({ time: new Date(now), source: 'file', action, snapshots: [{ path: '.env', id: tornReference.id, after: null }] }));
  // Damage the second line in both copies: it no longer parses, but still names its snapshot.
  for (const dir of [ledger.locations.ledgerDir, ledger.locations.stateDir]) {
    const file = join(dir, 'ledger.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = (lines[1] ?? '').slice(0, -3);
    writeFileSync(file, lines.join('\n'));
  }
  const ids = collectReferencedSnapshotIds(root, stateRoot);
  assert.ok(ids.has(referenced.id) && ids.has(tornReference.id) && !ids.has(unreferenced.id));

  const report = await store.prune(ids);
  assert.deepEqual([report.recordsDropped, report.blobsDeleted], [1, 1]);
  assert.deepEqual(store.list().map((r) => r.id), [referenced.id, tornReference.id, newest.id]);
  assert.equal(existsSync(store.blobPath(unreferenced.id)), false);
  for (const kept of [referenced, tornReference, newest]) assert.equal(await store.verify(kept.id), 'ok');
});

void test('referenced ids come from snapshot refs and from the snapshot a restore wrote back', async () => {
  const { referencedSnapshotIds } = await import('../../src/core/files/fileEvents');
  const sha = createHash('sha256').update('x').digest('hex');
  const restore = fileEventRecord({ time: new Date(NOW), source: 'cli', action: { kind: 'fileEvent', event: 'restore', path: '/w/a', snapshot: sha } });
  const loss = fileEventRecord({ time: new Date(NOW), source: 'file', action: { kind: 'fileEvent', event: 'delete', path: '/w/b' }, snapshots: [{ path: 'b', id: id(7) }, { path: 'c', problem: 'too-large' }] });
  assert.deepEqual([...referencedSnapshotIds([restore, loss])].sort(), [id(7), sha].sort());
  assert.equal(loss.assessment.reasons[0]?.rule, 'files.delete.unkept');
  assert.equal(restore.decider.by, 'person');
});
