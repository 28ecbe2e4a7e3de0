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

// Program names by the rule domain they belong to. Issue-by-issue targets are stated per domain
// (the filesystem, git and dynamic-code rows first; data and infrastructure next).
const FILESYSTEM_WORDS = /(^|[\s;&|(`'"])(rm|rmdir|unlink|shred|srm|wipe|find|dd|mkfs(\.\w+)?|mke2fs|mkswap|wipefs|fdisk|sfdisk|sgdisk|gdisk|parted|truncate|rsync|chmod|chown|chgrp|crontab|mv|rimraf|cryptsetup|lvremove|vgremove|pvremove|diskutil)\s/;
const DYNAMIC_WORDS = /(\b(ba|z|da|k|mk|a)?sh\s+(-\w*c|<<|-s\b|-$)|\|\s*(sudo\s+)?(ba|z|da|k)?sh\b|\beval\b|\bsource\b|(^|[\s;&|])\.\s|\bpython[\d.]*\s+-\w*c|\bnode\s+-(e|p)|\bperl\s+-\w*e|\bruby\s+-\w*e|\bphp\s+-r|\bbase64\b|\bxargs\b|\bparallel\b|\bawk\b|\bsocat\b|\bwatch\b)/;

/**
 * A rough domain for reports: `git`, `filesystem`, `dynamic-code`, or `data-and-infrastructure` for
 * everything else (databases, HTTP APIs, cloud CLIs). Lexical on purpose: it must not depend on the
 * engine it is used to judge. Only for reports, never for judging.
 */
export function domainOf(command) {
  if (/(^|[\s;&|(`'"])git\s/.test(command) || /^git\s/.test(command)) return 'git';
  if (FILESYSTEM_WORDS.test(` ${command} `) || /(^|[^>])>\s*\/(etc|dev)\//.test(command)) return 'filesystem';
  if (DYNAMIC_WORDS.test(command)) return 'dynamic-code';
  return 'data-and-infrastructure';
}
