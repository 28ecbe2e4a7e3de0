// Ledger entries of file writes keep each side's start, size and SHA-256 and a capped diff, never the
// whole file; secrets in what is kept are redacted; the chain still verifies.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORDED_CONTENT_CHARS, RECORDED_DIFF_CHARS } from '../../src/core/ledger/fileContent';
import { verifyWorkspaceLedger } from '../../src/host/ledger/verifyLedger';
import { makeWorld, payload } from './hookSupport';
import type { HookWorld } from './hookSupport';

let world: HookWorld;
before(() => {
  world = makeWorld();
});
after(() => world.dispose());

const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const lastEntry = (): { action: Record<string, any> } => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const lines = readFileSync(join(world.ws, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '{}') as { action: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

void test('a Write of a 250 KB file is recorded as its start, size, SHA-256 and a capped diff, not the file', async () => {
  const lines = Array.from({ length: 6000 }, (_, i) => `line ${i} of the data file, ${'x'.repeat(12)}`);
  const old = lines.join('\n');
  writeFileSync(join(world.ws, 'data.txt'), old);
  // A thousand lines changed: a diff of about 100 KB, cut in the ledger.
  const next = lines.map((line, i) => (i < 1000 ? line.replace('line', 'LINE') : line)).join('\n');
  const run = await world.run('claude', payload('claude-write', { CWD: world.ws, PATH: 'data.txt', CONTENT: next }));
  assert.equal(run.requests[0]?.action.kind, 'fileWrite', 'the broker or local decider still gets the whole file to judge');
  assert.equal((run.requests[0]?.action as { newContent: string }).newContent, next);

  const { action } = lastEntry();
  assert.equal(action.kind, 'fileWrite');
  assert.equal(action.path, 'data.txt');
  assert.equal(action.newContent, `${next.slice(0, RECORDED_CONTENT_CHARS)}...[${next.length - RECORDED_CONTENT_CHARS} more characters not recorded]`);
  assert.equal(action.oldContent.length < RECORDED_CONTENT_CHARS + 60, true);
  assert.deepEqual(action.recorded.new, { bytes: Buffer.byteLength(next), sha256: sha(next) });
  assert.deepEqual(action.recorded.old, { bytes: Buffer.byteLength(old), sha256: sha(old) });
  assert.match(action.recorded.diff, /^--- a\/data\.txt\n\+\+\+ b\/data\.txt\n/);
  assert.ok(action.recorded.diff.length <= RECORDED_DIFF_CHARS + 80, `diff of ${action.recorded.diff.length} characters`);
  assert.match(action.recorded.diff, /diff cut at 16384 characters/);
  const line = readFileSync(join(world.ws, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n').pop() ?? '';
  assert.ok(line.length < 24 * 1024, `the entry is ${line.length} characters for a ${next.length}-character file`);
});

void test('a secret written into a file is redacted in the recorded start and diff; the chain verifies', async () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
  const run = await world.run('claude', payload('claude-write', { CWD: world.ws, PATH: 'config/app.env', CONTENT: `REGION=eu\nAWS_SECRET_ACCESS_KEY=${secret}\n` }));
  assert.equal(run.requests.length, 1);
  const { action } = lastEntry();
  assert.doesNotMatch(JSON.stringify(action), new RegExp(secret.replace(/\//g, '\\/')));
  assert.match(action.recorded.diff, /\+AWS_SECRET_ACCESS_KEY=\[REDACTED\]/);
  assert.equal(action.recorded.old, undefined, 'a new file has no old side');
  const verified = verifyWorkspaceLedger(world.ws, world.state);
  assert.equal(verified.exitCode, 0, JSON.stringify(verified));
});
