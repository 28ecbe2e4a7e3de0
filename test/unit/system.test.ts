// The machine's services and access: stopping, disabling or masking services, shutting down,
// forgetting SSH host keys and dropping agent identities are asked about; starts, restarts, reloads
// and status checks pass.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

void describe('system pack', () => {
  const stops: [string, string][] = [
    ['systemctl stop nginx', 'system.systemctl.stop'],
    ['sudo systemctl disable --now postgresql', 'system.systemctl.disable'],
    ['systemctl mask docker.service', 'system.systemctl.mask'],
    ['systemctl kill haproxy', 'system.systemctl.kill'],
    ['systemctl isolate rescue.target', 'system.systemctl.isolate'],
    ['sudo systemctl reboot', 'system.systemctl.reboot'],
    ['service haproxy stop', 'system.service.stop'],
    ['/etc/init.d/nginx stop', 'system.service.stop'],
    ['launchctl unload ~/Library/LaunchAgents/com.example.agent.plist', 'system.launchctl.unload'],
    ['nginx -s stop', 'system.nginx.stop'],
    ['nginx -s quit', 'system.nginx.stop'],
    ['apachectl graceful-stop', 'system.apachectl.stop'],
    ['pg_ctl stop -D /var/lib/postgresql/data', 'system.pg_ctl.stop'],
    ['sudo shutdown -h now', 'system.shutdown'],
    ['ssh-keygen -R github.com', 'system.ssh.forget-host-key'],
    ['ssh-keygen -f ~/.ssh/known_hosts -R 192.168.1.1', 'system.ssh.forget-host-key'],
    ['ssh-add -D', 'system.ssh.agent-remove-all'],
    ['ssh-add -d', 'system.ssh.agent-remove'],
  ];
  for (const [command, rule] of stops) {
    void it(`asks: ${command}`, () => {
      assertStopped(fixture, command, { rule, level: 'high' });
    });
  }

  const passes = ['systemctl status nginx', 'systemctl restart nginx', 'systemctl start postgresql', 'systemctl enable --now docker', 'systemctl unmask docker', 'service nginx status', 'service nginx restart', 'nginx -s reload', 'nginx -t', 'launchctl list', 'shutdown -c', 'ssh-keygen -t ed25519 -f ~/.ssh/new_key', 'ssh-keygen -lf ~/.ssh/id_rsa.pub', 'ssh-add -l', 'ssh-add ~/.ssh/id_ed25519'];
  for (const command of passes) {
    void it(`allows: ${command}`, () => {
      assertAllowed(fixture, command);
    });
  }

  void it('names the service and raises the score on a production host', () => {
    const plain = assertStopped(fixture, 'ssh web-1 sudo systemctl stop nginx', { rule: 'system.systemctl.stop' });
    const production = assertStopped(fixture, 'ssh prod-web-1 sudo systemctl stop nginx', { rule: 'system.systemctl.stop' });
    assert.ok(production.score > plain.score);
    assert.deepEqual(production.impact.resources?.[0], { kind: 'service', name: 'nginx', environment: 'production' });
  });
});

void describe('dns pack', () => {
  void it('nsupdate changes live records; deleting them scores higher', () => {
    const deletes = assertStopped(fixture, "echo 'update delete www.example.com A' | nsupdate", { rule: 'dns.nsupdate.delete', level: 'high' });
    const adds = assertStopped(fixture, "nsupdate <<EOF\nupdate add www.example.com 300 A 192.0.2.1\nsend\nEOF", { rule: 'dns.nsupdate', level: 'high' });
    assert.ok(deletes.score > adds.score);
    assertStopped(fixture, 'nsupdate -l', { rule: 'dns.nsupdate' });
    assertAllowed(fixture, 'nsupdate -V');
  });
});

void describe("HAProxy's runtime socket", () => {
  const takesOut = [
    "echo 'disable server backend/web1' | socat stdio /var/run/haproxy.sock",
    "echo 'shutdown sessions server backend/web1' | nc -U /run/haproxy/admin.sock",
    "socat - UNIX-CONNECT:/run/haproxy.sock <<< 'set server be/web1 state maint'",
    "printf 'show info; del server be/web2\\n' | socat stdio unix-connect:/run/haproxy.sock",
  ];
  for (const command of takesOut) {
    void it(`asks: ${command}`, () => {
      assertStopped(fixture, command, { rule: 'system.haproxy.runtime', level: 'high' });
    });
  }

  const reads = ["echo 'show stat' | socat stdio /var/run/haproxy.sock", "echo 'show servers state' | socat stdio /var/run/haproxy.sock", "echo 'disable server x' | socat stdio TCP:example.com:80"];
  for (const command of reads) {
    void it(`allows: ${command}`, () => {
      assertAllowed(fixture, command, 'system.haproxy');
    });
  }

  void it('names the socket, and a production host raises the score', () => {
    const plain = assertStopped(fixture, "ssh lb-1 \"echo 'disable server be/web1' | socat stdio /run/haproxy.sock\"", { rule: 'system.haproxy.runtime' });
    const production = assertStopped(fixture, "ssh prod-lb-1 \"echo 'disable server be/web1' | socat stdio /run/haproxy.sock\"", { rule: 'system.haproxy.runtime' });
    assert.ok(production.score > plain.score);
    assert.equal(production.impact.resources?.[0]?.name, '/run/haproxy.sock');
  });
});
