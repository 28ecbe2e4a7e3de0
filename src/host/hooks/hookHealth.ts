import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HookAgent } from '../../core/hooks/payload';
import { HOOK_AGENTS } from '../../core/hooks/payload';
import { hookFileSpec } from './hookFiles';
import type { HookScope } from './hookFiles';
import { LOADER_NAME } from './hookLoader';
import { detectAgents, readHookFile } from './installer';
import { EXTENSION_FOLDERS, HOOK_MARKER, hookCommand, launcherPath } from './launcher';

/** One hook file an agent reads that holds (or held) Airlock's entries. */
export interface HookFileHealth {
  readonly scope: HookScope;
  readonly file: string;
  /** What is wrong, in a person's words; empty when the file is as install writes it. */
  readonly problems: readonly string[];
  /** Repair can fix it by rewriting Airlock's entries; a file that is not JSON must be fixed by hand. */
  readonly repairable: boolean;
}

export type AgentHealth = 'healthy' | 'broken' | 'not-installed';

export interface AgentHealthReport {
  readonly agent: HookAgent;
  /** The agent is in use here (its folders, or the editor this runs in). */
  readonly detected: boolean;
  readonly health: AgentHealth;
  /** The files holding Airlock's entries, workspace first; empty when not installed. */
  readonly files: readonly HookFileHealth[];
  /** Problems of the launcher every entry calls (missing, or its Airlock gone); repaired by any install. */
  readonly launcherProblems: readonly string[];
}

export interface HealthOptions {
  readonly workspace: string;
  readonly home: string;
  readonly stateRoot: string;
  /** Agents known to be in use whatever the folders say (the editor's own). */
  readonly hint?: readonly HookAgent[];
}

/**
 * The state of each agent's connection to Airlock, for the side panel's Agents view and
 * `airlock hooks status`: where Airlock's hooks are, and whether they still protect anything. An entry
 * that no longer fails closed, is not first in Cursor's list, was edited, or calls a launcher that is
 * gone makes the agent `broken`, with every reason listed.
 */
export function agentHealth(options: HealthOptions): AgentHealthReport[] {
  const detected = new Set(detectAgents(options.workspace, options.home, options.hint ?? []));
  const launcher = launcherProblems(options.stateRoot, options.home);
  return HOOK_AGENTS.map((agent) => {
    const files = (['workspace', 'user'] as const).flatMap((scope) => fileHealth(agent, scope, options, launcher));
    const health: AgentHealth = files.length === 0 ? 'not-installed' : files.some((file) => file.problems.length > 0) ? 'broken' : 'healthy';
    return { agent, detected: detected.has(agent), health, files, launcherProblems: files.length > 0 ? launcher : [] };
  });
}

function fileHealth(agent: HookAgent, scope: HookScope, options: HealthOptions, launcher: readonly string[]): HookFileHealth[] {
  const spec = hookFileSpec(agent, scope, options.workspace, options.home);
  const read = readHookFile(spec.file);
  if ('error' in read) {
    // Someone else's unreadable file is not Airlock's to report; one that holds Airlock's entry is broken.
    let text = '';
    try {
      text = readFileSync(spec.file, 'utf8');
    } catch {
      // Unreadable as text too: nothing tells whether it is Airlock's.
    }
    return text.includes(HOOK_MARKER) ? [{ scope, file: spec.file, problems: [`the file cannot be read as JSON, so ${agentName(agent)} ignores it or stops: ${read.error}`], repairable: false }] : [];
  }
  if (read.json === undefined || !JSON.stringify(read.json.hooks ?? null).includes(HOOK_MARKER)) return [];
  const command = hookCommand(agent, options.stateRoot, options.home);
  return [{ scope, file: spec.file, problems: [...spec.problems(read.json, command), ...launcher], repairable: true }];
}

/** Whether the launcher the entries call exists and can find an Airlock to run. */
function launcherProblems(stateRoot: string, home: string): string[] {
  const file = launcherPath(stateRoot);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [`the launcher ${file} is missing, so every call of the hook does nothing`];
  }
  const problems: string[] = [];
  if (!existsSync(path.join(path.dirname(file), LOADER_NAME))) problems.push(`the launcher's loader ${LOADER_NAME} is missing, so every call is blocked`);
  const cli = /^cli='((?:[^']|'\\'')*)'$/m.exec(text)?.[1]?.replace(/'\\''/g, "'");
  if (cli !== undefined && !existsSync(cli) && !anyInstalledCli(home)) problems.push(`the launcher runs ${cli}, which is gone, so every call is blocked`);
  return problems;
}

/** Whether the launcher's fallback (any installed Airlock extension) would find a CLI. */
function anyInstalledCli(home: string): boolean {
  return EXTENSION_FOLDERS.some((relative) => {
    try {
      return readdirSync(path.join(home, relative)).some((name) => name.startsWith('airlock.airlock-') && existsSync(path.join(home, relative, name, 'dist', 'cli.js')));
    } catch {
      return false;
    }
  });
}

export function agentName(agent: HookAgent): string {
  return agent === 'claude' ? 'Claude Code' : agent === 'cursor' ? 'Cursor' : 'VS Code agent mode';
}
