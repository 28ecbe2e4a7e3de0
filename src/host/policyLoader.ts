import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parsePolicyFile, POLICY_FILE } from '../core/policy/policyFile';
import type { DecisionPolicy } from '../core/policy/decide';
import { resolveSettings, toDecisionPolicy } from '../core/settings/mergeTighten';
import type { ResolvedSettings, SettingsLayer } from '../core/settings/mergeTighten';
import { airlockStateDir, findWorkspaceRoot } from './ledger/locations';

/**
 * The user's `airlock.*` settings as the extension last saw them, kept in the per-user Airlock folder
 * so hook CLIs, which cannot read VS Code's settings, decide with the same policy.
 */
export const USER_SETTINGS_FILE = 'user-settings.json';

export interface WorkspacePolicy extends ResolvedSettings {
  readonly workspaceRoot: string;
  readonly policy: DecisionPolicy;
}

export interface LoadOptions {
  readonly stateRoot?: string;
  /** Workspace and folder settings the extension read (`inspect().workspaceValue`...), applied before the policy file. */
  readonly workspaceLayers?: readonly SettingsLayer[];
}

/**
 * The policy in force for the workspace that contains `dir`: the user's settings, tightened by the
 * workspace's settings and `.airlock/policy.json`. Never throws; what could not be read is listed in
 * `problems`, and what would have loosened protection in `ignored`.
 */
export function loadWorkspacePolicy(dir: string, options: LoadOptions = {}): WorkspacePolicy {
  const workspaceRoot = findWorkspaceRoot(dir);
  const problems: string[] = [];
  const user = readJson(join(options.stateRoot ?? airlockStateDir(), USER_SETTINGS_FILE), problems);
  const layers: SettingsLayer[] = [...(options.workspaceLayers ?? [])];
  const policyText = readText(join(workspaceRoot, POLICY_FILE), problems);
  if (policyText !== undefined) {
    const parsed = parsePolicyFile(policyText);
    problems.push(...parsed.problems);
    // The policy file is parsed into settings shape already; resolveSettings re-parses it harmlessly.
    layers.push({ label: POLICY_FILE, raw: parsed.value });
  }
  const resolved = resolveSettings(user ?? {}, layers);
  return {
    workspaceRoot,
    settings: resolved.settings,
    ignored: resolved.ignored,
    problems: [...problems, ...resolved.problems],
    policy: toDecisionPolicy(resolved.settings),
  };
}

/** Saves the user's settings for the CLI; the extension calls it on start and on every change. */
export function saveUserSettings(raw: unknown, stateRoot: string = airlockStateDir()): void {
  const file = join(stateRoot, USER_SETTINGS_FILE);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

function readText(file: string, problems: string[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`${file}: ${(error as Error).message}`);
    return undefined;
  }
}

function readJson(file: string, problems: string[]): unknown {
  const text = readText(file, problems);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    problems.push(`${file} is not valid JSON (${(error as Error).message}); the defaults apply`);
    return undefined;
  }
}
