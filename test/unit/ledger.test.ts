import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, EMPTY_HEAD, entryLine, GENESIS, sealEntry } from '../../src/core/ledger/entry';
import type { LedgerEntry, LedgerRecord } from '../../src/core/ledger/entry';
import type { Action } from '../../src/core/action';
import { verifyChain } from '../../src/core/ledger/verifyChain';
import { withFileLock, LedgerLockTimeout } from '../../src/host/ledger/fileLock';
import { listLedgerFiles, readLedgerLines } from '../../src/host/ledger/ledgerFiles';
import { LedgerStore, readHead, sha256Hex } from '../../src/host/ledger/ledgerStore';
import { findWorkspaceRoot } from '../../src/host/ledger/locations';
import { verifyWorkspaceLedger } from '../../src/host/ledger/verifyLedger';
import { sampleRecord } from './ledgerSamples';

function fixture(): { workspace: string; state: string; store: (rotateBytes?: number) => LedgerStore } {
  const base = mkdtempSync(join(tmpdir(), 'airlock-ledger-'));
  const workspace = join(base, 'ws');
  const state = join(base, 'state');
  mkdirSync(join(workspace, '.git'), { recursive: true });
  return { workspace, state, store: (rotateBytes?: number) => new LedgerStore(workspace, { stateRoot: state, rotateBytes }) };
}

const ledgerFile = (workspace: string) => join(workspace, '.airlock', 'ledger.jsonl');
const readLines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const commands = ['ls', 'rm -rf ~/', 'git status'];

async function appendAll(store: LedgerStore, list: readonly string[] = commands): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for (const command of list) out.push(await store.append(sampleRecord(command)));
  return out;
}

void test('entries are chained: seq counts up, prev is the hash before, the hash covers the content', () => {
  const a = sealEntry(sampleRecord('ls'), EMPTY_HEAD, sha256Hex);
  const b = sealEntry(sampleRecord('pwd'), { hash: a.hash, count: a.seq }, sha256Hex);
  assert.equal(a.seq, 1);
  assert.equal(a.prev, GENESIS);
  assert.equal(b.prev, a.hash);
  assert.match(a.hash, /^[0-9a-f]{64}$/);
  const report = verifyChain(
    [a, b].map((entry, i) => ({ file: 'ledger.jsonl', line: i + 1, text: entryLine(entry).trim() })),
    sha256Hex,
  );
  assert.deepEqual(report.problems, []);
  assert.deepEqual(report.head, { hash: b.hash, count: 2 });
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } }), '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
});

void test('secrets are redacted before hashing and writing, in the workspace and the mirror', async () => {
  const { workspace, state, store } = fixture();
  const secret = 'f3b1c2d4-9a8b-4c7d-8e6f-5a4b3c2d1e0f';
  const record: LedgerRecord = sampleRecord(`curl -H "Authorization: Bearer ${secret}" -X POST https://backboard.railway.app/graphql/v2`);
  const entry = await store().append(record);
  assert.ok(!JSON.stringify(entry).includes(secret));
  assert.ok(!readFileSync(ledgerFile(workspace), 'utf8').includes(secret));
  const mirror = store().locations.stateDir;
  assert.ok(!readFileSync(join(mirror, 'ledger.jsonl'), 'utf8').includes(secret));
  assert.ok(readFileSync(ledgerFile(workspace), 'utf8').includes('Bearer [REDACTED]'));
  assert.ok(state);
});

void test('an appended ledger verifies, keeps a head and a mirror outside, and a .gitignore', async () => {
  const { workspace, state, store } = fixture();
  const written = await appendAll(store());
  assert.equal(readLines(ledgerFile(workspace)).length, 3);
  assert.match(readFileSync(join(workspace, '.airlock', '.gitignore'), 'utf8'), /^\*$/m);
  const { headFile, stateDir } = store().locations;
  assert.equal(readHead(headFile)?.count, 3);
  assert.equal(readHead(headFile)?.hash, written[2]?.hash);
  assert.deepEqual(readLines(join(stateDir, 'ledger.jsonl')), readLines(ledgerFile(workspace)));
  const result = verifyWorkspaceLedger(join(workspace, 'sub', 'dir'), state);
  assert.equal(result.status, 'intact');
  assert.equal(result.exitCode, 0);
  assert.equal(result.entries, 3);
});

