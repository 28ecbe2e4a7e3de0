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
  /** Limits of the file snapshot store (`.airlock/snapshots/`). */
  readonly snapshots: {
    /** Files larger than this are named in the ledger as too large instead of copied. */
    readonly maxFileBytes: number;
    /** Retention drops the oldest unreferenced snapshots once the store holds more than this. */
    readonly maxTotalBytes: number;
    /** Retention drops unreferenced snapshots older than this. */
    readonly maxAgeDays: number;
  };
  /** When deletions and emptied files count as a mass loss worth an alarm. */
  readonly massLoss: {
    /** This many files deleted or emptied... */
    readonly fileCount: number;
    /** ...within this many seconds raise the alarm. */
    readonly windowSeconds: number;
  };
  readonly editReview: {
    /** Edits count as the agent's for this many minutes after its last hook call. */
    readonly activeMinutes: number;
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

/**
 * Limits of the file settings. A lower snapshot limit, a higher mass-loss count, a shorter window or a
 * shorter review window protects less, so `mergeTighten` lets a workspace move each one only the other
 * way. The upper ends keep a hostile workspace from filling the disk or the memory with "tighter"
 * values.
 */
export const SNAPSHOT_FILE_BYTES_RANGE = { min: 1024, max: 1024 * 1024 * 1024 } as const;
export const SNAPSHOT_TOTAL_BYTES_RANGE = { min: 1024 * 1024, max: 64 * 1024 * 1024 * 1024 } as const;
export const SNAPSHOT_AGE_DAYS_RANGE = { min: 1, max: 3650 } as const;
export const MASS_LOSS_COUNT_RANGE = { min: 2, max: 100000 } as const;
export const MASS_LOSS_WINDOW_RANGE = { min: 1, max: 3600 } as const;
export const EDIT_REVIEW_MINUTES_RANGE = { min: 1, max: 1440 } as const;

const allOn = <K extends string>(names: readonly K[]): Record<K, boolean> =>
  Object.fromEntries(names.map((name) => [name, true])) as Record<K, boolean>;

export const DEFAULT_SETTINGS: AirlockSettings = {
  enabled: true,
  approval: { threshold: 50, timeoutSeconds: 120, typedConfirmation: true },
  // Secrets, keys and credentials; migrations, infrastructure state, CI workflows and database files,
  // which git often does not hold or cannot bring back; the repository itself and Airlock's own files.
  // Reads are never asked about: only actions that change or delete a matching path.
  protectedPaths: [
    '**/.env',
    '**/.env.*',
    '**/.env*',
    '**/*.pem',
    '**/*.key',
    '**/*.p12',
    '**/*.pfx',
    '**/*.jks',
    '**/*.keystore',
    '**/id_rsa*',
    '**/id_dsa*',
    '**/id_ecdsa*',
    '**/id_ed25519*',
    '**/credentials',
    '**/credentials.json',
    '**/.netrc',
    '**/.git-credentials',
    '**/.pgpass',
    '**/.ssh/**',
    '**/.aws/**',
    '**/migrations/**',
    '**/*.tfstate*',
    '**/.github/workflows/**',
    '**/*.sqlite*',
    '**/*.db',
    '**/.git/**',
    '**/.airlock/**',
    '**/.claude/settings*.json',
    '**/.cursor/hooks.json',
    '**/.github/hooks/**',
  ],
  productionMarkers: ['prod', 'production', 'live'],
  rules: { allow: [], ask: [], deny: [] },
  snapshots: { maxFileBytes: 50 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024, maxAgeDays: 30 },
  massLoss: { fileCount: 20, windowSeconds: 30 },
  editReview: { activeMinutes: 5 },
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
    'airlock.snapshots.maxFileBytes': settings.snapshots.maxFileBytes,
    'airlock.snapshots.maxTotalBytes': settings.snapshots.maxTotalBytes,
    'airlock.snapshots.maxAgeDays': settings.snapshots.maxAgeDays,
    'airlock.massLoss.fileCount': settings.massLoss.fileCount,
    'airlock.massLoss.windowSeconds': settings.massLoss.windowSeconds,
    'airlock.editReview.activeMinutes': settings.editReview.activeMinutes,
  };
  for (const name of GUARD_NAMES) flat[`airlock.guards.${name}`] = settings.guards[name];
  for (const name of AGENT_NAMES) flat[`airlock.agents.${name}`] = settings.agents[name];
  return flat;
}
