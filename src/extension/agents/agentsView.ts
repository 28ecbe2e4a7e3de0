import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HookAgent } from '../../core/hooks/payload';
import { agentHealth, agentName } from '../../host/hooks/hookHealth';
import type { AgentHealthReport, HookFileHealth } from '../../host/hooks/hookHealth';
import type { HookScope } from '../../host/hooks/hookFiles';
import { installHooks, uninstallHooks } from '../../host/hooks/installer';
import type { AgentHookState } from '../../host/hooks/installer';
import { launcherPath } from '../../host/hooks/launcher';
import type { LauncherTarget } from '../../host/hooks/launcher';
import { airlockStateDir } from '../../host/ledger/locations';
import { COMMAND_IDS } from '../commandIds';
import { Disposable } from '../disposable';

export const AGENTS_VIEW_ID = 'airlock.agents';

export type AgentsNode =
  | { readonly kind: 'agent'; readonly report: AgentHealthReport }
  | { readonly kind: 'file'; readonly agent: HookAgent; readonly file: HookFileHealth }
  | { readonly kind: 'problem'; readonly text: string }
  | { readonly kind: 'note'; readonly text: string };

/** What the view needs from the extension. */
export interface AgentsViewHost {
  readonly log: vscode.LogOutputChannel;
  /** The CLI and runtime the launcher should call, as Connect Agents writes them. */
  launcherTarget(): LauncherTarget;
  /** The editor's own agent, always counted as in use. */
  readonly editorAgent: HookAgent;
}

/**
 * The Agents view in the Airlock container: Claude Code, Cursor and VS Code agent mode, each detected
 * or not, where Airlock's hooks are (workspace or user file), and healthy or broken with every reason
 * (hookHealth.ts). Install, Repair and Uninstall reuse the installer behind Connect Agents and
 * `airlock hooks`; the view refreshes when a hook file or the launcher changes. Uninstall lowers
 * protection and an agent can run VS Code commands, so it asks the person in a modal dialog first.
 */
