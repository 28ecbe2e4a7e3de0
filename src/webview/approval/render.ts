/// <reference lib="dom" />

type Child = Node | string;

/** Builds an element with attributes and children; text always goes in as text, never as markup. */
export function el(tag: string, attributes: Record<string, string>, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== '') element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const TOKEN = /(\s+)|(\|\||&&|;;|[|;&<>()]+)|("(?:[^"\\]|\\.)*"|'[^']*')|(\S+)/g;

/**
 * A light highlight of a command line: the program of each pipeline stage, options, quoted strings
 * and operators. The text is kept exactly, character for character; only spans are added.
 */
export function highlightCommand(command: string): HTMLElement {
  const code = el('code', {});
  let expectProgram = true;
  for (const match of command.matchAll(TOKEN)) {
    const [text, space, operator, quoted] = match;
    if (space !== undefined) {
      code.append(text);
      if (space.includes('\n')) expectProgram = true;
      continue;
    }
    let kind: string;
    if (operator !== undefined) {
      kind = 'op';
      expectProgram = true;
    } else if (quoted !== undefined) {
      kind = 'str';
      expectProgram = false;
    } else if (expectProgram && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
      kind = 'prog';
      expectProgram = text === 'sudo' || text === 'env' || text === 'xargs';
    } else {
      kind = text.startsWith('-') ? 'opt' : 'word';
    }
    code.append(el('span', { class: `tok-${kind}` }, text));
  }
  return code;
}

/** Lines of a diff shown before the rest is folded away. */
export const DIFF_PREVIEW_LINES = 60;

/** A unified diff with added and removed lines marked; a long one shows its start and folds the rest. */
export function renderDiff(diff: string): HTMLElement {
  const lines = diff.replace(/\n$/, '').split('\n');
  const block = (part: string[]): HTMLElement => {
    const pre = el('pre', { class: 'diff', tabindex: '0' });
    for (const line of part) {
      const kind = line.startsWith('+++') || line.startsWith('---') ? 'file' : line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx';
      pre.append(el('span', { class: `diff-${kind}` }, `${line}\n`));
    }
    return pre;
  };
  if (lines.length <= DIFF_PREVIEW_LINES) return block(lines);
  return el('div', {},
    block(lines.slice(0, DIFF_PREVIEW_LINES)),
    el('details', {}, el('summary', {}, `Show ${lines.length - DIFF_PREVIEW_LINES} more lines`), block(lines.slice(DIFF_PREVIEW_LINES))));
}
