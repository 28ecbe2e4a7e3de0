import * as vscode from 'vscode';
import type { ApprovalBroker } from '../../host/broker/approvalBroker';
import { COMMAND_IDS } from '../commandIds';
import { Disposable } from '../disposable';

/** Says that Airlock guards this window, and how many requests wait for a person. */
export class AirlockStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(private readonly broker: ApprovalBroker) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('airlock.status', vscode.StatusBarAlignment.Left, 100));
    this.item.name = 'Airlock';
    this.register(broker.onDidChange(() => this.update()));
    this.update();
    this.item.show();
  }

  private update(): void {
    const waiting = this.broker.pending().length;
    if (waiting > 0) {
      this.item.text = `$(shield) Airlock: ${waiting} waiting`;
      this.item.tooltip = `${waiting} agent action${waiting === 1 ? '' : 's'} wait${waiting === 1 ? 's' : ''} for your approval`;
      this.item.command = COMMAND_IDS.showApprovals;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.accessibilityInformation = { label: `Airlock: ${waiting} waiting for approval`, role: 'button' };
    } else {
      this.item.text = '$(shield) Airlock';
      this.item.tooltip = 'Airlock is guarding this window. Show the ledger.';
      this.item.command = COMMAND_IDS.showLedger;
      this.item.backgroundColor = undefined;
      this.item.accessibilityInformation = { label: 'Airlock is guarding this window', role: 'button' };
    }
  }
}
