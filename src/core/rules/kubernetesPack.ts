import type { ResourceImpact } from '../assessment';
import { argValues } from '../shell/ir';
import { hasFlag, parseArgs } from '../shell/options';
import type { ParsedArgs } from '../shell/options';
import { environmentOf, invocationProductionHint, withProduction } from './production';
import type { Finding, Rule, RulePack } from './rule';

/**
 * Kubernetes and Helm: `kubectl delete` scored by what it deletes (a namespace takes everything in
 * it; volume claims take their data), `drain`, `replace --force`, scaling to zero, `helm uninstall`.
 * `--context` and `--namespace` name the environment. Dry runs are made harmless by the analyzer.
 */

const KUBECTL_OPTIONS = {
  shortWithValue: 'nlfocLs',
  longWithValue: ['namespace', 'context', 'kubeconfig', 'cluster', 'user', 'selector', 'filename', 'output', 'grace-period', 'timeout', 'field-selector', 'replicas', 'server', 'token', 'as', 'cascade', 'kustomize', 'dry-run', 'current-replicas', 'resource-version'],
};

const KINDS: readonly (readonly [RegExp, string, number])[] = [
  [/^(ns|namespaces?)$/, 'namespace', 85],
  [/^(pv|persistentvolumes?|pvc|persistentvolumeclaims?)$/, 'persistent volume', 85],
  [/^(crds?|customresourcedefinitions?)(\.|$)/, 'custom resource definition', 85],
  [/^all$/, 'workload', 80],
  [/^(sts|statefulsets?)(\.|$)/, 'stateful set', 80],
  [/^(nodes?|no)$/, 'node', 70],
  [/^(deploy|deployments?|ds|daemonsets?|rs|replicasets?|svc|services?|ing|ingress(es)?|jobs?|cronjobs?|cj)(\.|$)/, 'workload', 65],
  [/^(secrets?|cm|configmaps?|sa|serviceaccounts?|roles?|rolebindings?|clusterroles?|clusterrolebindings?)(\.|$)/, 'configuration', 60],
  [/^(po|pods?)$/, 'pod', 50],
];

function environment(parsed: ParsedArgs): string {
  const context = parsed.values.get('--context')?.[0];
  const namespace = parsed.values.get('-n')?.[0] ?? parsed.values.get('--namespace')?.[0];
  const all = hasFlag(parsed, '-A', '--all-namespaces');
  return [context ? `context ${context}` : '', all ? 'in every namespace' : namespace ? `namespace ${namespace}` : ''].filter(Boolean).join(', ');
}

function kubectlDelete(parsed: ParsedArgs, operands: readonly string[]): { score: number; what: string; resource: ResourceImpact } | undefined {
  const file = parsed.values.get('-f')?.[0] ?? parsed.values.get('--filename')?.[0] ?? parsed.values.get('-k')?.[0];
  const typeWord = (operands[1] ?? '').toLowerCase();
  const [typeName = '', inlineName] = typeWord.split('/');
  const entry = KINDS.find(([pattern]) => pattern.test(typeName));
  const names = inlineName ? [inlineName] : operands.slice(2);
  const everything = hasFlag(parsed, '--all', '-A', '--all-namespaces') || parsed.values.has('-l') || parsed.values.has('--selector');
  if (!entry && file) return { score: 65, what: `deletes everything ${file} describes`, resource: { kind: 'manifest', name: file, provider: 'Kubernetes' } };
  if (!entry && !typeName) return undefined;
  const [, kind, base] = entry ?? [undefined, typeName, 60];
  const score = base + (everything ? 15 : 0) + (names.length > 1 ? 5 : 0);
  const what = everything ? `deletes every ${kind} (${typeWord}) it selects${names.length ? ` and ${names.join(', ')}` : ''}` : `deletes ${kind} ${names.join(', ') || typeWord}`;
  const explain = kind === 'namespace' ? '; everything in it is deleted with it' : kind === 'persistent volume' ? '; its data is deleted unless the reclaim policy keeps it' : '';
  return { score, what: `${what}${explain}`, resource: { kind, name: names.join(', ') || typeWord, provider: 'Kubernetes' } };
}

