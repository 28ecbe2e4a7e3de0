import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { EMPTY_HEAD, entryLine, sealEntry } from '../../core/ledger/entry';
import type { ChainHead, Hasher, LedgerEntry, LedgerRecord } from '../../core/ledger/entry';
import { withFileLock } from './fileLock';
import type { LockOptions } from './fileLock';
import { appendLedgerLine, lastLedgerEntry } from './ledgerFiles';
import { airlockStateDir, ensureAirlockDir, findWorkspaceRoot, ledgerLocations } from './locations';
import type { LedgerLocations } from './locations';

export const sha256Hex: Hasher = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Rotate a ledger file once it passes this size; verification reads every rotated file in turn. */
export const DEFAULT_ROTATE_BYTES = 8 * 1024 * 1024;

export interface LedgerStoreOptions {
  /** The per-user Airlock folder; defaults to `airlockStateDir()`. */
  readonly stateRoot?: string;
  readonly rotateBytes?: number;
  readonly lock?: LockOptions;
  /** Told when the copy outside the workspace could not be written; the workspace ledger still is. */
  readonly onWarning?: (message: string) => void;
}

/** The head kept outside the workspace, with the workspace it belongs to so people can find it. */
export interface StoredHead extends ChainHead {
  readonly workspace: string;
  readonly updated: string;
}

export function readHead(headFile: string): StoredHead | undefined {
  try {
    const head = JSON.parse(readFileSync(headFile, 'utf8')) as Partial<StoredHead>;
    if (typeof head.hash === 'string' && /^[0-9a-f]{64}$/.test(head.hash) && Number.isInteger(head.count)) return head as StoredHead;
  } catch {
    // Missing or unreadable: treated as no head; verification says so.
  }
  return undefined;
}

function writeHead(headFile: string, head: StoredHead): void {
  const temp = `${headFile}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(head, null, 2)}\n`, { mode: 0o600 });
  // Rename is atomic, so a reader never sees half a head.
  renameSync(temp, headFile);
}

/**
 * Where the next entry links to. The head outside the workspace wins unless the workspace ledger is
 * ahead of it: if the workspace ledger was truncated or rewritten, chaining from it would overwrite the
 * head and erase the evidence, so the new entry links to the true head and verification shows the gap.
 */
function chainFrom(head: ChainHead | undefined, last: LedgerEntry | undefined): ChainHead {
  if (!last) return head ?? EMPTY_HEAD;
  if (!head || last.seq > head.count) return { hash: last.hash, count: last.seq };
  return { hash: head.hash, count: head.count };
}

/**
 * The ledger of one workspace: `.airlock/ledger.jsonl`, chained with SHA-256, with its head and a
 * mirror kept in the per-user Airlock folder. Safe for several processes at once.
 */
export class LedgerStore {
  readonly locations: LedgerLocations;
  private readonly rotateBytes: number;

  constructor(
    workspaceRoot: string,
    private readonly options: LedgerStoreOptions = {},
  ) {
    this.locations = ledgerLocations(workspaceRoot, options.stateRoot ?? airlockStateDir());
    this.rotateBytes = options.rotateBytes ?? DEFAULT_ROTATE_BYTES;
  }

  /** The store of the workspace that contains `dir`. */
  static forDirectory(dir: string, options: LedgerStoreOptions = {}): LedgerStore {
    return new LedgerStore(findWorkspaceRoot(dir), options);
  }

  /** Redacts, seals and appends one record; resolves to the entry as written. */
  async append(record: LedgerRecord): Promise<LedgerEntry> {
    const { ledgerDir, lockFile, stateDir, headFile, workspaceRoot } = this.locations;
    this.ensureLedgerDir();
    return withFileLock(
      lockFile,
      () => {
        const entry = sealEntry(record, chainFrom(readHead(headFile), lastLedgerEntry(ledgerDir)), sha256Hex);
        const line = entryLine(entry);
        appendLedgerLine(ledgerDir, line, this.rotateBytes);
        try {
          appendLedgerLine(stateDir, line, this.rotateBytes);
          writeHead(headFile, { hash: entry.hash, count: entry.seq, workspace: workspaceRoot, updated: entry.time });
        } catch (error) {
          this.options.onWarning?.(`the ledger copy outside the workspace (${stateDir}) was not updated: ${(error as Error).message}`);
        }
        return entry;
      },
      this.options.lock,
    );
  }

  private ensureLedgerDir(): void {
    ensureAirlockDir(this.locations.workspaceRoot);
  }

}
