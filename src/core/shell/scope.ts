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

  /** Other values a variable may hold here: from branches, loops and `&&`/`||` parts that may not have run. */
  readonly alternatives = new Map<string, readonly Word[]>();
  /** `declare -n REF=NAME`: REF stands for NAME. */
  readonly namerefs = new Map<string, string>();
  /** Variables the line exports to the programs it starts (`export X=...`, `declare -x`). */
  readonly exported = new Set<string>();
  /** For each function call in progress, the values its `local` variables hide. */
  readonly localFrames: Map<string, Word | undefined>[] = [];
  /** Where the line still is if its last `cd`, followed by `;` rather than `&&`, failed. */
  cwdIfCdFailed: string | undefined = undefined;

  static root(cwd: string, knownVariables: ReadonlyMap<string, Word>): Scope {
    return new Scope(new Map(knownVariables), new Map(), new Map(), cwd, undefined);
  }

  child(): Scope {
    const child = new Scope(new Map(this.variables), new Map(this.functions), new Map(this.aliases), this.cwd, this.remote, this.writtenFiles, new Map(this.descriptors));
    child.cwdIfCdFailed = this.cwdIfCdFailed;
    return child.inherit(this, true);
  }

  /** The variable a name stands for, through `declare -n` references. */
  resolveName(name: string): string {
    let target = name;
    for (let hops = 0; hops < 8; hops++) {
      const next = this.namerefs.get(target);
      if (next === undefined) break;
      target = next;
    }
    return target;
  }

  lookup(name: string): Word | undefined {
    return this.variables.get(this.resolveName(name));
  }

  /** Sets a variable for the rest of the line; the values it might have had are forgotten. */
  assign(name: string, value: Word): void {
    const target = this.resolveName(name);
    this.variables.set(target, value);
    this.alternatives.delete(target);
  }

  /** The environment a program started here gets: exported variables, then its own assignments. */
  environment(assignments: ReadonlyMap<string, Word>): ReadonlyMap<string, Word> {
    if (this.exported.size === 0) return assignments;
    const environment = new Map<string, Word>();
    for (const name of this.exported) {
      const value = this.variables.get(name);
      if (value !== undefined) environment.set(name, value);
    }
    for (const [name, value] of assignments) environment.set(name, value);
    return environment;
  }

  private inherit(parent: Scope, sameShell: boolean): Scope {
    for (const [name, values] of parent.alternatives) this.alternatives.set(name, values);
    for (const name of parent.exported) this.exported.add(name);
    if (sameShell) for (const [name, target] of parent.namerefs) this.namerefs.set(name, target);
    return this;
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
    return new Scope(variables, new Map(), new Map(), local ? this.cwd : undefined, remote ?? this.remote, local ? this.writtenFiles : new Map(), local ? new Map(this.descriptors) : new Map()).inherit(this, false);
  }
}
