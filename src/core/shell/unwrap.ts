import type { Invocation, Word } from './ir';
import { dynamicWord, literalWord } from './ir';
import { knownStdinText } from './literalOutput';
import { parseArgs } from './options';
import { parseFind } from './findExpression';
import { encodedPowershellCommand } from './powershell';
import { gitSshCommand, unwrapGitAlias } from './unwrapGit';
import type { OptionSpec } from './options';

/**
 * Wrappers: programs whose job is to run another program or script. Each is unwrapped to what it
 * runs, so that `sudo env FOO=1 nice -n 5 rm -rf /` is judged as `rm -rf /`.
 */
export type Unwrapped =
  /** Runs another program with these words (`sudo rm ...`). */
  | { readonly kind: 'argv'; readonly argv: readonly Word[]; readonly via: string; readonly remote?: string; readonly assignments?: ReadonlyMap<string, Word> }
  /** Runs shell source text (`bash -c '...'`, `eval`, `ssh host '...'`, `watch '...'`). */
  | { readonly kind: 'script'; readonly source: string; readonly dynamic: boolean; readonly via: string; readonly remote?: string; readonly words: readonly Word[]; readonly hidden?: boolean }
  /** A shell that reads its program from standard input (`curl ... | bash`, `bash <<EOF`). */
  | { readonly kind: 'stdin-script'; readonly via: string }
  /** A shell running a script file (`bash x.sh`, `source x.sh`): known when this line wrote it. */
  | { readonly kind: 'script-file'; readonly file: Word; readonly via: string }
  /** A shell wired to a network connection (`socat TCP-LISTEN:4444 EXEC:/bin/sh`): a remote shell. */
  | { readonly kind: 'network-shell'; readonly via: string; readonly detail: string };

interface PrefixWrapper extends OptionSpec {
  /** Operands the wrapper itself takes before the command (`timeout 10s cmd` has one). */
  readonly positional?: number;
  /** Flags after which the wrapper runs no command (`command -v`, `ionice -p`). */
  readonly noCommandFlags?: readonly string[];
}

const PREFIX_WRAPPERS: Readonly<Record<string, PrefixWrapper>> = {
  sudo: { shortWithValue: 'ugCDpRrtTUh', longWithValue: ['user', 'group', 'close-from', 'chdir', 'prompt', 'role', 'type', 'command-timeout', 'other-user', 'host'], noCommandFlags: ['-l', '-v', '-k', '-K', '-e', '--list', '--validate'] },
  doas: { shortWithValue: 'uC' },
  run0: { shortWithValue: 'ugD', longWithValue: ['user', 'group', 'chdir', 'unit', 'property', 'description', 'slice', 'setenv', 'nice'] },
  nice: { shortWithValue: 'n', longWithValue: ['adjustment'] },
  nohup: {},
  time: { shortWithValue: 'fo', longWithValue: ['format', 'output'] },
  timeout: { shortWithValue: 'sk', longWithValue: ['signal', 'kill-after'], positional: 1 },
  stdbuf: { shortWithValue: 'ioe', longWithValue: ['input', 'output', 'error'] },
  ionice: { shortWithValue: 'cnpPu', longWithValue: ['class', 'classdata', 'pid', 'pgid', 'uid'], noCommandFlags: ['-p', '--pid', '-P', '-u'] },
  chrt: { shortWithValue: 'T', positional: 1, noCommandFlags: ['-p', '--pid'] },
  taskset: { positional: 1, noCommandFlags: ['-p', '--pid'] },
  setsid: {},
  command: { noCommandFlags: ['-v', '-V'] },
  builtin: {},
  exec: { shortWithValue: 'a' },
  unbuffer: {},
  caffeinate: { shortWithValue: 'tw' },
  chronic: {},
  ifne: {},
  strace: { shortWithValue: 'oeEpPsuUabSIX', noCommandFlags: ['-p'] },
  ltrace: { shortWithValue: 'oeEpsuanAlw' },
  runuser: { shortWithValue: 'ugG', longWithValue: ['user', 'group'] },
  npx: { shortWithValue: 'pc', longWithValue: ['package', 'call'] },
  bunx: {},
  pnpx: {},
  catchsegv: {},
  nsenter: { shortWithValue: 'tSGmunipUCrw', longWithValue: ['target'] },
  coproc: {},
  unshare: { shortWithValue: 'SGRw', longWithValue: ['setuid', 'setgid', 'root', 'wd', 'propagation', 'setgroups', 'map-user', 'map-group', 'kill-child'] },
  'systemd-run': { shortWithValue: 'pEMHu', longWithValue: ['unit', 'property', 'description', 'slice', 'setenv', 'uid', 'gid', 'working-directory', 'machine', 'host', 'nice', 'on-active', 'on-boot', 'on-calendar', 'timer-property', 'path-property', 'socket-property', 'service-type'] },
  chroot: { longWithValue: ['userspec', 'groups'], positional: 1 },
  firejail: {},
};

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'yash', 'fish', 'csh', 'tcsh', 'pwsh', 'powershell']);

