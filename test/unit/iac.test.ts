// Infrastructure as code: teardown is stopped, plans and previews pass. Commands are only analyzed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Level } from '../../src/core/assessment';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, hasRule, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

void describe('iac pack', () => {
  const stopped: readonly (readonly [string, string, Level?])[] = [
    ['terraform destroy -auto-approve', 'iac.terraform.destroy', 'critical'],
    ['terraform apply -destroy -auto-approve', 'iac.terraform.destroy', 'critical'],
    ['tofu destroy', 'iac.terraform.destroy', 'critical'],
    ['terraform -chdir=infra destroy', 'iac.terraform.destroy', 'critical'],
    ['terragrunt run-all destroy', 'iac.terraform.destroy', 'critical'],
    ['terraform destroy -target=aws_instance.web', 'iac.terraform.destroy', 'high'],
    ['terraform state rm aws_db_instance.main', 'iac.terraform.state-rm'],
    ['terraform workspace delete -force staging', 'iac.terraform.workspace-delete'],
    ['terraform force-unlock 1234', 'iac.terraform.force-unlock'],
    ['terraform apply -auto-approve', 'iac.terraform.apply-unreviewed', 'high'],
    ['terragrunt run-all apply -auto-approve', 'iac.terraform.apply-unreviewed', 'high'],
    ['terraform apply -replace=aws_db_instance.main', 'iac.terraform.replace', 'high'],
    ['terraform apply -replace aws_db_instance.main -auto-approve', 'iac.terraform.replace', 'high'],
    ['pulumi up --yes', 'iac.pulumi.up-unreviewed', 'high'],
    ['pulumi up --skip-preview --stack dev', 'iac.pulumi.up-unreviewed', 'high'],
    ['pulumi destroy --yes', 'iac.pulumi.destroy', 'critical'],
    ['pulumi stack rm dev --force', 'iac.pulumi.stack-rm', 'critical'],
    ['npx cdk destroy --force', 'iac.cdk.destroy', 'critical'],
    ['sam delete --no-prompts', 'iac.sam.delete', 'critical'],
    ['serverless remove --stage dev', 'iac.serverless.remove', 'critical'],
  ];
  for (const [command, rule, level] of stopped) {
    void it(`stops: ${command}`, () => {
      assertStopped(fixture, command, { rule, ...(level ? { level } : {}) });
    });
  }

  void it('adds production to the reason', () => {
    assertStopped(fixture, 'pulumi destroy --yes --stack prod', { rule: 'iac.pulumi.destroy', level: 'critical' });
    assertStopped(fixture, 'terraform state rm -state=prod.tfstate aws_db_instance.main', { rule: 'iac.terraform.state-rm', atLeast: 'high' });
  });

  const allowed = ['terraform plan', 'terraform plan -destroy', 'terraform apply -auto-approve -refresh-only -dry-run', 'terraform apply', 'pulumi up', 'terraform state list', 'terraform workspace select prod', 'pulumi preview', 'pulumi stack ls', 'cdk diff', 'sam deploy --guided', 'serverless deploy'];
  for (const command of allowed) {
    void it(`allows: ${command}`, () => {
      assertAllowed(fixture, command, 'iac.');
    });
  }
});

void describe('iac pack: applying', () => {
  void it('a saved plan (made by terraform plan, where it could be read) is logged, not asked', () => {
    for (const command of ['terraform apply tfplan', 'terraform apply -auto-approve saved.tfplan']) {
      const assessment = assertAllowed(fixture, command);
      assert.ok(hasRule(assessment, 'iac.terraform.apply-plan'), command);
    }
  });

  void it('an unreviewed apply says why, and a production workspace raises it', () => {
    const plain = assertStopped(fixture, 'terraform apply -auto-approve', { rule: 'iac.terraform.apply-unreviewed' });
    assert.match(plain.reasons[0]?.message ?? '', /destroys and replacements included, with no plan anyone has seen/);
    const production = assertStopped(fixture, 'TF_WORKSPACE=prod terraform apply -auto-approve', { rule: 'iac.terraform.apply-unreviewed' });
    assert.ok(production.score > plain.score);
  });
});
