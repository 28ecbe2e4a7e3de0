import type { ResourceImpact } from '../assessment';
import type { Invocation } from '../shell/ir';
import { environmentOf, invocationProductionHint, productionHint } from './production';
import type { Finding, RuleInput } from './rule';

/**
 * What the database rules share: production hints that raise a score, and findings that name the
 * resource at stake for the impact summary.
 */

/** A destructive finding against production scores at least this. */
export const PRODUCTION_CRITICAL = 95;

export interface DbFinding {
  readonly rule: string;
  readonly score: number;
  readonly message: string;
  /** `environment` is used when the command shows none (`local development` for a local stack). */
  readonly resources?: readonly { readonly kind: string; readonly name: string; readonly environment?: string }[];
  /** Who runs the database (`PostgreSQL`, `Redis`), for the impact. */
  readonly provider?: string;
}

/** Why this program run looks aimed at production, or undefined. */
export function productionOf(input: RuleInput, extra: readonly string[] = []): string | undefined {
  const hint = invocationProductionHint(input.invocation, input.context);
  if (hint) return hint;
  // `psql "$DATABASE_URL"`: the variable's value is in the agent's environment, not on the line.
  for (const word of input.invocation.argv.slice(1)) {
    for (const match of word.value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)) {
      const name = match[1] ?? '';
      const value = input.context.env[name];
      const valueHint = value ? productionHint(value, input.context) : undefined;
      if (value && valueHint) return `$${name} is ${redactUrl(value)}, which ${valueHint.replace(/^names \S+, which /, '')}`;
    }
  }
  // Environment the agent's process already has, for the variables frameworks read.
  for (const name of ['RAILS_ENV', 'RACK_ENV', 'MIX_ENV', 'APP_ENV', 'NODE_ENV', 'DJANGO_ENV']) {
    const value = input.context.env[name];
    if (value && /^(prod|production)$/i.test(value) && extra.includes(name)) return `runs with ${name}=${value} in the environment`;
  }
  return undefined;
}

/**
 * Builds the finding: a production hint raises a destructive finding to critical (95 and up) and a
 * lesser one by 10, and the message says why.
 */
export function dbFinding(input: RuleInput, found: DbFinding, production: string | undefined = productionOf(input)): Finding {
  let { score, message } = found;
  if (production && score >= 50) {
    score = score >= 80 ? Math.max(PRODUCTION_CRITICAL, Math.min(100, score + 10)) : Math.min(100, score + 10);
    message = `${message}; production: ${redactUrl(production)}`;
  }
  const environment = environmentOf(production, input.invocation.text);
  const resources: ResourceImpact[] = (found.resources ?? []).map((resource) => ({
    kind: resource.kind,
    name: redactUrl(resource.name),
    ...(found.provider ? { provider: found.provider } : {}),
    ...(environment ? { environment } : resource.environment ? { environment: resource.environment } : {}),
  }));
  return { rule: found.rule, score, message, ...(resources.length > 0 ? { resources } : {}) };
}

/** Connection strings carry passwords; messages and impacts are shown and written to the ledger. */
export function redactUrl(text: string): string {
  return text.replace(/(\/\/[^:/@\s]+):[^@/\s]*@/g, '$1:***@');
}

/** The arguments after argv[0], as values. */
export function argsOf(invocation: Invocation): string[] {
  return invocation.argv.slice(1).map((word) => word.value);
}

/** `a`, `a and b`, `a, b and 2 more`: names in messages stay short. */
export function listNames(names: readonly string[], max = 3): string {
  if (names.length === 0) return '';
  if (names.length === 1) return names[0] ?? '';
  const shown = names.slice(0, max);
  const more = names.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1] ?? ''}`;
}
