// Temporary folders as the shell sees them: `$TMPDIR` only where it is set, `${TMPDIR:-/tmp}` and
// mktemp's new folders as temporary, and what the person deciding is told when a variable is unknown.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

void describe('$TMPDIR', () => {
  void it('set, names a temporary folder: deleting inside it is logged', () => {
    assertAllowed(fixture, 'rm -rf "$TMPDIR/foo"', undefined, { env: { TMPDIR: '/tmp' } });
    assertAllowed(fixture, 'rm -rf ${TMPDIR}/build', undefined, { env: { TMPDIR: '/var/folders/xy/T/' } });
  });

  void it('unset, is empty to the shell: `rm -rf "$TMPDIR/foo"` would delete /foo, so it asks and says so', () => {
    const assessment = assertStopped(fixture, 'rm -rf "$TMPDIR/foo"', { rule: 'fs.rm.unknown-target' });
    assert.match(assessment.reasons[0]?.message ?? '', /if it is empty or unset this deletes \/foo/);
  });

  void it('an assignment on the same command does not apply to its own words', () => {
    assertStopped(fixture, 'TMPDIR=/Users rm -rf $TMPDIR/test-dir', { rule: 'fs.rm.unknown-target' });
  });

  void it('with a default, the default is the likely folder and the rest of the path follows it', () => {
    assertAllowed(fixture, 'rm -rf ${TMPDIR:-/tmp}/build');
    assertAllowed(fixture, 'rm -rf "${TMPDIR:-/tmp}/a b"');
    // Only the folder is known when another unknown part follows: it may be all of /tmp.
    assertStopped(fixture, 'rm -rf ${X:-/tmp}/$Y', { atLeast: 'high' });
  });
});

void describe('mktemp', () => {
  void it('makes a new temporary folder: deleting it later on the line is logged, not asked', () => {
    assertAllowed(fixture, 'd=$(mktemp -d); cp -r src "$d"; rm -rf "$d"');
    assertAllowed(fixture, 'rm -rf "$(mktemp -d)/x"');
    assertAllowed(fixture, 'd=$(mktemp -d -t build.XXXX) && rm -rf "$d"');
    assertAllowed(fixture, 'f=$(mktemp --tmpdir=/var/tmp); rm -f "$f"');
  });

  void it('a relative template lands in the current folder: still a name known only at run time', () => {
    assertStopped(fixture, 'd=$(mktemp -d foo.XXXX); rm -rf $d', { rule: 'fs.rm.unknown-target' });
  });

  void it('a folder given with -p is judged where it is', () => {
    assertStopped(fixture, 'd=$(mktemp -d -p /etc); rm -rf "$d"', { rule: 'fs.rm.system' });
  });

  void it('other programs\' output stays unknown', () => {
    assertStopped(fixture, 'd=$(cat dir.txt); rm -rf "$d"', { rule: 'fs.rm.unknown-target' });
  });
});
