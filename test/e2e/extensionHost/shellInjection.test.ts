import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostTest } from './hostTest';
import { denyInPolicy, makeVictim, runTask, workspace } from './hostWorkspace';

// zsh and fish terminals in the real VS Code, with its own shell integration injected as usual: the
// guard must load there by itself and stop a line before it runs, and VS Code must still see each
// command with its exit code. A team policy deny rule answers at once, so no test waits for a person.
// The only things any command may delete are folders made here in the session's throwaway workspace.

function installed(shell: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${shell}`], { encoding: 'utf8' }).stdout.trim();
  return found || undefined;
}

/**
 * Runs one command through the terminal's shell integration; resolves to its output and exit code.
 * The output is read from whatever execution the terminal reports: a line the guard blocks as it is
 * entered runs as the guard's stand-in, which VS Code reports as a command of its own.
 */
async function run(integration: vscode.TerminalShellIntegration, terminal: vscode.Terminal, command: string): Promise<{ output: string; exitCode: number | undefined }> {
  let output = '';
  const reads: Promise<void>[] = [];
  const reading = new Set<vscode.TerminalShellExecution>();
  const readFrom = (execution: vscode.TerminalShellExecution): void => {
    if (reading.has(execution)) return;
    reading.add(execution);
    reads.push((async () => {
      for await (const chunk of execution.read()) output += chunk;
    })());
  };
  const started = vscode.window.onDidStartTerminalShellExecution((event) => {
    if (event.terminal === terminal) readFrom(event.execution);
  });
  const ended = new Promise<number | undefined>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${JSON.stringify(command)} never ended; output so far: ${JSON.stringify(output)}`)), 20_000);
    const listener = vscode.window.onDidEndTerminalShellExecution((event) => {
      if (event.terminal !== terminal) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(event.exitCode);
    });
  });
  readFrom(integration.executeCommand(command));
  try {
    const exitCode = await ended;
    // The output streams close on their own shortly after the end event; they are not worth a hang.
    await Promise.race([Promise.all(reads), new Promise((resolve) => setTimeout(resolve, 3000))]);
    return { output, exitCode };
  } finally {
    started.dispose();
  }
}

async function openTerminal(shellPath: string): Promise<{ terminal: vscode.Terminal; integration: vscode.TerminalShellIntegration }> {
  await vscode.extensions.getExtension('airlock.airlock')?.activate();
  const terminal = vscode.window.createTerminal({ name: path.basename(shellPath), shellPath, cwd: workspace() });
  const integration = terminal.shellIntegration ?? await new Promise<vscode.TerminalShellIntegration>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no shell integration in ${shellPath}`)), 20_000);
    const listener = vscode.window.onDidChangeTerminalShellIntegration((event) => {
      if (event.terminal !== terminal) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(event.shellIntegration);
    });
  });
  return { terminal, integration };
}

function shellTest(shell: 'zsh' | 'fish'): HostTest {
  return {
    name: `a ${shell} terminal with VS Code's shell integration loads the guard by itself; a denied line does not run and VS Code sees it exit 126`,
    timeoutMs: 60_000,
    async run() {
      const shellPath = installed(shell);
      assert.ok(shellPath, `${shell} is not installed (apt-get install ${shell}; .ci/run installs it)`);
      const victim = makeVictim(`victim-${shell}`);
      denyInPolicy([`rm -rf victim-${shell}*`]);
      const { terminal, integration } = await openTerminal(shellPath);
      try {
        // Files, not the terminal's output: VS Code reports a line the guard replaced as its own command.
        const marker = (name: string): string => path.join(workspace(), `${name}-${shell}.txt`);
        const loaded = await run(integration, terminal, `echo "guard=$__airlock_guard_loaded" > ${marker('guard')}`);
        assert.equal(loaded.exitCode, 0);
        assert.equal(fs.readFileSync(marker('guard'), 'utf8').trim(), 'guard=1', 'the guard is not loaded');
        const denied = await run(integration, terminal, `touch ${marker('first-ran')}; rm -rf victim-${shell}`);
        assert.equal(denied.exitCode, 126, denied.output);
        assert.ok(!fs.existsSync(marker('first-ran')), 'part of the line ran');
        assert.ok(fs.existsSync(path.join(victim, 'data')), 'the line ran');
        const ledger = fs.readFileSync(path.join(workspace(), '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { source?: string; outcome?: string; action?: { command?: string } });
        assert.ok(ledger.some((e) => e.source === 'shell-guard' && e.outcome === 'denied' && e.action?.command?.endsWith(`rm -rf victim-${shell}`)), 'the guard did not decide it');
        const allowed = await run(integration, terminal, shell === 'fish' ? 'echo ok-(math 40 + 2)' : 'echo ok-$((40+2))');
        assert.equal(allowed.exitCode, 0);
        assert.match(allowed.output, /ok-42/);
      } finally {
        terminal.dispose();
      }
    },
  };
}

/**
 * A shell task whose shell is zsh (its stand-in ZDOTDIR's .zshenv loads the guard) or fish (the
 * vendor_conf.d file on XDG_DATA_DIRS, which reads what fish -c was given): stopped before it runs.
 */
function shellTaskTest(shell: 'zsh' | 'fish'): HostTest {
  return {
    name: `a shell task run by ${shell} -c is stopped before it runs by the guard ${shell} loads by itself (exit 126, folder intact)`,
    timeoutMs: 60_000,
    async run() {
      const executable = installed(shell);
      assert.ok(executable, `${shell} is not installed`);
      await vscode.extensions.getExtension('airlock.airlock')?.activate();
      const victim = makeVictim(`victim-${shell}-task`);
      denyInPolicy([`find victim-${shell}-task*`]);
      const execution = new vscode.ShellExecution(`find victim-${shell}-task -delete; echo task-ran`, { cwd: workspace(), executable, shellArgs: ['-c'] });
      assert.equal(await runTask(`airlock-${shell}-task`, execution), 126);
      assert.ok(fs.existsSync(path.join(victim, 'data')), 'the task ran');
    },
  };
}

export const tests: HostTest[] = [
  shellTest('zsh'),
  shellTest('fish'),
  shellTaskTest('zsh'),
  shellTaskTest('fish'),
];
