import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LedgerStore } from '../../src/host/ledger/ledgerStore';
import { verifyWorkspaceLedger } from '../../src/host/ledger/verifyLedger';
import { sampleRecord } from './ledgerSamples';

// Edits, deletions, truncation and rewrites are covered in ledger.test.ts; these are the other two
// ways to falsify a record: adding an entry that never happened, and changing the order.
async function ledgerOf(commands: readonly string[]): Promise<{ workspace: string; state: string; lines: string[] }> {
  const base = mkdtempSync(join(tmpdir(), 'airlock-tamper-'));
  const workspace = join(base, 'ws');
  const state = join(base, 'state');
  mkdirSync(join(workspace, '.git'), { recursive: true });
  const store = new LedgerStore(workspace, { stateRoot: state });
  for (const command of commands) await store.append(sampleRecord(command));
  const lines = readFileSync(join(workspace, '.airlock', 'ledger.jsonl'), 'utf8').split('\n').filter(Boolean);
  return { workspace, state, lines };
}

void describe('ledger tampering', () => {
  void it('an inserted entry is detected, even one copied from the ledger itself', async () => {
    const { workspace, state, lines } = await ledgerOf(['ls', 'rm -rf ~/', 'git status']);
    writeFileSync(join(workspace, '.airlock', 'ledger.jsonl'), [lines[0], lines[1], lines[1], lines[2]].join('\n') + '\n');
    const result = verifyWorkspaceLedger(workspace, state);
    assert.equal(result.exitCode, 1);
    assert.ok(result.problems.length > 0);
  });

  void it('reordered entries are detected and the first out-of-place entry is named', async () => {
    const { workspace, state, lines } = await ledgerOf(['ls', 'rm -rf ~/', 'git status']);
    writeFileSync(join(workspace, '.airlock', 'ledger.jsonl'), [lines[1], lines[0], lines[2]].join('\n') + '\n');
    const result = verifyWorkspaceLedger(workspace, state);
    assert.equal(result.exitCode, 1);
    assert.match(result.problems[0] ?? '', /entry #2/);
  });

  void it('an untouched ledger verifies', async () => {
    const { workspace, state } = await ledgerOf(['ls', 'git status']);
    assert.equal(verifyWorkspaceLedger(workspace, state).exitCode, 0);
  });
});
