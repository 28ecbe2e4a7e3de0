import { parseSettingsOverlay } from '../settings/parseSettings';
import type { Parsed, SettingsOverlay } from '../settings/parseSettings';

/** Where a workspace keeps its team policy, relative to the workspace root. Meant to be committed. */
export const POLICY_FILE = '.airlock/policy.json';

/**
 * Parses `.airlock/policy.json`. It has the shape of the `airlock.*` settings (`approval`,
 * `protectedPaths`, `productionMarkers`, `rules`, `guards`, `agents`), and `rules` may also be one list
 * of rules that each name their `decision`, which reads better in a team file. Never throws: a file that
 * is not JSON yields no policy and a problem, since a broken policy file must be seen, not crash a hook.
 */
export function parsePolicyFile(text: string): Parsed<SettingsOverlay> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { value: {}, problems: [`${POLICY_FILE} is not valid JSON: ${(error as Error).message}`] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { value: {}, problems: [`${POLICY_FILE} must hold a JSON object`] };
  }
  const settingsShape: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const { version, rules } = settingsShape;
  delete settingsShape.$schema;
  delete settingsShape.version;
  const problems: string[] = [];
  if (version !== undefined && version !== 1) problems.push(`${POLICY_FILE}: version ${JSON.stringify(version)} is not known; read as version 1`);
  if (Array.isArray(rules)) settingsShape.rules = groupByDecision(rules, problems);
  else if (rules !== undefined) settingsShape.rules = rules;
  const parsed = parseSettingsOverlay(settingsShape, 'workspace');
  return { value: parsed.value, problems: [...problems, ...parsed.problems] };
}

function groupByDecision(rules: readonly unknown[], problems: string[]): Record<string, unknown[]> {
  const grouped: Record<string, unknown[]> = { allow: [], ask: [], deny: [] };
  rules.forEach((rule, index) => {
    const decision = (rule as { decision?: unknown } | null)?.decision;
    if (decision !== 'allow' && decision !== 'ask' && decision !== 'deny') {
      problems.push(`${POLICY_FILE}: rules[${index}] needs "decision": "allow", "ask" or "deny"`);
      return;
    }
    const criteria: Record<string, unknown> = { ...(rule as Record<string, unknown>) };
    delete criteria.decision;
    // Keep the position in the file as the fallback id, so a problem or a decision can be traced.
    grouped[decision]?.push({ id: `policy.rules[${index}]`, ...criteria });
  });
  return grouped;
}
