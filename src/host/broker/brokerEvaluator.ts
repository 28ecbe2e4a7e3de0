import type { Engine } from '../../core/engine';
import { decide } from '../../core/policy/decide';
import type { SettingsLayer } from '../../core/settings/mergeTighten';
import { createDiskContext } from '../diskContext';
import { LedgerStore } from '../ledger/ledgerStore';
import { loadWorkspacePolicy } from '../policyLoader';
import type { Evaluator, RecordWriter } from './approvalBroker';

export interface EvaluatorOptions {
  readonly stateRoot?: string;
  /** The window's workspace and folder settings for the folder holding `cwd`, read when each request arrives. */
  readonly workspaceLayers?: (cwd: string) => readonly SettingsLayer[];
  readonly onWarning?: (message: string) => void;
}

/**
 * The same engine and policy the local decider uses, except that a person can be asked: an `ask`
 * stays an `ask` and goes to the approval view.
 */
export function engineEvaluator(engine: () => Promise<Engine>, options: EvaluatorOptions = {}): Evaluator {
  return async (request) => {
    const workspace = loadWorkspacePolicy(request.cwd, {
      ...(options.stateRoot !== undefined ? { stateRoot: options.stateRoot } : {}),
      ...(options.workspaceLayers ? { workspaceLayers: options.workspaceLayers(request.cwd) } : {}),
    });
    for (const problem of workspace.problems) options.onWarning?.(problem);
    const assessment = (await engine()).analyze(request.action, createDiskContext(request.cwd, { productionMarkers: workspace.settings.productionMarkers }));
    const policy = decide(assessment, workspace.policy, {
      action: request.action,
      source: request.source,
      ...(request.agent !== undefined ? { agent: request.agent } : {}),
      workspaceRoot: workspace.workspaceRoot,
      canAsk: true,
    });
    return { assessment, policy, workspaceRoot: workspace.workspaceRoot, timeoutMs: workspace.settings.approval.timeoutSeconds * 1000 };
  };
}

/** Writes what the broker decided into the workspace's chained ledger. */
export function ledgerWriter(options: { stateRoot?: string; onWarning?: (message: string) => void } = {}): RecordWriter {
  return async (workspaceRoot, record) => {
    const entry = await new LedgerStore(workspaceRoot, options).append(record);
    return { seq: entry.seq };
  };
}
