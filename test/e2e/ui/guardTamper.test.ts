import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiTest } from '../harness/uiSuite';

// Tampering with the shell guard from inside its own terminal: a script, sourced by an allowed line
// (the guard checks the line, not what the file does), puts Enter, the prompt hook and the DEBUG trap
// back the way they were before the guard. The next risky line runs unasked; the observer notices
// that a terminal whose guard used to ask has gone quiet, stops the line, records it and says so.
// The only target is a folder in this session's throwaway copy of the fixture workspace.

/** What an agent that knows the guard could source: everything back as it was, VS Code's trap kept. */
const SWITCH_OFF = [
  `bind '"\\C-m": accept-line'`,
  `bind '"\\C-j": accept-line'`,
  'PROMPT_COMMAND=${PROMPT_COMMAND#__airlock_prompt * }',
  'PS0=',
  'trap "$__airlock_chain" DEBUG',
  // With function tracing left on, VS Code's own trap would fire inside its prompt hook and stop
  // reporting commands: a quiet switch-off turns it off too.
  'shopt -u extdebug',
  '',
].join('\n');

export const tests: UiTest[] = [
  {
    name: 'a bash terminal whose guard was switched off by a sourced script: the next risky line is stopped (Ctrl-C), recorded, and the missing guard shown (warning and status bar)',
    timeoutMs: 120_000,
    async run(workbench) {
      const victim = path.join(workbench.workspace, 'victim');
      fs.mkdirSync(victim, { recursive: true });
      fs.writeFileSync(path.join(victim, 'data'), 'keep me\n');
      fs.writeFileSync(path.join(workbench.workspace, 'off.sh'), SWITCH_OFF);
      await workbench.runCommand('Airlock: Show Log');
      await workbench.outputPanel().filter({ hasText: 'PATH shims for high-risk programs' }).waitFor();
      await workbench.openTerminal();
      // A first line through the guard's session: from now on this terminal is expected to ask.
      await workbench.typeInTerminal('echo "guard=${__airlock_guard_loaded:-missing}"');
      const [, loaded] = await workbench.waitForTerminalText(/^guard=(\w+)$/m);
      assert.equal(loaded, '1');
      await workbench.typeInTerminal('. ./off.sh; echo "switched-off=$?"');
      await workbench.waitForTerminalText(/^switched-off=0$/m);

      await workbench.typeInTerminal('sleep 30; rm -rf victim');
      await workbench.page.locator('.statusbar-item', { hasText: 'Airlock: guard missing in 1 terminal' }).first().waitFor();
      // The notification center keeps what the toasts showed, however long ago.
      await workbench.runCommand('Notifications: Show Notifications');
      await workbench.page.locator('.notification-list-item', { hasText: "Airlock's shell guard is missing in terminal" }).first().waitFor();
      await workbench.page.locator('.notification-list-item', { hasText: 'Airlock stopped terminal' }).first().waitFor();
      await workbench.runCommand('Terminal: Focus Terminal');
      await workbench.typeInTerminal('echo "stopped-exit=$?"');
      const [, exit] = await workbench.waitForTerminalText(/^stopped-exit=(\d+)$/m);
      const screen = (await workbench.terminalLines()).join('\n');
      assert.equal(exit, '130', `the line was not interrupted:\n${screen}`);
      assert.ok(fs.existsSync(path.join(victim, 'data')), `the victim folder was touched:\n${screen}`);
      const ledger = fs.readFileSync(path.join(workbench.workspace, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n')
        .map((line) => JSON.parse(line) as { outcome?: string; decider?: { by?: string; how?: string }; action?: { command?: string } });
      const entry = ledger.find((e) => e.action?.command === 'sleep 30; rm -rf victim');
      assert.deepEqual([entry?.outcome, entry?.decider?.by, entry?.decider?.how], ['denied', 'observer', 'stopped-unguarded; guard missing in its terminal'], JSON.stringify(ledger.slice(-5)));
    },
  },
];
