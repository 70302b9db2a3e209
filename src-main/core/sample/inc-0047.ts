// INC-0047, the api-service outage (../shared/context, 2025-04-03 14:31–14:58 UTC), as the cluster's
// audit log saw it. A developer, james.w, asks an agent to move api-service to v3.2.1-beta; the agent's
// Kubernetes MCP server patches the Deployment while impersonating him; the new image's 256Mi memory
// limit is too low, every replica is OOMKilled into CrashLoopBackOff; he asks for a rollback, the agent
// restores the previous template, and the service recovers. Around it runs the ordinary noise of a
// production cluster: leader-election leases, node heartbeats, monitoring, other people's work.
import { auditLines, type AuditCall, type AuditLine, type UserInfo } from './audit-writer';
import { SeededRandom } from './random';

const T0 = Date.UTC(2025, 3, 3, 14, 25, 0) * 1000; // microseconds; the log covers 14:25–15:00
const T_END = Date.UTC(2025, 3, 3, 15, 0, 0) * 1000;
const at = (hhmmss: string, micros = 0): number => {
  const [h, m, s] = hhmmss.split(':').map(Number) as [number, number, number];
  return Date.UTC(2025, 3, 3, h, m, s) * 1000 + micros;
};

const NS = 'production';
const DEVELOPER = { username: 'james.w@example.com', groups: ['dev-team', 'system:authenticated'] };
const CONTROL_PLANE_IP = '10.0.0.10';
const NODE_IPS: Record<string, string> = {
  'ip-10-0-1-21.ec2.internal': '10.0.1.21',
  'ip-10-0-1-37.ec2.internal': '10.0.1.37',
  'ip-10-0-2-14.ec2.internal': '10.0.2.14',
};
const NODES = Object.keys(NODE_IPS);

function serviceAccount(random: SeededRandom, namespace: string, name: string, pod?: { name: string; node: string }): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid: random.uuid(),
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    ...(pod
      ? {
          extra: {
            'authentication.kubernetes.io/credential-id': [`JTI=${random.uuid()}`],
            'authentication.kubernetes.io/node-name': [pod.node],
            'authentication.kubernetes.io/node-uid': [random.uuid()],
            'authentication.kubernetes.io/pod-name': [pod.name],
            'authentication.kubernetes.io/pod-uid': [random.uuid()],
          },
        }
      : {}),
  };
}

function controller(random: SeededRandom, name: string): { user: UserInfo; userAgent: string } {
  return {
    user: serviceAccount(random, 'kube-system', name),
    userAgent: `kube-controller-manager/v1.31.4 (linux/amd64) kubernetes/a78aa47/system:serviceaccount:kube-system:${name}`,
  };
}

const rbac = (binding: string, role: string, subject: string): string =>
  `RBAC: allowed by ${binding} of ${role} to ${subject}`;

