import type { Invocation, Word } from './ir';
import { literalWord } from './ir';
import type { Unwrapped } from './unwrap';

/**
 * Git runs other commands for several settings: `alias.x='!cmd'` runs cmd in a shell, a non-`!`
 * alias is another git command line, and `core.sshCommand` or `GIT_SSH_COMMAND` runs whenever git
 * reaches a remote. Settings come from `-c`, and from GIT_CONFIG_* variables set for the one run.
 */

/** Settings given to one git run: `-c k=v`, `-ck=v`, GIT_CONFIG_COUNT/KEY/VALUE and GIT_CONFIG_PARAMETERS. */
export function gitConfigOverrides(args: readonly Word[], invocation: Invocation): Map<string, string> {
  const settings = new Map<string, string>();
  const add = (setting: string): void => {
    const match = /^([^=]+)=(.*)$/s.exec(setting);
    if (match) settings.set((match[1] ?? '').toLowerCase(), match[2] ?? '');
  };
  const count = Number(invocation.assignments.get('GIT_CONFIG_COUNT')?.value ?? '0');
  for (let index = 0; index < Math.min(count, 32); index++) {
    const key = invocation.assignments.get(`GIT_CONFIG_KEY_${index}`)?.value;
    const value = invocation.assignments.get(`GIT_CONFIG_VALUE_${index}`)?.value;
    if (key !== undefined) add(`${key}=${value ?? ''}`);
  }
  for (const part of (invocation.assignments.get('GIT_CONFIG_PARAMETERS')?.value ?? '').matchAll(/'([^']*)'/g)) add(part[1] ?? '');
  for (let index = 0; index < args.length; index++) {
    const value = args[index]?.value ?? '';
    if (value === '-c') add(args[++index]?.value ?? '');
    else if (value.startsWith('-c') && value.length > 2) add(value.slice(2));
    else if (!value.startsWith('-')) break;
  }
  return settings;
}

/** Index of git's subcommand after its global options. */
export function gitSubcommandIndex(args: readonly Word[]): number {
  let index = 0;
  for (; index < args.length; index++) {
    const value = args[index]?.value ?? '';
    if (/^-(c|C)$|^--(git-dir|work-tree|namespace|exec-path|config-env|super-prefix)$/.test(value)) {
      index++;
      continue;
    }
    if (value.startsWith('-')) continue;
    break;
  }
  return index;
}

/** `git -c alias.x='!cmd' x` runs `cmd` in a shell; `git -c alias.st='reset --hard' st` runs `git reset --hard`. */
export function unwrapGitAlias(args: readonly Word[], invocation: Invocation): Unwrapped[] {
  const settings = gitConfigOverrides(args, invocation);
  const index = gitSubcommandIndex(args);
  const sub = args[index]?.value.toLowerCase();
  const expansion = sub === undefined ? undefined : settings.get(`alias.${sub}`);
  if (expansion === undefined) return [];
  const rest = args.slice(index + 1);
  if (expansion.startsWith('!')) {
    const words = [literalWord(expansion.slice(1)), ...rest];
    return [{ kind: 'script', source: words.map((word) => word.value).join(' '), dynamic: words.some((word) => word.dynamic), via: 'git alias', words }];
  }
  const aliasWords = expansion.split(/\s+/).filter(Boolean).map(literalWord);
  return [{ kind: 'argv', argv: [literalWord('git'), ...args.slice(0, index), ...aliasWords, ...rest], via: 'git alias' }];
}

const GIT_REMOTE_SUBCOMMANDS = new Set(['fetch', 'pull', 'push', 'clone', 'ls-remote', 'archive', 'remote', 'submodule']);

/** `GIT_SSH_COMMAND='...'` and `-c core.sshCommand=...` run a shell command when git reaches a remote. */
export function gitSshCommand(args: readonly Word[], invocation: Invocation): Unwrapped[] {
  const sub = args[gitSubcommandIndex(args)]?.value.toLowerCase() ?? '';
  if (!GIT_REMOTE_SUBCOMMANDS.has(sub)) return [];
  const command = invocation.assignments.get('GIT_SSH_COMMAND')?.value ?? gitConfigOverrides(args, invocation).get('core.sshcommand') ?? invocation.assignments.get('GIT_SSH')?.value;
  return command ? [{ kind: 'script', source: command, dynamic: false, via: 'git ssh command', words: [literalWord(command)] }] : [];
}
