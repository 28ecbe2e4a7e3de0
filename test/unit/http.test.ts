// The HTTP pack: REST deletes, deleting paths and destroying GraphQL mutations through curl, wget,
// HTTPie, xh, `gh api` and interpreter one-liners; reads stay allowed. Commands are only analyzed.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { graphqlDocuments, readGraphql } from '../../src/core/rules/httpGraphql';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

const POCKETOS = 'curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $RAILWAY_TOKEN" -d \'{"query":"mutation { volumeDelete(volumeId: \\"3d2c42fb\\") }"}\'';

void describe('http: the PocketOS command', () => {
  void it('is critical, with a reason and an impact naming the Railway volume', () => {
    const assessment = assertStopped(fixture, POCKETOS, { rule: 'http.graphql.mutation', level: 'critical' });
    const reason = assessment.reasons[0]?.message ?? '';
    assert.match(reason, /deletes Railway volume 3d2c42fb through the Railway GraphQL API with a bearer token/);
    assert.match(reason, /volumes hold databases and their backups/);
    assert.deepEqual(assessment.impact.resources?.[0], { kind: 'volume', name: '3d2c42fb', provider: 'Railway' });
  });

  void it('names production when the token variable says so', () => {
    const assessment = assertStopped(fixture, POCKETOS.replace('$RAILWAY_TOKEN', '$RAILWAY_PROD_TOKEN'), { level: 'critical' });
    assert.equal(assessment.impact.resources?.[0]?.environment, 'production');
  });

  const spellings = [
    // --data-raw, --json, raw GraphQL body, reordered options, -H after the URL.
    POCKETOS.replace(' -d ', ' --data-raw '),
    'curl https://backboard.railway.app/graphql/v2 --json \'{"query":"mutation { volumeDelete(volumeId: \\"3d2c42fb\\") }"}\' -H "Authorization: Bearer $T"',
    'curl -H "Authorization: Bearer $T" --data-binary \'mutation { volumeDelete(volumeId: "3d2c42fb") }\' https://backboard.railway.app/graphql/v2',
    'curl -sS -XPOST https://backboard.railway.app/graphql/v2 -H "Content-Type: application/json" -H "Authorization: Bearer $T" -d \'{"query":"mutation Del($id: String!) { volumeDelete(volumeId: $id) }","variables":{"id":"3d2c42fb"}}\'',
    'http POST https://backboard.railway.app/graphql/v2 "Authorization:Bearer $T" query=\'mutation { volumeDelete(volumeId: "3d2c42fb") }\'',
    'node -e "fetch(\'https://backboard.railway.app/graphql/v2\', {method: \'POST\', headers: {Authorization: \'Bearer \' + process.env.T}, body: JSON.stringify({query: \'mutation { volumeDelete(volumeId: \\"3d2c42fb\\") }\'})})"',
    'bash -c \'curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $T" -d "{\\"query\\":\\"mutation { volumeDelete(volumeId: \\\\\\"x\\\\\\") }\\"}"\'',
  ];
  for (const command of spellings) {
    void it(`is critical however spelled: ${command.slice(0, 90)}`, () => {
      assertStopped(fixture, command, { rule: 'http.graphql.mutation', level: 'critical' });
    });
  }
});

void describe('http: GraphQL', () => {
  void it('stops destroying mutations on other APIs', () => {
    assertStopped(fixture, 'gh api graphql -f query=\'mutation { deleteRepository(input: {repositoryId: "R_1"}) { clientMutationId } }\'', { rule: 'http.graphql.mutation', level: 'critical' });
    assertStopped(fixture, 'curl -X POST https://api.newrelic.com/graphql -d \'{"query":"mutation { deleteEntity(guid: \\"abc\\") }"}\'', { rule: 'http.graphql.mutation', atLeast: 'critical' });
  });

  void it('allows read-only queries and harmless mutations to the same host', () => {
    assertAllowed(fixture, 'curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $T" -d \'{"query":"query { me { projects { edges { node { id name } } } } }"}\'', 'http.');
    assertAllowed(fixture, 'curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $T" -d \'{"query":"mutation { serviceInstanceRedeploy(serviceId: \\"x\\") }"}\'', 'http.');
    assertAllowed(fixture, 'curl --json \'{"query":"query Viewer { viewer { login } }"}\' https://api.github.com/graphql', 'http.');
  });

  void it('reads mutation fields with the reference parser', () => {
    const [document] = graphqlDocuments('{"query":"mutation { projectDelete(id: \\"p1\\") other: serviceCreate(name: \\"x\\") { id } }"}');
    const reading = readGraphql(document ?? '');
    assert.equal(reading.operation, 'mutation');
    assert.deepEqual(reading.destructive.map((found) => [found.field, found.verb, found.resource, found.target]), [['projectDelete', 'delete', 'project', 'p1']]);
    assert.deepEqual(readGraphql('query { volumeDelete }').destructive, []);
    assert.equal(readGraphql('mutation D($id: String!) { volumeDelete(volumeId: $id) }', { id: 'v-9' }).destructive[0]?.target, 'v-9');
  });

  void it('names the volume given in the variables', () => {
    const assessment = assertStopped(fixture, 'curl https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $T" -d \'{"query":"mutation D($id: String!) { volumeDelete(volumeId: $id) }","variables":{"id":"3d2c42fb"}}\'', { level: 'critical' });
    assert.match(assessment.reasons[0]?.message ?? '', /deletes Railway volume 3d2c42fb/);
  });
});

