// The cloud CLI pack (one table, one matcher) and the six named commands of the data-and-infrastructure
// issue. Commands are only analyzed, never run.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Level } from '../../src/core/assessment';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

void describe('the six named commands are critical', () => {
  const six = [
    'curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $RAILWAY_TOKEN" -d \'{"query":"mutation { volumeDelete(volumeId: \\"3d2c42fb\\") }"}\'',
    'railway volume delete',
    'psql "$DATABASE_URL" -c "DROP TABLE users"',
    'terraform destroy -auto-approve',
    'aws s3 rb s3://prod-backups --force',
    'kubectl delete namespace production',
  ];
  for (const command of six) {
    void it(command, () => {
      assertStopped(fixture, command, { level: 'critical' });
    });
  }
});

void describe('cloud: platform CLIs', () => {
  const cases: readonly (readonly [string, string, Level?])[] = [
    ['railway volume delete 3d2c42fb', 'cloud.railway.delete', 'critical'],
    ['aws rds delete-db-instance --db-instance-identifier app-db --skip-final-snapshot', 'cloud.aws.delete', 'critical'],
    ['aws ec2 terminate-instances --instance-ids i-1234567890abcdef0', 'cloud.aws.terminate', 'critical'],
    ['aws s3 rm s3://bucket/path --recursive', 'cloud.aws.rm', 'critical'],
    ['aws s3 rm s3://bucket/path/file.txt', 'cloud.aws.rm', 'high'],
    ['aws s3 sync ./backup s3://bucket/backups/ --delete', 'cloud.aws.delete-flag'],
    ['aws logs delete-log-group --log-group-name /aws/lambda/thing', 'cloud.aws.delete'],
    ['aws --profile staging sqs purge-queue --queue-url https://sqs.us-east-1.amazonaws.com/1/q', 'cloud.aws.purge'],
    ['gcloud sql instances delete app-sql', 'cloud.gcloud.delete', 'critical'],
    ['gsutil rm -r gs://bucket', 'cloud.gsutil.rm', 'critical'],
    ['az group delete --name rg-app --yes', 'cloud.az.delete', 'critical'],
    ['fly volumes destroy vol_123', 'cloud.fly.destroy', 'critical'],
    ['heroku apps:destroy --app myapp --confirm myapp', 'cloud.heroku.destroy', 'critical'],
    ['supabase projects delete abcdef', 'cloud.supabase.delete', 'critical'],
    ['wrangler d1 delete my-db', 'cloud.wrangler.delete', 'critical'],
    ['doctl compute droplet delete web-1', 'cloud.doctl.delete', 'critical'],
    ['restic forget --keep-last 1 --prune', 'cloud.restic.forget', 'critical'],
    ['borg delete repo::archive', 'cloud.borg.delete', 'critical'],
    ['rclone purge remote:bucket', 'cloud.rclone.purge'],
    ['rclone sync /src remote:bucket', 'cloud.rclone.sync'],
    ['mc rb --force myminio/bucket', 'cloud.mc.rb', 'critical'],
    ['s3cmd del s3://bucket/key', 'cloud.s3cmd.del'],
    ['kafka-topics --bootstrap-server localhost:9092 --delete --topic orders', 'cloud.kafka-topics.delete-flag', 'critical'],
    ['vault secrets disable kv/', 'cloud.vault.disable', 'critical'],
    ['aws kms schedule-key-deletion --key-id k --pending-window-in-days 7', 'cloud.aws.schedule-key-deletion', 'critical'],
    ['aws efs delete-file-system --file-system-id fs-1', 'cloud.aws.delete', 'critical'],
    ['az keyvault purge --name kv', 'cloud.az.purge', 'critical'],
    ['firebase firestore:delete --all-collections --force', 'cloud.firebase.delete', 'critical'],
    ['pscale database delete mydb --force', 'cloud.pscale.delete', 'critical'],
    ['heroku pg:reset DATABASE_URL --confirm app', 'cloud.heroku.reset', 'critical'],
    ['java -jar jenkins-cli.jar -s http://jenkins.local/ delete-job deploy', 'cloud.jenkins-cli.delete'],
  ];
  for (const [command, rule, level] of cases) {
    void it(`stops: ${command}`, () => {
      assertStopped(fixture, command, { rule, ...(level ? { level } : {}) });
    });
  }

  void it('names the resource and provider in the impact', () => {
    const assessment = fixture.assess('aws s3 rb s3://prod-backups --force');
    assert.deepEqual(assessment.impact.resources?.[0], { kind: 'bucket', name: 's3://prod-backups', provider: 'AWS', environment: 'production' });
    assert.match(assessment.reasons[0]?.message ?? '', /deletes AWS bucket s3:\/\/prod-backups/);
  });

  void it('raises the score for production markers', () => {
    const staging = fixture.assess('aws elbv2 delete-target-group --target-group-arn arn:aws:x');
    const prod = fixture.assess('aws --profile prod elbv2 delete-target-group --target-group-arn arn:aws:x');
    assert.ok(prod.score > staging.score, `${prod.score} > ${staging.score}`);
    assert.match(prod.reasons[0]?.message ?? '', /production: targets --profile prod/);
  });

  void it('treats a dry run as harmless', () => {
    const assessment = assertAllowed(fixture, 'aws s3 sync ./dist s3://bucket/releases/ --delete --dryrun');
    assert.ok(assessment.score <= 5);
  });

  const allowed = [
    'aws s3 ls s3://prod-bucket',
    'aws s3 sync ./dist s3://bucket/releases/',
    'aws logs describe-log-groups',
    'aws rds describe-db-instances',
    'gcloud sql instances list',
    'railway status',
    'restic snapshots',
    'rclone copy /src remote:bucket',
    'kafka-topics --bootstrap-server localhost:9092 --list',
    'wrangler kv:key get --namespace-id=abc reset-token',
    'split -l 100 delete.txt',
    'unleash features disable my-toggle',
    'aws batch cancel-job --job-id j --reason r',
    'vault kv get secret/app',
    'vercel deploy --prod',
    'fly deploy',
    'firebase deploy',
    'aws dynamodb scan --table-name Orders',
  ];
  for (const command of allowed) {
    void it(`allows: ${command}`, () => {
      assertAllowed(fixture, command, 'cloud.');
    });
  }
});
