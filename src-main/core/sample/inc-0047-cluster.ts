// INC-0047 as the cluster's Events and a capture's listings saw it: the rollout's ScalingReplicaSet and
// SuccessfulCreate, the beta pods' start, readiness failures, the kernel's OOM kills and the kubelet's
// back-off, the rollback; and what `kubectl get … -o json` showed at 15:00, after the recovery.
import { formatSeconds } from './clock';
import { recordCronJobNoise } from './events-noise';
import { EventRecorder, podObject as eventPod, recordContainerStart, recordPodStart, type PodRef } from './events-writer';
import { deploymentObject, podObject, replicaSetObject, runningStatus } from './k8s-objects';
import { writeListing } from './listing-writer';
import { SeededRandom } from './random';
import { APP, at, BETA, BETA_IMAGE, GOOD, GOOD_IMAGE, NODE_IPS, NODES, NS, T0, T_END, type Pod, type World } from './inc-0047-world';

const SCHEDULER = 'default-scheduler-ip-10-0-0-10';
const ref = (p: Pod): PodRef => ({ name: p.name, namespace: NS, uid: p.uid, node: p.node, container: APP });

export function generateInc0047Events(world: World, seed = 47): string[] {
  const random = new SeededRandom(seed + 3);
  const events = new EventRecorder(random, 48_212_400);
  const deployment = { kind: 'Deployment', namespace: NS, name: APP, uid: world.deployment.uid, apiVersion: 'apps/v1' };
  const rsRef = (rs: { name: string; uid: string }) => ({
    kind: 'ReplicaSet',
    namespace: NS,
    name: rs.name,
    uid: rs.uid,
    apiVersion: 'apps/v1',
  });
  const scaled = (atUs: number, rs: { name: string }, from: number, to: number) =>
    events.record({
      atUs,
      object: deployment,
      reason: 'ScalingReplicaSet',
      message: `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.name} from ${from} to ${to}`,
      type: 'Normal',
      component: 'deployment-controller',
    });
  const podChange = (atUs: number, rs: { name: string; uid: string }, p: Pod, verb: 'Create' | 'Delete') =>
    events.record({
      atUs,
      object: rsRef(rs),
      reason: `Successful${verb}`,
      message: `${verb === 'Create' ? 'Created' : 'Deleted'} pod: ${p.name}`,
      type: 'Normal',
      component: 'replicaset-controller',
    });
  const killing = (atUs: number, p: Pod) =>
    events.record({
      atUs,
      object: eventPod(ref(p), undefined, true),
      reason: 'Killing',
      message: `Stopping container ${APP}`,
      type: 'Normal',
      component: 'kubelet',
      host: p.node,
    });
  const unready = (atUs: number, p: Pod, why: string) =>
    events.record({
      atUs,
      object: eventPod(ref(p), undefined, true),
      reason: 'Unhealthy',
      message: `Readiness probe failed: ${why}`,
      type: 'Warning',
      component: 'kubelet',
      host: p.node,
    });

  // The upgrade: Recreate, so the old ReplicaSet goes to 0 before the new one comes up.
  scaled(at('14:31:07', 36_000), world.oldRs, 3, 0);
  world.oldPods.forEach((p, i) => {
    podChange(at('14:31:07', 214_000 + i * 41_000), world.oldRs, p, 'Delete');
    killing(at('14:31:07', 260_000 + i * 41_000), p);
  });
  scaled(at('14:31:08', 646_000), world.newRs, 0, 3);
  world.betaPods.forEach((p, i) => {
    const created = at('14:31:08', 702_000 + i * 52_000);
    podChange(created + 5_000, world.newRs, p, 'Create');
    recordPodStart(events, ref(p), created + 60_000, at('14:31:21', i * 310_000 - 100_000), BETA_IMAGE, {
      pull: true,
      schedulerHost: SCHEDULER,
    });
  });
  // Each start fills the 256Mi cgroup in seconds; the kernel kills it, the kubelet backs off 10s, 20s, 40s, 80s.
  const restarts = ['14:32:03', '14:32:34', '14:33:24'];
  const kills = ['14:31:52', '14:32:14', '14:32:44', '14:33:40'];
  world.betaPods.forEach((p, i) => {
    const offset = i * 280_000;
    for (let s = 0; s < 5; s++)
      unready(
        at('14:31:23', offset + s * 5_000_000),
        p,
        `Get "http://${p.ip}:8080/healthz": dial tcp ${p.ip}:8080: connect: connection refused`,
      );
    kills.forEach((kill, k) => {
      const killedUs = at(kill, 150_000 + offset - (k === 2 && i === 0 ? 132_000 : 0));
      const pid = 4211 + k * 97 + i * 13;
      events.record({
        atUs: killedUs - 40_000,
        object: { kind: 'Node', name: p.node, uid: world.nodeUids[p.node]!, apiVersion: 'v1' },
        reason: 'OOMKilling',
        message: `Memory cgroup out of memory: Killed process ${pid} (api-service) total-vm:1843212kB, anon-rss:261544kB, file-rss:11020kB, shmem-rss:0kB, UID:10001 pgtables:1012kB oom_score_adj:983`,
        type: 'Warning',
        component: 'kernel-monitor',
        host: p.node,
      });
      events.record({
        atUs: killedUs + 1_000_000,
        object: eventPod(ref(p), undefined, true),
        reason: 'BackOff',
        message: `Back-off restarting failed container ${APP} in pod ${p.name}_${NS}(${p.uid})`,
        type: 'Warning',
        component: 'kubelet',
        host: p.node,
      });
    });
    restarts.forEach((restart) =>
      recordContainerStart(events, ref(p), at(restart, offset), at(restart, offset + 400_000), BETA_IMAGE, false),
    );
    for (const repeat of ['14:34:12', '14:34:40']) {
      events.record({
        atUs: at(repeat, offset + 96_000),
        object: eventPod(ref(p), undefined, true),
        reason: 'BackOff',
        message: `Back-off restarting failed container ${APP} in pod ${p.name}_${NS}(${p.uid})`,
        type: 'Warning',
        component: 'kubelet',
        host: p.node,
      });
    }
  });

  // The rollback.
  scaled(at('14:35:03', 408_000), world.newRs, 3, 0);
  world.betaPods.forEach((p, i) => {
    podChange(at('14:35:03', 534_000 + i * 38_000), world.newRs, p, 'Delete');
    killing(at('14:35:03', 590_000 + i * 38_000), p);
  });
  scaled(at('14:35:05', 124_000), world.oldRs, 0, 3);
  world.restoredPods.forEach((p, i) => {
    const created = at('14:35:05', 190_000 + i * 47_000);
    podChange(created + 5_000, world.oldRs, p, 'Create');
    recordPodStart(events, ref(p), created + 60_000, at('14:35:18', 200_000 + i * 90_000), GOOD_IMAGE, {
      pull: false,
      schedulerHost: SCHEDULER,
    });
    // v3.2.0 warms its caches for a minute and a half before it reports ready.
    for (let s = 0; s < 6; s++) unready(at('14:35:25', i * 90_000 + s * 15_000_000), p, 'HTTP probe failed with statuscode: 503');
  });

  recordCronJobNoise(
    events,
    random,
    { t0: T0, tEnd: T_END },
    NODES,
    [
      { namespace: 'payments', name: 'ledger-reconcile', image: 'registry.example.com/payments/reconcile:2.8.1', everyMinutes: 5 },
      { namespace: 'data-pipeline', name: 'export-daily-metrics', image: 'registry.example.com/data/exporter:1.12.0', everyMinutes: 10 },
      { namespace: 'monitoring', name: 'blackbox-probe', image: 'registry.example.com/monitoring/probe:0.25.0', everyMinutes: 3 },
    ],
    SCHEDULER,
  );
  return events.lines();
}

