/**
 * Secret redaction for everything Airlock writes down. Agents paste tokens straight into commands
 * (the PocketOS command carried a bearer token), and the ledger is read by the whole team and kept
 * outside the workspace, so secrets are replaced before an entry is hashed or written.
 *
 * The rules err on the side of redacting: a ledger line that hides a harmless value costs little,
 * one that leaks a production token is a breach. Shell references such as `$TOKEN` or `${API_KEY}`
 * are kept: they name a secret without revealing it, and the reviewer needs to see them.
 */

export const REDACTED = '[REDACTED]';

/** A value that only refers to a secret elsewhere (`$X`, `${X}`, `$(cmd)`) is not itself a secret. */
function isReference(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, '');
  return /^\$(?:\{[^}]*\}|\([^)]*\)|[A-Za-z_][A-Za-z0-9_]*)$/.test(v) || v === '' || v === REDACTED;
}

/** Keeps a quoted or referenced value, replaces anything else, preserving the surrounding quotes. */
function mask(value: string): string {
  if (isReference(value)) return value;
  const open = value[0] === '"' || value[0] === "'" ? value[0] : '';
  const close = open && value.endsWith(open) && value.length > 1 ? open : '';
  return `${open}${REDACTED}${close}`;
}

// Names that mark a value as a secret wherever they appear as a key, a flag or a variable.
const SECRET_NAME =
  '(?:[A-Za-z0-9_.-]*?(?:passw(?:or)?d|passwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|client[_-]?secret|credentials?|session[_-]?key|signing[_-]?key|bearer))';

/** Variable names that hold secrets by convention; matched on whole name parts, not substrings. */
function isSecretVariable(name: string): boolean {
  return /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|(?:^|_)(?:PASS|PWD|KEY|AUTH)(?:_|$)/i.test(name) &&
    !/^(?:OLD)?PWD$/i.test(name);
}

// A shell word: a quoted string or a run of characters without whitespace and shell operators.
const WORD = `(?:\\$\\([^)]*\\)|"(?:[^"\\\\]|\\\\.)*"|'[^']*'|[^\\s;&|<>()'"]+)`;

interface Rule {
  readonly pattern: RegExp;
  readonly replace: (match: string, ...groups: string[]) => string;
}

