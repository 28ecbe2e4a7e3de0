import * as posixPath from 'node:path/posix';
import type { Invocation, Word } from '../shell/ir';
import { parseArgs } from '../shell/options';
import { isShell } from '../shell/unwrap';
import { interpreterLanguage } from '../shell/interpreters';
import type { Finding } from './rule';

/**
 * Flows across the programs of one line: a file downloaded or decoded by one program and run by a
 * later one (`curl -o x.sh url && bash x.sh`, `base64 -d > y && ./y`) is the same as piping it into a
 * shell, however many renames and copies lie between.
 */
type Origin = 'network' | 'decoder';

const NETWORK = new Set(['curl', 'wget', 'aria2c', 'http', 'xh', 'fetch', 'scp', 'rsync', 'sftp', 'ftp', 'tftp', 'nc', 'ncat', 'socat']);
const DECODERS = new Set(['base64', 'base32', 'xxd', 'openssl', 'gpg', 'uudecode']);

function key(value: string, cwd: string | undefined): string {
  return cwd && !value.startsWith('/') ? posixPath.resolve(cwd, value) : posixPath.normalize(value);
}

function downloads(invocation: Invocation): string[] {
  const args = invocation.argv.slice(1).map((word) => word.value);
  const urlName = (): string | undefined => {
    const url = args.find((arg) => /^[a-z]+:\/\//i.test(arg) || /^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(arg));
    return url ? (url.replace(/[?#].*$/, '').split('/').filter(Boolean).pop() ?? undefined) : undefined;
  };
  switch (invocation.name) {
    case 'curl': {
      const parsed = parseArgs(args, { shortWithValue: 'oXHdAeEKuUwxTbcrmyYz', longWithValue: ['output', 'request', 'header', 'data', 'data-raw', 'data-binary', 'user-agent', 'referer', 'user', 'proxy', 'max-time', 'connect-timeout', 'cookie', 'config', 'cert', 'key', 'cacert', 'upload-file', 'form', 'write-out', 'retry', 'range'] });
      const outputs = [...(parsed.values.get('-o') ?? []), ...(parsed.values.get('--output') ?? [])];
      if (parsed.flags.has('-O') || parsed.flags.has('--remote-name')) outputs.push(urlName() ?? '');
      return outputs.filter(Boolean);
    }
    case 'wget': {
      const parsed = parseArgs(args, { shortWithValue: 'OoaPtTUe', longWithValue: ['output-document', 'output-file', 'directory-prefix', 'tries', 'timeout', 'user-agent', 'header'] });
      const named = [...(parsed.values.get('-O') ?? []), ...(parsed.values.get('--output-document') ?? [])];
      return named.length > 0 ? named.filter((name) => name !== '-') : [urlName() ?? ''].filter(Boolean);
    }
    case 'aria2c':
      return parseArgs(args, { shortWithValue: 'od' }).values.get('-o')?.slice() ?? [urlName() ?? ''].filter(Boolean);
    case 'scp':
    case 'rsync':
    case 'sftp': {
      const operands = parseArgs(args, { shortWithValue: 'PiFocelSJe', longWithValue: ['rsh', 'exclude', 'include', 'files-from'] }).operands;
      return operands.length >= 2 && operands.slice(0, -1).some((operand) => /^[^/]+:/.test(operand)) ? [operands[operands.length - 1] ?? ''] : [];
    }
    default:
      return [];
  }
}

function producesFrom(invocation: Invocation): Origin | undefined {
  if (NETWORK.has(invocation.name)) return 'network';
  if (DECODERS.has(invocation.name)) return 'decoder';
  const stdin = invocation.stdin;
  if (stdin?.kind === 'pipe') return producesFrom(stdin.producer);
  if (stdin?.kind === 'text' && /^<\/dev\/(tcp|udp)\//.test(stdin.text)) return 'network';
  return undefined;
}

/** The file an invocation runs as code, if any: `bash f`, `source f`, `python f`, `./f`. */
function executedFile(invocation: Invocation): Word | undefined {
  const head = invocation.argv[0];
  if (!head) return undefined;
  if (head.value.includes('/') && !head.dynamic) return head;
  const name = invocation.name;
  if (isShell(name) || interpreterLanguage(name) || name === 'source' || name === '.') {
    return invocation.argv.slice(1).find((word) => !word.value.startsWith('-'));
  }
  return undefined;
}

export function flowFindings(invocations: readonly Invocation[]): Finding[] {
  const tainted = new Map<string, Origin>();
  const findings: Finding[] = [];
  for (const invocation of invocations) {
    const executed = executedFile(invocation);
    const origin = executed ? tainted.get(key(executed.value, invocation.cwd)) : undefined;
    if (executed && origin) {
      findings.push({
        rule: `dynamic.flow.${origin}`,
        score: 85,
        message: `runs ${executed.value}, which this same command ${origin === 'network' ? 'downloads from the network' : 'decodes from hidden text'} first: unseen, unreviewed code`,
      });
    }
    for (const file of downloads(invocation)) tainted.set(key(file, invocation.cwd), 'network');
    const produced = producesFrom(invocation);
    // `curl x | tee file` writes what it reads into each file.
    if (produced && invocation.name === 'tee') {
      for (const word of invocation.argv.slice(1)) if (!word.value.startsWith('-')) tainted.set(key(word.value, invocation.cwd), produced);
    }
    for (const redirect of invocation.redirects) {
      if (produced && redirect.op.startsWith('>')) tainted.set(key(redirect.target.value, invocation.cwd), produced);
    }
    if (['mv', 'cp', 'install', 'ln', 'dd', 'rsync'].includes(invocation.name)) {
      const args = invocation.argv.slice(1).map((word) => word.value);
      const pairs: [string, string][] = invocation.name === 'dd'
        ? [[args.find((arg) => arg.startsWith('if='))?.slice(3) ?? '', args.find((arg) => arg.startsWith('of='))?.slice(3) ?? '']]
        : (() => {
            const operands = parseArgs(args, { shortWithValue: 'tSm', longWithValue: ['target-directory', 'suffix', 'mode'] }).operands;
            const destination = operands[operands.length - 1] ?? '';
            return operands.slice(0, -1).map((source): [string, string] => [source, destination]);
          })();
      for (const [source, destination] of pairs) {
        const from = tainted.get(key(source, invocation.cwd));
        if (from && destination) tainted.set(key(destination, invocation.cwd), from);
      }
    }
  }
  return findings;
}
