// Kubernetes and Helm: deletions scored by what they take, environment read from --context and
// --namespace, dry runs harmless. Commands are only analyzed.
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

void describe('kubernetes pack', () => {
  const stopped: readonly (readonly [string, string, Level?])[] = [
    ['kubectl delete namespace production', 'k8s.delete', 'critical'],
    ['kubectl delete ns team-a', 'k8s.delete', 'critical'],
    ['kubectl delete pvc data-postgres-0 -n db', 'k8s.delete', 'critical'],
    ['kubectl delete pv pv-001', 'k8s.delete', 'critical'],
    ['kubectl delete statefulset postgres', 'k8s.delete', 'critical'],
    ['kubectl delete deployment web --all', 'k8s.delete', 'critical'],
    ['kubectl delete deploy web', 'k8s.delete', 'high'],
    ['kubectl delete pods --all -A', 'k8s.delete', 'high'],
    ['kubectl delete -f k8s/', 'k8s.delete', 'high'],
    ['kubectl drain node-1 --ignore-daemonsets', 'k8s.drain', 'high'],
    ['kubectl replace --force -f deploy.yaml', 'k8s.replace-force', 'high'],
    ['kubectl apply --prune -l app=web -f k8s/', 'k8s.apply-prune', 'high'],
    ['kubectl apply -f k8s/ --prune --all', 'k8s.apply-prune', 'high'],
    ['kubectl scale deploy web --replicas=0', 'k8s.scale-zero', 'high'],
    ['helm uninstall my-release', 'k8s.helm.uninstall', 'high'],
    ['oc delete project legacy', 'k8s.delete', 'high'],
  ];
  for (const [command, rule, level] of stopped) {
    void it(`stops: ${command}`, () => {
      assertStopped(fixture, command, { rule, ...(level ? { level } : {}) });
    });
  }

  void it('reads the environment from --context and --namespace', () => {
    const assessment = assertStopped(fixture, 'kubectl --context prod-cluster delete pvc data-0 -n db', { rule: 'k8s.delete', level: 'critical' });
    assert.match(assessment.reasons[0]?.message ?? '', /context prod-cluster, namespace db/);
    assert.equal(assessment.impact.resources?.[0]?.environment, 'production');
    const helm = fixture.assess('helm uninstall api --kube-context production');
    const plain = fixture.assess('helm uninstall api');
    assert.ok(helm.score > plain.score, `${helm.score} > ${plain.score}`);
  });

  const allowed = ['kubectl get pods -A', 'kubectl describe ns production', 'kubectl delete ns staging --dry-run=client', 'kubectl delete pod x --dry-run=server', 'kubectl scale deploy web --replicas=3', 'kubectl apply -f deploy.yaml', 'kubectl apply --prune=false -f deploy.yaml', 'kubectl apply --prune -l app=web -f k8s/ --dry-run=server', 'helm list -A', 'helm upgrade --install api ./chart'];
  for (const command of allowed) {
    void it(`allows: ${command}`, () => {
      assertAllowed(fixture, command);
    });
  }
});
