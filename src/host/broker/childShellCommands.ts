/**
 * The command strings a shell line hands to child shells (`bash -c '...'`, `zsh -lc "..."`,
 * `fish -C init -c '...'`), as the child shell will see them, nested ones included. The broker uses
 * them to know which non-interactive guard checks belong to a line a person just approved: the child's
 * guard asks about exactly such a string, and finding it here means the person saw it.
 *
 * This is a small word splitter, not the engine's parser: it only has to find these strings, and a
 * string it reads wrongly matches nothing, so the child is asked about again (never allowed by mistake).
 */

const SHELL_NAMES = new Set(['sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'mksh', 'ash', 'yash']);

/** Characters that end a simple command outside quotes; `(`, `)` and backquotes open or close nested ones. */
const COMMAND_BREAKS = new Set(['\n', ';', '&', '|', '(', ')', '`']);

const ANSI_C_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', e: '\x1b', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** Splits `line` into simple commands, each a list of words with quotes and escapes removed. */
export function splitSimpleCommands(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const endWord = (): void => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === ' ' || c === '\t') {
      endWord();
    } else if (COMMAND_BREAKS.has(c)) {
      endCommand();
    } else if (c === '<' || c === '>') {
      endWord();
    } else if (c === '#' && word === undefined) {
      while (i + 1 < line.length && line[i + 1] !== '\n') i++;
    } else if (c === '\\') {
      const next = line[++i];
      if (next !== undefined && next !== '\n') word = (word ?? '') + next;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return [...commands, [...words, (word ?? '') + line.slice(i + 1)]];
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '$' && line[i + 1] === "'") {
      const [text, end] = ansiC(line, i + 2);
      word = (word ?? '') + text;
      i = end;
    } else if (c === '"') {
      const [text, end] = doubleQuoted(line, i + 1);
      word = (word ?? '') + text;
      i = end;
    } else {
      word = (word ?? '') + c;
    }
  }
  endCommand();
  return commands;
}

/** The text of a double-quoted string starting at `start`, and the index of its closing quote. */
function doubleQuoted(line: string, start: number): [string, number] {
  let text = '';
  for (let i = start; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === '"') return [text, i];
    if (c === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1] ?? '')) {
      if (line[i + 1] !== '\n') text += line[i + 1];
      i++;
    } else {
      text += c;
    }
  }
  return [text, line.length];
}

/** The text of a `$'...'` string whose body starts at `start`, and the index of its closing quote. */
function ansiC(line: string, start: number): [string, number] {
  let text = '';
  for (let i = start; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === "'") return [text, i];
    if (c === '\\' && i + 1 < line.length) {
      const next = line[++i] ?? '';
      text += ANSI_C_ESCAPES[next] ?? `\\${next}`;
    } else {
      text += c;
    }
  }
  return [text, line.length];
}

/** Options that take the next word as their value (never a command): bash and zsh, then fish. */
const POSIX_OPTIONS_WITH_VALUE = /^(?:[-+][A-Za-z]*[oO]|--(?:rcfile|init-file))$/;
const FISH_OPTIONS_WITH_VALUE = /^(?:-[ilnNP]*[dfoDp]|--(?:features|debug|debug-output|debug-stack-frames|profile|profile-startup))$/;

/** The command strings of one simple command's shell words starting at `at`, the shell's name. */
function commandsOf(words: readonly string[], at: number): string[] {
  const fish = basename(words[at] ?? '') === 'fish';
  const init: string[] = [];
  const run: string[] = [];
  for (let i = at + 1; i < words.length; i++) {
    const word = words[i] ?? '';
    const long = /^--(command|init-command)(?:=(.*))?$/s.exec(word);
    if (long) {
      const value = long[2] ?? words[++i];
      if (value !== undefined) (long[1] === 'command' ? run : init).push(value);
      continue;
    }
    // fish reads options as getopt does: the rest of a cluster after c or C is its value.
    const short = fish ? /^-[ilnNP]*([cC])(.*)$/s.exec(word) : /^-[A-Za-z]*c[A-Za-z]*$/.test(word) ? ['', 'c', ''] : null;
    if (short) {
      let value = short[2] !== '' ? short[2] : words[++i];
      if (value === '--' && !fish) value = words[++i];
      if (value === undefined) break;
      (short[1] === 'C' ? init : run).push(value);
      // bash and zsh take one command string; what follows is $0 and the arguments.
      if (!fish) break;
      continue;
    }
    if ((fish ? FISH_OPTIONS_WITH_VALUE : POSIX_OPTIONS_WITH_VALUE).test(word)) {
      i++;
      continue;
    }
    if (word === '--' || !/^[-+]/.test(word)) break;
  }
  if (run.length === 0 && init.length === 0) return [];
  // The fish guard asks about its init commands and commands together, in the order fish runs them.
  return fish ? [[...init, ...run].join('\n')] : run;
}

const basename = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

/** Every command string `line` hands to a child shell, nested ones too (a few levels deep). */
export function childShellCommands(line: string, depth = 4): string[] {
  if (depth === 0) return [];
  const found: string[] = [];
  for (const words of splitSimpleCommands(line)) {
    for (let at = 0; at < words.length; at++) {
      if (!SHELL_NAMES.has(basename(words[at] ?? ''))) continue;
      for (const command of commandsOf(words, at)) {
        found.push(command, ...childShellCommands(command, depth - 1));
      }
    }
  }
  return found;
}
