import type { Invocation, Word } from './ir';
import { interpreterLanguage, inlineCode, scanCode } from './interpreters';
import type { Scope } from './scope';
import type { PayloadOrigin } from './signals';
import { unwrap } from './unwrap';
import type { Unwrapped } from './unwrap';
import type { ExtractionRun, Frame } from './extract';

const NETWORK_PROGRAMS = new Set(['curl', 'wget', 'http', 'https', 'xh', 'httpie', 'aria2c', 'nc', 'ncat', 'netcat', 'socat', 'ftp', 'tftp', 'fetch', 'iwr', 'invoke-webrequest', 'irm', 'invoke-restmethod']);
const DECODER_PROGRAMS = new Set(['base64', 'base32', 'basenc', 'xxd', 'openssl', 'gpg', 'gunzip', 'gzip', 'zcat', 'bzcat', 'xzcat', 'zstdcat', 'uudecode', 'rev', 'tr', 'od', 'unxz', 'bunzip2']);

export function payloadOrigin(programs: readonly string[]): PayloadOrigin {
  if (programs.some((name) => NETWORK_PROGRAMS.has(name))) return 'network';
  if (programs.some((name) => DECODER_PROGRAMS.has(name))) return 'decoder';
  return programs.length > 0 ? 'command' : 'variable';
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
        return this.run.run(inner.argv, new Map(), [], innerScope, frame, inner.argv.map((word) => word.value).join(' '));
      }
      case 'script':
        if (inner.dynamic && wholeWordUnknown(inner.words)) {
          this.unknownPayload(inner.via, payloadOrigin(inner.words.flatMap((word) => word.sources ?? [])), inner.source, invocation);
          return [];
        }
        return this.run.script(inner.source, scope.forNestedShell(inner.remote), frame);
      case 'stdin-script':
        return this.stdinScript(inner.via, invocation, scope, frame);
    }
  }

  private stdinScript(runner: string, invocation: Invocation, scope: Scope, frame: Frame): Invocation[] {
    const stdin = invocation.stdin;
    if (!stdin) return [];
    const withoutStdin: Frame = { via: frame.via, depth: frame.depth };
    if (stdin.kind === 'text') {
      if (stdin.dynamic && stdin.text.startsWith('<')) {
        this.unknownPayload(runner, 'file', `a script read from ${stdin.text.slice(1)}`, invocation);
        return [];
      }
      return this.run.script(stdin.text, scope.forNestedShell(undefined), withoutStdin);
    }
    const text = producedText(stdin.producer);
    if (text !== undefined) return this.run.script(text, scope.forNestedShell(undefined), withoutStdin);
    this.unknownPayload(runner, producerOrigin(stdin.producer), stdin.producer.text, invocation);
    return [];
  }

  private interpreter(invocation: Invocation, language: NonNullable<ReturnType<typeof interpreterLanguage>>, scope: Scope, frame: Frame): Invocation[] {
    const code = inlineCode(invocation, language);
    const stdin = invocation.stdin;
    if (!code) {
      const readsStdin = invocation.argv.slice(1).every((word) => word.value.startsWith('-') || word.value === '-');
      if (readsStdin && stdin?.kind === 'pipe' && producedText(stdin.producer) === undefined) {
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
    for (const detail of effects.unknownCode) this.unknownPayload(via, code.dynamic ? 'variable' : 'command', detail, invocation);
    return started;
  }

  private unknownPayload(runner: string, origin: PayloadOrigin, detail: string, invocation: Invocation): void {
    this.run.signal({ kind: 'unknown-payload', runner, origin, detail: detail.slice(0, 200), invocation });
  }
}

function wholeWordUnknown(words: readonly Word[]): boolean {
  return words.every((word) => !word.dynamic || word.prefix.trim() === '');
}

/** The text a literal producer writes to a pipe (`echo 'rm -rf /' | sh`, `cat <<EOF | sh`). */
function producedText(producer: Invocation): string | undefined {
  const args = producer.argv.slice(1);
  if ((producer.name === 'echo' || producer.name === 'printf') && args.every((word) => !word.dynamic)) {
    const values = args.map((word) => word.value).filter((value) => !/^-[neE]+$/.test(value));
    return producer.name === 'printf' ? printfText(values) : values.join(' ');
  }
  if (producer.name === 'cat' && args.length === 0 && producer.stdin?.kind === 'text' && !producer.stdin.text.startsWith('<')) {
    return producer.stdin.text;
  }
  return undefined;
}

function printfText(values: readonly string[]): string {
  const [format = '', ...rest] = values;
  let index = 0;
  const text = format.replace(/%[bs]/g, () => rest[index++] ?? '');
  return [text, ...rest.slice(index)].join(' ').replace(/\\n/g, '\n');
}

function producerOrigin(producer: Invocation): PayloadOrigin {
  if (producer.name === 'cat' && producer.argv.length > 1) return 'file';
  const programs = [producer.name, ...producer.argv.flatMap((word) => word.sources ?? [])];
  const origin = payloadOrigin(programs.filter(Boolean));
  if (origin === 'command' && (producer.name === 'echo' || producer.name === 'printf')) return 'variable';
  return origin;
}
