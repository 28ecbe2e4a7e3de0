import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findBrokers } from '../../../src/host/broker/brokerRegistry';
import { airlockStateDir } from '../../../src/host/ledger/locations';
import type { Workbench } from '../harness/workbench';
import type { UiTest } from '../harness/uiSuite';

/**
 * The file safety net driven as a person would: files deleted in a terminal come back from the Files
 * view's Restore button and from a ledger entry in the Actions view, a mass deletion raises the warning
 * whose Restore all brings everything back, and an agent's write announced by its hook is listed with
 * its diff. Every file touched is in this session's throwaway copy of the fixture workspace.
 */

const MIGRATION = 'migrations/001_create_users.sql';

/** Polls until `probe` is truthy (bounded, no fixed sleep). */
async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether the snapshot store's index names a copy of `rel` (the rolling copy taken at activation or on change). */
function hasSnapshot(workbench: Workbench, rel: string, reason?: string): boolean {
  const index = path.join(workbench.workspace, '.airlock', 'snapshots', 'index.jsonl');
  if (!fs.existsSync(index)) return false;
  return fs.readFileSync(index, 'utf8').split('\n').some((line) => line.includes(`"path":${JSON.stringify(rel)}`) && (!reason || line.includes(`"reason":"${reason}"`)));
}

/**
 * Deletes behind the editor's back, as a script an agent wrote would: `sh <script>` in an integrated
 * terminal, whose `/bin/rm` neither the shell guard (it sees only `sh <script>`) nor the PATH shims
 * (an absolute path) stand in front of. Only the file layer's earlier copies can undo it. The script
 * lives in this session's workspace copy and names only files inside it.
 */
async function deleteByScript(workbench: Workbench, rmArguments: string): Promise<void> {
  const script = `cleanup-${Math.random().toString(36).slice(2, 8)}.sh`;
  fs.writeFileSync(path.join(workbench.workspace, script), `/bin/rm ${rmArguments}\n`);
  if (!terminals.has(workbench)) {
    await workbench.openTerminal();
    terminals.add(workbench);
  }
  await run(workbench, `sh ${script}`);
}

const terminals = new WeakSet<Workbench>();

async function run(workbench: Workbench, line: string): Promise<void> {
  const marker = `done-${Math.random().toString(36).slice(2, 8)}`;
  await workbench.typeInTerminal(`${line}; echo "${marker}=$?"`);
  const [, exit] = await workbench.waitForTerminalText(new RegExp(`^${marker}=(\\d+)$`, 'm'));
  assert.equal(exit, '0', `${line} failed:\n${(await workbench.terminalLines()).join('\n')}`);
}

