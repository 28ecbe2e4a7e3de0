import type { AnalysisContext } from '../context/analysisContext';
import type { Invocation } from '../shell/ir';

/**
 * Production markers: the same delete is worse against production. Shared by the infrastructure and
 * database packs, which raise a finding's score and name the environment when a hint is found.
 * Hints come from the text of the command (host names, connection strings, contexts, profiles and
 * projects that say prod), from environment assignments (`RAILS_ENV=production`), from variables
 * named like `PROD_DB_URL` or `DB_PROD_URL`, and from the `airlock.productionMarkers` setting.
 */

/** How much a production hint adds to a destructive finding's score. */
export const PRODUCTION_BOOST = 10;

// `prod` or `production` as its own word inside a name: `prod-db`, `db.prod.internal`, `my_prod`,
// `--context=production`. Not `product`, `products`, `produce` or `reproduce`.
const PROD_WORD = /(?:^|[^a-z0-9])(prod|production|prd)(?=$|[^a-z0-9])/i;
// Variables named for production: `PROD_DATABASE_URL`, `DB_PROD_URL`, `$RAILWAY_PROD_TOKEN`.
const PROD_VARIABLE = /\$\{?(?:PROD|PRODUCTION)_[A-Z0-9_]*\}?|\$\{?[A-Z0-9_]*_(?:PROD|PRODUCTION)(?:_[A-Z0-9_]*)?\}?/;
// Assignments that select the production configuration of frameworks, workspaces, stacks and profiles.
const ENV_VARIABLES = /^(RAILS_ENV|RACK_ENV|NODE_ENV|APP_ENV|ENV|ENVIRONMENT|MIX_ENV|FLASK_ENV|DJANGO_ENV|STAGE|DEPLOY_ENV|ASPNETCORE_ENVIRONMENT|SPRING_PROFILES_ACTIVE|TF_WORKSPACE|PULUMI_STACK|AWS_PROFILE|CLOUDSDK_ACTIVE_CONFIG_NAME)$/;
// Options whose value names the target environment.
const TARGET_OPTIONS = /^--?(context|kube-context|profile|project|project-id|env|environment|stage|namespace|cluster|account|org|app|workspace|config|stack|target|site|database)$/;

/** Why a piece of command text looks like production, or undefined. */
export function productionHint(text: string, context?: Pick<AnalysisContext, 'productionMarkers'>): string | undefined {
  if (text === '') return undefined;
  const variable = PROD_VARIABLE.exec(text);
  if (variable) return `uses the production variable ${variable[0]}`;
  const word = PROD_WORD.exec(text);
  if (word) return `names ${excerpt(text, word.index)}, which says ${(word[1] ?? '').toLowerCase()}`;
  const markers = context?.productionMarkers;
  const marker = markers && markers.length > 0 ? markerPattern(markers).exec(text) : null;
  if (marker) return `names ${excerpt(text, marker.index)}, which says ${marker[1] ?? ''}, a production marker in the settings`;
  return undefined;
}

/**
 * Why a program run looks like production: its assignments, its environment options and its
 * arguments. Option values are read first, for the clearest reason.
 */
export function invocationProductionHint(invocation: Invocation, context?: Pick<AnalysisContext, 'productionMarkers'>): string | undefined {
  for (const [name, value] of invocation.assignments) {
    if (ENV_VARIABLES.test(name) && /^(prod|production|live)$/i.test(value.value)) return `runs with ${name}=${value.value}`;
    const hint = productionHint(value.value, context);
    if (hint) return hint;
  }
  const args = invocation.argv.slice(1).map((word) => word.value);
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    const eq = arg.indexOf('=');
    const option = eq === -1 ? arg : arg.slice(0, eq);
    if (!TARGET_OPTIONS.test(option)) continue;
    const value = eq === -1 ? (args[index + 1] ?? '') : arg.slice(eq + 1);
    if (productionHint(value, context)) return `targets ${option} ${value}`;
  }
  for (const arg of args) {
    const hint = productionHint(arg, context);
    if (hint) return hint;
  }
  // `ssh prod-db-1 'systemctl stop postgresql'`: the machine it runs on.
  return invocation.remote === undefined ? undefined : productionHint(invocation.remote, context);
}

/** The environment a hint or a name points at, for the impact: `production` when one was found. */
export function environmentOf(hint: string | undefined, text = ''): string | undefined {
  if (hint) return 'production';
  if (/(?:^|[^a-z0-9])(staging|stage|stg)(?=$|[^a-z0-9])/i.test(text)) return 'staging';
  if (/(?:^|[^a-z0-9])(dev|development|test|qa|sandbox|local)(?=$|[^a-z0-9])/i.test(text)) return 'development';
  return undefined;
}

/** Adds the production boost and reason to a score and message, when there is a hint. */
export function withProduction(score: number, message: string, hint: string | undefined): { score: number; message: string } {
  if (!hint) return { score, message };
  return { score: Math.min(100, score + PRODUCTION_BOOST), message: `${message}; production: ${hint}` };
}

const markerPatterns = new WeakMap<readonly string[], RegExp>();

/**
 * The settings' markers as whole words inside a name, as the built-in ones are: `live` marks
 * `db-live-1` and `--context live`, not `delivery` or `liveness`. Compiled once per list.
 */
function markerPattern(markers: readonly string[]): RegExp {
  let pattern = markerPatterns.get(markers);
  if (!pattern) {
    const words = markers.map((marker) => marker.trim()).filter((marker) => marker !== '').map((marker) => marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = words.length === 0 ? /(?!)/ : new RegExp(`(?:^|[^a-z0-9])(${words.join('|')})(?=$|[^a-z0-9])`, 'i');
    markerPatterns.set(markers, pattern);
  }
  return pattern;
}

function excerpt(text: string, at: number): string {
  const start = Math.max(0, text.lastIndexOf(' ', at) + 1);
  const end = text.indexOf(' ', at + 1);
  const word = text.slice(start, end === -1 ? undefined : end);
  return word.length > 60 ? `${word.slice(0, 59)}…` : word;
}