const RULES: readonly Rule[] = [
  // PEM private keys, possibly inside quoted strings with literal or escaped newlines.
  {
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}-----END ${kind}PRIVATE KEY-----`,
  },
  // Authorization headers in any spelling: `Authorization: Bearer x`, `Authorization: Basic x`, `token x`.
  {
    pattern: /\b(authorization|proxy-authorization)(\s*[:=]\s*)((?:bearer|basic|token|digest|bot|apikey)\s+)?([^\s"',;]+)/gi,
    replace: (_m, name: string, sep: string, scheme: string | undefined, value: string) =>
      `${name}${sep}${scheme ?? ''}${isReference(value) ? value : REDACTED}`,
  },
  // A bare `Bearer x` outside a header (in JSON, logs, --header values split differently).
  {
    pattern: /\b(bearer\s+)([A-Za-z0-9._~+/=-]{8,})/gi,
    replace: (_m, scheme: string, value: string) => `${scheme}${isReference(value) ? value : REDACTED}`,
  },
  // Secret-bearing headers passed to curl, httpie and friends: `X-Api-Key: x`, `Private-Token: x`, `Cookie: x`.
  {
    pattern:
      /\b((?:x-)?(?:[a-z0-9-]*-)?(?:api-?key|auth-?token|access-?token|private-token|secret|token|cookie|session)(?:-[a-z0-9-]*)?)(\s*:\s*)([^\s"',;][^"'\n]*?)(?=["'\n]|\s+--?[A-Za-z]|\s+https?:|$)/gi,
    replace: (_m, name: string, sep: string, value: string) => `${name}${sep}${isReference(value.trim()) ? value : REDACTED}`,
  },
  // Userinfo in URLs and connection strings: `postgres://user:pass@host`, `https://user:pass@host`.
  {
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"]*):([^\s@/'"]+)@/gi,
    replace: (_m, scheme: string, user: string, pass: string) => `${scheme}${user}:${isReference(pass) ? pass : REDACTED}@`,
  },
  // Passwords inside key=value connection strings: `Password=x;` (ADO.NET, JDBC, libpq `password=x`).
  {
    pattern: /\b((?:password|pwd)=)([^;\s'"&]+)/gi,
    replace: (_m, key: string, value: string) => `${key}${isReference(value) ? value : REDACTED}`,
  },
  // JSON and YAML-ish keys: `"password": "x"`, `'apiKey': 'x'`, `token: x` inside a JSON body.
  {
    pattern: new RegExp(`(["']${SECRET_NAME}["']\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|'[^']*'|[^\\s,}\\]]+)`, 'gi'),
    replace: (_m, key: string, value: string) => `${key}${mask(value)}`,
  },
  // The same inside JSON that is itself escaped in a shell string: `\"password\": \"x\"`.
  {
    pattern: new RegExp(`(\\\\"${SECRET_NAME}\\\\"\\s*:\\s*)\\\\"((?:[^"\\\\]|\\\\[^"])*)\\\\"`, 'gi'),
    replace: (_m, key: string, value: string) => `${key}\\"${isReference(value) ? value : REDACTED}\\"`,
  },
  // Environment assignments: `AWS_SECRET_ACCESS_KEY=x`, `GITHUB_TOKEN=x`, `export PGPASSWORD=x`, and
  // query parameters such as `&access_token=x`. The name decides, so `BYPASS_CACHE=1` stays readable.
  {
    pattern: new RegExp(`(^|[\\s;&|(?])((?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=)(${WORD})`, 'g'),
    replace: (m, lead: string, head: string, name: string, value: string) =>
      isSecretVariable(name) ? `${lead}${head}${mask(value)}` : m,
  },
  // Long flags: `--token x`, `--password=x`, `--api-key x`, `--client-secret=x`.
  {
    pattern: new RegExp(`(\\s--?${SECRET_NAME}(?:=|\\s+))(${WORD})`, 'gi'),
    replace: (_m, flag: string, value: string) => (value.startsWith('-') ? `${flag}${value}` : `${flag}${mask(value)}`),
  },
  // Short password flags of well-known clients: `mysql -pSECRET`, `mysql -p SECRET` is ambiguous
  // (psql's -p is a port) so only the attached form of mysql/mariadb is redacted, and sshpass -p.
  {
    pattern: new RegExp(`(\\b(?:mysql|mysqldump|mariadb|mysqladmin)\\b[^\\n;&|]*?\\s-p)([^\\s;&|]+)`, 'g'),
    replace: (_m, head: string, value: string) => `${head}${mask(value)}`,
  },
  {
    pattern: new RegExp(`(\\bsshpass\\s+-p\\s*)(${WORD})`, 'g'),
    replace: (_m, head: string, value: string) => `${head}${mask(value)}`,
  },
  // `-p` and `-a` where the CLI defines them as the password: registry logins, redis-cli, mongo shells.
  {
    pattern: new RegExp(
      `(\\b(?:(?:docker|podman|helm|oras|skopeo|buildah)\\s+(?:registry\\s+)?login|mongo|mongosh|mongodump|mongorestore)\\b[^\\n;&|]*?\\s-p\\s+)(${WORD})`,
      'g',
    ),
    replace: (_m, head: string, value: string) => `${head}${mask(value)}`,
  },
  {
    pattern: new RegExp(`(\\bredis-cli\\b[^\\n;&|]*?\\s-a\\s+)(${WORD})`, 'g'),
    replace: (_m, head: string, value: string) => `${head}${mask(value)}`,
  },
  // `-u user:password` for curl and `--user user:password`.
  {
    pattern: /(\s(?:-u|--user)\s+["']?)([^\s:'"]+):([^\s'"]+)/g,
    replace: (_m, head: string, user: string, pass: string) => `${head}${user}:${isReference(pass) ? pass : REDACTED}`,
  },
];

// Token shapes that are secrets wherever they appear, whatever they are called.
const TOKEN_SHAPES: readonly RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub classic tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g, // GitHub fine-grained tokens
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bnpm_[A-Za-z0-9]{36}\b/g, // npm
  /\bsk-(?:proj-|ant-(?:api\d+-)?|live_|test_)?[A-Za-z0-9_-]{20,}\b/g, // OpenAI, Anthropic, Stripe-like
  /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bAIza[A-Za-z0-9_-]{35}\b/g, // Google API keys
  /\bya29\.[A-Za-z0-9_-]{20,}\b/g, // Google OAuth access tokens
  /\bhf_[A-Za-z0-9]{30,}\b/g, // Hugging Face
  /\bdop_v1_[a-f0-9]{64}\b/g, // DigitalOcean
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g, // JWTs
];

/** Replaces every secret found in `text` with `[REDACTED]`, keeping the rest readable. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace as (m: string, ...g: string[]) => string);
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, REDACTED);
  return out;
}

/** Keys whose value is a secret as a whole, whatever the value looks like. */
const SECRET_KEY = new RegExp(`^${SECRET_NAME}$`, 'i');

/**
 * Redacts every string in a JSON-like value: object keys that name a secret lose their value, and
 * every other string goes through `redactSecrets`. Returns a new value; the input is not changed.
 */
export function redactDeep<T>(value: T): T {
  return redactValue(value, undefined) as T;
}

function redactValue(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && SECRET_KEY.test(key) && !isReference(value)) return REDACTED;
    return redactSecrets(value);
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, undefined));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactValue(v, k);
    return out;
  }
  return value;
}
