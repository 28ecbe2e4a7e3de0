// The observer's memory of each terminal's PATH shims: a change is reported once, when first seen and
// when undone, never once per line; shims that never led PATH in a terminal are not tampering.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PATH_SHIMS_BYPASSED_RULE, PathShimWatch, pathShimsAssessment } from '../../src/host/shellGuard/pathShimWatch';

void describe('PATH shim watch', () => {
  void it('reports bypassed once when a terminal\'s lines go from on to off, and restored once when back on', () => {
    const watch = new PathShimWatch<string>();
    const said = (['on', 'on', 'off', 'off', undefined, 'off', 'on', 'on', 'off'] as const).map((state) => watch.update('t1', state));
    assert.deepEqual(said, [undefined, undefined, 'bypassed', undefined, undefined, undefined, 'restored', undefined, 'bypassed']);
    assert.equal(watch.isBypassed('t1'), true);
  });

  void it('keeps terminals apart, and forgets one that closed', () => {
    const watch = new PathShimWatch<string>();
    watch.update('a', 'on');
    watch.update('b', 'on');
    assert.equal(watch.update('a', 'off'), 'bypassed');
    assert.equal(watch.isBypassed('b'), false);
    assert.equal(watch.update('b', 'on'), undefined);
    watch.forget('a');
    assert.equal(watch.isBypassed('a'), false);
    assert.equal(watch.update('a', 'off'), undefined, 'a new life starts unknown');
  });

  void it('does not call shims that were off from a terminal\'s first line tampering, nor their coming on', () => {
    const watch = new PathShimWatch<string>();
    assert.equal(watch.update('t', 'off'), undefined);
    assert.equal(watch.update('t', 'off'), undefined);
    assert.equal(watch.update('t', 'on'), undefined, 'nothing was reported, so nothing is restored');
    assert.equal(watch.update('t', 'off'), 'bypassed', 'from then on, an edit counts');
  });

  void it('assesses a bypass as critical tampering and a restore as nothing, naming the terminal', () => {
    const bypassed = pathShimsAssessment('bypassed', 'terminal "bash"');
    assert.deepEqual([bypassed.level, bypassed.score, bypassed.reasons.map((r) => r.rule)], ['critical', 80, [PATH_SHIMS_BYPASSED_RULE]]);
    assert.match(bypassed.reasons[0]?.message ?? '', /PATH in terminal "bash" no longer leads to Airlock's PATH shims/);
    const restored = pathShimsAssessment('restored', 'terminal "bash"');
    assert.deepEqual([restored.level, restored.score, restored.reasons.length], ['none', 0, 0]);
    assert.match(restored.impact.summary, /terminal "bash" leads to Airlock's PATH shims again/);
  });
});
