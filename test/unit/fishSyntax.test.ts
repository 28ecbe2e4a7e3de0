// fish's command prefixes and `end` blocks, rewritten as bash before the parser reads a line: the
// rewrite itself, bash lines that must pass through unchanged, and the engine's judgement of each.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { rewriteFishSyntax } from '../../src/core/shell/fishSyntax';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

void describe('fish syntax: the rewrite', () => {
  void it('drops the and/or prefixes and spells not as !', () => {
    assert.equal(rewriteFishSyntax('make; and make install'), 'make;  make install');
    assert.equal(rewriteFishSyntax('make; or echo failed'), 'make;  echo failed');
    assert.equal(rewriteFishSyntax('not test -e x'), '! test -e x');
  });

  void it('turns blocks closed by end into their bash forms', () => {
    assert.equal(rewriteFishSyntax('for d in a b; echo $d; end'), 'for d in a b; do echo $d; done');
    assert.equal(rewriteFishSyntax('while true; sleep 1; end'), 'while true; do sleep 1; done');
    assert.equal(rewriteFishSyntax('if test -e x; echo a; else if true; echo b; else; echo c; end'), 'if test -e x; then echo a; elif true; then echo b; else echo c; fi');
    assert.equal(rewriteFishSyntax('begin; echo a; end'), '{ echo a; }');
    assert.equal(rewriteFishSyntax('function f --description "say"; echo $argv "$argv[2]"; end'), 'f() { echo "$@" "${2}"; }');
  });

  void it('leaves bash lines with the words as arguments, or with bash blocks, as they are', () => {
    for (const line of [
      'echo and end or not',
      'git commit -m "and end"; echo ok',
      `grep -e ' end' notes.txt && echo found`,
      'for d in a b; do echo end; done; echo end',
      'if true; then echo and; fi',
      'function f { echo end; }; f',
      'cat <<EOF\nfor x in y\nend\nEOF',
      'end',
    ]) {
      assert.equal(rewriteFishSyntax(line), line);
    }
  });
});

void describe('fish syntax: what the engine judges', () => {
  void it('stops destructive commands behind fish prefixes and inside fish blocks', () => {
    assertStopped(fixture, 'true; and rm -rf ~', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'false; or rm -rf ~', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'for d in ~; rm -rf $d; end', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'while true; rm -rf ~; end', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'if test -d ~; rm -rf ~; end', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'begin; rm -rf ~; end', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'function wipe; rm -rf $argv; end; wipe ~', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'function run; $argv; end; run rm -rf ~', { rule: 'fs.rm.home', level: 'critical' });
  });

  void it('still allows harmless lines that contain and, or and end', () => {
    assertAllowed(fixture, 'echo and end or not');
    assertAllowed(fixture, 'for d in a b; echo $d; end');
    assertAllowed(fixture, 'make; and echo done');
    assertAllowed(fixture, 'for f in *.txt; do echo end; done');
  });
});
