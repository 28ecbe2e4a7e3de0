import type { Invocation } from './ir';
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
