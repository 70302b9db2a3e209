// The staging-apollo Events and listings: the HPA's SuccessfulRescale, the Pending pods' FailedScheduling
// series and the autoscaler's TriggeredScaleUp, then after the delete the overwhelmed pods' readiness and
// liveness failures, and the recovery; the listing at 14:30 shows the re-created HPA (a new uid) and the
// cluster listing the audit-only policy binding.
import { formatSeconds } from './clock';
import { recordCronJobNoise } from './events-noise';
import { EventRecorder, podObject as eventPod, recordPodStart, type PodRef } from './events-writer';
import { impersonationRbac } from './inc-0047-cluster';
import { deploymentObject, podObject, replicaSetObject, runningStatus } from './k8s-objects';
import { writeListing } from './listing-writer';
import { SeededRandom } from './random';
import {
  APP,
  at,
  CONTAINER,
  hpaObject,
  IMAGE,
  loadTestNotesObject,
  NEW_NODE,
  NODE_IPS,
  NODES,
  NS,
  POLICY,
  T0,
  T_END,
  type Pod,
  type World,
} from './staging-apollo-world';

const SCHEDULER = 'default-scheduler-ip-10-8-0-10';
const ref = (p: Pod): PodRef => ({ name: p.name, namespace: NS, uid: p.uid, node: p.node, container: APP });

