import type { SyntaxNode } from './bashParser';
import type { Descriptor, OpenedDescriptor } from './descriptors';
import { descriptorNumber, namedDescriptor, stdinFrom } from './descriptors';
import type { Invocation, Redirect, Stdin, Word } from './ir';
import { dynamicWord, literalWord } from './ir';
import type { Scope } from './scope';
import type { WordResolver } from './words';

/**
 * Reads redirects: where a program's output goes, where its input comes from, and which descriptors
 * it opens. Descriptors opened earlier on the line are followed (`>&3` after `exec 3>payload.sh`
 * writes payload.sh), so the rules see the file, program or shell at the other end.
 */

export const REDIRECT_TYPES = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
const SKIPPED = new Set(['comment', 'heredoc_body', 'heredoc_start', 'heredoc_end', 'heredoc_content', 'variable_name', 'word', 'file_descriptor']);

export interface ParsedRedirects {
  readonly redirects: Redirect[];
  stdin?: Stdin;
  readonly continuations: { node: SyntaxNode; piped: boolean }[];
  /** Words the grammar attached to the redirect that belong to the command. */
  readonly extraArgs: Word[];
  /** Descriptors the redirects open (kept for the rest of the line by `exec` and `{name}`). */
  readonly opened: OpenedDescriptor[];
  /** Shell source that reads what the command writes (`> >(bash)`, `>&3` after `exec 3> >(bash)`). */
  readonly consumers: string[];
}

export function noRedirects(): ParsedRedirects {
  return { redirects: [], continuations: [], extraArgs: [], opened: [], consumers: [] };
}

export class RedirectReader {
  constructor(
    private readonly words: WordResolver,
    /** Every program recorded so far: a process substitution's program is the last one it adds. */
    private readonly recorded: readonly Invocation[],
  ) {}

  /** Reads one redirect node into `into`; `named` is the variable of a `{name}` word right before it. */
  read(node: SyntaxNode, scope: Scope, into: ParsedRedirects, named?: string): void {
    const number = node.namedChildren.find((child) => child?.type === 'file_descriptor')?.text;
    const fd = (fallback: string): string => (named !== undefined ? `{${named}}` : (number ?? fallback));
    // tree-sitter-bash reads `3<<<'x'` as `3<` with a stray `<<`: it is a here-string all the same.
    const strayHereString = node.type === 'file_redirect' && node.namedChildren.some((child) => child?.type === 'ERROR' && child.text === '<<');
    if (node.type === 'herestring_redirect' || strayHereString) {
      const value = strayHereString ? node.childForFieldName('destination') : node.namedChildren.find((child) => child !== null && child.type !== 'file_descriptor');
      const word = value ? this.words.resolveOne(value, scope) : literalWord('');
      this.input(into, fd('0'), { kind: 'text', text: `${word.value}\n`, dynamic: word.dynamic });
      return;
    }
    if (node.type === 'heredoc_redirect') {
      this.heredoc(node, scope, into, fd('0'));
      return;
    }
    // tree-sitter-bash hangs words after a redirect (`git >/dev/null reset --hard`) on it as more
    // destinations; they are the command's arguments.
    const [destination, ...more] = node.childrenForFieldName('destination').filter((child): child is SyntaxNode => child !== null);
    into.extraArgs.push(...more.flatMap((child) => this.words.resolve(child, scope)));
    const operator = node.children.find((child) => child !== null && !child.isNamed && child.type !== '\\');
    const op = operator?.type ?? '>';
    const recordedBefore = this.recorded.length;
    const target = destination ? this.words.resolveOne(destination, scope) : dynamicWord('?');
    into.redirects.push({ op, fd: named !== undefined ? `{${named}}` : number, target });
    const reads = op === '<' || op === '<>';
    if (destination?.type === 'process_substitution') {
      if (reads) {
        const producer = this.recorded.slice(recordedBefore).at(-1);
        this.input(into, fd('0'), producer ? { kind: 'producer', producer } : { kind: 'path', target }, target);
      } else {
        this.output(into, fd('1'), { kind: 'consumer', source: destination.text.slice(2, -1) });
      }
      return;
    }
    if (op === '>&' || op === '<&') {
      const referenced = descriptorNumber(target);
      const open = referenced === undefined ? undefined : scope.descriptors.get(referenced);
      if (open) {
        if (op === '<&') this.input(into, fd('0'), open);
        else this.output(into, fd('1'), open);
      } else if (op === '<&' && fd('0') === '0' && !/^[012]-?$|^-$/.test(target.value)) {
        // A shell reading its script from a descriptor the line never opened visibly.
        into.stdin = { kind: 'text', text: `<&${target.value}`, dynamic: true };
      }
      return;
    }
    if (reads) this.input(into, fd('0'), { kind: 'path', target }, target);
    else this.output(into, fd('1'), { kind: 'path', target });
  }

  private heredoc(node: SyntaxNode, scope: Scope, into: ParsedRedirects, fd: string): void {
    let body = '';
    let dynamic = false;
    let lastOperator = '';
    for (const child of node.children) {
      if (!child) continue;
      if (!child.isNamed) {
        lastOperator = child.type;
        continue;
      }
      if (child.type === 'heredoc_body') {
        body = child.text;
        // Unquoted heredocs expand `$(...)` when the shell reads them: those commands run.
        for (const part of child.namedChildren) {
          if (part && part.type !== 'heredoc_content') {
            dynamic = true;
            this.words.resolve(part, scope);
          }
        }
      } else if (REDIRECT_TYPES.has(child.type)) {
        this.read(child, scope, into);
      } else if (!SKIPPED.has(child.type)) {
        into.continuations.push({ node: child, piped: lastOperator === '|' || lastOperator === '|&' || lastOperator === '<<' || lastOperator === '<<-' });
      }
    }
    this.input(into, fd, { kind: 'text', text: body, dynamic });
  }

  /** Input on `fd`: the command's standard input when fd is 0; an open descriptor either way. */
  private input(into: ParsedRedirects, fd: string, descriptor: Descriptor, fileTarget?: Word): void {
    into.opened.push({ fd, descriptor });
    if (fd !== '0') return;
    if (descriptor.kind === 'path' && fileTarget) {
      // `< file`: judged by the file's name, and by the programs of `< <(...)`.
      const sources = fileTarget.sources ? { sources: fileTarget.sources } : {};
      into.stdin = { kind: 'text', text: `<${fileTarget.value}`, dynamic: true, ...sources };
      return;
    }
    const stdin = stdinFrom(descriptor);
    if (stdin) into.stdin = stdin;
  }

  /** Output on `fd`: followed to a file or a reading shell unless it only opens a descriptor. */
  private output(into: ParsedRedirects, fd: string, descriptor: Descriptor): void {
    into.opened.push({ fd, descriptor });
    if (namedDescriptor(fd) !== undefined || !/^[12]$/.test(fd)) return;
    if (descriptor.kind === 'consumer') into.consumers.push(descriptor.source);
    // Writing to a descriptor that holds a file appends to that file.
    else if (descriptor.kind === 'path' && into.redirects.at(-1)?.target !== descriptor.target) into.redirects.push({ op: '>>', fd, target: descriptor.target });
  }
}
