// Publishing and accounts: unpublishing, yanking, and deleting repositories, releases, secrets, keys
// and users. Commands are only analyzed.
import { after, before, describe, it } from 'node:test';
import type { Level } from '../../src/core/assessment';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

void describe('publishing pack', () => {
  const stopped: readonly (readonly [string, string, Level?])[] = [
    ['npm unpublish my-pkg --force', 'publish.npm.unpublish', 'critical'],
    ['npm unpublish my-pkg@1.0.1', 'publish.npm.unpublish', 'high'],
    ['pnpm unpublish @scope/pkg@2.0.0', 'publish.pnpm.unpublish', 'high'],
    ['npm owner rm alice my-pkg', 'publish.npm.owner-rm', 'high'],
    ['cargo yank --version 1.0.0 mycrate', 'publish.cargo.yank', 'high'],
    ['gem yank mygem -v 1.0.0', 'publish.gem.yank', 'high'],
    ['gh repo delete owner/repo --yes', 'publish.gh.delete', 'critical'],
    ['gh release delete v1.0.0', 'publish.gh.delete', 'high'],
    ['gh secret delete API_KEY', 'publish.gh.delete', 'high'],
    ['gh ssh-key delete 12345', 'publish.gh.delete', 'high'],
    ['glab repo delete group/project', 'publish.glab.delete', 'critical'],
    ['aws iam delete-user --user-name bob', 'cloud.aws.delete', 'high'],
    // A new version is public at once and its number can never be reused: a person's call.
    ['npm publish --access public', 'publish.npm.publish', 'high'],
    ['cargo publish', 'publish.cargo.publish', 'high'],
    ['gem push mygem-1.0.0.gem', 'publish.gem.publish', 'high'],
    ['twine upload dist/*', 'publish.twine.publish', 'high'],
    ['poetry publish --build', 'publish.poetry.publish', 'high'],
    ['mvn deploy', 'publish.mvn.publish', 'high'],
    ['./mvnw release:perform', 'publish.mvnw.publish', 'high'],
    ['./gradlew publish', 'publish.gradlew.publish', 'high'],
  ];
  for (const [command, rule, level] of stopped) {
    void it(`stops: ${command}`, () => {
      assertStopped(fixture, command, { rule, ...(level ? { level } : {}) });
    });
  }

  const allowed = ['npm view my-pkg', 'cargo yank --undo --version 1.0.0 mycrate', 'gh repo view owner/repo', 'gh release list', 'gh secret list', 'gh workflow run deploy.yml --ref main', 'npm run build', 'mvn package', './gradlew publishToMavenLocal', 'poetry install'];
  for (const command of allowed) {
    void it(`allows: ${command}`, () => {
      assertAllowed(fixture, command, 'publish.');
    });
  }

  // Dry runs and test registries are logged, not asked about.
  for (const command of ['npm publish --dry-run', 'cargo publish --dry-run', 'cargo publish -n', 'twine upload -r testpypi dist/*']) {
    void it(`allows: ${command}`, () => {
      assertAllowed(fixture, command);
    });
  }
});
