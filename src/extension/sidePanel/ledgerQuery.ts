import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerEntry } from '../../core/ledger/entry';
import { actionText } from '../../core/ledger/format';
import { listLedgerFiles } from '../../host/ledger/ledgerFiles';
import { airlockStateDir, findWorkspaceRoot, ledgerLocations } from '../../host/ledger/locations';
import { readWorkspaceLedger } from '../../host/ledger/verifyLedger';
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

/**
 * The entries of one workspace's ledger, parsed again only when a ledger file changed size or time, so
 * filtering and paging a large ledger does not re-read it on every keystroke.
 */
export class LedgerCache {
  private key: string | undefined;
  private entries: LedgerEntry[] = [];

  constructor(private readonly workspace: string, private readonly stateRoot: string = airlockStateDir()) {}

  read(): LedgerEntry[] {
    const { ledgerDir } = ledgerLocations(findWorkspaceRoot(this.workspace), this.stateRoot);
    const key = listLedgerFiles(ledgerDir).map((name) => {
      try {
        const stat = statSync(join(ledgerDir, name));
        return `${name}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        return `${name}:gone`;
      }
    }).join('|');
    if (key !== this.key) {
      this.key = key;
      this.entries = readWorkspaceLedger(this.workspace, this.stateRoot).report.entries.map((located) => located.entry);
    }
    return this.entries;
  }
}
