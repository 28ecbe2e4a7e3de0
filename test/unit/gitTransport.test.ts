// Git told to run another program when it reaches a remote: asked about unless it is an ssh client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

const TRANSPORT = { rule: 'dynamic.git-transport' } as const;

void describe('git transport programs', () => {
  void it('a workspace program in place of ssh is asked about when git reaches a remote', () => {
    const assessment = assertStopped(fixture, 'GIT_SSH_COMMAND=./helper git fetch origin', TRANSPORT);
    assert.match(assessment.reasons[0]?.message ?? '', /git fetch runs \.\/helper \(set by GIT_SSH_COMMAND\)/);
    assertStopped(fixture, 'GIT_SSH=./malicious git push origin main', TRANSPORT);
    assertStopped(fixture, 'git -c core.sshCommand=./helper pull', TRANSPORT);
    assertStopped(fixture, 'git -ccore.sshCommand=./helper push origin main', TRANSPORT);
    assertStopped(fixture, 'export GIT_SSH_COMMAND=./helper; git ls-remote origin', TRANSPORT);
    assertStopped(fixture, 'GIT_SSH_COMMAND=./helper git remote -v update', TRANSPORT);
    assertStopped(fixture, 'GIT_SSH_COMMAND=./helper git archive --remote=ssh://host/repo HEAD', TRANSPORT);
    assertStopped(fixture, 'GIT_PROXY_COMMAND=./tunnel git clone git://host/repo', TRANSPORT);
  });

  void it('an ext:: URL runs its command', () => {
    assertStopped(fixture, "git clone 'ext::sh -c touch% /tmp/pwned' x", { rule: 'dynamic.git-transport.ext' });
  });

  void it('ssh with options, and git commands that stay local, pass', () => {
    assertAllowed(fixture, 'GIT_SSH_COMMAND="ssh -i ~/.ssh/deploy_key -o IdentitiesOnly=yes" git fetch', 'dynamic.git-transport');
    assertAllowed(fixture, 'GIT_SSH=/usr/bin/ssh git push origin feature', 'dynamic.git-transport');
    assertAllowed(fixture, 'GIT_SSH_COMMAND=./helper git status', 'dynamic.git-transport');
    assertAllowed(fixture, 'GIT_SSH_COMMAND=./helper git remote -v', 'dynamic.git-transport');
    assertAllowed(fixture, 'GIT_SSH_COMMAND=./helper git archive HEAD', 'dynamic.git-transport');
  });

  void it('a file named ssh in the workspace is not an ssh client', () => {
    assertStopped(fixture, 'GIT_SSH_COMMAND=./ssh git fetch', TRANSPORT);
  });
});
