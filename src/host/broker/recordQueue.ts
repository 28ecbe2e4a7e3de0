import type { LedgerRecord } from '../../core/ledger/entry';
import type { GuardAnswer } from '../decisionService';
import type { RecordWriter } from './approvalBroker';

interface Held {
  readonly workspaceRoot: string;
  readonly record: LedgerRecord;
}

/**
 * Writes the broker's ledger records one after another, in the order they were decided. Records of
 * what the policy let through from a terminal (the guard's lines, the shims' programs) may be held
 * while requests keep coming and written once the broker has been idle for a moment: a run of quick
 * commands then waits for none of the disk work, which would otherwise sit between one answer and
 * the next. A record written at once first writes everything held before it, so the order stays.
 */
export class RecordQueue {
  private chain: Promise<unknown> = Promise.resolve();
  private held: Held[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly write: RecordWriter,
    private readonly onWarning: (message: string) => void,
    /** Held records are written once no request has come for this long. */
    private readonly idleMs = 20,
    /** More held than this are written at once. */
    private readonly maxHeld = 64,
  ) {}

  /** Written after everything before it; resolves to where it went. */
  now(workspaceRoot: string, record: LedgerRecord): Promise<GuardAnswer['ledger']> {
    this.writeHeld();
    return this.enqueue(workspaceRoot, record);
  }

  /** Written once the broker is idle, after everything before it. */
  later(workspaceRoot: string, record: LedgerRecord): void {
    this.held.push({ workspaceRoot, record });
    if (this.held.length >= this.maxHeld) this.writeHeld();
    else this.rearm();
  }

  /** A request came in: what is held waits a little longer, so it does not delay that answer. */
  busy(): void {
    if (this.held.length > 0) this.rearm();
  }

  /** Writes everything held now; resolves when every record so far is on disk (or failed). */
  flush(): Promise<void> {
    this.writeHeld();
    return this.chain.then(() => undefined, () => undefined);
  }

  private rearm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.writeHeld(), this.idleMs);
    this.timer.unref?.();
  }

  private writeHeld(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const { workspaceRoot, record } of this.held.splice(0)) {
      void this.enqueue(workspaceRoot, record).then((ledger) => {
        if ('error' in ledger) this.onWarning(`a ledger entry could not be written: ${ledger.error}`);
      });
    }
  }

  private enqueue(workspaceRoot: string, record: LedgerRecord): Promise<GuardAnswer['ledger']> {
    const written = this.chain.then(() => this.write(workspaceRoot, record)).then(
      (ledger) => ledger,
      // The answer never depends on the disk: a deny stays a deny when the ledger cannot be written.
      (error: unknown) => ({ error: (error as Error).message }),
    );
    this.chain = written;
    return written;
  }
}
