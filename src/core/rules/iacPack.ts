import { argValues } from '../shell/ir';
import { hasFlag, parseArgs } from '../shell/options';
import { environmentOf, invocationProductionHint, withProduction } from './production';
import type { Finding, Rule, RulePack } from './rule';

/**
 * Infrastructure as code: `terraform destroy` and `apply -destroy`, state and workspace removal,
 * `pulumi destroy` and `stack rm`, `cdk destroy`, `sam delete`, `serverless remove`. One command
 * tears down everything a configuration manages, databases and volumes included. Plans and previews
 * change nothing and stay allowed.
 */

interface IacAction {
  readonly rule: string;
  readonly score: number;
  readonly what: string;
  /** What it tears down, for the impact: targeted resources or a stack, when the command names them. */
  readonly resource?: string;
}

const NO_PROMPT = ['-auto-approve', '--auto-approve', '--yes', '-y', '--force', '-f', '--no-prompts', '--skip-preview', '--non-interactive'];

/** Every value of terraform's `-name=value`, `-name value` (one dash or two). */
function optionValues(args: readonly string[], name: string): string[] {
  return args.flatMap((arg, index) => {
    const inline = new RegExp(`^--?${name}=`).exec(arg);
    if (inline) return [arg.slice(inline[0].length)];
    const next = args[index + 1];
    return new RegExp(`^--?${name}$`).test(arg) && next !== undefined ? [next] : [];
  });
}

function terraform(args: readonly string[]): IacAction | undefined {
  // Global options (`-chdir=dir`) come before the subcommand.
  const parsed = parseArgs(args, { singleDashLong: true });
  const [sub, second, third] = parsed.operands;
  const targets = optionValues(args, 'target');
  const targeted = targets.length > 0;
  const scope = targeted ? `the targeted resources (${targets.join(', ')})` : 'every resource the configuration manages, databases and volumes included';
  if (sub === 'destroy' || sub === 'destroy-all' || (sub === 'run-all' && second === 'destroy') || (sub === 'apply' && hasFlag(parsed, '-destroy', '--destroy'))) {
    return { rule: 'iac.terraform.destroy', score: targeted ? 70 : 85, what: `destroys ${scope}`, ...(targeted ? { resource: targets.join(', ') } : {}) };
  }
  if (sub === 'apply' || (sub === 'run-all' && second === 'apply')) return terraformApply(args, parsed.operands.slice(sub === 'apply' ? 1 : 2));
  if (sub === 'state' && (second === 'rm' || second === 'remove')) return { rule: 'iac.terraform.state-rm', score: 55, what: `removes ${third ?? 'resources'} from the Terraform state; they keep running but are no longer managed` };
  if (sub === 'state' && second === 'push' && hasFlag(parsed, '-force')) return { rule: 'iac.terraform.state-push', score: 65, what: 'overwrites the remote Terraform state, whatever it holds' };
  if (sub === 'workspace' && (second === 'delete' || second === 'rm')) return { rule: 'iac.terraform.workspace-delete', score: 65, what: `deletes the Terraform workspace ${third ?? ''} and its state`.trim() };
  if (sub === 'force-unlock') return { rule: 'iac.terraform.force-unlock', score: 50, what: 'removes the state lock another run may hold, risking a corrupted state' };
  return undefined;
}

/**
 * `terraform apply` changes what the configuration says, destroys and replacements included: a
 * database whose settings force a new resource is deleted and created empty. Terraform shows the plan
 * and waits for "yes" unless told not to; `-auto-approve` skips that, and Airlock cannot see the plan,
 * so it asks. `-replace` destroys the named resource on purpose. A saved plan file was made by
 * `terraform plan`, where it could be read, and is logged.
 */
function terraformApply(args: readonly string[], operands: readonly string[]): IacAction | undefined {
  const replaced = optionValues(args, 'replace');
  if (replaced.length > 0) return { rule: 'iac.terraform.replace', score: 65, what: `destroys ${replaced.join(', ')} and creates it again: a database or volume comes back empty`, resource: replaced.join(', ') };
  // -refresh-only updates the state from what exists and changes no infrastructure.
  if (args.some((arg) => /^--?refresh-only(=true)?$/.test(arg))) return undefined;
  // A saved plan applies without a prompt, with or without -auto-approve.
  if (operands.length > 0) return { rule: 'iac.terraform.apply-plan', score: 30, what: `applies the saved plan ${operands[0]}` };
  if (!args.some((arg) => /^--?auto-approve(=true)?$/.test(arg))) return undefined;
  return { rule: 'iac.terraform.apply-unreviewed', score: 55, what: 'applies whatever the configuration changes now, destroys and replacements included, with no plan anyone has seen' };
}

