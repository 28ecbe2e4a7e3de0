import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry } from '../../src/core/ledger/entry';
import { listLedgerFiles, readLedgerLines } from '../../src/host/ledger/ledgerFiles';
import { readHead } from '../../src/host/ledger/ledgerStore';
import { ledgerLocations } from '../../src/host/ledger/locations';
import { verifyWorkspaceLedger } from '../../src/host/ledger/verifyLedger';

const REPO = join(__dirname, '..', '..');
const WORKERS = 6;
const EACH = 50;

interface Worker {
  readonly ready: Promise<void>;
  readonly finished: Promise<void>;
}

function startWorker(workspace: string, state: string, tag: string, rotateBytes: number, goFile: string): Worker {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'ledgerWorker.ts'), workspace, String(EACH), String(rotateBytes), tag, goFile],
    { cwd: REPO, env: { ...process.env, AIRLOCK_STATE_DIR: state }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const finished = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${tag} exited ${code}: ${stderr}`))));
  });
  return { ready, finished };
}

void test(`${WORKERS} processes appending ${EACH} entries each at once: no torn, interleaved or lost lines`, { timeout: 120_000 }, async () => {
  const base = mkdtempSync(join(tmpdir(), 'airlock-concurrent-'));
  const workspace = join(base, 'ws');
  const state = join(base, 'state');
  mkdirSync(join(workspace, '.git'), { recursive: true });
  // Small files, so rotation also happens while the writers contend for the lock.
  const rotateBytes = 64 * 1024;
  const goFile = join(base, 'go');
  const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(workspace, state, `w${i}`, rotateBytes, goFile));
  await Promise.race([Promise.all(workers.map((w) => w.ready)), Promise.all(workers.map((w) => w.finished))]);
  writeFileSync(goFile, 'go');
  await Promise.all(workers.map((w) => w.finished));

  const total = WORKERS * EACH;
  const result = verifyWorkspaceLedger(workspace, state);
  assert.deepEqual(result.problems, []);
  assert.equal(result.exitCode, 0);
  assert.equal(result.entries, total);

  const { ledgerDir, stateDir, headFile } = ledgerLocations(workspace, state);
  assert.ok(listLedgerFiles(ledgerDir).length > 1, 'expected rotation under contention');
  const entries = [...readLedgerLines(ledgerDir)].map((line) => JSON.parse(line.text) as LedgerEntry);
  assert.deepEqual(
    entries.map((entry) => entry.seq),
    Array.from({ length: total }, (_, i) => i + 1),
  );
  for (let w = 0; w < WORKERS; w++) {
    const mine = entries.filter((entry) => entry.source === `w${w}`).map((entry) => (entry.action as { command?: string }).command);
    // Each writer's entries are all there, in the order it wrote them.
    assert.deepEqual(mine, Array.from({ length: EACH }, (_, i) => `echo w${w}-${i}`));
  }
  // The writers really overlapped: their entries interleave instead of coming one writer after another.
  const switches = entries.filter((entry, i) => i > 0 && entry.source !== entries[i - 1]?.source).length;
  assert.ok(switches > WORKERS, `only ${switches} changes of writer: the processes did not run at once`);
  assert.equal(readHead(headFile)?.count, total);
  assert.equal(readHead(headFile)?.hash, entries[total - 1]?.hash);
  const mirror = [...readLedgerLines(stateDir)].map((line) => line.text);
  assert.deepEqual(mirror, [...readLedgerLines(ledgerDir)].map((line) => line.text));
  assert.ok(!readFileSync(join(ledgerDir, 'ledger.jsonl'), 'utf8').includes('\n\n'));
});