export function isShell(name: string): boolean {
  return SHELLS.has(name);
}

/** What the invocation runs, if it is a wrapper; empty otherwise. */
export function unwrap(invocation: Invocation): Unwrapped[] {
  const { name, argv } = invocation;
  const args = argv.slice(1);
  if (SHELLS.has(name)) return unwrapShell(name, args);
  const wrapper = PREFIX_WRAPPERS[name];
  if (wrapper) return unwrapPrefix(name, args, wrapper);
  switch (name) {
    case 'env':
      return unwrapEnv(args);
    case 'eval':
      return args.length === 0 ? [] : [script('eval', args)];
    case 'watch':
      return unwrapWatch(args);
    case 'xargs':
      return unwrapXargs(args, invocation);
    case 'find':
      return unwrapFindExec(args);
    case 'parallel':
      return unwrapParallel(args, invocation);
    case 'ssh':
      return [...sshOptionCommands(args), ...unwrapSsh(args)];
    case 'scp':
    case 'sftp':
      return sshOptionCommands(args);
    case 'rsync':
      return unwrapRsyncShell(args);
    case 'socat':
      return unwrapSocat(args);
    case 'nc':
    case 'ncat':
    case 'netcat':
    case 'nc.traditional':
    case 'nc.openbsd':
      return unwrapNetcat(name, args);
    case 'source':
    case '.':
      return args[0] ? [{ kind: 'script-file', file: args[0], via: name }] : [];
    case 'trap':
      return unwrapTrap(args);
    case 'tmux':
      return unwrapTmux(args);
    case 'tar':
    case 'gtar':
    case 'bsdtar':
      return unwrapTarCommands(args);
    case 'lvm':
      return args.length > 0 ? [{ kind: 'argv', argv: args, via: 'lvm' }] : [];
    case 'su':
    case 'sg':
      return unwrapSu(name, args);
    case 'flock':
      return unwrapFlock(args);
    case 'busybox':
      return args.length > 0 ? [{ kind: 'argv', argv: args, via: 'busybox' }] : [];
    case 'docker':
    case 'podman':
    case 'nerdctl':
    case 'docker-compose':
      return unwrapContainerExec(name, args);
    case 'kubectl':
    case 'oc':
      return unwrapKubectlExec(name, args);
    case 'git':
      return [...unwrapGitAlias(args, invocation), ...gitSshCommand(args, invocation)];
    default:
      return [];
  }
}

function values(words: readonly Word[]): string[] {
  return words.map((word) => word.value);
}

function script(via: string, words: readonly Word[], remote?: string): Unwrapped {
  return {
    kind: 'script',
    source: words.map((word) => word.value).join(' '),
    dynamic: words.some((word) => word.dynamic),
    via,
    words,
    ...(remote !== undefined ? { remote } : {}),
  };
}

