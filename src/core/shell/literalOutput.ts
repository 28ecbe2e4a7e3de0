import type { Invocation } from './ir';
import type { Scope } from './scope';
import { decodeAnsiC } from './words';

/** What a literal printer writes (`echo x`, `printf '%s' x`, `cat <<EOF`), or undefined. */
export function literalOutput(invocation: Invocation): string | undefined {
  const args = invocation.argv.slice(1);
  if ((invocation.name === 'echo' || invocation.name === 'printf') && args.every((word) => !word.dynamic)) {
    const values = args.map((word) => word.value);
    if (invocation.name === 'printf') return printfOutput(values);
    const flags = values.filter((value) => /^-[neE]+$/.test(value));
    const text = values.filter((value) => !/^-[neE]+$/.test(value)).join(' ');
    const escaped = flags.some((flag) => flag.includes('e')) ? decodeAnsiC(text) : text;
    return flags.some((flag) => flag.includes('n')) ? escaped : `${escaped}\n`;
  }
  if (invocation.name === 'cat' && args.length === 0 && invocation.stdin?.kind === 'text' && !invocation.stdin.dynamic) {
    return invocation.stdin.text;
  }
  return undefined;
}

/** What the program reads on standard input when the line shows it: a heredoc or here-string, or a literal printer piped in. */
export function knownStdinText(invocation: Invocation): string | undefined {
  const stdin = invocation.stdin;
  if (!stdin) return undefined;
  if (stdin.kind === 'text') return stdin.dynamic ? undefined : stdin.text;
  return literalOutput(stdin.producer);
}

/** printf's output for literal arguments: the format's escapes and `%s`/`%b`/`%c`/`%d` conversions. */
export function printfOutput(values: readonly string[]): string {
  const [format = '', ...rest] = values;
  let index = 0;
  const text = decodeAnsiC(format.replace(/%%/g, '\u0000')).replace(/%[-+ #0-9.]*([bscdiu])/g, (_match, kind: string) => {
    const arg = rest[index++] ?? '';
    return kind === 'b' ? decodeAnsiC(arg) : arg;
  });
  const more = rest.slice(index);
  return (more.length > 0 ? text + more.join('') : text).replace(/\u0000/g, '%');
}

/**
 * Where `mktemp` creates its new file or folder, with the random part as X's: not the text it prints,
 * but a path of that shape (GNU rules: no template or `-t` uses $TMPDIR or /tmp, `-p DIR` uses DIR,
 * any other template is taken as written). Undefined for other programs or words known only at run time.
 */
export function likelyOutput(invocation: Invocation, scope: Scope): string | undefined {
  if (invocation.name !== 'mktemp') return undefined;
  const args = invocation.argv.slice(1);
  if (args.some((word) => word.dynamic)) return undefined;
  const tmpdir = scope.lookup('TMPDIR');
  const tempRoot = tmpdir && !tmpdir.dynamic && tmpdir.value !== '' ? tmpdir.value : '/tmp';
  let dir: string | undefined;
  let template: string | undefined;
  let underTemp = false;
  for (let index = 0; index < args.length; index++) {
    const value = args[index]?.value ?? '';
    if (value === '-p' || value === '--tmpdir') {
      // `--tmpdir` takes its value only after `=`; `-p` takes the next word.
      dir = value === '-p' ? args[++index]?.value : tempRoot;
      underTemp = true;
    } else if (value.startsWith('--tmpdir=')) {
      dir = value.slice('--tmpdir='.length) || tempRoot;
      underTemp = true;
    } else if (value === '-t') {
      underTemp = true;
    } else if (/^-[dqu]+$/.test(value) || /^--(directory|quiet|dry-run|suffix=.*)$/.test(value)) {
      continue;
    } else if (value.startsWith('-')) {
      return undefined;
    } else {
      template = value;
    }
  }
  if (template === undefined) return `${(dir ?? tempRoot).replace(/\/+$/, '')}/tmp.XXXXXXXXXX`;
  // A relative template without -p or -t lands in the current folder: a name only known at run time there.
  if (template.startsWith('/')) return template;
  if (!underTemp) return undefined;
  return `${(dir ?? tempRoot).replace(/\/+$/, '')}/${template}`;
}
