import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { toCsv } from '../../core/ledger/format';
import { readWorkspaceLedger } from '../../host/ledger/verifyLedger';
import { COMMAND_IDS } from '../commandIds';
import { Disposable } from '../disposable';
import type { SidePanelProvider } from './sidePanelProvider';
import { SIDE_PANEL_VIEW_ID } from './sidePanelProvider';

/** Show, verify and export the ledger of the window's first folder. */
export class LedgerCommands extends Disposable {
  constructor(private readonly sidePanel: SidePanelProvider) {
    super();
    this.register(vscode.commands.registerCommand(COMMAND_IDS.showLedger, () => vscode.commands.executeCommand(`${SIDE_PANEL_VIEW_ID}.focus`)));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.verifyLedger, () => this.verify()));
    this.register(vscode.commands.registerCommand(COMMAND_IDS.exportLedger, () => this.export()));
  }

  /** Shows the chain's status; returns it so tests can read it. */
  private verify(): { status: string; detail: string } {
    const chain = this.sidePanel.chainStatus();
    const message = `Airlock ledger ${chain.status}: ${chain.detail}`;
    if (chain.status === 'tampered' || chain.status === 'deleted') void vscode.window.showErrorMessage(message);
    else void vscode.window.showInformationMessage(message);
    return chain;
  }

  private async export(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    if (!folder) {
      void vscode.window.showWarningMessage('Airlock: open a folder to export its ledger.');
      return;
    }
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder.uri, 'airlock-ledger.csv'),
      filters: { CSV: ['csv'], 'JSON lines': ['jsonl'] },
      title: 'Export the Airlock ledger',
    });
    if (!target) return;
    const entries = readWorkspaceLedger(folder.uri.fsPath).report.entries.map((e) => e.entry);
    const text = target.fsPath.endsWith('.jsonl') ? entries.map((e) => `${JSON.stringify(e)}\n`).join('') : toCsv(entries);
    writeFileSync(target.fsPath, text);
    void vscode.window.showInformationMessage(`Airlock: ${entries.length} entries exported to ${target.fsPath}`);
  }
}
