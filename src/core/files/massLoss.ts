/**
 * The mass-loss alarm (`airlock.massLoss.*`): many files deleted or emptied within a short window is
 * how a runaway `rm -rf`, a bad script or an agent "cleaning up" looks from the file watcher, one
 * event at a time. Pure and clock-free: the caller passes each event's time, so tests need no timers.
 *
 * A burst starts with the first loss and lasts while losses keep coming less than `windowSeconds`
 * apart. The alarm fires once per burst, when the files lost within the last `windowSeconds` reach
 * `fileCount`, listing them; later losses of the same burst join that list (`burst()` returns it for
 * Restore all) without a second alarm. A file lost twice (deleted, recreated, deleted) counts once.
 */

/** A burst keeps at most this many files, so a runaway delete of millions cannot exhaust memory. */
export const MAX_BURST_FILES = 100_000;
export type LossKind = 'deleted' | 'emptied';

export interface LossEvent {
  /** Workspace-relative or absolute; the same file must be spelled the same way each time. */
  readonly path: string;
  readonly kind: LossKind;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

export interface MassLossAlarm {
  /** Every file lost in the burst so far, first loss of each first. */
  readonly files: readonly LossEvent[];
  /** When the burst started and when the alarm fired (ms since the epoch). */
  readonly startedAt: number;
  readonly firedAt: number;
}

export interface MassLossThresholds {
  readonly fileCount: number;
  readonly windowSeconds: number;
}

export class MassLossDetector {
  /** The burst in progress: each file's first loss, in order. */
  private readonly files = new Map<string, LossEvent>();
  private lastAt = -Infinity;
  private alarmed = false;

  constructor(private readonly thresholds: MassLossThresholds) {}

  /** Adds one loss; returns the alarm when this loss makes the burst cross the threshold, once. */
  record(event: LossEvent): MassLossAlarm | undefined {
    const windowMs = this.thresholds.windowSeconds * 1000;
    // Events may arrive slightly out of order (watchers batch them): an earlier one joins the burst,
    // and the burst's clock never goes back.
    if (event.at - this.lastAt > windowMs) this.reset();
    this.lastAt = Math.max(this.lastAt, event.at);
    if (!this.files.has(event.path) && this.files.size < MAX_BURST_FILES) this.files.set(event.path, event);
    if (this.alarmed) return undefined;
    // Before the alarm only the last window matters: a slow trickle never adds up to an alarm.
    for (const [path, loss] of this.files) if (this.lastAt - loss.at > windowMs) this.files.delete(path);
    if (this.files.size < this.thresholds.fileCount) return undefined;
    this.alarmed = true;
    return { files: [...this.files.values()], startedAt: this.startedAt(), firedAt: this.lastAt };
  }

  /** The burst in progress (all of it, including losses after the alarm), or empty when quiet. */
  burst(now: number): readonly LossEvent[] {
    if (now - this.lastAt > this.thresholds.windowSeconds * 1000) return [];
    return [...this.files.values()];
  }

  /** Whether the burst in progress has already raised its alarm. */
  get hasAlarmed(): boolean {
    return this.alarmed;
  }

  /** A file that came back (recreated, restored) no longer counts as lost in this burst. */
  forget(path: string): void {
    this.files.delete(path);
  }

  private startedAt(): number {
    let first = Infinity;
    for (const loss of this.files.values()) first = Math.min(first, loss.at);
    return first;
  }

  private reset(): void {
    this.files.clear();
    this.alarmed = false;
  }
}
