import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Workbench } from '../harness/workbench';
import type { UiTest } from '../harness/uiSuite';
import { openGuardedTerminal, whenGuardsReady } from './guardedTerminal';

// The shell guard and the PATH shims in real VS Code terminals, asking the window's broker: what needs
// a person waits in the approval view, clicked here as a person would. The only thing any command may
// delete is a folder in this session's throwaway copy of the fixture workspace (no git, so deleting
// it asks: nothing could restore it).

function makeVictim(workbench: Workbench): string {
  const victim = path.join(workbench.workspace, 'victim');
  fs.mkdirSync(victim, { recursive: true });
  fs.writeFileSync(path.join(victim, 'data'), 'keep me\n');
  return victim;
}

const intact = (victim: string): boolean => fs.existsSync(path.join(victim, 'data')) && fs.readFileSync(path.join(victim, 'data'), 'utf8') === 'keep me\n';

/**
 * Sends `line` into the active terminal the way an agent's tool does: through the terminal's own
 * `runCommand`/`sendText` (here by Terminal: Run Selected Text In Active Terminal on a file holding
 * exactly the line), not keystroke by keystroke.
 */
async function sendAsAgent(workbench: Workbench, file: string, line: string): Promise<void> {
  fs.writeFileSync(path.join(workbench.workspace, file), line);
  await workbench.openFile(file);
  await workbench.page.keyboard.press('Control+A');
  await workbench.runCommand('Terminal: Run Selected Text In Active Terminal');
}

/** The exit code of the terminal's last command, asked in the terminal itself. */
async function lastExitCode(workbench: Workbench, tag: string): Promise<string> {
  await workbench.runCommand('Terminal: Focus Terminal');
  await workbench.typeInTerminal(`echo "${tag}=$?"`);
  const [, code] = await workbench.waitForTerminalText(new RegExp(`^${tag}=(\\d+)$`, 'm'));
  return code ?? '';
}

