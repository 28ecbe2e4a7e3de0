import { homedir } from 'node:os';
import * as path from 'node:path';
import type { HookAgent } from '../core/hooks/payload';
import { HOOK_AGENTS } from '../core/hooks/payload';
import { agentHealth } from '../host/hooks/hookHealth';
import { detectAgents, hookStatus, installHooks, uninstallEverything, uninstallHooks } from '../host/hooks/installer';
import type { AgentHookState, HookInstallOptions } from '../host/hooks/installer';
import type { LauncherTarget } from '../host/hooks/launcher';
import { airlockStateDir } from '../host/ledger/locations';
import type { CommandIo } from './io';
import { UsageError } from './io';

export const HOOKS_USAGE = `       airlock hooks install|uninstall|status [--workspace DIR] [--user] [--agents claude,cursor,copilot]
                                          (status exits 1 when a hook file is broken, with each problem)
       airlock hooks uninstall --everywhere   (every hook Airlock installed for this user, and the launcher)
`;

/**
 * `airlock hooks`: connects the agents in use to Airlock by writing their hook files (the same
 * installer as the editor's "Airlock: Connect Agents"). Exit 0 when every agent ends as asked, 1 otherwise.
 */
export function runHooksCommand(args: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): number {
  const [verb, ...rest] = args;
  if (verb !== 'install' && verb !== 'uninstall' && verb !== 'status') throw new UsageError('hooks needs install, uninstall or status');
  let workspace = process.cwd();
  let scope: HookInstallOptions['scope'] = 'workspace';
  let agents: HookAgent[] | undefined;
  if (verb === 'uninstall' && rest.length === 1 && rest[0] === '--everywhere') {
    const states = uninstallEverything(airlockStateDir(env), env.HOME || homedir());
    io.stdout.write(states.length > 0 ? report(states) : 'Airlock had no agent hooks installed.\n');
    return states.every((s) => s.state === 'not-installed') ? 0 : 1;
  }
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index] ?? '';
    if (arg === '--user') scope = 'user';
    else if (arg === '--workspace') workspace = required(rest[++index], arg);
    else if (arg.startsWith('--workspace=')) workspace = arg.slice(12);
    else if (arg === '--agents' || arg.startsWith('--agents=')) {
      const list = arg === '--agents' ? required(rest[++index], arg) : arg.slice(9);
      agents = list.split(',').map((name) => name.trim()) as HookAgent[];
      const wrong = agents.filter((agent) => !HOOK_AGENTS.includes(agent));
      if (wrong.length > 0) throw new UsageError(`unknown agent ${wrong.join(', ')}; expected ${HOOK_AGENTS.join(', ')}`);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  const home = env.HOME || homedir();
  const absolute = path.resolve(workspace);
  const chosen = agents ?? (verb === 'install' ? detectAgents(absolute, home) : [...HOOK_AGENTS]);
  const options: HookInstallOptions = { workspace: absolute, scope, home, stateRoot: airlockStateDir(env), agents: chosen };
  if (chosen.length === 0) {
    io.stdout.write('No agent found here (no .claude, .cursor, .github/hooks, ~/.claude, ~/.cursor or ~/.copilot); name them with --agents.\n');
    return 1;
  }
  if (verb === 'status') {
    // What the Agents view shows: each installed file's problems, under its line.
    const health = agentHealth({ workspace: absolute, home, stateRoot: options.stateRoot });
    const problems = (state: AgentHookState): readonly string[] => health.find((h) => h.agent === state.agent)?.files.find((f) => f.file === state.file)?.problems ?? [];
    const states = hookStatus(options);
    io.stdout.write(states.map((state) => `${report([state])}${problems(state).map((problem) => `        - ${problem}\n`).join('')}`).join(''));
    return states.every((state) => state.state !== 'unreadable' && problems(state).length === 0) ? 0 : 1;
  }
  const states = verb === 'install' ? installHooks(options, currentLauncherTarget()) : uninstallHooks(options);
  io.stdout.write(report(states));
  return states.every((s) => s.state === (verb === 'install' ? 'installed' : 'not-installed')) ? 0 : 1;
}

/** This CLI, run by this runtime: where the launcher should point. */
export function currentLauncherTarget(): LauncherTarget {
  return { cliPath: path.resolve(process.argv[1] ?? 'dist/cli.js'), runtime: process.execPath, electron: process.versions.electron !== undefined };
}

export function report(states: readonly AgentHookState[]): string {
  const note = (s: AgentHookState): string => {
    if (s.state === 'unreadable' || s.state === 'unsupported') return `  (${s.detail ?? s.state})`;
    if (s.state === 'installed' && !s.launcher) return '  (the launcher is missing: run install again)';
    if (s.agent === 'cursor' && s.state === 'installed') return '  (Airlock first: Cursor reportedly runs only the first hook of an event)';
    return '';
  };
  return `${states.map((s) => `${s.agent.padEnd(8)}${s.state.padEnd(14)}${s.file}${note(s)}`).join('\n')}\n`;
}

function required(value: string | undefined, option: string): string {
  if (value === undefined) throw new UsageError(`${option} needs a value`);
  return value;
}
