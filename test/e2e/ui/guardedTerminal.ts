import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Workbench } from '../harness/workbench';

// What the terminal-guard UI tests share: waiting until Airlock has set up its guards, a terminal
// whose guard has already asked once, and the ledger as the broker writes it.

/** Only terminals created after Airlock set up its guards carry them: wait for the log line first. */
export async function whenGuardsReady(workbench: Workbench): Promise<void> {
  await workbench.runCommand('Airlock: Show Log');
  await workbench.outputPanel().filter({ hasText: 'PATH shims for high-risk programs' }).waitFor();
}

/** A new terminal whose guard has sent one line through its session: from now on it is expected to ask. */
export async function openGuardedTerminal(workbench: Workbench): Promise<void> {
  await whenGuardsReady(workbench);
  await workbench.openTerminal();
  await workbench.typeInTerminal('echo "guard=${__airlock_guard_loaded:-missing}"');
  const [, loaded] = await workbench.waitForTerminalText(/^guard=(\w+)$/m);
  assert.equal(loaded, '1', `the guard is not loaded in the terminal:\n${(await workbench.terminalLines()).join('\n')}`);
}

/** The fields of a ledger entry these tests read. */
export interface LedgerLine {
  source?: string;
  outcome?: string;
  pathShims?: string;
  decider?: { by?: string; how?: string };
  action?: { command?: string };
  assessment?: { level?: string };
}

/** The ledger's entries once `ready` holds for them (the broker writes allowed lines when idle), within 20 s. */
export async function ledgerEntries(file: string, ready: (entries: LedgerLine[]) => boolean): Promise<LedgerLine[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const entries = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as LedgerLine) : [];
    if (ready(entries) || Date.now() > deadline) return entries;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
