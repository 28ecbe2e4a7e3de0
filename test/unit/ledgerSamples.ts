import type { LedgerRecord } from '../../src/core/ledger/entry';

/** A realistic ledger record for tests: a denied destructive shell command from Claude Code. */
export function sampleRecord(command: string, overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    time: '2026-04-25T10:00:00.000Z',
    source: 'agent-hook',
    agent: 'claude',
    action: { kind: 'shell', command, cwd: '/work/app' },
    assessment: {
      score: 90,
      level: 'critical',
      reasons: [{ rule: 'fs.rm-recursive', score: 90, message: 'deletes a folder and everything in it' }],
      impact: { summary: '3 files, 1 untracked', paths: [], files: 3, bytes: 120, untracked: 1, modified: 0 },
    },
    policy: { decision: 'ask', decidedBy: 'threshold', confirmation: 'data' },
    outcome: 'denied',
    decider: { by: 'person', how: 'deny' },
    waitMs: 1234,
    ...overrides,
  };
}
