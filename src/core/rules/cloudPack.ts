import type { ResourceImpact } from '../assessment';
import { argValues } from '../shell/ir';
import { hasFlag, parseArgs } from '../shell/options';
import { CLI_PROGRAMS, CRITICAL_KINDS, DESTRUCTIVE_VERBS, READ_VERBS, SOFT_VERBS, cliSpec, resourceOf } from './cloudTable';
import type { CliSpec } from './cloudTable';
import { environmentOf, invocationProductionHint, withProduction } from './production';
import type { Finding, Rule, RulePack } from './rule';

/**
 * Cloud and platform CLIs (aws, gcloud, az, railway, fly, heroku, vercel, wrangler, vault, restic,
 * kafka...): one matcher over the table in cloudTable.ts. It reads the subcommand path (`rds
 * delete-db-instance`, `volume delete`, `apps:destroy`), finds the destroying verb and the resource
 * it names, and scores by what that resource holds: volumes, databases, buckets, snapshots and
 * backups are critical; other deletions are high; detaching and archiving is asked about.
 */

const MAX_PATH = 6;
const NOT_A_SUBCOMMAND = /[./@=\s$]|^\d/;
const NO_PROMPT = ['--force', '-f', '--yes', '-y', '--confirm', '--auto-approve', '--quiet', '-q', '--no-prompt', '--non-interactive'];
const EVERYTHING = ['--all', '-a', '--recursive', '-r', '-R', '--all-runners', '--all-versions'];
const NAME_OPTION = /^--?(name|id|[\w-]*-(name|id|identifier|arn|url)|bucket|n|volume|app|project|secret-id|stack|cluster|namespace|db|database|index|topic|group|queue|key|identity)$/;

const EXPLAIN: Readonly<Record<string, string>> = {
  volume: 'volumes hold databases and their backups',
  database: 'its data is gone unless backed up elsewhere',
  'D1 database': 'its data is gone unless backed up elsewhere',
  bucket: 'every object in it is gone unless versioned elsewhere',
  snapshot: 'a snapshot may be the only copy to restore from',
  backup: 'backups are the copies to restore from',
  namespace: 'everything in it is deleted with it',
  project: 'everything the project holds goes with it',
  app: 'its deployments, and any database or volume attached to it, go with it',
  'secrets engine': 'disabling a secrets engine deletes every secret in it',
};

interface Verb {
  readonly word: string;
  readonly base: string;
  readonly index: number;
  readonly soft: boolean;
}

function isVerb(part: string, spec: CliSpec): boolean {
  return DESTRUCTIVE_VERBS.has(part) || (spec.verbs ?? []).includes(part);
}

/** The destroying word of the subcommand path, if any (`delete-db-instance` → `delete`). */
function findVerb(operands: readonly string[], spec: CliSpec): Verb | undefined {
  for (let index = 0; index < Math.min(operands.length, MAX_PATH); index++) {
    const word = (operands[index] ?? '').toLowerCase();
    // The first word is often a service named like a verb (`aws logs`, `gh run`); later ones are verbs.
    if ((index > 0 && READ_VERBS.has(word)) || (spec.skip ?? []).includes(word)) return undefined;
    if (NOT_A_SUBCOMMAND.test(word) && !/^[a-z0-9]+:[a-z0-9-]+$/.test(word)) continue;
    const whole = isVerb(word, spec) ? word : undefined;
    const base = whole ?? word.split(/[-_:]/).find((part) => isVerb(part, spec));
    if (base) return { word, base, index, soft: SOFT_VERBS.has(base) && base !== 'cleanup' };
  }
  return undefined;
}

/** The option that names the target (`--db-instance-identifier prod-db`, `--topic=orders`), read from the raw arguments. */
function namingOption(args: readonly string[]): { option: string; value: string } | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    const eq = arg.indexOf('=');
    const option = eq === -1 ? arg : arg.slice(0, eq);
    if (!option.startsWith('-') || !NAME_OPTION.test(option)) continue;
    const value = eq === -1 ? (args[index + 1] ?? '') : arg.slice(eq + 1);
    if (value !== '' && !value.startsWith('-')) return { option: option.replace(/^-+/, ''), value };
  }
  return undefined;
}

