import type { DecisionPolicy } from '../policy/decide';
import type { PolicyRule } from '../policy/rules';
import { parseSettings, parseSettingsOverlay } from './parseSettings';
import type { SettingsOverlay } from './parseSettings';
import { AGENT_NAMES, GUARD_NAMES } from './settings';
import type { AirlockSettings } from './settings';

export interface Tightened {
  readonly settings: AirlockSettings;
  /**
   * Every workspace value that would have weakened protection, with why it was ignored. A cloned
   * repository trying this is worth showing and recording.
   */
  readonly ignored: readonly string[];
}

const union = (a: readonly string[], b: readonly string[] | undefined): readonly string[] =>
  b ? [...new Set([...a, ...b])] : a;

/**
 * Applies a workspace's settings or policy file on top of the user's, keeping only what tightens:
 * a lower threshold or timeout, more protected paths, markers and ask/deny rules, switches turned on,
 * larger snapshot limits, a more sensitive mass-loss alarm, a longer edit review.
 * Anything that would loosen (a higher threshold, switching Airlock, a layer or an agent off, an allow
 * rule) is dropped and reported, because everything in a workspace can be written by a cloned
 * repository or by the agent itself.
 */
export function mergeTighten(user: AirlockSettings, workspace: SettingsOverlay, label = 'workspace'): Tightened {
  const ignored: string[] = [];
  const loosen = (key: string, why: string): void => {
    ignored.push(`${label}: airlock.${key} ${why}; ignored because a workspace can only tighten`);
  };

  if (workspace.enabled === false && user.enabled) loosen('enabled', 'would switch Airlock off');
  const threshold = workspace.approval?.threshold;
  if (threshold !== undefined && threshold > user.approval.threshold) {
    loosen('approval.threshold', `${threshold} would raise the user's ${user.approval.threshold}`);
  }
  const timeout = workspace.approval?.timeoutSeconds;
  if (timeout !== undefined && timeout > user.approval.timeoutSeconds) {
    loosen('approval.timeoutSeconds', `${timeout} would lengthen the user's ${user.approval.timeoutSeconds}`);
  }
  if (workspace.approval?.typedConfirmation === false && user.approval.typedConfirmation) {
    loosen('approval.typedConfirmation', 'would drop typed confirmation');
  }
  // For each file limit, the direction that protects more: bigger snapshots kept longer, an alarm
  // from fewer files over a longer window, a longer edit review.
  const limit = (key: string, mine: number, theirs: number | undefined, protectsMore: 'higher' | 'lower'): number => {
    if (theirs === undefined || theirs === mine) return mine;
    if ((theirs > mine) === (protectsMore === 'higher')) return theirs;
    loosen(key, `${theirs} would ${protectsMore === 'higher' ? 'lower' : 'raise'} the user's ${mine}`);
    return mine;
  };
  const snapshots = {
    maxFileBytes: limit('snapshots.maxFileBytes', user.snapshots.maxFileBytes, workspace.snapshots?.maxFileBytes, 'higher'),
    maxTotalBytes: limit('snapshots.maxTotalBytes', user.snapshots.maxTotalBytes, workspace.snapshots?.maxTotalBytes, 'higher'),
    maxAgeDays: limit('snapshots.maxAgeDays', user.snapshots.maxAgeDays, workspace.snapshots?.maxAgeDays, 'higher'),
  };
  const massLoss = {
    fileCount: limit('massLoss.fileCount', user.massLoss.fileCount, workspace.massLoss?.fileCount, 'lower'),
    windowSeconds: limit('massLoss.windowSeconds', user.massLoss.windowSeconds, workspace.massLoss?.windowSeconds, 'higher'),
  };
  const editReview = {
    activeMinutes: limit('editReview.activeMinutes', user.editReview.activeMinutes, workspace.editReview?.activeMinutes, 'higher'),
  };
  const allow = workspace.rules?.allow ?? [];
  if (allow.length > 0) loosen('rules.allow', `has ${allow.length} allow rule(s) (${allow.map((r) => r.id).join(', ')})`);

  const on = <K extends string>(group: string, names: readonly K[], mine: Readonly<Record<K, boolean>>, theirs?: Partial<Record<K, boolean>>) => {
    const out = { ...mine } as Record<K, boolean>;
    for (const name of names) {
      if (theirs?.[name] === true) out[name] = true;
      else if (theirs?.[name] === false && mine[name]) loosen(`${group}.${name}`, 'would switch it off');
    }
    return out;
  };

  const asWorkspace = (rules: readonly PolicyRule[] | undefined): readonly PolicyRule[] =>
    (rules ?? []).map((rule) => ({ ...rule, origin: 'workspace' as const }));

  const settings: AirlockSettings = {
    enabled: user.enabled || workspace.enabled === true,
    approval: {
      threshold: Math.min(user.approval.threshold, threshold ?? Infinity),
      timeoutSeconds: Math.min(user.approval.timeoutSeconds, timeout ?? Infinity),
      typedConfirmation: user.approval.typedConfirmation || workspace.approval?.typedConfirmation === true,
    },
    protectedPaths: union(user.protectedPaths, workspace.protectedPaths),
    productionMarkers: union(user.productionMarkers, workspace.productionMarkers),
    rules: {
      allow: user.rules.allow,
      ask: [...user.rules.ask, ...asWorkspace(workspace.rules?.ask)],
      deny: [...user.rules.deny, ...asWorkspace(workspace.rules?.deny)],
    },
    snapshots,
    massLoss,
    editReview,
    guards: on('guards', GUARD_NAMES, user.guards, workspace.guards),
    agents: on('agents', AGENT_NAMES, user.agents, workspace.agents),
  };
  return { settings, ignored };
}

export interface SettingsLayer {
  /** Shown in problems, e.g. `workspace settings` or `.airlock/policy.json`. */
  readonly label: string;
  readonly raw: unknown;
}

export interface ResolvedSettings extends Tightened {
  readonly problems: readonly string[];
}

/**
 * The settings in force: the user's, tightened by each workspace layer in turn (workspace settings,
 * folder settings, the team policy file). What the extension and the CLI both call.
 */
export function resolveSettings(userRaw: unknown, layers: readonly SettingsLayer[] = []): ResolvedSettings {
  const user = parseSettings(userRaw);
  const problems = [...user.problems];
  const ignored: string[] = [];
  let settings = user.value;
  for (const layer of layers) {
    const parsed = parseSettingsOverlay(layer.raw, 'workspace');
    problems.push(...parsed.problems.map((problem) => `${layer.label}: ${problem}`));
    const merged = mergeTighten(settings, parsed.value, layer.label);
    settings = merged.settings;
    ignored.push(...merged.ignored);
  }
  return { settings, ignored, problems };
}

/** The part of the settings `decide` needs. */
export function toDecisionPolicy(settings: AirlockSettings): DecisionPolicy {
  return {
    approvalThreshold: settings.approval.threshold,
    enabled: settings.enabled,
    rules: [...settings.rules.deny, ...settings.rules.ask, ...settings.rules.allow],
    protectedPaths: settings.protectedPaths,
    typedConfirmation: settings.approval.typedConfirmation,
  };
}
