import { entryHash, GENESIS } from './entry';
import type { ChainHead, Hasher, LedgerEntry } from './entry';

/** One raw line of a ledger file and where it is. */
export interface LedgerLine {
  /** The file's name as shown to people, e.g. `ledger-2.jsonl`. */
  readonly file: string;
  /** 1-based line number within the file. */
  readonly line: number;
  readonly text: string;
}

export type ChainProblemKind = 'corrupt' | 'edited' | 'broken-link' | 'out-of-order';

export interface ChainProblem {
  readonly kind: ChainProblemKind;
  readonly file: string;
  readonly line: number;
  /** The entry's own number, when the line could be read. */
  readonly seq?: number;
  readonly reason: string;
}

export interface ChainReport {
  /** Entries that could be read, in order. */
  readonly entries: readonly LocatedEntry[];
  /** Every problem in file order; the first is the first broken entry. */
  readonly problems: readonly ChainProblem[];
  /** Where the chain ends, as the files say. */
  readonly head: ChainHead;
}

export interface LocatedEntry {
  readonly entry: LedgerEntry;
  readonly file: string;
  readonly line: number;
}

/** Parses one line; undefined with a reason when it is not a ledger entry. */
export function parseEntry(text: string): { entry?: LedgerEntry; reason?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: 'the line is not valid JSON (torn or edited by hand)' };
  }
  const e = value as Partial<LedgerEntry> | null;
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return { reason: 'the line is not a JSON object' };
  if (typeof e.hash !== 'string' || typeof e.prev !== 'string' || typeof e.seq !== 'number') {
    return { reason: 'the line lacks seq, prev or hash' };
  }
  return { entry: e as LedgerEntry };
}

/**
 * Walks the lines of every ledger file in order and checks the chain: each line is an entry, each
 * entry's hash matches its content, each `prev` is the hash before it and `seq` counts up by one.
 * A corrupt line is reported with its position and skipped, so the rest still reads.
 */
export function verifyChain(lines: Iterable<LedgerLine>, hash: Hasher, start: ChainHead = { hash: GENESIS, count: 0 }): ChainReport {
  const entries: LocatedEntry[] = [];
  const problems: ChainProblem[] = [];
  let expected = start;
  for (const { file, line, text } of lines) {
    if (text.trim() === '') continue;
    const { entry, reason } = parseEntry(text);
    if (!entry) {
      problems.push({ kind: 'corrupt', file, line, reason: reason ?? 'unreadable' });
      continue;
    }
    const where = { file, line, seq: entry.seq };
    if (entryHash(entry, hash) !== entry.hash) {
      problems.push({ kind: 'edited', ...where, reason: 'its content does not match its hash: the entry was edited' });
    }
    if (entry.prev !== expected.hash) {
      const missing = entry.seq > expected.count + 1 ? `entries #${expected.count + 1} to #${entry.seq - 1} are missing` : '';
      problems.push({
        kind: 'broken-link',
        ...where,
        reason:
          expected.count === 0
            ? `it should start the chain but follows an entry that is not in the ledger${missing ? ` (${missing})` : ''}`
            : `its prev does not match the hash of entry #${expected.count}: ${missing || 'an entry before it was removed, reordered or rewritten'}`,
      });
    } else if (entry.seq !== expected.count + 1) {
      problems.push({ kind: 'out-of-order', ...where, reason: `it is numbered #${entry.seq} but follows #${expected.count}` });
    }
    entries.push({ entry, file, line });
    // Continue from this entry's own claims so later problems are reported separately.
    expected = { hash: entry.hash, count: entry.seq };
  }
  return { entries, problems, head: expected };
}

/** A problem as one line for people: `entry #3 (ledger.jsonl line 3): ...`. */
export function describeProblem(problem: ChainProblem): string {
  const who = problem.seq !== undefined ? `entry #${problem.seq}` : 'a line';
  return `${who} (${problem.file} line ${problem.line}): ${problem.reason}`;
}
