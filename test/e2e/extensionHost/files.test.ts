import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AirlockExtension } from '../../../src/extension/airlockExtension';
import { COMMAND_IDS } from '../../../src/extension/commandIds';
import type { RecordedLoss, ReviewedEdit } from '../../../src/extension/files/reviewModel';
import { snapshotUri } from '../../../src/extension/files/snapshotDocuments';
import { BrokerDecisionService } from '../../../src/host/brokerClient';
import type { GuardAnswer } from '../../../src/host/decisionService';
import type { HostTest } from './hostTest';
import { airlock, workspace } from './hostWorkspace';

/**
 * The file safety net in the real extension host: files deleted through the editor and behind its
 * back come back byte for byte, a mass deletion raises the alarm, and an agent's edit is listed for
 * review with its diff. Every file touched lives in this session's copy of the fixture workspace.
 */

/** Waits until `probe` returns something, checking every 50 ms; fails with `what` after `timeoutMs`. */
async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function lossOf(file: string, since: number): (extension: AirlockExtension) => RecordedLoss | undefined {
  return (extension) => extension.files.restorableLosses().find((l) => l.path === file && l.time >= since);
}

interface LedgerLine {
  source: string;
  agent?: string;
  action: { kind: string; event?: string; path?: string; files?: string[]; diff?: string; via?: string };
  snapshots?: { path: string; id?: string; after?: string | null }[];
}

