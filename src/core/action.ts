/**
 * What an agent is about to do, as Airlock receives it from a hook, a shell guard, a shim or the
 * editor. Each kind is assessed by its own analyzer (`src/core/actions/`, shell in `shellAnalyzer.ts`).
 */
export interface ShellAction {
  readonly kind: 'shell';
  /** The command line exactly as the agent wrote it. */
  readonly command: string;
  /** The directory the command runs in; defaults to the analysis context's cwd. */
  readonly cwd?: string;
}

/**
 * A file written whole or edited in place by an agent's tool (Write, Edit, MultiEdit, create_file...).
 * `oldContent` is what is there now when the interceptor could read it; `newContent` is the file as it
 * will be after the tool runs.
 */
export interface FileWriteAction {
  readonly kind: 'fileWrite';
  /** Absolute, or relative to `cwd`. */
  readonly path: string;
  readonly oldContent?: string;
  readonly newContent: string;
  /** The agent's tool name (`Write`, `Edit`, `create_file`...), for messages and the ledger. */
  readonly tool?: string;
  readonly cwd?: string;
}

/** A file or folder deleted by an agent's tool (Cursor's `Delete`, VS Code's `delete_file`...). */
export interface FileDeleteAction {
  readonly kind: 'fileDelete';
  readonly path: string;
  readonly tool?: string;
  readonly cwd?: string;
}

/**
 * A file the agent is about to read. The field is `file`, not `path`: reading affects nothing, so
 * protected-path rules (which ask for any action affecting a path) must not turn every read of a
 * protected file into a question; secret reads are scored and recorded instead.
 */
export interface FileReadAction {
  readonly kind: 'fileRead';
  readonly file: string;
  readonly tool?: string;
  readonly cwd?: string;
}

/** A call to an MCP server's tool, with its arguments as the agent sent them. */
export interface McpAction {
  readonly kind: 'mcp';
  readonly server: string;
  readonly tool: string;
  readonly args: unknown;
  readonly cwd?: string;
}

/** A tool Airlock has no model for: judged by what its input contains. */
export interface ToolAction {
  readonly kind: 'tool';
  readonly tool: string;
  readonly input: unknown;
  readonly cwd?: string;
}

/** A change to Airlock's own settings, recorded because it weakens protection. */
export interface SettingsChangeAction {
  readonly kind: 'settings';
  /** `user` for the user's settings; a workspace folder's path otherwise. */
  readonly scope: string;
  /** One line per weakening, e.g. `airlock.approval.threshold: raised from 50 to 80`. */
  readonly changes: readonly string[];
}

export type Action = ShellAction | FileWriteAction | FileDeleteAction | FileReadAction | McpAction | ToolAction | SettingsChangeAction;
