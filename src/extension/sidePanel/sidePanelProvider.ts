import * as vscode from 'vscode';
import type { ApprovalBroker } from '../../host/broker/approvalBroker';
import { verifyWorkspaceLedger } from '../../host/ledger/verifyLedger';
import { isSidePanelToHost } from '../../protocol/sidePanelMessages';
import type { LedgerEntry } from '../../core/ledger/entry';
import type { ChainStatus, HostToSidePanel, LedgerFilter, RestorableFile } from '../../protocol/sidePanelMessages';
import { actionText, diffOf } from '../approval/approvalItems';
import { webviewHtml } from '../approval/webviewHtml';
import { Disposable } from '../disposable';
import { LedgerCache, queryLedger } from './ledgerQuery';

export const SIDE_PANEL_VIEW_ID = 'airlock.sidePanel';

/** Restores a file a ledger entry kept a copy of (the file safety net does; it asks before overwriting). */
export type LedgerRestorer = (workspace: string, entry: LedgerEntry, path: string) => Promise<unknown>;

/**
 * The activity-bar view: what waits for approval, then the workspace's ledger newest first, filterable,
 * with the chain's status. It shows and never decides; "Show approvals" opens the approval view.
 */
export class SidePanelProvider extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private cache: LedgerCache | undefined;
  private lastQuery: { filter: LedgerFilter; offset: number; limit: number } = { filter: {}, offset: 0, limit: 200 };
  private pageTimer: ReturnType<typeof setTimeout> | undefined;
  private chainTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly broker: ApprovalBroker,
    private readonly bundleRoot: vscode.Uri,
    private readonly showApprovals: () => void,
    private readonly restore?: LedgerRestorer,
  ) {
    super();
    this.register(vscode.window.registerWebviewViewProvider(SIDE_PANEL_VIEW_ID, this, { webviewOptions: { retainContextWhenHidden: true } }));
    this.register(broker.onDidChange(() => this.postPending()));
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/.airlock/ledger*.jsonl'));
    // An agent can append many entries a second: redraw at most every 300 ms, and verify the chain
    // (which hashes every entry) only once things have been quiet for a few seconds.
    const refresh = (): void => {
      this.pageTimer ??= setTimeout(() => {
        this.pageTimer = undefined;
        this.postPage();
      }, 300);
      if (this.chainTimer) clearTimeout(this.chainTimer);
      this.chainTimer = setTimeout(() => this.postChain(), 3000);
    };
    this.register({ dispose: () => [this.pageTimer, this.chainTimer].forEach((t) => t && clearTimeout(t)) });
    this.register(watcher.onDidChange(refresh));
    this.register(watcher.onDidCreate(refresh));
    this.register(watcher.onDidDelete(refresh));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, localResourceRoots: [this.bundleRoot] };
    view.webview.html = webviewHtml(view.webview, this.bundleRoot, 'sidePanel', 'Airlock');
    view.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
    view.onDidChangeVisibility(() => {
      if (view.visible) this.postChain();
    });
    view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    });
  }

  /** The chain's status, as the side panel and the Verify Ledger command show it. */
  chainStatus(): ChainStatus {
    const workspace = this.workspace();
    if (!workspace) return { status: 'unknown', detail: 'No folder is open.' };
    try {
      const result = verifyWorkspaceLedger(workspace);
      const detail = result.status === 'intact'
        ? `Intact: ${result.entries} entries, matching the head kept outside the workspace.`
        : result.problems[0] ?? result.status;
      return { status: result.status, detail };
    } catch (error) {
      return { status: 'unknown', detail: `The ledger could not be read: ${(error as Error).message}` };
    }
  }

  private workspace(): string | undefined {
    return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  }

  private receive(message: unknown): void {
    if (!isSidePanelToHost(message)) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.cache?.reset();
        this.postPending();
        this.postChain();
        this.postPage();
        return;
      case 'query':
        this.lastQuery = { filter: message.filter, offset: message.offset, limit: message.limit };
        this.postPage();
        return;
      case 'details':
        this.postDetails(message.seq);
        return;
      case 'showApprovals':
        this.showApprovals();
        return;
      case 'verify':
        this.cache?.reset();
        this.postChain();
        this.postPage();
        return;
      case 'restore': {
        const workspace = this.workspace();
        const entry = this.entries().find((e) => e.seq === message.seq);
        // Only a file the entry itself names with a kept copy; the page's word is not enough.
        if (workspace && entry && this.restore && restorableFiles(entry).some((f) => f.path === message.path)) void this.restore(workspace, entry, message.path);
        return;
      }
    }
  }

  private postChain(): void {
    // Verifying hashes every entry; nobody sees the result while the view is hidden.
    if (!this.ready || !this.view?.visible) return;
    void this.post({ type: 'chain', chain: this.chainStatus() });
  }

  private entries() {
    const workspace = this.workspace();
    if (!workspace) return [];
    this.cache ??= new LedgerCache(workspace);
    return this.cache.read();
  }

  private postPage(): void {
    if (!this.ready) return;
    const entries = this.entries();
    const { filter, offset, limit } = this.lastQuery;
    const { rows, matched } = queryLedger(entries, filter, offset, limit);
    void this.post({ type: 'page', rows, matched, total: entries.length, offset });
  }

  private postDetails(seq: number): void {
    const entry = this.entries().find((e) => e.seq === seq);
    if (!entry) return;
    const action = entry.action as { kind: string; diff?: unknown };
    const diff = diffOf(entry.action, '') ?? (action.kind === 'fileEvent' && typeof action.diff === 'string' ? action.diff : undefined);
    const restorable = this.restore ? restorableFiles(entry) : [];
    void this.post({ type: 'details', seq, json: JSON.stringify(entry, null, 2), ...(diff ? { diff } : {}), ...(restorable.length > 0 ? { restorable } : {}) });
  }

  private postPending(): void {
    const items = this.broker.pending().map((p) => ({
      id: p.id, text: actionText(p.request.action), level: p.assessment.level, score: p.assessment.score, source: p.request.source, deadline: p.deadline,
    }));
    void this.post({ type: 'pending', items, now: Date.now() });
  }

  private async post(message: HostToSidePanel): Promise<void> {
    if (!this.view || !this.ready) return;
    await this.view.webview.postMessage(message);
  }
}

/** The files an entry kept a copy of: its snapshot references that name a snapshot id. */
function restorableFiles(entry: LedgerEntry): RestorableFile[] {
  return (entry.snapshots ?? []).flatMap((ref) => (ref.id !== undefined ? [{ path: ref.path, size: ref.size ?? 0 }] : []));
}
