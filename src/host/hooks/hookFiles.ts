import * as path from 'node:path';
import type { HookAgent } from '../../core/hooks/payload';
import { HOOK_MARKER, HOOK_TIMEOUT_S } from './launcher';

export type HookScope = 'workspace' | 'user';
type Json = Record<string, unknown>;

/** How one agent's hook file holds Airlock's entries. */
export interface HookFileSpec {
  readonly agent: HookAgent;
  readonly file: string;
  /** The file's JSON with Airlock's entries first and up to date, everything else kept. */
  merge(existing: Json | undefined, command: string): Json;
  /** The file's JSON without Airlock's entries, and without the containers that held only them. */
  remove(existing: Json): Json;
  /** Whether the file holds Airlock's entries exactly as `merge` writes them. */
  state(existing: Json | undefined, command: string): 'installed' | 'outdated' | 'not-installed';
  /** What is wrong with Airlock's entries in a file that holds some, in a person's words; empty when right. */
  problems(existing: Json, command: string): string[];
}

/** Events Airlock answers in Cursor; `preToolUse` only for what the `before*` events do not cover. */
const CURSOR_EVENTS: Record<string, Json> = {
  beforeShellExecution: {},
  beforeMCPExecution: {},
  beforeReadFile: {},
  preToolUse: { matcher: 'Write|Delete' },
};

export function hookFileSpec(agent: HookAgent, scope: HookScope, workspace: string, home: string): HookFileSpec {
  switch (agent) {
    case 'claude':
      return {
        agent,
        // The local file is not committed, so a teammate never inherits `onFailure: "block"` on a missing launcher.
        file: scope === 'user' ? path.join(home, '.claude', 'settings.json') : path.join(workspace, '.claude', 'settings.local.json'),
        merge: (existing, command) => withEntries(existing ?? {}, { PreToolUse: claudeGroup(command) }),
        remove: (existing) => withoutOurs(existing),
        state: (existing, command) => entriesState(existing, { PreToolUse: claudeGroup(command) }),
        problems: (existing, command) => entryProblems(agent, existing, { PreToolUse: claudeGroup(command) }),
      };
    case 'cursor': {
      const entries = (command: string): Record<string, Json> =>
        Object.fromEntries(Object.entries(CURSOR_EVENTS).map(([event, extra]) => [event, { command, ...extra, timeout: HOOK_TIMEOUT_S, failClosed: true }]));
      return {
        agent,
        file: scope === 'user' ? path.join(home, '.cursor', 'hooks.json') : path.join(workspace, '.cursor', 'hooks.json'),
        // Without a numeric `version` Cursor silently loads no hooks at all.
        merge: (existing, command) => withEntries({ ...(existing ?? {}), version: typeof existing?.version === 'number' ? existing.version : 1 }, entries(command)),
        remove: (existing) => withoutOurs(existing),
        state: (existing, command) => (typeof existing?.version === 'number' ? entriesState(existing, entries(command)) : existing && hasOurs(existing) ? 'outdated' : 'not-installed'),
        problems: (existing, command) => [
          ...(typeof existing.version === 'number' ? [] : ['"version": 1 is missing, and without it Cursor loads no hooks from this file']),
          ...entryProblems(agent, existing, entries(command)),
        ],
      };
    }
    case 'copilot': {
      // VS Code's local harness reads `PreToolUse` with `command`; the Copilot harness (and Copilot CLI)
      // reads `preToolUse` with `bash`. One action reaching both is answered once (see answerCache.ts).
      const entries = (command: string): Record<string, Json> => ({
        PreToolUse: { type: 'command', command, timeout: HOOK_TIMEOUT_S },
        preToolUse: { type: 'command', bash: command, timeoutSec: HOOK_TIMEOUT_S },
      });
      return {
        agent,
        file: scope === 'user' ? path.join(home, '.copilot', 'hooks', 'airlock.json') : path.join(workspace, '.github', 'hooks', 'airlock.json'),
        merge: (existing, command) => withEntries({ version: 1, ...(existing ?? {}) }, entries(command)),
        remove: (existing) => withoutOurs(existing),
        state: (existing, command) => entriesState(existing, entries(command)),
        problems: (existing, command) => entryProblems(agent, existing, entries(command)),
      };
    }
  }
}

function claudeGroup(command: string): Json {
  return { matcher: '*', hooks: [{ type: 'command', command, timeout: HOOK_TIMEOUT_S, onFailure: 'block' }] };
}

