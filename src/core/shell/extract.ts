import type { ShellParser, SyntaxNode } from './bashParser';
import type { Invocation, Redirect, Stdin, Word } from './ir';
import { dynamicWord, literalWord, normalizeProgramName } from './ir';
import { Scope } from './scope';
import type { Signal } from './signals';
import { Unwrapper } from './unwrapRunner';
import { WordResolver } from './words';
import { likelyOutput, literalOutput } from './literalOutput';
import { spawnsForever } from './loopShapes';
import { noteFallibleCd, rememberWrittenFiles, trackShellState } from './shellState';
import { prepareSource } from './preparse';
import { bindPositional } from './positional';
import { coprocessAt } from './coprocess';
import { alternativeValues, BranchValues, declare, enterFunction, leaveFunction } from './variables';
import { namedDescriptor, openCoprocess, openDescriptors } from './descriptors';
import type { ParsedRedirects } from './redirects';
import { noRedirects, RedirectReader, REDIRECT_TYPES } from './redirects';
import type { NestedOutput } from './words';

/**
 * Walks a parsed command line the way bash would run it and lists every program it would start
 * (including those inside substitutions, loops, functions, aliases and wrappers), each with its
 * arguments resolved. Bounded: nesting depth, nodes visited and programs listed all have limits, and
 * reaching one is a signal the engine scores, never a silent stop.
 */

export interface ExtractionLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
  readonly maxInvocations: number;
  readonly maxLoopValues: number;
  /** Statements inside statements (substitutions, groups, bodies). */
  readonly maxNesting: number;
}

export const DEFAULT_LIMITS: ExtractionLimits = { maxDepth: 12, maxNodes: 50_000, maxInvocations: 2_000, maxLoopValues: 16, maxNesting: 200 };

export interface Extraction {
  readonly invocations: readonly Invocation[];
  readonly signals: readonly Signal[];
}

/** How a statement is being run: which wrappers it is inside and what feeds its input. */
export interface Frame {
  readonly via: readonly string[];
  readonly depth: number;
  readonly stdin?: Stdin;
}

/** Constructs after which a variable may hold any of the values it took inside (see variables.ts). */
const BRANCHING = new Set(['list', 'if_statement', 'case_statement', 'while_statement', 'for_statement']);
const STATEMENT_LISTS = new Set(['program', 'list', 'compound_statement', 'do_group', 'else_clause', 'elif_clause', 'case_item', 'if_statement', 'while_statement', 'negated_command', 'ERROR']);
const SKIPPED = new Set(['comment', 'heredoc_body', 'heredoc_start', 'heredoc_end', 'heredoc_content', 'variable_name', 'word']);

export class ShellExtractor {
  constructor(
    private readonly parser: ShellParser,
    private readonly limits: ExtractionLimits = DEFAULT_LIMITS,
  ) {}

  extract(source: string, scope: Scope): Extraction {
    const run = new ExtractionRun(this.parser, this.limits);
    run.script(source, scope, { via: [], depth: 0 });
    return { invocations: run.invocations, signals: run.signals };
  }
}

export class ExtractionRun {
  readonly invocations: Invocation[] = [];
  readonly signals: Signal[] = [];
  private nodes = 0;
  private nesting = 0;
  private stopped = false;
  private readonly words: WordResolver;
  private readonly redirects: RedirectReader;
  private readonly unwrapper: Unwrapper;
  /** The frame of the statement being resolved, so substitutions inside its words inherit it. */
  private currentFrame: Frame = { via: [], depth: 0 };
  /** The branching constructs being walked, innermost last. */
  private readonly branches: BranchValues[] = [];
  /** True while a command is judged again with another value of a variable. */
  private varying = false;
  /** True while the parts of an `&&`/`||` list are walked. */
  private inList = false;
  /** Rare forms the script being walked may hold, so the walk only looks for them there. */
  private forms = { coproc: false, namedDescriptors: false };

  constructor(
    private readonly parser: ShellParser,
    readonly limits: ExtractionLimits,
  ) {
    this.words = new WordResolver((node, scope) => this.nested(node, scope));
    this.redirects = new RedirectReader(this.words, this.invocations);
    this.unwrapper = new Unwrapper(this);
  }