/** `kubectl get deploy,rs,pods,hpa,pdb,roles,rolebindings -n production -o json` at 15:00, after the recovery. */
export function generateInc0047Listing(world: World): string {
  const created = '2024-11-18T09:12:44Z';
  const restoredAt = formatSeconds(at('14:35:18'));
  const deployment = deploymentObject({
    namespace: NS,
    app: APP,
    uid: world.deployment.uid,
    created,
    resourceVersion: '48215031',
    generation: 16,
    revision: 16,
    replicas: 3,
    container: GOOD,
    strategy: 'Recreate',
    status: {
      observedGeneration: 16,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: formatSeconds(at('14:36:58')),
          lastTransitionTime: '2024-11-18T09:12:44Z',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${world.oldRs.name}" has successfully progressed.`,
        },
        {
          type: 'Available',
          status: 'True',
          lastUpdateTime: formatSeconds(at('14:36:58')),
          lastTransitionTime: formatSeconds(at('14:36:58')),
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
      ],
    },
  });
  const rs = (
    r: { name: string; uid: string },
    hash: string,
    replicas: number,
    revision: number,
    spec: typeof GOOD,
    rv: string,
    since: string,
  ) =>
    replicaSetObject({
      namespace: NS,
      app: APP,
      rs: r,
      hash,
      deployment: world.deployment,
      revision,
      replicas,
      container: spec,
      created: since,
      resourceVersion: rv,
      status:
        replicas > 0
          ? { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 3 }
          : { replicas: 0, observedGeneration: 2 },
    });
  const pods = world.restoredPods.map((p, i) =>
    podObject({
      namespace: NS,
      app: APP,
      pod: p,
      rs: world.oldRs,
      hash: world.oldHash,
      container: GOOD,
      created: formatSeconds(at('14:35:05', 190_000 + i * 47_000)),
      resourceVersion: String(48_214_900 + i * 7),
      status: runningStatus({
        ip: p.ip,
        hostIP: NODE_IPS[p.node]!,
        started: restoredAt,
        ready: true,
        restarts: 0,
        containerName: APP,
        image: GOOD_IMAGE,
      }),
    }),
  );
  const meta = (name: string, uid: string, rv: string) => ({ name, namespace: NS, uid, resourceVersion: rv, creationTimestamp: created });
  return writeListing([
    deployment,
    rs(world.oldRs, world.oldHash, 3, 16, GOOD, '48215029', created),
    rs(world.newRs, world.newHash, 0, 15, BETA, '48214771', formatSeconds(at('14:31:08'))),
    ...pods,
    {
      kind: 'PodDisruptionBudget',
      apiVersion: 'policy/v1',
      metadata: meta(`${APP}`, world.pdbUid, '40112873'),
      spec: { minAvailable: 2, selector: { matchLabels: { app: APP } } },
      status: { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
    },
    {
      kind: 'Role',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: meta('configmap-reader', world.roleUid, '30921188'),
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    },
    // The binding the audit's authorization reason names: the impersonated developer may edit production.
    {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: meta('dev-team-edit', world.roleBindingUid, '30921190'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'dev-team' }],
    },
    {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: meta('api-service-configmap-reader', world.readerBindingUid, '30921191'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: NS }],
    },
  ]);
}

