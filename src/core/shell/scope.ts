import type { Descriptor } from './descriptors';
import type { Word } from './ir';

/**
 * What the shell would know at a point of the line: variables assigned earlier on it, functions and
 * aliases defined on it, and the working directory after any `cd`. Subshells get a copy.
 */
export class Scope {
  constructor(
    readonly variables: Map<string, Word>,
    readonly functions: Map<string, string>,
    readonly aliases: Map<string, string>,
    public cwd: string | undefined,
    /** The host or container the line runs on, when not this machine. */
    readonly remote: string | undefined,
    /** Files this line wrote with known text (`echo 'rm -rf /' > x.sh`), by absolute path: shared by all scopes of a line. */
    readonly writtenFiles: Map<string, string> = new Map(),
    /** File descriptors opened by `exec 3>...`, `exec {fd}< <(...)` and `coproc`, by number. */
    readonly descriptors: Map<string, Descriptor> = new Map(),
  ) {}

  static root(cwd: string, knownVariables: ReadonlyMap<string, Word>): Scope {
    return new Scope(new Map(knownVariables), new Map(), new Map(), cwd, undefined);
  }

  child(): Scope {
    return new Scope(new Map(this.variables), new Map(this.functions), new Map(this.aliases), this.cwd, this.remote, this.writtenFiles, new Map(this.descriptors));
  }

  /** A fresh scope for a script run by another shell (`bash -c`, `ssh host`): only exported facts carry. */
  forNestedShell(remote: string | undefined): Scope {
    const variables = new Map(this.variables);
    if (remote !== undefined) {
      // On another machine nothing about this one holds: not the home, not the working directory.
      for (const name of ['HOME', 'PWD', 'OLDPWD']) variables.delete(name);
    }
    // A child shell inherits its parent's open descriptors; another machine has none of them.
    const local = remote === undefined;
    return new Scope(variables, new Map(), new Map(), local ? this.cwd : undefined, remote ?? this.remote, local ? this.writtenFiles : new Map(), local ? new Map(this.descriptors) : new Map());
  }
}