  /** Parses and walks shell source: the whole line, or a script a wrapper runs. */
  script(source: string, scope: Scope, frame: Frame): Invocation[] {
    if (frame.depth > this.limits.maxDepth) {
      this.signal({ kind: 'limit', what: 'nesting', detail: `wrappers nested more than ${this.limits.maxDepth} deep` });
      return [];
    }
    const text = prepareSource(source);
    // Node text and field lookups cross into WebAssembly: look for the rare forms only in lines that have them.
    const outer = this.forms;
    this.forms = { coproc: text.includes('coproc'), namedDescriptors: /\{[A-Za-z_]\w*\}[<>]/.test(text) };
    try {
      return this.parser.withTree(text, (root) => this.statement(root, scope, frame));
    } finally {
      this.forms = outer;
    }
  }

  signal(signal: Signal): void {
    if (this.signals.length < 100) this.signals.push(signal);
  }

  /** Walks one statement node; returns the programs it starts directly (for pipes to read from). */
  statement(node: SyntaxNode, scope: Scope, frame: Frame): Invocation[] {
    if (this.stopped) return [];
    if (++this.nodes > this.limits.maxNodes) {
      this.stop('nodes', `more than ${this.limits.maxNodes} syntax nodes`);
      return [];
    }
    // `$($($(...)))` ten thousand deep would exhaust the stack: nesting is bounded too.
    if (this.nesting >= this.limits.maxNesting) {
      this.stop('nodes', `statements nested more than ${this.limits.maxNesting} deep`);
      return [];
    }
    this.nesting++;
    try {
      return this.statementAt(node, scope, frame);
    } finally {
      this.nesting--;
    }
  }

  private statementAt(node: SyntaxNode, scope: Scope, frame: Frame): Invocation[] {
    if (node.type === 'ERROR' || node.isMissing) {
      this.signal({ kind: 'unparsed', text: node.text.slice(0, 200) });
    }
    if ((node.type === 'while_statement' || node.type === 'c_style_for_statement') && spawnsForever(node)) {
      this.signal({ kind: 'spawn-loop', text: node.text.slice(0, 200) });
    }
    // A list nested in a list (`a && b || c`) is one and-or list: its values merge once, at its end.
    if (BRANCHING.has(node.type) && !(node.type === 'list' && this.inList)) {
      const branches = new BranchValues(scope);
      this.branches.push(branches);
      const wasInList = this.inList;
      this.inList = node.type === 'list';
      try {
        return node.type === 'for_statement' ? this.forLoop(node, scope, frame) : this.sequence(node, scope, frame);
      } finally {
        this.inList = wasInList;
        this.branches.pop();
        branches.merge();
      }
    }
    if (STATEMENT_LISTS.has(node.type)) return this.sequence(node, scope, frame);
    switch (node.type) {
      case 'command':
        return this.command(node, scope, frame);
      case 'redirected_statement':
        return this.redirected(node, scope, frame);
      case 'pipeline':
        return this.pipeline(node.namedChildren, scope, frame);
      case 'subshell':
        return this.sequence(node, scope.child(), frame);
      case 'variable_assignment':
        this.assign(node, scope);
        return [];
      case 'declaration_command':
      case 'unset_command':
        return this.declaration(node, scope, frame);
      case 'function_definition':
        return this.defineFunction(node, scope, frame);
      case 'for_statement':
        return this.forLoop(node, scope, frame);
      default:
        if (SKIPPED.has(node.type) || !node.isNamed) return [];
        return this.sequence(node, scope, frame);
    }
  }

  private stop(what: 'nodes' | 'size', detail: string): void {
    if (!this.stopped) this.signal({ kind: 'limit', what, detail });
    this.stopped = true;
  }

