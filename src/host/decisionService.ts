import type { Action } from '../core/action';
import type { Assessment } from '../core/assessment';
import type { DeferredEngine, Engine } from '../core/engine';
import type { Decider } from '../core/ledger/entry';
import { policyDecisionRecord } from '../core/ledger/record';
import type { PathShimState } from '../protocol/brokerMessages';
import { decide } from '../core/policy/decide';
import type { Decision, PolicyOutcome } from '../core/policy/decide';
import { createDiskContext } from './diskContext';
import { LedgerStore } from './ledger/ledgerStore';
import { loadWorkspacePolicy } from './policyLoader';

/** Where a guarded action was intercepted, as the interceptor claims. */
export type GuardSource = 'agent-hook' | 'shell-guard' | 'shim' | 'task' | 'file' | 'cli';

export interface GuardRequest {
  readonly action: Action;
  /** Where the action runs; its workspace's policy and ledger apply. */
  readonly cwd: string;
  readonly source: GuardSource;
  /** The agent the request claims to come from (`claude`, `cursor`, `copilot`...). */
  readonly agent?: string;
  /** From a shell guard: whether its PATH still led to Airlock's shims (see `PathShimState`). */
  readonly pathShims?: PathShimState;
}

export interface GuardAnswer {
  /** The final answer: `allow` runs the action, `deny` stops it. Never `ask`: asking happened already. */
  readonly decision: Exclude<Decision, 'ask'>;
  readonly assessment: Assessment;
  /** What the policy said before anyone was asked. */
  readonly policy: PolicyOutcome;
  readonly decider: Decider;
  /**
   * Where the ledger entry went, or why it could not be written (the answer stands either way), or
   * that it is written right after this answer (a terminal's allowed line does not wait for the disk).
   */
  readonly ledger: { readonly seq: number } | { readonly error: string } | { readonly queued: true };
}

/**
 * The one door every interceptor knocks on: agent hooks, shell guards, PATH shims. The broker-backed
 * service asks a person in the extension; this local one is what every caller falls back to when no
 * extension answers, and what `AIRLOCK_NO_BROKER=1` forces.
 */
export interface DecisionService {
  decide(request: GuardRequest, hooks?: DecideHooks): Promise<GuardAnswer>;
}

/** What a caller hears while its request is decided. */
export interface DecideHooks {
  /** The request now waits for a person in Airlock's view, for at most `timeoutMs`. */
  readonly onWaiting?: (timeoutMs: number) => void;
}

export interface LocalDecisionOptions {
  /** Overrides the per-user Airlock folder (tests). */
  readonly stateRoot?: string;
  readonly clock?: () => Date;
  readonly onWarning?: (message: string) => void;
}

/**
 * Decides with no person to ask: the same engine and policy as the extension, failing closed (an
 * `ask` becomes a `deny`), and writes the ledger itself.
 */
export class LocalDecisionService implements DecisionService {
  constructor(
    /** Deferred in the agent hook, which mostly sees lines that never need the shell grammar. */
    private readonly engine: Engine | DeferredEngine,
    private readonly options: LocalDecisionOptions = {},
  ) {}

  async decide(request: GuardRequest): Promise<GuardAnswer> {
    const started = Date.now();
    const stateRoot = this.options.stateRoot !== undefined ? { stateRoot: this.options.stateRoot } : {};
    const workspace = loadWorkspacePolicy(request.cwd, stateRoot);
    for (const problem of workspace.problems) this.options.onWarning?.(problem);
    const assessment = await this.engine.analyze(request.action, createDiskContext(request.cwd, { productionMarkers: workspace.settings.productionMarkers }));
    const outcome = decide(assessment, workspace.policy, {
      action: request.action,
      source: request.source,
      ...(request.agent !== undefined ? { agent: request.agent } : {}),
      workspaceRoot: workspace.workspaceRoot,
      canAsk: false,
    });
    const record = {
      ...policyDecisionRecord({
        time: (this.options.clock ?? (() => new Date()))(),
        source: request.source,
        ...(request.agent !== undefined ? { agent: request.agent } : {}),
        action: request.action,
        assessment,
        policy: outcome,
        waitMs: Date.now() - started,
      }),
      // The line is decided as usual; the record says its programs met no shim.
      ...(request.pathShims === 'off' ? { pathShims: 'off' as const } : {}),
    };
    let ledger: GuardAnswer['ledger'];
    try {
      const entry = await new LedgerStore(workspace.workspaceRoot, { ...stateRoot, ...(this.options.onWarning ? { onWarning: this.options.onWarning } : {}) }).append(record);
      ledger = { seq: entry.seq };
    } catch (error) {
      // The answer must not depend on the disk: a deny stays a deny when the ledger cannot be written.
      ledger = { error: error instanceof Error ? error.message : String(error) };
      this.options.onWarning?.(`the ledger could not be written: ${ledger.error}`);
    }
    return { decision: record.outcome === 'allowed' ? 'allow' : 'deny', assessment, policy: outcome, decider: record.decider, ledger };
  }
}
