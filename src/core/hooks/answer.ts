import type { HookDialect } from './payload';

/**
 * What the hook tells the agent. `none` leaves the agent's own rules in charge (an explicit allow in
 * Claude Code or VS Code would skip their own prompt, widening what the agent may do); `allow` is only
 * for an action a person approved in Airlock; `deny` stops it.
 */
export type HookVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'allow'; readonly reason: string }
  | { readonly kind: 'deny'; readonly reason: string };

export interface HookReply {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * The verdict in the agent's own format and exit codes (see agent_hooks.md):
 * - Claude Code and VS Code: `hookSpecificOutput` with `hookEventName`, which a deny must carry or it
 *   is ignored. A deny also exits 2 with the reason on stderr: every version blocks on exit 2 (older
 *   ones ignore JSON then, newer ones read it), and VS Code treats 2 as "stop and tell the model".
 * - Cursor: always JSON, since empty output counts as a failure under `failClosed`; a deny exits 2
 *   ("equivalent to permission deny"), with both the current and the v1.7 message field names.
 * - Copilot CLI: the flat `permissionDecision` object, exit 0 (its documented form).
 */
export function formatReply(dialect: HookDialect, event: string, verdict: HookVerdict): HookReply {
  switch (dialect) {
    case 'claude': {
      if (verdict.kind === 'none') return { stdout: '', stderr: '', exitCode: 0 };
      const output = { hookSpecificOutput: { hookEventName: event || 'PreToolUse', permissionDecision: verdict.kind, permissionDecisionReason: verdict.reason } };
      return verdict.kind === 'deny' ? { stdout: line(output), stderr: `${verdict.reason}\n`, exitCode: 2 } : { stdout: line(output), stderr: '', exitCode: 0 };
    }
    case 'cursor': {
      if (verdict.kind === 'none') return { stdout: line({ permission: 'allow' }), stderr: '', exitCode: 0 };
      if (verdict.kind === 'allow') return { stdout: line({ permission: 'allow', user_message: verdict.reason }), stderr: '', exitCode: 0 };
      const output = { permission: 'deny', user_message: verdict.reason, agent_message: verdict.reason, userMessage: verdict.reason, agentMessage: verdict.reason };
      return { stdout: line(output), stderr: `${verdict.reason}\n`, exitCode: 2 };
    }
    case 'copilot': {
      if (verdict.kind === 'none') return { stdout: '', stderr: '', exitCode: 0 };
      return { stdout: line({ permissionDecision: verdict.kind, permissionDecisionReason: verdict.reason }), stderr: verdict.kind === 'deny' ? `${verdict.reason}\n` : '', exitCode: 0 };
    }
  }
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