  private sequence(node: SyntaxNode, scope: Scope, frame: Frame): Invocation[] {
    const started: Invocation[] = [];
    const children = node.namedChildren.filter((child): child is SyntaxNode => child !== null);
    for (let index = 0; index < children.length; index++) {
      const coprocess = this.forms.coproc ? coprocessAt(node, children, index) : undefined;
      if (coprocess) {
        // The grammar does not know `coproc NAME { ...; }`: it splits the group into siblings.
        const ran = this.script(coprocess.source, scope.child(), { via: [...frame.via, 'coproc'], depth: frame.depth + 1 });
        openCoprocess(coprocess.name, ran.at(-1), coprocess.source, scope);
        started.push(...ran);
        index = coprocess.last;
        continue;
      }
      const before = { cwd: scope.cwd, pwd: scope.variables.get('PWD') };
      const ran = this.statement(children[index] as SyntaxNode, scope, frame);
      started.push(...ran);
      const next = children[index + 1];
      // After `cd x && ...` the rest runs only where the cd went; after `;`, a newline or `||`, also where
      // the line was. Read the operator (node text crosses into WebAssembly) only when the line moved.
      if (next && scope.cwd !== before.cwd && !(node.type === 'list' && /&&/.test(node.text.slice((children[index]?.endIndex ?? 0) - node.startIndex, next.startIndex - node.startIndex)))) noteFallibleCd(before, scope);
      const branches = this.branches.at(-1);
      if (branches?.scope === scope) branches.note();
    }
    return started;
  }

  private pipeline(stages: readonly (SyntaxNode | null)[], scope: Scope, frame: Frame): Invocation[] {
    let producer: Invocation | undefined;
    let started: Invocation[] = [];
    for (const stage of stages) {
      if (!stage) continue;
      const stageFrame: Frame = producer ? { ...frame, stdin: { kind: 'pipe', producer } } : frame;
      // Every stage of a pipeline runs in its own subshell.
      started = this.statement(stage, scope.child(), stageFrame);
      producer = started[started.length - 1] ?? producer;
    }
    return started;
  }

  private redirected(node: SyntaxNode, scope: Scope, frame: Frame): Invocation[] {
    const body = node.childForFieldName('body');
    const parsed = noRedirects();
    // `exec {fd}< <(...)`: the grammar ends the body with `{fd}`, which names the first redirect's descriptor.
    const redirectNodes = node.namedChildren.filter((child): child is SyntaxNode => child !== null && child.id !== body?.id && REDIRECT_TYPES.has(child.type));
    const trailing = body?.type === 'command' ? body.namedChildren.at(-1) : undefined;
    const named = this.forms.namedDescriptors && trailing && redirectNodes[0]?.startIndex === trailing.endIndex ? namedDescriptor(trailing.text) : undefined;
    redirectNodes.forEach((child, index) => this.redirects.read(child, scope, parsed, index === 0 ? named : undefined));
    const bodyFrame: Frame = parsed.stdin ?? frame.stdin ? { ...frame, stdin: parsed.stdin ?? frame.stdin } : frame;
    let started: Invocation[];
    if (body?.type === 'command') {
      started = this.command(body, scope, bodyFrame, parsed, named !== undefined);
    } else {
      started = body ? this.statement(body, scope, bodyFrame) : [];
      // A redirect on a group or on nothing (`> file`) still writes its target.
      if (parsed.redirects.length > 0) started = [...started, this.record(this.invocation([], new Map(), parsed.redirects, scope, frame, node.text))];
    }
    for (const continuation of parsed.continuations) {
      const producer = started[started.length - 1];
      const continuationFrame: Frame = continuation.piped && producer ? { ...frame, stdin: { kind: 'pipe', producer } } : frame;
      const more = this.statement(continuation.node, scope, continuationFrame);
      started = continuation.piped ? more : [...started, ...more];
    }
    return started;
  }

  private assign(node: SyntaxNode, scope: Scope): void {
    const name = node.childForFieldName('name');
    const value = node.childForFieldName('value');
    if (!name) return;
    const word = value ? this.words.resolveOne(value, scope) : literalWord('');
    if (name.type === 'variable_name') scope.assign(name.text, value?.type === 'array' ? dynamicWord(value.text) : word);
  }

  private declaration(node: SyntaxNode, scope: Scope, frame: Frame): Invocation[] {
    const argv = declare(node, scope, this.words);
    return [this.record(this.invocation(argv, new Map(), [], scope, frame, node.text))];
  }

  private defineFunction(node: SyntaxNode, scope: Scope, frame: Frame): Invocation[] {
    const name = node.childForFieldName('name')?.text ?? '';
    const body = node.childForFieldName('body');
    this.signal({ kind: 'function-defined', name, text: node.text.slice(0, 200) });
    if (!body) return [];
    // `f(){ ...; } >/dev/tcp/host/port`: the redirects apply every time f runs.
    const redirects = node.childrenForFieldName('redirect').filter((child): child is SyntaxNode => child !== null).map((child) => child.text);
    const text = redirects.length > 0 ? `${body.text} ${redirects.join(' ')}` : body.text;
    scope.functions.set(name, text);
    // A defined function can run without being named on the line (`command_not_found_handle`, traps,
    // a later line of the same session): judge its body as if it runs.
    const eager: Frame = { ...frame, via: [...frame.via, `function ${name}`] };
    if (redirects.length > 0) this.script(text, scope.child(), eager);
    else this.statement(body, scope.child(), eager);
    return [];
  }

