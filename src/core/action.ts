/**
 * What an agent is about to do, as Airlock receives it from a hook, a shell guard, a shim or the
 * editor. Each kind is assessed by its own analyzer; later kinds (file writes, deletes, MCP tool calls)
 * join this union as their interceptors land.
 */
export interface ShellAction {
  readonly kind: 'shell';
  /** The command line exactly as the agent wrote it. */
  readonly command: string;
  /** The directory the command runs in; defaults to the analysis context's cwd. */
  readonly cwd?: string;
}

export type Action = ShellAction;
