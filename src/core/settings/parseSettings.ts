import { parseRule } from '../policy/rules';
import type { Decision, PolicyRule, RuleOrigin } from '../policy/rules';
import {
  AGENT_NAMES,
  DEFAULT_SETTINGS,
  EDIT_REVIEW_MINUTES_RANGE,
  GUARD_NAMES,
  MASS_LOSS_COUNT_RANGE,
  MASS_LOSS_WINDOW_RANGE,
  SNAPSHOT_AGE_DAYS_RANGE,
  SNAPSHOT_FILE_BYTES_RANGE,
  SNAPSHOT_TOTAL_BYTES_RANGE,
  THRESHOLD_RANGE,
  TIMEOUT_RANGE,
} from './settings';
import type { AgentName, AirlockSettings, GuardName } from './settings';

/**
 * Settings given by one layer (the user's, a workspace's, a policy file), holding only the keys it
 * sets. Merging layers is `mergeTighten`'s job.
 */
export interface SettingsOverlay {
  enabled?: boolean;
  approval?: { threshold?: number; timeoutSeconds?: number; typedConfirmation?: boolean };
  protectedPaths?: readonly string[];
  productionMarkers?: readonly string[];
  rules?: { allow?: readonly PolicyRule[]; ask?: readonly PolicyRule[]; deny?: readonly PolicyRule[] };
  snapshots?: { maxFileBytes?: number; maxTotalBytes?: number; maxAgeDays?: number };
  massLoss?: { fileCount?: number; windowSeconds?: number };
  editReview?: { activeMinutes?: number };
  guards?: Partial<Record<GuardName, boolean>>;
  agents?: Partial<Record<AgentName, boolean>>;
}

export interface Parsed<T> {
  readonly value: T;
  /** Every value that was ignored and why; a bad value never stops the rest from loading. */
  readonly problems: readonly string[];
}

/**
 * Accepts settings in any of the shapes they arrive in: nested (`{approval: {threshold: 40}}`), dotted
 * (`{"approval.threshold": 40}`), or with the `airlock.` prefix, and returns flat keys without it.
 */
function flatten(raw: unknown, prefix: string, out: Map<string, unknown>): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!prefix && key === 'airlock') {
      flatten(value, '', out);
      continue;
    }
    const name = prefix ? `${prefix}.${key}` : key.replace(/^airlock\./, '');
    // `rules` is an object value in its own right; everything else nests only to group keys.
    if (name !== 'rules' && value !== null && typeof value === 'object' && !Array.isArray(value)) flatten(value, name, out);
    else out.set(name, value);
  }
}

const KNOWN_KEYS = new Set([
  'enabled',
  'approval.threshold',
  'approval.timeoutSeconds',
  'approval.typedConfirmation',
  'protectedPaths',
  'productionMarkers',
  'rules',
  'snapshots.maxFileBytes',
  'snapshots.maxTotalBytes',
  'snapshots.maxAgeDays',
  'massLoss.fileCount',
  'massLoss.windowSeconds',
  'editReview.activeMinutes',
  ...GUARD_NAMES.map((name) => `guards.${name}`),
  ...AGENT_NAMES.map((name) => `agents.${name}`),
]);

