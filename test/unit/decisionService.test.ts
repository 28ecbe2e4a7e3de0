import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Engine } from '../../src/core/engine';
import { LocalDecisionService } from '../../src/host/decisionService';
import { loadEngine } from '../../src/host/engineLoader';

void describe('LocalDecisionService', () => {
  let engine: Engine;
  let workspace: string;
  let stateRoot: string;
  before(async () => {
    engine = await loadEngine();
    workspace = mkdtempSync(join(tmpdir(), 'airlock-decide-'));
    stateRoot = mkdtempSync(join(tmpdir(), 'airlock-state-'));
    execFileSync('git', ['init', '-q', '.'], { cwd: workspace });
  });

  void it('allows a harmless command and records it', async () => {
    const answer = await new LocalDecisionService(engine, { stateRoot }).decide({ action: { kind: 'shell', command: 'ls -la' }, cwd: workspace, source: 'cli' });
    assert.equal(answer.decision, 'allow');
    assert.ok('seq' in answer.ledger, JSON.stringify(answer.ledger));
    assert.match(readFileSync(join(workspace, '.airlock', 'ledger.jsonl'), 'utf8'), /"ls -la"/);
  });

  void it('fails closed: what would ask a person is denied, and the record says who decided', async () => {
    const answer = await new LocalDecisionService(engine, { stateRoot }).decide({ action: { kind: 'shell', command: 'rm -rf ~' }, cwd: workspace, source: 'agent-hook', agent: 'claude' });
    assert.equal(answer.decision, 'deny');
    assert.equal(answer.policy.decision, 'deny');
    assert.equal(answer.decider.by, 'fail-closed');
    const lines = readFileSync(join(workspace, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1] ?? '{}') as { outcome?: string; agent?: string };
    assert.equal(last.outcome, 'denied');
    assert.equal(last.agent, 'claude');
  });

  void it('still answers when the ledger cannot be written, and says why', async () => {
    const readOnly = mkdtempSync(join(tmpdir(), 'airlock-ro-'));
    execFileSync('git', ['init', '-q', '.'], { cwd: readOnly });
    writeFileSync(join(readOnly, '.airlock'), 'a file where the ledger folder should be');
    chmodSync(readOnly, 0o555);
    const warnings: string[] = [];
    const answer = await new LocalDecisionService(engine, { stateRoot, onWarning: (message) => warnings.push(message) }).decide({ action: { kind: 'shell', command: 'rm -rf /' }, cwd: readOnly, source: 'shim' });
    assert.equal(answer.decision, 'deny');
    assert.ok('error' in answer.ledger);
    assert.ok(warnings.some((warning) => warning.includes('ledger')), warnings.join('\n'));
  });
});
