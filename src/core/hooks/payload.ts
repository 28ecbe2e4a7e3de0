import type { Action } from '../action';

/** The agents Airlock installs hooks for; the name each hook command is given on its command line. */
export type HookAgent = 'claude' | 'cursor' | 'copilot';
export const HOOK_AGENTS: readonly HookAgent[] = ['claude', 'cursor', 'copilot'];

/**
 * Who really sent the payload. VS Code reads `.claude/settings*.json` too and Cursor loads Claude's
 * files, so the file a hook came from does not say who called it; the payload's shape does.
 */
export type HookCaller = 'claude' | 'cursor' | 'vscode' | 'copilot';

/** The answer format: Claude's `hookSpecificOutput`, Cursor's `permission`, Copilot's flat `permissionDecision`. */
export type HookDialect = 'claude' | 'cursor' | 'copilot';

/** An edit the host turns into a whole-file write once it has read the file. */
export interface EditIntent {
  readonly kind: 'edit';
  readonly path: string;
  readonly edits: readonly { readonly oldText: string; readonly newText: string; readonly replaceAll: boolean }[];
  readonly tool: string;
  readonly cwd?: string;
}

/** A whole-file write whose old content the host reads from disk. */
export type HookIntent = Action | EditIntent;

export interface HookRequest {
  readonly caller: HookCaller;
  readonly dialect: HookDialect;
  /** The event as the payload names it (`PreToolUse`, `beforeShellExecution`...). */
  readonly event: string;
  readonly cwd: string | undefined;
  /**
   * The agent's session (or conversation) and tool-call ids, when it sends them, else the call's
   * timestamp: two hook files receiving one call see the same value, two calls of the same command do
   * not. Cursor's generation id comes first: its `before*` events carry no tool-use id, and its
   * `preToolUse` (also what a Claude file loaded by Cursor receives) does. Undefined when the payload
   * has none of these: such a call is decided on its own, never from another call's answer.
   */
  readonly session: string | undefined;
  /** What is about to happen; undefined for tools that only look (Grep, Glob, web search...). */
  readonly intents: readonly HookIntent[];
  /** Set when the payload cannot be trusted to describe the action: the hook denies. */
  readonly problem?: string;
}

type Json = Record<string, unknown>;

const CURSOR_EVENTS = new Set(['beforeShellExecution', 'beforeMCPExecution', 'beforeReadFile', 'preToolUse']);
/** Tools that only read or talk: nothing on disk or elsewhere changes, so there is nothing to judge. */
const LOOK_ONLY = new Set([
  'glob', 'grep', 'ls', 'websearch', 'webfetch', 'todowrite', 'todoread', 'task', 'exitplanmode', 'bashoutput', 'killshell', 'listmcpresourcestool', 'readmcpresourcetool',
  'file_search', 'grep_search', 'semantic_search', 'list_dir', 'get_errors', 'fetch_webpage', 'manage_todo_list', 'search', 'codebase', 'problems', 'usages', 'think', 'get_terminal_output', 'test_failure', 'vscodeapi', 'findtestfiles', 'fetch', 'githubrepo', 'list_code_usages', 'get_changed_files', 'runsubagent',
]);

