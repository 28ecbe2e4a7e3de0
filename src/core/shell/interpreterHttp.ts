import type { Word } from './ir';
import { literalWord } from './ir';
import { decodeAnsiC } from './words';
import { callArguments } from './codeText';

/**
 * HTTP calls in interpreter one-liners (`requests.delete(url)`, `fetch(url, {method: 'DELETE'})`,
 * `axios.post(url, {query: 'mutation {...}'})`, `Net::HTTP::Delete`, `$ua->delete`), turned into the
 * `curl` command that would send the same request, so the HTTP rules judge both alike. Scanning, not
 * parsing, like the rest of interpreters.ts: method, URL, a credential header and a GraphQL body are
 * all the rules need.
 */

const STRING = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g;
const METHOD_CALL = /(?:\brequire\(\s*["']axios["']\s*\)|\b(?:requests|httpx|session|sess|client|s|axios|HTTParty|RestClient|Faraday|ua|http|\$ua|\$client|\$http|Http))\s*(?:\.|->|::)\s*(get|post|put|patch|delete|head|request)\s*\(/gi;
// Any client object (`LWP::UserAgent->new->delete(`, `api.delete(`) whose first argument is a URL.
const URL_METHOD_CALL = /(?:\.|->)\s*(delete|put|post|patch)\s*\(\s*(?=["'`]https?:\/\/)/gi;
const GENERIC_CALL = /\b(fetch|axios|urlopen|Request|request|Net::HTTP::(Delete|Post|Put|Patch)\.new|HTTP::Request->new|curl_setopt)\s*\(/g;
const HTTP_METHOD = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/i;
const MAX_CALLS = 20;

function strings(text: string): string[] {
  return [...text.matchAll(STRING)].map((match) => decodeAnsiC(match[1] ?? match[2] ?? match[3] ?? ''));
}

function urlIn(values: readonly string[], argsText: string): string | undefined {
  const url = values.find((value) => /^https?:\/\//i.test(value) || /^\/[\w/-]/.test(value));
  if (url) return url;
  // Node's `http.request({hostname: 'h', path: '/p'})`.
  const host = /\b(?:hostname|host)\s*:\s*["']([^"']+)["']/.exec(argsText)?.[1];
  const path = /\bpath\s*:\s*["']([^"']+)["']/.exec(argsText)?.[1];
  return host ? `https://${host}${path ?? '/'}` : undefined;
}

function headersIn(argsText: string): string[] {
  if (/bearer/i.test(argsText)) return ['Authorization: Bearer (from code)'];
  if (/authorization/i.test(argsText)) return ['Authorization: (from code)'];
  if (/api[-_]?key|x-api-key|private[-_]token|\btoken\b/i.test(argsText)) return ['X-Api-Key: (from code)'];
  return [];
}

function curlWords(method: string, url: string, headers: readonly string[], body: string | undefined): Word[] {
  const words = ['curl', '-X', method.toUpperCase(), url, ...headers.flatMap((header) => ['-H', header]), ...(body !== undefined ? ['-d', body] : [])];
  return words.map(literalWord);
}

/** The HTTP requests interpreter code sends, as `curl` argument lists. */
export function httpSpawns(code: string): Word[][] {
  if (!/fetch|request|axios|http|urlopen|HTTP|ua\b|curl_setopt|Faraday|RestClient/i.test(code)) return [];
  const spawns: Word[][] = [];
  // The URL may be built before the call (`uri = URI("https://...")`): the code's first URL stands in.
  const anyUrl = strings(code).find((value) => /^https?:\/\//i.test(value));
  const add = (method: string | undefined, argsText: string, first?: string): void => {
    if (spawns.length >= MAX_CALLS) return;
    const values = strings(argsText);
    const explicit = /\bmethod\s*[:=]>?\s*["'](\w+)["']/i.exec(argsText)?.[1] ?? (first && HTTP_METHOD.test(first) ? first : undefined);
    const graphql = values.find((value) => /\bmutation\b|^\s*(query\b|\{)/.test(value) && /[{}]/.test(value));
    const chosen = (explicit ?? method ?? (graphql ? 'POST' : 'GET')).toUpperCase();
    const url = urlIn(values, argsText) ?? anyUrl;
    if (!url && !graphql) return;
    if (chosen === 'GET' && !graphql) return;
    spawns.push(curlWords(chosen, url ?? 'http://unknown-host/graphql', headersIn(argsText), graphql));
  };
  for (const match of code.matchAll(METHOD_CALL)) {
    const argsText = callArguments(code, (match.index ?? 0) + match[0].length);
    const name = (match[1] ?? '').toLowerCase();
    add(name === 'request' ? undefined : name, argsText, strings(argsText)[0]);
  }
  for (const match of code.matchAll(URL_METHOD_CALL)) {
    const argsText = callArguments(code, (match.index ?? 0) + match[0].length);
    add(match[1], argsText);
  }
  for (const match of code.matchAll(GENERIC_CALL)) {
    const argsText = callArguments(code, (match.index ?? 0) + match[0].length);
    if (match[1] === 'curl_setopt') {
      const custom = /CURLOPT_CUSTOMREQUEST\s*,\s*["'](\w+)["']/.exec(argsText)?.[1];
      const url = /CURLOPT_URL\s*,\s*["']([^"']+)["']/.exec(code)?.[1];
      if (custom && url) spawns.push(curlWords(custom, url, headersIn(code), undefined));
      continue;
    }
    // `HTTP::Request->new(DELETE => $url)` and `Net::HTTP::Delete.new(uri)` name the method in the call.
    const perlMethod = /^\s*(\w+)\s*=>/.exec(argsText)?.[1];
    const rubyMethod = match[2];
    add(rubyMethod ?? (perlMethod && HTTP_METHOD.test(perlMethod) ? perlMethod : undefined), argsText, strings(argsText)[0]);
  }
  return spawns;
}
