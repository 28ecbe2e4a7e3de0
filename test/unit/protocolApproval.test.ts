import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Action } from '../../src/core/action';
import { actionText, approvalItem, diffOf } from '../../src/extension/approval/approvalItems';
import type { PendingApproval } from '../../src/host/broker/approvalBroker';
import { isApprovalViewToHost, isHostToApprovalView } from '../../src/protocol/approvalMessages';

function pending(action: Action, extra: Partial<PendingApproval> = {}): PendingApproval {
  return {
    id: 'a1',
    request: { action, cwd: '/w', source: 'agent-hook', agent: 'cursor' },
    assessment: {
      score: 92, level: 'critical', reasons: [{ rule: 'fs.rm.root', score: 92, message: 'deletes everything' }],
      impact: { summary: 'all files', paths: [{ path: '/w/data', exists: true, files: 10, bytes: 2048, tracked: 4, untracked: 6, modified: 0, truncated: false }], files: 10, bytes: 2048, untracked: 6, modified: 0 },
    },
    policy: { decision: 'ask', decidedBy: 'threshold', confirmation: 'data', reason: 'score 92 (critical) reaches the approval threshold 50' },
    workspaceRoot: '/w',
    receivedAt: 1000,
    deadline: 121_000,
    ...extra,
  };
}

void describe('approval view messages', () => {
  void it('the page may send only ready and answer, with nothing extra', () => {
    assert.equal(isApprovalViewToHost({ type: 'ready' }), true);
    assert.equal(isApprovalViewToHost({ type: 'answer', id: 'a1', choice: 'allow-once', typed: 'data' }), true);
    assert.equal(isApprovalViewToHost({ type: 'answer', id: 'a1', choice: 'allow-all' }), false);
    assert.equal(isApprovalViewToHost({ type: 'answer', id: 'a1', choice: 'deny', approved: true }), false);
    assert.equal(isApprovalViewToHost({ type: 'approve', id: 'a1' }), false);
    assert.equal(isApprovalViewToHost({ type: 'answer', id: '', choice: 'deny' }), false);
    assert.equal(isApprovalViewToHost('ready'), false);
  });

  void it('what the host draws passes the page’s own check, and a malformed state does not', () => {
    const item = approvalItem(pending({ kind: 'shell', command: 'rm -rf data' }));
    assert.equal(isHostToApprovalView({ type: 'state', items: [item], now: 5 }), true);
    assert.equal(isHostToApprovalView({ type: 'state', items: [{ ...item, score: 'high' }], now: 5 }), false);
    assert.equal(isHostToApprovalView({ type: 'state', items: [{ ...item, script: 'alert(1)' }], now: 5 }), false);
  });

  void it('an item carries the action exactly, the claimed source, every reason, the impact and the name to type', () => {
    const item = approvalItem(pending({ kind: 'shell', command: '  rm -rf   data # "quoted" ' }));
    assert.equal(item.text, '  rm -rf   data # "quoted" ');
    assert.equal(item.source, 'agent-hook');
    assert.equal(item.agent, 'cursor');
    assert.deepEqual(item.reasons, [{ rule: 'fs.rm.root', score: 92, message: 'deletes everything' }]);
    assert.equal(item.impact.untracked, 6);
    assert.equal(item.impact.paths[0]?.bytes, 2048);
    assert.equal(item.confirmation, 'data');
    assert.equal(item.similar, undefined);
    assert.equal(item.deadline, 121_000);
  });

  void it('edits come with a unified diff; other actions are shown as written', () => {
    const write = { kind: 'fileWrite', path: 'src/app.ts', oldContent: 'a\nb\nc\n', newContent: 'a\nB\nc\n', tool: 'Edit' } as unknown as Action;
    const diff = diffOf(write, '/w') ?? '';
    assert.match(diff, /^--- a\/src\/app\.ts/m);
    assert.match(diff, /^-b$/m);
    assert.match(diff, /^\+B$/m);
    assert.equal(approvalItem(pending(write)).diff, diff);
    assert.equal(diffOf({ kind: 'shell', command: 'ls' }, '/w'), undefined);
    assert.equal(actionText(write), 'write src/app.ts (Edit)');
    assert.match(actionText({ kind: 'mcp', server: 'db', tool: 'query', args: { sql: 'DROP TABLE t' } } as unknown as Action), /^db\.query .*DROP TABLE t/s);
  });
});
