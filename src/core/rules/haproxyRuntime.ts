import { argValues } from '../shell/ir';
import type { Invocation } from '../shell/ir';
import { knownStdinText } from '../shell/literalOutput';
import { invocationProductionHint, withProduction } from './production';
import type { Finding, Rule } from './rule';

/**
 * HAProxy's runtime API: commands written to its admin socket (`echo 'disable server be/web1' | socat
 * stdio /var/run/haproxy.sock`) act on the live load balancer at once. Reading (`show stat`, `show info`)
 * passes; taking servers or frontends out of service, killing sessions, and deleting servers, maps or
 * ACL entries is asked about like stopping a service: traffic stops until someone puts it back.
 */

const TAKES_OUT = /^\s*(disable\s+(server|frontend|health|agent)\b|shutdown\s+(sessions?|frontend)\b|set\s+server\s+\S+\s+state\s+(maint|drain)\b|del\s+(server|map|acl|ssl)\b|clear\s+(table|map|acl)\b)/i;
const SOCKET_ADDRESS = /^(unix(-connect|-client)?:)?\/\S+\.(sock|socket)$|^unix(-connect|-client)?:\S+$/i;

/** The admin socket the program talks to: a socat address or `nc -U path`. */
function adminSocket(invocation: Invocation): string | undefined {
  const args = argValues(invocation);
  if (invocation.name === 'socat') return args.find((arg) => SOCKET_ADDRESS.test(arg));
  const flag = args.indexOf('-U');
  return flag >= 0 ? args.slice(flag + 1).find((arg) => !arg.startsWith('-')) : undefined;
}


export const haproxyRuntime: Rule = {
  id: 'system.haproxy',
  programs: ['socat', 'nc', 'ncat', 'netcat'],
  description: "Commands to HAProxy's runtime socket that take servers or frontends out of service, kill sessions, or delete servers, maps or ACL entries.",
  check({ invocation, context }): Finding | undefined {
    const socket = adminSocket(invocation);
    const text = socket === undefined ? undefined : knownStdinText(invocation);
    if (socket === undefined || text === undefined) return undefined;
    const command = text.split(/[;\n]/).find((part) => TAKES_OUT.test(part))?.trim();
    if (command === undefined) return undefined;
    const hint = invocationProductionHint(invocation, context);
    const scored = withProduction(50, `${invocation.name} sends "${command.slice(0, 80)}" to the load balancer's runtime socket ${socket.replace(/^unix[-a-z]*:/i, '')}: live traffic stops reaching what it names until someone puts it back`, hint);
    return { rule: 'system.haproxy.runtime', ...scored, resources: [{ kind: 'load balancer', name: socket.replace(/^unix[-a-z]*:/i, ''), ...(hint ? { environment: 'production' } : {}) }] };
  },
};
