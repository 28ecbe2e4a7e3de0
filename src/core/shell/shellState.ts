import * as posixPath from 'node:path/posix';
import type { Invocation, Word } from './ir';
import { dynamicWord, literalWord } from './ir';
import { literalOutput } from './literalOutput';
import type { Scope } from './scope';
import { absoluteKey } from './unwrapRunner';

/**
 * What a program run changes for the rest of the line: the working directory after `cd`, variables
 * that `source`, `eval` or `read` may have set, aliases, and files written with known text.
 */

const STABLE_VARIABLES = new Set(['HOME', 'PWD', 'IFS']);

/** `echo 'rm -rf /' > x.sh; bash x.sh`: a file written with known text can be read back when run. */
export function rememberWrittenFiles(invocation: Invocation, scope: Scope): void {
  for (const redirect of invocation.redirects) {
    if (!redirect.op.startsWith('>') || redirect.target.dynamic) continue;
    const text = literalOutput(invocation);
    const key = absoluteKey(redirect.target.value, scope.cwd);
    if (text === undefined) scope.writtenFiles.delete(key);
    else scope.writtenFiles.set(key, redirect.op === '>>' ? (scope.writtenFiles.get(key) ?? '') + text : text);
  }
}

/** `cd` and `alias` change how the rest of the line runs. */
export function trackShellState(invocation: Invocation, scope: Scope): void {
  const args = invocation.argv.slice(1);
  if (invocation.name === 'cd' || invocation.name === 'pushd') {
    // Whether this cd may fail and leave the line where it was is known only once its statement ends.
    scope.cwdIfCdFailed = undefined;
    const target = args.find((word) => !word.value.startsWith('-') || word.value === '-');
    if (!target) {
      const home = scope.variables.get('HOME');
      scope.cwd = home && !home.dynamic ? home.value : undefined;
    } else if (target.dynamic || target.value === '-' || scope.cwd === undefined) {
      scope.cwd = target.dynamic || target.value === '-' || !target.value.startsWith('/') ? undefined : posixPath.normalize(target.value);
    } else {
      scope.cwd = posixPath.resolve(scope.cwd, target.value);
    }
    if (scope.cwd !== undefined) scope.variables.set('PWD', literalWord(scope.cwd));
    else scope.variables.set('PWD', dynamicWord('$PWD'));
  } else if (invocation.name === 'source' || invocation.name === '.' || invocation.name === 'eval' || invocation.name === 'read' || invocation.name === 'mapfile' || invocation.name === 'readarray') {
    // Code or input Airlock cannot see may now have set any variable.
    for (const [name, value] of scope.variables) {
      if (!STABLE_VARIABLES.has(name)) scope.variables.set(name, { ...value, dynamic: true, prefix: '' });
    }
    if (invocation.name === 'read') for (const word of args) if (/^[A-Za-z_]\w*$/.test(word.value)) scope.variables.set(word.value, dynamicWord(`$${word.value}`));
  } else if (invocation.name === 'hash') {
    // `hash -p /bin/rm echo` makes the name echo run /bin/rm (once `enable -n echo` hides the builtin).
    const at = args.findIndex((word) => word.value === '-p');
    const path = args[at + 1];
    if (at !== -1 && path && !path.dynamic) for (const name of args.slice(at + 2)) scope.aliases.set(name.value, path.value);
  } else if (invocation.name === 'alias') {
    for (const word of args) {
      const match = /^([^=\s]+)=(.*)$/s.exec(word.value);
      if (match) scope.aliases.set(match[1] ?? '', match[2] ?? '');
    }
  }
}

/**
 * `cd build; rm -rf *`: a `cd` that fails (the folder is missing, or not yet made) leaves the line where
 * it was, and with `;` the rest still runs there. So does a list that stops before its `cd`
 * (`cd build && make; rm -rf *`) or a branch that does not take it. After any statement that moved
 * the line, unless `&&` follows it, the working directory and `$PWD` before it stay possible.
 */
export function noteFallibleCd(before: { cwd: string | undefined; pwd: Word | undefined }, scope: Scope): void {
  if (before.cwd === undefined || scope.cwd === before.cwd) return;
  scope.cwdIfCdFailed = before.cwd;
  const pwd = scope.variables.get('PWD');
  if (before.pwd && (!pwd || pwd.value !== before.pwd.value)) {
    const previous = scope.alternatives.get('PWD') ?? [];
    scope.alternatives.set('PWD', [...previous, before.pwd]);
  }
}