void test('an edited line is named as the first broken entry', async () => {
  const { workspace, state, store } = fixture();
  await appendAll(store());
  const file = ledgerFile(workspace);
  writeFileSync(file, readFileSync(file, 'utf8').replace('"command":"ls"', '"command":"ls -l"'));
  const result = verifyWorkspaceLedger(workspace, state);
  assert.equal(result.exitCode, 1);
  assert.match(result.problems[0] ?? '', /^entry #1 \(ledger\.jsonl line 1\): its content does not match its hash/);
});

void test('a removed line, a truncation and a consistent rewrite are all detected', async () => {
  const removed = fixture();
  await appendAll(removed.store());
  const lines = readLines(ledgerFile(removed.workspace));
  writeFileSync(ledgerFile(removed.workspace), `${lines[0]}\n${lines[2]}\n`);
  const gap = verifyWorkspaceLedger(removed.workspace, removed.state);
  assert.equal(gap.exitCode, 1);
  assert.match(gap.problems[0] ?? '', /entry #3 \(ledger\.jsonl line 2\): its prev does not match the hash of entry #1: entries #2 to #2 are missing/);

  const truncated = fixture();
  await appendAll(truncated.store());
  writeFileSync(ledgerFile(truncated.workspace), `${readLines(ledgerFile(truncated.workspace)).slice(0, 2).join('\n')}\n`);
  const cut = verifyWorkspaceLedger(truncated.workspace, truncated.state);
  assert.equal(cut.exitCode, 1);
  assert.match(cut.problems[0] ?? '', /truncated: it ends at entry #2 but 3 entries were written/);

  // A rewrite that recomputes every hash passes the chain check; the head and the mirror catch it.
  const rewritten = fixture();
  await appendAll(rewritten.store());
  const entries = readLines(ledgerFile(rewritten.workspace)).map((line) => JSON.parse(line) as LedgerEntry);
  let head = EMPTY_HEAD;
  const forged = entries.map((entry) => {
    const record = { ...entry, action: { ...entry.action, command: entry.seq === 2 ? 'ls' : (entry.action as { command: string }).command } as Action };
    const sealed = sealEntry(record, head, sha256Hex);
    head = { hash: sealed.hash, count: sealed.seq };
    return entryLine(sealed);
  });
  writeFileSync(ledgerFile(rewritten.workspace), forged.join(''));
  const rewrite = verifyWorkspaceLedger(rewritten.workspace, rewritten.state);
  assert.equal(rewrite.exitCode, 1);
  assert.match(rewrite.problems[0] ?? '', /rewritten: entry #3 does not match the head/);
  assert.ok(rewrite.problems.some((p) => /entry #2 \(ledger\.jsonl line 2\) differs from the copy kept outside/.test(p)), rewrite.problems.join('\n'));
});

void test('rm -rf of the ledger is detected, the record survives, and new entries continue the chain', async () => {
  const { workspace, state, store } = fixture();
  await appendAll(store());
  rmSync(join(workspace, '.airlock'), { recursive: true, force: true });
  const gone = verifyWorkspaceLedger(workspace, state);
  assert.equal(gone.status, 'deleted');
  assert.equal(gone.exitCode, 1);
  assert.ok(gone.problems[0]?.includes(store().locations.stateDir));
  assert.equal(readLines(join(store().locations.stateDir, 'ledger.jsonl')).length, 3);

  const next = await store().append(sampleRecord('echo after'));
  assert.equal(next.seq, 4);
  const after = verifyWorkspaceLedger(workspace, state);
  assert.equal(after.exitCode, 1);
  assert.match(after.problems[0] ?? '', /entry #4 .*should start the chain .*entries #1 to #3 are missing/);
});

void test('no ledger anywhere exits 2', () => {
  const { workspace, state } = fixture();
  const result = verifyWorkspaceLedger(workspace, state);
  assert.equal(result.status, 'missing');
  assert.equal(result.exitCode, 2);
});

void test('rotation continues the chain across files, and verification walks them in order', async () => {
  const { workspace, state, store } = fixture();
  const s = store(2500);
  const list = Array.from({ length: 12 }, (_, i) => `echo ${i}`);
  await appendAll(s, list);
  const files = listLedgerFiles(join(workspace, '.airlock'));
  assert.ok(files.length >= 3, files.join(' '));
  assert.equal(files[files.length - 1], 'ledger.jsonl');
  const firstOfSecond = JSON.parse(readLines(join(workspace, '.airlock', files[1] ?? ''))[0] ?? '{}') as LedgerEntry;
  const lastOfFirst = JSON.parse(readLines(join(workspace, '.airlock', files[0] ?? '')).pop() ?? '{}') as LedgerEntry;
  assert.equal(firstOfSecond.prev, lastOfFirst.hash);
  const result = verifyWorkspaceLedger(workspace, state);
  assert.deepEqual(result.problems, []);
  assert.equal(result.entries, 12);
  const seqs = [...readLedgerLines(join(workspace, '.airlock'))].map((l) => (JSON.parse(l.text) as LedgerEntry).seq);
  assert.deepEqual(seqs, Array.from({ length: 12 }, (_, i) => i + 1));
});

void test('a torn line is reported with its position; the rest still reads and appends start a fresh line', async () => {
  const { workspace, state, store } = fixture();
  await appendAll(store());
  appendFileSync(ledgerFile(workspace), '{"v":1,"seq":4,"time":"2026-04-25T10:');
  await store().append(sampleRecord('echo next'));
  const lines = readFileSync(ledgerFile(workspace), 'utf8').split('\n');
  assert.equal(lines[3], '{"v":1,"seq":4,"time":"2026-04-25T10:');
  assert.equal((JSON.parse(lines[4] ?? '{}') as LedgerEntry).seq, 4);
  const result = verifyWorkspaceLedger(workspace, state);
  assert.equal(result.exitCode, 1);
  assert.match(result.problems[0] ?? '', /^a line \(ledger\.jsonl line 4\): the line is not valid JSON/);
  assert.equal(result.entries, 4);
});

void test('a stale lock from a dead process is broken; a live one times out', async () => {
  const { workspace, store } = fixture();
  const s = store();
  mkdirSync(join(workspace, '.airlock'), { recursive: true });
  // No process has pid 2^22 + 1 on Linux, whose pid_max is at most 2^22.
  writeFileSync(s.locations.lockFile, JSON.stringify({ pid: 4194305, host: (await import('node:os')).hostname(), nonce: 'x', time: Date.now() }));
  const entry = await s.append(sampleRecord('ls'));
  assert.equal(entry.seq, 1);

  writeFileSync(s.locations.lockFile, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), nonce: 'y', time: Date.now() }));
  await assert.rejects(withFileLock(s.locations.lockFile, () => 1, { timeoutMs: 150 }), LedgerLockTimeout);
  // The same lock becomes stale by age, as a hung or stopped holder's would.
  assert.equal(await withFileLock(s.locations.lockFile, () => 2, { staleMs: 0 }), 2);
  assert.deepEqual(readdirSync(join(workspace, '.airlock')).filter((f) => f.includes('lock')), []);
});

void test('the workspace is the git top level, or the folder itself', () => {
  const { workspace } = fixture();
  mkdirSync(join(workspace, 'a', 'b'), { recursive: true });
  assert.equal(findWorkspaceRoot(join(workspace, 'a', 'b')), findWorkspaceRoot(workspace));
  const plain = mkdtempSync(join(tmpdir(), 'airlock-plain-'));
  assert.equal(findWorkspaceRoot(plain), findWorkspaceRoot(plain));
  assert.ok(findWorkspaceRoot(plain).endsWith(plain.split('/').pop() ?? ''));
});

void test('a policy-only decision becomes a record whose outcome and decider follow the policy', async () => {
  const { policyDecisionRecord } = await import('../../src/core/ledger/record');
  const base = sampleRecord('rm -rf ~/');
  const denied = policyDecisionRecord({
    time: new Date('2026-04-25T10:00:00Z'),
    source: 'agent-hook',
    agent: 'claude',
    action: base.action,
    assessment: base.assessment,
    policy: { decision: 'deny', decidedBy: 'threshold', failedClosed: true },
  });
  assert.deepEqual([denied.outcome, denied.decider.by, denied.decider.how, denied.time], ['denied', 'fail-closed', 'threshold', '2026-04-25T10:00:00.000Z']);
  const allowed = policyDecisionRecord({ ...denied, time: new Date(0), policy: { decision: 'allow', decidedBy: 'threshold' } });
  assert.deepEqual([allowed.outcome, allowed.decider.by], ['allowed', 'policy']);
});
