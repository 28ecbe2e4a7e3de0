import type { Invocation, Word } from './ir';
import { httpSpawns } from './interpreterHttp';
import { dynamicWord, literalWord } from './ir';
import { decodeAnsiC } from './words';
import { callArguments } from './codeText';

/**
 * Interpreter one-liners (`python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r`) and scripts fed to
 * interpreters on standard input. Their bodies are scanned for the three things that destroy: running
 * shell commands (which are then parsed as shell), deleting files, and running code built at run time.
 * Scanning, not parsing: the calls are few and their shapes stable, and a miss here is still caught
 * by the shell guard or the PATH shims when the interpreter spawns `rm`.
 */
export type Language = 'python' | 'node' | 'perl' | 'ruby' | 'php' | 'awk';

export interface InterpreterCode {
  readonly language: Language;
  readonly code: string;
  /** True when the code itself is only known at run time (`python -c "$X"`, piped from curl). */
  readonly dynamic: boolean;
  /** Set when the code comes from standard input. */
  readonly fromStdin: boolean;
}

export interface CodeEffects {
  /** Shell command lines the code runs. */
  readonly commands: readonly string[];
  /** argv-style spawns (`subprocess.run(['rm', '-rf', '/'])`), as words. */
  readonly spawns: readonly (readonly Word[])[];
  /** Files and trees the code deletes, as `rm` argument lists. */
  readonly deletes: readonly (readonly Word[])[];
  /** Code built at run time (`exec(base64...)`, spawns of non-literal strings), and whether it is decoded. */
  readonly unknownCode: readonly { readonly detail: string; readonly decoded: boolean }[];
  /** Client-library calls whose names delete on a service (`index.deleteIndex('prod')`, `s3.delete_bucket(...)`). */
  readonly clientDeletes: readonly { readonly call: string; readonly target: string | undefined }[];
}

export function interpreterLanguage(name: string): Language | undefined {
  if (/^(python[0-9.]*|pypy[0-9.]*)$/.test(name)) return 'python';
  if (name === 'node' || name === 'nodejs' || name === 'bun' || name === 'deno') return 'node';
  if (/^perl[0-9.]*$/.test(name)) return 'perl';
  if (/^ruby[0-9.]*$/.test(name)) return 'ruby';
  if (/^php[0-9.]*$/.test(name)) return 'php';
  if (/^(awk|gawk|mawk|nawk)$/.test(name)) return 'awk';
  return undefined;
}

const CODE_FLAGS: Readonly<Record<Language, RegExp>> = {
  python: /^-[A-Za-z]*c$/,
  node: /^(-[pe]+|--eval|--print|eval)$/,
  perl: /^-[A-Za-z]*[eE]$/,
  ruby: /^-[A-Za-z]*e$/,
  php: /^-r$/,
  awk: /^$/,
};

/** The code an interpreter invocation runs inline, if any. */
export function inlineCode(invocation: Invocation, language: Language): InterpreterCode | undefined {
  const args = invocation.argv.slice(1);
  const pieces: Word[] = [];
  for (let index = 0; index < args.length; index++) {
    const word = args[index] as Word;
    if (CODE_FLAGS[language].test(word.value) && args[index + 1]) {
      pieces.push(args[++index] as Word);
      if (language !== 'perl') break;
    }
  }
  if (language === 'awk') {
    // awk's program is its first operand, unless given with -f.
    const program = awkProgram(args);
    if (program) pieces.push(program);
  }
  if (pieces.length > 0) {
    return { language, code: pieces.map((word) => word.value).join('\n'), dynamic: pieces.some((word) => word.dynamic), fromStdin: false };
  }
  const readsStdin = args.every((word) => word.value.startsWith('-')) || args.some((word) => word.value === '-');
  const stdin = invocation.stdin;
  if (!readsStdin || !stdin) return undefined;
  if (stdin.kind === 'text') return { language, code: stdin.text, dynamic: stdin.dynamic, fromStdin: true };
  return undefined;
}

function awkProgram(args: readonly Word[]): Word | undefined {
  for (let index = 0; index < args.length; index++) {
    const value = args[index]?.value ?? '';
    if (value === '-f' || value === '--file') return undefined;
    if (/^-[vF]$/.test(value)) {
      index++;
      continue;
    }
    if (value.startsWith('-') && value !== '-') continue;
    return args[index];
  }
  return undefined;
}

