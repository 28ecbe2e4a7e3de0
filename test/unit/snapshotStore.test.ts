import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotStore, SnapshotStoreError } from '../../src/host/snapshots/snapshotStore';
import type { SnapshotStoreOptions } from '../../src/host/snapshots/snapshotStore';

const base = mkdtempSync(join(tmpdir(), 'airlock-snapshots-'));
const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function workspace(): string {
  const root = mkdtempSync(join(base, 'ws-'));
  mkdirSync(join(root, '.git'));
  return root;
}

function storeFor(root: string, options: Partial<SnapshotStoreOptions> = {}): SnapshotStore {
  return new SnapshotStore(root, { maxFileBytes: 64 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024, ...options });
}

/** Everything in the store's temporary folder: a failed copy must leave nothing behind. */
function leftovers(store: SnapshotStore): string[] {
  const tmp = join(store.dir, 'tmp');
  return existsSync(tmp) ? readdirSync(tmp) : [];
}

void test('a text and a binary file round-trip byte for byte, by content hash, with their mode', async () => {
  const root = workspace();
  const text = 'DATABASE_URL=postgres://localhost/app\n';
  const binary = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe]), randomBytes(70_000)]);
  writeFileSync(join(root, '.env'), text);
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'logo.png'), binary);
  chmodSync(join(root, 'assets', 'logo.png'), 0o640);
  const store = storeFor(root);

  const a = await store.snapshotFile(join(root, '.env'), 'will-delete');
  const b = await store.snapshotFile('assets/logo.png', 'will-save');
  assert.ok(a.ok && b.ok);
  assert.deepEqual([a.record.id, a.record.path, a.record.size, a.record.binary], [sha(text), '.env', text.length, false]);
  assert.deepEqual([b.record.id, b.record.path, b.record.size, b.record.binary, b.record.mode], [sha(binary), 'assets/logo.png', binary.length, true, 0o640]);
  assert.ok(readFileSync(store.blobPath(b.record.id)).equals(binary));
  assert.ok((await store.read(b.record.id)).equals(binary));
  assert.deepEqual(store.list().map((r) => r.path), ['.env', 'assets/logo.png']);
  assert.equal(store.latestFor(join(root, 'assets', 'logo.png'))?.id, sha(binary));

  // Git never sees the store: .airlock/.gitignore ignores everything but the team policy.
  assert.match(readFileSync(join(root, '.airlock', '.gitignore'), 'utf8'), /^\*$/m);
  assert.equal(spawnSync('git', ['init', '-q'], { cwd: root }).status, 0);
  assert.equal(spawnSync('git', ['check-ignore', '-q', '.airlock/snapshots/index.jsonl'], { cwd: root }).status, 0);
  assert.equal(spawnSync('git', ['check-ignore', '-q', `.airlock/snapshots/objects/${sha(text).slice(0, 2)}/${sha(text)}`], { cwd: root }).status, 0);

  // The same content twice is one blob and two records.
  const again = await store.snapshotFile(join(root, '.env'), 'rolling');
  assert.ok(again.ok);
  assert.equal(readdirSync(join(store.dir, 'objects')).length, 2);
  assert.equal(store.list({ path: '.env' }).length, 2);
  assert.deepEqual(leftovers(store), []);
});

void test('a large file is streamed through; one over the limit is named too-large, and nothing is written', async () => {
  const root = workspace();
  // Sparse: no disk space is used by the holes, but every byte is read, hashed and copied.
  const big = join(root, 'dump.sqlite');
  const fd = openSync(big, 'w');
  writeSync(fd, 'SQLite format 3\0');
  ftruncateSync(fd, 24 * 1024 * 1024);
  writeSync(fd, 'tail', 24 * 1024 * 1024 - 4);
  closeSync(fd);
  const store = storeFor(root, { maxFileBytes: 32 * 1024 * 1024 });
  const copied = await store.snapshotFile(big, 'will-delete');
  assert.ok(copied.ok, JSON.stringify(copied));
  assert.equal(copied.record.size, 24 * 1024 * 1024);
  assert.equal(copied.record.id, sha(readFileSync(big)));
  assert.equal(await store.verify(copied.record.id), 'ok');

  // 3 GB is more than a Buffer can hold: refused from its size, never read.
  const huge = join(root, 'huge.db');
  const hfd = openSync(huge, 'w');
  ftruncateSync(hfd, 3 * 1024 * 1024 * 1024);
  closeSync(hfd);
  const refused = await storeFor(root, { maxFileBytes: 1024 * 1024 * 1024 }).snapshotFile(huge, 'will-delete');
  assert.ok(!refused.ok);
  assert.equal(refused.code, 'too-large');
  assert.equal(refused.size, 3 * 1024 * 1024 * 1024);
  assert.equal(refused.path, 'huge.db');
  assert.match(refused.error, /larger than the snapshot limit/);
  assert.equal(store.list({ path: 'huge.db' }).length, 0);
  assert.deepEqual(leftovers(store), []);
});

