import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApprovalBroker, Evaluation } from '../../host/broker/approvalBroker';
import type { GuardRequest, GuardSource } from '../../host/decisionService';
import { GuardWitness } from '../../host/shellGuard/guardWitness';
import type { ExecutionQuery, Vouch } from '../../host/shellGuard/guardWitness';
import { PathShimWatch, pathShimsAssessment } from '../../host/shellGuard/pathShimWatch';
import type { PathShimChange } from '../../host/shellGuard/pathShimWatch';
import { argvToCommandLine } from '../../host/shims/pathShims';
import { Disposable } from '../disposable';
import { UnguardedReport } from './unguardedReport';

const SETTING = 'airlock.guards.observers';

/**
 * How long a risky command may have run before the observer decides no guard saw it. The guard asks
 * before anything runs, so a guarded command is vouched for at once; the margin covers a one-shot
 * guard (a shell task's) starting its process on a busy machine.
 */
const RISKY_GRACE_MS = 2_000;
/** For commands the policy allows, only double recording is at stake: wait longer, or until they end. */
const ALLOWED_GRACE_MS = 10_000;
/** A guard may ask long before the command starts (it waited for a person). */
const VOUCH_WINDOW_MS = 10 * 60_000;
/**
 * How long after a line ended the lines typed ahead of it (reported with it) may take to reach the
 * guard: they are read once it ended, and the last one may still have been half typed.
 */
const TYPED_AHEAD_GRACE_MS = 30_000;

interface Observed {
  readonly kind: 'terminal' | 'task';
  readonly commandLine: string;
  /** How sure VS Code was of a terminal's command line, for the log. */
  readonly confidence?: vscode.TerminalShellExecutionCommandLineConfidence;
  readonly cwd: string;
  /** What ran it, for messages: the terminal's or the task's name. */
  readonly where: string;
  readonly started: number;
  readonly query: ExecutionQuery;
  /** Resolves when the command has ended. */
  readonly ended: Promise<void>;
  hasEnded(): boolean;
  /** Stops it while it runs. */
  stop(): void;
  /** Starts it again exactly as it was (only after a person approved it). */
  runAgain(): Promise<void>;
  /** A terminal whose guard once asked, now silent: its guard is gone. */
  readonly guardMissing: boolean;
  /** The terminal it ran in. */
  readonly terminal?: vscode.Terminal;
}

/**
 * The last layer (DESIGN.md "observers"): every command VS Code's shell integration reports and every
 * task that starts is checked against what the guards asked the broker about. What a guard saw is
 * already decided and recorded; anything else ran unguarded, so it is assessed and recorded here
 * (source `shell-guard` for terminal lines, `task` for tasks). A risky one still running is stopped at
 * once (a task is terminated, a terminal line gets Ctrl-C) and shown with an offer to run it again
 * after approval, never again by itself: a half-finished destructive command must not repeat. A line
 * that slips past a terminal whose guard has asked before means that guard was switched off: that is
 * shown as tampering and kept in the status bar until the terminal closes. So is a terminal whose
 * guard says, with a line, that PATH no longer leads to the shims (the line itself was decided as
 * usual): recorded once when first seen and once when PATH is put back, shown until then.
 */
export class ExecutionObserver extends Disposable {
  private readonly witness = new GuardWitness(VOUCH_WINDOW_MS);
  private readonly taskShells = new Set<number>();
  private readonly executionEnds = new Map<vscode.TerminalShellExecution, () => void>();
  private readonly taskEnds = new Map<vscode.TaskExecution, () => void>();
  private readonly report: UnguardedReport;
  private readonly pathShims = new PathShimWatch<vscode.Terminal>();

  constructor(
    private readonly broker: ApprovalBroker,
    private readonly log: vscode.LogOutputChannel,
    /** Told of a terminal that ran a command no guard saw, whose guard never spoke either. */
    private readonly onUnguardedTerminal: (terminal: vscode.Terminal) => void = () => undefined,
  ) {
    super();
    this.report = this.register(new UnguardedReport(broker, log));
    this.register(broker.onDidReceive(({ request, origin }) => this.witness.saw(request, origin?.shellPid)));
    this.register(vscode.window.onDidStartTerminalShellExecution((event) => void this.onExecution(event)));
    this.register(vscode.window.onDidEndTerminalShellExecution((event) => this.executionEnds.get(event.execution)?.()));
    this.register(vscode.tasks.onDidStartTaskProcess((event) => void this.onTaskProcess(event)));
    this.register(vscode.tasks.onDidEndTask((event) => this.taskEnds.get(event.execution)?.()));
    this.register(vscode.window.onDidCloseTerminal((terminal) => void this.onClose(terminal)));
  }

  /** Only the user's own settings may switch a layer off: a workspace can tighten, never loosen. */
  private get enabled(): boolean {
    return vscode.workspace.getConfiguration().inspect<boolean>(SETTING)?.globalValue !== false;
  }