function targetName(args: readonly string[], operands: readonly string[], after: number): string | undefined {
  const named = namingOption(args);
  if (named) return named.value;
  // Small numbers after a verb are counts (`--keep-last 1`), not names.
  return operands.slice(after + 1).find((operand) => operand !== '' && !operand.startsWith('-') && !/^\d{1,2}$/.test(operand));
}

function kindOf(operands: readonly string[], verb: Verb, spec: CliSpec, name: string | undefined, args: readonly string[]): string | undefined {
  if (verb.base === 'rb') return 'bucket';
  const own = resourceOf(verb.word.replace(verb.base, ''));
  if (own) return own;
  for (let index = verb.index - 1; index >= 0; index--) {
    const word = (operands[index] ?? '').toLowerCase();
    const kind = spec.kinds?.[word] ?? resourceOf(word);
    if (kind) return kind;
  }
  const named = namingOption(args);
  if (named) {
    const kind = resourceOf(named.option.replace(/-(name|id|identifier|arn|url)$/, ''));
    if (kind) return kind;
  }
  if (name && /^(s3|gs|r2|az):\/\/[^/]+\/?$/.test(name)) return 'bucket';
  if (spec.defaultKind) return spec.defaultKind;
  // Not a data holder Airlock knows: name it in the CLI's own words (`delete-target-group`, `release delete`).
  const rest = verb.word.replace(verb.base, '').replace(/^[-_:]+|[-_:]+$/g, '').replace(/[-_:]+/g, ' ');
  const previous = (operands[verb.index - 1] ?? '').toLowerCase();
  if (rest !== '') return rest;
  return verb.index > 0 && !NOT_A_SUBCOMMAND.test(previous) ? previous.replace(/[-_:]+/g, ' ').replace(/s$/, '') : undefined;
}

const PHRASES: Readonly<Record<string, string>> = {
  delete: 'deletes', del: 'deletes', rm: 'deletes', rb: 'deletes', remove: 'removes', destroy: 'destroys', terminate: 'terminates',
  purge: 'purges', drop: 'drops', wipe: 'wipes', erase: 'erases', reset: 'resets', truncate: 'truncates', flush: 'flushes',
  clear: 'clears', prune: 'prunes', forget: 'forgets', uninstall: 'uninstalls', nuke: 'destroys', deletefile: 'deletes', rdelete: 'deletes',
  disable: 'disables', archive: 'archives', revoke: 'revokes', unregister: 'unregisters', deregister: 'deregisters', unsubscribe: 'unsubscribes',
  'create-invalidation': 'purges the CDN cache of', 'schedule-key-deletion': 'schedules the deletion of', 'disable-key': 'disables', 'update-secret': 'overwrites', 'put-secret-value': 'overwrites the value of', untag: 'untags', undeploy: 'undeploys', cancel: 'cancels', kill: 'kills', roll: 'rolls (replaces)', rollback: 'rolls back', move: 'moves away',
  compact: 'compacts (frees deleted data of)', cleanup: 'cleans up', clean: 'cleans', unset: 'unsets', stop: 'stops', down: 'takes down',
};

