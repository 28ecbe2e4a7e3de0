// Formatting helpers shared by the evaluation and the latency benchmark.

/** A fraction as a percentage with one decimal, or '-' when there is nothing to divide. */
export function pct(x) {
  return x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`;
}

/** Left-aligned first column, right-aligned numbers, two spaces between columns. */
export function formatTable(header, rows, indent = '') {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? '').length)));
  const line = (r) => indent + r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  return [line(header), indent + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// Words that only launch the real command: the name that says what a command does comes after them.
const LAUNCHERS = new Set(['sudo', 'doas', 'env', 'command', 'builtin', 'exec', 'nohup', 'nice', 'time', 'timeout', 'stdbuf', 'ionice', 'then', 'do', '!', '{', '(']);

/**
 * A rough command name for grouping misses and false positives: the first word that is not an
 * assignment, a launcher or its options, without its directory. Only for reports, never for judging.
 */
export function commandName(command) {
  const words = command.trim().split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    let word = words[i].replace(/^[({]+/, '');
    if (word === '' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || LAUNCHERS.has(word) || word.startsWith('-')) continue;
    if (/^\d+[smhd]?$/.test(word) && i > 0 && words[i - 1] === 'timeout') continue;
    word = word.replace(/^['"\\]+|['";|&]+$/g, '');
    return word.split('/').pop() || word;
  }
  return '(empty)';
}