/** Parses one layer of settings, keeping only the keys it sets with valid values. Never throws. */
export function parseSettingsOverlay(raw: unknown, origin: RuleOrigin = 'user'): Parsed<SettingsOverlay> {
  const problems: string[] = [];
  const flat = new Map<string, unknown>();
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    problems.push(`settings must be an object, not ${describe(raw)}`);
  }
  flatten(raw, '', flat);
  for (const key of flat.keys()) if (!KNOWN_KEYS.has(key)) problems.push(`airlock.${key}: unknown setting, ignored`);

  const bool = (key: string): boolean | undefined => {
    const value = flat.get(key);
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    problems.push(`airlock.${key}: expected true or false, not ${describe(value)}`);
    return undefined;
  };
  const number = (key: string, range: { min: number; max: number }): number | undefined => {
    const value = flat.get(key);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value >= range.min && value <= range.max) return value;
    problems.push(`airlock.${key}: expected a number from ${range.min} to ${range.max}, not ${describe(value)}`);
    return undefined;
  };
  // Sizes, counts and windows are whole numbers, as package.json declares them.
  const integer = (key: string, range: { min: number; max: number }): number | undefined => {
    const value = flat.get(key);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) return value;
    problems.push(`airlock.${key}: expected a whole number from ${range.min} to ${range.max}, not ${describe(value)}`);
    return undefined;
  };
  const strings = (key: string): string[] | undefined => {
    const value = flat.get(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      problems.push(`airlock.${key}: expected a list of strings, not ${describe(value)}`);
      return undefined;
    }
    const good = value.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
    if (good.length !== value.length) problems.push(`airlock.${key}: entries that are not non-empty strings are ignored`);
    return good;
  };

  const overlay: SettingsOverlay = {};
  const enabled = bool('enabled');
  if (enabled !== undefined) overlay.enabled = enabled;
  const approval: NonNullable<SettingsOverlay['approval']> = {};
  const threshold = number('approval.threshold', THRESHOLD_RANGE);
  if (threshold !== undefined) approval.threshold = threshold;
  const timeout = number('approval.timeoutSeconds', TIMEOUT_RANGE);
  if (timeout !== undefined) approval.timeoutSeconds = timeout;
  const typed = bool('approval.typedConfirmation');
  if (typed !== undefined) approval.typedConfirmation = typed;
  if (Object.keys(approval).length > 0) overlay.approval = approval;
  const protectedPaths = strings('protectedPaths');
  if (protectedPaths) overlay.protectedPaths = protectedPaths;
  const markers = strings('productionMarkers');
  if (markers) overlay.productionMarkers = markers;
  const rules = parseRules(flat.get('rules'), origin, problems);
  if (rules) overlay.rules = rules;
  const snapshots = group({
    maxFileBytes: integer('snapshots.maxFileBytes', SNAPSHOT_FILE_BYTES_RANGE),
    maxTotalBytes: integer('snapshots.maxTotalBytes', SNAPSHOT_TOTAL_BYTES_RANGE),
    maxAgeDays: integer('snapshots.maxAgeDays', SNAPSHOT_AGE_DAYS_RANGE),
  });
  if (snapshots) overlay.snapshots = snapshots;
  const massLoss = group({
    fileCount: integer('massLoss.fileCount', MASS_LOSS_COUNT_RANGE),
    windowSeconds: integer('massLoss.windowSeconds', MASS_LOSS_WINDOW_RANGE),
  });
  if (massLoss) overlay.massLoss = massLoss;
  const editReview = group({ activeMinutes: integer('editReview.activeMinutes', EDIT_REVIEW_MINUTES_RANGE) });
  if (editReview) overlay.editReview = editReview;
  const guards = switches(GUARD_NAMES, 'guards', bool);
  if (guards) overlay.guards = guards;
  const agents = switches(AGENT_NAMES, 'agents', bool);
  if (agents) overlay.agents = agents;
  return { value: overlay, problems };
}

/** The values that were given, or undefined when none was. */
function group<T extends Record<string, number | undefined>>(values: T): Partial<Record<keyof T, number>> | undefined {
  const given = Object.entries(values).filter(([, value]) => value !== undefined);
  return given.length > 0 ? (Object.fromEntries(given) as Partial<Record<keyof T, number>>) : undefined;
}

function switches<K extends string>(
  names: readonly K[],
  group: string,
  bool: (key: string) => boolean | undefined,
): Partial<Record<K, boolean>> | undefined {
  const out: Partial<Record<K, boolean>> = {};
  for (const name of names) {
    const value = bool(`${group}.${name}`);
    if (value !== undefined) out[name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const DECISIONS: readonly Decision[] = ['allow', 'ask', 'deny'];

function parseRules(raw: unknown, origin: RuleOrigin, problems: string[]): SettingsOverlay['rules'] | undefined {
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`airlock.rules: expected {"allow": [...], "ask": [...], "deny": [...]}, not ${describe(raw)}`);
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  const out: { allow?: PolicyRule[]; ask?: PolicyRule[]; deny?: PolicyRule[] } = {};
  for (const key of Object.keys(obj)) {
    if (!DECISIONS.includes(key as Decision)) problems.push(`airlock.rules.${key}: unknown decision, ignored`);
  }
  for (const decision of DECISIONS) {
    const list = obj[decision];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`airlock.rules.${decision}: expected a list of rules`);
      continue;
    }
    out[decision] = list.flatMap((item, index) => parseRule(item, decision, origin, `${origin}.${decision}.${index + 1}`, problems) ?? []);
  }
  return out;
}

/** Parses the user's settings into the full typed object; anything missing or bad takes its default. */
export function parseSettings(raw: unknown): Parsed<AirlockSettings> {
  const { value: o, problems } = parseSettingsOverlay(raw, 'user');
  const d = DEFAULT_SETTINGS;
  const value: AirlockSettings = {
    enabled: o.enabled ?? d.enabled,
    approval: {
      threshold: o.approval?.threshold ?? d.approval.threshold,
      timeoutSeconds: o.approval?.timeoutSeconds ?? d.approval.timeoutSeconds,
      typedConfirmation: o.approval?.typedConfirmation ?? d.approval.typedConfirmation,
    },
    protectedPaths: o.protectedPaths ?? d.protectedPaths,
    productionMarkers: o.productionMarkers ?? d.productionMarkers,
    rules: {
      allow: o.rules?.allow ?? d.rules.allow,
      ask: o.rules?.ask ?? d.rules.ask,
      deny: o.rules?.deny ?? d.rules.deny,
    },
    snapshots: { ...d.snapshots, ...o.snapshots },
    massLoss: { ...d.massLoss, ...o.massLoss },
    editReview: { ...d.editReview, ...o.editReview },
    guards: { ...d.guards, ...o.guards },
    agents: { ...d.agents, ...o.agents },
  };
  return { value, problems };
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