function container(image: string, memoryLimit: string) {
  return {
    name: 'api-service',
    image,
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    resources: { limits: { cpu: '1', memory: memoryLimit }, requests: { cpu: '250m', memory: '192Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

export interface SampleOptions {
  seed?: number;
  /** Scale the log to at least this many lines with more background noise (the story stays the same). */
  events?: number;
}

export function generateInc0047Audit(options: SampleOptions = {}): string[] {
  const random = new SeededRandom(options.seed ?? 47);
  const calls: AuditCall[] = [];
  const add = (call: Omit<AuditCall, 'latencyUs' | 'withRequestReceived' | 'decision' | 'authzReason' | 'code'> &
    Partial<AuditCall>): void => {
    const mutating = !['get', 'list', 'watch'].includes(call.verb);
    calls.push({
      latencyUs: call.latencyUs ?? random.int(1_500, mutating ? 14_000 : 6_000),
      withRequestReceived: call.withRequestReceived ?? mutating,
      decision: 'allow',
      authzReason: '',
      code: 200,
      ...call,
    });
  };

  const deploymentUid = random.uuid();
  const oldHash = random.suffix(10);
  const newHash = random.suffix(10);
  const oldRs = { name: `api-service-${oldHash}`, uid: random.uuid() };
  const newRs = { name: `api-service-${newHash}`, uid: random.uuid() };
  const goodImage = 'registry.example.com/platform/api-service:v3.2.0';
  const betaImage = 'registry.example.com/platform/api-service:v3.2.1-beta';

  // The agent: a Kubernetes MCP server in its own namespace, acting for the developer by impersonation.
  const agentPod = { name: `kubernetes-mcp-server-6c9d7b5f4-${random.suffix(5)}`, node: NODES[1]! };
  const agent = {
    user: serviceAccount(random, 'mcp-system', 'kubernetes-mcp-server', agentPod),
    impersonatedUser: DEVELOPER,
    sourceIP: '10.42.1.17',
    userAgent: 'kubernetes-mcp-server/v0.0.50 (linux/amd64) kubernetes/$Format',
  };
  const developerAllowed = rbac('RoleBinding "dev-team-edit/production"', 'ClusterRole "edit"', 'Group "dev-team"');
  const deploymentsURI = `/apis/apps/v1/namespaces/${NS}/deployments`;
  const deploymentRef = { resource: 'deployments', namespace: NS, name: 'api-service', apiGroup: 'apps', apiVersion: 'v1' };

  const deploymentObject = (generation: number, image: string, memory: string, revision: number) => ({
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: 'api-service',
      namespace: NS,
      uid: deploymentUid,
      resourceVersion: String(48_211_000 + generation * 17),
      generation,
      creationTimestamp: '2024-11-18T09:12:44Z',
      labels: { app: 'api-service', team: 'platform' },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'api-service' } },
      template: { metadata: { labels: { app: 'api-service' } }, spec: { containers: [container(image, memory)] } },
      strategy: { type: 'Recreate' },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
  });

  // 14:31:04 the developer's prompt (not in the audit log) → the agent reads, then patches.
  add({
    ...agent,
    atUs: at('14:31:06', 112_408),
    level: 'RequestResponse',
    verb: 'get',
    requestURI: `${deploymentsURI}/api-service`,
    objectRef: deploymentRef,
    responseObject: deploymentObject(14, goodImage, '1Gi', 14),
    authzReason: developerAllowed,
  });
  add({
    ...agent,
    atUs: at('14:31:06', 884_102),
    level: 'RequestResponse',
    verb: 'patch',
    requestURI: `${deploymentsURI}/api-service?fieldManager=kubernetes-mcp-server`,
    objectRef: { ...deploymentRef, uid: deploymentUid },
    requestObject: { spec: { template: { spec: { containers: [{ name: 'api-service', image: betaImage, resources: { limits: { memory: '256Mi' } } }] } } } },
    responseObject: deploymentObject(15, betaImage, '256Mi', 15),
    authzReason: developerAllowed,
  });

  const deployCtl = controller(random, 'deployment-controller');
  const rsCtl = controller(random, 'replicaset-controller');
  const scheduler = { user: { username: 'system:kube-scheduler', groups: ['system:authenticated'] }, userAgent: 'kube-scheduler/v1.31.4 (linux/amd64) kubernetes/a78aa47/scheduler' };
  const rsURI = `/apis/apps/v1/namespaces/${NS}/replicasets`;
  const owner = (kind: string, name: string, uid: string) => [{ apiVersion: 'apps/v1', kind, name, uid, controller: true, blockOwnerDeletion: true }];
  const replicaSet = (rs: { name: string; uid: string }, hash: string, replicas: number, image: string, memory: string) => ({
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    metadata: {
      name: rs.name,
      namespace: NS,
      uid: rs.uid,
      labels: { app: 'api-service', 'pod-template-hash': hash },
      ownerReferences: owner('Deployment', 'api-service', deploymentUid),
    },
    spec: { replicas, selector: { matchLabels: { app: 'api-service', 'pod-template-hash': hash } }, template: { spec: { containers: [container(image, memory)] } } },
  });
  const scaleRs = (when: number, rs: { name: string; uid: string }, hash: string, replicas: number, image: string, memory: string, create = false) =>
    add({
      ...deployCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs: when,
      level: 'RequestResponse',
      verb: create ? 'create' : 'update',
      requestURI: create ? rsURI : `${rsURI}/${rs.name}`,
      objectRef: { resource: 'replicasets', namespace: NS, name: rs.name, apiGroup: 'apps', apiVersion: 'v1', ...(create ? {} : { uid: rs.uid }) },
      code: create ? 201 : 200,
      requestObject: replicaSet(rs, hash, replicas, image, memory),
      responseObject: replicaSet(rs, hash, replicas, image, memory),
      authzReason: rbac('ClusterRoleBinding "system:controller:deployment-controller"', 'ClusterRole "system:controller:deployment-controller"', 'ServiceAccount "deployment-controller/kube-system"'),
    });

  const podsURI = `/api/v1/namespaces/${NS}/pods`;
  const rsAllowed = rbac('ClusterRoleBinding "system:controller:replicaset-controller"', 'ClusterRole "system:controller:replicaset-controller"', 'ServiceAccount "replicaset-controller/kube-system"');
  const pod = (rs: { name: string; uid: string }) => ({ name: `${rs.name}-${random.suffix(5)}`, uid: random.uuid(), node: random.pick(NODES) });
  const podObject = (p: { name: string; uid: string }, rs: { name: string; uid: string }, image: string, memory: string) => ({
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: p.name, namespace: NS, uid: p.uid, labels: { app: 'api-service' }, ownerReferences: owner('ReplicaSet', rs.name, rs.uid) },
    spec: { containers: [container(image, memory)], restartPolicy: 'Always' },
  });
  const createPod = (when: number, p: { name: string; uid: string }, rs: { name: string; uid: string }, image: string, memory: string) => {
    add({
      ...rsCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs: when,
      level: 'RequestResponse',
      verb: 'create',
      requestURI: podsURI,
      objectRef: { resource: 'pods', namespace: NS, apiVersion: 'v1' },
      code: 201,
      requestObject: podObject(p, rs, image, memory),
      responseObject: podObject(p, rs, image, memory),
      authzReason: rsAllowed,
    });
    add({
      ...scheduler,
      sourceIP: CONTROL_PLANE_IP,
      atUs: when + random.int(40_000, 90_000),
      level: 'Metadata',
      verb: 'create',
      requestURI: `${podsURI}/${p.name}/binding`,
      objectRef: { resource: 'pods', namespace: NS, name: p.name, apiVersion: 'v1', subresource: 'binding' },
      code: 201,
      authzReason: rbac('ClusterRoleBinding "system:kube-scheduler"', 'ClusterRole "system:kube-scheduler"', 'User "system:kube-scheduler"'),
    });
  };
  const deletePod = (when: number, p: { name: string; uid: string }) =>
    add({
      ...rsCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs: when,
      level: 'Metadata',
      verb: 'delete',
      requestURI: `${podsURI}/${p.name}`,
      objectRef: { resource: 'pods', namespace: NS, name: p.name, uid: p.uid, apiVersion: 'v1' },
      authzReason: rsAllowed,
    });
  const kubeletStatus = (when: number, p: { name: string; uid: string; node: string }, containerStatus: Record<string, unknown>, ready: boolean) =>
    add({
      user: { username: `system:node:${p.node}`, groups: ['system:nodes', 'system:authenticated'] },
      userAgent: `kubelet/v1.31.4 (linux/amd64) kubernetes/a78aa47`,
      sourceIP: NODE_IPS[p.node]!,
      atUs: when,
      level: 'Request',
      verb: 'patch',
      requestURI: `${podsURI}/${p.name}/status`,
      objectRef: { resource: 'pods', namespace: NS, name: p.name, uid: p.uid, apiVersion: 'v1', subresource: 'status' },
      requestObject: {
        metadata: { uid: p.uid },
        status: {
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', ...(ready ? {} : { reason: 'ContainersNotReady' }) }],
          containerStatuses: [{ name: 'api-service', ready, ...containerStatus }],
        },
      },
      authzReason: '',
    });

  // The rollout: Recreate strategy, so the old pods go before the new ones come.
  const oldPods = [pod(oldRs), pod(oldRs), pod(oldRs)];
  const betaPods = [pod(newRs), pod(newRs), pod(newRs)];
  scaleRs(at('14:31:07', 31_552), oldRs, oldHash, 0, goodImage, '1Gi');
  oldPods.forEach((p, i) => deletePod(at('14:31:07', 210_000 + i * 41_000), p));
  scaleRs(at('14:31:08', 640_118), newRs, newHash, 3, betaImage, '256Mi', true);
  betaPods.forEach((p, i) => createPod(at('14:31:08', 702_000 + i * 52_000), p, newRs, betaImage, '256Mi'));
  const oom = (restarts: number) => ({
    restartCount: restarts,
    lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2025-04-03T14:31:21Z', finishedAt: '2025-04-03T14:31:52Z' } },
  });
  betaPods.forEach((p, i) => {
    kubeletStatus(at('14:31:21', i * 310_000), p, { started: true, state: { running: { startedAt: '2025-04-03T14:31:21Z' } }, restartCount: 0 }, false);
    kubeletStatus(at('14:31:52', 150_000 + i * 280_000), p, { started: false, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=api-service' } }, ...oom(1) }, false);
  });
  kubeletStatus(at('14:32:44', 18_551), betaPods[0]!, { started: false, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=api-service' } }, ...oom(3) }, false);
  betaPods.forEach((p, i) =>
    kubeletStatus(at('14:34:12', 96_000 + i * 120_000), p, { started: false, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container=api-service' } }, ...oom(4) }, false),
  );

  // 14:35:01 the developer asks for a rollback → the agent finds the previous ReplicaSet and restores it.
  add({
    ...agent,
    atUs: at('14:35:02', 771_230),
    level: 'Metadata',
    verb: 'list',
    requestURI: `${rsURI}?labelSelector=app%3Dapi-service`,
    objectRef: { resource: 'replicasets', namespace: NS, apiGroup: 'apps', apiVersion: 'v1' },
    authzReason: developerAllowed,
  });
  add({
    ...agent,
    atUs: at('14:35:03', 305_917),
    level: 'RequestResponse',
    verb: 'patch',
    requestURI: `${deploymentsURI}/api-service?fieldManager=kubernetes-mcp-server`,
    objectRef: { ...deploymentRef, uid: deploymentUid },
    requestObject: {
      metadata: { annotations: { 'deployment.kubernetes.io/revision': '14' } },
      spec: { template: { spec: { containers: [{ name: 'api-service', image: goodImage, resources: { limits: { memory: '1Gi' } } }] } } },
    },
    responseObject: deploymentObject(16, goodImage, '1Gi', 16),
    authzReason: developerAllowed,
  });
  const restoredPods = [pod(oldRs), pod(oldRs), pod(oldRs)];
  scaleRs(at('14:35:03', 402_664), newRs, newHash, 0, betaImage, '256Mi');
  betaPods.forEach((p, i) => deletePod(at('14:35:03', 530_000 + i * 38_000), p));
  scaleRs(at('14:35:05', 118_020), oldRs, oldHash, 3, goodImage, '1Gi');
  restoredPods.forEach((p, i) => createPod(at('14:35:05', 190_000 + i * 47_000), p, oldRs, goodImage, '1Gi'));
  restoredPods.forEach((p, i) => {
    kubeletStatus(at('14:35:19', i * 220_000), p, { started: true, state: { running: { startedAt: '2025-04-03T14:35:18Z' } }, restartCount: 0 }, false);
    kubeletStatus(at('14:36:58', 120_000 + i * 95_000), p, { started: true, state: { running: { startedAt: '2025-04-03T14:35:18Z' } }, restartCount: 0 }, true);
  });

  addNoise(random, add);
  const storyLines = calls.reduce((n, call) => n + (call.withRequestReceived ? 2 : 1), 0);
  addReadNoise(random, add, Math.max(0, (options.events ?? 0) - storyLines));
  const lines: AuditLine[] = calls.flatMap((call) => auditLines(call, random));
  lines.sort((a, b) => a.stageUs - b.stageUs);
  return lines.map((l) => l.line);
}

type Add = (call: Omit<AuditCall, 'latencyUs' | 'withRequestReceived' | 'decision' | 'authzReason' | 'code'> & Partial<AuditCall>) => void;

/** What a production cluster's audit log holds besides the incident. */
function addNoise(random: SeededRandom, add: Add): void {
  const kcm = { user: { username: 'system:kube-controller-manager', groups: ['system:authenticated'] }, userAgent: 'kube-controller-manager/v1.31.4 (linux/amd64) kubernetes/a78aa47/leader-election', sourceIP: CONTROL_PLANE_IP };
  for (let t = T0 + random.int(0, 2_000_000); t < T_END; t += 2_000_000 + random.int(-50_000, 50_000)) {
    add({
      ...kcm,
      atUs: t,
      level: 'Metadata',
      verb: 'update',
      requestURI: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager',
      objectRef: { resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager', apiGroup: 'coordination.k8s.io', apiVersion: 'v1' },
      withRequestReceived: false,
      authzReason: rbac('ClusterRoleBinding "system:kube-controller-manager"', 'ClusterRole "system:kube-controller-manager"', 'User "system:kube-controller-manager"'),
    });
  }
  for (const node of NODES) {
    for (let t = T0 + random.int(0, 10_000_000); t < T_END; t += 10_000_000 + random.int(-200_000, 200_000)) {
      add({
        user: { username: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] },
        userAgent: 'kubelet/v1.31.4 (linux/amd64) kubernetes/a78aa47',
        sourceIP: NODE_IPS[node]!,
        atUs: t,
        level: 'Metadata',
        verb: 'update',
        requestURI: `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}?timeout=10s`,
        objectRef: { resource: 'leases', namespace: 'kube-node-lease', name: node, apiGroup: 'coordination.k8s.io', apiVersion: 'v1' },
        withRequestReceived: false,
      });
    }
  }
  const prometheus = { user: serviceAccount(random, 'monitoring', 'prometheus-k8s', { name: 'prometheus-k8s-0', node: NODES[2]! }), userAgent: 'Prometheus/2.53.1', sourceIP: '10.42.2.9' };
  for (let t = T0 + random.int(0, 30_000_000); t < T_END; t += 30_000_000) {
    for (const ns of ['production', 'payments', 'staging']) {
      add({
        ...prometheus,
        atUs: t + random.int(0, 400_000),
        level: 'Metadata',
        verb: 'list',
        requestURI: `/api/v1/namespaces/${ns}/pods?limit=500&resourceVersion=0`,
        objectRef: { resource: 'pods', namespace: ns, apiVersion: 'v1' },
        authzReason: rbac('ClusterRoleBinding "prometheus-k8s"', 'ClusterRole "prometheus-k8s"', 'ServiceAccount "prometheus-k8s/monitoring"'),
      });
    }
  }
  // Other people at work: an SRE looking at payments, a CI deployer updating staging config.
  const alice = { user: { username: 'alice.k@example.com', groups: ['sre', 'system:authenticated'] }, userAgent: 'kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46', sourceIP: '192.0.2.44' };
  for (let i = 0; i < 40; i++) {
    const resource = random.pick(['pods', 'services', 'configmaps', 'events']);
    add({
      ...alice,
      atUs: T0 + random.int(0, T_END - T0 - 1),
      level: 'Metadata',
      verb: random.pick(['get', 'list', 'list']),
      requestURI: `/api/v1/namespaces/payments/${resource}?limit=500`,
      objectRef: { resource, namespace: 'payments', apiVersion: 'v1' },
      authzReason: rbac('ClusterRoleBinding "sre-view"', 'ClusterRole "view"', 'Group "sre"'),
    });
  }
  const ci = { user: serviceAccount(random, 'ci', 'deployer'), userAgent: 'argocd-application-controller/v2.13.1', sourceIP: '10.42.3.30' };
  for (let i = 0; i < 12; i++) {
    const name = random.pick(['web-frontend-config', 'feature-flags', 'checkout-config']);
    add({
      ...ci,
      atUs: T0 + random.int(0, T_END - T0 - 1),
      level: 'Metadata',
      verb: 'update',
      requestURI: `/api/v1/namespaces/staging/configmaps/${name}`,
      objectRef: { resource: 'configmaps', namespace: 'staging', name, apiVersion: 'v1' },
      authzReason: rbac('RoleBinding "ci-deployer/staging"', 'Role "deployer"', 'ServiceAccount "deployer/ci"'),
    });
  }
}

const NOISE_NAMESPACES = ['payments', 'staging', 'monitoring', 'data-pipeline', 'search', 'identity'];
const NOISE_RESOURCES = ['pods', 'services', 'configmaps', 'endpoints', 'events', 'secrets'];

/** Scaling noise for benchmarks: reads by a fleet of other clients, one audit line each. */
function addReadNoise(random: SeededRandom, add: Add, count: number): void {
  const clients = Array.from({ length: 24 }, (_, i) => ({
    user: serviceAccount(random, random.pick(NOISE_NAMESPACES), `worker-${i}`),
    userAgent: `client-go/v0.31.4 (linux/amd64) kubernetes/a78aa47`,
    sourceIP: `10.42.${random.int(0, 7)}.${random.int(2, 250)}`,
  }));
  for (let i = 0; i < count; i++) {
    const namespace = random.pick(NOISE_NAMESPACES);
    const resource = random.pick(NOISE_RESOURCES);
    add({
      ...random.pick(clients),
      atUs: T0 + random.int(0, T_END - T0 - 1),
      level: 'Metadata',
      verb: random.pick(['get', 'list', 'watch']),
      requestURI: `/api/v1/namespaces/${namespace}/${resource}?limit=500`,
      objectRef: { resource, namespace, apiVersion: 'v1' },
      withRequestReceived: false,
      authzReason: rbac(`RoleBinding "readers/${namespace}"`, 'ClusterRole "view"', 'Group "system:serviceaccounts"'),
    });
  }
}
