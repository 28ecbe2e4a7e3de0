import { existsSync, readdirSync } from 'node:fs';
import { referencedSnapshotIds } from '../../core/files/fileEvents';
import { parseEntry } from '../../core/ledger/verifyChain';
import { readLedgerLines } from '../ledger/ledgerFiles';
import { airlockStateDir, ledgerLocations } from '../ledger/locations';

const ANY_ID = /\b[0-9a-f]{64}\b/g;

/**
 * Every snapshot id the workspace's ledger refers to, read from the ledger in the workspace and from
 * its mirror outside it. Retention must fail safe: a line that no longer parses (torn, edited) may
 * still name snapshots, so every SHA-256-shaped string in it is kept, and an unreadable ledger
 * folder throws rather than returning a set that would let prune drop referenced snapshots.
 */
export function collectReferencedSnapshotIds(workspaceRoot: string, stateRoot: string = airlockStateDir()): Set<string> {
  const { ledgerDir, stateDir } = ledgerLocations(workspaceRoot, stateRoot);
  const ids = new Set<string>();
  for (const dir of [ledgerDir, stateDir]) {
    // readLedgerLines treats an unlistable folder as empty; here that would drop referenced snapshots.
    if (existsSync(dir)) readdirSync(dir);
    for (const line of readLedgerLines(dir)) {
      const { entry } = parseEntry(line.text);
      if (entry) for (const id of referencedSnapshotIds([entry])) ids.add(id);
      else for (const match of line.text.matchAll(ANY_ID)) ids.add(match[0]);
    }
  }
  return ids;
}
