import type { SyntaxNode } from './bashParser';
import type { Word } from './ir';
import { dynamicWord, literalWord } from './ir';
import type { Scope } from './scope';
import type { WordResolver } from './words';

/**
 * Variables the way bash keeps them across a line: the declaration builtins (`declare`, `typeset`,
 * `local`, `export`, `readonly`, `unset`) with their flags, `declare -n` references, locals that end
 * with their function call, and the other values a variable may hold after a branch, a loop or an
 * `&&`/`||` part that may not have run. `TOOL=echo; true && TOOL=rm || TOOL=echo; "$TOOL" -rf /` runs
 * rm; a walk that kept only the last value written would judge `echo -rf /`.
 */

/** Other values kept per variable, and extra runs per command, so a long line stays cheap. */
const MAX_ALTERNATIVES = 4;
const MAX_RERUNS = 4;

export interface DeclaredValue {
  readonly name: string;
  readonly value: Word;
}

/**
 * Applies a declaration builtin. `args` are its flags and bare names; `values` its `NAME=value`
 * arguments in order, every one expanded before any is assigned, as bash does (`A=rm; declare A=echo
 * B=$A` leaves B=rm).
 */
export function applyDeclaration(builtin: string, args: readonly Word[], values: readonly DeclaredValue[], scope: Scope): void {
  const flags = args.map((word) => word.value).filter((value) => /^-[A-Za-z]+$/.test(value));
  const has = (letter: string): boolean => flags.some((flag) => flag.includes(letter));
  const names = args.map((word) => word.value).filter((value) => /^[A-Za-z_]\w*$/.test(value));
  if (builtin === 'unset') {
    // `unset -f X` removes the function X and leaves the variable X alone.
    if (has('f')) for (const name of names) scope.functions.delete(name);
    else for (const name of names) forget(scope, name, has('n'));
    return;
  }
  const exporting = builtin === 'export' ? !has('n') : has('x');
  if (builtin === 'export' && has('n')) for (const name of [...names, ...values.map((value) => value.name)]) scope.exported.delete(scope.resolveName(name));
  const local = builtin === 'local' || ((builtin === 'declare' || builtin === 'typeset') && !has('g') && scope.localFrames.length > 0);
  for (const name of names) {
    if (local) hide(scope, name);
    if (exporting) scope.exported.add(scope.resolveName(name));
  }
  for (const { name, value } of values) {
    if (builtin !== 'export' && has('n')) {
      scope.namerefs.set(name, value.value);
      continue;
    }
    if (local) hide(scope, name);
    scope.assign(name, has('l') ? { ...value, value: value.value.toLowerCase(), prefix: value.prefix.toLowerCase() } : has('u') ? { ...value, value: value.value.toUpperCase(), prefix: value.prefix.toUpperCase() } : value);
    if (exporting) scope.exported.add(scope.resolveName(name));
  }
}

/**
 * Runs a declaration builtin's node (`declare`, `local`, `export`, `unset`...) against the scope and
 * returns its words, as the program it is.
 */
export function declare(node: SyntaxNode, scope: Scope, words: WordResolver): Word[] {
  const builtin = node.children[0]?.text ?? node.type;
  const argv: Word[] = [literalWord(builtin)];
  const args: Word[] = [];
  const values: DeclaredValue[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'variable_assignment') {
      const name = child.childForFieldName('name');
      const value = child.childForFieldName('value');
      // Arguments of declaration builtins are brace-expanded: `declare T={echo,rm}` sets T twice, ending with rm.
      const word = !value ? literalWord('') : value.type === 'array' ? dynamicWord(value.text) : /\{[^}]*,[^}]*\}/.test(value.text) ? (words.resolve(value, scope).at(-1) ?? literalWord('')) : words.resolveOne(value, scope);
      if (name?.type === 'variable_name') values.push({ name: name.text, value: word });
      argv.push(literalWord(child.text));
    } else {
      const resolved = words.resolve(child, scope);
      args.push(...resolved);
      argv.push(...resolved);
    }
  }
  applyDeclaration(node.type === 'unset_command' ? 'unset' : builtin, args, values, scope);
  return argv;
}

/** Starts a function call: `local` inside it hides the caller's variables until it returns. */
export function enterFunction(scope: Scope): void {
  scope.localFrames.push(new Map());
}

/** Ends a function call: its locals give the caller's values back. */
export function leaveFunction(scope: Scope): void {
  const hidden = scope.localFrames.pop();
  if (!hidden) return;
  for (const [name, value] of hidden) {
    if (value === undefined) scope.variables.delete(name);
    else scope.variables.set(name, value);
    scope.alternatives.delete(name);
  }
}

function hide(scope: Scope, name: string): void {
  const hidden = scope.localFrames.at(-1);
  if (hidden && !hidden.has(name)) hidden.set(name, scope.variables.get(name));
}

function forget(scope: Scope, name: string, referenceOnly: boolean): void {
  if (referenceOnly) {
    scope.namerefs.delete(name);
    return;
  }
  const target = scope.resolveName(name);
  scope.variables.delete(target);
  scope.alternatives.delete(target);
}

/**
 * The values variables take inside a branching construct (an `if`, a `case`, a loop, an `&&`/`||`
 * list). Any value seen along the way may be the one left at the end, because the part that changed
 * it may not have run (or a `break` may have stopped the loop there): those become alternatives.
 */
export class BranchValues {
  private readonly seen: Map<string, Word>[] = [];

  constructor(readonly scope: Scope) {
    this.note();
  }

  note(): void {
    this.seen.push(new Map(this.scope.variables));
  }

  merge(): void {
    const { variables, alternatives } = this.scope;
    for (const snapshot of this.seen) {
      for (const [name, value] of snapshot) {
        const current = variables.get(name);
        if (current === undefined || sameWord(current, value)) continue;
        const known = alternatives.get(name) ?? [];
        if (known.length >= MAX_ALTERNATIVES || known.some((other) => sameWord(other, value))) continue;
        alternatives.set(name, [...known, value]);
      }
    }
  }
}

/**
 * The other values worth trying for a command: those of the variables it names, and of exported
 * variables (a program reads those from its environment: `export TAR_OPTIONS`, then `tar`).
 */
export function alternativeValues(text: string, scope: Scope): [string, Word][] {
  if (scope.alternatives.size === 0) return [];
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{?([A-Za-z_]\w*)/g)) names.add(scope.resolveName(match[1] ?? ''));
  for (const name of scope.exported) names.add(name);
  const runs: [string, Word][] = [];
  for (const name of names) {
    for (const value of scope.alternatives.get(name) ?? []) {
      if (runs.length >= MAX_RERUNS) return runs;
      runs.push([name, value]);
    }
  }
  return runs;
}

function sameWord(a: Word, b: Word): boolean {
  return a.value === b.value && a.dynamic === b.dynamic;
}
