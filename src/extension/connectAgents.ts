import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HookAgent } from '../core/hooks/payload';
import { detectAgents, installHooks } from '../host/hooks/installer';
import type { AgentHookState } from '../host/hooks/installer';
import { currentRuntime, launcherPath, writeLauncher } from '../host/hooks/launcher';
import type { LauncherTarget } from '../host/hooks/launcher';
import { airlockStateDir } from '../host/ledger/locations';

const AGENT_NAMES: Record<HookAgent, string> = { claude: 'Claude Code', cursor: 'Cursor', copilot: 'VS Code agent mode' };

/**
 * "Airlock: Connect Agents": writes the hook files of the agents in use in the first workspace folder
 * (the editor's own agent always counts), through the same installer as `airlock hooks install`.
 * Returns what it did, so tests can read it.
 */
export async function connectAgents(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<AgentHookState[]> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Airlock: open a folder first; agent hooks are written into the workspace.');
    return [];
  }
  const home = process.env.HOME || homedir();
  const editor = editorAgent();
  const settings = vscode.workspace.getConfiguration('airlock', folder.uri);
  if (!settings.get<boolean>('guards.agentHooks', true)) {
    void vscode.window.showWarningMessage('Airlock: agent hooks are switched off (airlock.guards.agentHooks); nothing was written.');
    return [];
  }
  const agents = detectAgents(folder.uri.fsPath, home, [editor]).filter((agent) => settings.get<boolean>(`agents.${agent}`, true));
  const states = installHooks({ workspace: folder.uri.fsPath, scope: 'workspace', home, stateRoot: airlockStateDir(), agents }, launcherTarget(context));
  for (const state of states) log.info(`connect agents: ${state.agent} ${state.state} ${state.file}${state.detail ? ` (${state.detail})` : ''}`);
  const done = states.filter((state) => state.state === 'installed').map((state) => `${AGENT_NAMES[state.agent]} (${path.relative(folder.uri.fsPath, state.file)})`);
  const failed = states.filter((state) => state.state !== 'installed');
  if (failed.length > 0) {
    void vscode.window.showWarningMessage(`Airlock could not connect ${failed.map((state) => `${AGENT_NAMES[state.agent]}: ${state.detail ?? state.state}`).join('; ')}`);
  }
  if (done.length > 0) void vscode.window.showInformationMessage(`Airlock connected ${done.join(', ')}.`);
  else if (failed.length === 0) void vscode.window.showInformationMessage('Airlock found no agent to connect here.');
  return states;
}

/**
 * Points an existing launcher at this version of the extension, so hooks keep working after an update
 * moved the extension's folder. A user who never connected agents gets no launcher.
 */
export function refreshLauncher(context: vscode.ExtensionContext): void {
  const stateRoot = airlockStateDir();
  if (existsSync(launcherPath(stateRoot))) writeLauncher(stateRoot, launcherTarget(context));
}

/** The agent built into the editor this runs in: Cursor's own, or VS Code's agent mode (Copilot). */
export function editorAgent(): HookAgent {
  return /cursor/i.test(vscode.env.appName) ? 'cursor' : 'copilot';
}

/** This extension's CLI, run by `node` when there is one on PATH, else by the editor's own runtime. */
export function launcherTarget(context: vscode.ExtensionContext): LauncherTarget {
  return { cliPath: path.join(context.extensionPath, 'dist', 'cli.js'), ...currentRuntime() };
}
