import type { PolicyRule } from '../policy/rules';

/**
 * Every `airlock.*` setting, parsed once into one typed object. `package.json`
 * `contributes.configuration` declares the same keys and defaults; `test/unit/settings.test.ts`
 * keeps the two in step.
 */
export interface AirlockSettings {
  readonly enabled: boolean;
  readonly approval: {
    /** Scores at or above this need a person's approval (0-100). */
    readonly threshold: number;
    /** How long an approval waits for a person before it is denied. */
    readonly timeoutSeconds: number;
    /** Critical actions are approved only by typing the resource name. */
    readonly typedConfirmation: boolean;
  };
  /** Minimatch globs; any action that affects a matching path asks. */
  readonly protectedPaths: readonly string[];
  /** Words that mark production in host names, contexts, environments and variable names. */
  readonly productionMarkers: readonly string[];
  readonly rules: {
    readonly allow: readonly PolicyRule[];
    readonly ask: readonly PolicyRule[];
    readonly deny: readonly PolicyRule[];
  };
  /** Per-layer switches (see DESIGN.md, "The interception layers"). */
  readonly guards: Readonly<Record<GuardName, boolean>>;
  /** Per-agent integrations: whether Airlock installs and answers that agent's hooks. */
  readonly agents: Readonly<Record<AgentName, boolean>>;
}

export const GUARD_NAMES = ['agentHooks', 'shellGuard', 'pathShims', 'files', 'observers'] as const;
export type GuardName = (typeof GUARD_NAMES)[number];

export const AGENT_NAMES = ['claude', 'cursor', 'copilot', 'gemini', 'codex', 'windsurf'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export const THRESHOLD_RANGE = { min: 0, max: 100 } as const;
/** Below ten seconds nobody can read an approval view; above an hour an agent is stuck for good. */
export const TIMEOUT_RANGE = { min: 10, max: 3600 } as const;

const allOn = <K extends string>(names: readonly K[]): Record<K, boolean> =>
  Object.fromEntries(names.map((name) => [name, true])) as Record<K, boolean>;

export const DEFAULT_SETTINGS: AirlockSettings = {
  enabled: true,
  approval: { threshold: 50, timeoutSeconds: 120, typedConfirmation: true },
  protectedPaths: [
    '**/.env',
    '**/.env.*',
    '**/*.pem',
    '**/*.key',
    '**/id_rsa*',
    '**/id_ed25519*',
    '**/.ssh/**',
    '**/.git/**',
    '**/.airlock/**',
  ],
  productionMarkers: ['prod', 'production', 'live'],
  rules: { allow: [], ask: [], deny: [] },
  guards: allOn(GUARD_NAMES),
  agents: allOn(AGENT_NAMES),
};

/**
 * The settings as flat `airlock.*` keys with plain JSON values, the shape `package.json` declares.
 * Rules are written back in their object form.
 */
export function flattenSettings(settings: AirlockSettings): Record<string, unknown> {
  const plainRules = (rules: readonly PolicyRule[]): unknown[] =>
    rules.map(({ decision: _decision, origin: _origin, ...rest }) => rest);
  const flat: Record<string, unknown> = {
    'airlock.enabled': settings.enabled,
    'airlock.approval.threshold': settings.approval.threshold,
    'airlock.approval.timeoutSeconds': settings.approval.timeoutSeconds,
    'airlock.approval.typedConfirmation': settings.approval.typedConfirmation,
    'airlock.protectedPaths': [...settings.protectedPaths],
    'airlock.productionMarkers': [...settings.productionMarkers],
    'airlock.rules': {
      allow: plainRules(settings.rules.allow),
      ask: plainRules(settings.rules.ask),
      deny: plainRules(settings.rules.deny),
    },
  };
  for (const name of GUARD_NAMES) flat[`airlock.guards.${name}`] = settings.guards[name];
  for (const name of AGENT_NAMES) flat[`airlock.agents.${name}`] = settings.agents[name];
  return flat;
}
