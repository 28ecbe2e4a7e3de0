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
  // The file settings: each bound accepted, one past it refused, and fractions refused (bytes and counts are whole).
  for (const key of ['snapshots.maxFileBytes', 'snapshots.maxTotalBytes', 'snapshots.maxAgeDays', 'massLoss.fileCount', 'massLoss.windowSeconds', 'editReview.activeMinutes']) {
    const spec = properties[`airlock.${key}`];
    const min = spec?.minimum as number;
    const max = spec?.maximum as number;
    assert.equal(spec?.type, 'integer', key);
    assert.deepEqual(parseSettings({ [key]: min }).problems, [], key);
    assert.deepEqual(parseSettings({ [key]: max }).problems, [], key);
    assert.equal(parseSettings({ [key]: min - 1 }).problems.length, 1, key);
    assert.equal(parseSettings({ [key]: max + 1 }).problems.length, 1, key);
    assert.equal(parseSettings({ [key]: min + 0.5 }).problems.length, 1, key);
  }
});

void test('the file settings parse nested or dotted, and a bad one keeps its default alone', () => {
  const { value, problems } = parseSettings({
    'airlock.snapshots.maxFileBytes': 4096,
    snapshots: { maxAgeDays: 'forever' },
    massLoss: { fileCount: 5, windowSeconds: 60 },
    'editReview.activeMinutes': 15,
  });
  assert.deepEqual(value.snapshots, { ...DEFAULT_SETTINGS.snapshots, maxFileBytes: 4096 });
  assert.deepEqual(value.massLoss, { fileCount: 5, windowSeconds: 60 });
  assert.equal(value.editReview.activeMinutes, 15);
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0] ?? '', /snapshots\.maxAgeDays/);
});

void test('the default protected paths ask for changes to secrets, migrations, state, workflows and databases, never for reads', () => {
  const policy = toDecisionPolicy(DEFAULT_SETTINGS);
  const quiet: Assessment = { score: 0, level: 'none', reasons: [], impact: { summary: '', paths: [], files: 0, bytes: 0, untracked: 0, modified: 0 } };
  const root = '/work/project';
  const write = (path: string) =>
    decide(quiet, policy, { action: { kind: 'fileWrite', path: `${root}/${path}`, newContent: '' }, workspaceRoot: root }).decision;
  for (const path of [
    '.env',
    '.env.local',
    '.envrc',
    'config/server.key',
    'certs/site.p12',
    'deploy/id_ecdsa',
    '.aws/credentials',
    'db/migrations/001_init.sql',
    'prisma/migrations/20240101/migration.sql',
    'infra/terraform.tfstate',
    'infra/terraform.tfstate.backup',
    '.github/workflows/ci.yml',
    'data/app.sqlite3',
    'dev.sqlite',
    'var/cache.db',
    '.git/config',
    '.airlock/policy.json',
    '.claude/settings.local.json',
    '.cursor/hooks.json',
    '.github/hooks/airlock.json',
  ]) {
    assert.equal(write(path), 'ask', path);
  }
  for (const path of ['src/index.ts', 'README.md', 'docs/migrations.md', 'src/db.ts', 'environment.ts', '.github/ISSUE_TEMPLATE/bug.md']) {
    assert.equal(write(path), 'allow', path);
  }
  const read = decide(quiet, policy, { action: { kind: 'fileRead', file: `${root}/db/migrations/001_init.sql` }, workspaceRoot: root });
  assert.equal(read.decision, 'allow');
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
  snapshots: { maxFileBytes: 1024, maxTotalBytes: 1024 * 1024, maxAgeDays: 1 },
  massLoss: { fileCount: 100000, windowSeconds: 1 },
  editReview: { activeMinutes: 1 },
};

void test('a hostile workspace cannot loosen anything', () => {
  const { settings, ignored } = resolveSettings({}, [
    { label: 'workspace settings', raw: hostile },
    { label: '.airlock/policy.json', raw: parsePolicyFile(JSON.stringify({ ...hostile, rules: [{ decision: 'allow', command: '*' }] })).value },
  ]);
  assert.deepEqual(settings, DEFAULT_SETTINGS);
  assert.ok(ignored.length >= 21, ignored.join('\n'));
  assert.ok(ignored.some((line) => line.includes('airlock.snapshots.maxFileBytes') && line.includes('1024')));
  assert.ok(ignored.some((line) => line.includes('airlock.massLoss.fileCount')));
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
      snapshots: { maxFileBytes: 100 * 1024 * 1024, maxAgeDays: 90 },
      massLoss: { fileCount: 5, windowSeconds: 120 },
      editReview: { activeMinutes: 30 },
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
  assert.deepEqual(settings.snapshots, { maxFileBytes: 100 * 1024 * 1024, maxTotalBytes: user.snapshots.maxTotalBytes, maxAgeDays: 90 });
  assert.deepEqual(settings.massLoss, { fileCount: 5, windowSeconds: 120 });
  assert.equal(settings.editReview.activeMinutes, 30);

  // The team's ask rule wins over the user's allow rule for the same command.
  const low: Assessment = { score: 35, level: 'low', reasons: [{ rule: 'x', score: 35, message: 'x' }], impact: { summary: '', paths: [], files: 0, bytes: 0, untracked: 0, modified: 0 } };
  const outcome = decide(low, toDecisionPolicy(settings), { action: { kind: 'shell', command: 'npm run clean' } });
  assert.deepEqual([outcome.decision, outcome.decidedBy], ['ask', 'team.no-clean']);
});
