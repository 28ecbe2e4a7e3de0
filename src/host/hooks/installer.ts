import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HookAgent } from '../../core/hooks/payload';
import { HOOK_AGENTS } from '../../core/hooks/payload';
import { hookFileSpec } from './hookFiles';
import type { HookScope } from './hookFiles';
import { parseJsonc } from '../../core/jsonc';
import { hookCommand, launcherPath, writeLauncher } from './launcher';
import type { LauncherTarget } from './launcher';

export interface HookInstallOptions {
  readonly workspace: string;
  readonly scope: HookScope;
  readonly home: string;
  /** The per-user Airlock folder: the launcher and the record of what was installed live there. */
  readonly stateRoot: string;
  readonly agents: readonly HookAgent[];
}

export interface AgentHookState {
  readonly agent: HookAgent;
  readonly file: string;
  /**
   * `unreadable`: the file is not JSON Airlock can read, so Airlock leaves it alone. `unsupported`:
   * nothing was written because the hook command is POSIX shell (Windows is not supported yet, and a
   * command that cannot start would block every action under `onFailure: "block"` / `failClosed`).
   */
  readonly state: 'installed' | 'outdated' | 'not-installed' | 'unreadable' | 'unsupported';
  readonly detail?: string;
  /** Whether the launcher the entries call exists. */
  readonly launcher: boolean;
}

/** What a hook file was before Airlock first touched it, so uninstall can put it back exactly. */
interface ManifestEntry {
  /** Where the entries came from, so removing everything Airlock installed needs nothing else. */
  readonly agent?: HookAgent;
  readonly scope?: HookScope;
  readonly workspace?: string;
  readonly existed: boolean;
  readonly original?: string;
  readonly createdDirs: readonly string[];
}
type Manifest = Record<string, ManifestEntry>;
type Json = Record<string, unknown>;

const MANIFEST = 'hooks-installed.json';

/**
 * The agents in use here: their folder in the workspace or the home, or the editor this runs in
 * (`hint`, from the extension: Cursor's app, or VS Code whose agent mode is Copilot).
 */
export function detectAgents(workspace: string, home: string, hint: readonly HookAgent[] = []): HookAgent[] {
  const seen = new Set<HookAgent>(hint);
  if (existsSync(path.join(workspace, '.claude')) || existsSync(path.join(home, '.claude')) || existsSync(path.join(home, '.claude.json'))) seen.add('claude');
  if (existsSync(path.join(workspace, '.cursor')) || existsSync(path.join(home, '.cursor'))) seen.add('cursor');
  if (existsSync(path.join(workspace, '.github', 'hooks')) || existsSync(path.join(home, '.copilot')) || existsSync(path.join(home, '.vscode'))) seen.add('copilot');
  return HOOK_AGENTS.filter((agent) => seen.has(agent));
}

/**
 * Writes the launcher and each agent's hook entries: merged into what is there, Airlock's first,
 * idempotent. A file Airlock cannot read is left untouched and reported.
 */
export function installHooks(options: HookInstallOptions, target: LauncherTarget, platform: NodeJS.Platform = process.platform): AgentHookState[] {
  if (platform === 'win32') return options.agents.map((agent) => state(options, agent, hookFileSpec(agent, options.scope, options.workspace, options.home).file, 'unsupported', 'Windows is not supported yet'));
  writeLauncher(options.stateRoot, target);
  const manifest = readManifest(options.stateRoot);
  const states = options.agents.map((agent) => {
    const spec = hookFileSpec(agent, options.scope, options.workspace, options.home);
    const command = hookCommand(agent, options.stateRoot, options.home);
    const read = readHookFile(spec.file);
    if ('error' in read) return state(options, agent, spec.file, 'unreadable', read.error);
    if (spec.state(read.json, command) === 'installed') return state(options, agent, spec.file, 'installed');
    if (!manifest[spec.file]) {
      const origin = { agent, scope: options.scope, workspace: options.workspace };
      manifest[spec.file] = read.text === undefined ? { ...origin, existed: false, createdDirs: missingDirs(path.dirname(spec.file)) } : { ...origin, existed: true, original: read.text, createdDirs: [] };
    }
    for (const dir of [...(manifest[spec.file]?.createdDirs ?? [])].reverse()) mkdirSync(dir, { recursive: true });
    writeAtomically(spec.file, `${JSON.stringify(spec.merge(read.json, command), null, 2)}\n`);
    return state(options, agent, spec.file, 'installed');
  });
  writeManifest(options.stateRoot, manifest);
  return states;
}

/**
 * Removes exactly what install added: when the rest of the file is as Airlock found it, the original
 * bytes come back (or the file and the folders Airlock created go); otherwise only Airlock's entries go.
 */
