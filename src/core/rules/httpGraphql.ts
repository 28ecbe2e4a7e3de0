// Deep imports keep the bundle small: the parser alone is a sixth of the whole package (every hook
// process reads the bundle).
import type { ArgumentNode, FieldNode, ValueNode } from 'graphql/language/ast';
import { Kind } from 'graphql/language/kinds';
import { parse } from 'graphql/language/parser';

/**
 * GraphQL in request bodies: parsed with the reference parser (the `graphql` package) to find the
 * mutations whose names destroy (`volumeDelete`, `deleteProject`, `dropDatabase`, `purgeCache`).
 * Only called when a body looks like GraphQL, so ordinary requests never pay for parsing.
 */
export interface DestructiveMutation {
  /** The mutation field as written: `volumeDelete`. */
  readonly field: string;
  /** The destroying verb in it: `delete`. */
  readonly verb: string;
  /** The thing it names before or after the verb, in words: `volume`, `project`. */
  readonly resource: string | undefined;
  /** The first literal argument (usually the id), if any. */
  readonly target: string | undefined;
}

export interface GraphqlReading {
  readonly operation: 'query' | 'mutation' | 'subscription' | 'unparsed';
  readonly destructive: readonly DestructiveMutation[];
}

const VERBS = /^(delete|destroy|drop|remove|purge|reset|wipe|erase|truncate|nuke|clear|flush|terminate)$/i;
const MAX_QUERY = 64 * 1024;

/** The GraphQL documents in a body: the `query` of a JSON body (or of each in a batch), or the raw text. */
export function graphqlDocuments(body: string): string[] {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      const items = Array.isArray(value) ? value : [value];
      const queries = items.map((item) => (item && typeof item === 'object' ? (item as Record<string, unknown>).query : undefined)).filter((query): query is string => typeof query === 'string');
      if (queries.length > 0) return queries;
    } catch {
      // Not JSON (or JSON with shell variables in it): look for the query text itself.
      const quoted = /"query"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(trimmed);
      if (quoted) return [quoted[1]?.replace(/\\(.)/g, '$1') ?? ''];
    }
  }
  // `query=...` form fields (`gh api graphql -f query=...` gives the value itself).
  const field = /^query=([\s\S]*)$/.exec(trimmed);
  if (field) return [field[1] ?? ''];
  return /\b(mutation|query|subscription)\b|^\s*\{/.test(trimmed) ? [trimmed] : [];
}

/** Does this body plausibly hold GraphQL? A cheap test before parsing. */
export function looksLikeGraphql(body: string, path: string): boolean {
  return /graphql/i.test(path) || /\bmutation\b/.test(body) || /"query"\s*:\s*"\s*(mutation|query|\{)/.test(body);
}

function words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_]+/).filter(Boolean);
}

function literal(value: ValueNode): string | undefined {
  switch (value.kind) {
    case Kind.STRING:
    case Kind.INT:
    case Kind.ENUM:
      return value.value;
    case Kind.VARIABLE:
      return `$${value.name.value}`;
    case Kind.OBJECT:
      for (const field of value.fields) {
        const inner = literal(field.value);
        if (inner) return inner;
      }
      return undefined;
    default:
      return undefined;
  }
}

function judgeField(field: FieldNode): DestructiveMutation | undefined {
  const parts = words(field.name.value);
  const verbIndex = parts.findIndex((part) => VERBS.test(part));
  if (verbIndex === -1) return undefined;
  const rest = parts.filter((_, index) => index !== verbIndex).map((part) => part.toLowerCase());
  const args: readonly ArgumentNode[] = field.arguments ?? [];
  const idArg = args.find((arg) => /id$/i.test(arg.name.value)) ?? args[0];
  return {
    field: field.name.value,
    verb: (parts[verbIndex] ?? '').toLowerCase(),
    resource: rest.length > 0 ? rest.join(' ') : undefined,
    target: idArg ? literal(idArg.value) : undefined,
  };
}

/** The `variables` of a JSON GraphQL body, so `volumeDelete(volumeId: $id)` can name the volume. */
export function graphqlVariables(body: string): Readonly<Record<string, unknown>> {
  const trimmed = body.trim();
  if (!trimmed.startsWith('{')) return {};
  try {
    const value = (JSON.parse(trimmed) as Record<string, unknown>).variables;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Reads one GraphQL document: its operation kind and its destroying mutation fields. */
export function readGraphql(document: string, variables: Readonly<Record<string, unknown>> = {}): GraphqlReading {
  const reading = readDocument(document);
  if (Object.keys(variables).length === 0) return reading;
  const resolve = (target: string | undefined): string | undefined => {
    const value = target?.startsWith('$') ? variables[target.slice(1)] : undefined;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : target;
  };
  return { ...reading, destructive: reading.destructive.map((found) => ({ ...found, target: resolve(found.target) })) };
}

function readDocument(document: string): GraphqlReading {
  if (document.length > MAX_QUERY) return { operation: 'unparsed', destructive: [] };
  try {
    const ast = parse(document, { noLocation: true });
    let operation: GraphqlReading['operation'] = 'query';
    const destructive: DestructiveMutation[] = [];
    for (const definition of ast.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      if (definition.operation !== 'mutation') continue;
      operation = 'mutation';
      for (const selection of definition.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        const found = judgeField(selection);
        if (found) destructive.push(found);
      }
    }
    return { operation, destructive };
  } catch {
    // A document the reference parser rejects fails on the server too; read its names anyway, since
    // agents quote badly and a near-miss is still what they meant.
    if (!/\bmutation\b/.test(document)) return { operation: 'unparsed', destructive: [] };
    const destructive = [...document.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)]
      .map((match) => judgeField({ kind: Kind.FIELD, name: { kind: Kind.NAME, value: match[1] ?? '' } } as FieldNode))
      .filter((found): found is DestructiveMutation => found !== undefined);
    return { operation: 'unparsed', destructive };
  }
}