function judge(program: string, args: readonly string[], spec: CliSpec, hint: string | undefined): Finding | undefined {
  const parsed = parseArgs(args);
  const operands = parsed.operands;
  const family = spec.family ?? 'cloud';
  const nameVerb = program.split(/[-_]/).find((part) => DESTRUCTIVE_VERBS.has(part));
  const verb: Verb | undefined = findVerb(operands, spec) ?? (nameVerb ? { word: nameVerb, base: nameVerb, index: -1, soft: false } : undefined) ?? recordSetDelete(program, operands, args);
  // A one-letter flag (`gsutil -d`) means delete only for syncing commands; elsewhere it is debug.
  const syncing = operands.includes('sync') || operands.includes('rsync');
  const flag = (spec.flags ?? []).find((name) => parsed.flags.has(name) && (name.length > 2 || syncing) && !(parsed.values.get(name) ?? []).some((value) => /^false$/i.test(value)));
  if (!verb && !flag) return undefined;
  if (verb && (spec.skip ?? []).includes(operands[0] ?? '')) return undefined;

  const sync = operands.includes('sync') || operands.includes('rsync') || verb?.base === 'sync';
  const name = sync ? operands[operands.length - 1] : targetName(args, operands, verb?.index ?? -1);
  const recursive = program === 'aws' && verb?.base === 'rm' && hasFlag(parsed, '--recursive');
  const kind = recursive ? 'prefix' : verb ? kindOf(operands, verb, spec, name, args) : sync ? undefined : resourceOf(namingOption(args)?.option ?? '');
  const critical = (kind !== undefined && CRITICAL_KINDS.has(kind)) || recursive;
  // Disabling a secrets engine deletes its secrets: not the soft kind of disabling.
  const soft = (verb?.soft ?? false) && kind !== 'secrets engine';
  let score = soft ? (critical ? 60 : 55) : critical ? 85 : 65;
  const notes: string[] = [];
  if (hasFlag(parsed, ...NO_PROMPT)) {
    score += 5;
    notes.push('without asking for confirmation');
  }
  if (hasFlag(parsed, ...EVERYTHING) || recursive) {
    score += 5;
    notes.push(recursive ? 'everything under the prefix' : 'all of them');
  }
  if (hasFlag(parsed, '--skip-final-snapshot', '--skip-final-cluster-snapshot', '--force-delete-without-recovery', '--delete-automated-backups', '--unsafe-allow-remove-all', '--purge')) {
    score += 10;
    notes.push('with no final snapshot or recovery window');
  }
  const flagVerb = flag?.replace(/^-+/, '').split('-')[0] ?? 'delete';
  const what = sync
    ? `${program} ${operands.join(' ')}${flag ? ` ${flag}` : ''} deletes files at ${name ?? 'the destination'} that are not in the source (${spec.provider})`
    : verb
      ? `${PHRASES[verb.base] ?? `runs ${verb.word} on`} ${name ? `${spec.provider} ${kind ?? 'resource'} ${name}` : `a ${spec.provider} ${kind ?? 'resource'} the line does not name`}`
      : `${PHRASES[flagVerb] ?? `runs ${flag} on`} ${spec.provider} ${kind ?? 'resource'}${name ? ` ${name}` : ''} (${flag})`;
  const explain = kind && !soft ? EXPLAIN[kind] : undefined;
  const base = `${what}${explain ? `; ${explain}` : ''}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
  const boosted = withProduction(Math.min(score, 95), base, hint);
  // `railway volume delete` asks which volume when it runs: the line does not name it.
  const resource: ResourceImpact = { kind: kind ?? 'resource', name: name ?? 'not named on the line (the CLI picks or asks)', provider: spec.provider, ...optional('environment', environmentOf(hint, name ?? '')) };
  return { rule: `${family}.${program.replace(/\.sh$/, '')}.${verb?.base ?? 'delete-flag'}`, score: boosted.score, message: boosted.message, resources: [resource] };
}

/** `aws route53 change-resource-record-sets` deletes records when its change batch says DELETE. */
function recordSetDelete(program: string, operands: readonly string[], args: readonly string[]): Verb | undefined {
  const index = operands.indexOf('change-resource-record-sets');
  if (program !== 'aws' || index === -1 || !args.some((arg) => /"Action"\s*:\s*"DELETE"|Action=DELETE/i.test(arg))) return undefined;
  return { word: 'delete-record-sets', base: 'delete', index, soft: false };
}

/** `java -jar jenkins-cli.jar -s URL delete-job x`: the Jenkins CLI, whatever the jar is called. */
function jenkinsArgs(args: readonly string[]): readonly string[] | undefined {
  const jar = args.findIndex((arg, index) => args[index - 1] === '-jar' && /jenkins-cli[^/]*\.jar$/.test(arg));
  return jar === -1 ? undefined : args.slice(jar + 1);
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

const cloudCli: Rule = {
  id: 'cloud',
  programs: [...CLI_PROGRAMS, 'java'],
  description: 'Deletes, destroys, terminates, purges and resets through cloud and platform CLIs; data holders (volumes, databases, buckets, snapshots, backups) are critical.',
  check({ invocation, context }) {
    const jenkins = invocation.name === 'java' ? jenkinsArgs(argValues(invocation)) : undefined;
    const program = jenkins ? 'jenkins-cli' : invocation.name;
    const spec = cliSpec(program);
    if (!spec) return undefined;
    return judge(program, jenkins ?? argValues(invocation), spec, invocationProductionHint(invocation, context));
  },
};

export const CLOUD_PACK: RulePack = {
  id: 'cloud',
  description: 'Cloud, platform, backup, queue and SaaS command-line tools that delete remote resources.',
  rules: [cloudCli],
};
