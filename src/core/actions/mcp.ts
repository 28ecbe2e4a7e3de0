import type { Assessment } from '../assessment';
import type { McpAction, ToolAction } from '../action';
import type { AnalysisContext } from '../context/analysisContext';
import type { Finding } from '../rules/rule';
import type { ShellAssess } from './assess';
import { assessmentOf } from './assess';
import { fileDeleteFindings } from './fileDelete';
import { inputFindings } from './inputScan';

const DESTRUCTIVE_VERBS = new Set(['delete', 'drop', 'destroy', 'truncate', 'reset', 'purge', 'remove', 'wipe', 'erase', 'rm', 'del', 'terminate', 'prune', 'nuke', 'flush', 'obliterate', 'teardown', 'uninstall', 'revoke', 'overwrite']);
const PRODUCTION = /(^|[^a-z])(prod|production|live)([^a-z]|$)/i;

/** The words of a tool name: `deleteVolume`, `delete_volume`, `mcp__db__drop-table` → delete, volume... */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function destructiveVerb(name: string): string | undefined {
  return nameWords(name).find((word) => DESTRUCTIVE_VERBS.has(word));
}

/**
 * An MCP tool call, judged by its name (a tool whose name deletes, drops, destroys... asks) and by its
 * arguments (shell, SQL and GraphQL inside them). Reads stay allowed unless their input says otherwise.
 */
export function assessMcp(action: McpAction, context: AnalysisContext, shell: ShellAssess): Assessment {
  const label = action.server ? `${action.server}/${action.tool}` : action.tool;
  const findings: Finding[] = [];
  const verb = destructiveVerb(action.tool);
  if (verb) {
    const production = PRODUCTION.test(action.server) || PRODUCTION.test(safeJson(action.args));
    findings.push({
      rule: 'mcp.destructive-tool',
      score: production ? 85 : 60,
      message: `calls the MCP tool ${label}, which ${verb === 'rm' || verb === 'del' ? 'deletes' : `${verb}s`} something${production ? ' in what looks like production' : ''}`,
    });
  }
  findings.push(...inputFindings(action.args, context, action.cwd ?? context.cwd, shell, `the MCP tool ${label}`));
  return assessmentOf(findings);
}

/** A tool with no analyzer of its own: its name and whatever its input contains. */
export function assessTool(action: ToolAction, context: AnalysisContext, shell: ShellAssess): Assessment {
  const findings: Finding[] = [];
  const cwd = action.cwd ?? context.cwd;
  const verb = destructiveVerb(action.tool);
  if (verb) {
    const input = (action.input ?? {}) as Record<string, unknown>;
    const path = ['path', 'file_path', 'filePath', 'file', 'target'].map((key) => input[key]).find((value): value is string => typeof value === 'string');
    if (path !== undefined) findings.push(...fileDeleteFindings(path, cwd, context));
    else findings.push({ rule: 'tool.destructive', score: 50, message: `runs the tool ${action.tool}, whose name says it ${verb}s something Airlock cannot see` });
  }
  findings.push(...inputFindings(action.input, context, cwd, shell, `the tool ${action.tool}`));
  return assessmentOf(findings);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
