import type { Invocation } from './ir';

/**
 * Things the extractor notices that are not programs with arguments: code whose text cannot be known
 * before it runs, text that does not parse, limits reached. The dynamic-code pack scores them.
 */
/** Where unknowable code comes from: `program` is another program's output piped in, `command` a `$(...)` substitution. */
export type PayloadOrigin = 'network' | 'decoder' | 'file' | 'variable' | 'program' | 'command' | 'unknown';

export type Signal =
  | { readonly kind: 'unparsed'; readonly text: string }
  | { readonly kind: 'limit'; readonly what: 'nesting' | 'size' | 'nodes' | 'binary'; readonly detail: string }
  | {
      /** A shell or interpreter runs code that is only known at run time. */
      readonly kind: 'unknown-payload';
      readonly runner: string;
      readonly origin: PayloadOrigin;
      readonly detail: string;
      readonly invocation: Invocation;
    }
  | { readonly kind: 'function-defined'; readonly name: string; readonly text: string }
  /** A function calling itself; with pipes or `&` it multiplies processes until the machine stops. */
  | { readonly kind: 'recursion'; readonly name: string; readonly background: boolean }
  /** A shell wired to a network connection (`nc -e /bin/sh`, `socat TCP-LISTEN:... EXEC:sh`). */
  | { readonly kind: 'remote-shell'; readonly runner: string; readonly detail: string }
  /** Interpreter code calling a client library method that deletes on a service (`client.deleteIndex('prod')`). */
  | { readonly kind: 'client-delete'; readonly runner: string; readonly call: string; readonly target: string | undefined; readonly invocation: Invocation }
  /** A command hidden on purpose (`powershell -EncodedCommand`): decoded and judged, and a person should read it. */
  | { readonly kind: 'hidden-command'; readonly runner: string; readonly text: string }
  /** An endless loop that starts a background job each time round. */
  | { readonly kind: 'spawn-loop'; readonly text: string };
