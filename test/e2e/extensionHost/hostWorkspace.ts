import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AirlockExtension } from '../../../src/extension/airlockExtension';

const EXTENSION_ID = 'airlock.airlock';

/** The running extension's owner object, activated if it is not yet. */
export async function airlock(): Promise<AirlockExtension> {
  const extension = vscode.extensions.getExtension<AirlockExtension>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** The session's throwaway copy of the fixture workspace: the only place a test may change files. */
export function workspace(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'the harness opens a workspace folder');
  return folder;
}

/** A folder in the workspace holding one file, `data`: a deleting command's only target. */
export function makeVictim(name: string): string {
  const dir = path.join(workspace(), name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'data'), 'keep me\n');
  return dir;
}

/** The team policy denies these outright, so no test waits for a person. */
export function denyInPolicy(patterns: string[]): void {
  fs.mkdirSync(path.join(workspace(), '.airlock'), { recursive: true });
  fs.writeFileSync(path.join(workspace(), '.airlock', 'policy.json'), JSON.stringify({ version: 1, rules: { deny: patterns } }));
}

/** Runs a task to its end; resolves to its process's exit code. */
export async function runTask(name: string, execution: vscode.ShellExecution | vscode.ProcessExecution): Promise<number | undefined> {
  await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  const task = new vscode.Task({ type: 'airlock-e2e' }, vscode.TaskScope.Workspace, name, 'airlock-e2e', execution, []);
  const ended = new Promise<number | undefined>((resolve) => {
    const listener = vscode.tasks.onDidEndTaskProcess((event) => {
      if (event.execution.task.name !== name) return;
      listener.dispose();
      resolve(event.exitCode);
    });
  });
  await vscode.tasks.executeTask(task);
  return ended;
}