const STRING = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|\x60((?:[^\x60\\]|\\.)*)\x60)`;
const FIRST_STRING = new RegExp(String.raw`^\s*(?:[rbfu]{0,2})${STRING}`);
const ALL_STRINGS = new RegExp(STRING, 'g');

const SHELL_CALLS: Readonly<Record<Language, RegExp>> = {
  python: /\b(?:os\.(?:system|popen)|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|commands\.getoutput)\s*\(/g,
  node: /\b(?:exec|execSync|execFile|execFileSync|spawn|spawnSync)\s*\(|\$`/g,
  perl: /\b(?:system|exec)\s*\(?|\bqx\s*[({/]/g,
  ruby: /\b(?:system|exec|spawn)\s*\(?|%x[({]|\bOpen3\.\w+\s*\(/g,
  php: /\b(?:shell_exec|system|exec|passthru|popen|proc_open)\s*\(/g,
  awk: /\bsystem\s*\(/g,
};

const DELETE_CALLS: Readonly<Record<Language, RegExp>> = {
  python: /\b(shutil\.rmtree|os\.remove|os\.unlink|os\.rmdir|os\.removedirs|rmtree|send2trash)\s*\(|\b(Path|pathlib\.Path)\s*\(([^)]*)\)\s*\.\s*(unlink|rmdir)\s*\(/g,
  node: /\b(?:fs\.|fsp\.|promises\.|fse\.)?(rmSync|rm|rmdirSync|rmdir|unlinkSync|unlink|removeSync|emptyDirSync|rimraf|rimrafSync)\s*\(/g,
  perl: /\b(unlink|rmtree|remove_tree|rmdir)\s*\(?/g,
  ruby: /\b(FileUtils\.(?:rm_rf|rm_r|rm|remove_dir|remove_entry|remove_entry_secure|rmtree|remove)|File\.(?:delete|unlink)|Dir\.(?:rmdir|delete|unlink)|FileUtils\.rm_f)\s*\(?/g,
  php: /\b(unlink|rmdir)\s*\(/g,
  awk: /(?!)/g,
};

const RECURSIVE_DELETE = /rmtree|removedirs|rm_rf|rm_r|remove_dir|remove_tree|rimraf|removeSync|remove\b|emptyDir|recursive\s*:\s*true|rmSync|\brm\s*\(/;

const DYNAMIC_CODE: Readonly<Record<Language, RegExp>> = {
  python: /\b(?:exec|eval|compile)\s*\((?!\s*["'])|__import__\s*\(\s*["']base64|b64decode|codecs\.decode|marshal\.loads|pickle\.loads/,
  node: /\beval\s*\((?!\s*["'])|new\s+Function\s*\(|Buffer\.from\([^)]*base64|atob\s*\(|\bvm\.run/,
  perl: /\beval\s*(?![{"'])|decode_base64|MIME::Base64/,
  ruby: /\beval\s*\((?!\s*["'])|\binstance_eval|Base64\.decode64|\.unpack1?\(\s*["']m/,
  php: /\beval\s*\(|base64_decode|assert\s*\(\s*\$|create_function/,
  awk: /(?!)/,
};

/**
 * Method names made of a destroying verb and what it destroys (`deleteIndex`, `dropDatabase`,
 * `delete_bucket`, `clearObjects`, `deleteMany`): client libraries for databases, search and cloud
 * services name their destructive calls this way. In-process housekeeping with the same shape
 * (`removeEventListener`, `clearTimeout`, `deleteProperty`) is left out.
 */
const CLIENT_DELETE = /\.\s*((?:delete|destroy|drop|purge|wipe|erase|truncate|flush|clear|remove|terminate)(?:[A-Z]\w*|_[a-z]\w*))\s*\(/g;
const IN_PROCESS = /^(remove(Child|EventListener|Listener|AllListeners|Attribute\w*|Item|Class|Node|Property|Hook|Handler|Prefix|Suffix)|clear(Timeout|Interval|Immediate|Rect|Screen|Console|Selection|Watch|Line|Marks|Measures|ResourceTimings)|delete(Property|Rule|Cookie|Char\w*|Contents|Selection|Row|Cell|Caption|THead|TFoot|Medium)|drop(While|Last|Right|Duplicates|na|_duplicates|Index)|flush(Sync|Headers|Stdout|Stderr|Print|_?print)|remove_(prefix|suffix|handler|listener)|clear_(output|screen|cache))$/;

const DECODING = /b64decode|base64|atob\s*\(|decode64|unpack1?\(\s*["']m|codecs\.decode|fromCharCode/i;

const HOME_EXPRESSIONS = /expanduser\(\s*["']~["']\s*\)|Path\.home\(\)|os\.homedir\(\)|process\.env\.HOME|os\.environ\[\s*["']HOME["']\s*\]|ENV\[\s*["']HOME["']\s*\]|\$ENV\{\s*HOME\s*\}|getenv\(\s*["']HOME["']\s*\)/;

/** String-literal escapes as these languages read them (`\x20`, `\040`, `\n`). */
function unescape(text: string): string {
  return decodeAnsiC(text);
}

function stringAt(code: string, from: number): string | undefined {
  const match = FIRST_STRING.exec(code.slice(from, from + 4096));
  if (!match) return undefined;
  return unescape(match[1] ?? match[2] ?? match[3] ?? '');
}

function deleteTarget(argsText: string, home: string | undefined): Word {
  const literal = stringAt(argsText, 0);
  if (HOME_EXPRESSIONS.test(argsText.split(',')[0] ?? '')) {
    return home ? literalWord(home + (literal && literal.startsWith('/') ? literal : '')) : dynamicWord('~');
  }
  if (literal !== undefined && !/^\s*(?:[rbfu]{0,2})["'\x60][^,)]*["'\x60]\s*[+%]/.test(argsText)) return literalWord(literal);
  // `unlink(glob("/etc/*"))`, `rmtree("/srv/" + name)`: a literal inside the argument bounds where it points.
  const inner = new RegExp(STRING).exec(argsText.split(',')[0] ?? '');
  if (inner) {
    const text = unescape(inner[1] ?? inner[2] ?? inner[3] ?? '');
    const prefix = text.split(/[*?[{]/)[0] ?? '';
    if (prefix.startsWith('/')) return dynamicWord(text, prefix);
  }
  return dynamicWord(argsText.trim().slice(0, 80) || '?');
}

/** Finds what interpreter code runs, deletes and builds at run time. */
export function scanCode(source: InterpreterCode, home: string | undefined): CodeEffects {
  const { code, language } = source;
  const commands: string[] = [];
  const spawns: Word[][] = [];
  const deletes: Word[][] = [];
  const unknownCode: { detail: string; decoded: boolean }[] = [];
  const clientDeletes: { call: string; target: string | undefined }[] = [];
  const decoded = DECODING.test(code);
  const unknown = (detail: string): void => {
    unknownCode.push({ detail, decoded });
  };
  if (source.dynamic) unknown(`${language} code that is only known at run time`);

  for (const match of code.matchAll(SHELL_CALLS[language])) {
    const after = (match.index ?? 0) + match[0].length;
    const argsText = callArguments(code, after);
    const first = stringAt(argsText, 0) ?? (match[0] === '$`' ? code.slice(after).split('`')[0] : undefined);
    const list = /^\s*\[/.exec(argsText) ?? /^\s*["'][^"']*["']\s*,\s*\[/.exec(argsText);
    if (list) {
      const words = [...argsText.matchAll(ALL_STRINGS)].map((part) => literalWord(unescape(part[1] ?? part[2] ?? part[3] ?? '')));
      if (words.length > 0) spawns.push(words);
      else unknown(`${language} starts a process whose arguments are built at run time`);
    } else if (first !== undefined && !/^\s*(?:[rbfu]{0,2})["'\x60][^,)]*["'\x60]\s*[+%]/.test(argsText)) {
      commands.push(first);
    } else {
      unknown(`${language} runs a command built at run time`);
    }
  }
  // Ruby, Perl and PHP backticks run shell commands too.
  if (language === 'ruby' || language === 'perl' || language === 'php') {
    for (const match of code.matchAll(/`([^`]+)`/g)) commands.push(match[1] ?? '');
  }
  // awk runs `"cmd" | getline` and `print | "cmd"` through the shell.
  if (language === 'awk') {
    for (const match of code.matchAll(/"((?:[^"\\]|\\.)*)"\s*\|\s*getline|\|\s*"((?:[^"\\]|\\.)*)"/g)) commands.push(unescape(match[1] ?? match[2] ?? ''));
    if (/[^"\s]\s*\|\s*getline/.test(code.replace(/"(?:[^"\\]|\\.)*"\s*\|\s*getline/g, ''))) unknown('awk runs a command built at run time');
  }

  for (const match of code.matchAll(DELETE_CALLS[language])) {
    const after = (match.index ?? 0) + match[0].length;
    const callText = match[0];
    const pathlib = match[3];
    const target = pathlib !== undefined ? deleteTarget(pathlib, home) : deleteTarget(callArguments(code, after), home);
    const recursive = RECURSIVE_DELETE.test(callText) || RECURSIVE_DELETE.test(callArguments(code, after).slice(0, 200));
    deletes.push([literalWord('rm'), ...(recursive ? [literalWord('-r')] : []), literalWord('-f'), target]);
  }

  // HTTP requests the code sends, as the curl commands that would send them (judged by the HTTP rules).
  spawns.push(...httpSpawns(code));

  for (const match of code.matchAll(CLIENT_DELETE)) {
    const method = match[1] ?? '';
    if (IN_PROCESS.test(method)) continue;
    const argsText = callArguments(code, (match.index ?? 0) + match[0].length);
    clientDeletes.push({ call: `${method}(${argsText.trim().slice(0, 60)})`, target: stringAt(argsText, 0) ?? /\b\w+\s*=\s*["']([^"']+)["']/.exec(argsText)?.[1] });
  }

  if (DYNAMIC_CODE[language].test(code)) unknown(`${language} runs code it builds or decodes at run time`);
  return { commands, spawns, deletes, unknownCode, clientDeletes };
}
