// The first assessments of non-shell actions: file writes, deletes, reads, MCP and unknown tools,
// through the real engine on the shared fixture (a git repo with tracked, untracked and ignored files).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Action } from '../../src/core/action';
import type { Assessment } from '../../src/core/assessment';
import type { Engine } from '../../src/core/engine';
import { makeFixture, sharedEngine } from './support/engineFixture';
import type { Fixture } from './support/engineFixture';

let fx: Fixture;
let engine: Engine;
before(async () => {
  fx = await makeFixture();
  engine = await sharedEngine();
});
after(() => fx.dispose());

function assess(action: Action): Assessment {
  return engine.analyze(action, fx.context(fx.repo));
}
const rules = (a: Assessment): string[] => a.reasons.map((r) => r.rule);

void test('writing a new file in the workspace scores nothing', () => {
  const a = assess({ kind: 'fileWrite', path: 'src/new.ts', newContent: 'export {};\n' });
  assert.equal(a.score, 0, JSON.stringify(a.reasons));
});

void test('an edit of a committed, clean file is not asked: git restores it', () => {
  const a = assess({ kind: 'fileWrite', path: join(fx.repo, 'src/app.ts'), oldContent: 'export const app = 1;\n', newContent: 'export const app = 2;\n', tool: 'Edit' });
  assert.ok(a.score < 50, JSON.stringify(a.reasons));
});

void test('emptying an untracked file asks; emptying a committed one does not', () => {
  const untracked = assess({ kind: 'fileWrite', path: 'scratch.txt', oldContent: 'scratch\n', newContent: '' });
  assert.ok(untracked.score >= 50 && rules(untracked).includes('file.empty'), JSON.stringify(untracked.reasons));
  const tracked = assess({ kind: 'fileWrite', path: 'README.md', oldContent: '# fixture\n', newContent: '' });
  assert.ok(tracked.score < 50 && rules(tracked).includes('file.empty'), JSON.stringify(tracked.reasons));
});

void test('removing most lines of a file with uncommitted content asks', () => {
  const old = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
  const a = assess({ kind: 'fileWrite', path: 'notes/untracked.txt', oldContent: old, newContent: 'line 0\n' });
  assert.ok(rules(a).includes('file.shrink') && a.score >= 50, JSON.stringify(a.reasons));
});

void test("writing the agents' hook files, Airlock's folder or .git is tampering or critical", () => {
  for (const path of ['.claude/settings.json', '.cursor/hooks.json', '.github/hooks/airlock.json', '.airlock/policy.json']) {
    const a = assess({ kind: 'fileWrite', path, newContent: '{}' });
    assert.ok(rules(a).includes('tamper.files') && a.level === 'critical', `${path}: ${JSON.stringify(a.reasons)}`);
  }
  const git = assess({ kind: 'fileWrite', path: '.git/hooks/pre-commit', newContent: 'exit 0' });
  assert.ok(git.score >= 80 && rules(git).includes('file.write.git-dir'), JSON.stringify(git.reasons));
  const settings = assess({ kind: 'fileWrite', path: 'config/settings.json', newContent: '{"airlock.enabled": false}' });
  assert.ok(rules(settings).includes('tamper.settings'), JSON.stringify(settings.reasons));
});

void test("settings files: changing, adding or removing airlock.* values (flat or nested) is tampering; editing other settings beside them is not", () => {
  const old = '{\n  // mine\n  "editor.tabSize": 2,\n  "airlock.protectedPaths": [\n    "**/.env",\n    "db/**"\n  ],\n}\n';
  const write = (newContent: string, oldContent: string | null = old): string[] =>
    rules(assess({ kind: 'fileWrite', path: 'config/settings.json', ...(oldContent !== null ? { oldContent } : {}), newContent, tool: 'Edit' }));
  assert.ok(!write(old.replace('"editor.tabSize": 2', '"editor.tabSize": 4')).includes('tamper.settings'), 'another setting changed');
  assert.ok(write(old.replace('    "db/**"\n', '')).includes('tamper.settings'), 'a protected path removed from the list');
  assert.ok(write('{ "editor.tabSize": 2 }\n').includes('tamper.settings'), 'the airlock key removed');
  assert.ok(write(old.replace('"editor.tabSize": 2,', '"editor.tabSize": 2,\n  "airlock": { "enabled": false },')).includes('tamper.settings'), 'a nested airlock object added');
  assert.ok(write('{ "airlock.enabled": false }', null).includes('tamper.settings'), 'without the old content, any airlock key written');
  assert.ok(!write('{ "editor.tabSize": 8 }', null).includes('tamper.settings'));
});

