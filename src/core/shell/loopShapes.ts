import type { SyntaxNode } from './bashParser';

const ALWAYS_TRUE = /^(true|:|\/(usr\/)?bin\/true|\[\[? *(1|true|[A-Za-z0-9]+) *\]?\]|\(\( *[1-9][0-9]* *\)\))$/;
const ALWAYS_FALSE = /^(false|\/(usr\/)?bin\/false)$/;
/** A job sent to the background: `&` that is not `&&`, `>&`, `&>` or `|&`. */
const BACKGROUND_JOB = /(^|[^&>|])&(?![&>])/;

/** `while true; do work & done`: a loop that never ends and starts a background job each time. */
export function spawnsForever(node: SyntaxNode): boolean {
  const body = node.childForFieldName('body')?.text ?? '';
  if (!BACKGROUND_JOB.test(body.replace(/'[^']*'|"[^"]*"/g, ''))) return false;
  if (node.type === 'c_style_for_statement') return /^for\s*\(\(\s*[^;]*;\s*;/.test(node.text);
  const condition = node.childForFieldName('condition')?.text.trim().replace(/;$/, '').trim() ?? '';
  const until = node.text.startsWith('until');
  return until ? ALWAYS_FALSE.test(condition) : ALWAYS_TRUE.test(condition);
}