function ledger(): LedgerLine[] {
  const file = path.join(workspace(), '.airlock', 'ledger.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as LedgerLine) : [];
}

/** Waits until the rolling copy of `rel` holds the file's current bytes. */
async function rollingCopyOf(extension: AirlockExtension, rel: string): Promise<void> {
  const file = path.join(workspace(), rel);
  const files = extension.files.workspaceFiles(vscode.Uri.file(file));
  assert.ok(files, 'the workspace folder is guarded');
  const size = fs.statSync(file).size;
  await until(`a rolling copy of ${rel}`, () => {
    const record = files.store.latestFor(rel);
    return record !== undefined && record.size === size;
  });
}

const noFallback = { decide: (): Promise<GuardAnswer> => Promise.reject(new Error('no broker answered')) };

export const tests: HostTest[] = [
  {
    name: 'a protected file deleted through the editor API is copied first, recorded, listed, and restored byte for byte',
    async run() {
      const extension = await airlock();
      const file = path.join(workspace(), 'migrations', '002_add_email.sql');
      const original = fs.readFileSync(file);
      const since = Date.now();
      const edit = new vscode.WorkspaceEdit();
      edit.deleteFile(vscode.Uri.file(file));
      assert.equal(await vscode.workspace.applyEdit(edit), true);
      assert.equal(fs.existsSync(file), false, 'the editor deleted it (Airlock cannot veto, only keep a copy)');

      const loss = await until('the loss in the Files view', () => lossOf(file, since)(extension));
      assert.equal(loss.snapshot?.size, original.length);
      const entry = await until('the ledger entry', () => ledger().find((e) => e.action.event === 'delete' && e.action.path === file));
      assert.equal(entry.source, 'file');
      assert.equal(entry.action.via, 'editor');
      assert.equal(entry.snapshots?.[0]?.id, loss.snapshot?.hash);

      const outcome = await vscode.commands.executeCommand<{ restored: number }>(COMMAND_IDS.restoreLoss, loss.id);
      assert.equal(outcome?.restored, 1);
      assert.deepEqual(fs.readFileSync(file), original);
      assert.ok(ledger().some((e) => e.action.event === 'restore' && e.action.path === file), 'the restore is recorded');
    },
  },
  {
    name: 'a folder deleted through the editor keeps every file in it, binary ones too, and Restore All brings them back',
    async run() {
      const extension = await airlock();
      const folder = path.join(workspace(), 'reports');
      fs.mkdirSync(path.join(folder, 'q1'), { recursive: true });
      const contents = new Map<string, Buffer>([
        [path.join(folder, 'summary.md'), Buffer.from('# Q1\n\nRevenue up.\n')],
        [path.join(folder, 'q1', 'chart.png'), randomBytes(70_000)],
        [path.join(folder, 'q1', 'empty.txt'), Buffer.alloc(0)],
      ]);
      for (const [file, bytes] of contents) fs.writeFileSync(file, bytes);
      const since = Date.now();
      const edit = new vscode.WorkspaceEdit();
      edit.deleteFile(vscode.Uri.file(folder), { recursive: true });
      assert.equal(await vscode.workspace.applyEdit(edit), true);
      assert.equal(fs.existsSync(folder), false);

      await until('three losses listed', () => [...contents.keys()].every((file) => lossOf(file, since)(extension)));
      const outcome = await vscode.commands.executeCommand<{ restored: number; failed: number }>(COMMAND_IDS.restoreAllLosses);
      assert.equal(outcome?.failed, 0);
      for (const [file, bytes] of contents) assert.deepEqual(fs.readFileSync(file), bytes, `${file} came back byte for byte`);
    },
  },
  {
    name: 'a protected file deleted behind the editor\'s back (a script) is seen by the watcher and restored from its rolling copy',
    async run() {
      const extension = await airlock();
      const rel = 'migrations/001_create_users.sql';
      const file = path.join(workspace(), rel);
      const original = fs.readFileSync(file);
      await rollingCopyOf(extension, rel);
      const since = Date.now();
      fs.unlinkSync(file);
      const loss = await until('the watcher to report the loss', () => lossOf(file, since)(extension));
      const entry = await until('the ledger entry', () => ledger().find((e) => e.action.event === 'delete' && e.action.via === 'watcher' && e.action.path === file));
      assert.equal(entry.snapshots?.[0]?.after, null, 'the entry says the delete left nothing');
      await vscode.commands.executeCommand(COMMAND_IDS.restoreLoss, loss.id);
      assert.deepEqual(fs.readFileSync(file), original);
    },
  },
  {
    name: 'many protected files deleted at once raise the mass-loss alarm; Restore All brings every one back',
    timeoutMs: 60_000,
    async run() {
      const extension = await airlock();
      const folder = path.join(workspace(), 'migrations', 'bulk');
      fs.mkdirSync(folder, { recursive: true });
      const names = Array.from({ length: 24 }, (_, i) => `${String(100 + i)}_step.sql`);
      for (const name of names) fs.writeFileSync(path.join(folder, name), `-- step ${name}\nSELECT ${name.length};\n`);
      for (const name of names) await rollingCopyOf(extension, `migrations/bulk/${name}`);
      fs.rmSync(folder, { recursive: true });

      const alarm = await until('the mass-loss alarm', () => extension.files.lastAlarm);
      assert.ok(alarm.files >= 20, `the alarm lists ${alarm.files} files`);
      assert.equal(alarm.restorable, alarm.files);
      await until('the alarm in the ledger', () => ledger().find((e) => e.action.event === 'mass-loss'));
      const outcome = await vscode.commands.executeCommand<{ restored: number }>(COMMAND_IDS.restoreAllLosses);
      assert.ok((outcome?.restored ?? 0) >= names.length);
      for (const name of names) assert.equal(fs.readFileSync(path.join(folder, name), 'utf8'), `-- step ${name}\nSELECT ${name.length};\n`);
    },
  },
  {
    name: 'an edit that reaches the workspace right after an agent\'s hook call is listed with its diff; Restore Previous Version undoes it',
    async run() {
      const extension = await airlock();
      const file = path.join(workspace(), 'src', 'settings.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const before = '{\n  "retries": 3,\n  "timeout": 30\n}\n';
      fs.writeFileSync(file, before);
      const after = '{\n  "retries": 0,\n  "timeout": 30\n}\n';
      // The agent announces the write through its hook, as Claude Code's PreToolUse does.
      assert.ok(await extension.brokerHost.started, 'the broker started');
      const client = new BrokerDecisionService(noFallback, { env: {}, personTimeoutMs: 3000 });
      const answer = await client.decide({
        action: { kind: 'fileWrite', path: file, newContent: after, tool: 'Write' }, cwd: workspace(), source: 'agent-hook', agent: 'claude',
      });
      assert.equal(answer.decision, 'allow', `a one-line config change is below the threshold (${answer.assessment.score})`);
      // Then the agent's tool writes the file itself, outside the editor.
      fs.writeFileSync(file, after);

      const edit = await until('the edit in the review list', () => extension.files.edit(findEdit(extension, file)?.id ?? ''));
      assert.equal(edit.agent, 'claude');
      assert.deepEqual([edit.added, edit.removed], [1, 1]);
      const entry = await until('the edit in the ledger', () => ledger().find((e) => e.action.event === 'edit' && e.action.path === file));
      assert.match(entry.action.diff ?? '', /^-  "retries": 3,$/m);
      assert.match(entry.action.diff ?? '', /^\+  "retries": 0,$/m);

      await vscode.commands.executeCommand(COMMAND_IDS.openEditDiff, edit.id);
      const tab = await until('the diff editor', () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputTextDiff ? input : undefined;
      });
      assert.equal(tab.original.scheme, 'airlock-snapshot');
      assert.equal(tab.modified.fsPath, file);
      const left = await vscode.workspace.openTextDocument(tab.original);
      assert.equal(left.getText(), before, 'the left side is the version before the agent\'s edit');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

      const outcome = await vscode.commands.executeCommand<{ restored: number }>(COMMAND_IDS.restoreEdit, edit.id);
      assert.equal(outcome?.restored, 1);
      assert.equal(fs.readFileSync(file, 'utf8'), before);
      assert.equal(findEdit(extension, file), undefined, 'the edit left the review list');
    },
  },
  {
    name: 'an edit saved from an editor while an agent is active is listed with its diff; Keep takes it off the list and keeps the file',
    async run() {
      const extension = await airlock();
      // A fixture file, older than any agent's spell: its content before the edit is the baseline.
      const file = path.join(workspace(), 'src', 'limits.py');
      assert.equal(fs.readFileSync(file, 'utf8'), 'LIMIT = 10\n');
      await announceAgent('cursor');
      const document = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(document);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(0, 8, 0, 10), '1000');
      assert.equal(await vscode.workspace.applyEdit(edit), true);
      assert.equal(await document.save(), true);

      const listed = await until('the editor edit in the review list', () => findEdit(extension, file));
      assert.equal(listed.agent, 'cursor');
      assert.ok(listed.before, 'the version before the edit was kept when the editor first changed');
      const entry = await until('the edit in the ledger', () => ledger().find((e) => e.action.event === 'edit' && e.action.path === file && e.action.via === 'editor'));
      assert.match(entry.action.diff ?? '', /^-LIMIT = 10$/m);
      assert.match(entry.action.diff ?? '', /^\+LIMIT = 1000$/m);

      await vscode.commands.executeCommand(COMMAND_IDS.keepEdit, listed.id);
      assert.equal(findEdit(extension, file), undefined);
      assert.equal(fs.readFileSync(file, 'utf8'), 'LIMIT = 1000\n');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    },
  },
  {
    name: 'saving or renaming a protected file in the editor keeps the content it replaces',
    async run() {
      const extension = await airlock();
      const rel = 'migrations/003_orders.sql';
      const file = path.join(workspace(), rel);
      const before = 'CREATE TABLE orders (id int);\n';
      fs.writeFileSync(file, before);
      await rollingCopyOf(extension, rel);
      const files = extension.files.workspaceFiles(vscode.Uri.file(file))!;
      const document = await vscode.workspace.openTextDocument(file);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(1, 0), 'DROP TABLE orders;\n');
      await vscode.workspace.applyEdit(edit);
      assert.equal(await document.save(), true);
      const beforeId = sha256(before);
      assert.ok(files.store.list({ path: rel }).some((r) => r.id === beforeId), 'the content before the save is in the store');

      const moved = path.join(workspace(), 'migrations', '003_orders_renamed.sql');
      const rename = new vscode.WorkspaceEdit();
      rename.renameFile(vscode.Uri.file(file), vscode.Uri.file(moved));
      assert.equal(await vscode.workspace.applyEdit(rename), true);
      const saved = sha256(fs.readFileSync(moved, 'utf8'));
      assert.ok(files.store.list({ path: rel, reason: 'will-rename' }).some((r) => r.id === saved), 'the file was copied under its old name before the move');
      // A move is not a loss: wait until the new name has its rolling copy (the watcher has seen the
      // move by then), and the old name must not be listed as lost.
      await rollingCopyOf(extension, 'migrations/003_orders_renamed.sql');
      assert.equal(extension.files.reviewState().losses.find((l) => l.path === file), undefined, 'the old name is not listed as lost');
    },
  },
  {
    name: 'an agent\'s edit of a binary file is listed by size and hash: no text diff is opened, and the snapshot is described, not loaded',
    async run() {
      const extension = await airlock();
      const file = path.join(workspace(), 'assets', 'logo.bin');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const before = Buffer.concat([Buffer.from([0, 1, 2, 3]), randomBytes(40_000)]);
      fs.writeFileSync(file, before);
      assert.ok(await extension.brokerHost.started, 'the broker started');
      const client = new BrokerDecisionService(noFallback, { env: {}, personTimeoutMs: 3000 });
      await client.decide({ action: { kind: 'fileDelete', path: file, tool: 'Delete' }, cwd: workspace(), source: 'agent-hook', agent: 'cursor' });
      const after = Buffer.concat([Buffer.from([0, 9, 9, 9]), randomBytes(40_000)]);
      fs.writeFileSync(file, after);

      const edit = await until('the binary edit in the review list', () => findEdit(extension, file)?.after.hash === sha256Bytes(after) && findEdit(extension, file));
      assert.equal(edit.textDiff, false);
      assert.equal(edit.before?.hash, sha256Bytes(before), 'the copy taken when the hook announced the change');
      const opened = await vscode.commands.executeCommand<{ opened: boolean }>(COMMAND_IDS.openEditDiff, edit.id);
      assert.equal(opened?.opened, false, 'no diff editor for binary content');
      const described = await vscode.workspace.openTextDocument(snapshotUri(edit.workspaceRoot, 'assets/logo.bin', edit.before!.hash));
      assert.match(described.getText(), new RegExp(`SHA-256: ${edit.before!.hash}`));
      assert.ok(described.getText().length < 1000, 'the snapshot is described, not loaded');
      const outcome = await vscode.commands.executeCommand<{ restored: number }>(COMMAND_IDS.restoreEdit, edit.id);
      assert.equal(outcome?.restored, 1);
      assert.deepEqual(fs.readFileSync(file), before);
    },
  },
];

function sha256Bytes(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A hook call through the broker, as an agent's PreToolUse hook makes before each tool. */
async function announceAgent(agent: string): Promise<void> {
  assert.ok(await (await airlock()).brokerHost.started, 'the broker started');
  const client = new BrokerDecisionService(noFallback, { env: {}, personTimeoutMs: 3000 });
  const answer = await client.decide({ action: { kind: 'shell', command: 'ls' }, cwd: workspace(), source: 'agent-hook', agent });
  assert.equal(answer.decision, 'allow');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function findEdit(extension: AirlockExtension, file: string): ReviewedEdit | undefined {
  return extension.files.reviewState().edits.find((e) => e.path === file);
}
