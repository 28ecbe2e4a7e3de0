import type { Invocation } from '../shell/ir';
import { argValues } from '../shell/ir';
import { parseArgs } from '../shell/options';

/**
 * What an HTTP client invocation sends: method, URL, headers, bodies, uploaded files and credentials,
 * read the way curl, wget, HTTPie, xh and `gh api` / `glab api` read their arguments. The HTTP pack
 * judges the request; this module only reads it.
 */
export interface HttpRequest {
  readonly tool: string;
  readonly method: string;
  /** The URL as written, with a scheme added when it had none. */
  readonly url: string | undefined;
  readonly host: string;
  /** The path without query string, `/` when none. */
  readonly path: string;
  readonly query: string;
  readonly headers: readonly string[];
  /** Inline bodies (`-d '{...}'`, `-f query=...`), and standard input text when the body is `@-`. */
  readonly bodies: readonly string[];
  /** Files whose content is sent (`-d @file`, `-F x=@file`, `-T file`, `--post-file`). */
  readonly uploads: readonly string[];
  /** True when the body is read from standard input (`-d @-`, `--data-binary @-`, `-T -`). */
  readonly bodyFromStdin: boolean;
  /** How the call authenticates, for messages (`a bearer token`), or undefined. */
  readonly credential: string | undefined;
}

export const HTTP_PROGRAMS = ['curl', 'wget', 'http', 'https', 'httpie', 'xh', 'xhs', 'gh', 'glab'];

const CURL_SHORT_VALUES = 'XHdFuToAebcEKrmwxyYzUQD';
const CURL_LONG_VALUES = [
  'request', 'header', 'data', 'data-raw', 'data-binary', 'data-urlencode', 'data-ascii', 'json', 'form', 'form-string', 'user', 'upload-file',
  'output', 'user-agent', 'referer', 'cookie', 'cookie-jar', 'cert', 'key', 'cacert', 'config', 'max-time', 'connect-timeout', 'proxy', 'retry',
  'write-out', 'range', 'url', 'oauth2-bearer', 'aws-sigv4', 'resolve', 'connect-to', 'dump-header', 'limit-rate', 'variable', 'expand-data',
  'expand-url', 'expand-header', 'retry-delay', 'retry-max-time', 'output-dir', 'interface', 'proto', 'request-target', 'ciphers',
];
const CURL_DATA = ['-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--data-ascii', '--json'];

function urlParts(raw: string | undefined, defaultHost = ''): { url: string | undefined; host: string; path: string; query: string } {
  if (raw === undefined) return { url: undefined, host: defaultHost, path: '/', query: '' };
  let text = raw;
  // HTTPie's `:9200/x` and `:/x` mean localhost.
  if (/^:\d*(\/|$)/.test(text)) text = `localhost${text}`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/i.exec(text);
  const authority = (match?.[1] ?? '').replace(/^[^@]*@/, '');
  return { url: text, host: authority.replace(/:\d+$/, '').toLowerCase(), path: match?.[2] || '/', query: match?.[3] ?? '' };
}

function credentialOf(headers: readonly string[], user: string | undefined, query: string): string | undefined {
  for (const header of headers) {
    if (/^\s*authorization\s*:\s*bearer\b/i.test(header)) return 'a bearer token';
    if (/^\s*authorization\s*:/i.test(header)) return 'an Authorization header';
    if (/^\s*(x-api-key|api-key|x-auth-token|x-access-token|private-token|x-api-token|x-algolia-api-key|apikey|x-goog-api-key|x-amz-security-token|cookie)\s*:/i.test(header)) return `an API key (${header.split(':')[0]?.trim()})`;
  }
  if (user !== undefined && user !== '') return user.includes(':') ? 'credentials (-u user:secret)' : 'a user login';
  if (/[?&](api_?key|access_token|token|key|auth|apikey|private_token)=/i.test(query)) return 'an API key in the URL';
  return undefined;
}

function splitData(values: readonly string[], bodies: string[], uploads: string[]): boolean {
  let stdin = false;
  for (const value of values) {
    if (value === '@-') stdin = true;
    else if (value.startsWith('@')) uploads.push(value.slice(1));
    else bodies.push(value);
  }
  return stdin;
}

function curl(args: readonly string[], stdinText: string | undefined): HttpRequest {
  const parsed = parseArgs(args, { shortWithValue: CURL_SHORT_VALUES, longWithValue: CURL_LONG_VALUES });
  const all = (...names: string[]): string[] => names.flatMap((name) => [...(parsed.values.get(name) ?? [])]);
  const bodies: string[] = [];
  const uploads: string[] = [];
  let bodyFromStdin = splitData(all(...CURL_DATA), bodies, uploads);
  for (const form of all('-F', '--form')) {
    const file = /^[^=]*=[@<]([^;,]*)/.exec(form);
    if (file?.[1] === '-') bodyFromStdin = true;
    else if (file?.[1]) uploads.push(file[1]);
    else bodies.push(form);
  }
  for (const file of all('-T', '--upload-file')) {
    if (file === '-' || file === '.') bodyFromStdin = true;
    else uploads.push(file);
  }
  if (bodyFromStdin && stdinText !== undefined) bodies.push(stdinText);
  const headers = all('-H', '--header');
  const bearer = all('--oauth2-bearer');
  const requested = all('-X', '--request').pop();
  const hasBody = bodies.length > 0 || uploads.length > 0 || bodyFromStdin;
  const get = parsed.flags.has('-G') || parsed.flags.has('--get');
  const method = (requested ?? (parsed.flags.has('-I') || parsed.flags.has('--head') ? 'HEAD' : all('-T', '--upload-file').length > 0 ? 'PUT' : hasBody && !get ? 'POST' : 'GET')).toUpperCase();
  const parts = urlParts(all('--url')[0] ?? parsed.operands[0]);
  const credential = bearer.length > 0 ? 'a bearer token' : credentialOf(headers, all('-u', '--user')[0], parts.query);
  return { tool: 'curl', method, ...parts, headers, bodies, uploads, bodyFromStdin, credential };
}

