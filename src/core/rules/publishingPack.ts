import { argValues } from '../shell/ir';
import { hasFlag, parseArgs } from '../shell/options';
import type { Finding, Rule, RulePack } from './rule';

/**
 * Package registries: unpublishing and yanking break everyone who depends on a version, and most
 * registries never allow the same version to be published again. Publishing is asked about too: a
 * published version is public at once, others may install it within minutes, and its number can never
 * be used again, so a release is a person's call. Repository, release, secret and key deletion on
 * GitHub and GitLab go through the cloud CLI table (`publish.gh.*`, `publish.glab.*`).
 */

const PUBLISH_SCORE = 50;

function published(tool: string, registry: string, test = false): Publishing {
  return test
    ? { rule: `publish.${tool}.publish-test`, score: 20, what: `publishes to the test registry ${registry}` }
    : { rule: `publish.${tool}.publish`, score: PUBLISH_SCORE, what: `publishes a new version to ${registry}: it is public at once and its version number can never be reused` };
}

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
  // `yarn npm publish` (Berry) and `npm publish`; `pnpm publish -r` publishes every workspace package.
  if (verb === 'publish' || (verb === 'npm' && target === 'publish')) return published(tool, parsed.values.get('--registry')?.[0] ?? 'the npm registry');
  return undefined;
}

function cargo(args: readonly string[]): Publishing | undefined {
  const parsed = parseArgs(args, { longWithValue: ['version', 'vers', 'index', 'registry', 'token', 'remove', 'add'] });
  const [verb, crate] = parsed.operands;
  if (verb === 'yank' && !hasFlag(parsed, '--undo')) return { rule: 'publish.cargo.yank', score: 60, what: `yanks ${crate ?? 'the crate'}${parsed.values.get('--version')?.[0] ? ` ${parsed.values.get('--version')?.[0]}` : ''}; new projects can no longer depend on it` };
  if (verb === 'owner' && (parsed.values.has('--remove') || hasFlag(parsed, '-r'))) return { rule: 'publish.cargo.owner-remove', score: 60, what: `removes an owner of ${crate ?? 'the crate'}` };
  // `cargo publish -n` is cargo's short spelling of --dry-run.
  if (verb === 'publish' && !hasFlag(parsed, '-n')) return published('cargo', parsed.values.get('--registry')?.[0] ?? 'crates.io');
  return undefined;
}

function gem(args: readonly string[]): Publishing | undefined {
  const parsed = parseArgs(args, { shortWithValue: 'vrk', longWithValue: ['version', 'platform', 'host', 'key', 'remove'] });
  const [verb, name] = parsed.operands;
  if (verb === 'yank') return { rule: 'publish.gem.yank', score: 70, what: `yanks ${name ?? 'the gem'}${parsed.values.get('-v')?.[0] ?? parsed.values.get('--version')?.[0] ? ` ${parsed.values.get('-v')?.[0] ?? parsed.values.get('--version')?.[0]}` : ''} from RubyGems; the version cannot be pushed again` };
  if (verb === 'owner' && (parsed.values.has('--remove') || parsed.values.has('-r'))) return { rule: 'publish.gem.owner-remove', score: 60, what: `removes an owner of ${name ?? 'the gem'}` };
  if (verb === 'push') return published('gem', parsed.values.get('--host')?.[0] ?? 'RubyGems');
  return undefined;
}

/** Python: `twine upload`, `poetry publish`, `flit publish`, `hatch publish`, `uv publish`. */
function python(tool: string, args: readonly string[]): Publishing | undefined {
  const parsed = parseArgs(args, { shortWithValue: 'rupc', longWithValue: ['repository', 'repository-url', 'username', 'password', 'config-file', 'publish-url', 'index', 'token', 'build'] });
  const verb = parsed.operands[0];
  if (!(tool === 'twine' ? verb === 'upload' : verb === 'publish')) return undefined;
  const registry = parsed.values.get('-r')?.[0] ?? parsed.values.get('--repository')?.[0] ?? parsed.values.get('--repository-url')?.[0] ?? parsed.values.get('--publish-url')?.[0] ?? parsed.values.get('--index')?.[0] ?? 'PyPI';
  return published(tool, registry, /test/i.test(registry));
}

/** `mvn deploy`, `mvn release:perform`, `gradle publish` and the wrappers: artifacts pushed to a repository. */
function jvm(tool: string, args: readonly string[]): Publishing | undefined {
  const goals = args.filter((arg) => !arg.startsWith('-'));
  const publishing = tool.startsWith('mvn') ? goals.find((goal) => /^(deploy|release:perform|deploy:deploy(-file)?)$/.test(goal)) : goals.find((goal) => /^(:?[\w-]+:)*publish\w*$|^uploadArchives$/.test(goal) && !/ToMavenLocal$/.test(goal));
  return publishing === undefined ? undefined : { ...published(tool, 'its artifact repository'), what: `${publishing} publishes artifacts to the project's repository: a released version is public to its users at once and cannot be replaced` };
}

const JUDGES: Readonly<Record<string, (args: readonly string[]) => Publishing | undefined>> = {
  npm: (args) => npmLike('npm', args),
  pnpm: (args) => npmLike('pnpm', args),
  yarn: (args) => npmLike('yarn', args),
  bun: (args) => npmLike('bun', args),
  cargo,
  gem,
  twine: (args) => python('twine', args),
  poetry: (args) => python('poetry', args),
  flit: (args) => python('flit', args),
  hatch: (args) => python('hatch', args),
  uv: (args) => python('uv', args),
  mvn: (args) => jvm('mvn', args),
  mvnw: (args) => jvm('mvnw', args),
  gradle: (args) => jvm('gradle', args),
  gradlew: (args) => jvm('gradlew', args),
};

const registries: Rule = {
  id: 'publish',
  programs: Object.keys(JUDGES),
  description: 'npm/pnpm/yarn unpublish and owner removal, cargo yank, gem yank; publishing a new version (npm publish, cargo publish, gem push, twine upload, poetry publish, mvn deploy, gradle publish).',
  check({ invocation }): Finding | undefined {
    const found = JUDGES[invocation.name]?.(argValues(invocation));
    if (!found) return undefined;
    const publishes = /\.publish(-test)?$/.test(found.rule) || found.rule.endsWith('.publish');
    const name = publishes ? 'a new version of this project' : (found.what.split(' ')[1]?.replace(/[;,]$/, '') ?? invocation.name);
    return { rule: found.rule, score: found.score, message: `${invocation.name} ${found.what}`, resources: [{ kind: 'package', name, provider: invocation.name }] };
  },
};

export const PUBLISHING_PACK: RulePack = {
  id: 'publish',
  description: 'Unpublishing and yanking packages; repository, release, secret and key deletion (via the cloud CLI table).',
  rules: [registries],
};
