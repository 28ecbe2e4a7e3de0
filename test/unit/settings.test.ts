import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide } from '../../src/core/policy/decide';
import { parsePolicyFile } from '../../src/core/policy/policyFile';
import { mergeTighten, resolveSettings, toDecisionPolicy } from '../../src/core/settings/mergeTighten';
import { parseSettings } from '../../src/core/settings/parseSettings';
import { DEFAULT_SETTINGS, flattenSettings } from '../../src/core/settings/settings';
import type { Assessment } from '../../src/core/assessment';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    configuration: { properties: Record<string, Record<string, unknown>> };
    jsonValidation: Array<{ fileMatch: string; url: string }>;
  };
};
const properties = pkg.contributes.configuration.properties;

void test('package.json declares exactly the typed settings, with the same defaults', () => {
  const flat = flattenSettings(DEFAULT_SETTINGS);
  assert.deepEqual(Object.keys(properties).sort(), Object.keys(flat).sort());
  for (const [key, value] of Object.entries(flat)) assert.deepEqual(properties[key]?.default, value, key);
});

void test('every setting has an explicit scope and a description', () => {
  const scopes = ['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'];
  for (const [key, spec] of Object.entries(properties)) {
    assert.ok(scopes.includes(spec.scope as string), `${key} has no valid scope`);
    const text = (spec.markdownDescription ?? spec.description) as string | undefined;
    assert.ok(text && text.length > 20, `${key} has no description`);
  }
});

void test('package.json limits match what the parser accepts', () => {
  const threshold = properties['airlock.approval.threshold'];
  const timeout = properties['airlock.approval.timeoutSeconds'];
  assert.equal(parseSettings({ approval: { threshold: threshold?.maximum } }).problems.length, 0);
  assert.equal(parseSettings({ approval: { threshold: (threshold?.maximum as number) + 1 } }).problems.length, 1);
  assert.equal(parseSettings({ approval: { timeoutSeconds: timeout?.minimum } }).problems.length, 0);
  assert.equal(parseSettings({ approval: { timeoutSeconds: (timeout?.minimum as number) - 1 } }).problems.length, 1);
});

void test('the policy schema is contributed and its file exists', () => {
  const validation = pkg.contributes.jsonValidation.find((v) => v.fileMatch.endsWith('.airlock/policy.json'));
  assert.ok(validation);
  const schema = JSON.parse(readFileSync(join(ROOT, validation.url), 'utf8')) as { properties: Record<string, unknown> };
  for (const key of ['approval', 'protectedPaths', 'productionMarkers', 'rules', 'guards', 'agents']) assert.ok(schema.properties[key], key);
});

void test('parseSettings never throws and falls back per value, listing each problem', () => {
  for (const raw of [undefined, null, 42, 'x', [], { approval: 'high' }, { rules: [1, 2] }]) {
    const { value } = parseSettings(raw);
    assert.deepEqual(value.approval, DEFAULT_SETTINGS.approval);
  }
  const { value, problems } = parseSettings({
    'airlock.enabled': 'yes',
    'approval.threshold': 30,
    approval: { timeoutSeconds: -5 },
    protectedPaths: ['db/**', 7, ''],
    rules: { deny: ['terraform destroy*', { command: '' }, {}], allow: [{ id: 'ok.clean', command: 'rm -rf dist' }] },
    guards: { shellGuard: false, teleport: true },
    agents: { cursor: 'off' },
  });
  assert.equal(value.enabled, true);
  assert.equal(value.approval.threshold, 30);
  assert.equal(value.approval.timeoutSeconds, DEFAULT_SETTINGS.approval.timeoutSeconds);
  assert.deepEqual(value.protectedPaths, ['db/**']);
  assert.deepEqual(value.rules.deny.map((r) => r.command), ['terraform destroy*']);
  assert.equal(value.rules.allow[0]?.id, 'ok.clean');
  assert.equal(value.guards.shellGuard, false);
  assert.equal(value.agents.cursor, true);
  assert.equal(problems.length, 7, problems.join('\n'));
});

const hostile = {
  enabled: false,
  approval: { threshold: 100, timeoutSeconds: 3600, typedConfirmation: false },
  protectedPaths: [],
  rules: { allow: ['*', { rule: '*' }, { path: '**' }], ask: [], deny: [] },
  guards: { agentHooks: false, shellGuard: false, pathShims: false, files: false, observers: false },
  agents: { claude: false, cursor: false, copilot: false, gemini: false, codex: false, windsurf: false },
};

void test('a hostile workspace cannot loosen anything', () => {
  const { settings, ignored } = resolveSettings({}, [
    { label: 'workspace settings', raw: hostile },
    { label: '.airlock/policy.json', raw: parsePolicyFile(JSON.stringify({ ...hostile, rules: [{ decision: 'allow', command: '*' }] })).value },
  ]);
  assert.deepEqual(settings, DEFAULT_SETTINGS);
  assert.ok(ignored.length >= 15, ignored.join('\n'));
  assert.ok(ignored.some((line) => line.includes('airlock.enabled')));
  assert.ok(ignored.some((line) => line.includes('rules.allow')));

  const rm: Assessment = {
    score: 90,
    level: 'critical',
    reasons: [{ rule: 'fs.rm-home', score: 90, message: 'deletes the home folder' }],
    impact: { summary: '', paths: [], files: 0, bytes: 0, untracked: 0, modified: 0 },
  };
  assert.equal(decide(rm, toDecisionPolicy(settings), { action: { kind: 'shell', command: 'rm -rf ~' } }).decision, 'ask');
});

void test('a workspace can tighten: lower threshold, more paths and rules, switches turned on', () => {
  const user = parseSettings({ approval: { threshold: 60 }, guards: { pathShims: false }, rules: { allow: ['npm run clean'] } }).value;
  const policy = parsePolicyFile(
    JSON.stringify({
      approval: { threshold: 30, timeoutSeconds: 30 },
      protectedPaths: ['db/**'],
      productionMarkers: ['eu-live'],
      rules: [{ id: 'team.no-clean', decision: 'ask', command: 'npm run clean' }],
      guards: { pathShims: true },
    }),
  ).value;
  const { settings, ignored } = mergeTighten(user, policy, '.airlock/policy.json');
  assert.deepEqual(ignored, []);
  assert.equal(settings.approval.threshold, 30);
  assert.equal(settings.approval.timeoutSeconds, 30);
  assert.ok(settings.protectedPaths.includes('db/**') && settings.protectedPaths.includes('**/.env'));
  assert.ok(settings.productionMarkers.includes('eu-live') && settings.productionMarkers.includes('prod'));
  assert.equal(settings.guards.pathShims, true);
  assert.equal(settings.rules.ask[0]?.origin, 'workspace');

  // The team's ask rule wins over the user's allow rule for the same command.
  const low: Assessment = { score: 35, level: 'low', reasons: [{ rule: 'x', score: 35, message: 'x' }], impact: { summary: '', paths: [], files: 0, bytes: 0, untracked: 0, modified: 0 } };
  const outcome = decide(low, toDecisionPolicy(settings), { action: { kind: 'shell', command: 'npm run clean' } });
  assert.deepEqual([outcome.decision, outcome.decidedBy], ['ask', 'team.no-clean']);
});
