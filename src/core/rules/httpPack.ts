import type { ResourceImpact } from '../assessment';
import type { AnalysisContext } from '../context/analysisContext';
import { CRITICAL_KINDS, resourceOf } from './cloudTable';
import { graphqlDocuments, graphqlVariables, looksLikeGraphql, readGraphql } from './httpGraphql';
import type { DestructiveMutation } from './httpGraphql';
import { infraProvider } from './httpHosts';
import { HTTP_PROGRAMS, readHttpRequest } from './httpRequest';
import type { HttpRequest } from './httpRequest';
import { environmentOf, productionHint, withProduction } from './production';
import type { Finding, Rule, RulePack } from './rule';
import { isSecretPath } from './secretFiles';

/**
 * HTTP APIs through curl, wget, HTTPie, xh and `gh api`: DELETE requests, POSTs and PUTs to paths
 * that delete (`/_delete_by_query`, `/doDelete`), and GraphQL mutations whose names destroy
 * (`volumeDelete`). Known infrastructure APIs and calls that carry a credential score higher: that is
 * how a single curl deleted PocketOS's production volume and its backups. Reads stay allowed.
 */

const DESTRUCTIVE_SEGMENT = /^(_?(delete|destroy|drop|purge|wipe|truncate|remove|flush|erase)([_-]\w*)?|do(delete|wipe|destroy)|_close|[\w-]*[_-](delete|destroy|purge|wipe|drop)(_\w+)?)$/i;
const WHOLE = /^(_all|\*|\.\*)$/;

const EXPLAIN: Readonly<Record<string, string>> = {
  volume: 'volumes hold databases and their backups',
  database: 'its data is gone unless backed up elsewhere',
  bucket: 'every object in it is gone unless versioned elsewhere',
  backup: 'backups are the copies to restore from',
  snapshot: 'a snapshot may be the only copy to restore from',
  project: 'a project holds its services, databases and volumes',
  environment: 'an environment holds its services, databases and volumes',
  index: 'the documents in it are deleted',
};

interface Boosts {
  readonly provider: string | undefined;
  readonly credential: string | undefined;
}

function boost(score: number, request: HttpRequest): { score: number; boosts: Boosts } {
  const provider = infraProvider(request.host, request.path);
  let next = score;
  if (provider) next += 5;
  if (request.credential) next += 5;
  // A credential used against an infrastructure API can do anything that token can.
  if (provider && request.credential) next += 5;
  return { score: next, boosts: { provider, credential: request.credential } };
}

function via(request: HttpRequest, boosts: Boosts, api: string): string {
  const where = boosts.provider ? `through the ${boosts.provider} ${api}` : `on ${request.host || 'the server'}${api === 'API' ? '' : ` (${api})`}`;
  return `${where}${boosts.credential ? ` with ${boosts.credential}` : ''}`;
}

function hint(request: HttpRequest, context: AnalysisContext): string | undefined {
  return productionHint(`${request.host}${request.path}`, context) ?? request.headers.map((header) => productionHint(header, context)).find(Boolean);
}

function resource(kind: string, name: string, provider: string | undefined, production: string | undefined): ResourceImpact {
  const environment = environmentOf(production, name);
  return { kind, name, ...(provider ? { provider } : {}), ...(environment ? { environment } : {}) };
}

function mutationFinding(request: HttpRequest, mutation: DestructiveMutation, context: AnalysisContext): Finding {
  const kind = mutation.resource ? (resourceOf(mutation.resource.replace(/ /g, '-')) ?? mutation.resource) : undefined;
  const critical = kind !== undefined && CRITICAL_KINDS.has(kind);
  const { score, boosts } = boost(critical ? 85 : 80, request);
  const production = hint(request, context) ?? (mutation.target ? productionHint(mutation.target, context) : undefined);
  const provider = boosts.provider;
  const what = `${kind ?? 'data'}${mutation.target ? ` ${mutation.target}` : ''}`;
  const explain = kind ? EXPLAIN[kind] : undefined;
  const base = `${mutation.verb}s ${provider ? `${provider} ` : ''}${what} ${via(request, boosts, 'GraphQL API')} (mutation ${mutation.field})${explain ? `; ${explain}` : ''}`;
  const boosted = withProduction(Math.min(score, 95), base, production);
  return { rule: 'http.graphql.mutation', score: boosted.score, message: boosted.message, resources: [resource(kind ?? 'data', mutation.target ?? mutation.field, provider, production)] };
}

function pathResource(path: string): { kind: string | undefined; name: string } {
  const segments = path.split('/').filter(Boolean);
  const last = segments[segments.length - 1] ?? '';
  const previous = segments[segments.length - 2] ?? '';
  if (WHOLE.test(last) || /[*,]/.test(last)) return { kind: 'index', name: last };
  return { kind: resourceOf(previous.toLowerCase()) ?? resourceOf(last.toLowerCase()), name: last || path };
}

