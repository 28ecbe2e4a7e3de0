import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseSettings } from '../../src/core/settings/parseSettings';
import { settingsChangeAssessment } from '../../src/core/settings/settingsChangeAssessment';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings';
import { weakenings } from '../../src/core/settings/weakenings';

const settings = (raw: unknown) => parseSettings(raw).value;

void describe('settings changes that weaken protection', () => {
  void it('lists each weakening with what changed', () => {
    const changes = weakenings(
      DEFAULT_SETTINGS,
      settings({
        enabled: false,
        'approval.threshold': 80,
        'approval.typedConfirmation': false,
        protectedPaths: ['**/.env'],
        'guards.shellGuard': false,
        'agents.cursor': false,
        rules: { allow: [{ id: 'ok', command: 'rm -rf *' }] },
      }),
    );
    assert.ok(changes.includes('airlock.enabled: Airlock switched off'), changes.join('\n'));
    assert.ok(changes.includes('airlock.approval.threshold: raised from 50 to 80'), changes.join('\n'));
    assert.ok(changes.some((change) => change.startsWith('airlock.approval.typedConfirmation')));
    assert.ok(changes.some((change) => change.startsWith('airlock.protectedPaths: removed **/.env.*')), changes.join('\n'));
    assert.ok(changes.includes('airlock.guards.shellGuard: switched off'));
    assert.ok(changes.includes('airlock.agents.cursor: switched off'));
    assert.ok(changes.some((change) => change.startsWith('airlock.rules: new allow rule') && change.includes('rm -rf *')), changes.join('\n'));
  });

  void it('smaller snapshots, a less sensitive alarm and a shorter review are weakenings; the opposite is not', () => {
    const weaker = settings({
      snapshots: { maxFileBytes: 1024, maxTotalBytes: 2 * 1024 * 1024, maxAgeDays: 2 },
      massLoss: { fileCount: 500, windowSeconds: 5 },
      editReview: { activeMinutes: 1 },
    });
    const changes = weakenings(DEFAULT_SETTINGS, weaker);
    assert.ok(changes.includes(`airlock.snapshots.maxFileBytes: lowered from ${DEFAULT_SETTINGS.snapshots.maxFileBytes} to 1024`), changes.join('\n'));
    assert.ok(changes.some((change) => change.startsWith('airlock.snapshots.maxTotalBytes: lowered')));
    assert.ok(changes.some((change) => change.startsWith('airlock.snapshots.maxAgeDays: lowered')));
    assert.ok(changes.includes('airlock.massLoss.fileCount: raised from 20 to 500'), changes.join('\n'));
    assert.ok(changes.includes('airlock.massLoss.windowSeconds: lowered from 30 to 5'), changes.join('\n'));
    assert.ok(changes.includes('airlock.editReview.activeMinutes: lowered from 5 to 1'), changes.join('\n'));
    assert.deepEqual(weakenings(weaker, DEFAULT_SETTINGS), []);
  });

  void it('lists nothing for changes that tighten', () => {
    const tighter = settings({ 'approval.threshold': 30, protectedPaths: [...DEFAULT_SETTINGS.protectedPaths, 'secrets/**'], rules: { deny: [{ id: 'no-tf', command: 'terraform destroy*' }] } });
    assert.deepEqual(weakenings(DEFAULT_SETTINGS, tighter), []);
  });

  void it('an edited deny rule is a removed rule', () => {
    const before = settings({ rules: { deny: [{ id: 'd', command: 'terraform destroy*' }] } });
    const after = settings({ rules: { deny: [{ id: 'd', command: 'terraform destroy -target=x' }] } });
    assert.ok(weakenings(before, after).some((change) => change.startsWith('airlock.rules (deny): removed')));
  });

  void it('the assessment scores switching off above other weakenings', () => {
    const assessment = settingsChangeAssessment({ kind: 'settings', scope: 'user', changes: ['airlock.approval.threshold: raised from 50 to 80', 'airlock.guards.shellGuard: switched off'] });
    assert.equal(assessment.reasons[0]?.rule, 'settings.switched-off');
    assert.equal(assessment.level, 'critical');
    assert.equal(settingsChangeAssessment({ kind: 'settings', scope: 'user', changes: [] }).score, 0);
  });
});
