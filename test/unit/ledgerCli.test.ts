import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLedgerCommand } from '../../src/cli/ledgerCommand';
import type { LedgerEntry } from '../../src/core/ledger/entry';
import { LedgerStore } from '../../src/host/ledger/ledgerStore';
import { sampleRecord } from './ledgerSamples';

const base = mkdtempSync(join(tmpdir(), 'airlock-cli-'));
// The CLI finds the per-user folder through the environment, as hooks and people run it.
process.env.AIRLOCK_STATE_DIR = join(base, 'state');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runLedgerCommand(argv, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  return { code, out, err };
}

async function workspaceWith(commands: readonly string[]): Promise<string> {
  const workspace = mkdtempSync(join(base, 'ws-'));
  mkdirSync(join(workspace, '.git'));
  mkdirSync(join(workspace, 'src', 'deep'), { recursive: true });
  const store = LedgerStore.forDirectory(workspace);
  for (const command of commands) await store.append(sampleRecord(command));
  return workspace;
}

void test('verify: 0 intact, 1 after an edit naming the entry, 2 with no ledger', async () => {
  const workspace = await workspaceWith(['ls', 'rm -rf ~/', 'git status']);
  const intact = await run('verify', '--workspace', join(workspace, 'src', 'deep'));
  assert.equal(intact.code, 0, intact.out + intact.err);
  assert.match(intact.out, /Ledger intact: 3 entries/);

  const file = join(workspace, '.airlock', 'ledger.jsonl');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"ls"', '"ls -l"'));
  const edited = await run('verify', `--workspace=${workspace}`);
  assert.equal(edited.code, 1);
  assert.match(edited.out, /first broken: entry #1 \(ledger\.jsonl line 1\): its content does not match its hash/);

  const json = await run('verify', '--json', '--workspace', workspace);
  const parsed = JSON.parse(json.out) as { status: string; exitCode: number; problems: string[] };
  assert.equal(parsed.status, 'tampered');
  assert.equal(parsed.exitCode, 1);

  const empty = mkdtempSync(join(base, 'empty-'));
  assert.equal((await run('verify', '--workspace', empty)).code, 2);
});

void test('verify after rm -rf of .airlock says where the record survives', async () => {
  const workspace = await workspaceWith(['ls']);
  rmSync(join(workspace, '.airlock'), { recursive: true });
  const result = await run('verify', '--workspace', workspace);
  assert.equal(result.code, 1);
  assert.match(result.out, /DELETED/);
  assert.ok(result.out.includes(process.env.AIRLOCK_STATE_DIR ?? '?'));
});

void test('tail prints the last entries, as text or JSON lines', async () => {
  const workspace = await workspaceWith(['echo 1', 'echo 2', 'echo 3']);
  const text = await run('tail', '-n', '2', '--workspace', workspace);
  assert.equal(text.code, 0);
  const lines = text.out.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', /^#2 .*denied .*critical 90 .*claude\/agent-hook .*echo 2 .*\[fs\.rm-recursive\]/);
  const json = await run('tail', '--json', '--workspace', workspace);
  assert.deepEqual(
    json.out.trim().split('\n').map((line) => (JSON.parse(line) as LedgerEntry).seq),
    [1, 2, 3],
  );
  assert.equal((await run('tail', '--workspace', mkdtempSync(join(base, 'none-')))).code, 2);
});

void test('export writes JSON lines or CSV, to stdout or a file, with formula cells defused', async () => {
  const workspace = await workspaceWith(['ls', 'echo "a, b"', '=HYPERLINK("http://x")']);
  const jsonl = await run('export', '--workspace', workspace);
  assert.equal(jsonl.code, 0);
  assert.deepEqual(
    jsonl.out.trim().split('\n').map((line) => ((JSON.parse(line) as LedgerEntry).action as { command?: string }).command),
    ['ls', 'echo "a, b"', '=HYPERLINK("http://x")'],
  );

  const output = join(base, 'ledger.csv');
  const csv = await run('export', '--format', 'csv', '--output', output, '--workspace', workspace);
  assert.equal(csv.code, 0);
  assert.equal(csv.out, '');
  const rows = readFileSync(output, 'utf8').trimEnd().split('\r\n');
  assert.equal(rows.length, 4);
  assert.match(rows[0] ?? '', /^seq,time,source,agent,kind,action,cwd,score,level,rules,policy,decidedBy,outcome,decider,how,waitMs/);
  assert.ok(rows[2]?.includes('"echo ""a, b"""'), rows[2]);
  assert.ok(rows[3]?.includes(`"'=HYPERLINK(""http://x"")"`), rows[3]);
});

void test('tail marks a line run from a shell whose PATH no longer led to the shims', async () => {
  const workspace = mkdtempSync(join(base, 'ws-'));
  mkdirSync(join(workspace, '.git'));
  const store = LedgerStore.forDirectory(workspace);
  await store.append({ ...sampleRecord('make deploy'), pathShims: 'off' });
  await store.append(sampleRecord('make test'));
  const lines = (await run('tail', '--workspace', workspace)).out.trim().split('\n');
  assert.match(lines[0] ?? '', /make deploy .*\(PATH shims off\)$/);
  assert.doesNotMatch(lines[1] ?? '', /PATH shims/);
});

void test('export and tail still read the rest of a ledger with a corrupt line, and say so', async () => {
  const workspace = await workspaceWith(['echo 1', 'echo 2']);
  const file = join(workspace, '.airlock', 'ledger.jsonl');
  const [first, second] = readFileSync(file, 'utf8').trim().split('\n');
  writeFileSync(file, `${first}\n{"broken\n${second}\n`);
  const result = await run('export', '--workspace', workspace);
  assert.equal(result.code, 0);
  assert.equal(result.out.trim().split('\n').length, 2);
  assert.match(result.err, /skipped a line \(ledger\.jsonl line 2\): the line is not valid JSON/);
});

void test('usage mistakes exit 2 with the usage', async () => {
  for (const argv of [[], ['frob'], ['tail', '-n', 'x'], ['export', '--format', 'xml'], ['verify', '--bogus']]) {
    const result = await run(...argv);
    assert.equal(result.code, 2, argv.join(' '));
    assert.match(result.err, /usage: airlock ledger/);
  }
});
