import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { UiTest } from '../harness/uiSuite';

export const tests: UiTest[] = [
  {
    name: 'a terminal typed into like an agent runs airlock check, which refuses rm -rf / with exit 2',
    async run(workbench) {
      await workbench.openTerminal();
      const cli = path.join(workbench.repoRoot, 'dist', 'cli.js');
      // The command is quoted so that, even if the keystrokes went astray, it could only ever be one
      // word the shell cannot find, never a deletion. The CLI joins words, so this is `check -- rm -rf /`.
      await workbench.typeInTerminal(`node ${cli} check --json -- "rm -rf /"; echo "exit=$?"`);
      const [, exit] = await workbench.waitForTerminalText(/^exit=(\d+)$/m);
      const screen = (await workbench.terminalLines()).join('\n');
      assert.equal(exit, '2', `airlock check exited ${exit}; the terminal shows:\n${screen}`);
      const decision = /"decision"\s*:\s*"(\w+)"/.exec(screen)?.[1];
      assert.ok(decision === 'ask' || decision === 'deny', `expected an ask or deny decision; the terminal shows:\n${screen}`);
    },
  },
];
