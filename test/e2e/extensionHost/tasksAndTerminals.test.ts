import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostTest } from './hostTest';
import { denyInPolicy, makeVictim, runTask, workspace } from './hostWorkspace';

// Tasks and terminal commands in the real extension host: what the guards stop before it runs, what
// only the observer sees (recorded, and stopped while it runs), and nothing recorded twice. The only
// things any command may delete are folders made here in the session's throwaway workspace; a
// team policy deny rule answers at once where a person would otherwise be asked.

interface LedgerLine {
  source?: string;
  outcome?: string;
  decider?: { by?: string; how?: string };
  action?: { command?: string };
}

function readLedger(): LedgerLine[] {
  const file = path.join(workspace(), '.airlock', 'ledger.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LedgerLine);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const intact = (dir: string): boolean => fs.existsSync(path.join(dir, 'data'));

export const tests: HostTest[] = [
  {
    name: 'a shell task started by tasks.executeTask is stopped before it runs by the guard (exit 126, folder intact) and recorded once, by the guard',
    timeoutMs: 60_000,
    async run() {
      const victim = makeVictim('victim-shell');
      denyInPolicy(['find victim-shell*', 'sh wipe-process.sh*']);
      const command = 'find victim-shell -delete; echo task-ran';
      const exit = await runTask('airlock-wipe-shell', new vscode.ShellExecution(command, { cwd: workspace() }));
      assert.equal(exit, 126);
      assert.ok(intact(victim), 'the task ran');
      const mine = (): LedgerLine[] => readLedger().filter((e) => e.action?.command === command);
      const guard = await until('the guard\'s entry', () => mine().find((e) => e.source === 'shell-guard'));
      assert.deepEqual([guard.outcome, guard.decider?.by], ['denied', 'policy']);
      // The observer gives the guard its grace before it would record; then nothing more may appear.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.deepEqual(mine().map((e) => e.source), ['shell-guard'], 'recorded twice');
    },
  },
  {
    name: 'a process task whose script runs rm meets the PATH shim, which a deny rule answers: exit 126, folder intact',
    timeoutMs: 60_000,
    async run() {
      const victim = makeVictim('victim-process');
      denyInPolicy(['find victim-shell*', 'rm -rf victim-process*']);
      fs.writeFileSync(path.join(workspace(), 'wipe-process.sh'), 'rm -rf victim-process\n');
      const exit = await runTask('airlock-wipe-process', new vscode.ProcessExecution('sh', ['wipe-process.sh'], { cwd: workspace() }));
      assert.equal(exit, 126, 'the shim did not stop rm');
      assert.ok(intact(victim), 'rm ran');
      const shim = await until('the shim\'s entry', () => readLedger().find((e) => e.source === 'shim' && e.action?.command === 'rm -rf victim-process'));
      assert.equal(shim.outcome, 'denied');
    },
  },
  {
    name: 'a process task no guard sees is stopped by the observer while it runs, recorded as stopped, and not run again by itself',
    timeoutMs: 60_000,
    async run() {
      const victim = makeVictim('victim-slow');
      // sh is not shimmed and sleeps first: only the observer can act before rm is reached.
      const started = Date.now();
      const exit = await runTask('airlock-wipe-slow', new vscode.ProcessExecution('sh', ['-c', 'sleep 30; rm -rf victim-slow'], { cwd: workspace() }));
      assert.ok(Date.now() - started < 25_000, `the task ran to its end (${Date.now() - started} ms, exit ${exit})`);
      assert.ok(intact(victim), 'the task ran');
      const entry = await until('the observer\'s entry', () => readLedger().find((e) => e.source === 'task' && e.action?.command?.includes('victim-slow')));
      assert.deepEqual([entry.outcome, entry.decider?.by, entry.decider?.how], ['denied', 'observer', 'stopped-unguarded']);
      assert.equal(vscode.tasks.taskExecutions.filter((t) => t.task.name === 'airlock-wipe-slow').length, 0, 'it runs again');
    },
  },
  {
    name: 'a risky line in a terminal without the shell guard is interrupted by the observer (Ctrl-C) and recorded; a harmless one is recorded as observed',
    timeoutMs: 90_000,
    async run() {
      await vscode.extensions.getExtension('airlock.airlock')?.activate();
      const victim = makeVictim('victim-terminal');
      const config = vscode.workspace.getConfiguration('airlock');
      // Terminals opened while the guard is off carry no guard and no shims: only the observer sees them.
      // (strictEnv does not keep the extension's environment out in VS Code 1.139.) This file runs after
      // settings.test.ts, whose test reads the first settings change in the ledger.
      await config.update('guards.shellGuard', false, vscode.ConfigurationTarget.Global);
      await config.update('guards.pathShims', false, vscode.ConfigurationTarget.Global);
      const terminal = vscode.window.createTerminal({ name: 'unguarded', cwd: workspace() });
      try {
        const integration = terminal.shellIntegration ?? await new Promise<vscode.TerminalShellIntegration>((resolve) => {
          const listener = vscode.window.onDidChangeTerminalShellIntegration((event) => {
            if (event.terminal !== terminal) return;
            listener.dispose();
            resolve(event.shellIntegration);
          });
        });
        const marker = path.join(workspace(), 'guard-unguarded.txt');
        integration.executeCommand(`echo "guard=\${__airlock_guard_loaded:-none} path=$PATH" > ${marker}`);
        const guard = await until('the guard probe', () => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : undefined));
        assert.match(guard, /guard=none/, `the terminal has a guard after all: ${guard}`);
        assert.doesNotMatch(guard, /shims/, `the terminal has the shims after all: ${guard}`);
        const ended = new Promise<number | undefined>((resolve) => {
          const listener = vscode.window.onDidEndTerminalShellExecution((event) => {
            if (event.terminal !== terminal || !event.execution.commandLine.value.includes('victim-terminal')) return;
            listener.dispose();
            resolve(event.exitCode);
          });
        });
        const started = Date.now();
        terminal.sendText('sleep 30; rm -rf victim-terminal');
        const exit = await ended;
        assert.ok(Date.now() - started < 25_000, `the line ran to its end (exit ${exit})`);
        assert.ok(intact(victim), 'rm ran');
        const entry = await until('the observer\'s entry', () => readLedger().find((e) => e.action?.command === 'sleep 30; rm -rf victim-terminal'));
        assert.deepEqual([entry.source, entry.outcome, entry.decider?.by, entry.decider?.how], ['shell-guard', 'denied', 'observer', 'stopped-unguarded']);
        terminal.sendText('echo observed-line');
        const observed = await until('the harmless line\'s entry', () => readLedger().find((e) => e.action?.command === 'echo observed-line'), 30_000);
        assert.deepEqual([observed.outcome, observed.decider?.by, observed.decider?.how], ['allowed', 'observer', 'observed']);
      } finally {
        terminal.dispose();
        await config.update('guards.shellGuard', undefined, vscode.ConfigurationTarget.Global);
        await config.update('guards.pathShims', undefined, vscode.ConfigurationTarget.Global);
      }
    },
  },
];
