import type { Invocation, Stdin, Word } from './ir';
import { descriptorPath, stdinFrom } from './descriptors';
import { literalOutput } from './literalOutput';
import { interpreterLanguage, inlineCode, scanCode } from './interpreters';
import type { Scope } from './scope';
import type { PayloadOrigin } from './signals';
import { unwrap } from './unwrap';
import type { Unwrapped } from './unwrap';
import type { ExtractionRun, Frame } from './extract';

const NETWORK_PROGRAMS = new Set(['curl', 'wget', 'http', 'https', 'xh', 'httpie', 'curlie', 'aria2c', 'nc', 'ncat', 'netcat', 'socat', 'ftp', 'tftp', 'fetch', 'grpcurl', 'websocat', 'wscat', 'iwr', 'invoke-webrequest', 'irm', 'invoke-restmethod']);
const DECODER_PROGRAMS = new Set(['base64', 'base32', 'basenc', 'xxd', 'openssl', 'gpg', 'gunzip', 'gzip', 'zcat', 'bzcat', 'xzcat', 'zstdcat', 'uudecode', 'rev', 'tr', 'od', 'unxz', 'bunzip2']);

export function payloadOrigin(programs: readonly string[]): PayloadOrigin {
  if (programs.some((name) => NETWORK_PROGRAMS.has(name))) return 'network';
  if (programs.some((name) => DECODER_PROGRAMS.has(name))) return 'decoder';
  return programs.length > 0 ? 'command' : 'variable';
}

