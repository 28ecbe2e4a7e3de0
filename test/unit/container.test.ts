// Containers: losing volume data is critical, forced removal is asked about, ordinary work passes.
// Commands are only analyzed.
import { after, before, describe, it } from 'node:test';
import type { Level } from '../../src/core/assessment';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

void describe('container pack', () => {
  const stopped: readonly (readonly [string, string, Level?])[] = [
    ['docker volume rm pgdata', 'container.volume.rm', 'high'],
    ['docker volume prune -a -f', 'container.volume.prune', 'critical'],
    ['docker system prune -a --volumes', 'container.system.prune-volumes', 'critical'],
    ['docker system prune -af', 'container.system.prune', 'high'],
    ['docker compose down -v', 'container.compose.down-volumes', 'critical'],
    ['docker-compose -f docker-compose.yml down --volumes', 'container.compose.down-volumes', 'critical'],
    ['podman volume rm data', 'container.volume.rm', 'high'],
    ['docker rm -f web', 'container.rm', 'high'],
    ['docker rm -v web', 'container.rm.volumes', 'high'],
    ['docker rmi -f image', 'container.rmi.force', 'high'],
  ];
  for (const [command, rule, level] of stopped) {
    void it(`stops: ${command}`, () => {
      assertStopped(fixture, command, { rule, ...(level ? { level } : {}) });
    });
  }

  const allowed = ['docker compose down', 'docker compose up -d', 'docker volume ls', 'docker system prune', 'docker system prune -a', 'docker rm web', 'docker rmi image', 'docker ps -a', 'docker run --rm -v data:/data alpine ls /data'];
  for (const command of allowed) {
    void it(`allows: ${command}`, () => {
      assertAllowed(fixture, command);
    });
  }
});
