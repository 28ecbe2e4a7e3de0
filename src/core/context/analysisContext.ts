import type { FileProbe } from './probe';

/** Where an action runs: everything the engine knows about its surroundings. */
export interface AnalysisContext {
  /** Absolute working directory of the action. */
  readonly cwd: string;
  /** The user's home directory, for `~` and `$HOME`. */
  readonly home: string;
  /** The workspace root (git top level, or the folder itself). */
  readonly workspaceRoot: string;
  /** Known environment values; only used to resolve variables the command itself does not set. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly probe: FileProbe;
  /** Extra words that mark production (the `airlock.productionMarkers` setting); undefined uses only the built-in ones. */
  readonly productionMarkers?: readonly string[];
}