void test('symbolic links are never followed, and files outside the workspace are refused', async () => {
  const root = workspace();
  const outside = mkdtempSync(join(base, 'outside-'));
  writeFileSync(join(outside, 'secret'), 'not yours');
  symlinkSync(join(outside, 'secret'), join(root, 'link-to-secret'));
  symlinkSync(outside, join(root, 'linked-folder'));
  const store = storeFor(root);

  const link = await store.snapshotFile(join(root, 'link-to-secret'), 'will-delete');
  assert.ok(!link.ok);
  assert.equal(link.code, 'symlink');
  const through = await store.snapshotFile(join(root, 'linked-folder', 'secret'), 'will-delete');
  assert.ok(!through.ok);
  assert.equal(through.code, 'outside-workspace');
  assert.match(through.error, /symbolic link/);
  for (const path of [join(outside, 'secret'), '../outside/secret', '/etc/hostname']) {
    const result = await store.snapshotFile(path, 'manual');
    assert.ok(!result.ok);
    assert.equal(result.code, 'outside-workspace', path);
  }
  const missing = await store.snapshotFile(join(root, 'nope.txt'), 'will-delete');
  assert.ok(!missing.ok && missing.code === 'not-found');
  const folder = await store.snapshotFile(join(root, '.git'), 'will-delete');
  assert.ok(!folder.ok && folder.code === 'not-a-file');

  // A folder snapshot reports links without descending into them.
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  symlinkSync(outside, join(root, 'src', 'escape'));
  const tree = await store.snapshotTree(join(root, 'src'), 'will-delete');
  assert.equal(tree.complete, true);
  assert.deepEqual(tree.results.map((r) => (r.ok ? `ok ${r.record.path}` : `${r.code} ${r.path}`)).sort(), ['ok src/a.ts', 'symlink src/escape']);
  assert.equal(store.list().some((r) => r.path.includes('secret')), false);
});

void test('a copy damaged before it is checked is discarded: no index line, no blob, no temporary file', async () => {
  const root = workspace();
  writeFileSync(join(root, 'schema.sql'), 'CREATE TABLE users (id int);\n');
  const store = storeFor(root, {
    afterCopy: (temp) => writeFileSync(temp, 'CREATE TABLE users (id int);\n-- flipped bit\n'),
  });
  const result = await store.snapshotFile(join(root, 'schema.sql'), 'will-save');
  assert.ok(!result.ok);
  assert.equal(result.code, 'io-error');
  assert.match(result.error, /did not read back as written/);
  assert.deepEqual(store.list(), []);
  assert.deepEqual(readdirSync(join(store.dir, 'objects')), []);
  assert.deepEqual(leftovers(store), []);
});

void test('a full disk mid-copy is a clear disk-full error and leaves nothing half-written', async () => {
  const root = workspace();
  writeFileSync(join(root, 'data.db'), randomBytes(4096));
  const store = storeFor(root, {
    afterCopy: () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  });
  const result = await store.snapshotFile(join(root, 'data.db'), 'will-delete');
  assert.ok(!result.ok);
  assert.equal(result.code, 'disk-full');
  assert.match(result.error, /disk is full/);
  assert.deepEqual(store.list(), []);
  assert.deepEqual(leftovers(store), []);
});

