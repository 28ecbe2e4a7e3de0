// Production markers: the hints the infrastructure and database packs use to raise scores.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { environmentOf, productionHint } from '../../src/core/rules/production';
import type { Fixture } from './support/engineFixture';
import { makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

void describe('productionHint', () => {
  void it('finds prod in names, hosts, connection strings and variables', () => {
    for (const text of ['prod-db', 'db.prod.internal', 'postgres://u@prod-db.example.com/app', '--context=production', '$PROD_DATABASE_URL', '${DB_PROD_URL}', 'my_prd_cluster']) {
      assert.ok(productionHint(text), text);
    }
  });

  void it('does not read product, reproduce or staging as production', () => {
    for (const text of ['products', 'reproduce', 'staging-db', 'productivity', 'PRODUCT_ID', '']) assert.equal(productionHint(text), undefined, text);
  });

  void it('uses the settings markers', () => {
    assert.equal(productionHint('db-main-eu'), undefined);
    assert.match(productionHint('db-main-eu', { productionMarkers: ['main-eu'] }) ?? '', /main-eu/);
  });

  void it('names environments for the impact', () => {
    assert.equal(environmentOf('names prod-db', 'prod-db'), 'production');
    assert.equal(environmentOf(undefined, 'staging-cluster'), 'staging');
    assert.equal(environmentOf(undefined, 'orders'), undefined);
  });
});

void describe('production markers in the engine', () => {
  void it('raises a score for RAILS_ENV, --profile, --context and settings markers', () => {
    const base = fixture.assess('aws sns delete-topic --topic-arn arn:aws:sns:us-east-1:1:alerts').score;
    assert.ok(fixture.assess('aws --profile production sns delete-topic --topic-arn arn:aws:sns:us-east-1:1:alerts').score > base);
    assert.ok(fixture.assess('NODE_ENV=production aws sns delete-topic --topic-arn arn:aws:sns:us-east-1:1:alerts').score > base);
    const k8s = fixture.assess('kubectl delete deploy web').score;
    assert.ok(fixture.assess('kubectl --context prod delete deploy web').score > k8s);
  });
});
