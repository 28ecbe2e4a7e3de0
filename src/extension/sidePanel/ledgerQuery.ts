import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerEntry } from '../../core/ledger/entry';
import { actionText } from '../../core/ledger/format';
import { parseEntry } from '../../core/ledger/verifyChain';
import { listLedgerFiles } from '../../host/ledger/ledgerFiles';
import { airlockStateDir, findWorkspaceRoot, ledgerLocations } from '../../host/ledger/locations';
import type { LedgerFilter, LedgerRow } from '../../protocol/sidePanelMessages';

/** One page of the ledger, newest first, after the filter. Pure, so it is tested without VS Code. */
export function queryLedger(entries: readonly LedgerEntry[], filter: LedgerFilter, offset: number, limit: number): { rows: LedgerRow[]; matched: number } {
  const text = filter.text?.trim().toLowerCase();
  const rows: LedgerRow[] = [];
  let matched = 0;
  // Walk backwards so the newest come first without copying or sorting 100,000 entries.
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (filter.decision && entry.outcome !== filter.decision) continue;
    if (filter.source && entry.source !== filter.source) continue;
    if (filter.level && entry.assessment.level !== filter.level) continue;
    if (text && !searchable(entry).includes(text)) continue;
    if (matched >= offset && rows.length < limit) rows.push(ledgerRow(entry));
    matched++;
  }
  return { rows, matched };
}

export function ledgerRow(entry: LedgerEntry): LedgerRow {
  return {
    seq: entry.seq,
    time: entry.time,
    outcome: entry.outcome,
    decider: `${entry.decider.by}: ${entry.decider.how}`,
    source: entry.source,
    ...(entry.agent !== undefined ? { agent: entry.agent } : {}),
    level: entry.assessment.level,
    score: entry.assessment.score,
    text: actionText(entry),
    reasons: entry.assessment.reasons.map((r) => `${r.rule} (${r.score}): ${r.message}`),
  };
}

function searchable(entry: LedgerEntry): string {
  return `${actionText(entry)}\n${entry.agent ?? ''}\n${entry.assessment.reasons.map((r) => `${r.rule} ${r.message}`).join('\n')}`.toLowerCase();
}

interface FileMark {
  readonly name: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The entries of one workspace's ledger for display. Lines are parsed, not hashed (verification is the
 * chain status's job), and when the ledger only grew, only the new bytes are read, so a ledger of
 * 100,000 entries stays cheap to refresh after every append.
 */
export class LedgerCache {
  private marks: FileMark[] = [];
  /** Bytes of the newest file already parsed, up to its last complete line. */
  private consumed = 0;
  private entries: LedgerEntry[] = [];

  constructor(private readonly workspace: string, private readonly stateRoot: string = airlockStateDir()) {}

  /** Forgets what was read, so the next read parses every file again (after a Verify, say). */
  reset(): void {
    this.marks = [];
  }

  read(): LedgerEntry[] {
    const { ledgerDir } = ledgerLocations(findWorkspaceRoot(this.workspace), this.stateRoot);
    const marks = listLedgerFiles(ledgerDir).flatMap((name): FileMark[] => {
      try {
        const stat = statSync(join(ledgerDir, name));
        return [{ name, size: stat.size, mtimeMs: stat.mtimeMs }];
      } catch {
        return [];
      }
    });
    if (this.onlyGrew(marks)) {
      const last = marks.at(-1)!;
      if (last.size > this.consumed) this.consumed = this.parseFrom(join(ledgerDir, last.name), this.consumed, last.size);
    } else {
      this.entries = [];
      this.consumed = 0;
      marks.forEach((mark, index) => {
        const consumed = this.parseFrom(join(ledgerDir, mark.name), 0, mark.size);
        if (index === marks.length - 1) this.consumed = consumed;
      });
    }
    this.marks = marks;
    return this.entries;
  }

  /** True when the files are the same ones and only the newest got longer (the append-only case). */
  private onlyGrew(marks: readonly FileMark[]): boolean {
    if (marks.length === 0 || marks.length !== this.marks.length) return false;
    for (let i = 0; i < marks.length - 1; i++) {
      const [a, b] = [marks[i]!, this.marks[i]!];
      if (a.name !== b.name || a.size !== b.size || a.mtimeMs !== b.mtimeMs) return false;
    }
    const [now, before] = [marks.at(-1)!, this.marks.at(-1)!];
    return now.name === before.name && now.size >= this.consumed;
  }

  /** Parses the complete lines of `file` between two offsets; returns the offset after the last one. */
  private parseFrom(file: string, start: number, end: number): number {
    let text: string;
    try {
      const fd = openSync(file, 'r');
      try {
        const buffer = Buffer.alloc(end - start);
        readSync(fd, buffer, 0, buffer.length, start);
        text = buffer.toString('utf8');
      } finally {
        closeSync(fd);
      }
    } catch {
      return start;
    }
    // A writer may be mid-line: stop at the last newline and read the rest next time.
    const complete = text.lastIndexOf('\n') + 1;
    for (const line of text.slice(0, complete).split('\n')) {
      if (!line) continue;
      const { entry } = parseEntry(line);
      if (entry) this.entries.push(entry);
    }
    return start + Buffer.byteLength(text.slice(0, complete), 'utf8');
  }
}