function kubectl(args: readonly string[]): { rule: string; score: number; what: string; resource?: ResourceImpact; parsed: ParsedArgs } | undefined {
  const parsed = parseArgs(args, KUBECTL_OPTIONS);
  const operands = parsed.operands;
  const verb = operands[0];
  if (verb === 'delete') {
    const found = kubectlDelete(parsed, operands);
    return found ? { rule: 'k8s.delete', ...found, parsed } : undefined;
  }
  if (verb === 'drain') return { rule: 'k8s.drain', score: 60, what: `drains node ${operands[1] ?? ''}, evicting every pod on it${hasFlag(parsed, '--delete-emptydir-data', '--delete-local-data') ? ' and deleting their emptyDir data' : ''}`, resource: { kind: 'node', name: operands[1] ?? '', provider: 'Kubernetes' }, parsed };
  if (verb === 'replace' && hasFlag(parsed, '--force')) return { rule: 'k8s.replace-force', score: 60, what: 'deletes and recreates the resources (replace --force)', parsed };
  // --prune deletes every resource the selector matches that the manifests no longer name.
  if (verb === 'apply' && hasFlag(parsed, '--prune') && parsed.values.get('--prune')?.[0] !== 'false') {
    const selector = parsed.values.get('--selector')?.[0] ?? parsed.values.get('-l')?.[0];
    return { rule: 'k8s.apply-prune', score: selector || hasFlag(parsed, '--all') ? 60 : 55, what: `applies the manifests and deletes every resource${selector ? ` labelled ${selector}` : ''} they no longer name (--prune)`, parsed };
  }
  const replicas = parsed.values.get('--replicas')?.[0];
  if (verb === 'scale' && replicas === '0') return { rule: 'k8s.scale-zero', score: 55, what: `scales ${operands.slice(1).join(' ')} to zero replicas, stopping it`, parsed };
  return undefined;
}

function helm(args: readonly string[]): { rule: string; score: number; what: string; resource?: ResourceImpact; parsed: ParsedArgs } | undefined {
  const parsed = parseArgs(args, { shortWithValue: 'n', longWithValue: ['namespace', 'kube-context', 'kubeconfig', 'timeout', 'cascade'] });
  const [verb, ...releases] = parsed.operands;
  if (!['uninstall', 'delete', 'del', 'un'].includes(verb ?? '')) return undefined;
  return { rule: 'helm.uninstall', score: 70, what: `uninstalls Helm release ${releases.join(', ')}, deleting its resources`, resource: { kind: 'Helm release', name: releases.join(', '), provider: 'Kubernetes' }, parsed };
}

const kubernetes: Rule = {
  id: 'k8s',
  programs: ['kubectl', 'oc', 'kubecolor', 'microk8s.kubectl', 'helm'],
  description: 'kubectl delete (namespaces, volumes and claims, stateful sets, --all), drain, replace --force, apply --prune, scale to zero; helm uninstall.',
  check({ invocation, context }): Finding | undefined {
    const args = argValues(invocation);
    const found = invocation.name === 'helm' ? helm(args) : kubectl(args);
    if (!found) return undefined;
    const where = environment(found.parsed) || (found.parsed.values.get('--kube-context')?.[0] ? `context ${found.parsed.values.get('--kube-context')?.[0]}` : '');
    const hint = invocationProductionHint(invocation, context);
    const boosted = withProduction(Math.min(95, found.score), `${invocation.name} ${found.what}${where ? ` (${where})` : ''}`, hint);
    const env = environmentOf(hint, where);
    const resources = found.resource ? [{ ...found.resource, ...(env ? { environment: env } : {}) }] : undefined;
    return { rule: found.rule.startsWith('helm') ? `k8s.${found.rule}` : found.rule, score: boosted.score, message: boosted.message, ...(resources ? { resources } : {}) };
  },
};

export const KUBERNETES_PACK: RulePack = {
  id: 'k8s',
  description: 'Kubernetes and Helm deletions, drains and teardown.',
  rules: [kubernetes],
};
