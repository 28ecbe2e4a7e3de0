import type { Assessment } from '../../core/assessment';
import type { Decider, LedgerOutcome, LedgerRecord } from '../../core/ledger/entry';
import type { PolicyOutcome } from '../../core/policy/decide';
import type { GuardAnswer, GuardRequest } from '../decisionService';
import { ApprovalMemory } from './approvalMemory';
import { RecordQueue } from './recordQueue';
import { matchesSimilarRule, similarRuleFor } from './similarRule';
import type { SimilarRule } from './similarRule';

/** What the engine and the workspace policy say about a request, before any person is involved. */
export interface Evaluation {
  readonly assessment: Assessment;
  readonly policy: PolicyOutcome;
  readonly workspaceRoot: string;
  /** How long a person may take, from the workspace's `airlock.approval.timeoutSeconds`. */
  readonly timeoutMs: number;
}

export type Evaluator = (request: GuardRequest) => Promise<Evaluation>;
/** Appends one record to the workspace's ledger; resolves to where it went or why it could not. */
export type RecordWriter = (workspaceRoot: string, record: LedgerRecord) => Promise<GuardAnswer['ledger']>;

/** What a person can choose in the approval view. Deny is the default. */
export type PersonChoice = 'deny' | 'allow-once' | 'allow-similar';

/** A request waiting for a person, as the approval view shows it. */
export interface PendingApproval {
  readonly id: string;
  readonly request: GuardRequest;
  readonly assessment: Assessment;
  readonly policy: PolicyOutcome;
  readonly workspaceRoot: string;
  readonly receivedAt: number;
  readonly deadline: number;
  /** What "Allow similar" would allow, or undefined when it is not offered (critical actions). */
  readonly similar?: SimilarRule;
}

export interface BrokerOptions {
  readonly evaluate: Evaluator;
  readonly record: RecordWriter;
  /** Requests that may wait for a person at once; more are denied and recorded (a flood bound). */
  readonly maxPending?: number;
  /** How long an approval once given may be claimed by a shim asking about the same command. */
  readonly approvalTtlMs?: number;
  readonly now?: () => number;
  readonly onWarning?: (message: string) => void;
}

/** Which long-lived client a request came through, as that client claimed when it connected. */
export interface RequestOrigin {
  readonly sessionId: string;
  /** The process id of the shell whose guard sent it: how the extension finds the terminal. */
  readonly shellPid?: number;
}

export interface DecideOptions {
  /** A shorter wait the client asked for; never lengthens the window's setting. */
  readonly timeoutMs?: number;
  /** Told the id and the deadline once the request waits for a person. */
  readonly onPending?: (pending: PendingApproval) => void;
  readonly origin?: RequestOrigin;
}

/** Told when a request arrives, so observers know what the guards are asking about. */
export interface ReceivedEvent {
  readonly request: GuardRequest;
  readonly origin?: RequestOrigin;
}

/** Told after every answer, so observers know what the guards already asked about and recorded. */
export interface DecidedEvent extends ReceivedEvent {
  readonly answer: GuardAnswer;
}

export const DEFAULT_MAX_PENDING = 32;

interface Waiter {
  readonly pending: PendingApproval;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly settle: (outcome: LedgerOutcome, decider: Decider) => void;
}

/**
 * The broker's logic, free of sockets and of VS Code: it evaluates each request, answers the ones the
 * policy decides, queues the ones that need a person, and guarantees every request exactly one answer:
 * the person's, a timeout's, the flood limit's, or a deny when the window closes. Only `answer()`
 * approves, and only the approval view calls it.
 */
export class ApprovalBroker {
  private readonly waiting = new Map<string, Waiter>();
  private readonly similarRules: SimilarRule[] = [];
  private readonly approvals: ApprovalMemory;
  private readonly listeners = new Set<() => void>();
  private readonly decidedListeners = new Set<(event: DecidedEvent) => void>();
  private readonly receivedListeners = new Set<(event: ReceivedEvent) => void>();
  private readonly recording: RecordQueue;
  private closed = false;
  private nextId = 1;
  private readonly now: () => number;

  constructor(private readonly options: BrokerOptions) {
    this.now = options.now ?? Date.now;
    this.approvals = new ApprovalMemory(options.approvalTtlMs ?? 60_000, this.now);
    this.recording = new RecordQueue(options.record, (message) => options.onWarning?.(message));
  }

