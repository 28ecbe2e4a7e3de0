import { accessSync, closeSync, constants, mkdirSync, openSync, readdirSync, readSync, realpathSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { OneShotStart } from '../shellGuard/snippetText';
import { posixQuote } from '../shellGuard/snippetText';
import { gitFastPath } from './gitFastPath';

/** High-risk programs that get a shim (DESIGN.md "PATH shims"). */
export const SHIMMED_PROGRAMS = [
  'rm', 'rmdir', 'shred', 'dd', 'git', 'psql', 'mysql', 'mongosh', 'mongo', 'redis-cli', 'dropdb', 'sqlite3',
  'terraform', 'tofu', 'pulumi', 'kubectl', 'helm', 'docker', 'podman', 'aws', 'gcloud', 'az', 'doctl', 'fly',
  'flyctl', 'heroku', 'railway', 'vercel', 'netlify', 'supabase', 'firebase', 'wrangler', 'gh', 'curl', 'wget',
] as const;

/** First line after the shebang of every shim: how a PATH walk recognises a shim and skips it. */
export const SHIM_MARKER = '# airlock-path-shim';

/**
 * The shim for one program: asks Airlock with its full argv (stdin untouched), then replaces itself
 * with the real program Airlock found later on PATH. No answer, a deny, or no real program: the shim
 * exits with the guard's status (126 denied, 127 not found) and nothing runs. git's read-only
 * queries, which prompts run all the time, go straight through (gitFastPath.ts). With `oneShot`, the
 * guard is asked through its faster start first (guardLoader.ts) while its files exist: its answer
 * (0 allowed, 126 denied, 127 no such program) or a signal is final; anything else, a loader that
 * broke, asks the full CLI.
 */
export function shimScript(program: string, command: readonly string[], oneShot?: OneShotStart): string {
  const cli = command.map(posixQuote).join(' ');
  const fast = oneShot ? [
    `if ${oneShot.requires.map((file) => `[ -f ${posixQuote(file)} ]`).join(' && ')}; then`,
    `  __airlock_real=$(${oneShot.command.map(posixQuote).join(' ')} guard --shim ${posixQuote(program)} -- "$@" </dev/null); __airlock_code=$?`,
    '  case $__airlock_code in 0) exec "$__airlock_real" "$@" ;; 126|127) exit $__airlock_code ;; esac',
    '  [ "$__airlock_code" -lt 128 ] || exit "$__airlock_code"',
    'fi',
  ] : [];
  return [
    '#!/bin/sh',
    SHIM_MARKER,
    ...(program === 'git' ? [gitFastPath(SHIM_MARKER)] : []),
    ...fast,
    `__airlock_real=$(${cli} guard --shim ${posixQuote(program)} -- "$@" </dev/null) || exit $?`,
    'exec "$__airlock_real" "$@"',
    '',
  ].join('\n');
}

/** Writes one shim per program into `dir` (made if missing) and removes stale ones; returns `dir`. */
export function writeShims(dir: string, command: readonly string[], programs: readonly string[] = SHIMMED_PROGRAMS, oneShot?: OneShotStart): string {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (!programs.includes(name)) unlinkSync(join(dir, name));
  for (const program of programs) writeFileSync(join(dir, program), shimScript(program, command, oneShot), { mode: 0o755 });
  return dir;
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

function isShim(file: string): boolean {
  try {
    // Reads only the head: real programs are large binaries.
    const head = Buffer.alloc(64);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, 64, 0);
    } finally {
      closeSync(fd);
    }
    return head.toString('utf8').includes(SHIM_MARKER);
  } catch {
    return false;
  }
}

/**
 * The program a shim stands for: the first executable named `program` on PATH that is not a shim
 * (by content, so a second copy of the shim folder cannot loop back to a shim), or undefined.
 */
export function findRealProgram(program: string, pathValue: string, cwd: string): string | undefined {
  for (const entry of pathValue.split(delimiter)) {
    if (entry === '') continue;
    const dir = isAbsolute(entry) ? entry : resolve(cwd, entry);
    const file = join(realDir(dir), program);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
    } catch {
      continue;
    }
    if (!isShim(file)) return file;
  }
  return undefined;
}

/**
 * PATH without the shim folders. Airlock's own processes use it: the engine runs git to probe a
 * repository, and a git found through a shim would ask Airlock again, and again.
 */
export function pathWithoutShims(pathValue: string, cwd: string): string {
  return pathValue
    .split(delimiter)
    .filter((entry) => {
      const dir = isAbsolute(entry) ? entry : resolve(cwd, entry || '.');
      return !['rm', 'git'].some((program) => isShim(join(dir, program)));
    })
    .join(delimiter);
}

/** The argv as one shell line for the engine: words quoted only where the shell would need it. */
export function argvToCommandLine(program: string, args: readonly string[]): string {
  return [program, ...args].map((word) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : posixQuote(word))).join(' ');
}
