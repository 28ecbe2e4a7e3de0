// A `cd` that fails leaves the line where it was: after `;`, a newline or `||` the rest still runs
// there (`cd dist; rm -rf *` empties the workspace when dist is missing); after `&&` it does not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

void describe('a cd that may fail', () => {
  void it('after ;, a newline or ||, relative paths are judged where the line still is too, and the reason says so', () => {
    const semicolon = assertStopped(fixture, 'cd dist; rm -rf *', { rule: 'fs.rm.workspace-root', level: 'critical' });
    assert.match(semicolon.reasons[0]?.message ?? '', /where the line still is if the cd before it fails/);
    assertStopped(fixture, 'cd dist\nrm -rf *', { rule: 'fs.rm.workspace-root' });
    assertStopped(fixture, 'cd dist || rm -rf ./*', { rule: 'fs.rm.workspace-root' });
  });

  void it('so does a list that stops before its cd, or a branch that does not take it', () => {
    assertStopped(fixture, 'cd dist && ls; rm -rf *', { rule: 'fs.rm.workspace-root' });
    assertStopped(fixture, 'if [ -d dist ]; then cd dist; fi; rm -rf *', { rule: 'fs.rm.workspace-root' });
  });

  void it('after &&, the rest runs only where the cd went', () => {
    assertAllowed(fixture, 'cd dist && rm -rf *');
    assertAllowed(fixture, 'cd node_modules && rm -rf pkg');
  });

  void it('$PWD keeps the value it had before the cd as a possibility', () => {
    assertStopped(fixture, 'PWD=/; cd /does-not-exist; chmod -R 000 "$PWD"', { atLeast: 'high' });
  });

  void it('absolute paths and harmless lines are not affected', () => {
    assertAllowed(fixture, 'cd dist; rm -rf /tmp/airlock-cd-test');
    assertAllowed(fixture, 'cd src; ls -la');
    assertAllowed(fixture, 'cd src; cat app.ts');
  });
});
