import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The workspace's own Airlock folder; `policy.json` in it is committed, the rest is not. */
export const AIRLOCK_DIR = '.airlock';
export const LEDGER_FILE = 'ledger.jsonl';

/** Keeps the ledger, locks and snapshots out of commits while letting the team policy be committed. */
export const AIRLOCK_GITIGNORE = [
  '# Written by Airlock. The ledger, its lock and file snapshots stay out of commits (this file too,',
  '# so a workspace with no team policy shows nothing new); policy.json is meant to be committed.',
  '*',
  '!policy.json',
  '',
].join('\n');

/**
 * Creates `<workspace>/.airlock` with its `.gitignore` if missing, so nothing Airlock writes there (the
 * ledger, snapshots) is ever committed by accident. Returns the folder.
 */
export function ensureAirlockDir(workspaceRoot: string): string {
  const dir = join(workspaceRoot, AIRLOCK_DIR);
  mkdirSync(dir, { recursive: true });
  const gitignore = join(dir, '.gitignore');
  if (!existsSync(gitignore)) {
    try {
      writeFileSync(gitignore, AIRLOCK_GITIGNORE, { flag: 'wx' });
    } catch {
      // Another writer created it first.
    }
  }
  return dir;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The real path, so two spellings of one folder (symlinks, `..`) share one ledger and one head. */
function real(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The workspace that contains `dir`: the top level of its git work tree (the nearest folder holding
 * `.git`, a directory or, in worktrees and submodules, a file), or the folder itself. Walking up is
 * used instead of running git because hooks run on every agent action and must stay fast.
 */
export function findWorkspaceRoot(dir: string): string {
  const start = real(dir);
  for (let current = start; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return start;
  }
}

/**
 * The per-user folder outside every workspace where Airlock keeps the head of each chain and a mirror
 * of each ledger, so deleting or rewriting a workspace does not erase its record. `AIRLOCK_STATE_DIR`
 * overrides it (tests use that to stay isolated).
 */
export function airlockStateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.AIRLOCK_STATE_DIR) return resolve(env.AIRLOCK_STATE_DIR);
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Airlock');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'Airlock');
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'airlock');
}

/** Every place one workspace's record lives. */
export interface LedgerLocations {
  readonly workspaceRoot: string;
  /** `<workspace>/.airlock` */
  readonly ledgerDir: string;
  readonly lockFile: string;
  /** The per-user folder for this workspace: `head.json`, the mirror ledger and `workspace.txt`. */
  readonly stateDir: string;
  readonly headFile: string;
}

export function ledgerLocations(workspaceRoot: string, stateRoot: string = airlockStateDir()): LedgerLocations {
  const root = real(workspaceRoot);
  const ledgerDir = join(root, AIRLOCK_DIR);
  const stateDir = join(stateRoot, 'workspaces', sha256(root).slice(0, 24));
  return { workspaceRoot: root, ledgerDir, lockFile: join(ledgerDir, 'ledger.lock'), stateDir, headFile: join(stateDir, 'head.json') };
}
