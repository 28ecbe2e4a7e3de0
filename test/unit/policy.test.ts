import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levelOf } from '../../src/core/assessment';
import type { Assessment, PathImpact } from '../../src/core/assessment';
import { decide, DEFAULT_DECISION_POLICY } from '../../src/core/policy/decide';
import type { DecisionPolicy } from '../../src/core/policy/decide';
import { parsePolicyFile } from '../../src/core/policy/policyFile';
import type { PolicyRule } from '../../src/core/policy/rules';

const ROOT = '/work/app';

function assessment(score: number, rules: readonly string[] = [], paths: readonly string[] = []): Assessment {
  const impacts: PathImpact[] = paths.map((path) => ({
    path,
    exists: true,
    files: 1,
    bytes: 10,
    tracked: 1,
    untracked: 0,
    modified: 0,
    truncated: false,
  }));
  return {
    score,
    level: levelOf(score),
    reasons: rules.map((rule) => ({ rule, score, message: rule })),
    impact: { summary: '', paths: impacts, files: impacts.length, bytes: 10 * impacts.length, untracked: 0, modified: 0 },
  };
}

const shell = (command: string) => ({ action: { kind: 'shell' as const, command }, workspaceRoot: ROOT });
const rule = (decision: PolicyRule['decision'], criteria: Omit<PolicyRule, 'decision' | 'origin' | 'id'>, id = `r.${decision}`): PolicyRule => ({
  id,
  decision,
  origin: 'user',
  ...criteria,
});
const withRules = (...rules: PolicyRule[]): DecisionPolicy => ({ ...DEFAULT_DECISION_POLICY, rules });

void test('the threshold splits allow from ask; the default is 50', () => {
  assert.equal(decide(assessment(49)).decision, 'allow');
  assert.equal(decide(assessment(50)).decision, 'ask');
  assert.equal(decide(assessment(50)).decidedBy, 'threshold');
  assert.equal(decide(assessment(30), { approvalThreshold: 30 }).decision, 'ask');
});

void test('critical asks carry a typed confirmation naming what is destroyed', () => {
  const outcome = decide(assessment(95, ['fs.rm-recursive'], [`${ROOT}/data`]), DEFAULT_DECISION_POLICY, shell('rm -rf data'));
  assert.equal(outcome.decision, 'ask');
  assert.equal(outcome.confirmation, 'data');
  const noPath = decide(assessment(90, ['http.graphql-destroy']), DEFAULT_DECISION_POLICY, shell('FOO=1 sudo /usr/bin/curl -X POST https://x'));
  assert.equal(noPath.confirmation, 'curl');
  assert.equal(decide(assessment(60)).confirmation, undefined);
  assert.equal(decide(assessment(95), { ...DEFAULT_DECISION_POLICY, typedConfirmation: false }).confirmation, undefined);
});

void test('without anyone to ask, ask fails closed to deny', () => {
  const outcome = decide(assessment(60), DEFAULT_DECISION_POLICY, { canAsk: false });
  assert.equal(outcome.decision, 'deny');
  assert.equal(outcome.failedClosed, true);
  assert.equal(decide(assessment(10), DEFAULT_DECISION_POLICY, { canAsk: false }).decision, 'allow');
});

void test('deny rules by command pattern match the whole line or any command in it', () => {
  const policy = withRules(rule('deny', { command: 'terraform destroy*' }, 'team.no-destroy'));
  const outcome = decide(assessment(10), policy, shell('cd infra && terraform destroy -auto-approve'));
  assert.deepEqual([outcome.decision, outcome.decidedBy], ['deny', 'team.no-destroy']);
  assert.equal(decide(assessment(10), policy, shell('terraform   plan')).decision, 'allow');
});

void test('rules by rule id, path glob, source and agent', () => {
  const byId = withRules(rule('deny', { rule: 'db.*' }));
  assert.equal(decide(assessment(55, ['db.drop-table']), byId, shell('psql -c "DROP TABLE x"')).decision, 'deny');
  assert.equal(decide(assessment(55, ['git.reset-hard']), byId, shell('git reset --hard')).decision, 'ask');

  const byPath = withRules(rule('deny', { path: 'migrations/**' }));
  assert.equal(decide(assessment(30, ['fs.rm'], [`${ROOT}/migrations/001.sql`]), byPath, shell('rm migrations/001.sql')).decision, 'deny');
  assert.equal(decide(assessment(30, ['fs.rm'], [`${ROOT}/src/a.ts`]), byPath, shell('rm src/a.ts')).decision, 'allow');

  const bySource = withRules(rule('ask', { source: 'agent-hook', agent: 'cursor' }));
  assert.equal(decide(assessment(5), bySource, { ...shell('ls'), source: 'agent-hook', agent: 'cursor' }).decision, 'ask');
  assert.equal(decide(assessment(5), bySource, { ...shell('ls'), source: 'agent-hook', agent: 'claude' }).decision, 'allow');
  assert.equal(decide(assessment(5), bySource, shell('ls')).decision, 'allow');
});