/** The cluster-scoped objects the incident involves: the nodes, and what lets the MCP server impersonate anyone. */
export function generateInc0047ClusterListing(world: World): string {
  return writeListing([
    ...NODES.map((node) => ({
      kind: 'Node',
      apiVersion: 'v1',
      metadata: {
        name: node,
        uid: world.nodeUids[node],
        resourceVersion: '48214990',
        creationTimestamp: '2025-02-11T06:40:12Z',
        labels: { 'kubernetes.io/hostname': node, 'node.kubernetes.io/instance-type': 'm6i.xlarge' },
      },
      status: {
        addresses: [{ type: 'InternalIP', address: NODE_IPS[node] }],
        capacity: { cpu: '4', memory: '16069136Ki', pods: '58' },
        nodeInfo: { kubeletVersion: 'v1.31.4', containerRuntimeVersion: 'containerd://1.7.23' },
      },
    })),
    ...impersonationRbac(world.impersonatorRoleUid, world.impersonatorBindingUid),
  ]);
}

/** A ClusterRole to impersonate any user or group, bound to the MCP server's service account. */
export function impersonationRbac(roleUid: string, bindingUid: string) {
  const labels = { 'app.kubernetes.io/name': 'kubernetes-mcp-server' };
  return [
    {
      kind: 'ClusterRole',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'mcp-impersonator', uid: roleUid, resourceVersion: '30920001', creationTimestamp: '2025-03-20T10:02:11Z', labels },
      rules: [{ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }],
    },
    {
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: {
        name: 'kubernetes-mcp-server-impersonator',
        uid: bindingUid,
        resourceVersion: '30920002',
        creationTimestamp: '2025-03-20T10:02:11Z',
        labels,
      },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mcp-impersonator' },
      subjects: [{ kind: 'ServiceAccount', name: 'kubernetes-mcp-server', namespace: 'mcp-system' }],
    },
  ];
}