  private forLoop(node: SyntaxNode, scope: Scope, frame: Frame): Invocation[] {
    const variable = node.childForFieldName('variable')?.text;
    const body = node.childForFieldName('body');
    const values: Word[] = [];
    for (const child of node.namedChildren) {
      // Nodes are new objects on every access: compare ids, never references.
      if (child && child.id !== body?.id && child.type !== 'variable_name') values.push(...this.words.resolve(child, scope));
    }
    if (!body) return [];
    const known = values.length > 0 && values.length <= this.limits.maxLoopValues && values.every((word) => !word.dynamic && !word.glob);
    if (!variable) return this.statement(body, scope, frame);
    const started: Invocation[] = [];
    const runs = known ? values : [dynamicWord(`$${variable}`)];
    for (const value of runs) {
      scope.assign(variable, value);
      started.push(...this.statement(body, scope, frame));
      const branches = this.branches.at(-1);
      if (branches?.scope === scope) branches.note();
    }
    return started;
  }

  /** Statements inside `$(...)`, backticks and `<(...)`: they run, and their output may be a literal. */
  private nested(node: SyntaxNode, scope: Scope): NestedOutput {
    const frame = this.currentFrame;
    const before = this.invocations.length;
    const started = this.sequence(node, scope.child(), { via: frame.via, depth: frame.depth });
    const programs = this.invocations.slice(before).map((invocation) => invocation.name).filter(Boolean);
    const outputs = started.map(literalOutput);
    const output = started.length > 0 && outputs.every((text) => text !== undefined) ? outputs.join('').replace(/\n+$/, '') : undefined;
    const likely = output === undefined && started.length === 1 && started[0] ? likelyOutput(started[0], scope) : undefined;
    return { output, programs, ...(likely !== undefined ? { likely } : {}) };
  }

  private command(node: SyntaxNode, scope: Scope, frame: Frame, outer?: ParsedRedirects, dropTrailing = false): Invocation[] {
    const outerFrame = this.currentFrame;
    this.currentFrame = frame;
    try {
      const assignments = new Map<string, Word>();
      const argv: Word[] = [];
      const parsed: ParsedRedirects = outer ? { ...outer, redirects: [...outer.redirects], extraArgs: [], opened: [...outer.opened], consumers: [...outer.consumers] } : noRedirects();
      parsed.stdin = outer?.stdin ?? frame.stdin;
      const children = node.namedChildren.filter((child): child is SyntaxNode => child !== null && child.type !== 'comment');
      if (dropTrailing) children.pop();
      children.forEach((child, index) => {
        if (child.type === 'variable_assignment') {
          const name = child.childForFieldName('name')?.text ?? '';
          const value = child.childForFieldName('value');
          assignments.set(name, value ? this.words.resolveOne(value, scope) : literalWord(''));
        } else if (REDIRECT_TYPES.has(child.type)) {
          const before = children[index - 1];
          const named = this.forms.namedDescriptors && before && before.endIndex === child.startIndex ? namedDescriptor(before.text) : undefined;
          const extraBefore = parsed.extraArgs.length;
          this.redirects.read(child, scope, parsed, named);
          argv.push(...parsed.extraArgs.slice(extraBefore));
        } else if (!(this.forms.namedDescriptors && REDIRECT_TYPES.has(children[index + 1]?.type ?? '') && children[index + 1]?.startIndex === child.endIndex && namedDescriptor(child.text) !== undefined)) {
          argv.push(...this.words.resolve(child, scope));
        }
      });
      if (outer) argv.push(...outer.extraArgs);
      const commandFrame: Frame = parsed.stdin ? { ...frame, stdin: parsed.stdin } : frame;
      const started = this.run(argv, assignments, parsed.redirects, scope, commandFrame, node.text);
      const onlyOpens = argv.length === 1 && argv[0]?.value === 'exec';
      openDescriptors(parsed.opened, scope, onlyOpens);
      const writer = started[0];
      if (writer && !onlyOpens) {
        // `cmd > >(bash)`: the shell reads what cmd writes, as if piped.
        for (const source of parsed.consumers) this.script(source, scope.child(), { via: [...frame.via, 'process substitution'], depth: frame.depth + 1, stdin: { kind: 'pipe', producer: writer } });
      }
      if (!this.varying) this.vary(node, scope, frame, outer, dropTrailing);
      return started;
    } finally {
      this.currentFrame = outerFrame;
    }
  }

