import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeGuardLoader } from '../host/shellGuard/guardLoader';
import { isGuardShell, SHELLS } from '../host/shellGuard/guardProtocol';
import { guardSnippet } from '../host/shellGuard/guardSnippet';
import type { CommandIo } from './io';
import { UsageError } from './io';

export const SHELL_INIT_USAGE = `       airlock shell-init bash|zsh|fish [--loader-dir DIR]   (then: source <(airlock shell-init bash))
`;

/**
 * `airlock shell-init <shell>`: prints a self-contained guard snippet. It names this very node and
 * this very CLI by absolute path, so it works in a shell started without rc files or PATH entries.
 * With `--loader-dir DIR` it writes the guard loader there (guardLoader.ts), so one-shot calls start
 * faster from a code cache kept in DIR; DIR must be a folder only this user can write.
 */
export function runShellInit(args: readonly string[], io: CommandIo, cliPath: string = process.argv[1] ?? __filename): number {
  const [shell, ...rest] = args;
  if (!isGuardShell(shell)) throw new UsageError(`shell-init takes one shell: ${SHELLS.join(', ')}`);
  const loaderDir = rest[0] === '--loader-dir' && rest.length === 2 ? rest[1] : undefined;
  if (rest.length > 0 && loaderDir === undefined) throw new UsageError('shell-init takes one shell and, optionally, --loader-dir DIR');
  let cli = resolve(cliPath);
  try {
    cli = realpathSync(cli);
  } catch {
    // The path as given still works when it cannot be resolved further.
  }
  const command = [process.execPath, cli];
  io.stdout.write(guardSnippet(shell, { command, ...(loaderDir ? { oneShot: writeGuardLoader(resolve(loaderDir), command) } : {}) }));
  return 0;
}
