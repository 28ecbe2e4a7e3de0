import { createTwoFilesPatch } from 'diff';
import type { Action } from '../../core/action';
import type { PendingApproval } from '../../host/broker/approvalBroker';
import type { ApprovalImpact, ApprovalItem } from '../../protocol/approvalMessages';

/** Diffs longer than this many lines arrive whole; the view collapses them after the first part. */
const MAX_DIFF_CHARS = 2 * 1024 * 1024;

/** Turns a waiting request into what the view draws. Pure, so it is tested without VS Code. */
export function approvalItem(pending: PendingApproval): ApprovalItem {
  const { request, assessment, policy } = pending;
  const impact = assessment.impact as typeof assessment.impact & { resources?: ApprovalImpact['resources'] };
  const diff = diffOf(request.action, request.cwd);
  return {
    id: pending.id,
    kind: request.action.kind,
    text: actionText(request.action),
    source: request.source,
    ...(request.agent !== undefined ? { agent: request.agent } : {}),
    cwd: request.cwd,
    score: assessment.score,
    level: assessment.level,
    reasons: assessment.reasons.map((r) => ({ rule: r.rule, score: r.score, message: r.message })),
    ...(policy.reason !== undefined ? { policyReason: policy.reason } : {}),
    impact: {
      summary: impact.summary,
      files: impact.files,
      bytes: impact.bytes,
      untracked: impact.untracked,
      modified: impact.modified,
      paths: impact.paths.map((p) => ({ path: p.path, exists: p.exists, files: p.files, bytes: p.bytes, untracked: p.untracked, modified: p.modified, truncated: p.truncated })),
      resources: (impact.resources ?? []).map((r) => ({ kind: r.kind, name: r.name, ...(r.provider ? { provider: r.provider } : {}), ...(r.environment ? { environment: r.environment } : {}) })),
    },
    ...(diff !== undefined ? { diff } : {}),
    ...(policy.confirmation !== undefined ? { confirmation: policy.confirmation } : {}),
    ...(pending.similar ? { similar: pending.similar.explanation } : {}),
    receivedAt: pending.receivedAt,
    deadline: pending.deadline,
  };
}

/**
 * The action exactly as written. Kinds beyond shell are read structurally, so this keeps working as
 * the `Action` union grows; anything unknown is shown as its JSON rather than hidden.
 */
export function actionText(action: Action): string {
  const a = action as unknown as Record<string, unknown>;
  if (typeof a.command === 'string') return a.command;
  if (a.kind === 'fileWrite' || a.kind === 'fileDelete') return `${a.kind === 'fileWrite' ? 'write' : 'delete'} ${String(a.path)}${a.tool ? ` (${String(a.tool)})` : ''}`;
  if (a.kind === 'fileRead') return `read ${String(a.file)}`;
  if (a.kind === 'mcp') return `${String(a.server)}.${String(a.tool)} ${JSON.stringify(a.args, null, 2)}`;
  return JSON.stringify(action, null, 2);
}

/** A unified diff for a file write, from what is there now to what the agent would write. */
export function diffOf(action: Action, cwd: string): string | undefined {
  const a = action as unknown as { kind: string; path?: unknown; oldContent?: unknown; newContent?: unknown; recorded?: { diff?: unknown; noDiff?: unknown } };
  if (a.kind !== 'fileWrite' || typeof a.newContent !== 'string') return undefined;
  // A ledger entry keeps the start of each side and the diff itself (src/core/ledger/fileContent.ts).
  if (a.recorded) return typeof a.recorded.diff === 'string' ? a.recorded.diff : `no diff recorded (${String(a.recorded.noDiff ?? 'unknown')})`;
  const path = typeof a.path === 'string' ? a.path : 'file';
  const before = typeof a.oldContent === 'string' ? a.oldContent : '';
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, before, a.newContent, cwd, '', { context: 3 });
  return patch.length > MAX_DIFF_CHARS ? `${patch.slice(0, MAX_DIFF_CHARS)}\n... diff cut at ${MAX_DIFF_CHARS} characters` : patch;
}