  /** Told after every request gets its answer (recorded or not), with where it came from. */
  onDidDecide(listener: (event: DecidedEvent) => void): { dispose(): void } {
    this.decidedListeners.add(listener);
    return { dispose: () => this.decidedListeners.delete(listener) };
  }

  /** Told as each request arrives, before it is evaluated. */
  onDidReceive(listener: (event: ReceivedEvent) => void): { dispose(): void } {
    this.receivedListeners.add(listener);
    return { dispose: () => this.receivedListeners.delete(listener) };
  }

  /** Resolves once every record so far is written (the window closes, a test reads the ledger). */
  flushRecords(): Promise<void> {
    return this.recording.flush();
  }

  /** Told whenever the queue changes, so the view can redraw. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The requests waiting for a person, oldest first. */
  pending(): PendingApproval[] {
    return [...this.waiting.values()].map((w) => w.pending);
  }

  async decide(request: GuardRequest, options: DecideOptions = {}): Promise<GuardAnswer> {
    const origin = options.origin ? { origin: options.origin } : {};
    this.recording.busy();
    this.notify(this.receivedListeners, { request, ...origin });
    const answer = await this.decideUnobserved(request, options);
    this.notify(this.decidedListeners, { request, answer, ...origin });
    return answer;
  }

  /** What the engine and the policy say about `request`, with nothing recorded and nobody asked. */
  assess(request: GuardRequest): Promise<Evaluation> {
    return this.options.evaluate(request);
  }

  /**
   * Records an action no guard was asked about (an observer saw it start), in order with the answers;
   * resolves to where the entry went. Observers are not guards: no event is fired for it.
   */
  async recordObserved(request: GuardRequest, evaluation: Evaluation, outcome: LedgerOutcome, how: string): Promise<GuardAnswer['ledger']> {
    return (await this.finish(request, evaluation, outcome, { by: 'observer', how }, this.now())).ledger;
  }