function wget(args: readonly string[]): HttpRequest {
  const parsed = parseArgs(args, { shortWithValue: 'OoaPeUTtwQ', longWithValue: ['method', 'header', 'post-data', 'post-file', 'body-data', 'body-file', 'user', 'password', 'http-user', 'http-password', 'output-document', 'output-file'] });
  const all = (...names: string[]): string[] => names.flatMap((name) => [...(parsed.values.get(name) ?? [])]);
  // wget accepts unambiguous prefixes of long options (`--post-f=.env`).
  const prefixed = (name: string): string[] => [...parsed.values].filter(([flag]) => flag.length > 4 && `--${name}`.startsWith(flag)).flatMap(([, values]) => [...values]);
  const bodies = [...all('--post-data', '--body-data')];
  const uploads = [...prefixed('post-file'), ...prefixed('body-file')];
  const headers = all('--header');
  const method = (all('--method').pop() ?? (bodies.length > 0 || uploads.length > 0 ? 'POST' : 'GET')).toUpperCase();
  const parts = urlParts(parsed.operands[0]);
  const password = all('--password', '--http-password')[0];
  const credential = credentialOf(headers, password ? `${all('--user', '--http-user')[0] ?? ''}:${password}` : undefined, parts.query);
  return { tool: 'wget', method, ...parts, headers, bodies, uploads, bodyFromStdin: false, credential };
}

function httpie(tool: string, args: readonly string[], stdinText: string | undefined): HttpRequest {
  const parsed = parseArgs(args, { shortWithValue: 'aAoj', longWithValue: ['auth', 'auth-type', 'output', 'session', 'verify', 'cert', 'cert-key', 'timeout', 'proxy', 'print', 'pretty', 'style', 'format-options', 'default-scheme', 'bearer'] });
  const operands = [...parsed.operands];
  const method = /^[A-Za-z]+$/.test(operands[0] ?? '') && operands.length > 1 ? (operands.shift() ?? 'GET').toUpperCase() : undefined;
  const parts = urlParts(operands.shift());
  const headers: string[] = [];
  const bodies: string[] = [];
  const uploads: string[] = [];
  for (const item of operands) {
    const match = /^([^=:@]*)(==|:=@|=@|:=|=|@|:)(.*)$/.exec(item);
    if (!match) continue;
    const [, key = '', sep, value = ''] = match;
    if (sep === ':') headers.push(`${key}: ${value}`);
    else if (sep === '=@' || sep === ':=@' || sep === '@') uploads.push(value);
    else if (sep !== '==') bodies.push(`${key}=${value}`);
  }
  if (!parsed.flags.has('--ignore-stdin') && stdinText !== undefined) bodies.push(stdinText);
  const auth = [...(parsed.values.get('-a') ?? []), ...(parsed.values.get('--auth') ?? [])][0];
  const bearer = (parsed.values.get('--bearer') ?? []).length > 0 || /^bearer$/i.test([...(parsed.values.get('-A') ?? []), ...(parsed.values.get('--auth-type') ?? [])][0] ?? '');
  const credential = bearer ? 'a bearer token' : credentialOf(headers, auth, parts.query);
  const hasBody = bodies.length > 0 || uploads.length > 0;
  return { tool, method: method ?? (hasBody ? 'POST' : 'GET'), ...parts, headers, bodies, uploads, bodyFromStdin: false, credential };
}

/** `gh api` and `glab api`: the hosting API, always with the CLI's stored token. */
function hostingApi(tool: 'gh' | 'glab', args: readonly string[]): HttpRequest | undefined {
  if (args[0] !== 'api') return undefined;
  const parsed = parseArgs(args.slice(1), { shortWithValue: 'XfFHpqt', longWithValue: ['method', 'field', 'raw-field', 'header', 'input', 'jq', 'template', 'preview', 'hostname', 'cache'] });
  const all = (...names: string[]): string[] => names.flatMap((name) => [...(parsed.values.get(name) ?? [])]);
  const fields = all('-f', '-F', '--field', '--raw-field');
  const bodies = fields.map((field) => field.replace(/^[^=]*=/, ''));
  const uploads = all('--input').filter((file) => file !== '-');
  const endpoint = parsed.operands[0] ?? '';
  const host = all('--hostname')[0] ?? (tool === 'gh' ? 'api.github.com' : 'gitlab.com');
  const parts = urlParts(`${host}/${endpoint.replace(/^\//, '')}`);
  const method = (all('-X', '--method').pop() ?? (fields.length > 0 || uploads.length > 0 ? 'POST' : 'GET')).toUpperCase();
  return { tool: `${tool} api`, method, ...parts, headers: all('-H', '--header'), bodies, uploads, bodyFromStdin: all('--input').includes('-'), credential: `the ${tool} CLI's stored token` };
}

/** The request an HTTP client invocation sends, or undefined when it is not one. */
export function readHttpRequest(invocation: Invocation): HttpRequest | undefined {
  const args = argValues(invocation);
  const stdin = invocation.stdin?.kind === 'text' ? invocation.stdin.text : undefined;
  switch (invocation.name) {
    case 'curl':
      return curl(args, stdin);
    case 'wget':
      return wget(args);
    case 'http':
    case 'https':
    case 'httpie':
    case 'xh':
    case 'xhs':
      return httpie(invocation.name, args, stdin);
    case 'gh':
    case 'glab':
      return hostingApi(invocation.name, args);
    default:
      return undefined;
  }
}
