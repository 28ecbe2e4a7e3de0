import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { COMMAND_IDS } from './commandIds';
import { SettingsWatcher } from './settingsWatcher';
import { ApprovalPanel } from './approval/approvalPanel';
import { BrokerHost } from './broker/brokerHost';
import { LedgerCommands } from './sidePanel/ledgerCommands';
import { SidePanelProvider } from './sidePanel/sidePanelProvider';
import { AirlockStatusBar } from './sidePanel/statusBar';
import { connectAgents, editorAgent, launcherTarget, refreshLauncher } from './connectAgents';
import { AgentsView } from './agents/agentsView';
import { FileSafety } from './files/fileSafety';
import { TerminalGuard } from './terminalGuard';
import { ExecutionObserver } from './observers/executionObserver';
import { decide } from '../core/policy/decide';
import { createDiskContext } from '../host/diskContext';
import { loadEngine } from '../host/engineLoader';
import { loadWorkspacePolicy } from '../host/policyLoader';
import type { Engine } from '../core/engine';

/**
 * The one owner of everything the extension registers. At this stage it offers the engine through a
 * command; the broker, approval view, side panel and guards attach here as they land.
 */
export class AirlockExtension extends Disposable {
  private readonly log: vscode.LogOutputChannel;
  private engine: Promise<Engine> | undefined;
  readonly brokerHost: BrokerHost;
  readonly files: FileSafety;

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.log = this.register(vscode.window.createOutputChannel('Airlock', { log: true }));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.showLog, () => this.log.show()));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.checkCommand, (command?: string) => this.checkCommand(command)));
    this.register(new SettingsWatcher(this.log));
    // The broker answers every guard; its approval view is the only place a person can allow anything.
    this.brokerHost = this.register(new BrokerHost(context, () => this.loadedEngine(), this.log));
    const approvals = this.register(
      new ApprovalPanel(this.brokerHost.broker, vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), this.log),
    );
    this.register(vscode.commands.registerCommand(COMMAND_IDS.showApprovals, () => approvals.show()));
    // Snapshots before loss, restore, the mass-loss alarm and review of agents' edits (the Files view).
    this.files = this.register(new FileSafety(context, this.log, this.brokerHost.onWillEvaluateRequest));
    const sidePanel = this.register(
      new SidePanelProvider(this.brokerHost.broker, vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), () => approvals.show(),
        (workspace, entry, file) => this.files.restoreFromLedger(workspace, entry, file)),
    );
    this.register(new LedgerCommands(sidePanel));
    this.register(new AirlockStatusBar(this.brokerHost.broker));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.connectAgents, () => connectAgents(context, this.log)));
    // Each agent's connection: detected, installed where, healthy or broken, with Install / Repair / Uninstall.
    this.register(new AgentsView({ log: this.log, editorAgent: editorAgent(), launcherTarget: () => launcherTarget(context) }));
    try {
      refreshLauncher(context);
    } catch (error) {
      this.log.warn(`the agent hook launcher could not be updated: ${String(error)}`);
    }
    // Terminals created from now on carry the shell guard (a second layer behind the agent hooks).
    const terminalGuard = this.register(new TerminalGuard(context, this.log));
    // What ran in terminals and tasks without a guard seeing it first: recorded, and stopped if risky.
    this.register(new ExecutionObserver(this.brokerHost.broker, this.log, (terminal) => terminalGuard.noticeUnguarded(terminal)));
    this.log.info('Airlock activated');
  }

  private loadedEngine(): Promise<Engine> {
    this.engine ??= loadEngine(path.join(this.context.extensionPath, 'dist'));
    return this.engine;
  }

  /** Assesses a command line and shows the verdict; returns it so tests can read it. */
  private async checkCommand(command?: string): Promise<{ decision: string; score: number } | undefined> {
    const line = command ?? (await vscode.window.showInputBox({ prompt: 'Command line to assess', ignoreFocusOut: true }));
    if (!line) return undefined;
    const engine = await this.loadedEngine();
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const action = { kind: 'shell', command: line } as const;
    const workspace = loadWorkspacePolicy(cwd);
    const assessment = engine.analyze(action, createDiskContext(cwd, { productionMarkers: workspace.settings.productionMarkers }));
    const { decision } = decide(assessment, workspace.policy, { action, source: 'cli', workspaceRoot: workspace.workspaceRoot });
    const top = assessment.reasons[0]?.message ?? 'nothing destructive found';
    this.log.info(`check ${decision} ${assessment.score}: ${top}`);
    void vscode.window.showInformationMessage(`Airlock: ${decision} (${assessment.level}, ${assessment.score}): ${top}`);
    return { decision, score: assessment.score };
  }
}
