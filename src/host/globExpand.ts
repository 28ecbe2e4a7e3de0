import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Shell glob expansion against the disk, as bash does it for an unquoted word: `*`, `?`, `[...]`
 * (with `!`/`^` negation, ranges and `[:class:]`), backslash escapes, and a leading `.` that only a
 * literal `.` matches. `**` is expanded recursively (zsh's default, bash's `globstar`): when a shell
 * would treat it as `*`, the recursive answer is the larger blast radius, which is the safe error.
 * Brace expansion is the shell's job before globbing and is not done here.
 *
 * A small matcher over `readdir` rather than minimatch: minimatch follows glob conventions of Node
 * tools (no shell escapes, different dotfile and bracket rules), and this needs bash's.
 */
export interface GlobLimits {
  /** Matches beyond this are dropped: the caller is told about the first `maxMatches`. */
  readonly maxMatches: number;
  /** Directories read before giving up with undefined. */
  readonly maxDirectories: number;
  /** Milliseconds before giving up with undefined. */
  readonly maxMillis: number;
}

type Matcher = (name: string) => boolean;
type Step = { kind: 'literal'; name: string } | { kind: 'globstar' } | { kind: 'match'; matcher: Matcher };

class GlobBudgetExceeded extends Error {
  readonly reason = 'budget';
}

export function expandGlob(pattern: string, cwd: string, limits: GlobLimits): readonly string[] | undefined {
  if (pattern === '') return [];
  const onlyDirectories = pattern.endsWith('/');
  const segments = pattern.split('/').filter((s) => s !== '');
  const start = pattern.startsWith('/') ? '/' : resolve(cwd);
  if (!segments.some(hasMagic)) {
    const literal = resolve(start, unescape(segments.join('/')) || '.');
    return existing(literal, onlyDirectories) ? [literal] : [];
  }
  const steps: Step[] = [];
  for (const segment of segments) {
    if (segment === '**') steps.push({ kind: 'globstar' });
    else if (!hasMagic(segment)) steps.push({ kind: 'literal', name: unescape(segment) });
    else {
      const matcher = compileSegment(segment);
      if (!matcher) return undefined;
      steps.push({ kind: 'match', matcher });
    }
  }
  const walker = new Walker(limits);
  try {
    let current = [start];
    steps.forEach((step, index) => {
      const last = index === steps.length - 1;
      const next: string[] = [];
      for (const dir of current) {
        if (step.kind === 'literal') next.push(join(dir, step.name));
        else if (step.kind === 'globstar') walker.descend(dir, last, next);
        else walker.list(dir, step.matcher, last, next);
      }
      current = next;
    });
    const matches = [...new Set(current)].filter((p) => existing(p, onlyDirectories));
    matches.sort();
    return matches.slice(0, limits.maxMatches);
  } catch (error) {
    if (error instanceof GlobBudgetExceeded) return undefined;
    throw error;
  }
}

/** Reads directories within the budget; intermediate segments keep directories only. */
class Walker {
  private readonly deadline: number;
  private directories = 0;
  private entries = 0;

  constructor(private readonly limits: GlobLimits) {
    this.deadline = performance.now() + limits.maxMillis;
  }

  list(dir: string, matcher: Matcher, last: boolean, out: string[]): void {
    for (const entry of this.read(dir)) {
      if (!matcher(entry.name)) continue;
      const path = join(dir, entry.name);
      if (last || isDirectoryLike(entry, path)) this.push(out, path);
    }
  }

  /** `**`: the directory itself and every directory below it (and files too when it ends the pattern). */
  descend(dir: string, last: boolean, out: string[]): void {
    const stack = [dir];
    this.push(out, dir);
    while (stack.length > 0) {
      const current = stack.pop() as string;
      for (const entry of this.read(current)) {
        // Like bash's globstar without dotglob: hidden entries are not matched or entered, and
        // symbolic links to directories are not followed (they could loop).
        if (entry.name.startsWith('.')) continue;
        const path = join(current, entry.name);
        if (entry.isDirectory()) {
          stack.push(path);
          this.push(out, path);
        } else if (last) this.push(out, path);
      }
    }
  }

