import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { UiTest } from '../harness/uiSuite';

/** Waits for a file the extension writes; bounded, no fixed sleep. */
async function fileAppears(file: string, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (existsSync(file)) return readFileSync(file, 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${file} did not appear within ${timeoutMs} ms`);
}

export const tests: UiTest[] = [
  {
    name: "Airlock: Connect Agents from the command palette writes VS Code's hook file and merges Cursor's, Airlock first",
    async run(workbench) {
      // An existing Cursor hook of the user's: it must survive, after Airlock's entry.
      const cursorFile = path.join(workbench.workspace, '.cursor', 'hooks.json');
      mkdirSync(path.dirname(cursorFile), { recursive: true });
      writeFileSync(cursorFile, JSON.stringify({ version: 1, hooks: { beforeShellExecution: [{ command: './audit.sh' }] } }));
      await workbench.runCommand('Airlock: Connect Agents');
      const vscodeHooks = JSON.parse(await fileAppears(path.join(workbench.workspace, '.github', 'hooks', 'airlock.json'), 15_000)) as {
        version: number;
        hooks: { PreToolUse: { command: string; timeout: number }[] };
      };
      assert.equal(vscodeHooks.version, 1);
      assert.match(vscodeHooks.hooks.PreToolUse[0]?.command ?? '', /exec "\$L" copilot --deadline \d+/);
      assert.equal(vscodeHooks.hooks.PreToolUse[0]?.timeout, 600);
      const cursor = JSON.parse(readFileSync(cursorFile, 'utf8')) as { hooks: { beforeShellExecution: { command: string; failClosed?: boolean }[] } };
      assert.match(cursor.hooks.beforeShellExecution[0]?.command ?? '', /exec "\$L" cursor /);
      assert.equal(cursor.hooks.beforeShellExecution[0]?.failClosed, true);
      assert.equal(cursor.hooks.beforeShellExecution[1]?.command, './audit.sh');
      await workbench.runCommand('Airlock: Show Log');
      await workbench.outputPanel().filter({ hasText: 'connect agents: copilot installed' }).waitFor({ timeout: 10_000 });

      // The written command, run as VS Code runs it (a shell, the session's HOME): the launcher the
      // extension wrote finds the CLI and answers. Payloads only: nothing in them is ever executed.
      const home = path.join(path.dirname(workbench.workspace), 'home');
      const command = vscodeHooks.hooks.PreToolUse[0]?.command ?? '';
      const hook = (line: string): { stdout: string; status: number | null } => {
        const payload = { timestamp: '2026-11-24T10:00:00Z', cwd: workbench.workspace, sessionId: 'e2e', hookEventName: 'PreToolUse', tool_name: 'run_in_terminal', tool_input: { command: line } };
        const result = spawnSync('sh', ['-c', command], { input: JSON.stringify(payload), env: { PATH: process.env.PATH, HOME: home, AIRLOCK_NO_BROKER: '1' }, encoding: 'utf8', timeout: 20_000 });
        return { stdout: result.stdout, status: result.status };
      };
      const quiet = hook('git status');
      assert.deepEqual([quiet.stdout, quiet.status], ['', 0], 'below the threshold: no decision');
      const stopped = hook('rm -rf ~/');
      assert.equal(stopped.status, 2);
      assert.match(stopped.stdout, /"permissionDecision":"deny"/);
    },
  },
];
