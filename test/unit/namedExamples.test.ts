// The reasons and impacts of the data-and-infrastructure issue's named examples, as the person deciding
// reads them: one reason per finding, written in words, and the resource with its environment.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Assessment } from '../../src/core/assessment';
import type { Fixture } from './support/engineFixture';
import { assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

function top(assessment: Assessment): string {
  return assessment.reasons[0]?.message ?? '';
}

function noDuplicateReasons(assessment: Assessment): void {
  const aboveThreshold = assessment.reasons.filter((reason) => reason.score >= 50);
  assert.equal(aboveThreshold.length, 1, `one reason above the threshold, got ${JSON.stringify(aboveThreshold)}`);
}

void describe('named examples: reasons and impact', () => {
  void it('the PocketOS command names the volume, the API, the token and what volumes hold', () => {
    const assessment = assertStopped(fixture, 'curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $RAILWAY_TOKEN" -d \'{"query":"mutation { volumeDelete(volumeId: \\"3d2c42fb\\") }"}\'', { level: 'critical' });
    assert.match(top(assessment), /deletes Railway volume 3d2c42fb through the Railway GraphQL API with a bearer token/);
    assert.match(top(assessment), /volumes hold databases and their backups/);
    assert.deepEqual(assessment.impact.resources?.[0], { kind: 'volume', name: '3d2c42fb', provider: 'Railway' });
    noDuplicateReasons(assessment);
  });

  void it('railway volume delete says the volume is not named on the line', () => {
    const assessment = assertStopped(fixture, 'railway volume delete', { level: 'critical' });
    assert.match(top(assessment), /deletes a Railway volume the line does not name; volumes hold databases and their backups/);
    assert.equal(assessment.impact.resources?.[0]?.kind, 'volume');
  });

  void it('DROP TABLE names the table, the database and, from the environment, production', () => {
    const assessment = assertStopped(fixture, 'psql "$DATABASE_URL" -c "DROP TABLE users"', { level: 'critical' }, { env: { DATABASE_URL: 'postgres://app:secret@db.prod.internal:5432/shop' } });
    assert.match(top(assessment), /drops the table users/);
    assert.match(top(assessment), /production/);
    assert.doesNotMatch(top(assessment), /secret/);
    assert.equal(assessment.impact.resources?.[0]?.environment, 'production');
    noDuplicateReasons(assessment);
  });

  void it('terraform destroy names the configuration it tears down', () => {
    const assessment = assertStopped(fixture, 'terraform destroy -auto-approve', { level: 'critical' });
    assert.match(top(assessment), /destroys every resource the configuration manages/);
    assert.match(assessment.impact.resources?.[0]?.name ?? '', /^everything the configuration in .+ manages$/);
    assert.equal(assertStopped(fixture, 'TF_WORKSPACE=production terraform destroy').impact.resources?.[0]?.environment, 'production');
  });

  void it('the bucket and the namespace carry their production environment', () => {
    const bucket = assertStopped(fixture, 'aws s3 rb s3://prod-backups --force', { level: 'critical' });
    assert.deepEqual(bucket.impact.resources?.[0], { kind: 'bucket', name: 's3://prod-backups', provider: 'AWS', environment: 'production' });
    const namespace = assertStopped(fixture, 'kubectl delete namespace production', { level: 'critical' });
    assert.deepEqual(namespace.impact.resources?.[0], { kind: 'namespace', name: 'production', provider: 'Kubernetes', environment: 'production' });
  });

  void it('supabase db reset gives one reason, local unless --linked', () => {
    const local = assertStopped(fixture, 'supabase db reset', { level: 'critical' });
    noDuplicateReasons(local);
    assert.match(top(local), /local Supabase database/);
    assert.equal(local.impact.resources?.length, 1);
    assert.equal(local.impact.resources?.[0]?.environment, 'local development');
    const linked = assertStopped(fixture, 'supabase db reset --linked', { level: 'critical' });
    noDuplicateReasons(linked);
    assert.ok(linked.score > local.score);
    assert.match(top(linked), /linked Supabase project/);
  });

  void it('impacts name the resource in the tool\'s own terms', () => {
    assert.equal(assertStopped(fixture, 'aws rds delete-db-snapshot --db-snapshot-identifier nightly').impact.resources?.[0]?.kind, 'snapshot');
    assert.equal(assertStopped(fixture, 'aws rds delete-db-instance --db-instance-identifier app').impact.resources?.[0]?.kind, 'database');
    assert.deepEqual(assertStopped(fixture, 'mongosh --eval "db.dropDatabase()"').impact.resources?.[0], { kind: 'database', name: 'the database the shell connects to', provider: 'MongoDB' });
    assert.equal(assertStopped(fixture, 'npm unpublish pkg@1.0.0').impact.resources?.[0]?.name, 'pkg@1.0.0');
  });
});
