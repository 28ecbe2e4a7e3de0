import { rewriteFishSyntax } from './fishSyntax';

/**
 * Source text fixes made before tree-sitter-bash parses a line, for shell syntax its grammar gets
 * wrong. Each keeps the meaning bash gives the text, except fish's own syntax (fishSyntax.ts), which
 * is read as the bash that runs the same programs.
 */
export function prepareSource(source: string): string {
  return rewriteExtglobs(rewriteFishSyntax(joinContinuations(source)));
}

/**
 * Joins backslash-newline line continuations the way bash does before it reads words, outside single
 * quotes. tree-sitter-bash keeps a continuation inside a word as a word break, so `git re\<newline>set
 * --hard` would otherwise reach the rules as `git re set --hard` instead of `git reset --hard`.
 * Lines with heredocs are left alone: a quoted heredoc keeps its backslashes, and telling which
 * lines are heredoc bodies is the parser's job.
 */
export function joinContinuations(source: string): string {
  if (!source.includes('\\\n') || source.includes('<<')) return source;
  let out = '';
  let quote: '' | "'" | '"' = '';
  let comment = false;
  for (let at = 0; at < source.length; at++) {
    const char = source[at] ?? '';
    if (comment) {
      if (char === '\n') comment = false;
      out += char;
      continue;
    }
    if (quote === "'") {
      if (char === "'") quote = '';
      out += char;
      continue;
    }
    if (char === '\\') {
      const next = source[at + 1] ?? '';
      if (next !== '\n') out += char + next;
      at++;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = '';
    } else if (char === "'" || char === '"') {
      // `$'...'` decodes escapes, so a backslash there is not a continuation either way: treat as '.
      quote = char;
    } else if (char === '#' && (at === 0 || /\s/.test(source[at - 1] ?? ''))) {
      comment = true;
    }
    out += char;
  }
  return out;
}

/**
 * Extended globs (`certs/@(server.key|ca.key)`, on in most interactive shells through
 * bash-completion) are read by tree-sitter-bash as a word followed by a subshell. They are rewritten
 * as the brace list of the names they spell, which names the same files for the rules: `@(a|b)` and
 * `+(a|b)` as `{a,b}`, the optional `?(a)` and `*(a)` as `{,a}`, and `!(a)` as `*`.
 */
export function rewriteExtglobs(source: string): string {
  if (!/[\w./-][?*+@!]\(/.test(source)) return source;
  // Only unquoted text: a quoted `a+(b)` is a regular expression or SQL, not a glob.
  return source
    .split(/('[^']*'|"(?:[^"\\]|\\.)*")/s)
    .map((part, index) => (index % 2 === 1 ? part : rewriteUnquoted(part)))
    .join('');
}

function rewriteUnquoted(text: string): string {
  return text.replace(/(^|[\w./-])([?*+@!])\(([^()$`'"]*)\)/g, (match, before: string, kind: string, body: string) => {
    // `$(`, `!(` after a space and the like are not globs; only a group attached to a word is.
    if (before === '') return match;
    const names = body.split('|');
    if (kind === '!') return `${before}*`;
    const list = kind === '?' || kind === '*' ? ['', ...names] : names;
    return list.length === 1 ? `${before}${list[0]}` : `${before}{${list.join(',')}}`;
  });
}
