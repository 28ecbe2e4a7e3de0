import { argValues } from '../shell/ir';
import { hasFlag, parseArgs } from '../shell/options';
import type { ParsedArgs } from '../shell/options';
import { invocationProductionHint, withProduction } from './production';
import type { Finding, Rule, RulePack } from './rule';

/**
 * Containers: named volumes hold databases, so removing or pruning them is the destructive part;
 * `compose down -v` and `system prune --volumes` take every volume of a project or of the machine.
 * Removing containers and images is recoverable (rebuild, pull) except for what a running
 * container wrote, so `rm -f` and forced pruning are asked about and plain removal is only logged.
 */

const OPTIONS = { shortWithValue: 'pc', longWithValue: ['filter', 'file', 'project-name', 'project-directory', 'env-file', 'profile', 'context', 'host', 'log-level', 'timeout', 'rmi'] };

interface Found {
  readonly rule: string;
  readonly score: number;
  readonly what: string;
  readonly kind?: string;
  readonly names?: readonly string[];
}

function compose(parsed: ParsedArgs, all: readonly string[]): Found | undefined {
  // `-f` is a compose file here but force elsewhere, so it is not parsed as taking a value.
  const [verb] = all.filter((operand) => !/\.ya?ml$/.test(operand));
  if (verb === 'down' && hasFlag(parsed, '-v', '--volumes')) return { rule: 'container.compose.down-volumes', score: 80, what: 'stops the project and deletes its volumes, with the databases stored in them', kind: 'volume', names: ['every volume of the project'] };
  if (verb === 'rm' && hasFlag(parsed, '-v', '--volumes')) return { rule: 'container.compose.rm-volumes', score: 65, what: 'removes the project\'s containers and their anonymous volumes', kind: 'volume' };
  return undefined;
}

function docker(parsed: ParsedArgs, operands: readonly string[]): Found | undefined {
  const [group, verb, ...rest] = operands;
  const force = hasFlag(parsed, '-f', '--force');
  if (group === 'compose') return compose(parsed, operands.slice(1));
  if (group === 'volume' && ['rm', 'remove'].includes(verb ?? '')) return { rule: 'container.volume.rm', score: 75, what: `deletes volume ${rest.join(', ')} and the data in it`, kind: 'volume', names: rest };
  if (group === 'volume' && verb === 'prune') return { rule: 'container.volume.prune', score: hasFlag(parsed, '-a', '--all') ? 80 : 75, what: 'deletes every volume no container uses, with the data in them', kind: 'volume', names: ['unused volumes'] };
  if (group === 'system' && verb === 'prune') {
    if (hasFlag(parsed, '--volumes')) return { rule: 'container.system.prune-volumes', score: 80, what: 'deletes every stopped container, unused image, network and volume, with the data in the volumes', kind: 'volume', names: ['unused volumes'] };
    return { rule: 'container.system.prune', score: force ? 55 : 25, what: `deletes every stopped container and ${hasFlag(parsed, '-a', '--all') ? 'every unused image' : 'dangling images'}${force ? ' without asking' : ''}` };
  }
  if (['container', 'image', 'builder', 'network'].includes(group ?? '') && verb === 'prune') return { rule: `container.${group}.prune`, score: force ? 45 : 25, what: `deletes unused ${group}s${force ? ' without asking' : ''}` };
  const removeContainer = group === 'rm' || (group === 'container' && ['rm', 'remove'].includes(verb ?? ''));
  if (removeContainer) {
    const names = group === 'rm' ? operands.slice(1) : rest;
    if (hasFlag(parsed, '-v', '--volumes')) return { rule: 'container.rm.volumes', score: 65, what: `removes container ${names.join(', ')} and its anonymous volumes`, kind: 'container', names };
    return { rule: 'container.rm', score: force ? 55 : 20, what: `removes container ${names.join(', ')}${force ? ', running or not, with what it wrote' : ''}`, kind: 'container', names };
  }
  const removeImage = group === 'rmi' || (group === 'image' && ['rm', 'remove'].includes(verb ?? ''));
  if (removeImage && force) return { rule: 'container.rmi.force', score: 50, what: `force-removes image ${(group === 'rmi' ? operands.slice(1) : rest).join(', ')}, even when containers use it` };
  return undefined;
}

const containers: Rule = {
  id: 'container',
  programs: ['docker', 'podman', 'nerdctl', 'docker-compose', 'podman-compose'],
  description: 'Container volumes removed or pruned, compose down -v, system prune --volumes, forced container and image removal.',
  check({ invocation, context }): Finding | undefined {
    const parsed = parseArgs(argValues(invocation), OPTIONS);
    const found = invocation.name.endsWith('-compose') ? compose(parsed, parsed.operands) : docker(parsed, parsed.operands);
    if (!found) return undefined;
    const boosted = withProduction(found.score, `${invocation.name} ${found.what}`, invocationProductionHint(invocation, context));
    const resources = found.kind && found.names && found.names.length > 0 ? found.names.map((name) => ({ kind: found.kind ?? 'volume', name, provider: invocation.name })) : undefined;
    return { rule: found.rule, score: boosted.score, message: boosted.message, ...(resources ? { resources } : {}) };
  },
};

export const CONTAINER_PACK: RulePack = {
  id: 'container',
  description: 'Docker, Podman and Compose removals that lose volume data.',
  rules: [containers],
};
