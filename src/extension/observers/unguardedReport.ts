import * as vscode from 'vscode';
import type { ApprovalBroker, Evaluation } from '../../host/broker/approvalBroker';
import type { GuardRequest } from '../../host/decisionService';
import { COMMAND_IDS } from '../commandIds';
import { Disposable } from '../disposable';

export interface UnguardedRun {
  readonly request: GuardRequest;
  readonly evaluation: Evaluation;
  /** The terminal's or the task's name, for the person. */
  readonly where: string;
  /** Whether it was stopped while running (else it had finished before it was seen). */
  readonly stopped: boolean;
  readonly runAgain: () => Promise<void>;
}

const RUN_AGAIN = 'Run Again After Approval';
const SHOW_LOG = 'Show Log';

const clip = (text: string, max = 120): string => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/**
 * What the person is shown about commands that ran without a guard: one warning per command, with
 * an offer to run it again, which first asks for approval in Airlock's view like any guarded command
 * (and runs it only if allowed); and a status bar item while a terminal's guard is missing, or while
 * its PATH no longer leads to the shims.
 */
export class UnguardedReport extends Disposable {
  private readonly status = this.register(vscode.window.createStatusBarItem('airlock.guardMissing', vscode.StatusBarAlignment.Left, 99));
  /** Terminals whose guard is missing, with their names. */
  private readonly missing = new Map<object, string>();
  /** Terminals whose PATH no longer leads to the shims, with their names. */
  private readonly shimsBypassed = new Map<object, string>();

  constructor(
    private readonly broker: ApprovalBroker,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.status.name = 'Airlock guard missing';
    this.status.command = COMMAND_IDS.showLog;
    this.status.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  }

  unguarded(run: UnguardedRun): void {
    const { assessment } = run.evaluation;
    const command = run.request.action.kind === 'shell' ? run.request.action.command : '';
    const why = assessment.reasons[0]?.message ?? 'Airlock policy';
    const what = run.stopped ? `Airlock stopped ${run.where}: it started` : `Airlock saw ${run.where} run`;
    const message = `${what} ${JSON.stringify(clip(command))} without any guard checking it first (${assessment.level} ${assessment.score}: ${clip(why)}).`
      + (run.stopped ? ' It may have done part of its work. It will not run again unless you allow it.' : '');
    void vscode.window.showWarningMessage(message, RUN_AGAIN, SHOW_LOG).then((choice) => {
      if (choice === RUN_AGAIN) void this.runAgainAfterApproval(run);
      if (choice === SHOW_LOG) void vscode.commands.executeCommand(COMMAND_IDS.showLog);
    });
  }

  /** A guarded terminal let a command through unasked: its guard has been switched off. */
  guardMissing(terminal: object, where: string, commandLine: string): void {
    const first = !this.missing.has(terminal);
    this.missing.set(terminal, where);
    this.showStatus();
    if (!first) return;
    this.log.warn(`the shell guard is missing in ${where}: ${JSON.stringify(commandLine)} ran without being checked`);
    void vscode.window.showWarningMessage(
      `Airlock's shell guard is missing in ${where}: ${JSON.stringify(clip(commandLine))} ran without being checked. Its guard functions, traps or key bindings were changed or removed; open a new terminal to be guarded again.`,
      SHOW_LOG,
    ).then((choice) => {
      if (choice === SHOW_LOG) void vscode.commands.executeCommand(COMMAND_IDS.showLog);
    });
  }

  /** A terminal's PATH was edited so that the programs scripts start no longer meet the shims. */
  pathShimsBypassed(terminal: object, where: string, commandLine: string): void {
    this.shimsBypassed.set(terminal, where);
    this.showStatus();
    this.log.warn(`PATH in ${where} no longer leads to Airlock's PATH shims (seen as ${JSON.stringify(commandLine)} ran)`);
    void vscode.window.showWarningMessage(
      `Airlock's PATH shims are bypassed in ${where}: its PATH was changed so that programs started by scripts, Makefiles and npm scripts there are no longer checked (seen as ${JSON.stringify(clip(commandLine))} ran). Lines typed there are still checked. Put the shim folder back first on PATH, or open a new terminal.`,
      SHOW_LOG,
    ).then((choice) => {
      if (choice === SHOW_LOG) void vscode.commands.executeCommand(COMMAND_IDS.showLog);
    });
  }

  /** The terminal's PATH leads to the shims again. */
  pathShimsRestored(terminal: object, where: string): void {
    if (!this.shimsBypassed.delete(terminal)) return;
    this.log.info(`PATH in ${where} leads to Airlock's PATH shims again`);
    this.showStatus();
  }

  terminalClosed(terminal: object): void {
    const missing = this.missing.delete(terminal);
    if (this.shimsBypassed.delete(terminal) || missing) this.showStatus();
  }

  /**
   * Asks for approval in Airlock's view first, like any guarded command; runs it only if allowed. The
   * approval is held by the broker once, so the guard in front of the command does not ask again.
   */
  private async runAgainAfterApproval(run: UnguardedRun): Promise<void> {
    // Claimed as the person's own request through Airlock, so a guard that asks next is covered once.
    const answer = await this.broker.decide({ ...run.request, source: run.request.source === 'task' ? 'task' : 'cli' });
    if (answer.decision !== 'allow') {
      this.log.info(`${run.where}: not run again (${answer.decider.by}: ${answer.decider.how})`);
      return;
    }
    try {
      await run.runAgain();
    } catch (error) {
      void vscode.window.showErrorMessage(`Airlock could not run ${run.where} again: ${(error as Error).message}`);
    }
  }

  private showStatus(): void {
    const terminals = (count: number): string => `${count} terminal${count === 1 ? '' : 's'}`;
    const parts: string[] = [];
    const tips: string[] = [];
    if (this.missing.size > 0) {
      parts.push(`guard missing in ${terminals(this.missing.size)}`);
      tips.push(`Commands ran unchecked in ${[...this.missing.values()].join(', ')}. Open a new terminal to be guarded again.`);
    }
    if (this.shimsBypassed.size > 0) {
      parts.push(`PATH shims bypassed in ${terminals(this.shimsBypassed.size)}`);
      tips.push(`PATH no longer leads to Airlock's shims in ${[...this.shimsBypassed.values()].join(', ')}: programs scripts start there are not checked.`);
    }
    if (parts.length === 0) {
      this.status.hide();
      return;
    }
    this.status.text = `$(warning) Airlock: ${parts.join(', ')}`;
    this.status.tooltip = tips.join(' ');
    this.status.show();
  }
}
