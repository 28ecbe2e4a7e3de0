import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { UiTest } from '../harness/uiSuite';

interface CursorHooks {
  version?: number;
  hooks: Record<string, { command: string; failClosed?: boolean }[]>;
}

/** Waits until a file holds what `ok` accepts; bounded, no fixed sleep. */
async function fileBecomes<T>(file: string, parse: (text: string) => T, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    try {
      last = readFileSync(file, 'utf8');
      const value = parse(last);
      if (ok(value)) return value;
    } catch {
      // Not there yet, or half written.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${file} never became as expected; it holds:\n${last}`);
}

const isAirlock = (entry: { command?: string } | undefined): boolean => (entry?.command ?? '').includes('airlock-hook');

export const tests: UiTest[] = [
  {
    name: "the Agents view shows Cursor healthy, then broken once its hook file is edited (Airlock's entry moved second, failClosed removed); Repair makes the file right again; Uninstall removes nothing until the person confirms in a dialog",
    timeoutMs: 90_000,
    async run(workbench) {
      const cursorFile = path.join(workbench.workspace, '.cursor', 'hooks.json');
      mkdirSync(path.dirname(cursorFile), { recursive: true });
      writeFileSync(cursorFile, JSON.stringify({ version: 1, hooks: { beforeShellExecution: [{ command: './audit.sh' }] } }));
      await workbench.runCommand('Airlock: Connect Agents');
      const installed = await fileBecomes(cursorFile, (text) => JSON.parse(text) as CursorHooks, (json) => isAirlock(json.hooks.beforeShellExecution?.[0]), 15_000);

      await workbench.runCommand('Airlock: Show Agents');
      const row = (label: string) => workbench.page.locator(`.monaco-list-row[aria-label^="${label}"]`);
      await row('Cursor: healthy · workspace').waitFor({ timeout: 15_000 });
      await row('VS Code agent mode: healthy · workspace').waitFor({ timeout: 5_000 });

      // What an agent or a careless edit might do: the user's hook first (Cursor reportedly runs only
      // the first), and Airlock's MCP hook no longer failing closed.
      const broken: CursorHooks = JSON.parse(JSON.stringify(installed)) as CursorHooks;
      broken.hooks.beforeShellExecution = [...(broken.hooks.beforeShellExecution ?? [])].reverse();
      delete broken.hooks.beforeMCPExecution?.[0]?.failClosed;
      writeFileSync(cursorFile, JSON.stringify(broken, null, 2));
      await row('Cursor: broken').waitFor({ timeout: 15_000 });
      await workbench.page.locator('.monaco-list-row', { hasText: 'is not first, and Cursor reportedly runs only the first' }).waitFor({ timeout: 5_000 });
      await workbench.page.locator('.monaco-list-row', { hasText: 'beforeMCPExecution no longer fails closed' }).waitFor({ timeout: 5_000 });

      // Repair, clicked on the agent's row as a person would.
      await row('Cursor: broken').click();
      await row('Cursor: broken').locator('.action-label[aria-label="Repair Agent Hooks"]').click();
      const repaired = await fileBecomes(cursorFile, (text) => JSON.parse(text) as CursorHooks,
        (json) => isAirlock(json.hooks.beforeShellExecution?.[0]) && json.hooks.beforeMCPExecution?.[0]?.failClosed === true, 15_000);
      assert.equal(repaired.hooks.beforeShellExecution?.[1]?.command, './audit.sh', "the user's own hook is kept, after Airlock's");
      assert.deepEqual(repaired, installed, 'the file is exactly as Connect Agents wrote it');
      await row('Cursor: healthy · workspace').waitFor({ timeout: 15_000 });

      // Uninstall lowers protection, and an agent can run VS Code commands: the command alone only
      // opens a modal dialog, which Escape dismisses with nothing removed; the person's click removes.
      const uninstall = async (confirm: boolean): Promise<void> => {
        await workbench.runCommand('Airlock: Uninstall Agent Hooks');
        await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Cursor' }).first().click();
        const dialog = workbench.page.locator('.monaco-dialog-box');
        await dialog.filter({ hasText: "Remove Airlock's hooks from Cursor?" }).waitFor({ timeout: 10_000 });
        if (confirm) await dialog.locator('.monaco-button', { hasText: 'Remove Hooks' }).click();
        else await workbench.page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
      };
      await uninstall(false);
      assert.deepEqual(JSON.parse(readFileSync(cursorFile, 'utf8')), installed, 'dismissed: nothing removed');
      await uninstall(true);
      await fileBecomes(cursorFile, (text) => JSON.parse(text) as CursorHooks, (json) => !JSON.stringify(json).includes('airlock-hook'), 15_000);
      assert.deepEqual(JSON.parse(readFileSync(cursorFile, 'utf8')), { version: 1, hooks: { beforeShellExecution: [{ command: './audit.sh' }] } }, "the user's file as it was before Airlock");
      await row('Cursor: not installed').waitFor({ timeout: 15_000 });
    },
  },
];
