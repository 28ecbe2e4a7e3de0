import { argValues } from '../shell/ir';
import { hasFlag, parseArgs } from '../shell/options';
import type { Finding, Rule, RulePack } from './rule';

/**
 * Package registries: unpublishing and yanking break everyone who depends on a version, and most
 * registries never allow the same version to be published again. Repository, release, secret and
 * key deletion on GitHub and GitLab go through the cloud CLI table (`publish.gh.*`, `publish.glab.*`).
 */

interface Publishing {
  readonly rule: string;
  readonly score: number;
  readonly what: string;
}

function npmLike(tool: string, args: readonly string[]): Publishing | undefined {
  const parsed = parseArgs(args, { longWithValue: ['registry', 'otp', 'tag', 'workspace', 'prefix'] });
  const [verb, target, third, fourth] = parsed.operands;
  if (verb === 'unpublish') {
    const whole = hasFlag(parsed, '--force', '-f') || (target !== undefined && !target.includes('@', 1));
    return { rule: `publish.${tool}.unpublish`, score: whole ? 85 : 75, what: `unpublishes ${target ?? 'the package'}${whole ? ', every version of it' : ''}; the registry never allows those versions again and dependents break` };
  }
  if (verb === 'owner' && ['rm', 'remove'].includes(target ?? '')) return { rule: `publish.${tool}.owner-rm`, score: 60, what: `removes ${third ?? 'a user'} as an owner of ${fourth ?? 'the package'}` };
  if (verb === 'dist-tag' && ['rm', 'remove'].includes(target ?? '')) return { rule: `publish.${tool}.dist-tag-rm`, score: 40, what: `removes the dist-tag ${fourth ?? ''} from ${third ?? 'the package'}` };
  if (verb === 'deprecate') return { rule: `publish.${tool}.deprecate`, score: 40, what: `marks ${target ?? 'the package'} deprecated for everyone who installs it` };
  return undefined;
}

function cargo(args: readonly string[]): Publishing | undefined {
  const parsed = parseArgs(args, { longWithValue: ['version', 'vers', 'index', 'registry', 'token', 'remove', 'add'] });
  const [verb, crate] = parsed.operands;
  if (verb === 'yank' && !hasFlag(parsed, '--undo')) return { rule: 'publish.cargo.yank', score: 60, what: `yanks ${crate ?? 'the crate'}${parsed.values.get('--version')?.[0] ? ` ${parsed.values.get('--version')?.[0]}` : ''}; new projects can no longer depend on it` };
  if (verb === 'owner' && (parsed.values.has('--remove') || hasFlag(parsed, '-r'))) return { rule: 'publish.cargo.owner-remove', score: 60, what: `removes an owner of ${crate ?? 'the crate'}` };
  return undefined;
}

function gem(args: readonly string[]): Publishing | undefined {
  const parsed = parseArgs(args, { shortWithValue: 'vrk', longWithValue: ['version', 'platform', 'host', 'key', 'remove'] });
  const [verb, name] = parsed.operands;
  if (verb === 'yank') return { rule: 'publish.gem.yank', score: 70, what: `yanks ${name ?? 'the gem'}${parsed.values.get('-v')?.[0] ?? parsed.values.get('--version')?.[0] ? ` ${parsed.values.get('-v')?.[0] ?? parsed.values.get('--version')?.[0]}` : ''} from RubyGems; the version cannot be pushed again` };
  if (verb === 'owner' && (parsed.values.has('--remove') || parsed.values.has('-r'))) return { rule: 'publish.gem.owner-remove', score: 60, what: `removes an owner of ${name ?? 'the gem'}` };
  return undefined;
}

const JUDGES: Readonly<Record<string, (args: readonly string[]) => Publishing | undefined>> = {
  npm: (args) => npmLike('npm', args),
  pnpm: (args) => npmLike('pnpm', args),
  yarn: (args) => npmLike('yarn', args),
  bun: (args) => npmLike('bun', args),
  cargo,
  gem,
};

const registries: Rule = {
  id: 'publish',
  programs: Object.keys(JUDGES),
  description: 'npm/pnpm/yarn unpublish and owner removal, cargo yank, gem yank.',
  check({ invocation }): Finding | undefined {
    const found = JUDGES[invocation.name]?.(argValues(invocation));
    return found ? { rule: found.rule, score: found.score, message: `${invocation.name} ${found.what}`, resources: [{ kind: 'package', name: found.what.split(' ')[1] ?? invocation.name, provider: invocation.name }] } : undefined;
  },
};

export const PUBLISHING_PACK: RulePack = {
  id: 'publish',
  description: 'Unpublishing and yanking packages; repository, release, secret and key deletion (via the cloud CLI table).',
  rules: [registries],
};