  private async onExecution(event: vscode.TerminalShellExecutionStartEvent): Promise<void> {
    const started = Date.now();
    let ended = false;
    const end = new Promise<void>((resolve) => this.executionEnds.set(event.execution, () => {
      ended = true;
      resolve();
    }));
    try {
      // The line as it was run; VS Code sometimes reports it with the newline that ended it.
      // Whatever its confidence: Low means the shell's own integration did not report the line and
      // VS Code read it from the screen, which is also what a shell whose DEBUG trap was removed (the
      // guard's with VS Code's) looks like; skipping Low lines would skip exactly those terminals. The
      // text may then be merged or cut, as High lines typed ahead are too, which `claim` allows for.
      const { value, confidence } = event.execution.commandLine;
      const commandLine = value.replace(/\s+$/, '');
      // The guard's own stand-in for a line it blocked as it was entered.
      if (!this.enabled || commandLine.trim() === '' || /^\s*__airlock_blocked\b/.test(commandLine)) return;
      const shellPid = await event.terminal.processId;
      const cwd = event.execution.cwd?.fsPath ?? event.shellIntegration.cwd?.fsPath ?? workspaceFolder() ?? process.cwd();
      const terminal = event.terminal;
      await this.observe({
        kind: 'terminal', commandLine, confidence, cwd, where: `terminal "${terminal.name}"`, started,
        query: { commandLine, sources: ['shell-guard'], since: started - VOUCH_WINDOW_MS, typedAheadLines: true, ...(shellPid !== undefined ? { shellPid } : {}) },
        ended: end, hasEnded: () => ended,
        // Ctrl-C reaches the foreground job through the terminal, as a person's would.
        stop: () => terminal.sendText('\u0003', false),
        runAgain: () => Promise.resolve(terminal.sendText(commandLine, true)),
        guardMissing: shellPid !== undefined && this.witness.expectsGuard(shellPid),
        terminal,
      }, shellPid);
    } finally {
      this.executionEnds.delete(event.execution);
    }
  }

  private async onTaskProcess(event: vscode.TaskProcessStartEvent): Promise<void> {
    const started = Date.now();
    this.taskShells.add(event.processId);
    let ended = false;
    const end = new Promise<void>((resolve) => this.taskEnds.set(event.execution, () => {
      ended = true;
      resolve();
    }));
    try {
      const task = event.execution.task;
      const described = describeTask(task);
      if (!this.enabled || !described) return;
      const { commandLine, source } = described;
      await this.observe({
        kind: 'task', commandLine, cwd: described.cwd ?? workspaceFolder() ?? process.cwd(), where: `task "${task.name}"`, started,
        // A shell task's guard (BASH_ENV) asks once its shell starts; a process task only meets shims.
        query: { commandLine, sources: [source], since: started - 5_000, includeUsed: true },
        ended: end, hasEnded: () => ended,
        stop: () => event.execution.terminate(),
        runAgain: async () => void (await vscode.tasks.executeTask(task)),
        guardMissing: false,
      }, undefined);
    } finally {
      this.taskEnds.delete(event.execution);
    }
  }

  private async observe(observed: Observed, shellPid: number | undefined): Promise<void> {
    // The usual case: the guard asked before the command started. Nothing to assess again.
    const vouch = this.witness.claim(observed.query);
    if (vouch) return this.vouched(observed, vouch);
    const source: GuardSource = observed.kind === 'task' ? 'task' : 'shell-guard';
    const request: GuardRequest = { action: { kind: 'shell', command: observed.commandLine, cwd: observed.cwd }, cwd: observed.cwd, source };
    let evaluation: Evaluation;
    try {
      evaluation = await this.broker.assess(request);
    } catch (error) {
      this.log.warn(`could not assess ${observed.where}'s command ${JSON.stringify(observed.commandLine)}: ${(error as Error).message}`);
      return;
    }
    const risky = evaluation.policy.decision !== 'allow';
    const vouched = await this.witness.waitFor(observed.query, risky ? RISKY_GRACE_MS : ALLOWED_GRACE_MS, observed.ended);
    this.log.debug(`${observed.where}: ${JSON.stringify(observed.commandLine)} started (${evaluation.policy.decision}); ${vouched ? 'a guard asked first' : 'no guard asked'}`);
    if (vouched) return this.vouched(observed, vouched);
    // A task's shell also reports its command as a terminal execution: the task's own event speaks for it.
    if ((observed.kind === 'terminal' && shellPid !== undefined && this.taskShells.has(shellPid))) return;
    let stopped = false;
    if (risky && !observed.hasEnded()) {
      observed.stop();
      stopped = true;
    }
    const how = !risky ? 'observed' : stopped ? 'stopped-unguarded' : 'ran-unguarded';
    await this.recordUnguarded(observed, request, evaluation, how, stopped);
    if (risky) this.report.unguarded({ request, evaluation, where: observed.where, stopped, runAgain: observed.runAgain });
  }

