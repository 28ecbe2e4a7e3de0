import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HookAgent } from '../../core/hooks/payload';
import { LOADER_NAME, LOADER_SCRIPT } from './hookLoader';

/** Where the launcher finds Airlock and a JavaScript runtime, as known when it was written. */
export interface LauncherTarget {
  /** The Airlock CLI (`dist/cli.js` of the installed extension, or of this checkout). */
  readonly cliPath: string;
  /** `node`, or the editor's own binary (Electron) when no `node` is on PATH. */
  readonly runtime: string;
  /** The runtime is Electron: it must be run with ELECTRON_RUN_AS_NODE=1. */
  readonly electron: boolean;
}

export const LAUNCHER_NAME = 'airlock-hook';
/** What every hook entry Airlock writes contains; how Airlock recognizes its own entries. */
export const HOOK_MARKER = `bin/${LAUNCHER_NAME}`;
/** The deadline Airlock asks of itself, under the timeout written into the hook files. */
export const HOOK_TIMEOUT_S = 600;
export const HOOK_DEADLINE_S = HOOK_TIMEOUT_S - 10;

/** Where editors keep their extensions, under the home folder; the launcher looks there when its CLI is gone. */
export const EXTENSION_FOLDERS: readonly string[] = ['.vscode/extensions', '.vscode-server/extensions', '.cursor/extensions', '.cursor-server/extensions'];
const EXTENSION_PREFIX = 'airlock.airlock-';

export function launcherPath(stateRoot: string): string {
  return path.join(stateRoot, 'bin', LAUNCHER_NAME);
}

/**
 * The launcher: a small script in the per-user Airlock folder that survives extension updates. It runs
 * the recorded CLI, or else the newest installed Airlock extension's, with the recorded runtime or
 * any `node` on PATH. When Airlock is installed for this user but cannot run, it exits 2, which every
 * agent treats as a block: a broken guard must not silently wave actions through.
 */
export function launcherScript(target: LauncherTarget): string {
  const q = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh
# Airlock's agent hook launcher. Written by "Airlock: Connect Agents" / "airlock hooks install";
# rewritten on every install. Runs the current Airlock CLI: airlock hook <agent> < payload.
cli=${q(target.cliPath)}
runtime=${q(target.runtime)}
electron=${target.electron ? 1 : 0}
if [ ! -f "$cli" ]; then
  for found in ${EXTENSION_FOLDERS.map((folder) => `"$HOME"/${folder}/${EXTENSION_PREFIX}*/dist/cli.js`).join(' ')}; do
    [ -f "$found" ] && cli=$found
  done
fi
if [ ! -f "$cli" ]; then
  echo "Airlock: the hook cannot find Airlock (it was at $cli), so this action is blocked. Reinstall the Airlock extension, or run 'airlock hooks uninstall' to remove the hooks." >&2
  exit 2
fi
# Parameter expansion rather than dirname: no process is forked on a path every tool call takes.
case $0 in */*) loader="\${0%/*}/${LOADER_NAME}" ;; *) loader="./${LOADER_NAME}" ;; esac
# The hook opens no TLS connection and needs none of the caller's Node options: extra CA certificates
# are read at every start (about 30 ms), and NODE_OPTIONS can load debuggers or other code.
unset NODE_EXTRA_CA_CERTS NODE_OPTIONS
# hook.js is airlock hook alone (fast to start); a CLI without it is run as airlock hook.
set -- "\${cli%/*}/hook.js" "$@"
[ -f "$1" ] || { shift; set -- "$cli" hook "$@"; }
if [ -x "$runtime" ]; then
  if [ "$electron" = 1 ]; then ELECTRON_RUN_AS_NODE=1 exec "$runtime" "$loader" "$@"; fi
  exec "$runtime" "$loader" "$@"
fi
if command -v node >/dev/null 2>&1; then exec node "$loader" "$@"; fi
echo "Airlock: the hook found no Node runtime (was $runtime), so this action is blocked. Install Node.js or reopen the editor with Airlock." >&2
exit 2
`;
}

export function writeLauncher(stateRoot: string, target: LauncherTarget): string {
  const file = launcherPath(stateRoot);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeAtomically(path.join(path.dirname(file), LOADER_NAME), LOADER_SCRIPT, 0o644);
  writeAtomically(file, launcherScript(target), 0o755);
  return file;
}

function writeAtomically(file: string, text: string, mode: number): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  chmodSync(temp, mode);
  renameSync(temp, file);
}

/**
 * The command written into a hook file. It names the launcher through `$HOME` when it lies there, so a
 * committed file works for every teammate who has Airlock; for a teammate without it, the command says
 * so on stderr and gives no decision (Cursor, which needs JSON, gets its neutral allow), instead of a
 * missing command that `onFailure: "block"` or `failClosed` would turn into blocking every action.
 */
export function hookCommand(agent: HookAgent, stateRoot: string, home: string): string {
  const file = launcherPath(stateRoot);
  const shown = file.startsWith(`${home}/`) ? `$HOME/${file.slice(home.length + 1)}` : file;
  const neutral = agent === 'cursor' ? ` echo '{"permission":"allow"}';` : '';
  return `L="${shown.replace(/"/g, '\\"')}"; if [ -x "$L" ]; then exec "$L" ${agent} --deadline ${HOOK_DEADLINE_S}; else echo "Airlock is not set up for this user, so this hook does nothing: install Airlock and run Airlock: Connect Agents." >&2;${neutral} fi`;
}

/**
 * The runtime the launcher should use: `node` on PATH when there is one, which outlives any editor;
 * else this process's own (the editor's Electron, run as Node).
 */
export function currentRuntime(env: NodeJS.ProcessEnv = process.env): Pick<LauncherTarget, 'runtime' | 'electron'> {
  const node = (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, process.platform === 'win32' ? 'node.exe' : 'node')).find(isFile);
  if (node) return { runtime: node, electron: false };
  return { runtime: process.execPath, electron: process.versions.electron !== undefined };
}

/**
 * The CLI of an Airlock extension installed in another editor's extension folder than `ownExtension`'s
 * (Airlock in both VS Code and Cursor shares one launcher), skipping versions the editor has marked for
 * removal (`.obsolete`). The newest by folder name, or undefined.
 */
export function otherInstalledCli(home: string, ownExtension: string): string | undefined {
  const ownFolder = path.resolve(path.dirname(ownExtension));
  const found: string[] = [];
  for (const folder of EXTENSION_FOLDERS.map((relative) => path.join(home, relative))) {
    if (path.resolve(folder) === ownFolder) continue;
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    const obsolete = readObsolete(path.join(folder, '.obsolete'));
    for (const name of names.filter((entry) => entry.startsWith(EXTENSION_PREFIX) && !obsolete.has(entry)).sort()) {
      const cli = path.join(folder, name, 'dist', 'cli.js');
      if (existsSync(cli)) found.push(cli);
    }
  }
  return found.at(-1);
}

function readObsolete(file: string): Set<string> {
  try {
    return new Set(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>));
  } catch {
    return new Set();
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
