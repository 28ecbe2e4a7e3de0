/**
 * Reading interpreter source text without a parser for each language: the argument list of a call,
 * found by matching brackets, bounded so a hostile one-liner cannot make it slow.
 */

/** The argument list text after an opening parenthesis, up to its matching close (bounded). */
export function callArguments(code: string, from: number): string {
  let depth = 1;
  let index = from;
  for (; index < code.length && index < from + 4096; index++) {
    const char = code[index];
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') {
      depth--;
      if (depth === 0) break;
    }
  }
  return code.slice(from, index);
}