  /**
   * A guard saw the line that ran. Lines VS Code reported along with it were typed ahead: each must
   * reach the guard in turn once this one ended, or they went past a guard that is gone. They are not
   * stopped (they are not running yet, or are running as their own execution, which is observed on its
   * own), but text typed ahead that no guard ever saw is recorded, as `typed-ahead-unchecked`.
   */
  private async vouched(observed: Observed, vouch: Vouch): Promise<void> {
    await this.notePathShims(observed, vouch);
    if (!vouch.typedAhead) return;
    await observed.ended;
    const unchecked = await this.witness.waitForTypedAhead(vouch.typedAhead, TYPED_AHEAD_GRACE_MS);
    if (unchecked.length === 0) {
      this.log.info(`${observed.where}: ${JSON.stringify(observed.commandLine)} was reported as one line with text typed ahead of it; the guard checked both`);
      return;
    }
    const command = unchecked.join('\n');
    const request: GuardRequest = { action: { kind: 'shell', command, cwd: observed.cwd }, cwd: observed.cwd, source: 'shell-guard' };
    try {
      await this.recordUnguarded(observed, request, await this.broker.assess(request), 'typed-ahead-unchecked', false);
    } catch (error) {
      this.log.warn(`could not assess ${observed.where}'s typed-ahead text ${JSON.stringify(command)}: ${(error as Error).message}`);
    }
  }

  private async recordUnguarded(observed: Observed, request: GuardRequest, evaluation: Evaluation, how: string, stopped: boolean): Promise<void> {
    const ledger = await this.broker.recordObserved(request, evaluation, stopped ? 'denied' : 'allowed', observed.guardMissing ? `${how}; guard missing in its terminal` : how);
    if ('error' in ledger) this.log.warn(`the ledger entry for ${observed.where}'s command could not be written: ${ledger.error}`);
    const command = request.action.kind === 'shell' ? request.action.command : observed.commandLine;
    const confidence = observed.confidence === undefined ? '' : `, command line confidence ${observed.confidence}`;
    this.log.info(`${observed.where}: ${JSON.stringify(command)} got past without a guard seeing it (${how}${confidence}; reported as ${JSON.stringify(observed.commandLine)})`);
    if (observed.guardMissing && observed.terminal) this.report.guardMissing(observed.terminal, observed.where, command);
    else if (observed.terminal) this.onUnguardedTerminal(observed.terminal);
  }

  /**
   * The guard that vouched for a terminal's line said whether PATH still led to the shims: a change
   * is recorded (the line that showed it, decided by the observer as `path-shims-bypassed` or
   * `path-shims-restored`) and shown, once per change.
   */
  private async notePathShims(observed: Observed, vouch: Vouch): Promise<void> {
    const { terminal } = observed;
    if (observed.kind !== 'terminal' || !terminal) return;
    const change: PathShimChange | undefined = this.pathShims.update(terminal, vouch.pathShims);
    if (!change) return;
    if (change === 'bypassed') this.report.pathShimsBypassed(terminal, observed.where, observed.commandLine);
    else this.report.pathShimsRestored(terminal, observed.where);
    const request: GuardRequest = { action: { kind: 'shell', command: observed.commandLine, cwd: observed.cwd }, cwd: observed.cwd, source: 'shell-guard', pathShims: change === 'bypassed' ? 'off' : 'on' };
    try {
      // Assessed only for the workspace it belongs to; the record carries the change's own assessment.
      const evaluation = await this.broker.assess(request);
      const record = {
        ...evaluation,
        assessment: pathShimsAssessment(change, observed.where),
        policy: { decision: 'allow' as const, decidedBy: 'observer', reason: 'seen after the line was decided by the shell guard; an edit of PATH cannot be stopped' },
      };
      const ledger = await this.broker.recordObserved(request, record, 'allowed', `path-shims-${change}`);
      if ('error' in ledger) this.log.warn(`the ledger entry for ${observed.where}'s PATH could not be written: ${ledger.error}`);
    } catch (error) {
      this.log.warn(`could not record ${observed.where}'s PATH shims ${change}: ${(error as Error).message}`);
    }
  }

  private async onClose(terminal: vscode.Terminal): Promise<void> {
    this.report.terminalClosed(terminal);
    this.pathShims.forget(terminal);
    const pid = await terminal.processId;
    if (pid === undefined) return;
    this.witness.forgetShell(pid);
    this.taskShells.delete(pid);
  }
}

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

/** What a task runs, as one shell line, and which guard would have asked about it. */
function describeTask(task: vscode.Task): { commandLine: string; source: GuardSource; cwd?: string } | undefined {
  const execution = task.execution;
  const scope = typeof task.scope === 'object' ? task.scope.uri.fsPath : undefined;
  if (execution instanceof vscode.ShellExecution) {
    const text = (value: string | vscode.ShellQuotedString): string => (typeof value === 'string' ? value : value.value);
    const commandLine = execution.commandLine ?? [execution.command, ...(execution.args ?? [])].filter((v) => v !== undefined).map(text).join(' ');
    const cwd = execution.options?.cwd ?? scope;
    return { commandLine, source: 'shell-guard', ...(cwd ? { cwd } : {}) };
  }
  if (execution instanceof vscode.ProcessExecution) {
    const cwd = execution.options?.cwd ?? scope;
    return { commandLine: argvToCommandLine(path.basename(execution.process), execution.args), source: 'shim', ...(cwd ? { cwd } : {}) };
  }
  // A custom execution runs inside an extension: nothing to compare with, and no process to stop.
  return undefined;
}