  private notify<E>(listeners: ReadonlySet<(event: E) => void>, event: E): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.onWarning?.(`a request listener failed: ${(error as Error).message}`);
      }
    }
  }

  private async decideUnobserved(request: GuardRequest, options: DecideOptions): Promise<GuardAnswer> {
    const receivedAt = this.now();
    if (this.closed) return this.closedAnswer();
    let evaluation: Evaluation;
    try {
      evaluation = await this.options.evaluate(request);
    } catch (error) {
      this.options.onWarning?.(`evaluating a request failed, so it is denied: ${(error as Error).message}`);
      return this.closedAnswer();
    }
    const { assessment, policy, workspaceRoot } = evaluation;
    const finish = (outcome: LedgerOutcome, decider: Decider): Promise<GuardAnswer> =>
      this.finish(request, evaluation, outcome, decider, receivedAt);

    if (policy.decision !== 'ask') return finish(policy.decision === 'allow' ? 'allowed' : 'denied', { by: 'policy', how: policy.decidedBy });
    if (this.closed) return finish('denied', { by: 'fail-closed', how: 'window-closed' });
    const rule = this.similarRules.find((r) => matchesSimilarRule(r, request, evaluation));
    if (rule) return finish('allowed', { by: 'person', how: 'allow-similar' });
    // A program or child shell started by a line a person just allowed, asking again: they saw it already.
    const covered = this.approvals.claim(request, assessment, workspaceRoot, options.origin !== undefined);
    if (covered) return finish('allowed', { by: 'person', how: covered });
    if (this.waiting.size >= (this.options.maxPending ?? DEFAULT_MAX_PENDING)) return finish('denied', { by: 'limit', how: 'queue-full' });

    const timeoutMs = Math.max(0, Math.min(evaluation.timeoutMs, options.timeoutMs ?? Infinity));
    const id = `a${this.nextId++}`;
    const similar = similarRuleFor(request, evaluation);
    const pending: PendingApproval = {
      id, request, assessment, policy, workspaceRoot, receivedAt, deadline: receivedAt + timeoutMs,
      ...(similar ? { similar } : {}),
    };
    const settled = new Promise<{ outcome: LedgerOutcome; decider: Decider }>((resolve) => {
      const timer = setTimeout(() => this.settle(id, 'denied', { by: 'timeout', how: `no answer in ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
      this.waiting.set(id, { pending, timer, settle: (outcome, decider) => resolve({ outcome, decider }) });
    });
    options.onPending?.(pending);
    this.changed();
    const { outcome, decider } = await settled;
    return finish(outcome, decider);
  }

  /**
   * A person's answer from the approval view: the only way anything waiting is allowed. Refuses an
   * allow of a critical action without the typed name, and "allow similar" where it is not offered.
   */
  answer(id: string, choice: PersonChoice, typed?: string): { ok: true } | { ok: false; reason: string } {
    const waiter = this.waiting.get(id);
    if (!waiter) return { ok: false, reason: 'this request was already answered' };
    const { pending } = waiter;
    if (choice === 'deny') {
      this.settle(id, 'denied', { by: 'person', how: 'deny' });
      return { ok: true };
    }
    const confirmation = pending.policy.confirmation;
    if (confirmation !== undefined && (typed ?? '').trim() !== confirmation) {
      return { ok: false, reason: `type ${confirmation} to allow this critical action` };
    }
    if (choice === 'allow-similar') {
      if (!pending.similar) return { ok: false, reason: 'allow similar is not offered for this action' };
      this.similarRules.push(pending.similar);
    }
    this.approvals.remember(pending.request, pending.assessment, pending.workspaceRoot);
    const how = choice === 'allow-similar' ? 'allow-similar' : confirmation !== undefined ? 'typed-confirmation' : 'allow-once';
    this.settle(id, 'allowed', { by: 'person', how });
    return { ok: true };
  }

  /**
   * Whether a person just approved exactly this command in this folder; true at most once per
   * approval, so a shim down the line can run it without asking twice and nothing can replay it.
   */
  consumeApproval(command: string, cwd: string): boolean {
    return this.approvals.consume(command, cwd);
  }

  /** The client went away while its request waited: nobody will run it, and the record says so. */
  cancel(id: string, why: string): void {
    this.settle(id, 'denied', { by: 'fail-closed', how: why });
  }

  /** The window is closing: everything waiting is denied at once, and later requests too. */
  close(): void {
    this.closed = true;
    void this.recording.flush();
    for (const id of [...this.waiting.keys()]) this.settle(id, 'denied', { by: 'fail-closed', how: 'window-closed' });
    this.similarRules.length = 0;
    this.approvals.clear();
  }

  private settle(id: string, outcome: LedgerOutcome, decider: Decider): void {
    const waiter = this.waiting.get(id);
    // Deleting first makes a second answer (a click racing the timeout) a no-op: one answer per request.
    if (!waiter || !this.waiting.delete(id)) return;
    clearTimeout(waiter.timer);
    waiter.settle(outcome, decider);
    this.changed();
  }

  private async finish(request: GuardRequest, evaluation: Evaluation, outcome: LedgerOutcome, decider: Decider, receivedAt: number): Promise<GuardAnswer> {
    const record: LedgerRecord = {
      time: new Date(this.now()).toISOString(),
      source: request.source,
      ...(request.agent !== undefined ? { agent: request.agent } : {}),
      action: request.action,
      assessment: evaluation.assessment,
      policy: evaluation.policy,
      outcome,
      decider,
      waitMs: Math.max(0, this.now() - receivedAt),
      // The line is decided as usual; the record says its programs met no shim.
      ...(request.pathShims === 'off' ? { pathShims: 'off' as const } : {}),
    };
    const answer = { decision: outcome === 'allowed' ? 'allow' : 'deny', assessment: evaluation.assessment, policy: evaluation.policy, decider } as const;
    // A terminal's allowed line waits on this answer before it runs, on every line: what the policy
    // lets through from the shell guard or a shim is answered at once and recorded once the broker is
    // idle (in order, before anything recorded later).
    if (outcome === 'allowed' && decider.by === 'policy' && (request.source === 'shell-guard' || request.source === 'shim')) {
      this.recording.later(evaluation.workspaceRoot, record);
      return { ...answer, ledger: { queued: true } };
    }
    return { ...answer, ledger: await this.recording.now(evaluation.workspaceRoot, record) };
  }

  /** A deny for a request that could not even be evaluated; nothing is known to record it under. */
  private closedAnswer(): GuardAnswer {
    const assessment: Assessment = { score: 100, level: 'critical', reasons: [], impact: { summary: 'not assessed', paths: [], files: 0, bytes: 0, untracked: 0, modified: 0 } };
    return {
      decision: 'deny',
      assessment,
      policy: { decision: 'deny', decidedBy: 'broker', reason: 'the broker could not assess this request' },
      decider: { by: 'fail-closed', how: this.closed ? 'window-closed' : 'evaluation-failed' },
      ledger: { error: 'not recorded by the broker' },
    };
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.options.onWarning?.(`a queue listener failed: ${(error as Error).message}`);
      }
    }
  }
}
