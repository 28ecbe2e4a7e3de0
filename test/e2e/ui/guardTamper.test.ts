import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiTest } from '../harness/uiSuite';
import { ledgerEntries, openGuardedTerminal, whenGuardsReady } from './guardedTerminal';

// Tampering with the shell guard from inside its own terminal: a script, sourced by an allowed line
// (the guard checks the line, not what the file does), puts Enter, the prompt hook and the DEBUG trap
// back the way they were before the guard. The next risky line runs unasked; the observer notices
// that a terminal whose guard used to ask has gone quiet, stops the line, records it and says so.
// The only target is a folder in this session's throwaway copy of the fixture workspace.
// A second test edits PATH so that it no longer leads to the shims: the observer records that once,
// shows it until PATH is put back, and records the restore.

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
      await openGuardedTerminal(workbench);
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
      const ledger = await ledgerEntries(path.join(workbench.workspace, '.airlock', 'ledger.jsonl'), (all) => all.some((e) => e.action?.command === 'sleep 30; rm -rf victim'));
      const entry = ledger.find((e) => e.action?.command === 'sleep 30; rm -rf victim');
      assert.deepEqual([entry?.outcome, entry?.decider?.by, entry?.decider?.how], ['denied', 'observer', 'stopped-unguarded; guard missing in its terminal'], JSON.stringify(ledger.slice(-5)));
    },
  },
  {
    name: 'a bash terminal whose PATH drops the shims: the next line is still checked, the bypass is recorded and shown (warning and status bar) once, and cleared when PATH is put back',
    timeoutMs: 120_000,
    async run(workbench) {
      const ledgerFile = path.join(workbench.workspace, '.airlock', 'ledger.jsonl');
      await whenGuardsReady(workbench);
      await workbench.openTerminal();
      // The state a line reports is read as it is sent: this one still went out with the shims leading.
      await workbench.typeInTerminal('saved_path=$PATH; echo "shims=${__airlock_shims:-none}"');
      const [, before] = await workbench.waitForTerminalText(/^shims=(\w+)$/m);
      assert.equal(before, 'on', 'the shim folder did not lead PATH in a new terminal');
      // Each line waits for the one before to finish: typed ahead, VS Code may report two lines as one.
      await workbench.typeInTerminal('export PATH=/usr/bin:/bin; echo "drop=$?"');
      await workbench.waitForTerminalText(/^drop=0$/m);
      await workbench.typeInTerminal('echo "dropped=${__airlock_shims:-none}"');
      const [, dropped] = await workbench.waitForTerminalText(/^dropped=(\w+)$/m);
      assert.equal(dropped, 'off');
      const status = workbench.page.locator('.statusbar-item', { hasText: 'Airlock: PATH shims bypassed in 1 terminal' }).first();
      await status.waitFor();
      await workbench.runCommand('Notifications: Show Notifications');
      await workbench.page.locator('.notification-list-item', { hasText: "Airlock's PATH shims are bypassed in terminal" }).first().waitFor();
      await workbench.runCommand('Terminal: Focus Terminal');
      // Lines typed with the shims off are still decided by the guard: nothing about the guard is missing.
      await workbench.typeInTerminal('echo "still-dropped=$?"');
      await workbench.waitForTerminalText(/^still-dropped=0$/m);
      await workbench.typeInTerminal('export PATH=$saved_path; echo "put-back=$?"');
      await workbench.waitForTerminalText(/^put-back=0$/m);
      await workbench.typeInTerminal('echo "restored=${__airlock_shims:-none}"');
      const [, restored] = await workbench.waitForTerminalText(/^restored=(\w+)$/m);
      assert.equal(restored, 'on');
      await status.waitFor({ state: 'detached' });

      const entries = await ledgerEntries(ledgerFile, (all) => all.some((e) => e.decider?.how === 'path-shims-restored'));
      const changes = entries.filter((e) => e.decider?.by === 'observer').map((e) => [e.decider?.how, e.action?.command, e.assessment?.level]);
      assert.deepEqual(changes, [
        ['path-shims-bypassed', 'echo "dropped=${__airlock_shims:-none}"', 'critical'],
        ['path-shims-restored', 'echo "restored=${__airlock_shims:-none}"', 'none'],
      ], JSON.stringify(entries.slice(-8)));
      const offLines = entries.filter((e) => e.source === 'shell-guard' && e.decider?.by === 'policy' && e.pathShims === 'off').map((e) => e.action?.command ?? '');
      for (const line of ['echo "dropped=${__airlock_shims:-none}"', 'echo "still-dropped=$?"', 'export PATH=$saved_path; echo "put-back=$?"']) {
        assert.ok(offLines.some((command) => command.endsWith(line)), `${line} is not recorded as run with the shims off: ${JSON.stringify(offLines)}`);
      }
      assert.ok(!entries.some((e) => e.decider?.how?.includes('guard missing')), 'the guard was reported missing');
    },
  },
];