  private read(dir: string): { name: string; isDirectory(): boolean; isSymbolicLink(): boolean }[] {
    if (++this.directories > this.limits.maxDirectories || performance.now() > this.deadline) {
      throw new GlobBudgetExceeded('glob expansion budget exceeded');
    }
    try {
      return readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
  }

  private push(out: string[], path: string): void {
    // Intermediate lists are bounded too, so a pattern like `/**/*` fails fast instead of growing.
    if (++this.entries > this.limits.maxMatches * 10) throw new GlobBudgetExceeded('too many candidates');
    out.push(path);
  }
}

function isDirectoryLike(entry: { isDirectory(): boolean; isSymbolicLink(): boolean }, path: string): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  // A shell follows a symbolic link to a directory in the middle of a pattern (`link/*`).
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function existing(path: string, onlyDirectories: boolean): boolean {
  try {
    const stats = onlyDirectories ? statSync(path) : lstatSync(path);
    return !onlyDirectories || stats.isDirectory();
  } catch {
    return false;
  }
}

/** Whether a segment has an unescaped `*`, `?` or a complete `[...]`. */
export function hasMagic(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[' && bracketEnd(segment, i) > 0) return true;
  }
  return false;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/gs, '$1');
}

/** Index of the `]` that closes the bracket expression opening at `open`, or -1 (then `[` is literal). */
function bracketEnd(segment: string, open: number): number {
  let i = open + 1;
  if (segment[i] === '!' || segment[i] === '^') i++;
  if (segment[i] === ']') i++;
  for (; i < segment.length; i++) {
    if (segment[i] === '[' && segment[i + 1] === ':') {
      const close = segment.indexOf(':]', i + 2);
      if (close > 0) {
        i = close + 1;
        continue;
      }
    }
    if (segment[i] === ']') return i;
  }
  return -1;
}

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  blank: ' \\t',
  xdigit: '0-9a-fA-F',
  punct: '!-\\/:-@\\[-`{-~',
  word: '\\w',
};

/** Compiles one path segment to a matcher, or undefined for syntax this matcher does not know. */
export function compileSegment(segment: string): Matcher | undefined {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '\\' && i + 1 < segment.length) source += escapeRegExp(segment[++i] as string);
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[' && bracketEnd(segment, i) > 0) {
      const end = bracketEnd(segment, i);
      const cls = compileBracket(segment.slice(i + 1, end));
      if (cls === undefined) return undefined;
      source += cls;
      i = end;
    } else source += escapeRegExp(c);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`^${source}$`, 's');
  } catch {
    // A range out of order (`[z-a]`) matches nothing in bash; reporting "unknown" is the safe side.
    return undefined;
  }
  const explicitDot = segment.startsWith('.') || segment.startsWith('\\.');
  return (name) => (explicitDot || !name.startsWith('.')) && regex.test(name);
}

function compileBracket(body: string): string | undefined {
  let negate = false;
  let i = 0;
  if (body[0] === '!' || body[0] === '^') {
    negate = true;
    i = 1;
  }
  let items = '';
  for (; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '[' && body[i + 1] === ':') {
      const close = body.indexOf(':]', i + 2);
      const cls = CLASSES[body.slice(i + 2, close)];
      if (cls === undefined) return undefined;
      items += cls;
      i = close + 1;
    } else if (body[i + 1] === '-' && i + 2 < body.length) {
      items += `${escapeClassChar(c)}-${escapeClassChar(body[i + 2] as string)}`;
      i += 2;
    } else items += escapeClassChar(c);
  }
  return `[${negate ? '^' : ''}${items}]`;
}

function escapeClassChar(c: string): string {
  return /[\\\]^-]/.test(c) ? `\\${c}` : c;
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
