import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { airlockStateDir } from '../ledger/locations';

/**
 * How CLIs started outside VS Code's terminals find the window that guards their folder: every live
 * broker writes one small file into a private per-user folder, naming its socket, token, process and
 * workspace folders. Files of windows that died without cleaning up are detected (their process is
 * gone) and removed by whoever reads them.
 */
export interface BrokerEntry {
  readonly socket: string;
  readonly token: string;
  readonly pid: number;
  readonly workspaces: readonly string[];
  readonly started: string;
}

/** Set in VS Code's terminals, so anything started there asks its own window first. */
export const BROKER_SOCKET_ENV = 'AIRLOCK_BROKER_SOCKET';
export const BROKER_TOKEN_ENV = 'AIRLOCK_BROKER_TOKEN';
export const NO_BROKER_ENV = 'AIRLOCK_NO_BROKER';

export function registryDir(stateRoot: string = airlockStateDir()): string {
  return join(stateRoot, 'brokers');
}

/**
 * Makes `dir` (and its parents) a folder only this user can use: 0700, owned by us, not a symlink.
 * Throws when someone else could have put it there, because its sockets and tokens would be theirs.
 */
export function ensurePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return dir;
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || stat.isSymbolicLink()) throw new Error(`${dir} is not a plain folder`);
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) throw new Error(`${dir} belongs to another user`);
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

/** `sun_path` holds 108 bytes on Linux and 104 on macOS, the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 100;

/**
 * Where this window's socket goes: a Unix socket in a private folder (under `$XDG_RUNTIME_DIR` when
 * set, which is private and cleared at logout, else the per-user Airlock folder, else a private folder
 * in the temp folder when those paths are too long for a socket), or a named pipe with
 * an unguessable name on Windows.
 */
export function brokerSocketPath(env: NodeJS.ProcessEnv = process.env, stateRoot: string = airlockStateDir(env)): string {
  const name = `b-${process.pid}-${randomBytes(4).toString('hex')}`;
  if (process.platform === 'win32') return `\\\\.\\pipe\\airlock-${name}-${randomBytes(8).toString('hex')}`;
  const candidates = [
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'airlock')] : []),
    join(stateRoot, 'run'),
    // A deep home can push the path past the limit; a private folder of our own under /tmp is next.
    join(tmpdir(), `airlock-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`),
  ];
  const base = candidates.find((dir) => Buffer.byteLength(join(dir, `${name}.sock`)) <= MAX_SOCKET_PATH_BYTES) ?? candidates.at(-1)!;
  return join(ensurePrivateDir(base), `${name}.sock`);
}

/** Writes this window's entry; returns the file so the owner removes it when the window closes. */
export function registerBroker(entry: BrokerEntry, stateRoot?: string): string {
  const dir = ensurePrivateDir(registryDir(stateRoot));
  const file = join(dir, `${entry.pid}-${randomBytes(6).toString('hex')}.json`);
  const temp = `${file}.tmp`;
  writeFileSync(temp, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return file;
}

/** Replaces the workspace folders of an entry (the window's folders changed). */
export function updateBrokerEntry(file: string, entry: BrokerEntry): void {
  const temp = `${file}.tmp`;
  writeFileSync(temp, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

export function unregisterBroker(file: string): void {
  rmSync(file, { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: it exists but belongs to someone else, so it is not one of our windows either.
    return false;
  }
}

function isEntry(value: unknown): value is BrokerEntry {
  const e = value as Partial<BrokerEntry> | null;
  return !!e && typeof e.socket === 'string' && typeof e.token === 'string' && Number.isInteger(e.pid) &&
    Array.isArray(e.workspaces) && e.workspaces.every((w) => typeof w === 'string');
}

/** How deep `dir` lies inside `folder`, or -1 when it is not inside. */
function depthInside(folder: string, dir: string): number {
  const rel = relative(resolve(folder), resolve(dir));
  if (rel === '') return 0;
  if (rel.startsWith('..') || isAbsolute(rel)) return -1;
  return rel.split(/[\\/]/).length;
}

/**
 * The live brokers whose workspace contains `cwd`, nearest workspace first. Entries whose process is
 * gone, or that cannot be read, are removed on the way.
 */
export function findBrokers(cwd: string, stateRoot?: string, alive: (pid: number) => boolean = processAlive): BrokerEntry[] {
  const dir = registryDir(stateRoot);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const found: { entry: BrokerEntry; depth: number }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let entry: unknown;
    try {
      entry = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    if (!isEntry(entry)) continue;
    if (!alive(entry.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    const depths = entry.workspaces.map((w) => depthInside(w, cwd)).filter((d) => d >= 0);
    if (depths.length > 0) found.push({ entry, depth: Math.min(...depths) });
  }
  return found.sort((a, b) => a.depth - b.depth).map((f) => f.entry);
}
