import { describeProblem, verifyChain } from '../../core/ledger/verifyChain';
import type { ChainHead } from '../../core/ledger/entry';
import type { LocatedEntry } from '../../core/ledger/verifyChain';
import { listLedgerFiles, readLedgerLines } from './ledgerFiles';
import { readHead, sha256Hex } from './ledgerStore';
import { airlockStateDir, findWorkspaceRoot, ledgerLocations } from './locations';
import type { LedgerLocations } from './locations';

export type LedgerStatus = 'intact' | 'tampered' | 'deleted' | 'missing';

export interface LedgerVerification {
  readonly status: LedgerStatus;
  /** The `ledger verify` exit code: 0 intact, 1 tampered, corrupt or deleted, 2 no ledger anywhere. */
  readonly exitCode: 0 | 1 | 2;
  readonly locations: LedgerLocations;
  readonly files: readonly string[];
  readonly entries: number;
  /** The head kept outside the workspace, if any. */
  readonly head?: ChainHead;
  /** What is wrong, first broken entry first, one sentence each. */
  readonly problems: readonly string[];
  /** What is worth knowing but is not tampering. */
  readonly notes: readonly string[];
}

/** Reads a ledger and the copy outside the workspace; every valid entry in order, with problems. */
export function readWorkspaceLedger(dir: string, stateRoot: string = airlockStateDir()) {
  const locations = ledgerLocations(findWorkspaceRoot(dir), stateRoot);
  const files = listLedgerFiles(locations.ledgerDir);
  const report = verifyChain(readLedgerLines(locations.ledgerDir), sha256Hex);
  return { locations, files, report };
}

/**
 * Verifies the ledger of the workspace that contains `dir`: the chain within the files, then the files
 * against the head and the mirror kept outside the workspace, which catch what a chain alone cannot
 * (truncation, a consistent rewrite, deleting the whole ledger).
 */
export function verifyWorkspaceLedger(dir: string, stateRoot: string = airlockStateDir()): LedgerVerification {
  const { locations, files, report } = readWorkspaceLedger(dir, stateRoot);
  const head = readHead(locations.headFile);
  const mirrorFiles = listLedgerFiles(locations.stateDir);
  const base = { locations, files, entries: report.entries.length, head };

  if (files.length === 0) {
    if (head || mirrorFiles.length > 0) {
      const count = head ? `${head.count} entries` : 'its entries';
      return {
        ...base,
        status: 'deleted',
        exitCode: 1,
        problems: [`the workspace ledger ${locations.ledgerDir}/ledger.jsonl was deleted; the record of ${count} survives at ${locations.stateDir}`],
        notes: [],
      };
    }
    return { ...base, status: 'missing', exitCode: 2, problems: [`no ledger in ${locations.workspaceRoot}`], notes: [] };
  }

  const problems = report.problems.map(describeProblem);
  const notes: string[] = [];
  if (head) problems.push(...compareWithHead(report.entries, report.head, head, locations));
  else notes.push(`no head outside the workspace (${locations.headFile}): truncation or a wholesale rewrite cannot be detected`);
  if (mirrorFiles.length > 0 && problems.length === 0) {
    // The chain and head agree; the mirror can still name an entry rewritten with recomputed hashes.
    problems.push(...compareWithMirror(report.entries, locations));
  } else if (mirrorFiles.length > 0) {
    problems.push(...compareWithMirror(report.entries, locations).slice(0, 1));
  }
  return { ...base, status: problems.length > 0 ? 'tampered' : 'intact', exitCode: problems.length > 0 ? 1 : 0, problems, notes };
}

function compareWithHead(entries: readonly LocatedEntry[], end: ChainHead, head: ChainHead, where: LedgerLocations): string[] {
  if (end.count < head.count) {
    return [
      `the ledger was truncated: it ends at entry #${end.count} but ${head.count} entries were written (head at ${where.headFile}); the full record is at ${where.stateDir}`,
    ];
  }
  const atHead = entries.find((located) => located.entry.seq === head.count);
  if (atHead?.entry.hash !== head.hash) {
    return [`the ledger was rewritten: entry #${head.count} does not match the head kept at ${where.headFile}`];
  }
  if (end.count > head.count) {
    return [
      `entries #${head.count + 1} to #${end.count} were added without updating the head at ${where.headFile} (written by something other than Airlock, or by a writer that could not reach that folder)`,
    ];
  }
  return [];
}

function compareWithMirror(entries: readonly LocatedEntry[], where: LedgerLocations): string[] {
  const mirror = new Map<number, string>();
  for (const { entry } of verifyChain(readLedgerLines(where.stateDir), sha256Hex).entries) mirror.set(entry.seq, entry.hash);
  for (const { entry, file, line } of entries) {
    const copy = mirror.get(entry.seq);
    if (copy !== undefined && copy !== entry.hash) {
      return [`entry #${entry.seq} (${file} line ${line}) differs from the copy kept outside the workspace at ${where.stateDir}`];
    }
  }
  return [];
}