export class AgentsView extends Disposable implements vscode.TreeDataProvider<AgentsNode> {
  private readonly changed = this.register(new vscode.EventEmitter<AgentsNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<AgentsNode>;
  private reports: AgentHealthReport[] | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly home = process.env.HOME || homedir();
  private readonly stateRoot = airlockStateDir();

  constructor(private readonly host: AgentsViewHost) {
    super();
    this.view = this.register(vscode.window.createTreeView(AGENTS_VIEW_ID, { treeDataProvider: this }));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.showAgents, () => vscode.commands.executeCommand(`${AGENTS_VIEW_ID}.focus`)));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.refreshAgents, () => this.refresh()));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.installAgentHooks, (node?: AgentsNode) => this.install(node)));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.repairAgentHooks, (node?: AgentsNode) => this.repair(node)));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.uninstallAgentHooks, (node?: AgentsNode) => this.uninstall(node)));
    this.watchHookFiles();
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshSoon()));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('airlock.agents') || event.affectsConfiguration('airlock.guards.agentHooks')) this.refreshSoon();
    }));
    this.register(this.view.onDidChangeVisibility(() => {
      if (this.view.visible) this.refresh();
    }));
    this.register({ dispose: () => this.refreshTimer && clearTimeout(this.refreshTimer) });
  }

  /** The current diagnosis, read again from disk; returned so tests can read it. */
  refresh(): AgentHealthReport[] {
    const workspace = this.workspace();
    this.reports = workspace ? agentHealth({ workspace, home: this.home, stateRoot: this.stateRoot, hint: [this.host.editorAgent] }) : [];
    this.changed.fire(undefined);
    const broken = this.reports.filter((report) => report.health === 'broken').length;
    this.view.badge = broken > 0 ? { value: broken, tooltip: `${broken} agent connection(s) broken` } : undefined;
    return this.reports;
  }

  getChildren(node?: AgentsNode): AgentsNode[] {
    if (!node) {
      const reports = this.reports ?? this.refresh();
      return reports.length > 0 ? reports.map((report) => ({ kind: 'agent', report })) : [{ kind: 'note', text: 'Open a folder to connect agents to it.' }];
    }
    if (node.kind === 'agent') return node.report.files.map((file) => ({ kind: 'file', agent: node.report.agent, file }));
    if (node.kind === 'file') return node.file.problems.map((text) => ({ kind: 'problem', text }));
    return [];
  }

  getTreeItem(node: AgentsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'agent':
        return this.agentItem(node.report);
      case 'file': {
        const workspace = this.workspace() ?? '';
        const shown = node.file.scope === 'workspace' ? path.relative(workspace, node.file.file) : `~/${path.relative(this.home, node.file.file)}`;
        const item = new vscode.TreeItem(shown, node.file.problems.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        // A new id when the problems change, so the problems show expanded instead of as last left.
        item.id = `${node.agent}-${node.file.file}-${node.file.problems.join('|')}`;
        item.description = `${node.file.scope}${node.file.problems.length > 0 ? ` · ${node.file.problems.length} problem${node.file.problems.length > 1 ? 's' : ''}` : ''}`;
        item.tooltip = node.file.file;
        item.iconPath = new vscode.ThemeIcon('file');
        item.contextValue = 'airlock.agentFile';
        item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(node.file.file)] };
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.text);
        item.tooltip = node.text;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.contextValue = 'airlock.agentProblem';
        return item;
      }
      case 'note':
        return new vscode.TreeItem(node.text);
    }
  }

  private agentItem(report: AgentHealthReport): vscode.TreeItem {
    const name = agentName(report.agent);
    const item = new vscode.TreeItem(name, report.files.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = `agent-${report.agent}`;
    const scopes = [...new Set(report.files.map((file) => file.scope))].join(' and ');
    const off = this.enabled(report.agent) ? '' : ' · off in settings';
    const state = report.health === 'healthy' ? `healthy · ${scopes}` : report.health === 'broken' ? 'broken' : report.detected ? 'not installed' : 'not detected';
    item.description = `${state}${off}`;
    item.iconPath = report.health === 'healthy'
      ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
      : report.health === 'broken' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')) : new vscode.ThemeIcon('circle-outline');
    const problems = report.files.flatMap((file) => file.problems);
    item.tooltip = report.health === 'broken'
      ? `${name}: Airlock's hooks do not fully protect:\n${[...new Set(problems)].map((problem) => `- ${problem}`).join('\n')}`
      : report.health === 'healthy' ? `${name} asks Airlock before every action it takes.` : `${name} is not connected to Airlock${report.detected ? ', but it is in use here' : ''}.`;
    item.accessibilityInformation = { label: `${name}: ${item.description}` };
    item.contextValue = `airlock.agent.${report.health === 'not-installed' ? 'notInstalled' : report.health}`;
    return item;
  }

  /** Connects one agent (or every agent in use but not connected) in this workspace. */
  async install(node?: AgentsNode): Promise<AgentHookState[]> {
    const reports = this.reports ?? this.refresh();
    const agents = node?.kind === 'agent' ? [node.report.agent] : reports.filter((report) => report.health === 'not-installed' && report.detected).map((report) => report.agent);
    const allowed = agents.filter((agent) => this.enabled(agent));
    if (allowed.length < agents.length) void vscode.window.showWarningMessage(`Airlock: hooks for ${agents.filter((agent) => !allowed.includes(agent)).map(agentName).join(', ')} are switched off in settings (airlock.agents, airlock.guards.agentHooks).`);
    const states = allowed.flatMap((agent) => this.run('install', agent, 'workspace'));
    this.refresh();
    return states;
  }

  /** Rewrites Airlock's entries (and the launcher) wherever an agent's are broken. */
  async repair(node?: AgentsNode): Promise<AgentHookState[]> {
    const reports = this.refresh();
    const targets = node?.kind === 'agent' ? reports.filter((report) => report.agent === node.report.agent) : reports.filter((report) => report.health === 'broken');
    const states: AgentHookState[] = [];
    for (const report of targets) {
      for (const file of report.files.filter((f) => f.problems.length > 0)) {
        if (!file.repairable) {
          const open = 'Open File';
          void vscode.window.showErrorMessage(`Airlock cannot repair ${file.file}: it is not valid JSON. Fix it by hand, then run Repair again.`, open).then((choice) => {
            if (choice === open) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file.file));
          });
          continue;
        }
        states.push(...this.run('repair', report.agent, file.scope));
      }
    }
    this.refresh();
    return states;
  }

  /** Removes one agent's hooks from every file that holds them, once the person confirms. */
  async uninstall(node?: AgentsNode): Promise<AgentHookState[]> {
    const reports = this.reports ?? this.refresh();
    let report = node?.kind === 'agent' ? node.report : undefined;
    if (!report) {
      const installed = reports.filter((r) => r.files.length > 0);
      const picked = await vscode.window.showQuickPick(installed.map((r) => ({ label: agentName(r.agent), report: r })), { placeHolder: 'Disconnect which agent from Airlock?' });
      report = picked?.report;
    }
    if (!report || report.files.length === 0) return [];
    const confirm = 'Remove Hooks';
    const choice = await vscode.window.showWarningMessage(
      `Remove Airlock's hooks from ${agentName(report.agent)}? Its actions will no longer be checked before they run.`,
      { modal: true, detail: report.files.map((file) => file.file).join('\n') },
      confirm,
    );
    if (choice !== confirm) return [];
    const states = [...new Set(report.files.map((file) => file.scope))].flatMap((scope) => this.run('uninstall', report.agent, scope));
    this.refresh();
    return states;
  }

  private run(verb: 'install' | 'repair' | 'uninstall', agent: HookAgent, scope: HookScope): AgentHookState[] {
    const workspace = this.workspace();
    if (!workspace) return [];
    const options = { workspace, scope, home: this.home, stateRoot: this.stateRoot, agents: [agent] };
    const states = verb === 'uninstall' ? uninstallHooks(options) : installHooks(options, this.host.launcherTarget());
    for (const state of states) this.host.log.info(`agents view: ${verb} ${state.agent} (${scope}) ${state.state} ${state.file}${state.detail ? ` (${state.detail})` : ''}`);
    const failed = states.filter((state) => state.state !== (verb === 'uninstall' ? 'not-installed' : 'installed'));
    if (failed.length > 0) void vscode.window.showWarningMessage(`Airlock could not ${verb} ${failed.map((state) => `${agentName(state.agent)}: ${state.detail ?? state.state}`).join('; ')}`);
    return states;
  }

  private enabled(agent: HookAgent): boolean {
    const settings = vscode.workspace.getConfiguration('airlock', vscode.workspace.workspaceFolders?.[0]?.uri);
    return settings.get<boolean>('guards.agentHooks', true) && settings.get<boolean>(`agents.${agent}`, true);
  }

  private workspace(): string | undefined {
    return vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath;
  }

  /**
   * Hook files in the workspace, the user-level ones, and the launcher. The user-level watchers name
   * one folder each, so VS Code watches those folders only, never the whole home.
   */
  private watchHookFiles(): void {
    const patterns: vscode.GlobPattern[] = [
      '**/{.claude/settings.json,.claude/settings.local.json,.cursor/hooks.json,.github/hooks/*.json}',
      new vscode.RelativePattern(vscode.Uri.file(path.join(this.home, '.claude')), 'settings.json'),
      new vscode.RelativePattern(vscode.Uri.file(path.join(this.home, '.cursor')), 'hooks.json'),
      new vscode.RelativePattern(vscode.Uri.file(path.join(this.home, '.copilot', 'hooks')), '*.json'),
      new vscode.RelativePattern(vscode.Uri.file(path.dirname(launcherPath(this.stateRoot))), '*'),
    ];
    for (const pattern of patterns) {
      const watcher = this.register(vscode.workspace.createFileSystemWatcher(pattern));
      for (const event of [watcher.onDidChange, watcher.onDidCreate, watcher.onDidDelete]) this.register(event(() => this.refreshSoon()));
    }
  }

  /** Hook files change in bursts (an atomic write is a create and a rename): redraw once it settles. */
  private refreshSoon(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, 150);
  }
}
