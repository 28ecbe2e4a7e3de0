import * as vscode from 'vscode';
import type { ApprovalBroker } from '../../host/broker/approvalBroker';
import { isApprovalViewToHost } from '../../protocol/approvalMessages';
import type { HostToApprovalView } from '../../protocol/approvalMessages';
import { Disposable } from '../disposable';
import { approvalItem } from './approvalItems';
import { webviewHtml } from './webviewHtml';

export const APPROVAL_VIEW_TYPE = 'airlock.approval';

export interface ApprovalLogger {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * The blocking approval view: a webview panel that comes to the front whenever a request waits for a
 * person, lists every waiting request, and passes the person's answer to the broker. It is the only
 * caller of `broker.answer`, and it calls it only for an `answer` message from its own page.
 */
export class ApprovalPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private shown = new Set<string>();

  constructor(
    private readonly broker: ApprovalBroker,
    private readonly bundleRoot: vscode.Uri,
    private readonly log: ApprovalLogger,
  ) {
    super();
    this.register(broker.onDidChange(() => this.update()));
  }

  /** Opens the view even with nothing waiting (the "Show Approvals" command). */
  show(): void {
    this.ensurePanel().reveal(undefined, false);
    this.post();
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }

  private update(): void {
    const pending = this.broker.pending();
    const arrived = pending.some((p) => !this.shown.has(p.id));
    this.shown = new Set(pending.map((p) => p.id));
    if (pending.length === 0) {
      // Nothing to decide: give the editor back to the person.
      this.panel?.dispose();
      return;
    }
    if (arrived) this.ensurePanel().reveal(undefined, false);
    this.post();
  }

  private ensurePanel(): vscode.WebviewPanel {
    if (this.panel) return this.panel;
    const panel = vscode.window.createWebviewPanel(
      APPROVAL_VIEW_TYPE,
      'Airlock: approval needed',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, localResourceRoots: [this.bundleRoot], retainContextWhenHidden: true, enableFindWidget: false },
    );
    this.panel = panel;
    this.ready = false;
    panel.webview.html = webviewHtml(panel.webview, this.bundleRoot, 'approval', 'Airlock: approval needed');
    const subscriptions = [
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidDispose(() => {
        for (const s of subscriptions) s.dispose();
        if (this.panel === panel) this.panel = undefined;
        // Closing the view answers nothing: what waits still times out into a deny, and the next
        // request, or the Show Approvals command, brings the view back.
        if (this.broker.pending().length > 0) this.log.info('the approval view was closed with requests still waiting');
      }),
    ];
    return panel;
  }

  private receive(message: unknown): void {
    if (!isApprovalViewToHost(message)) {
      this.log.warn('the approval view sent a message that is not in its protocol; ignored');
      return;
    }
    if (message.type === 'ready') {
      this.ready = true;
      this.post();
      return;
    }
    const result = this.broker.answer(message.id, message.choice, message.typed);
    if (result.ok) {
      this.log.info(`approval ${message.id}: the person chose ${message.choice}`);
    } else {
      void this.send({ type: 'refused', id: message.id, reason: result.reason });
    }
  }

  private post(): void {
    void this.send({ type: 'state', items: this.broker.pending().map(approvalItem), now: Date.now() });
  }

  private async send(message: HostToApprovalView): Promise<void> {
    // Before the page says it is ready, a message could be lost; the `ready` handler posts the state.
    if (!this.panel || !this.ready) return;
    try {
      await this.panel.webview.postMessage(message);
    } catch (error) {
      this.log.warn(`the approval view could not be updated: ${(error as Error).message}`);
    }
  }
}
