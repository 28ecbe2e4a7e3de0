import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDiff } from '../../src/core/files/editDiff';
import { MassLossDetector } from '../../src/core/files/massLoss';
import type { LossEvent } from '../../src/core/files/massLoss';
import { ProtectedPaths } from '../../src/core/files/protectedPaths';
import { globMatchesPath } from '../../src/core/policy/rules';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings';

const T0 = Date.parse('2026-06-01T12:00:00Z');
const loss = (path: string, seconds: number, kind: LossEvent['kind'] = 'deleted'): LossEvent => ({ path, kind, at: T0 + seconds * 1000 });

void test('mass loss: the alarm fires once when the count within the window reaches the threshold', () => {
  const detector = new MassLossDetector({ fileCount: 5, windowSeconds: 10 });
  const alarms = [];
  for (let i = 0; i < 12; i++) {
    const alarm = detector.record(loss(`src/f${i}.ts`, i * 0.5, i % 3 === 0 ? 'emptied' : 'deleted'));
    if (alarm) alarms.push({ at: i, alarm });
  }
  assert.equal(alarms.length, 1, 'one alarm for one burst');
  assert.equal(alarms[0]?.at, 4, 'on the fifth file');
  assert.deepEqual(alarms[0]?.alarm.files.map((f) => f.path), ['src/f0.ts', 'src/f1.ts', 'src/f2.ts', 'src/f3.ts', 'src/f4.ts']);
  assert.equal(alarms[0]?.alarm.files[0]?.kind, 'emptied');
  assert.equal(alarms[0]?.alarm.startedAt, T0);
  // Later losses of the burst join its list for Restore all.
  assert.equal(detector.burst(T0 + 6000).length, 12);
  assert.equal(detector.hasAlarmed, true);

  // After a quiet window a new burst can alarm again.
  assert.deepEqual(detector.burst(T0 + 60_000), []);
  const second = [0, 1, 2, 3, 4].map((i) => detector.record(loss(`docs/d${i}.md`, 100 + i)));
  assert.ok(second[4]);
  assert.deepEqual(second.slice(0, 4), [undefined, undefined, undefined, undefined]);
});

void test('mass loss: a slow trickle, repeats of one file and out-of-order events', () => {
  const slow = new MassLossDetector({ fileCount: 3, windowSeconds: 10 });
  // One file every 6 s: never three within 10 s, however long it goes on.
  for (let i = 0; i < 20; i++) assert.equal(slow.record(loss(`a${i}`, i * 6)), undefined);

  const repeats = new MassLossDetector({ fileCount: 3, windowSeconds: 10 });
  for (let i = 0; i < 10; i++) assert.equal(repeats.record(loss('same.txt', i * 0.1)), undefined);
  assert.equal(repeats.record(loss('other.txt', 1)), undefined);
  assert.ok(repeats.record(loss('third.txt', 2)));

  const shuffled = new MassLossDetector({ fileCount: 3, windowSeconds: 10 });
  assert.equal(shuffled.record(loss('x', 5)), undefined);
  assert.equal(shuffled.record(loss('y', 1)), undefined);
  assert.ok(shuffled.record(loss('z', 3)));

  const forgiving = new MassLossDetector({ fileCount: 3, windowSeconds: 10 });
  forgiving.record(loss('p', 0));
  forgiving.record(loss('q', 1));
  forgiving.forget('q');
  assert.equal(forgiving.record(loss('r', 2)), undefined, 'a restored file no longer counts');
});

void test('edit diff: a unified diff with counts for text', () => {
  const before = 'CREATE TABLE users (\n  id int,\n  email text\n);\n';
  const after = 'CREATE TABLE users (\n  id int\n);\n';
  const diff = editDiff('db/migrations/001.sql', before, after);
  assert.equal(diff.kind, 'text');
  if (diff.kind !== 'text') return;
  assert.deepEqual([diff.added, diff.removed, diff.truncated], [1, 2, false]);
  assert.match(diff.unified, /^--- a\/db\/migrations\/001\.sql\n\+\+\+ b\/db\/migrations\/001\.sql\n@@ -1,4 \+1,3 @@\n/);
  assert.match(diff.unified, /^- {2}email text$/m);
  assert.deepEqual(editDiff('x', before, before), { kind: 'unchanged' });
  // A created file diffs against nothing; bytes that are UTF-8 are text.
  const created = editDiff('new.txt', undefined, new TextEncoder().encode('héllo\n'));
  assert.ok(created.kind === 'text' && created.added === 1 && created.removed === 0);
});

void test('edit diff: binary, huge and wildly different content never produce a diff', () => {
  assert.deepEqual(editDiff('a.png', new Uint8Array([0x89, 0x50, 0x00, 0x01]), new Uint8Array([0x89, 0x50, 0x00, 0x02])), { kind: 'binary' });
  assert.deepEqual(editDiff('a.bin', 'text', new Uint8Array([0xff, 0xfe, 0x41])), { kind: 'binary' }, 'bytes that are not UTF-8');
  assert.deepEqual(editDiff('a.txt', 'a\0b', 'a'), { kind: 'binary' });
  const huge = 'x'.repeat(600 * 1024);
  assert.deepEqual(editDiff('big.log', huge, `${huge}y`), { kind: 'too-large', oldBytes: 600 * 1024, newBytes: 600 * 1024 + 1 });
  const many = (seed: string) => Array.from({ length: 3000 }, (_, i) => `${seed}${i}`).join('\n');
  assert.deepEqual(editDiff('gen.txt', many('a'), many('b'), { maxEditLength: 100 }), { kind: 'too-different' });

  const long = editDiff('gen.txt', many('a'), many('b'), { maxDiffChars: 1000, maxEditLength: 10_000 });
  assert.ok(long.kind === 'text' && long.truncated);
  if (long.kind === 'text') {
    assert.ok(long.unified.length < 1100);
    assert.match(long.unified, /diff cut at 1000 characters/);
    assert.equal(long.added, 3000);
  }
});

void test('protected paths: compiled globs agree with the policy\'s matcher on the defaults', () => {
  const root = '/work/project';
  const globs = DEFAULT_SETTINGS.protectedPaths;
  const paths = new ProtectedPaths(globs, root);
  const samples = [
    '.env', '.env.production', 'config/.envrc', 'db/migrations/001.sql', 'infra/prod.tfstate', 'infra/x.tfstate.backup',
    '.github/workflows/ci.yml', 'data/app.sqlite3', 'app.db', '.git/HEAD', '.airlock/policy.json', 'keys/server.pem',
    'src/index.ts', 'README.md', 'dbconfig.ts', 'migrations.md', '.github/CODEOWNERS', `${root}/deep/.aws/credentials`, '/etc/passwd',
  ];
  for (const sample of samples) {
    const abs = sample.startsWith('/') ? sample : `${root}/${sample}`;
    const expected = globs.some((glob) => globMatchesPath(glob, abs, root));
    assert.equal(paths.isProtected(abs), expected, sample);
    // Relative paths are matched as written, the same way.
    assert.equal(paths.isProtected(sample), globs.some((glob) => globMatchesPath(glob, sample, root)), sample);
  }
  assert.equal(samples.filter((sample) => paths.isProtected(sample.startsWith('/') ? sample : `${root}/${sample}`)).length, 13);
  assert.equal(paths.match(`${root}/db/migrations/001.sql`), '**/migrations/**');
  assert.equal(paths.match(`${root}/src/index.ts`), undefined);
  assert.equal(new ProtectedPaths(['*.secret'], root).match(`${root}/a/b/c.secret`), '*.secret', 'no slash: the base name anywhere');
});