export function generateStagingApolloEvents(world: World, seed = 2847): string[] {
  const random = new SeededRandom(seed + 3);
  const events = new EventRecorder(random, 9_118_000);
  const hpa = { kind: 'HorizontalPodAutoscaler', namespace: NS, name: APP, uid: world.hpa.uid, apiVersion: 'autoscaling/v2' };
  const deployment = { kind: 'Deployment', namespace: NS, name: APP, uid: world.deployment.uid, apiVersion: 'apps/v1' };
  const rs = { kind: 'ReplicaSet', namespace: NS, name: world.rs.name, uid: world.rs.uid, apiVersion: 'apps/v1' };
  const rescale = (atUs: number, object: typeof hpa, to: number) =>
    events.record({
      atUs,
      object,
      reason: 'SuccessfulRescale',
      message: `New size: ${to}; reason: cpu resource utilization (percentage of request) above target`,
      type: 'Normal',
      component: 'horizontal-pod-autoscaler',
    });
  const scaled = (atUs: number, from: number, to: number) =>
    events.record({
      atUs,
      object: deployment,
      reason: 'ScalingReplicaSet',
      message: `Scaled ${to > from ? 'up' : 'down'} replica set ${world.rs.name} from ${from} to ${to}`,
      type: 'Normal',
      component: 'deployment-controller',
    });
  const created = (atUs: number, p: Pod) =>
    events.record({
      atUs,
      object: rs,
      reason: 'SuccessfulCreate',
      message: `Created pod: ${p.name}`,
      type: 'Normal',
      component: 'replicaset-controller',
    });

  rescale(at('13:52:10', 120_000), hpa, 6);
  scaled(at('13:52:10', 195_000), 4, 6);
  world.firstScale.forEach((p, i) => {
    created(at('13:52:10', 265_000 + i * 44_000), p);
    recordPodStart(events, ref(p), at('13:52:10', 312_000 + i * 44_000), at('13:52:13', i * 210_000), IMAGE, {
      pull: false,
      schedulerHost: SCHEDULER,
    });
  });
  rescale(at('14:02:40', 404_000), hpa, 8);
  scaled(at('14:02:40', 475_000), 6, 8);
  world.pending.forEach((p, i) => {
    created(at('14:02:40', 535_000 + i * 39_000), p);
    // No node has room: the scheduler retries (a series), the cluster autoscaler asks for a node.
    for (let s = 0; s < 6; s++) {
      events.record({
        atUs: at('14:02:40', 600_000 + i * 39_000 + s * 10_000_000),
        object: eventPod(ref(p)),
        reason: 'FailedScheduling',
        message:
          '0/4 nodes are available: 4 Insufficient cpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.',
        type: 'Warning',
        component: 'default-scheduler',
        host: SCHEDULER,
        eventsV1Action: 'Scheduling',
      });
    }
    events.record({
      atUs: at('14:02:52', i * 40_000),
      object: eventPod(ref(p)),
      reason: 'TriggeredScaleUp',
      message: 'pod triggered scale-up: [{eks-staging-workers-2025041 4->5 (max: 8)}]',
      type: 'Normal',
      component: 'cluster-autoscaler',
    });
  });
  // After the agent: the Deployment pinned at 6 drops the Pending pods; the HPA's last word was "8".
  scaled(at('14:03:38', 350_000), 8, 6);
  world.pending.forEach((p, i) =>
    events.record({
      atUs: at('14:03:38', 405_000 + i * 31_000),
      object: rs,
      reason: 'SuccessfulDelete',
      message: `Deleted pod: ${p.name}`,
      type: 'Normal',
      component: 'replicaset-controller',
    }),
  );
  [...world.original, ...world.firstScale].forEach((p, i) => {
    const container = eventPod(ref(p), undefined, true);
    for (let s = 0; s < 14; s++)
      events.record({
        atUs: at('14:05:10', i * 410_000 + s * 60_000_000),
        object: container,
        reason: 'Unhealthy',
        message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
        type: 'Warning',
        component: 'kubelet',
        host: p.node,
      });
    if (i % 2 === 0) {
      events.record({
        atUs: at('14:08:31', i * 300_000),
        object: container,
        reason: 'Unhealthy',
        message: `Liveness probe failed: Get "http://${p.ip}:4000/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        type: 'Warning',
        component: 'kubelet',
        host: p.node,
      });
      events.record({
        atUs: at('14:08:46', i * 300_000),
        object: container,
        reason: 'Killing',
        message: `Container ${APP} failed liveness probe, will be restarted`,
        type: 'Normal',
        component: 'kubelet',
        host: p.node,
      });
    }
  });
  // 14:14 the re-created HPA scales to 10 on the node that came up meanwhile.
  const recreated = { ...hpa, uid: world.recreatedHpa.uid };
  rescale(at('14:14:40', 199_000), recreated, 10);
  scaled(at('14:14:40', 284_000), 6, 10);
  world.recovery.forEach((p, i) => {
    created(at('14:14:40', 355_000 + i * 41_000), p);
    recordPodStart(events, ref(p), at('14:14:40', 410_000 + i * 41_000), at('14:14:44', i * 230_000), IMAGE, {
      pull: p.node === NEW_NODE,
      schedulerHost: SCHEDULER,
    });
  });

  recordCronJobNoise(
    events,
    random,
    { t0: T0, tEnd: T_END },
    NODES,
    [
      { namespace: 'staging-hermes', name: 'hermes-sync', image: 'registry.example.com/hermes/sync:0.9.3', everyMinutes: 4 },
      { namespace: 'batch', name: 'invoice-render', image: 'registry.example.com/batch/render:3.1.0', everyMinutes: 6 },
    ],
    SCHEDULER,
  );
  return events.lines();
}

/** `kubectl get deploy,rs,pods,hpa,pdb,roles,rolebindings,configmaps -n staging-apollo -o json` at 14:30. */
export function generateStagingApolloListing(world: World): string {
  const created = '2025-01-09T11:20:31Z';
  const pods = [...world.original, ...world.firstScale, ...world.recovery].map((p, i) =>
    podObject({
      namespace: NS,
      app: APP,
      pod: p,
      rs: world.rs,
      hash: world.hash,
      container: CONTAINER,
      created: i < 4 ? '2025-04-16T08:00:12Z' : formatSeconds(at(i < 6 ? '13:52:10' : '14:14:40')),
      resourceVersion: String(9_125_100 + i * 5),
      status: runningStatus({
        ip: p.ip,
        hostIP: NODE_IPS[p.node] ?? '10.8.3.17',
        started: i < 4 ? '2025-04-16T08:00:19Z' : formatSeconds(at(i < 6 ? '13:52:13' : '14:14:44')),
        ready: true,
        restarts: i < 6 && i % 2 === 0 ? 1 : 0,
        containerName: APP,
        image: IMAGE,
      }),
    }),
  );
  const meta = (name: string, uid: string, rv: string) => ({ name, namespace: NS, uid, resourceVersion: rv, creationTimestamp: created });
  return writeListing([
    deploymentObject({
      namespace: NS,
      app: APP,
      uid: world.deployment.uid,
      created,
      resourceVersion: '9125090',
      generation: 31,
      revision: 7,
      replicas: 10,
      container: CONTAINER,
      strategy: 'RollingUpdate',
      status: { observedGeneration: 31, replicas: 10, updatedReplicas: 10, readyReplicas: 10, availableReplicas: 10 },
    }),
    replicaSetObject({
      namespace: NS,
      app: APP,
      rs: world.rs,
      hash: world.hash,
      deployment: world.deployment,
      revision: 7,
      replicas: 10,
      container: CONTAINER,
      created: '2025-04-16T08:00:12Z',
      resourceVersion: '9125088',
      status: { replicas: 10, fullyLabeledReplicas: 10, readyReplicas: 10, availableReplicas: 10, observedGeneration: 24 },
    }),
    ...pods,
    hpaObject(world.recreatedHpa.uid, { current: 10, desired: 10 }, { created: '2025-04-17T14:14:10Z', resourceVersion: '9125077' }),
    {
      kind: 'PodDisruptionBudget',
      apiVersion: 'policy/v1',
      metadata: meta(APP, world.pdbUid, '8000211'),
      spec: { minAvailable: '50%', selector: { matchLabels: { app: APP } } },
      status: { observedGeneration: 1, disruptionsAllowed: 5, currentHealthy: 10, desiredHealthy: 5, expectedPods: 10 },
    },
    {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: meta('apollo-devs-edit', world.roleBindingUid, '7001934'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'apollo-devs' }],
    },
    loadTestNotesObject(world),
  ]);
}

/** The cluster-scoped guardrails: the MCP server's impersonation grant and hpa-protect, bound in Audit mode only. */
export function generateStagingApolloClusterListing(world: World): string {
  return writeListing([
    ...impersonationRbac(world.impersonatorRoleUid, world.impersonatorBindingUid),
    {
      kind: 'ValidatingAdmissionPolicy',
      apiVersion: 'admissionregistration.k8s.io/v1',
      metadata: {
        name: POLICY.name,
        uid: world.policyUid,
        resourceVersion: '8811002',
        generation: 1,
        creationTimestamp: '2025-03-02T15:40:00Z',
      },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          namespaceSelector: { matchLabels: { 'platform.example.com/protect-autoscalers': 'true' } },
          resourceRules: [
            { apiGroups: ['autoscaling'], apiVersions: ['*'], operations: ['DELETE'], resources: ['horizontalpodautoscalers'] },
          ],
        },
        validations: [{ expression: 'oldObject.status.currentReplicas >= oldObject.status.desiredReplicas', message: POLICY.message }],
      },
      status: { observedGeneration: 1, typeChecking: {} },
    },
    // The gap: the binding was left in Audit while the policy was trialled, so a failing delete is logged, not refused.
    {
      kind: 'ValidatingAdmissionPolicyBinding',
      apiVersion: 'admissionregistration.k8s.io/v1',
      metadata: {
        name: POLICY.binding,
        uid: world.policyBindingUid,
        resourceVersion: '8811003',
        generation: 1,
        creationTimestamp: '2025-03-02T15:40:00Z',
      },
      spec: {
        policyName: POLICY.name,
        validationActions: ['Audit'],
        matchResources: { namespaceSelector: { matchLabels: { 'platform.example.com/protect-autoscalers': 'true' } } },
      },
    },
  ]);
}