  /** Judges the command again with each other value its variables may hold here. */
  private vary(node: SyntaxNode, scope: Scope, frame: Frame, outer: ParsedRedirects | undefined, dropTrailing: boolean): void {
    for (const [name, value] of alternativeValues(node.text, scope)) {
      const alternative = scope.child();
      alternative.alternatives.clear();
      alternative.variables.set(name, value);
      this.varying = true;
      try {
        this.command(node, alternative, frame, outer, dropTrailing);
      } finally {
        this.varying = false;
      }
    }
  }

  /** Records a program run (after aliases and functions) and everything it runs in turn. */
  run(argv: readonly Word[], assignments: ReadonlyMap<string, Word>, redirects: readonly Redirect[], scope: Scope, frame: Frame, text: string): Invocation[] {
    const head = argv[0];
    if (head && !head.dynamic) {
      const alias = scope.aliases.get(head.value);
      if (alias !== undefined && frame.depth < this.limits.maxDepth) {
        // A glob stays a glob when the alias's text is read again (`wipe /*` after `hash -p /bin/mv wipe`).
        const rest = argv.slice(1).map((word) => (word.glob && /^[\w@%+=:,./*?[\]-]+$/.test(word.value) ? word.value : quoteForShell(word.value))).join(' ');
        return this.script(`${alias} ${rest}`, scope, { ...frame, via: [...frame.via, `alias ${head.value}`], depth: frame.depth + 1 });
      }
      const body = scope.functions.get(head.value);
      if (body !== undefined && frame.via.includes(`function ${head.value}`)) {
        // A function that calls itself, directly or round a cycle: judged once; `f(){ f|f& }; f` is a
        // fork bomb, and so is `a(){ b; }; b(){ a & }; a`.
        const cycle = frame.via.slice(frame.via.indexOf(`function ${head.value}`)).filter((entry) => entry.startsWith('function ')).map((entry) => scope.functions.get(entry.slice(9)) ?? '');
        this.signal({ kind: 'recursion', name: head.value, background: cycle.some((text) => /&|\|/.test(text)) });
        return [];
      }
      if (body !== undefined && frame.depth < this.limits.maxDepth) {
        enterFunction(scope);
        try {
          return this.script(bindPositional(body, argv.slice(1)), scope, { ...frame, via: [...frame.via, `function ${head.value}`], depth: frame.depth + 1 });
        } finally {
          leaveFunction(scope);
        }
      }
    }
    const invocation = this.record(this.invocation(argv, assignments, redirects, scope, frame, text));
    trackShellState(invocation, scope);
    rememberWrittenFiles(invocation, scope);
    return [invocation, ...this.unwrapper.expand(invocation, scope, frame)];
  }

  invocation(argv: readonly Word[], assignments: ReadonlyMap<string, Word>, redirects: readonly Redirect[], scope: Scope, frame: Frame, text: string): Invocation {
    const head = argv[0];
    return {
      argv,
      name: head && !head.dynamic ? normalizeProgramName(head.value) : '',
      nameDynamic: head?.dynamic ?? false,
      // The program's environment: variables the line exported, then its own `NAME=value` words.
      assignments: scope.environment(assignments),
      redirects,
      stdin: frame.stdin,
      cwd: scope.cwd,
      ...(scope.cwdIfCdFailed !== undefined ? { cwdIfCdFailed: scope.cwdIfCdFailed } : {}),
      remote: scope.remote,
      via: frame.via,
      text: text.length > 500 ? `${text.slice(0, 500)}…` : text,
    };
  }

  record(invocation: Invocation): Invocation {
    if (this.invocations.length >= this.limits.maxInvocations) {
      this.stop('size', `more than ${this.limits.maxInvocations} programs`);
    } else {
      this.invocations.push(invocation);
    }
    return invocation;
  }
}


function quoteForShell(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export { Scope };
