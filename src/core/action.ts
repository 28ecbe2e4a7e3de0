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
  /**
   * Set only in ledger entries, which keep the start of each side rather than whole files
   * (`src/core/ledger/fileContent.ts`): each side's size and SHA-256, and the diff between them.
   */
  readonly recorded?: RecordedFileWrite;
}

/** What a ledger entry keeps of a file write's contents. */
export interface RecordedFileWrite {
  readonly old?: RecordedContent;
  readonly new: RecordedContent;
  /** The unified diff from old to new, capped; absent for binary, very large or very different sides. */
  readonly diff?: string;
  /** Why there is no diff, when there is none. */
  readonly noDiff?: 'binary' | 'too-large' | 'too-different' | 'unchanged';
}

export interface RecordedContent {
  /** Size in bytes (UTF-8). */
  readonly bytes: number;
  /** SHA-256 of the whole content: the id the snapshot store gives the same bytes. */
  readonly sha256: string;
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

/** What happened to workspace files in a `FileEventAction`. */
export type FileEventKind = 'delete' | 'rename' | 'save' | 'edit' | 'empty' | 'mass-loss' | 'restore' | 'snapshot';

/**
 * Something that happened to workspace files, seen or done by Airlock rather than asked about: the
 * editor deleting or saving a file, a delete from outside seen by the watcher, an agent's edit kept for
 * review, many files lost at once, a restore. Recorded in the ledger with the snapshots that undo it
 * (`LedgerRecord.snapshots`); never decided, because it has already happened or a person asked for it.
 */
export interface FileEventAction {
  readonly kind: 'fileEvent';
  readonly event: FileEventKind;
  /** The file or folder, absolute; for `mass-loss` the workspace root. */
  readonly path: string;
  /** Where a rename moved it. */
  readonly to?: string;
  /** For `restore`: the id of the snapshot written back (the entry's `snapshots` hold what it replaced). */
  readonly snapshot?: string;
  /** Workspace-relative files involved when there are several (a folder delete, a mass loss). */
  readonly files?: readonly string[];
  /** How Airlock learnt of it: `editor`, `watcher`, `hook`, `cli`, `side-panel`. */
  readonly via?: string;
  /** For `edit`: the unified diff of the change, capped (see `src/core/files/editDiff.ts`). */
  readonly diff?: string;
}

export type Action =
  | ShellAction
  | FileWriteAction
  | FileDeleteAction
  | FileReadAction
  | McpAction
  | ToolAction
  | SettingsChangeAction
  | FileEventAction;