/** Every program that feeds a pipe, back to its start: `curl x | python -m json.tool | sh` is network code. */
export function producerChain(producer: Invocation, limit = 16): string[] {
  const names: string[] = [];
  for (let current: Invocation | undefined = producer; current && names.length < limit; ) {
    names.push(current.name, ...current.argv.flatMap((word) => word.sources ?? []));
    const stdin: Stdin | undefined = current.stdin;
    if (stdin?.kind === 'text' && /^<\/dev\/(tcp|udp)\//.test(stdin.text)) names.push('nc');
    current = stdin?.kind === 'pipe' ? stdin.producer : undefined;
  }
  return names.filter(Boolean);
}

function producerOrigin(producer: Invocation): PayloadOrigin {
  const origin = payloadOrigin(producerChain(producer));
  if (origin !== 'command') return origin;
  if (producer.name === 'cat' && producer.argv.length > 1) return 'file';
  if (producer.name === 'echo' || producer.name === 'printf') return 'variable';
  return 'program';
}

/**
 * Follows wrappers, nested shells and interpreters to the programs they run, recording each in the
 * extraction run. Separate from `unwrap.ts` (which only reads argument lists) because following means
 * parsing and walking again.
 */
export class Unwrapper {
  constructor(private readonly run: ExtractionRun) {}

  expand(invocation: Invocation, scope: Scope, frame: Frame): Invocation[] {
    const started: Invocation[] = [];
    for (const inner of unwrap(invocation)) {
      const childFrame: Frame = { via: [...frame.via, inner.via], depth: frame.depth + 1, ...(invocation.stdin ? { stdin: invocation.stdin } : {}) };
      if (childFrame.depth > this.run.limits.maxDepth) {
        this.run.signal({ kind: 'limit', what: 'nesting', detail: `wrappers nested more than ${this.run.limits.maxDepth} deep` });
        continue;
      }
      started.push(...this.follow(inner, invocation, scope, childFrame));
    }
    const language = interpreterLanguage(invocation.name);
    if (language) started.push(...this.interpreter(invocation, language, scope, frame));
    return started;
  }

  private follow(inner: Unwrapped, invocation: Invocation, scope: Scope, frame: Frame): Invocation[] {
    switch (inner.kind) {
      case 'argv': {
        const innerScope = inner.remote !== undefined ? scope.forNestedShell(inner.remote) : scope;
        // A wrapper on this machine passes its environment on (`env TAR_OPTIONS=... tar`, `FOO=1 nice cmd`).
        const environment = inner.remote !== undefined ? new Map<string, Word>() : new Map([...invocation.assignments, ...(inner.assignments ?? [])]);
        return this.run.run(inner.argv, environment, [], innerScope, frame, inner.argv.map((word) => word.value).join(' '));
      }
      case 'script': {
        if (inner.dynamic && wholeWordUnknown(inner.words)) {
          this.unknownPayload(inner.via, payloadOrigin(inner.words.flatMap((word) => word.sources ?? [])), inner.source, invocation);
          return [];
        }
        if (inner.hidden) this.run.signal({ kind: 'hidden-command', runner: inner.via, text: inner.source });
        const nested = scope.forNestedShell(inner.remote);
        // `X=rm bash -c '"$X" -rf /'`: assignments before a shell are its environment.
        if (inner.remote === undefined) for (const [name, value] of invocation.assignments) nested.variables.set(name, value);
        return this.run.script(inner.source, nested, frame);
      }
      case 'stdin-script':
        return this.stdinScript(inner.via, invocation, scope, frame);
      case 'script-file': {
        // `bash <(curl ...)` runs what the substitution prints.
        if (inner.file.dynamic && inner.file.sources && inner.file.sources.length > 0) {
          const origin = payloadOrigin(inner.file.sources);
          // A local program's output (`source <(kubectl completion bash)`) is judged like `eval "$(...)"`.
          this.unknownPayload(inner.via, origin, `a script from ${inner.file.sources.join(' | ')}`, invocation);
          return [];
        }
        const reopened = descriptorPath(inner.file.value);
        const descriptor = reopened === undefined ? undefined : scope.descriptors.get(reopened);
        if (descriptor) {
          // `source /dev/fd/3` after `exec 3<<<'...'` runs that text; after `exec 3< <(curl ...)`, curl's output.
          const stdin = stdinFrom(descriptor);
          return stdin ? this.stdinScript(inner.via, { ...invocation, stdin }, scope, frame) : [];
        }
        const written = inner.file.dynamic ? undefined : scope.writtenFiles.get(absoluteKey(inner.file.value, scope.cwd));
        return written === undefined ? [] : this.run.script(written, scope.forNestedShell(undefined), frame);
      }
      case 'network-shell':
        this.run.signal({ kind: 'remote-shell', runner: inner.via, detail: inner.detail });
        return [];
    }
  }

  private stdinScript(runner: string, invocation: Invocation, scope: Scope, frame: Frame): Invocation[] {
    const stdin = invocation.stdin;
    if (!stdin) return [];
    const withoutStdin: Frame = { via: frame.via, depth: frame.depth };
    if (stdin.kind === 'text') {
      if (stdin.dynamic && stdin.text.startsWith('<')) {
        // `bash < <(curl ...)` reads what the substitution's programs print.
        const fromPrograms = stdin.sources ? payloadOrigin(stdin.sources) : undefined;
        const origin = /^<\/dev\/(tcp|udp)\//.test(stdin.text) ? 'network' : fromPrograms && fromPrograms !== 'variable' ? (fromPrograms === 'command' ? 'program' : fromPrograms) : 'file';
        this.unknownPayload(runner, origin, `a script read from ${stdin.text.slice(1)}`, invocation);
        return [];
      }
      return this.run.script(stdin.text, scope.forNestedShell(undefined), withoutStdin);
    }
    const text = literalOutput(stdin.producer);
    if (text !== undefined) return this.run.script(text, scope.forNestedShell(undefined), withoutStdin);
    this.unknownPayload(runner, producerOrigin(stdin.producer), stdin.producer.text, invocation);
    return [];
  }

  private interpreter(invocation: Invocation, language: NonNullable<ReturnType<typeof interpreterLanguage>>, scope: Scope, frame: Frame): Invocation[] {
    const code = inlineCode(invocation, language);
    const stdin = invocation.stdin;
    if (!code) {
      const readsStdin = invocation.argv.slice(1).every((word) => word.value.startsWith('-') || word.value === '-');
      if (readsStdin && stdin?.kind === 'pipe' && literalOutput(stdin.producer) === undefined) {
        this.unknownPayload(invocation.name, producerOrigin(stdin.producer), stdin.producer.text, invocation);
      }
      return [];
    }
    const home = scope.variables.get('HOME');
    const effects = scanCode(code, home && !home.dynamic ? home.value : undefined);
    const via = `${invocation.name} code`;
    const innerFrame: Frame = { via: [...frame.via, via], depth: frame.depth + 1 };
    const started: Invocation[] = [];
    for (const command of effects.commands) started.push(...this.run.script(command, scope.forNestedShell(undefined), innerFrame));
    for (const argv of [...effects.spawns, ...effects.deletes]) {
      started.push(...this.run.run(argv, new Map(), [], scope, innerFrame, argv.map((word) => word.value).join(' ')));
    }
    for (const unknown of effects.unknownCode) this.unknownPayload(via, unknown.decoded ? 'decoder' : 'variable', unknown.detail, invocation);
    for (const call of effects.clientDeletes) this.run.signal({ kind: 'client-delete', runner: invocation.name, call: call.call, target: call.target, invocation });
    return started;
  }

  private unknownPayload(runner: string, origin: PayloadOrigin, detail: string, invocation: Invocation): void {
    this.run.signal({ kind: 'unknown-payload', runner, origin, detail: detail.slice(0, 200), invocation });
  }
}

/** True when the script's text starts with something unknown (`bash -c "$X"`, `eval "$(cmd)"`): nothing to parse. */
/** The key under which a file written on this line is remembered. */
export function absoluteKey(path: string, cwd: string | undefined): string {
  return path.startsWith('/') || cwd === undefined ? path : `${cwd.replace(/\/$/, '')}/${path.replace(/^\.\//, '')}`;
}

function wholeWordUnknown(words: readonly Word[]): boolean {
  const first = words[0];
  return first !== undefined && first.dynamic && first.prefix.trim() === '';
}