function isOurs(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(HOOK_MARKER);
}

function hasOurs(settings: Json): boolean {
  return isOurs(settings.hooks);
}

/** Removes Airlock's entries from one event's list: whole entries, or our hook inside someone's group. */
function stripList(list: readonly unknown[]): unknown[] {
  const kept: unknown[] = [];
  for (const entry of list) {
    if (!isOurs(entry)) {
      kept.push(entry);
      continue;
    }
    const group = entry as Json;
    if (Array.isArray(group.hooks) && group.hooks.some((hook) => !isOurs(hook))) kept.push({ ...group, hooks: group.hooks.filter((hook) => !isOurs(hook)) });
  }
  return kept;
}

/** Airlock's entry goes first in each event: Cursor reportedly runs only the first hook of an array. */
function withEntries(settings: Json, entries: Record<string, Json>): Json {
  const hooks: Json = isObject(settings.hooks) ? { ...settings.hooks } : {};
  for (const [event, entry] of Object.entries(entries)) {
    const list = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    hooks[event] = [entry, ...stripList(list)];
  }
  return { ...settings, hooks };
}

function withoutOurs(settings: Json): Json {
  if (!isObject(settings.hooks)) return settings;
  const hooks: Json = {};
  for (const [event, list] of Object.entries(settings.hooks)) {
    if (!Array.isArray(list)) {
      hooks[event] = list;
      continue;
    }
    const kept = stripList(list);
    if (kept.length > 0 || !list.some(isOurs)) hooks[event] = kept;
  }
  return { ...settings, hooks };
}

function entriesState(existing: Json | undefined, entries: Record<string, Json>): 'installed' | 'outdated' | 'not-installed' {
  if (!existing || !hasOurs(existing)) return 'not-installed';
  const hooks = existing.hooks as Json;
  const current = Object.entries(entries).every(([event, entry]) => Array.isArray(hooks[event]) && JSON.stringify((hooks[event] as unknown[])[0]) === JSON.stringify(entry));
  return current ? 'installed' : 'outdated';
}

/**
 * Compares each event's Airlock entry with what install writes, and names what differs in the terms
 * that matter: missing, not first (Cursor), no longer failing closed, or otherwise changed.
 */
function entryProblems(agent: HookAgent, settings: Json, entries: Record<string, Json>): string[] {
  const hooks: Json = isObject(settings.hooks) ? settings.hooks : {};
  const problems: string[] = [];
  for (const [event, expected] of Object.entries(entries)) {
    const list = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    const index = list.findIndex(isOurs);
    if (index < 0) {
      problems.push(`no Airlock hook on ${event}, so those actions are not checked`);
      continue;
    }
    if (agent === 'cursor' && index > 0) problems.push(`Airlock's ${event} hook is not first, and Cursor reportedly runs only the first`);
    if (list.filter(isOurs).length > 1) problems.push(`${event} holds Airlock's hook more than once`);
    const actual = list[index];
    if (sameJson(actual, expected)) continue;
    const failClosed = agent === 'cursor' ? (actual as Json).failClosed === true : agent === 'claude' ? ourHooks(actual).every((hook) => hook.onFailure === 'block') : true;
    if (!failClosed) problems.push(`${event} no longer fails closed (${agent === 'cursor' ? 'failClosed' : 'onFailure: "block"'} is missing), so a hook that crashes or times out lets the action through`);
    const changed = (agent === 'claude'
      ? [...changedKeys({ ...(actual as Json), hooks: undefined }, { ...expected, hooks: undefined }), ...changedKeys(ourHooks(actual)[0], ourHooks(expected)[0])]
      : changedKeys(actual, expected)
    ).filter((key) => key !== 'failClosed' && key !== 'onFailure');
    if (changed.length > 0) problems.push(`Airlock's ${event} entry was changed (${changed.join(', ')})`);
  }
  return problems;
}

/** Airlock's hooks inside a Claude matcher group. */
function ourHooks(group: unknown): Json[] {
  const hooks = isObject(group) && Array.isArray(group.hooks) ? group.hooks : [];
  return hooks.filter((hook): hook is Json => isObject(hook) && isOurs(hook));
}

function changedKeys(actual: unknown, expected: unknown): string[] {
  const a: Json = isObject(actual) ? actual : {};
  const b: Json = isObject(expected) ? expected : {};
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => !sameJson(a[key], b[key]));
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
