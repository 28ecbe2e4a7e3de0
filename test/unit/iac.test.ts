// Infrastructure as code: teardown is stopped, plans and previews pass. Commands are only analyzed.
import { after, before, describe, it } from 'node:test';
import type { Level } from '../../src/core/assessment';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

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

  const allowed = ['terraform plan', 'terraform plan -destroy', 'terraform apply -auto-approve -refresh-only -dry-run', 'terraform state list', 'terraform workspace select prod', 'pulumi preview', 'pulumi stack ls', 'cdk diff', 'sam deploy --guided', 'serverless deploy'];
  for (const command of allowed) {
    void it(`allows: ${command}`, () => {
      assertAllowed(fixture, command, 'iac.');
    });
  }
});
