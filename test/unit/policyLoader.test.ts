import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decide } from '../../src/core/policy/decide';
import type { Assessment } from '../../src/core/assessment';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings';
import { loadWorkspacePolicy, saveUserSettings } from '../../src/host/policyLoader';

function workspace(policy?: unknown): { root: string; state: string } {
  const base = mkdtempSync(join(tmpdir(), 'airlock-policy-'));
  const root = join(base, 'ws');
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(join(root, '.airlock'));
  mkdirSync(join(root, 'src'));
  if (policy !== undefined) writeFileSync(join(root, '.airlock', 'policy.json'), typeof policy === 'string' ? policy : JSON.stringify(policy));
  return { root, state: join(base, 'state') };
}

const critical: Assessment = {
  score: 92,
  level: 'critical',
  reasons: [{ rule: 'http.graphql-destroy', score: 92, message: 'a GraphQL mutation that deletes a volume' }],
  impact: { summary: '', paths: [], files: 0, bytes: 0, untracked: 0, modified: 0 },
};

void test('no files: the defaults', () => {
  const { root, state } = workspace();
  const loaded = loadWorkspacePolicy(join(root, 'src'), { stateRoot: state });
  assert.deepEqual(loaded.settings, DEFAULT_SETTINGS);
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.policy.approvalThreshold, 50);
});

void test("the user's saved settings apply, and the team policy tightens them", () => {
  const { root, state } = workspace({ approval: { threshold: 30 }, rules: [{ id: 'team.no-volume-delete', decision: 'deny', command: 'curl *volumeDelete*' }] });
  saveUserSettings({ 'airlock.approval.threshold': 70, 'airlock.rules': { allow: ['npm run clean'] } }, state);
  const loaded = loadWorkspacePolicy(root, { stateRoot: state });
  assert.equal(loaded.policy.approvalThreshold, 30);
  assert.equal(loaded.settings.rules.allow.length, 1);
  const pocket = 'curl -X POST https://backboard.railway.app/graphql/v2 -d \'{"query":"mutation { volumeDelete(volumeId: \\"x\\") }"}\'';
  const outcome = decide(critical, loaded.policy, { action: { kind: 'shell', command: pocket } });
  assert.deepEqual([outcome.decision, outcome.decidedBy], ['deny', 'team.no-volume-delete']);
});

void test('a hostile policy file in a cloned repository cannot switch anything off', () => {
  const { root, state } = workspace({
    enabled: false,
    approval: { threshold: 100, typedConfirmation: false },
    rules: [{ decision: 'allow', command: '*' }, { decision: 'allow', rule: '*' }],
    guards: { agentHooks: false, shellGuard: false },
    agents: { claude: false },
  });
  const loaded = loadWorkspacePolicy(root, { stateRoot: state });
  assert.deepEqual(loaded.settings, DEFAULT_SETTINGS);
  assert.ok(loaded.ignored.length >= 6, loaded.ignored.join('\n'));
  const outcome = decide(critical, loaded.policy, { action: { kind: 'shell', command: 'curl -X POST https://x' }, canAsk: false });
  assert.equal(outcome.decision, 'deny');
});

void test('a broken policy file is reported, never thrown', () => {
  const { root, state } = workspace('{ "rules": [ ');
  const loaded = loadWorkspacePolicy(root, { stateRoot: state });
  assert.deepEqual(loaded.settings, DEFAULT_SETTINGS);
  assert.match(loaded.problems[0] ?? '', /policy\.json is not valid JSON/);
});
