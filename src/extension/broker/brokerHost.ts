import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Engine } from '../../core/engine';
import { ApprovalBroker } from '../../host/broker/approvalBroker';
import { engineEvaluator, ledgerWriter } from '../../host/broker/brokerEvaluator';
import {
  BROKER_SOCKET_ENV, BROKER_TOKEN_ENV, brokerSocketPath, registerBroker, unregisterBroker, updateBrokerEntry,
} from '../../host/broker/brokerRegistry';
import type { BrokerEntry } from '../../host/broker/brokerRegistry';
import { BrokerServer } from '../../host/broker/brokerServer';
import type { GuardRequest } from '../../host/decisionService';
import { Disposable } from '../disposable';
import { workspaceLayers } from './workspaceLayers';

export interface BrokerLogger {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * A request about to be evaluated. `waitUntil` holds the answer until the promise settles, for at most
 * `WILL_EVALUATE_BUDGET_MS`; a listener's failure never changes the answer.
 */
export interface WillEvaluateRequest {
  readonly request: GuardRequest;
  waitUntil(work: Promise<unknown>): void;
}

/** The longest a request waits for `onWillEvaluateRequest` listeners (a file copy takes milliseconds). */
const WILL_EVALUATE_BUDGET_MS = 2_000;

function settledWithin(work: readonly Promise<unknown>[], ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([Promise.allSettled(work), budget]).finally(() => clearTimeout(timer));
}

/** What the running broker exposes to the rest of the extension (and to tests). */
export interface BrokerInfo {
  readonly socket: string;
  readonly registryFile: string;
}

/**
 * The window's broker: the socket server, its entry in the per-user registry, and the environment
 * variables VS Code gives this window's terminals. Closing the window (disposing this) denies every
 * waiting request at once, then removes the socket and the registry entry.
 */
export class BrokerHost extends Disposable {
  readonly broker: ApprovalBroker;
  private server: BrokerServer | undefined;
  private entry: BrokerEntry | undefined;
  private registryFile: string | undefined;
  readonly started: Promise<BrokerInfo | undefined>;
  private readonly willEvaluate = this.register(new vscode.EventEmitter<WillEvaluateRequest>());
  /** Every request a client sends, as claimed, before it is evaluated; see `WillEvaluateRequest`. */
  readonly onWillEvaluateRequest = this.willEvaluate.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    engine: () => Promise<Engine>,
    private readonly log: BrokerLogger,
  ) {
    super();
    const onWarning = (message: string): void => log.warn(message);
    const evaluate = engineEvaluator(engine, { onWarning, workspaceLayers });
    this.broker = new ApprovalBroker({
      // Listeners run before anything is decided and the answer waits for them (within a budget), so a
      // file an agent's hook is about to let it change is copied before the agent hears the answer.
      evaluate: async (request) => {
        const work: Promise<unknown>[] = [];
        this.willEvaluate.fire({ request, waitUntil: (promise) => work.push(promise) });
        if (work.length > 0) await settledWithin(work, WILL_EVALUATE_BUDGET_MS);
        return evaluate(request);
      },
      record: ledgerWriter({ onWarning }),
      onWarning,
    });
    this.started = this.start().catch((error: unknown) => {
      log.warn(`the broker could not start; guards decide locally and fail closed: ${(error as Error).message}`);
      return undefined;
    });
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.updateWorkspaces()));
  }

  override dispose(): void {
    // Deny first, so clients hear "deny" before their connection drops.
    this.broker.close();
    void this.server?.close();
    if (this.registryFile) unregisterBroker(this.registryFile);
    this.context.environmentVariableCollection.delete(BROKER_SOCKET_ENV);
    this.context.environmentVariableCollection.delete(BROKER_TOKEN_ENV);
    super.dispose();
  }

  private async start(): Promise<BrokerInfo> {
    const token = randomBytes(32).toString('hex');
    const socket = brokerSocketPath();
    const server = new BrokerServer(this.broker, token, { onWarning: (m) => this.log.warn(m) });
    await server.listen(socket);
    this.server = server;
    this.entry = { socket, token, pid: process.pid, workspaces: workspaceFolders(), started: new Date().toISOString() };
    this.registryFile = registerBroker(this.entry);
    const env = this.context.environmentVariableCollection;
    // Not persisted: a restored terminal must not point at a socket from an earlier session.
    env.persistent = false;
    env.description = 'Airlock guards commands in this terminal and lets them ask this window for approval.';
    env.replace(BROKER_SOCKET_ENV, socket);
    env.replace(BROKER_TOKEN_ENV, token);
    this.log.info(`broker listening on ${socket}`);
    return { socket, registryFile: this.registryFile };
  }

  private updateWorkspaces(): void {
    if (!this.entry || !this.registryFile) return;
    this.entry = { ...this.entry, workspaces: workspaceFolders() };
    try {
      updateBrokerEntry(this.registryFile, this.entry);
    } catch (error) {
      this.log.warn(`the broker registry entry could not be updated: ${(error as Error).message}`);
    }
  }
}

function workspaceFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}