/** Reads an agent's hook payload. Never throws: anything it cannot read becomes a `problem`. */
export function parseHookPayload(configured: HookAgent, text: string): HookRequest {
  const fallback = (problem: string): HookRequest => ({ caller: callerOf(configured), dialect: dialectOf(configured), event: '', cwd: undefined, session: undefined, intents: [], problem });
  let payload: unknown;
  try {
    payload = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return fallback(`the hook input is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return fallback('the hook input is not a JSON object');
  const p = payload as Json;
  const ids = [str(p.session_id) ?? str(p.sessionId) ?? str(p.conversation_id), str(p.generation_id) ?? str(p.tool_use_id)];
  // Copilot's harness sends no ids, only the call's timestamp (milliseconds): the same for two hook
  // files receiving one call, different for the next call of the same command.
  const stamp = typeof p.timestamp === 'number' || typeof p.timestamp === 'string' ? `at ${String(p.timestamp)}` : undefined;
  const session = ids.some((id) => id !== undefined) ? ids.map((id) => id ?? '').join('/') : stamp;
  const cursor = typeof p.cursor_version === 'string' || (typeof p.conversation_id === 'string' && typeof p.generation_id === 'string') || (CURSOR_EVENTS.has(str(p.hook_event_name) ?? '') && Array.isArray(p.workspace_roots));
  if (cursor) return withSession(parseCursor(p), session);
  if (typeof p.toolName === 'string' && !('tool_name' in p)) return withSession(parseCopilot(p), session);
  const event = str(p.hook_event_name) ?? str(p.hookEventName);
  if (event === undefined) return fallback('the hook input names no event (hook_event_name)');
  const caller: HookCaller = 'hookEventName' in p || ('sessionId' in p && !('session_id' in p)) ? 'vscode' : 'claude';
  const base = { caller, dialect: 'claude' as const, event, cwd: str(p.cwd), session };
  if (event !== 'PreToolUse') return { ...base, intents: [], problem: `Airlock answers PreToolUse, not ${event}` };
  const tool = str(p.tool_name);
  if (tool === undefined) return { ...base, intents: [], problem: 'the PreToolUse input names no tool (tool_name)' };
  const input = objectOf(p.tool_input);
  if (input === undefined) return { ...base, intents: [], problem: `the input of ${tool} (tool_input) is not an object` };
  return { ...base, ...toolIntents(tool, input, base.cwd) };
}

function withSession(request: HookRequest, session: string | undefined): HookRequest {
  return { ...request, session };
}

function callerOf(agent: HookAgent): HookCaller {
  return agent === 'copilot' ? 'vscode' : agent;
}

function dialectOf(agent: HookAgent): HookDialect {
  // `airlock hook copilot` is installed in `.github/hooks`, which VS Code's local harness answers in Claude's format.
  return agent === 'copilot' ? 'claude' : agent;
}

function parseCursor(p: Json): HookRequest {
  const event = str(p.hook_event_name) ?? '';
  const roots = Array.isArray(p.workspace_roots) ? p.workspace_roots.filter((root): root is string => typeof root === 'string') : [];
  const cwd = str(p.cwd) || roots[0] || undefined;
  const base = { caller: 'cursor' as const, dialect: 'cursor' as const, event, cwd, session: undefined };
  switch (event) {
    case 'beforeShellExecution': {
      const command = str(p.command);
      if (command === undefined) return { ...base, intents: [], problem: 'beforeShellExecution input has no command' };
      return { ...base, intents: [{ kind: 'shell', command, ...(cwd ? { cwd } : {}) }] };
    }
    case 'beforeMCPExecution': {
      const tool = str(p.tool_name);
      if (tool === undefined) return { ...base, intents: [], problem: 'beforeMCPExecution input has no tool_name' };
      const server = str(p.mcp_server_name) ?? str(p.server_name) ?? str(p.url) ?? str(p.command) ?? '';
      return { ...base, intents: [{ kind: 'mcp', server, tool, args: jsonish(p.tool_input), ...(cwd ? { cwd } : {}) }] };
    }
    case 'beforeReadFile': {
      const file = str(p.file_path);
      if (file === undefined) return { ...base, intents: [], problem: 'beforeReadFile input has no file_path' };
      // `content` is the file itself: never copied into the action (it would reach the ledger).
      return { ...base, intents: [{ kind: 'fileRead', file, tool: 'Read', ...(cwd ? { cwd } : {}) }] };
    }
    case 'preToolUse': {
      const tool = str(p.tool_name);
      const input = objectOf(jsonish(p.tool_input));
      if (tool === undefined || input === undefined) return { ...base, intents: [], problem: 'preToolUse input has no tool_name or tool_input object' };
      return { ...base, ...toolIntents(tool, input, cwd) };
    }
    default:
      return { ...base, intents: [], problem: `Airlock does not answer the Cursor event ${event || '(none)'}` };
  }
}

function parseCopilot(p: Json): HookRequest {
  const tool = str(p.toolName) ?? '';
  const cwd = str(p.cwd);
  const base = { caller: 'copilot' as const, dialect: 'copilot' as const, event: 'preToolUse', cwd, session: undefined };
  const args = typeof p.toolArgs === 'string' ? jsonish(p.toolArgs) : p.toolArgs;
  const input = objectOf(args);
  if (input === undefined) return { ...base, intents: [], problem: `the arguments of ${tool} (toolArgs) are not a JSON object` };
  return { ...base, ...toolIntents(tool, input, cwd) };
}

/**
 * Maps a tool call of any of the three agents to what it does. Claude names (Bash, Write, Edit,
 * MultiEdit, Read, mcp__server__tool), Cursor's (Shell, Write, Delete, Read, MCP:tool), VS Code's
 * (run_in_terminal, create_file, replace_string_in_file...) and Copilot CLI's (bash, create, edit, view).
 */
export function toolIntents(tool: string, input: Json, cwd: string | undefined): { intents: HookIntent[]; problem?: string } {
  const at = cwd ? { cwd } : {};
  const name = tool.toLowerCase();
  const path = str(input.file_path) ?? str(input.filePath) ?? str(input.path) ?? str(input.notebook_path) ?? str(input.target_file);
  const command = str(input.command) ?? str(input.cmd);
  const missing = (what: string): { intents: HookIntent[]; problem: string } => ({ intents: [], problem: `the ${tool} call has no ${what}` });

  const mcp = /^mcp__(.+?)__(.+)$/.exec(tool) ?? /^MCP:(.+)$/.exec(tool);
  if (mcp) return { intents: [{ kind: 'mcp', server: mcp.length === 3 ? (mcp[1] ?? '') : '', tool: mcp[mcp.length - 1] ?? tool, args: input, ...at }] };

  // Anthropic's and Copilot CLI's editor tool: one name, the operation in `command`.
  if ((name === 'str_replace_editor' || name === 'str_replace_based_edit_tool') && typeof input.command === 'string') {
    if (path === undefined) return missing('file path');
    switch (input.command) {
      case 'view':
        return { intents: [{ kind: 'fileRead', file: path, tool, ...at }] };
      case 'create':
        return { intents: [{ kind: 'fileWrite', path, newContent: str(input.file_text) ?? '', tool, ...at }] };
      case 'str_replace':
        return { intents: [{ kind: 'edit', path, edits: [{ oldText: str(input.old_str) ?? '', newText: str(input.new_str) ?? '', replaceAll: false }], tool, ...at }] };
      case 'insert':
        return { intents: [{ kind: 'edit', path, edits: [{ oldText: '', newText: str(input.new_str) ?? '', replaceAll: false }], tool, ...at }] };
      default:
        return { intents: [{ kind: 'tool', tool, input, ...at }] };
    }
  }
  if (['bash', 'shell', 'run_in_terminal', 'runterminalcommand', 'runinterminal', 'run_command', 'powershell'].includes(name)) {
    if (command === undefined) return missing('command');
    const workdir = str(input.working_directory) ?? str(input.cwd) ?? cwd;
    return { intents: [{ kind: 'shell', command, ...(workdir ? { cwd: workdir } : {}) }] };
  }
  if (['read', 'read_file', 'readfile', 'view', 'notebookread'].includes(name)) {
    return path === undefined ? missing('file path') : { intents: [{ kind: 'fileRead', file: path, tool, ...at }] };
  }
  if (['delete', 'delete_file', 'deletefile', 'remove_file'].includes(name)) {
    return path === undefined ? missing('file path') : { intents: [{ kind: 'fileDelete', path, tool, ...at }] };
  }
  if (['write', 'create_file', 'createfile', 'create', 'notebookedit', 'insert_edit_into_file', 'edit_notebook_file'].includes(name)) {
    if (path === undefined) return missing('file path');
    const content = str(input.content) ?? str(input.file_text) ?? str(input.new_source) ?? str(input.code) ?? str(input.newCode);
    if (content === undefined) {
      // Cursor's Write may carry its change as edits rather than the whole file.
      if (Array.isArray(input.edits)) {
        const edits = toolIntents('MultiEdit', input, cwd);
        return { ...edits, intents: edits.intents.map((intent) => ({ ...intent, tool })) };
      }
      return { intents: [{ kind: 'tool', tool, input, ...at }] };
    }
    // A notebook cell or an "insert edit" replaces part of a file: judged as an edit that removes nothing.
    if (['notebookedit', 'insert_edit_into_file', 'edit_notebook_file'].includes(name)) return { intents: [{ kind: 'edit', path, edits: [{ oldText: '', newText: content, replaceAll: false }], tool, ...at }] };
    return { intents: [{ kind: 'fileWrite', path, newContent: content, tool, ...at }] };
  }
  if (['edit', 'str_replace', 'replace_string_in_file', 'str_replace_editor', 'str_replace_based_edit_tool'].includes(name)) {
    if (path === undefined) return missing('file path');
    const oldText = str(input.old_string) ?? str(input.oldString) ?? str(input.old_str) ?? '';
    const newText = str(input.new_string) ?? str(input.newString) ?? str(input.new_str) ?? '';
    return { intents: [{ kind: 'edit', path, edits: [{ oldText, newText, replaceAll: input.replace_all === true }], tool, ...at }] };
  }
  if (name === 'multiedit' || name === 'multi_replace_string_in_file') {
    const list = Array.isArray(input.edits) ? input.edits : Array.isArray(input.replacements) ? input.replacements : undefined;
    if (list === undefined) return missing('edits');
    const byPath = new Map<string, EditIntent['edits'][number][]>();
    for (const raw of list) {
      const edit = objectOf(raw) ?? {};
      const file = str(edit.filePath) ?? str(edit.file_path) ?? path;
      if (file === undefined) return missing('file path');
      const edits = byPath.get(file) ?? [];
      edits.push({ oldText: str(edit.old_string) ?? str(edit.oldString) ?? '', newText: str(edit.new_string) ?? str(edit.newString) ?? '', replaceAll: edit.replace_all === true });
      byPath.set(file, edits);
    }
    return { intents: [...byPath].map(([file, edits]) => ({ kind: 'edit' as const, path: file, edits, tool, ...at })) };
  }
  if (LOOK_ONLY.has(name)) return { intents: [] };
  // VS Code names MCP tools `mcp_<server>_<tool>`; unknown tools are judged by what their input holds.
  const vscodeMcp = /^mcp_([a-z0-9-]+)_(.+)$/i.exec(tool);
  if (vscodeMcp) return { intents: [{ kind: 'mcp', server: vscodeMcp[1] ?? '', tool: vscodeMcp[2] ?? tool, args: input, ...at }] };
  return { intents: [{ kind: 'tool', tool, input, ...at }] };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function objectOf(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** Cursor sends MCP input as a JSON string in some versions and as an object in others. */
function jsonish(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