void test('writing outside the workspace or into ~/.ssh raises the score', () => {
  const outside = assess({ kind: 'fileWrite', path: join(fx.home, 'other-project/notes.txt'), newContent: 'x' });
  assert.ok(rules(outside).includes('file.write.outside'), JSON.stringify(outside.reasons));
  const ssh = assess({ kind: 'fileWrite', path: join(fx.home, '.ssh/authorized_keys'), newContent: 'ssh-ed25519 AAAA' });
  assert.ok(ssh.score >= 50, JSON.stringify(ssh.reasons));
});

void test('a tool delete scores like rm: an untracked file more than a committed one, a folder of the home critical', () => {
  const tracked = assess({ kind: 'fileDelete', path: 'src/app.ts' });
  const untracked = assess({ kind: 'fileDelete', path: 'notes/untracked.txt' });
  assert.ok(untracked.score > tracked.score, `${untracked.score} vs ${tracked.score}`);
  assert.ok(rules(tracked).every((rule) => rule.startsWith('file.delete.')));
  const home = assess({ kind: 'fileDelete', path: fx.home });
  assert.equal(home.level, 'critical', JSON.stringify(home.reasons));
  const hook = assess({ kind: 'fileDelete', path: '.cursor/hooks.json' });
  assert.ok(rules(hook).includes('tamper.files'));
});

void test('reading a secret is scored low (recorded, not asked); reading code scores nothing', () => {
  const env = assess({ kind: 'fileRead', file: '.env' });
  assert.ok(rules(env).includes('secret.read') && env.score > 0 && env.score < 50);
  assert.equal(assess({ kind: 'fileRead', file: 'src/app.ts' }).score, 0);
  assert.equal(assess({ kind: 'fileRead', file: '.env.example' }).score, 0);
});

void test('MCP: destructive tool names ask, reads do not, SQL and shell inside the arguments are read', () => {
  const drop = assess({ kind: 'mcp', server: 'railway', tool: 'volumeDelete', args: { volumeId: 'v1' } });
  assert.ok(drop.score >= 50 && rules(drop).includes('mcp.destructive-tool'), JSON.stringify(drop.reasons));
  const read = assess({ kind: 'mcp', server: 'postgres', tool: 'query', args: { sql: 'SELECT * FROM users' } });
  assert.equal(read.score, 0, JSON.stringify(read.reasons));
  const sql = assess({ kind: 'mcp', server: 'postgres', tool: 'query', args: { sql: 'DROP TABLE users; -- cleanup' } });
  assert.ok(rules(sql).includes('sql.drop-table') && sql.score >= 80, JSON.stringify(sql.reasons));
  const commented = assess({ kind: 'mcp', server: 'postgres', tool: 'query', args: { sql: "SELECT 'drop table x' -- DROP TABLE y" } });
  assert.equal(commented.score, 0, JSON.stringify(commented.reasons));
  const where = assess({ kind: 'mcp', server: 'pg', tool: 'execute', args: { query: 'DELETE FROM sessions WHERE expired' } });
  assert.ok(where.score < 50, JSON.stringify(where.reasons));
  const all = assess({ kind: 'mcp', server: 'pg', tool: 'execute', args: { query: 'delete from sessions' } });
  assert.ok(all.score >= 50, JSON.stringify(all.reasons));
  const shell = assess({ kind: 'mcp', server: 'desktop-commander', tool: 'start_process', args: { command: 'rm -rf ~' } });
  assert.equal(shell.level, 'critical', JSON.stringify(shell.reasons));
  const prod = assess({ kind: 'mcp', server: 'prod-db', tool: 'drop_collection', args: {} });
  assert.equal(prod.level, 'critical');
});

void test('unknown tools are judged by their input: shell text, GraphQL deletes, a path under a deleting name', () => {
  const shell = assess({ kind: 'tool', tool: 'run_in_terminal', input: { command: 'git status' } });
  assert.equal(shell.score, 0, JSON.stringify(shell.reasons));
  const pocket = assess({ kind: 'tool', tool: 'http', input: { body: '{"query":"mutation { volumeDelete(volumeId: \\"3d2c\\") }"}' } });
  assert.ok(pocket.score >= 50 && rules(pocket).includes('tool.graphql-delete'), JSON.stringify(pocket.reasons));
  const del = assess({ kind: 'tool', tool: 'delete_file', input: { filePath: join(fx.repo, 'notes/untracked.txt') } });
  assert.ok(rules(del).some((rule) => rule.startsWith('file.delete.')), JSON.stringify(del.reasons));
  const argv = assess({ kind: 'tool', tool: 'exec', input: { cmd: ['rm', '-rf', '/'] } });
  assert.equal(argv.level, 'critical');
});
