import { normalizeProgramName } from '../shell/ir';
import { gitConfigOverrides, gitSubcommandIndex } from '../shell/unwrapGit';
import type { Rule } from './rule';

/**
 * Git runs a program of the caller's choosing when it reaches a remote: `GIT_SSH_COMMAND`, `GIT_SSH`
 * and `core.sshCommand` replace ssh, `GIT_PROXY_COMMAND` and `core.gitProxy` sit in front of git://,
 * and an `ext::` URL is a command line. An ssh client with options is what these are for; any other
 * program runs with the user's keys and network under the name of a fetch or a push, where neither a
 * person reading the line nor Airlock's rules for that program see it run. So that is asked about.
 */

const SSH_CLIENTS = new Set(['ssh', 'plink', 'tortoiseplink', 'putty']);

/** Subcommands that contact a remote, and for those that only sometimes do, the words that make them. */
function reachesRemote(sub: string, rest: readonly string[]): boolean {
  if (['fetch', 'pull', 'push', 'clone', 'ls-remote'].includes(sub)) return true;
  if (sub === 'archive') return rest.some((word) => word.startsWith('--remote'));
  if (sub === 'remote') return rest.some((word) => ['update', 'prune', 'show', 'set-head'].includes(word));
  if (sub === 'submodule') return rest.some((word) => ['update', 'add'].includes(word));
  return false;
}

function programOf(command: string): string {
  const first = command.trim().split(/\s+/)[0] ?? '';
  return first.replace(/^["']|["']$/g, '');
}

function isSshClient(program: string): boolean {
  // A relative path (`./ssh`) is a workspace file that merely bears the name.
  const base = normalizeProgramName(program);
  return SSH_CLIENTS.has(base) && (program === base || program.startsWith('/'));
}

export const gitTransportProgram: Rule = {
  id: 'dynamic.git-transport',
  programs: ['git'],
  description: 'Git told to run a program other than ssh (`GIT_SSH_COMMAND=./helper git fetch`, `ext::` URLs) when it reaches a remote.',
  check({ invocation }) {
    const args = invocation.argv.slice(1);
    const index = gitSubcommandIndex(args);
    const sub = args[index]?.value.toLowerCase() ?? '';
    const rest = args.slice(index + 1).map((word) => word.value);
    if (!reachesRemote(sub, rest)) return undefined;
    const extUrl = rest.find((word) => /^ext::/i.test(word));
    if (extUrl) {
      return { rule: 'dynamic.git-transport.ext', score: 60, message: `git ${sub} runs the command in the URL ${extUrl.slice(0, 80)} instead of contacting a server` };
    }
    const settings = gitConfigOverrides(args, invocation);
    const env = (name: string): string | undefined => invocation.assignments.get(name)?.value;
    const candidates: [string, string | undefined][] = [
      ['GIT_SSH_COMMAND', env('GIT_SSH_COMMAND')],
      ['core.sshCommand', settings.get('core.sshcommand')],
      ['GIT_SSH', env('GIT_SSH')],
      ['GIT_PROXY_COMMAND', env('GIT_PROXY_COMMAND')],
      ['core.gitProxy', settings.get('core.gitproxy')],
    ];
    for (const [setting, command] of candidates) {
      if (command === undefined || command.trim() === '') continue;
      const program = programOf(command);
      if (!setting.toLowerCase().includes('proxy') && isSshClient(program)) continue;
      return {
        rule: 'dynamic.git-transport.program',
        score: 50,
        message: `git ${sub} runs ${program} (set by ${setting}) with the remote's address, in place of ${setting.toLowerCase().includes('proxy') ? 'a direct connection' : 'ssh'}: a program hidden under a git command`,
      };
    }
    return undefined;
  },
};