function ledgerText(workbench: Workbench): string {
  const file = path.join(workbench.workspace, '.airlock', 'ledger.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

function filesRow(workbench: Workbench, label: string) {
  return workbench.page.locator(`.monaco-list-row[aria-label^="${label}"]`);
}

/** Runs `airlock hook claude` with a PreToolUse payload, as Claude Code would, and waits for its answer. */
function runHook(workbench: Workbench, toolInput: Record<string, unknown>): Promise<number | null> {
  const home = path.join(path.dirname(workbench.workspace), 'home');
  const payload = {
    session_id: 'e2e', transcript_path: '/tmp/t', cwd: workbench.workspace, permission_mode: 'default',
    hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: toolInput, tool_use_id: `u-${Date.now()}`,
  };
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') };
  delete env.AIRLOCK_NO_BROKER;
  const child = spawn(process.execPath, [path.join(workbench.repoRoot, 'dist', 'cli.js'), 'hook', 'claude'], { cwd: workbench.workspace, env, stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin.end(JSON.stringify(payload));
  return new Promise((resolve) => child.on('close', resolve));
}

/**
 * An agent's write as Claude Code makes it, once the window's broker is up: the file holds `before`,
 * the hook is asked (and lets it through), the Write tool leaves `after`; then the Files view is opened.
 */
async function agentRewrites(workbench: Workbench, file: string, before: string, after: string): Promise<void> {
  const home = path.join(path.dirname(workbench.workspace), 'home');
  const stateRoot = airlockStateDir({ ...process.env, HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') });
  await until('the broker', () => findBrokers(workbench.workspace, stateRoot).length > 0, 30_000);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, before);
  // Claude Code asks its hook before its Write tool runs; the write below is the tool running.
  assert.equal(await runHook(workbench, { file_path: file, content: after }), 0);
  fs.writeFileSync(file, after);
  await workbench.runCommand('Airlock: Show Protected Files and Edits to Review');
}

export const tests: UiTest[] = [
  {
    name: 'a protected file removed by an rm in a script run in a terminal is listed in the Files view, and its Restore button brings it back byte for byte',
    timeoutMs: 90_000,
    async run(workbench) {
      const file = path.join(workbench.workspace, MIGRATION);
      const original = fs.readFileSync(file);
      await until('the rolling copy taken at activation', () => hasSnapshot(workbench, MIGRATION, 'rolling'), 30_000);
      await deleteByScript(workbench, MIGRATION);
      assert.equal(fs.existsSync(file), false);

      await workbench.runCommand('Airlock: Show Protected Files and Edits to Review');
      const row = filesRow(workbench, `Lost file: ${MIGRATION}`);
      await row.waitFor();
      await row.click();
      await row.locator('.action-label[aria-label="Restore"]').click();
      await until('the file to come back', () => fs.existsSync(file) && fs.readFileSync(file).equals(original));
      await filesRow(workbench, `Lost file: ${MIGRATION}, migrations · restored`).waitFor();
    },
  },
  {
    name: 'a file deleted by a script in a terminal is restored from its ledger entry in the Actions view; over newer work it asks first, and No keeps that work',
    timeoutMs: 90_000,
    async run(workbench) {
      const file = path.join(workbench.workspace, MIGRATION);
      const original = fs.readFileSync(file);
      await until('the rolling copy taken at activation', () => hasSnapshot(workbench, MIGRATION, 'rolling'), 30_000);
      await deleteByScript(workbench, MIGRATION);
      // The watcher reports a delete and a create close together as one change, so the delete must be
      // recorded before anything new is written there.
      await until('the delete in the ledger', () => ledgerText(workbench).includes(`"event":"delete","path":${JSON.stringify(file)}`));
      // Someone writes something new there before the restore: that is newer work.
      fs.writeFileSync(file, 'CREATE TABLE accounts (id int);\n');

      await workbench.runCommand('Airlock: Show Ledger');
      const entry = workbench.webview('button.entry').filter({ hasText: `file delete ${file}` }).first();
      await entry.click();
      const restore = workbench.webview(`button[aria-label="Restore ${MIGRATION}"]`);
      await restore.click();
      const dialog = workbench.page.locator('.monaco-dialog-box');
      await dialog.filter({ hasText: 'Restore over newer work?' }).waitFor();
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(fs.readFileSync(file, 'utf8'), 'CREATE TABLE accounts (id int);\n', 'No keeps the newer work');

      await restore.click();
      await dialog.locator('.monaco-button', { hasText: 'Overwrite' }).click();
      await until('the original bytes', () => fs.readFileSync(file).equals(original));
      assert.ok(hasSnapshot(workbench, MIGRATION, 'before-restore'), 'what the restore replaced was kept first');
    },
  },
  {
    name: 'rm -rf of a folder of protected files, run by a script in a terminal, raises the mass-loss warning, and its Restore all brings every file back',
    timeoutMs: 120_000,
    async run(workbench) {
      const folder = path.join(workbench.workspace, 'migrations', 'bulk');
      fs.mkdirSync(folder, { recursive: true });
      const names = Array.from({ length: 24 }, (_, i) => `${200 + i}_step.sql`);
      for (const name of names) fs.writeFileSync(path.join(folder, name), `-- ${name}\nSELECT ${name.length};\n`);
      await until('a rolling copy of every new migration', () => names.every((name) => hasSnapshot(workbench, `migrations/bulk/${name}`)), 30_000);
      await deleteByScript(workbench, '-rf migrations/bulk');
      assert.equal(fs.existsSync(folder), false);

      await until('the alarm in the ledger', () => ledgerText(workbench).includes('"event":"mass-loss"'));
      await workbench.runCommand('Notifications: Show Notifications');
      const toast = workbench.page.locator('.notification-list-item', { hasText: 'files were deleted or emptied within' });
      await toast.waitFor();
      await toast.locator('.monaco-button', { hasText: 'Restore all' }).click();
      await until('every file to come back', () => names.every((name) => {
        const file = path.join(folder, name);
        return fs.existsSync(file) && fs.readFileSync(file, 'utf8') === `-- ${name}\nSELECT ${name.length};\n`;
      }));
    },
  },
  {
    name: 'a write an agent announced through its hook is listed under Edits to review; clicking it opens the diff, and Restore Previous Version undoes it',
    timeoutMs: 90_000,
    async run(workbench) {
      const file = path.join(workbench.workspace, 'config', 'retry.json');
      const before = '{\n  "retries": 3,\n  "backoffMs": 250\n}\n';
      const after = '{\n  "retries": 0,\n  "backoffMs": 250\n}\n';
      await agentRewrites(workbench, file, before, after);
      const row = filesRow(workbench, 'Edit to review: config/retry.json, config · +1 −1 · claude');
      await row.waitFor();
      await row.click();
      await workbench.page.locator('.tabs-container .tab.active', { hasText: '↔ now' }).waitFor();
      // Left: the copy taken when the hook announced the write; right: the file as the agent left it.
      await workbench.page.locator('.monaco-diff-editor .editor.original .view-lines', { hasText: '"retries": 3' }).waitFor();
      await workbench.page.locator('.monaco-diff-editor .editor.modified .view-lines', { hasText: '"retries": 0' }).waitFor();
      // `AIRLOCK_E2E_SCREENSHOTS=docs` saves the README's picture of the Files view with this diff open.
      const pictures = process.env['AIRLOCK_E2E_SCREENSHOTS'];
      if (pictures) await workbench.page.screenshot({ path: path.resolve(workbench.repoRoot, pictures, 'files-view.png') });

      await row.locator('.action-label[aria-label="Restore Previous Version"]').click();
      await until('the version before the agent\'s write', () => fs.readFileSync(file, 'utf8') === before);
      await row.waitFor({ state: 'detached' });
    },
  },
  {
    name: 'Restore Previous Version over unsaved changes in an editor asks first: Cancel keeps them, Overwrite restores the file and reverts the editor',
    timeoutMs: 90_000,
    async run(workbench) {
      const file = path.join(workbench.workspace, 'notes.md');
      const before = '# Notes\n\nKeep the backups for 30 days.\n';
      const after = '# Notes\n\nBackups are not needed.\n';
      await agentRewrites(workbench, file, before, after);
      const row = filesRow(workbench, 'Edit to review: notes.md');
      await row.waitFor();

      // The person has started typing in the file: unsaved work the restore must not discard unasked.
      await workbench.openFile('notes.md');
      await workbench.page.locator('.tabs-container .tab.active', { hasText: 'notes.md' }).waitFor();
      await workbench.page.keyboard.press('Control+End');
      await workbench.page.keyboard.type('Draft line.');
      await workbench.page.locator('.tabs-container .tab.active.dirty', { hasText: 'notes.md' }).waitFor();

      await row.hover();
      await row.locator('.action-label[aria-label="Restore Previous Version"]').click();
      const dialog = workbench.page.locator('.monaco-dialog-box');
      await dialog.filter({ hasText: 'has unsaved changes in an editor' }).waitFor();
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(fs.readFileSync(file, 'utf8'), after, 'Cancel left the file as it was');
      await workbench.page.locator('.tabs-container .tab.active.dirty', { hasText: 'notes.md' }).waitFor();

      await row.hover();
      await row.locator('.action-label[aria-label="Restore Previous Version"]').click();
      await dialog.locator('.monaco-button', { hasText: 'Overwrite' }).click();
      await until('the version before the agent\'s write', () => fs.readFileSync(file, 'utf8') === before);
      await workbench.page.locator('.tabs-container .tab.dirty', { hasText: 'notes.md' }).waitFor({ state: 'detached' });
    },
  },
];
