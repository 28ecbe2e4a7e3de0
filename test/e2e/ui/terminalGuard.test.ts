import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiTest } from '../harness/uiSuite';

export const tests: UiTest[] = [
  {
    name: 'the shell guard in a new bash terminal blocks rm -rf of a folder (exit 126, folder intact) and runs echo ok',
    timeoutMs: 90_000,
    async run(workbench) {
      // The only target is a folder in this session's throwaway copy of the fixture workspace.
      const victim = path.join(workbench.workspace, 'victim');
      fs.mkdirSync(victim, { recursive: true });
      fs.writeFileSync(path.join(victim, 'data'), 'keep me\n');
      // Only terminals created after Airlock activated carry the guard: wait for its log line first.
      await workbench.runCommand('Airlock: Show Log');
      await workbench.outputPanel().filter({ hasText: 'shell guard injected' }).waitFor();
      await workbench.openTerminal();
      // The guard loads from PROMPT_COMMAND before the first prompt; this proves it is there.
      await workbench.typeInTerminal('echo "guard=${__airlock_guard_loaded:-missing}"');
      const [, loaded] = await workbench.waitForTerminalText(/^guard=(\w+)$/m);
      assert.equal(loaded, '1', `the guard is not loaded in the terminal:\n${(await workbench.terminalLines()).join('\n')}`);

      await workbench.typeInTerminal('rm -rf victim');
      await workbench.typeInTerminal('echo "blocked-exit=$?"');
      const [, blockedExit] = await workbench.waitForTerminalText(/^blocked-exit=(\d+)$/m);
      const screen = (await workbench.terminalLines()).join('\n');
      assert.equal(blockedExit, '126', `rm -rf victim exited ${blockedExit}; the terminal shows:\n${screen}`);
      assert.match(screen, /airlock: blocked \(/, screen);
      assert.equal(fs.readFileSync(path.join(victim, 'data'), 'utf8'), 'keep me\n', `the victim folder was touched:\n${screen}`);

      await workbench.typeInTerminal('echo ok-$((40+2)); echo "allowed-exit=$?"');
      const [, allowedExit] = await workbench.waitForTerminalText(/^allowed-exit=(\d+)$/m);
      assert.equal(allowedExit, '0');
      assert.match((await workbench.terminalLines()).join('\n'), /^ok-42$/m);
    },
  },
  {
    name: 'PATH shims in a new terminal stop rm -rf run by a script file (exit 126, folder intact); git still runs',
    timeoutMs: 90_000,
    async run(workbench) {
      const victim = path.join(workbench.workspace, 'victim');
      fs.mkdirSync(victim, { recursive: true });
      fs.writeFileSync(path.join(victim, 'data'), 'keep me\n');
      // The script is what the shell guard cannot see into: only the shim stands in front of its rm.
      fs.writeFileSync(path.join(workbench.workspace, 'wipe.sh'), 'rm -rf victim\n');
      await workbench.runCommand('Airlock: Show Log');
      await workbench.outputPanel().filter({ hasText: 'PATH shims for high-risk programs' }).waitFor();
      await workbench.openTerminal();
      await workbench.typeInTerminal('sh wipe.sh; echo "script-exit=$?"');
      const [, exit] = await workbench.waitForTerminalText(/^script-exit=(\d+)$/m);
      const screen = (await workbench.terminalLines()).join('\n');
      assert.equal(exit, '126', `the script exited ${exit}; the terminal shows:\n${screen}`);
      assert.equal(fs.readFileSync(path.join(victim, 'data'), 'utf8'), 'keep me\n', `the victim folder was touched:\n${screen}`);
      await workbench.typeInTerminal('git --version; echo "git-exit=$?"');
      const [, gitExit] = await workbench.waitForTerminalText(/^git-exit=(\d+)$/m);
      assert.equal(gitExit, '0');
      assert.match((await workbench.terminalLines()).join('\n'), /^git version \d/m);
    },
  },
  {
    name: 'a shell task that deletes a folder is stopped by the guard before it runs (exit 126, folder intact)',
    timeoutMs: 120_000,
    async run(workbench) {
      const victim = path.join(workbench.workspace, 'victim');
      fs.mkdirSync(victim, { recursive: true });
      fs.writeFileSync(path.join(victim, 'data'), 'keep me\n');
      // find is not shimmed, so only the non-interactive guard (BASH_ENV) stands in front of it.
      fs.mkdirSync(path.join(workbench.workspace, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(workbench.workspace, '.vscode', 'tasks.json'), JSON.stringify({
        version: '2.0.0',
        tasks: [{ label: 'airlock-wipe', type: 'shell', command: 'find victim -delete; echo task-ran', problemMatcher: [] }],
      }));
      await workbench.runCommand('Airlock: Show Log');
      await workbench.outputPanel().filter({ hasText: 'shell guard injected' }).waitFor();
      // The task system reads tasks.json in the background; until it has, the picker lists no task.
      const row = workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'airlock-wipe' }).first();
      for (let attempt = 1; ; attempt++) {
        await workbench.runCommand('Tasks: Run Task');
        await workbench.page.keyboard.type('airlock-wipe');
        const listed = await row.waitFor({ timeout: 10_000 }).then(() => true, () => false);
        if (listed) break;
        if (attempt === 4) throw new Error('the task airlock-wipe never appeared in Tasks: Run Task');
        await workbench.page.keyboard.press('Escape');
      }
      await workbench.page.keyboard.press('Enter');
      const [, exit] = await workbench.waitForTerminalText(/exit code:? (\d+)/);
      const screen = (await workbench.terminalLines()).join('\n');
      assert.equal(exit, '126', `the task exited ${exit}; the terminal shows:\n${screen}`);
      assert.match(screen, /airlock: blocked \(/, screen);
      assert.doesNotMatch(screen, /^task-ran/m, screen);
      assert.equal(fs.readFileSync(path.join(victim, 'data'), 'utf8'), 'keep me\n', `the victim folder was touched:\n${screen}`);
    },
  },
];
