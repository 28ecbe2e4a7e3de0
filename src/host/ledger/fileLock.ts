import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export class LedgerLockTimeout extends Error {
  constructor(
    readonly lockFile: string,
    readonly reason: string,
  ) {
    super(`could not lock ${lockFile}: ${reason}`);
    this.name = 'LedgerLockTimeout';
  }
}

export interface LockOptions {
  /** Give up after this long. */
  readonly timeoutMs?: number;
  /** A lock older than this is stale even if its holder is alive (stopped or hung). */
  readonly staleMs?: number;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly nonce: string;
  readonly time: number;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function readOwner(file: string): { text: string; owner?: LockOwner; mtimeMs: number } | undefined {
  try {
    const mtimeMs = statSync(file).mtimeMs;
    const text = readFileSync(file, 'utf8');
    try {
      return { text, owner: JSON.parse(text) as LockOwner, mtimeMs };
    } catch {
      return { text, mtimeMs };
    }
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(found: { owner?: LockOwner; mtimeMs: number }, staleMs: number): boolean {
  const age = Date.now() - (found.owner?.time ?? found.mtimeMs);
  if (age > staleMs) return true;
  const owner = found.owner;
  // A half-written lock file (its writer died between create and write) is stale once it is a second old.
  if (!owner) return Date.now() - found.mtimeMs > 1000;
  return owner.host === hostname() && !processAlive(owner.pid);
}

function tryCreate(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes a stale lock without racing another process doing the same: only the holder of the
 * `.break` lock may remove it, and only if it still holds exactly what was judged stale, so a fresh
 * lock taken in between is never removed.
 */
function breakStale(file: string, staleText: string): void {
  const breaker = `${file}.break`;
  if (!tryCreate(breaker, String(process.pid))) {
    const found = readOwner(breaker);
    // The breaker only lives for microseconds; one older than 5 s belongs to a process that died.
    if (found && Date.now() - found.mtimeMs > 5000) unlinkQuietly(breaker);
    return;
  }
  try {
    if (readOwner(file)?.text === staleText) unlinkQuietly(file);
  } finally {
    unlinkQuietly(breaker);
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone: nothing to do.
  }
}

/**
 * Runs `critical` while holding an exclusive lock file created with O_EXCL, so several processes (the
 * extension and any number of CLIs) can append to one ledger without interleaving or losing lines.
 */
export async function withFileLock<T>(file: string, critical: () => T, options: LockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const me: LockOwner = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex'), time: Date.now() };
  const deadline = Date.now() + timeoutMs;
  let wait = 1;
  for (;;) {
    const content = JSON.stringify({ ...me, time: Date.now() });
    if (tryCreate(file, content)) {
      try {
        return critical();
      } finally {
        // Remove only our own lock: if it was judged stale and broken meanwhile, the file is another's.
        if (readOwner(file)?.owner?.nonce === me.nonce) unlinkQuietly(file);
      }
    }
    const found = readOwner(file);
    if (found && isStale(found, staleMs)) {
      breakStale(file, found.text);
      continue;
    }
    if (Date.now() > deadline) {
      const holder = found?.owner ? `held by pid ${found.owner.pid} on ${found.owner.host}` : 'held';
      throw new LedgerLockTimeout(file, `${holder} for more than ${timeoutMs} ms`);
    }
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 10);
  }
}