function unwrapPrefix(name: string, args: readonly Word[], wrapper: PrefixWrapper): Unwrapped[] {
  const parsed = parseArgs(values(args), { ...wrapper, stopAtOperand: true });
  if (wrapper.noCommandFlags?.some((flag) => parsed.flags.has(flag))) return [];
  let start = parsed.rest;
  // `nice -10 cmd` and `nice --10 cmd` are old spellings of the adjustment.
  for (let skip = wrapper.positional ?? 0; skip > 0 && start < args.length; skip--) start++;
  const inner = args.slice(start);
  return inner.length > 0 ? [{ kind: 'argv', argv: inner, via: name }] : [];
}

function unwrapEnv(args: readonly Word[]): Unwrapped[] {
  let rest = [...args];
  let index = 0;
  const assignments = new Map<string, Word>();
  while (index < rest.length) {
    const value = rest[index]?.value ?? '';
    if (value === '--') {
      index++;
      break;
    }
    const split = /^(?:-S|--split-string=?)(.*)$/s.exec(value);
    if (split) {
      // `env -S 'A=1 rm -rf /'` splits one string into more arguments for env itself.
      const text = split[1] !== '' ? (split[1] ?? '') : (rest[index + 1]?.value ?? '');
      const words = text.split(/\s+/).filter(Boolean).map(literalWord);
      rest = [...words, ...rest.slice(index + (split[1] !== '' ? 1 : 2))];
      index = 0;
      continue;
    }
    if (/^-[uCP]$/.test(value) || value === '--unset' || value === '--chdir') {
      index += 2;
      continue;
    }
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
    if (assignment) assignments.set(assignment[1] ?? '', { ...(rest[index] as Word), value: assignment[2] ?? '' });
    if (value.startsWith('-') || assignment) {
      index++;
      continue;
    }
    break;
  }
  const inner = rest.slice(index);
  return inner.length > 0 ? [{ kind: 'argv', argv: inner, via: 'env', assignments }] : [];
}

function unwrapShell(name: string, args: readonly Word[]): Unwrapped[] {
  const encoded = name === 'pwsh' || name === 'powershell' ? encodedPowershellCommand(args) : undefined;
  if (encoded) return [{ kind: 'script', ...encoded, dynamic: false, via: `${name} -EncodedCommand`, hidden: true }];
  const via = `${name} -c`;
  for (let index = 0; index < args.length; index++) {
    const value = args[index]?.value ?? '';
    if (value === '--' || !/^[-+]/.test(value)) {
      // A script file (or `-s`/no operand: standard input).
      const operand = value === '--' ? args[index + 1] : args[index];
      return operand === undefined ? [{ kind: 'stdin-script', via: name }] : [{ kind: 'script-file', file: operand, via: name }];
    }
    if (/^--(rcfile|init-file)$/.test(value) || (/^[-+][A-Za-z]*[oO]$/.test(value) && !value.includes('c'))) {
      index++;
      continue;
    }
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(value) || value === '-Command' || value === '-command' || value === '-c') {
      const body = args[index + 1]?.value === '--' ? args[index + 2] : args[index + 1];
      return body ? [script(via, [body])] : [];
    }
    if (/^-[A-Za-z]*s[A-Za-z]*$/.test(value)) return [{ kind: 'stdin-script', via: name }];
  }
  return [{ kind: 'stdin-script', via: name }];
}

function unwrapWatch(args: readonly Word[]): Unwrapped[] {
  const parsed = parseArgs(values(args), { shortWithValue: 'nqd', longWithValue: ['interval', 'equexit'], stopAtOperand: true });
  const inner = args.slice(parsed.rest);
  if (inner.length === 0) return [];
  // watch hands its words to `sh -c` unless told to exec them: one word is a script (`watch 'a; b'`);
  // several are judged as the separate words the writer meant, so `watch sh -c 'git reset --hard'` counts.
  if (parsed.flags.has('-x') || parsed.flags.has('--exec') || inner.length > 1) return [{ kind: 'argv', argv: inner, via: 'watch' }];
  return [script('watch', inner)];
}

