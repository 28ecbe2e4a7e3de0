import type { SyntaxNode } from './bashParser';

/** A `coproc [NAME] { ...; }` found among a list's statements. */
export interface CoprocessGroup {
  readonly name: string;
  /** The shell source between the braces. */
  readonly source: string;
  /** Index of the last sibling the group spans (its closing brace). */
  readonly last: number;
}

/**
 * tree-sitter-bash has no rule for `coproc NAME { a; b; }`: it reads a command `coproc NAME { a`, then
 * `b`, then a command named `}`. This finds such a group starting at `index` and gives back its body.
 */
export function coprocessAt(parent: SyntaxNode, children: readonly SyntaxNode[], index: number): CoprocessGroup | undefined {
  const first = children[index];
  if (first?.type !== 'command' || first.childForFieldName('name')?.text !== 'coproc') return undefined;
  const words = first.namedChildren.filter((child): child is SyntaxNode => child !== null).slice(1, 3);
  const brace = words.findIndex((word) => word.text === '{');
  if (brace === -1) return undefined;
  const open = words[brace] as SyntaxNode;
  const name = brace === 1 ? (words[0]?.text ?? 'COPROC') : 'COPROC';
  let last = children.length - 1;
  for (let at = index + 1; at < children.length; at++) {
    if (/^\}(\s|$)/.test(children[at]?.text ?? '')) {
      last = at;
      break;
    }
  }
  const closing = children[last];
  const end = closing && last > index && /^\}/.test(closing.text) ? closing.startIndex : parent.endIndex;
  const source = parent.text.slice(open.endIndex - parent.startIndex, end - parent.startIndex);
  return { name: /^[A-Za-z_]\w*$/.test(name) ? name : 'COPROC', source, last };
}