void describe('http: REST', () => {
  const stopped: readonly (readonly [string, string])[] = [
    ['curl -X DELETE https://api.cloudflare.com/client/v4/zones/abc -H "Authorization: Bearer $CF"', 'http.delete'],
    ["curl -X DELETE 'http://localhost:9200/_all'", 'http.delete'],
    ['curl https://api.postmarkapp.com/servers/12345 -X DELETE', 'http.delete'],
    ['curl --request DELETE localhost:8001/services/abc123', 'http.delete'],
    ["curl -X POST 'http://localhost:9200/logs/_delete_by_query' -d '{\"query\":{\"match_all\":{}}}'", 'http.destructive-path'],
    ['curl -X POST http://jenkins.local/job/deploy/doDelete', 'http.destructive-path'],
    ['http DELETE :9200/my-index', 'http.delete'],
    ['xh DELETE https://api.example.com/v1/items/7', 'http.delete'],
    ['wget --method=DELETE https://api.example.com/v1/items/7', 'http.delete'],
    ['gh api -X DELETE /repos/owner/repo', 'http.delete'],
    ['glab api --method DELETE projects/123', 'http.delete'],
    ["python3 -c \"import requests; requests.delete('https://api.example.com/v1/items/7')\"", 'http.delete'],
    ['node -e "require(\'axios\').delete(\'http://localhost:9200/my-index\')"', 'http.delete'],
    ['ruby -e \'require "net/http"; uri = URI("https://api.example.com/projects/1"); Net::HTTP.start(uri.host) { |h| h.request(Net::HTTP::Delete.new(uri)) }\'', 'http.delete'],
    ['perl -MLWP::UserAgent -e \'LWP::UserAgent->new->delete("https://api.example.com/v1/buckets/logs")\'', 'http.delete'],
    ['grpcurl -d @body.json api.example.com:443 pkg.User/DeleteUser', 'http.grpc.destructive'],
  ];
  for (const [command, rule] of stopped) {
    void it(`stops: ${command}`, () => {
      assertStopped(fixture, command, { rule });
    });
  }

  void it('scores a credential against an infrastructure API higher than an anonymous local call', () => {
    const local = fixture.assess('curl -X DELETE http://localhost:8080/items/7');
    const infra = fixture.assess('curl -X DELETE https://api.heroku.com/apps/web -H "Authorization: Bearer $HEROKU_API_KEY"');
    assert.ok(infra.score > local.score, `${infra.score} > ${local.score}`);
    assert.equal(infra.level, 'critical');
  });

  const allowed = [
    "curl -X GET 'http://localhost:9200/_cat/indices?v'",
    'curl https://api.sendgrid.com/v3/templates',
    "curl -X POST 'http://localhost:9200/logs/_search' -d '{\"query\":{\"match_all\":{}}}'",
    "curl -X POST https://api.mailgun.net/v3/example.com/messages -d 'to=a@b.c'",
    'http GET :7700/health',
    'gh api repos/owner/repo/contributors --jq length',
    'curl -o file.txt https://example.com/delete/notes.txt',
    "grpcurl -d '{\"id\":1}' api.example.com:443 pkg.User/UpdateUser",
    "python3 -c \"import requests; print(requests.get('https://api.github.com/user').json())\"",
  ];
  for (const command of allowed) {
    void it(`allows: ${command}`, () => {
      assertAllowed(fixture, command, 'http.');
    });
  }
});
