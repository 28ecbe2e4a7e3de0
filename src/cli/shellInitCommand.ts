import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { isGuardShell, SHELLS } from '../host/shellGuard/guardProtocol';
import { guardSnippet } from '../host/shellGuard/guardSnippet';
import type { CommandIo } from './io';
import { UsageError } from './io';

export const SHELL_INIT_USAGE = `       airlock shell-init bash|zsh|fish   (then: source <(airlock shell-init bash))
`;

/**
 * `airlock shell-init <shell>`: prints a self-contained guard snippet. It names this very node and
 * this very CLI by absolute path, so it works in a shell started without rc files or PATH entries.
 */
export function runShellInit(args: readonly string[], io: CommandIo, cliPath: string = process.argv[1] ?? __filename): number {
  const [shell, ...rest] = args;
  if (!isGuardShell(shell) || rest.length > 0) throw new UsageError(`shell-init takes one shell: ${SHELLS.join(', ')}`);
  let cli = resolve(cliPath);
  try {
    cli = realpathSync(cli);
  } catch {
    // The path as given still works when it cannot be resolved further.
  }
  io.stdout.write(guardSnippet(shell, { command: [process.execPath, cli] }));
  return 0;
}