export const tests: UiTest[] = [
  {
    name: 'a risky command an agent sends into a bash terminal waits for the approval view: Allow once runs it unchanged (exit 0, its rm not asked again by the shim); Deny stops it (exit 126, folder intact)',
    timeoutMs: 150_000,
    async run(workbench) {
      let victim = makeVictim(workbench);
      // The guard loads from PROMPT_COMMAND before the first prompt; this proves it is there.
      await openGuardedTerminal(workbench);

      await sendAsAgent(workbench, 'agent-allow.sh', 'rm -rf victim');
      await workbench.webview('#allow-once').click();
      assert.equal(await lastExitCode(workbench, 'allowed-exit'), '0', (await workbench.terminalLines()).join('\n'));
      assert.ok(!fs.existsSync(victim), 'the approved command did not run');
      let screen = (await workbench.terminalLines()).join('\n');
      assert.match(screen, /airlock: this line waits for your approval in Airlock's view/, screen);

      victim = makeVictim(workbench);
      await sendAsAgent(workbench, 'agent-deny.sh', 'echo FIRST-RAN; rm -rf victim');
      await workbench.webview('#deny').click();
      assert.equal(await lastExitCode(workbench, 'denied-exit'), '126');
      screen = (await workbench.terminalLines()).join('\n');
      assert.ok(intact(victim), `the victim folder was touched:\n${screen}`);
      assert.match(screen, /airlock: blocked \(high \d+\): .*Denied in Airlock's view/, screen);
      assert.doesNotMatch(screen, /^FIRST-RAN/m, screen);

      await workbench.typeInTerminal('echo ok-$((40+2)); echo "after-exit=$?"');
      const [, after] = await workbench.waitForTerminalText(/^after-exit=(\d+)$/m);
      assert.equal(after, '0');
      assert.match((await workbench.terminalLines()).join('\n'), /^ok-42$/m);

      const ledger = fs.readFileSync(path.join(workbench.workspace, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n')
        .map((line) => JSON.parse(line) as { source?: string; outcome?: string; decider?: { by?: string; how?: string }; action?: { command?: string } });
      const decided = (source: string, how: string) => ledger.filter((e) => e.source === source && e.decider?.how === how).length;
      assert.equal(decided('shell-guard', 'allow-once'), 1, JSON.stringify(ledger));
      assert.equal(decided('shim', 'approved-line'), 1, 'the shim took the one-time approval of the line');
      assert.equal(decided('shell-guard', 'deny'), 1);
    },
  },
  {
    name: 'PATH shims in a new terminal hold rm -rf run by a script file for the approval view; Deny exits 126 with the folder intact; git still runs',
    timeoutMs: 120_000,
    async run(workbench) {
      const victim = makeVictim(workbench);
      // The script is what the shell guard cannot see into: only the shim stands in front of its rm.
      fs.writeFileSync(path.join(workbench.workspace, 'wipe.sh'), 'rm -rf victim\n');
      await whenGuardsReady(workbench);
      await workbench.openTerminal();
      await workbench.typeInTerminal('sh wipe.sh; echo "script-exit=$?"');
      await workbench.webview('#deny').click();
      await workbench.runCommand('Terminal: Focus Terminal');
      const [, exit] = await workbench.waitForTerminalText(/^script-exit=(\d+)$/m);
      const screen = (await workbench.terminalLines()).join('\n');
      assert.equal(exit, '126', `the script exited ${exit}; the terminal shows:\n${screen}`);
      assert.match(screen, /airlock: "rm -rf victim" waits for your approval/, screen);
      assert.ok(intact(victim), `the victim folder was touched:\n${screen}`);
      await workbench.typeInTerminal('git --version; echo "git-exit=$?"');
      const [, gitExit] = await workbench.waitForTerminalText(/^git-exit=(\d+)$/m);
      assert.equal(gitExit, '0');
      assert.match((await workbench.terminalLines()).join('\n'), /^git version \d/m);
    },
  },
  {
    name: 'a shell task that deletes a folder waits for the approval view before any of it runs; Deny ends it with exit 126, folder intact',
    timeoutMs: 120_000,
    async run(workbench) {
      const victim = makeVictim(workbench);
      // find is not shimmed, so only the non-interactive guard (BASH_ENV) stands in front of it.
      fs.mkdirSync(path.join(workbench.workspace, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(workbench.workspace, '.vscode', 'tasks.json'), JSON.stringify({
        version: '2.0.0',
        tasks: [{ label: 'airlock-wipe', type: 'shell', command: 'find victim -delete; echo task-ran', problemMatcher: [] }],
      }));
      await whenGuardsReady(workbench);
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
      await workbench.webview('#deny').click();
      await workbench.runCommand('Terminal: Focus Terminal');
      const [, exit] = await workbench.waitForTerminalText(/exit code:? (\d+)/);
      const screen = (await workbench.terminalLines()).join('\n');
      assert.equal(exit, '126', `the task exited ${exit}; the terminal shows:\n${screen}`);
      assert.match(screen, /airlock: blocked \(/, screen);
      assert.doesNotMatch(screen, /^task-ran/m, screen);
      assert.ok(intact(victim), `the victim folder was touched:\n${screen}`);
    },
  },
  {
    name: "a line whose bash -c deletes a folder is approved once: its child's own check and its rm take that approval, nothing asks again; the same bash -c from a script later waits again (Deny: 126, folder intact)",
    timeoutMs: 150_000,
    async run(workbench) {
      let victim = makeVictim(workbench);
      await whenGuardsReady(workbench);
      await workbench.openTerminal();
      await workbench.typeInTerminal(`bash -c 'rm -rf victim'; echo "child-exit=$?"`);
      await workbench.webview('#allow-once').click();
      await workbench.runCommand('Terminal: Focus Terminal');
      const [, exit] = await workbench.waitForTerminalText(/^child-exit=(\d+)$/m);
      assert.equal(exit, '0', (await workbench.terminalLines()).join('\n'));
      assert.ok(!fs.existsSync(victim), 'the approved line did not run');

      // A script runs the same child later: the approval was used, so a person is asked again.
      victim = makeVictim(workbench);
      fs.writeFileSync(path.join(workbench.workspace, 'again.sh'), `bash -c 'rm -rf victim'\n`);
      await workbench.typeInTerminal('bash again.sh; echo "again-exit=$?"');
      await workbench.webview('#deny').click();
      await workbench.runCommand('Terminal: Focus Terminal');
      const [, again] = await workbench.waitForTerminalText(/^again-exit=(\d+)$/m);
      const screen = (await workbench.terminalLines()).join('\n');
      assert.equal(again, '126', screen);
      assert.ok(intact(victim), `the victim folder was touched:\n${screen}`);

      const ledger = fs.readFileSync(path.join(workbench.workspace, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n')
        .map((line) => JSON.parse(line) as { source?: string; decider?: { by?: string; how?: string }; action?: { command?: string } });
      const child = ledger.filter((e) => e.source === 'shell-guard' && e.action?.command?.trim() === 'rm -rf victim').map((e) => e.decider?.how);
      assert.deepEqual(child, ['approved-child', 'deny'], JSON.stringify(ledger));
      assert.equal(ledger.filter((e) => e.decider?.how === 'allow-once').length, 1, 'the person was asked to allow once');
    },
  },
];
