import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Assessment } from '../../src/core/assessment';
import { confirmationFor } from '../../src/core/policy/decide';

const critical = (impact: Partial<Assessment['impact']>): Assessment => ({
  score: 95,
  level: 'critical',
  reasons: [{ rule: 'x', score: 95, message: 'x' }],
  impact: { summary: '', paths: [], files: 0, bytes: 0, untracked: 0, modified: 0, ...impact },
});

void test('the typed confirmation names the resource destroyed, before any path or program', () => {
  const withResource = critical({ resources: [{ kind: 'volume', name: '3d2c42fb', provider: 'Railway' }] });
  assert.equal(confirmationFor(withResource, { action: { kind: 'shell', command: 'curl -X POST https://x' } }), '3d2c42fb');
  const withPath = critical({ paths: [{ path: '/ws/data', exists: true, files: 1, bytes: 1, tracked: 0, untracked: 1, modified: 0, truncated: false }] });
  assert.equal(confirmationFor(withPath, { workspaceRoot: '/ws' }), 'data');
  assert.equal(confirmationFor(critical({}), { action: { kind: 'shell', command: 'sudo mkfs.ext4 /dev/sda1' } }).length > 0, true);
});