const XARGS_SPEC: OptionSpec = {
  shortWithValue: 'adEILnPsJRS',
  longWithValue: ['arg-file', 'delimiter', 'eof', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
  stopAtOperand: true,
};

function unwrapXargs(args: readonly Word[], invocation: Invocation): Unwrapped[] {
  // `-i` and `--replace` take an optional value, which getopt cannot tell from the command: normalize first.
  const normalized = values(args).map((value) => (value === '-i' || value === '--replace' ? '-I{}' : value.startsWith('--replace=') ? `-I${value.slice(10) || '{}'}` : /^-i./.test(value) ? `-I${value.slice(2)}` : value));
  const parsed = parseArgs(normalized, XARGS_SPEC);
  const inner = args.slice(parsed.rest);
  const command = inner.length > 0 ? inner : [literalWord('echo')];
  const replace = parsed.values.get('-I')?.[0] ?? parsed.values.get('-J')?.[0];
  const fromFile = parsed.values.has('-a') || parsed.values.has('--arg-file');
  const items = fromFile ? undefined : knownStdinItems(invocation, replace !== undefined);
  const sources = invocation.stdin?.kind === 'pipe' ? [invocation.stdin.producer.name, ...invocation.stdin.producer.argv.flatMap((word) => word.sources ?? [])] : [];
  const item = items === undefined ? { ...dynamicWord('{xargs input}'), sources } : undefined;
  if (replace !== undefined) {
    const substitute = (value: string): Word[] => command.map((word) => (word.value.includes(replace) ? (item ?? literalWord(word.value.split(replace).join(value))) : word));
    const runs = item ? [substitute('')] : (items ?? []).slice(0, 16).map(substitute);
    return runs.map((argv) => ({ kind: 'argv', argv, via: 'xargs' }));
  }
  const extra = item ? [item] : (items ?? []).slice(0, 64).map(literalWord);
  return [{ kind: 'argv', argv: [...command, ...extra], via: 'xargs' }];
}

/** The items a literal producer (`echo a b | xargs ...`) feeds on standard input, when known. */
function knownStdinItems(invocation: Invocation, byLine: boolean): string[] | undefined {
  const text = knownStdinText(invocation);
  if (text === undefined) return undefined;
  return text.split(byLine ? /\n/ : /\s+/).map((item) => item.trim()).filter(Boolean);
}

function unwrapFindExec(args: readonly Word[]): Unwrapped[] {
  const find = parseFind(args);
  const starts = find.starts.length > 0 ? find.starts.map((word) => word.value) : ['.'];
  // The via names how much find selects, so a deleting rule can tell "every file" from "matching files".
  const scope = find.emptyOnly ? ' (empty only)' : find.selective ? ' (matching)' : '';
  return find.execs.flatMap(({ action, argv }) =>
    starts.slice(0, 8).map((start): Unwrapped => {
      // `{}` is each file found: known only to lie below the start path, which is a folder.
      const below = start.endsWith('/') ? start : `${start}/`;
      // Found by name alone, `{}` stands for those files; a matching folder goes whole unless `-type f`.
      const found = find.names ? { found: { ...find.names, subtrees: !find.filesOnly } } : {};
      const item = (word: Word): Word => ({ ...dynamicWord(word.value.replace('{}', `${below}…`), below), ...(word.value === '{}' ? found : {}) });
      return { kind: 'argv', argv: argv.map((word) => (word.value.includes('{}') ? item(word) : word)), via: `find ${action}${scope}` };
    }),
  );
}

function unwrapParallel(args: readonly Word[], invocation: Invocation): Unwrapped[] {
  const separator = args.findIndex((word) => word.value === ':::' || word.value === '::::');
  const command = separator === -1 ? args : args.slice(0, separator);
  const parsed = parseArgs(values(command), { shortWithValue: 'jSdIEaXnNL', longWithValue: ['jobs', 'sshlogin', 'delimiter', 'joblog', 'results', 'arg-file', 'block', 'block-size', 'colsep', 'halt', 'timeout', 'tmpdir', 'workdir', 'env', 'max-args', 'max-lines', 'basefile', 'return', 'transferfile', 'retries', 'delay', 'memfree', 'load', 'nice', 'tagstring', 'header', 'recstart', 'recend'], stopAtOperand: true });
  const template = command.slice(parsed.rest);
  const stdinItems = separator === -1 ? knownStdinItems(invocation, true) : undefined;
  const inputs = separator === -1 ? (stdinItems ?? []).map(literalWord) : args.slice(separator + 1).filter((word) => !word.value.startsWith(':::'));
  if (template.length === 0) return inputs.slice(0, 16).map((input) => script('parallel', [input]));
  const runs = inputs.length > 0 ? inputs.slice(0, 16) : [dynamicWord('{parallel input}')];
  const only = template[0];
  if (template.length === 1 && only && /[\s;&|<>$`]/.test(only.value)) {
    // One word with spaces or shell syntax is a composed command: parallel runs it through a shell.
    return runs.map((input): Unwrapped => {
      const source = only.value.includes('{}') ? only.value.split('{}').join(shellQuote(input.value)) : `${only.value} ${shellQuote(input.value)}`;
      return { kind: 'script', source, dynamic: only.dynamic || input.dynamic, via: 'parallel', words: [only, input] };
    });
  }
  return runs.map((input): Unwrapped => {
    const hasPlaceholder = template.some((word) => word.value.includes('{}'));
    const argv = template.map((word) => (word.value.includes('{}') ? { ...input, value: word.value.replace('{}', input.value), prefix: input.dynamic ? '' : word.value.replace('{}', input.value) } : word));
    // Judged as the separate words the writer meant (parallel itself may join them for a shell).
    return { kind: 'argv', argv: hasPlaceholder ? argv : [...argv, input], via: 'parallel' };
  });
}

function unwrapSsh(args: readonly Word[]): Unwrapped[] {
  const parsed = parseArgs(values(args), { shortWithValue: 'bBcDEeFIiJLlmOoPpQRSWw', stopAtOperand: true });
  const host = args[parsed.rest];
  const command = args.slice(parsed.rest + 1);
  if (!host || command.length === 0) return [];
  return [script(`ssh ${host.value}`, command, host.value)];
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

const SSH_COMMAND_OPTIONS = /^(ProxyCommand|LocalCommand|KnownHostsCommand|RemoteCommand|PermitLocalCommand)=?(.*)$/is;

/** `ssh -o ProxyCommand='...'` (and scp, sftp) run a local shell command. */
function sshOptionCommands(args: readonly Word[]): Unwrapped[] {
  const found: Unwrapped[] = [];
  for (let index = 0; index < args.length; index++) {
    const value = args[index]?.value ?? '';
    const option = value === '-o' ? (args[++index]?.value ?? '') : /^-[A-Za-z]*?o(.+)$/.exec(value)?.[1];
    if (option === undefined) continue;
    const match = SSH_COMMAND_OPTIONS.exec(option.trim());
    const command = match?.[2]?.replace(/^[\s=]+/, '') ?? '';
    if (match && command !== '' && !/^(yes|no)$/i.test(command)) found.push({ kind: 'script', source: command, dynamic: false, via: `ssh -o ${match[1]}`, words: [literalWord(command)] });
  }
  return found;
}

/** `rsync -e 'cmd'` and `--rsh=cmd` run cmd as the remote shell, locally. */
function unwrapRsyncShell(args: readonly Word[]): Unwrapped[] {
  const parsed = parseArgs(values(args), { shortWithValue: 'eBfT', longWithValue: ['rsh', 'rsync-path', 'filter', 'exclude', 'include', 'files-from', 'log-file', 'password-file'] });
  const shells = [...(parsed.values.get('-e') ?? []), ...(parsed.values.get('--rsh') ?? [])];
  return shells.map((command) => ({ kind: 'script', source: command, dynamic: false, via: 'rsync -e', words: [literalWord(command)] }));
}

/** `socat ... EXEC:'cmd'` and `SYSTEM:cmd` run a command. */
const SOCAT_NETWORK = /^(TCP|TCP4|TCP6|UDP|UDP4|UDP6|SSL|OPENSSL|PROXY|SOCKS4A?|SOCKS5|DCCP|SCTP|VSOCK|UDP-DATAGRAM|UDP-RECVFROM|UDP-SENDTO)(-LISTEN|-CONNECT|-L|-RECV|-SENDTO|-RECVFROM)?:/i;
const BARE_SHELL = /^['"]?(exec\s+)?(\/\S*\/)?(ba|z|da|k|mk|a)?sh(\s+-\w+)*['"]?$/;

function unwrapSocat(args: readonly Word[]): Unwrapped[] {
  const network = args.find((word) => SOCAT_NETWORK.test(word.value));
  const shell = args.find((word) => /^SHELL$/i.test(word.value) || ((/^(EXEC|SYSTEM):/i.test(word.value)) && BARE_SHELL.test(word.value.replace(/^(EXEC|SYSTEM):/i, '').split(',')[0] ?? '')));
  if (network && shell) return [{ kind: 'network-shell', via: 'socat', detail: `${shell.value} wired to ${network.value}` }];
  return args.flatMap((word): Unwrapped[] => {
    const match = /^(EXEC|SYSTEM):(.*?)(,[a-z-]+(=[^,]*)?)*$/is.exec(word.value);
    if (!match) return [];
    const raw = match[2] ?? '';
    // socat's own quoting: a command wrapped whole in quotes.
    const command = /^(['"]).*\1$/s.test(raw) && !raw.endsWith('\\"') ? raw.slice(1, -1) : raw;
    // socat reads backslash escapes in an address (`EXEC:rm\ -rf\ /` is `rm -rf /`).
    return [{ kind: 'script', source: command.replace(/\\(.)/gs, '$1'), dynamic: word.dynamic, via: `socat ${match[1]}`, words: [literalWord(command)] }];
  });
}

/** `nc -e /bin/sh`, `ncat --sh-exec 'sh -i'`: a program wired to a network connection, a remote shell. */
function unwrapNetcat(name: string, args: readonly Word[]): Unwrapped[] {
  const exec = args.findIndex((word) => /^(-[A-Za-z]*[ec]|--(exec|sh-exec|lua-exec)(=.*)?)$/.test(word.value));
  if (exec === -1) return [];
  const flag = args[exec]?.value ?? '';
  const program = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : (args[exec + 1]?.value ?? '');
  return [{ kind: 'network-shell', via: name, detail: `${program || 'a program'} wired to a network connection` }];
}

/** `trap 'cmd' EXIT`: cmd runs when the signal comes, and EXIT always comes. */
function unwrapTrap(args: readonly Word[]): Unwrapped[] {
  const action = args[0];
  if (!action || args.length < 2 || /^(-|-p|-l|--|)$/.test(action.value)) return [];
  return [{ kind: 'script', source: action.value, dynamic: action.dynamic, via: 'trap', words: [action] }];
}

const TMUX_RUNNERS = new Set(['new-session', 'new', 'new-window', 'neww', 'split-window', 'splitw', 'respawn-pane', 'respawnp', 'respawn-window', 'respawnw', 'run-shell', 'run', 'if-shell', 'if', 'display-popup', 'popup']);

/** `tmux new-session -d 'cmd'` and kin run a shell command in a new pane. */
function unwrapTmux(args: readonly Word[]): Unwrapped[] {
  const at = args.findIndex((word) => TMUX_RUNNERS.has(word.value));
  if (at === -1) return [];
  const parsed = parseArgs(values(args.slice(at + 1)), { shortWithValue: 'cefFnstxylLST', stopAtOperand: true });
  const command = args.slice(at + 1 + parsed.rest);
  return command.length > 0 ? [script(`tmux ${args[at]?.value ?? ''}`, command.length === 1 ? command : command.map((word) => ({ ...word, value: shellQuote(word.value) })))] : [];
}

const TAR_COMMAND_OPTIONS = /^--(to-command|info-script|new-volume-script|use-compress-program|rsh-command)=(.*)$|^--checkpoint-action=exec=(.*)$/s;

/** tar runs commands for several options: `-I cmd`, `--to-command=cmd`, `--checkpoint-action=exec=cmd`. */
function unwrapTarCommands(args: readonly Word[]): Unwrapped[] {
  const found: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const value = args[index]?.value ?? '';
    const long = TAR_COMMAND_OPTIONS.exec(value);
    if (long) found.push(long[2] ?? long[3] ?? '');
    else if (/^--(to-command|info-script|new-volume-script|use-compress-program|rsh-command)$/.test(value) || /^-[A-Za-z]*[IF]$/.test(value)) found.push(args[++index]?.value ?? '');
    else if (/^-[A-Za-z]*I./.test(value) && !value.startsWith('--')) found.push(value.slice(value.indexOf('I') + 1));
  }
  return found.filter(Boolean).map((command) => ({ kind: 'script', source: command, dynamic: false, via: 'tar', words: [literalWord(command)] }));
}

function unwrapSu(name: string, args: readonly Word[]): Unwrapped[] {
  const at = args.findIndex((word) => word.value === '-c' || word.value === '--command' || word.value.startsWith('--command='));
  if (at === -1) return [];
  const word = args[at] as Word;
  const body = word.value.startsWith('--command=') ? { ...word, value: word.value.slice(10) } : args[at + 1];
  return body ? [script(`${name} -c`, [body])] : [];
}

function unwrapFlock(args: readonly Word[]): Unwrapped[] {
  const parsed = parseArgs(values(args), { shortWithValue: 'wEc', longWithValue: ['timeout', 'conflict-exit-code', 'command'], stopAtOperand: true });
  const body = parsed.values.get('-c')?.[0] ?? parsed.values.get('--command')?.[0];
  if (body !== undefined) return [{ kind: 'script', source: body, dynamic: false, via: 'flock -c', words: [literalWord(body)] }];
  const inner = args.slice(parsed.rest + 1);
  return inner.length > 0 ? [{ kind: 'argv', argv: inner, via: 'flock' }] : [];
}

function unwrapContainerExec(name: string, args: readonly Word[]): Unwrapped[] {
  let rest = args;
  if (name !== 'docker-compose' && rest[0]?.value === 'compose') rest = rest.slice(1);
  if (name !== 'docker-compose' && rest[0]?.value === 'container') rest = rest.slice(1);
  if (rest[0]?.value !== 'exec') return [];
  const parsed = parseArgs(values(rest.slice(1)), { shortWithValue: 'euw', longWithValue: ['env', 'env-file', 'user', 'workdir', 'detach-keys', 'index'], stopAtOperand: true });
  const target = rest[1 + parsed.rest];
  const command = rest.slice(2 + parsed.rest);
  if (!target || command.length === 0) return [];
  return [{ kind: 'argv', argv: command, via: `${name} exec ${target.value}`, remote: `container ${target.value}` }];
}

function unwrapKubectlExec(name: string, args: readonly Word[]): Unwrapped[] {
  const exec = args.findIndex((word) => word.value === 'exec');
  const dashes = args.findIndex((word) => word.value === '--');
  if (exec === -1 || dashes === -1 || dashes < exec) return [];
  const command = args.slice(dashes + 1);
  const pod = args.slice(exec + 1, dashes).find((word) => !word.value.startsWith('-'));
  return command.length > 0 ? [{ kind: 'argv', argv: command, via: `${name} exec`, remote: `pod ${pod?.value ?? '?'}` }] : [];
}
