import type { SyntaxNode } from './bashParser';
import type { Word } from './ir';
import type { Scope } from './scope';

/**
 * Turns argument nodes into the words the shell would pass to the program: quotes removed, escapes
 * and ANSI-C strings decoded, variables set earlier on the line substituted, unquoted expansions split
 * on whitespace (which is how `rm${IFS}-rf${IFS}/` becomes three words) and `~` expanded.
 */

interface Piece {
  readonly text: string;
  /** Quoted text is never split or globbed. */
  readonly quoted: boolean;
  readonly known: boolean;
  /** An unquoted expansion: its value is split on whitespace. */
  readonly splittable: boolean;
  readonly sources?: readonly string[];
  /** A `${X:-default}` whose default is the likely value: the word keeps it as its known prefix. */
  readonly fallback?: boolean;
  /** An unknown piece whose start is known (a variable holding `/srv/$X` starts with `/srv/`). */
  readonly prefix?: string;
}

/** What the statements inside `$(...)`, backticks or `<(...)` produce, as far as it can be known. */
export interface NestedOutput {
  /** Their output when it is a literal (`$(echo /)`), else undefined. */
  readonly output: string | undefined;
  /** The likely output when its shape is known though its text is not (`$(mktemp -d)`: a new temporary folder). */
  readonly likely?: string;
  /** The programs they run. */
  readonly programs: readonly string[];
}

/** Called for `$(...)`, backticks and `<(...)`: the statements inside run too. */
export type NestedStatementHandler = (node: SyntaxNode, scope: Scope) => NestedOutput;

const MAX_WORDS_FROM_ONE_NODE = 256;

export class WordResolver {
  constructor(private readonly onNested: NestedStatementHandler) {}

  /** The words one argument node expands to (usually one; more after field splitting). */
  resolve(node: SyntaxNode, scope: Scope): Word[] {
    return piecesToWords(this.pieces(node, scope, false, true), scope);
  }

  /** A single word (assignment values, redirect targets): no field splitting. */
  resolveOne(node: SyntaxNode, scope: Scope): Word {
    const pieces = this.pieces(node, scope, false, true).map((piece) => ({ ...piece, splittable: false }));
    return piecesToWords(pieces, scope)[0] ?? { value: '', prefix: '', dynamic: false, glob: false };
  }

  private pieces(node: SyntaxNode, scope: Scope, quoted: boolean, wordStart: boolean): Piece[] {
    switch (node.type) {
      case 'word':
      case 'command_name':
      case 'number':
      case 'file_descriptor':
        if (node.type === 'command_name' && node.namedChildCount > 0) return this.childPieces(node, scope, quoted);
        return [literal(quoted ? node.text : decodeUnquoted(node.text, wordStart), quoted)];
      case 'raw_string':
        return [literal(node.text.slice(1, -1), true)];
      case 'ansi_c_string':
        return [literal(decodeAnsiC(node.text.slice(2, -1)), true)];
      case 'string':
      case 'translated_string':
        return this.stringPieces(node, scope);
      case 'string_content':
        return [literal(decodeDoubleQuoted(node.text), true)];
      case 'concatenation':
        return this.childPieces(node, scope, quoted);
      case 'simple_expansion':
      case 'expansion':
        return [this.expansion(node, scope, quoted)];
      case 'command_substitution': {
        const { output, likely, programs } = this.onNested(node, scope);
        if (output !== undefined) return [{ text: output, quoted, known: true, splittable: !quoted }];
        if (likely !== undefined) return [{ text: likely, quoted, known: false, splittable: false, fallback: true, sources: programs }];
        return [{ ...unknown(node.text, quoted), sources: programs }];
      }
      case 'process_substitution': {
        const { programs } = this.onNested(node, scope);
        return [{ ...unknown('/dev/fd/63', true), sources: programs }];
      }
      case 'arithmetic_expansion':
        // `$(( $(cmd) + 1 ))` still runs cmd.
        for (const inner of node.descendantsOfType(['command_substitution', 'process_substitution'])) {
          if (inner && outermostWithin(inner, node)) this.onNested(inner, scope);
        }
        return [unknown(node.text, true)];
      default:
        return [literal(node.text, quoted)];
    }
  }

  private childPieces(node: SyntaxNode, scope: Scope, quoted: boolean): Piece[] {
    const out: Piece[] = [];
    let cursor = node.startIndex;
    let first = true;
    for (const child of node.children) {
      if (!child) continue;
      // Text the grammar leaves between children (rare) still belongs to the word.
      if (child.startIndex > cursor) out.push(literal(sourceBetween(node, cursor, child.startIndex), quoted));
      out.push(...this.pieces(child, scope, quoted, first));
      cursor = child.endIndex;
      first = false;
    }
    return out;
  }