function restFinding(request: HttpRequest, context: AnalysisContext): Finding | undefined {
  const segments = request.path.split('/').filter(Boolean);
  const destructiveSegment = segments.find((segment) => DESTRUCTIVE_SEGMENT.test(segment));
  const deleting = request.method === 'DELETE';
  if (!deleting && !(destructiveSegment && ['POST', 'PUT', 'PATCH'].includes(request.method))) return undefined;
  const target = pathResource(deleting ? request.path : request.path.slice(0, request.path.indexOf(destructiveSegment ?? '')));
  const critical = (target.kind !== undefined && CRITICAL_KINDS.has(target.kind)) || segments.some((segment) => WHOLE.test(segment));
  const { score, boosts } = boost((deleting ? 60 : 55) + (critical ? 15 : 0), request);
  const production = hint(request, context);
  const verb = /delete|destroy|drop|purge|wipe|truncate|remove|flush|erase|close/i.exec(destructiveSegment ?? '')?.[0]?.toLowerCase() ?? 'delete';
  const action = deleting ? `sends DELETE to ${request.host}${request.path}` : `sends ${request.method} to ${request.host}${request.path}, which ${verb}${verb.endsWith('sh') ? 'es' : 's'}`;
  const explain = target.kind && verb !== 'close' ? EXPLAIN[target.kind] : undefined;
  const base = `${action} ${via(request, boosts, 'API')}${target.kind ? `: ${target.kind} ${target.name}` : ''}${explain ? `; ${explain}` : ''}`;
  const boosted = withProduction(Math.min(score, 95), base, production);
  const id = deleting ? 'http.delete' : 'http.destructive-path';
  return { rule: id, score: boosted.score, message: boosted.message, resources: [resource(target.kind ?? 'resource', target.name, boosts.provider, production)] };
}

/** Findings for one HTTP request: REST deletes and destroying GraphQL mutations. */
export function judgeHttpRequest(request: HttpRequest, context: AnalysisContext): Finding[] {
  const findings: Finding[] = [];
  const rest = restFinding(request, context);
  if (rest) findings.push(rest);
  for (const body of request.bodies) {
    if (!looksLikeGraphql(body, request.path)) continue;
    const variables = graphqlVariables(body);
    for (const document of graphqlDocuments(body)) {
      for (const mutation of readGraphql(document, variables).destructive) findings.push(mutationFinding(request, mutation, context));
    }
  }
  return findings;
}

/** Secret files sent as the body: exfiltration, whatever the method. */
export function uploadFindings(request: HttpRequest): Finding[] {
  // `-d "$(<key)"` and `-d "$(cat .env)"` put a file's content in the body.
  const inlined = request.bodies.flatMap((body) => [...body.matchAll(/\$\(\s*(?:<|cat\s+)\s*([^)\s]+)\s*\)/g)].map((match) => match[1] ?? ''));
  return [...request.uploads, ...inlined].filter(isSecretPath).map((file) => ({
    rule: 'secrets.exfiltrate.upload',
    score: 85,
    message: `${request.tool} sends the secrets in ${file} to ${request.host || 'a server'}`,
  }));
}

const httpCalls: Rule = {
  id: 'http',
  programs: HTTP_PROGRAMS,
  description: 'HTTP DELETE requests, POSTs to deleting paths and destroying GraphQL mutations; infrastructure APIs and credentials score higher.',
  check({ invocation, context }) {
    const request = readHttpRequest(invocation);
    if (!request) return undefined;
    return [...judgeHttpRequest(request, context), ...uploadFindings(request)];
  },
};

const GRPC_VERB = /^(delete|destroy|drop|remove|purge|reset|wipe|erase|truncate|terminate)$/i;

/** `grpcurl host pkg.Service/DeleteUser`: a gRPC method whose name destroys, like a GraphQL mutation. */
const grpcCalls: Rule = {
  id: 'http.grpc',
  programs: ['grpcurl', 'grpc_cli'],
  description: 'gRPC calls (grpcurl, grpc_cli) to methods whose names delete, destroy, drop, purge or reset.',
  check({ invocation, context }) {
    const args = invocation.argv.slice(1).map((word) => word.value);
    const method = [...args].reverse().find((arg) => !arg.startsWith('-') && /[/.][A-Za-z]\w*$/.test(arg) && !/^\w+:\/\//.test(arg));
    const name = method?.split(/[/.]/).pop() ?? '';
    const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_]+/);
    const verb = words.find((word) => GRPC_VERB.test(word));
    if (!method || !verb) return undefined;
    const credential = args.some((arg, index) => /^-(rpc-)?h(eader)?$|^-H$/i.test(args[index - 1] ?? '') && /authorization|bearer|api[-_]?key|token/i.test(arg));
    const resource = words.filter((word) => word !== verb).join(' ').toLowerCase() || 'data';
    const base = `${invocation.name} calls ${method}, which ${verb.toLowerCase()}s ${resource}${credential ? ' with a credential' : ''}`;
    const boosted = withProduction(credential ? 70 : 60, base, invocationHint(args, context));
    return { rule: 'http.grpc.destructive', score: boosted.score, message: boosted.message };
  },
};

function invocationHint(args: readonly string[], context: AnalysisContext): string | undefined {
  return args.map((arg) => productionHint(arg, context)).find((hint) => hint !== undefined);
}

export const HTTP_PACK: RulePack = {
  id: 'http',
  description: 'Destructive calls to HTTP APIs (REST, GraphQL and gRPC), and secrets sent over HTTP.',
  rules: [httpCalls, grpcCalls],
};
