import { minimatch } from 'minimatch';
import type { Assessment } from '../assessment';

export type Decision = 'allow' | 'ask' | 'deny';

/** Who wrote a rule. Workspace rules come from files an agent can edit, so they may only tighten. */
export type RuleOrigin = 'user' | 'workspace';

/**
 * One allow, ask or deny rule from `airlock.rules` or `.airlock/policy.json`. Every criterion that is
 * present must match; a rule with no criterion is rejected when parsed, because an allow rule that
 * matches everything would switch Airlock off.
 */
export interface PolicyRule {
  readonly id: string;
  readonly decision: Decision;
  readonly origin: RuleOrigin;
  /** Glob over the command line: `*` is any text, `?` one character. */
  readonly command?: string;
  /** Glob over the assessment's rule ids, such as `git.*` or `db.drop-table`. */
  readonly rule?: string;
  /** Minimatch glob over the paths the action affects, relative to the workspace or absolute. */
  readonly path?: string;
  /** Glob over where the request came from: `agent-hook`, `shell-guard`, `shim`, `task`, `file`. */
  readonly source?: string;
  /** Glob over the agent the request claims to come from: `claude`, `cursor`, `copilot`... */
  readonly agent?: string;
  /** Shown to the person and written to the ledger. */
  readonly reason?: string;
}

/** What a rule is matched against. */
export interface RuleSubject {
  readonly command?: string;
  readonly source?: string;
  readonly agent?: string;
  /** Absolute paths the action affects. */
  readonly paths: readonly string[];
  readonly workspaceRoot?: string;
}

const CRITERIA = ['command', 'rule', 'path', 'source', 'agent'] as const;

/**
 * Parses one rule as written in settings or the policy file: a bare string is a command pattern, an
 * object names its criteria. Returns undefined (with a problem) for anything else.
 */
export function parseRule(
  raw: unknown,
  decision: Decision,
  origin: RuleOrigin,
  fallbackId: string,
  problems: string[],
): PolicyRule | undefined {
  if (typeof raw === 'string') {
    if (raw.trim() === '') {
      problems.push(`${fallbackId}: an empty command pattern is ignored`);
      return undefined;
    }
    return { id: fallbackId, decision, origin, command: raw };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${fallbackId}: a rule is a command pattern or an object, not ${JSON.stringify(raw)}`);
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  const rule: { -readonly [K in keyof PolicyRule]: PolicyRule[K] } = { id: fallbackId, decision, origin };
  if (typeof obj.id === 'string' && obj.id.trim() !== '') rule.id = obj.id.trim();
  if (typeof obj.reason === 'string') rule.reason = obj.reason;
  for (const key of CRITERIA) {
    const value = obj[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${rule.id}: "${key}" must be a non-empty string`);
      return undefined;
    }
    rule[key] = value;
  }
  if (!CRITERIA.some((key) => rule[key] !== undefined)) {
    problems.push(`${rule.id}: a rule needs at least one of ${CRITERIA.join(', ')}`);
    return undefined;
  }
  return rule;
}

const escapeRegExp = (text: string): string => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');

// In allow rules `*` must not reach across shell operators, or `npm run *` would allow
// `npm run x; rm -rf ~` (a bypass the peer guards have had).
const SAFE_CHAR = "[^;&|\\n`$()<>]";

/** A glob of `*` and `?` as an anchored regular expression; `safe` keeps wildcards inside one command. */
function wildcard(pattern: string, safe: boolean): RegExp {
  const one = safe ? SAFE_CHAR : '.';
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? `${one}*` : ch === '?' ? one : escapeRegExp(ch)))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

const normalizeCommand = (command: string): string => command.replace(/\s+/g, ' ').trim();

/** The simple commands of a line, split on list and pipe operators, for deny and ask rules. */
function segments(command: string): string[] {
  return command
    .split(/&&|\|\||[;|\n&`]|\$\(|[()]/)
    .map((part) => normalizeCommand(part))
    .filter((part) => part !== '');
}

function matchesCommand(rule: PolicyRule, command: string | undefined): boolean {
  if (rule.command === undefined) return true;
  if (command === undefined) return false;
  const whole = normalizeCommand(command);
  const pattern = normalizeCommand(rule.command);
  if (rule.decision === 'allow') return wildcard(pattern, true).test(whole);
  const re = wildcard(pattern, false);
  return re.test(whole) || segments(command).some((part) => re.test(part));
}

function matchesRuleIds(rule: PolicyRule, assessment: Assessment): boolean {
  if (rule.rule === undefined) return true;
  const re = wildcard(rule.rule, false);
  const ids = assessment.reasons.filter((reason) => reason.score > 0).map((reason) => reason.rule);
  // An allow rule must cover every reason, or allowing one rule would also wave through the others.
  if (rule.decision === 'allow') return ids.length > 0 && ids.every((id) => re.test(id));
  return ids.some((id) => re.test(id));
}

/** Both forms of a path a glob may be written against: relative to the workspace, and absolute. */
export function pathForms(path: string, workspaceRoot: string | undefined): string[] {
  const abs = path.replace(/\\/g, '/');
  const forms = [abs];
  if (workspaceRoot !== undefined) {
    const root = workspaceRoot.replace(/\\/g, '/').replace(/\/+$/, '');
    if (abs === root) forms.push('.');
    else if (abs.startsWith(`${root}/`)) forms.push(abs.slice(root.length + 1));
  }
  return forms;
}

/**
 * How every path glob of Airlock is read (policy rules, protected paths, the file guards): dot files
 * match, case matters, and a pattern without a slash matches the base name anywhere.
 */
export function pathGlobOptions(glob: string): { dot: boolean; matchBase: boolean; nocase: boolean } {
  return { dot: true, matchBase: !glob.includes('/'), nocase: false };
}

/** Whether a minimatch glob covers a path; patterns without a slash match the base name anywhere. */
export function globMatchesPath(glob: string, path: string, workspaceRoot: string | undefined): boolean {
  return pathForms(path, workspaceRoot).some((form) => minimatch(form, glob, pathGlobOptions(glob)));
}

function matchesPaths(rule: PolicyRule, subject: RuleSubject): boolean {
  if (rule.path === undefined) return true;
  const glob = rule.path;
  const hits = subject.paths.map((p) => globMatchesPath(glob, p, subject.workspaceRoot));
  // As with rule ids, an allow rule must cover every affected path.
  if (rule.decision === 'allow') return hits.length > 0 && hits.every(Boolean);
  return hits.some(Boolean);
}

function matchesText(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined) return true;
  return value !== undefined && wildcard(pattern, false).test(value);
}

/** Whether every criterion of the rule matches this action. */
export function ruleMatches(rule: PolicyRule, assessment: Assessment, subject: RuleSubject): boolean {
  return (
    matchesText(rule.source, subject.source) &&
    matchesText(rule.agent, subject.agent) &&
    matchesRuleIds(rule, assessment) &&
    matchesPaths(rule, subject) &&
    matchesCommand(rule, subject.command)
  );
}