  private stringPieces(node: SyntaxNode, scope: Scope): Piece[] {
    const open = node.type === 'translated_string' ? 2 : 1;
    const out: Piece[] = [];
    let cursor = node.startIndex + open;
    const end = node.endIndex - 1;
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.startIndex > cursor) out.push(literal(decodeDoubleQuoted(sourceBetween(node, cursor, child.startIndex)), true));
      out.push(...this.pieces(child, scope, true, false));
      cursor = child.endIndex;
    }
    if (end > cursor) out.push(literal(decodeDoubleQuoted(sourceBetween(node, cursor, end)), true));
    if (out.length === 0) out.push(literal('', true));
    return out;
  }

  private expansion(node: SyntaxNode, scope: Scope, quoted: boolean): Piece {
    const named = node.namedChildren.filter((child): child is SyntaxNode => child !== null);
    const variable = named[0];
    // `${JOB[1]}` reads one element (a coprocess's descriptors are kept as `JOB[0]` and `JOB[1]`).
    const element = variable?.type === 'subscript' ? /^([A-Za-z_]\w*)\[(\d+)\]$/.exec(variable.text) : null;
    const name = variable && (variable.type === 'variable_name' || variable.type === 'special_variable_name') ? variable.text : element ? `${element[1]}[${element[2]}]` : undefined;
    const known = name === undefined ? undefined : scope.lookup(name);
    const plain = node.type === 'simple_expansion' || (named.length === 1 && node.text === `\${${name}}`);
    if (plain && known && !known.dynamic) return { text: known.value, quoted, known: true, splittable: !quoted };
    if (plain && known) return { text: known.value, quoted, known: false, splittable: false, prefix: known.prefix };
    const operator = /^\$\{[A-Za-z_]\w*(:?[-=+])([^}$`]*)\}$/.exec(node.text);
    if (operator) {
      const [, op = '', word = ''] = operator;
      const set = known !== undefined && !known.dynamic && (known.value !== '' || !op.startsWith(':'));
      if (op.endsWith('+')) return set ? literal(word, quoted) : known === undefined ? literal('', quoted) : unknown(node.text, quoted);
      if (set) return { text: known.value, quoted, known: true, splittable: !quoted };
      // `${X:-/tmp}` with X unknown: the default is the likely value, but X may override it.
      if (!known || known.dynamic) return { text: word, quoted, known: false, splittable: false, fallback: true };
      return literal(word, quoted);
    }
    return unknown(node.text, quoted);
  }
}

/** True when no substitution between `inner` and `root` encloses `inner` (the outer one walks it). */
function outermostWithin(inner: SyntaxNode, root: SyntaxNode): boolean {
  for (let parent = inner.parent; parent && parent.id !== root.id; parent = parent.parent) {
    if (parent.type === 'command_substitution' || parent.type === 'process_substitution') return false;
  }
  return true;
}

function literal(text: string, quoted: boolean): Piece {
  return { text, quoted, known: true, splittable: false };
}

function unknown(text: string, quoted: boolean): Piece {
  return { text, quoted, known: false, splittable: false };
}

function sourceBetween(node: SyntaxNode, start: number, end: number): string {
  return node.text.slice(start - node.startIndex, end - node.startIndex);
}

const GLOB_CHARS = /[*?[]/;

function piecesToWords(pieces: readonly Piece[], scope: Scope): Word[] {
  const words: Word[] = [];
  let value = '';
  let prefix = '';
  let dynamic = false;
  let prefixGrows = false;
  let glob = false;
  let started = false;
  let sources: string[] | undefined;
  const flush = (): void => {
    if (started) {
      const expansions = braceable && !dynamic ? expandBraces(value) : [value];
      for (const expanded of expansions) words.push({ value: expanded, prefix: dynamic ? prefix : expanded, dynamic, glob, ...(sources ? { sources } : {}) });
    }
    braceable = false;
    value = '';
    prefix = '';
    dynamic = false;
    prefixGrows = false;
    glob = false;
    started = false;
    sources = undefined;
  };
  let braceable = false;
  const append = (text: string, piece: Piece): void => {
    if (!piece.quoted && piece.known && /[{}]/.test(text)) braceable = true;
    if (!piece.known && !dynamic) {
      prefix = value + (piece.fallback ? text : (piece.prefix ?? ''));
      dynamic = true;
      // After `${X:-/tmp}` the likely path goes on (`${X:-/tmp}/build` is likely /tmp/build), and so it
      // does after a variable whose whole value is likely (`d=$(mktemp -d)`, then `"$d/sub"`).
      prefixGrows = piece.fallback === true || (piece.prefix !== undefined && piece.prefix === text);
    } else if (dynamic && prefixGrows) {
      if (piece.known || piece.fallback) prefix += text;
      else prefixGrows = false;
    }
    if (!piece.quoted && piece.known && GLOB_CHARS.test(text) && !piece.splittable) glob = true;
    if (piece.sources) sources = [...(sources ?? []), ...piece.sources];
    value += text;
    started = true;
  };
  for (const [index, piece] of pieces.entries()) {
    let text = piece.text;
    if (index === 0 && !piece.quoted && piece.known && !piece.splittable) text = expandTilde(text, scope);
    if (index === 0 && !piece.quoted && /^~[A-Za-z_]/.test(text)) {
      // `~name` is another user's home: somewhere Airlock cannot see.
      append(text, { ...piece, known: false });
      continue;
    }
    if (!piece.splittable) {
      append(text, piece);
      continue;
    }
    const fields = text.split(fieldSeparator(scope));
    fields.forEach((field, fieldIndex) => {
      if (fieldIndex > 0) flush();
      if (field !== '') append(field, piece);
    });
    if (words.length >= MAX_WORDS_FROM_ONE_NODE) break;
  }
  flush();
  return words;
}

const MAX_BRACE_WORDS = 32;

/** Bash brace expansion (`/{etc,usr}`, `~/{,.ssh}`), bounded; ranges and nesting beyond one level stay literal. */
export function expandBraces(value: string, limit = MAX_BRACE_WORDS): string[] {
  const match = /^(.*?)\{([^{}]*,[^{}]*)\}(.*)$/s.exec(value);
  if (!match) return [value];
  const [, head = '', body = '', tail = ''] = match;
  // The tail is expanded once, to the limit, so fifty groups cost fifty steps, not 2^50.
  const tails = expandBraces(tail, limit);
  const out: string[] = [];
  for (const part of body.split(',')) {
    for (const rest of tails) {
      if (out.length >= limit) return out;
      out.push(`${head}${part}${rest}`);
    }
  }
  return out;
}

/** Unquoted expansions split on the characters of `$IFS` (`IFS=:; X='rm:-rf:/'; $X` is three words). */
function fieldSeparator(scope: Scope): RegExp {
  const ifs = scope.variables.get('IFS');
  if (!ifs || ifs.dynamic || ifs.value === ' \t\n') return /[ \t\n]+/;
  if (ifs.value === '') return /(?!)/;
  return new RegExp(`[${ifs.value.replace(/[\\\]^-]/g, '\\$&')}]+`);
}

function expandTilde(text: string, scope: Scope): string {
  if (/^~[A-Za-z_][\w.-]*(\/|$)/.test(text)) return text;
  if (text !== '~' && !text.startsWith('~/')) return text;
  const home = scope.variables.get('HOME');
  if (!home || home.dynamic) return text;
  return home.value + text.slice(1);
}

/** Unquoted word text: a backslash quotes the next character; backslash-newline disappears. */
export function decodeUnquoted(text: string, _wordStart: boolean): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(\n|.)/gs, (_match, next: string) => (next === '\n' ? '' : next));
}

function decodeDoubleQuoted(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([$`"\\\n])/g, (_match, next: string) => (next === '\n' ? '' : next));
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** Decodes the body of a `$'...'` string the way bash does. */
export function decodeAnsiC(body: string): string {
  return body.replace(/\\(x\{[0-9a-fA-F]{1,8}\}|x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/gs, (match, code: string) => {
    const head = code[0] ?? '';
    if (head === 'x' || head === 'u' || head === 'U') {
      // `\x{2f}` is Perl's spelling; code points past Unicode's end are left as written.
      const point = parseInt(code.slice(1).replace(/[{}]/g, ''), 16);
      return Number.isInteger(point) && point >= 0 && point <= 0x10ffff ? String.fromCodePoint(point) : match;
    }
    if (/[0-7]/.test(head)) return String.fromCharCode(parseInt(code, 8) & 0xff);
    if (head === 'c') return String.fromCharCode((code.charCodeAt(1) ?? 64) & 0x1f);
    return SIMPLE_ESCAPES[code] ?? match;
  });
}
