import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseEntry } from '../../core/ledger/verifyChain';
import type { LedgerEntry } from '../../core/ledger/entry';
import type { LedgerLine } from '../../core/ledger/verifyChain';
import { LEDGER_FILE } from './locations';

const ROTATED = /^ledger-(\d+)\.jsonl$/;

/** The ledger files of a folder, oldest first: `ledger-1.jsonl`, `ledger-2.jsonl`, ..., `ledger.jsonl`. */
export function listLedgerFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const rotated = names
    .map((name) => ({ name, n: Number(ROTATED.exec(name)?.[1]) }))
    .filter((file) => Number.isInteger(file.n) && file.n > 0)
    .sort((a, b) => a.n - b.n)
    .map((file) => file.name);
  return names.includes(LEDGER_FILE) ? [...rotated, LEDGER_FILE] : rotated;
}

/** Every line of every ledger file in a folder, in order, with its position. */
export function* readLedgerLines(dir: string): Generator<LedgerLine> {
  for (const file of listLedgerFiles(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    const lines = text.split('\n');
    // A file ends with a newline, so the last element is empty unless the last line was torn.
    if (lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length; i++) yield { file, line: i + 1, text: lines[i] ?? '' };
  }
}

/** The last readable entry of one file, reading backwards so a long ledger costs one small read. */
function lastEntryInFile(path: string): LedgerEntry | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    for (let window = Math.min(size, 64 * 1024); window > 0; window = Math.min(size, window * 4)) {
      const buffer = Buffer.alloc(window);
      readSync(fd, buffer, 0, window, size - window);
      const lines = buffer.toString('utf8').split('\n');
      // Unless the window reaches the start of the file, its first line may be cut in half.
      const complete = window === size ? lines : lines.slice(1);
      for (let i = complete.length - 1; i >= 0; i--) {
        const text = complete[i];
        if (!text?.trim()) continue;
        const { entry } = parseEntry(text);
        if (entry) return entry;
      }
      if (window === size) return undefined;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The last readable entry of the whole ledger in a folder, looking back through rotated files. */
export function lastLedgerEntry(dir: string): LedgerEntry | undefined {
  const files = listLedgerFiles(dir);
  for (let i = files.length - 1; i >= 0; i--) {
    const entry = lastEntryInFile(join(dir, files[i] ?? LEDGER_FILE));
    if (entry) return entry;
  }
  return undefined;
}

/**
 * Appends one line to `dir/ledger.jsonl` with a single write() on an O_APPEND descriptor. When the
 * file would pass `rotateBytes` it is first renamed to the next `ledger-<n>.jsonl`; the chain runs on
 * into the new file. Must be called under the ledger lock.
 */
export function appendLedgerLine(dir: string, line: string, rotateBytes: number): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const active = join(dir, LEDGER_FILE);
  let tail = fileTail(active);
  if (tail.size > 0 && tail.size + Buffer.byteLength(line) > rotateBytes) {
    const next = listLedgerFiles(dir).reduce((max, name) => Math.max(max, Number(ROTATED.exec(name)?.[1] ?? 0)), 0) + 1;
    renameSync(active, join(dir, `ledger-${next}.jsonl`));
    tail = { size: 0, endsWithNewline: true };
  }
  // A writer that died mid-line left no newline; start on a fresh line so only the torn one is lost.
  const data = Buffer.from((tail.endsWithNewline ? '' : '\n') + line, 'utf8');
  const fd = openSync(active, 'a', 0o600);
  try {
    const written = writeSync(fd, data);
    if (written !== data.length) throw new Error(`short write to ${active}: ${written} of ${data.length} bytes`);
  } finally {
    closeSync(fd);
  }
}

function fileTail(path: string): { size: number; endsWithNewline: boolean } {
  if (!existsSync(path)) return { size: 0, endsWithNewline: true };
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { size, endsWithNewline: true };
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return { size, endsWithNewline: last[0] === 0x0a };
  } finally {
    closeSync(fd);
  }
}
