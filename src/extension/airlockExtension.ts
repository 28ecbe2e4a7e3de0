import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { COMMAND_IDS } from './commandIds';
import { SettingsWatcher } from './settingsWatcher';
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

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.log = this.register(vscode.window.createOutputChannel('Airlock', { log: true }));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.showLog, () => this.log.show()));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.checkCommand, (command?: string) => this.checkCommand(command)));
    this.register(new SettingsWatcher(this.log));
    this.log.info('Airlock activated');
  }

  /** Assesses a command line and shows the verdict; returns it so tests can read it. */
  private async checkCommand(command?: string): Promise<{ decision: string; score: number } | undefined> {
    const line = command ?? (await vscode.window.showInputBox({ prompt: 'Command line to assess', ignoreFocusOut: true }));
    if (!line) return undefined;
    this.engine ??= loadEngine(path.join(this.context.extensionPath, 'dist'));
    const engine = await this.engine;
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const action = { kind: 'shell', command: line } as const;
    const assessment = engine.analyze(action, createDiskContext(cwd));
    const workspace = loadWorkspacePolicy(cwd);
    const { decision } = decide(assessment, workspace.policy, { action, source: 'cli', workspaceRoot: workspace.workspaceRoot });
    const top = assessment.reasons[0]?.message ?? 'nothing destructive found';
    this.log.info(`check ${decision} ${assessment.score}: ${top}`);
    void vscode.window.showInformationMessage(`Airlock: ${decision} (${assessment.level}, ${assessment.score}): ${top}`);
    return { decision, score: assessment.score };
  }
}