function pulumi(args: readonly string[]): IacAction | undefined {
  const parsed = parseArgs(args, { shortWithValue: 'sC', longWithValue: ['stack', 'cwd', 'target', 'message', 'config-file'] });
  const [sub, second, third] = parsed.operands;
  const stack = parsed.values.get('--stack')?.[0] ?? parsed.values.get('-s')?.[0];
  if (sub === 'destroy' || sub === 'down') {
    const targeted = parsed.values.has('--target');
    return { rule: 'iac.pulumi.destroy', score: targeted ? 70 : 85, what: `destroys ${targeted ? 'the targeted resources' : 'every resource'} of the Pulumi stack${stack ? ` ${stack}` : ''}`, ...(stack ? { resource: `stack ${stack}` } : {}) };
  }
  // `pulumi up` previews and waits for a choice unless told not to; with --yes nobody sees the preview.
  if ((sub === 'up' || sub === 'update') && hasFlag(parsed, '--yes', '-y', '--skip-preview', '-f')) {
    return { rule: 'iac.pulumi.up-unreviewed', score: 55, what: `updates the Pulumi stack${stack ? ` ${stack}` : ''} with whatever the program changes now, deletions and replacements included, with no preview anyone has seen`, ...(stack ? { resource: `stack ${stack}` } : {}) };
  }
  if (sub === 'stack' && (second === 'rm' || second === 'remove')) return { rule: 'iac.pulumi.stack-rm', score: hasFlag(parsed, '--force', '-f') ? 80 : 70, what: `removes the Pulumi stack ${third ?? stack ?? ''} and its history`.replace(/ +and/, ' and') };
  if (sub === 'state' && second === 'delete') return { rule: 'iac.pulumi.state-delete', score: 55, what: 'deletes resources from the Pulumi state; they are no longer managed' };
  return undefined;
}

function cdk(args: readonly string[]): IacAction | undefined {
  const operands = parseArgs(args).operands;
  if (operands[0] !== 'destroy') return undefined;
  return { rule: 'iac.cdk.destroy', score: 85, what: `destroys the CloudFormation stacks ${operands.slice(1).join(' ') || 'of the app'}`.trim() };
}

function sam(args: readonly string[]): IacAction | undefined {
  if (parseArgs(args).operands[0] !== 'delete') return undefined;
  return { rule: 'iac.sam.delete', score: 80, what: 'deletes the SAM application\'s CloudFormation stack and its resources' };
}

function serverless(args: readonly string[]): IacAction | undefined {
  if (parseArgs(args).operands[0] !== 'remove') return undefined;
  return { rule: 'iac.serverless.remove', score: 80, what: 'removes the deployed Serverless service and its resources' };
}

const JUDGES: Readonly<Record<string, (args: readonly string[]) => IacAction | undefined>> = {
  terraform,
  tofu: terraform,
  terragrunt: terraform,
  pulumi,
  cdk,
  cdktf: cdk,
  sam,
  serverless,
  sls: serverless,
};

const iacTools: Rule = {
  id: 'iac',
  programs: Object.keys(JUDGES),
  description: 'Infrastructure-as-code teardown: terraform/tofu destroy, apply -replace and unreviewed apply -auto-approve, state and workspace removal, pulumi destroy, up --yes and stack rm, cdk destroy, sam delete, serverless remove.',
  check({ invocation, context }): Finding | undefined {
    const args = argValues(invocation);
    const action = JUDGES[invocation.name]?.(args);
    if (!action) return undefined;
    const unprompted = args.some((arg) => NO_PROMPT.includes(arg) || /^-auto-approve=true$/.test(arg));
    const hint = invocationProductionHint(invocation, context);
    const base = `${invocation.name} ${action.what}${unprompted ? ' (without asking for confirmation)' : ''}`;
    const boosted = withProduction(Math.min(95, action.score + (unprompted ? 5 : 0)), base, hint);
    const environment = environmentOf(hint, args.join(' '));
    // `-chdir=infra/prod` moves terraform to another configuration before it runs.
    const chdir = args.find((arg) => arg.startsWith('-chdir='))?.slice(7);
    const folder = chdir ?? invocation.cwd;
    const name = action.resource ?? (folder ? `everything the configuration in ${folder} manages` : `everything the ${invocation.name} configuration manages`);
    return { rule: action.rule, score: boosted.score, message: boosted.message, resources: [{ kind: 'infrastructure', name, provider: invocation.name, ...(environment ? { environment } : {}) }] };
  },
};

export const IAC_PACK: RulePack = {
  id: 'iac',
  description: 'Infrastructure as code that tears down what it manages.',
  rules: [iacTools],
};