void test('deny beats ask beats allow, whatever the order they are written in', () => {
  const policy = withRules(
    rule('allow', { command: 'rm -rf build' }, 'a'),
    rule('ask', { command: 'rm *' }, 'b'),
    rule('deny', { path: 'build' }, 'c'),
  );
  assert.equal(decide(assessment(60, ['fs.rm'], [`${ROOT}/build`]), policy, shell('rm -rf build')).decidedBy, 'c');
  const noDeny = withRules(rule('allow', { command: 'rm -rf build' }, 'a'), rule('ask', { command: 'rm *' }, 'b'));
  assert.equal(decide(assessment(60, ['fs.rm'], [`${ROOT}/build`]), noDeny, shell('rm -rf build')).decidedBy, 'b');
});

void test('allow rules lift a threshold ask, but never a critical one or across shell operators', () => {
  const policy = withRules(rule('allow', { command: 'rm -rf node_modules*' }, 'ok.clean'));
  const clean = decide(assessment(60, ['fs.rm-recursive'], [`${ROOT}/node_modules`]), policy, shell('rm -rf node_modules'));
  assert.deepEqual([clean.decision, clean.decidedBy], ['allow', 'ok.clean']);
  for (const sneaky of ['rm -rf node_modules; rm -rf ~', 'rm -rf node_modules && curl x | sh', 'rm -rf node_modules $(echo ~)']) {
    assert.equal(decide(assessment(60, ['fs.rm-recursive']), policy, shell(sneaky)).decision, 'ask', sneaky);
  }
  assert.equal(decide(assessment(85, ['fs.rm-recursive']), policy, shell('rm -rf node_modules')).decision, 'ask');
});

void test('an allow rule by rule id or path must cover every reason and every path', () => {
  const byId = withRules(rule('allow', { rule: 'git.reset-hard' }));
  assert.equal(decide(assessment(60, ['git.reset-hard']), byId, shell('git reset --hard')).decision, 'allow');
  assert.equal(decide(assessment(60, ['git.reset-hard', 'fs.rm-recursive']), byId, shell('git reset --hard; rm -rf x')).decision, 'ask');
  const byPath = withRules(rule('allow', { path: 'tmp/**' }));
  assert.equal(decide(assessment(60, ['fs.rm'], [`${ROOT}/tmp/a`, `${ROOT}/tmp/b`]), byPath, shell('rm tmp/a tmp/b')).decision, 'allow');
  assert.equal(decide(assessment(60, ['fs.rm'], [`${ROOT}/tmp/a`, `${ROOT}/src`]), byPath, shell('rm tmp/a src')).decision, 'ask');
});

void test('protected paths ask whatever the score, and allow rules cannot lift that', () => {
  const policy: DecisionPolicy = { ...withRules(rule('allow', { command: 'rm .env' })), protectedPaths: ['**/.env', 'secrets/**'] };
  const env = decide(assessment(20, ['fs.rm'], [`${ROOT}/.env`]), policy, shell('rm .env'));
  assert.deepEqual([env.decision, env.decidedBy], ['ask', 'protected-path']);
  assert.equal(decide(assessment(20, ['fs.rm'], [`${ROOT}/config/secrets/x`]), policy, shell('rm x')).decision, 'allow');
  assert.equal(decide(assessment(20, ['fs.rm'], [`${ROOT}/secrets/x`]), policy, shell('rm secrets/x')).decision, 'ask');
});

void test('a disabled Airlock allows, and says so', () => {
  const outcome = decide(assessment(99), { approvalThreshold: 50, enabled: false });
  assert.deepEqual([outcome.decision, outcome.decidedBy], ['allow', 'airlock.enabled']);
});

void test('the policy file accepts one rule list with decisions, and reports what it cannot read', () => {
  const parsed = parsePolicyFile(
    JSON.stringify({
      $schema: './policy.schema.json',
      version: 1,
      approval: { threshold: 40 },
      protectedPaths: ['db/**'],
      rules: [
        { id: 'team.no-tf-destroy', decision: 'deny', command: 'terraform destroy*', reason: 'ask the platform team' },
        { decision: 'ask', rule: 'k8s.*' },
        { decision: 'maybe', command: 'x' },
        { decision: 'deny' },
      ],
    }),
  );
  assert.equal(parsed.value.approval?.threshold, 40);
  assert.deepEqual(parsed.value.protectedPaths, ['db/**']);
  assert.equal(parsed.value.rules?.deny?.[0]?.id, 'team.no-tf-destroy');
  assert.equal(parsed.value.rules?.deny?.[0]?.origin, 'workspace');
  assert.equal(parsed.value.rules?.ask?.[0]?.id, 'policy.rules[1]');
  assert.equal(parsed.value.rules?.deny?.length, 1);
  assert.equal(parsed.problems.length, 2, parsed.problems.join('\n'));

  const broken = parsePolicyFile('{ "approval": ');
  assert.deepEqual(broken.value, {});
  assert.match(broken.problems[0] ?? '', /not valid JSON/);
});
