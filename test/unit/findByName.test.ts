// `find -name` deletes measured by what the names select on disk: nothing, committed files, generated
// files, or work git cannot restore. The fixture repository has committed *.ts files (one modified),
// untracked *.txt files, an ignored debug.log, .env and node_modules/, and git's own files in .git.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nameMatcher } from '../../src/core/context/nameMatch';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, hasRule, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

void describe('find -name ... -delete, counted', () => {
  void it('asks when the names select work git cannot restore, and says how much', () => {
    const ts = assertStopped(fixture, "find . -name '*.ts' -delete", { rule: 'fs.find-delete.matching-unrecoverable' });
    assert.match(ts.reasons[0]?.message ?? '', /deletes 4 files named \*\.ts under \. .*1 file git cannot restore \(1 with uncommitted changes\)/);
    const txt = assertStopped(fixture, "find . -name '*.txt' -exec rm {} \\;", { rule: 'fs.rm.matching-unrecoverable' });
    assert.match(txt.reasons[0]?.message ?? '', /2 untracked/);
  });

  void it('logs a cleanup whose names select nothing, committed files only, or generated files', () => {
    assertAllowed(fixture, "find . -name '*.pyc' -delete");
    assert.ok(hasRule(fixture.assess("find . -name '*.pyc' -delete"), 'fs.find-delete.matching-none'));
    assert.ok(hasRule(assertAllowed(fixture, "find src -name 'app.ts' -delete"), 'fs.find-delete.matching-tracked'));
    assert.ok(hasRule(assertAllowed(fixture, "find . -name '*.log' -delete"), 'fs.find-delete.matching-generated'));
    // A matching folder goes whole with rm -r: node_modules is a build output git ignores.
    assert.ok(hasRule(assertAllowed(fixture, 'find . -name node_modules -type d -exec rm -rf {} +'), 'fs.rm.matching-generated'));
  });

  void it('asks about secrets and about git\'s own files, which the names reach too', () => {
    assertStopped(fixture, "find . -name '.env*' -delete", { rule: 'fs.find-delete.matching-secrets' });
    assertStopped(fixture, 'find . -name index -delete', { rule: 'fs.find-delete.matching-unrecoverable' });
  });

  void it('with -o, every name counts (an upper bound: here only .env is deleted, and it is a secret)', () => {
    assertStopped(fixture, "find . -name '*.json' -o -name '.env' -delete", { rule: 'fs.find-delete.matching-secrets' });
  });

  void it('stays an upper bound when names do not bound the selection', () => {
    for (const command of ["find . ! -name '*.ts' -delete", "find . -name '*.ts' -o -mtime +3 -delete", 'find . -name "$PATTERN" -delete']) {
      const assessment = fixture.assess(command);
      assert.ok(!assessment.reasons.some((reason) => reason.rule.includes('matching')), `${command}: ${assessment.reasons.map((r) => r.rule).join(', ')}`);
    }
  });
});

void describe('find name patterns', () => {
  void it('follow find: * covers leading dots, [..] and ? work, -iname ignores case, no braces', () => {
    const exact = nameMatcher({ patterns: ['*.pyc'], caseInsensitive: false, subtrees: false });
    assert.ok(exact('.hidden.pyc'));
    assert.ok(!exact('a.PYC'));
    assert.ok(nameMatcher({ patterns: ['*.pyc'], caseInsensitive: true, subtrees: false })('a.PYC'));
    assert.ok(nameMatcher({ patterns: ['file?.[ch]'], caseInsensitive: false, subtrees: false })('file1.c'));
    assert.ok(!nameMatcher({ patterns: ['*.{js,ts}'], caseInsensitive: false, subtrees: false })('a.js'));
  });
});