export function uninstallHooks(options: HookInstallOptions): AgentHookState[] {
  const manifest = readManifest(options.stateRoot);
  const states = options.agents.map((agent) => {
    const spec = hookFileSpec(agent, options.scope, options.workspace, options.home);
    const read = readHookFile(spec.file);
    if ('error' in read) return state(options, agent, spec.file, 'unreadable', read.error);
    const record = manifest[spec.file];
    if (read.json === undefined) {
      delete manifest[spec.file];
      return state(options, agent, spec.file, 'not-installed');
    }
    let rest = spec.remove(read.json);
    // Install adds Cursor's `version` where it was missing; it goes with Airlock's entries.
    if (record?.existed && !('version' in (parseOrUndefined(record.original ?? '') ?? {}))) rest = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'version'));
    const before = record?.existed ? parseOrUndefined(record.original ?? '') : undefined;
    if (record && !record.existed && isEmptyLike(rest)) {
      unlinkSync(spec.file);
      for (const dir of record.createdDirs) removeIfEmpty(dir);
    } else if (record?.existed && before !== undefined && sameJson(spec.remove(before), rest) && sameJson(before, spec.remove(before))) {
      writeAtomically(spec.file, record.original ?? '');
    } else if (JSON.stringify(rest) !== JSON.stringify(read.json)) {
      writeAtomically(spec.file, `${JSON.stringify(rest, null, 2)}\n`);
    }
    delete manifest[spec.file];
    return state(options, agent, spec.file, 'not-installed');
  });
  writeManifest(options.stateRoot, manifest);
  return states;
}

/**
 * Removes every hook entry Airlock ever installed for this user, wherever it was recorded, and the
 * launcher: what uninstalling the extension runs (`vscode:uninstall`), and `airlock hooks uninstall --everywhere`.
 */
export function uninstallEverything(stateRoot: string, home: string): AgentHookState[] {
  const states: AgentHookState[] = [];
  for (const entry of Object.values(readManifest(stateRoot))) {
    if (!entry.agent || !entry.scope || !entry.workspace) continue;
    states.push(...uninstallHooks({ workspace: entry.workspace, scope: entry.scope, home, stateRoot, agents: [entry.agent] }));
  }
  const bin = path.dirname(launcherPath(stateRoot));
  rmSync(bin, { recursive: true, force: true });
  return states;
}

export function hookStatus(options: HookInstallOptions): AgentHookState[] {
  return options.agents.map((agent) => {
    const spec = hookFileSpec(agent, options.scope, options.workspace, options.home);
    const read = readHookFile(spec.file);
    if ('error' in read) return state(options, agent, spec.file, 'unreadable', read.error);
    return state(options, agent, spec.file, spec.state(read.json, hookCommand(agent, options.stateRoot, options.home)));
  });
}

function state(options: HookInstallOptions, agent: HookAgent, file: string, value: AgentHookState['state'], detail?: string): AgentHookState {
  return { agent, file, state: value, ...(detail !== undefined ? { detail } : {}), launcher: existsSync(launcherPath(options.stateRoot)) };
}

/** A hook file as JSON (comments allowed): undefined when missing, an error when Airlock cannot read it. */
export function readHookFile(file: string): { json: Json | undefined; text: string | undefined } | { error: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { json: undefined, text: undefined };
    return { error: `cannot read ${file}: ${(error as Error).message}` };
  }
  if (text.trim() === '') return { json: {}, text };
  try {
    const json = parseJsonc(text);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return { error: `${file} is not a JSON object` };
    return { json: json as Json, text };
  } catch (error) {
    return { error: `${file} is not valid JSON (${(error as Error).message}); Airlock leaves it alone` };
  }
}

function parseOrUndefined(text: string): Json | undefined {
  try {
    return text.trim() === '' ? {} : (parseJsonc(text) as Json);
  } catch {
    return undefined;
  }
}

/** What a file Airlock created holds once its entries are gone: nothing but empty containers and `version`. */
function isEmptyLike(json: Json): boolean {
  return Object.entries(json).every(([key, value]) => key === 'version' || (key === 'hooks' && value !== null && typeof value === 'object' && Object.keys(value).length === 0));
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function missingDirs(dir: string): string[] {
  const missing: string[] = [];
  let current = dir;
  while (!existsSync(current)) {
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return missing;
}

function removeIfEmpty(dir: string): void {
  try {
    if (statSync(dir).isDirectory() && readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Already gone, or someone put something there: keep it.
  }
}

function writeAtomically(file: string, text: string): void {
  const temp = `${file}.airlock-${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

function readManifest(stateRoot: string): Manifest {
  try {
    return JSON.parse(readFileSync(path.join(stateRoot, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return {};
  }
}

function writeManifest(stateRoot: string, manifest: Manifest): void {
  mkdirSync(stateRoot, { recursive: true, mode: 0o700 });
  writeAtomically(path.join(stateRoot, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}