void test('a read-only store is a clear read-only error', async (t) => {
  const root = workspace();
  writeFileSync(join(root, '.env'), 'A=1\n');
  const store = storeFor(root);
  assert.ok((await store.snapshotFile(join(root, '.env'), 'rolling')).ok);
  writeFileSync(join(root, '.env'), 'A=2\n');
  const airlock = join(root, '.airlock', 'snapshots', 'tmp');
  chmodSync(airlock, 0o555);
  let immutable = false;
  try {
    if (canWrite(airlock)) {
      // Root ignores permission bits; the immutable attribute stops even root (ext4, xfs).
      immutable = spawnSync('chattr', ['+i', airlock]).status === 0 && !canWrite(airlock);
      if (!immutable) {
        t.skip('running as root on a file system without chattr +i: nothing here can make a folder read-only');
        return;
      }
    }
    const result = await store.snapshotFile(join(root, '.env'), 'rolling');
    assert.ok(!result.ok);
    assert.equal(result.code, 'read-only');
    assert.equal(store.list().length, 1);
    assert.deepEqual(leftovers(store), []);
  } finally {
    if (immutable) spawnSync('chattr', ['-i', airlock]);
    chmodSync(airlock, 0o755);
  }
});

function canWrite(dir: string): boolean {
  try {
    writeFileSync(join(dir, 'probe'), '');
    spawnSync('rm', ['-f', join(dir, 'probe')]);
    return true;
  } catch {
    return false;
  }
}

void test('a damaged blob is reported corrupt by read and verify; a missing one as missing', async () => {
  const root = workspace();
  writeFileSync(join(root, 'config.yml'), 'replicas: 3\n');
  const store = storeFor(root);
  const taken = await store.snapshotFile(join(root, 'config.yml'), 'will-save');
  assert.ok(taken.ok);
  chmodSync(store.blobPath(taken.record.id), 0o644);
  writeFileSync(store.blobPath(taken.record.id), 'replicas: 0\n');
  assert.equal(await store.verify(taken.record.id), 'corrupt');
  await assert.rejects(store.read(taken.record.id), (error: unknown) => error instanceof SnapshotStoreError && error.reason === 'corrupt');
  await assert.rejects(store.read('0'.repeat(64)), (error: unknown) => error instanceof SnapshotStoreError && error.reason === 'missing');
  assert.throws(() => store.blobPath('../../etc/passwd'), SnapshotStoreError);

  // Taking the same content again replaces the damaged blob with a checked copy.
  writeFileSync(join(root, 'config.yml'), 'replicas: 3\n');
  assert.ok((await store.snapshotFile(join(root, 'config.yml'), 'rolling')).ok);
  assert.equal(await store.verify(taken.record.id), 'ok');
});

void test('index lines that are torn or hostile are skipped, never trusted', async () => {
  const root = workspace();
  writeFileSync(join(root, 'a.txt'), 'a');
  const store = storeFor(root);
  assert.ok((await store.snapshotFile(join(root, 'a.txt'), 'manual')).ok);
  const index = join(store.dir, 'index.jsonl');
  const hostile = JSON.stringify({ id: sha('x'), path: '../../.bashrc', size: 1, takenAt: new Date().toISOString(), reason: 'manual', binary: false });
  writeFileSync(index, `${readFileSync(index, 'utf8')}{"id": "torn\n${hostile}\n`);
  assert.deepEqual(store.list().map((r) => r.path), ['a.txt']);
});

void test('a folder snapshot stops at its deadline and names the files it did not copy', async () => {
  const root = workspace();
  mkdirSync(join(root, 'migrations'));
  for (let i = 0; i < 5; i++) writeFileSync(join(root, 'migrations', `00${i}.sql`), `-- ${i}\n`);
  const store = storeFor(root);
  const past = await store.snapshotTree(join(root, 'migrations'), 'will-delete', { deadline: Date.now() - 1 });
  assert.equal(past.complete, false);
  const full = await store.snapshotTree(join(root, 'migrations'), 'will-delete', { deadline: Date.now() + 60_000, skip: (rel) => rel.endsWith('004.sql') });
  assert.equal(full.complete, true);
  assert.deepEqual(full.results.map((r) => (r.ok ? r.record.path : r.code)).sort(), ['migrations/000.sql', 'migrations/001.sql', 'migrations/002.sql', 'migrations/003.sql']);
  assert.ok(statSync(store.blobPath(sha('-- 0\n'))).isFile());
});
