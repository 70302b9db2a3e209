// What a cluster's audit log holds besides an incident: leader-election leases, node heartbeats, monitoring,
// other people's work, and (for benchmarks) a fleet of readers. Shared by every sample story.
import type { AuditCall, UserInfo } from './audit-writer';
import type { SeededRandom } from './random';

export type AddCall = (
  call: Omit<AuditCall, 'latencyUs' | 'withRequestReceived' | 'decision' | 'authzReason' | 'code'> & Partial<AuditCall>,
) => void;

export const KUBE_VERSION = 'v1.31.4';
const BUILD = `${KUBE_VERSION} (linux/amd64) kubernetes/a78aa47`;

export const rbac = (binding: string, role: string, subject: string): string => `RBAC: allowed by ${binding} of ${role} to ${subject}`;

export function serviceAccount(random: SeededRandom, namespace: string, name: string, pod?: { name: string; node: string }): UserInfo {
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

/** A kube-controller-manager controller, with the RBAC reason its own ClusterRoleBinding gives. */
export function controller(random: SeededRandom, name: string) {
  return {
    user: serviceAccount(random, 'kube-system', name),
    userAgent: `kube-controller-manager/${BUILD}/system:serviceaccount:kube-system:${name}`,
    authzReason: rbac(
      `ClusterRoleBinding "system:controller:${name}"`,
      `ClusterRole "system:controller:${name}"`,
      `ServiceAccount "${name}/kube-system"`,
    ),
  };
}

export const kubeletAgent = `kubelet/${BUILD}`;
export const schedulerIdentity = {
  user: { username: 'system:kube-scheduler', groups: ['system:authenticated'] },
  userAgent: `kube-scheduler/${BUILD}/scheduler`,
  authzReason: rbac('ClusterRoleBinding "system:kube-scheduler"', 'ClusterRole "system:kube-scheduler"', 'User "system:kube-scheduler"'),
};

export interface Person {
  user: UserInfo;
  userAgent: string;
  sourceIP: string;
  namespace: string;
  authzReason: string;
  reads: number;
}

export interface ClusterNoise {
  t0: number;
  tEnd: number;
  controlPlaneIp: string;
  nodes: Record<string, string>;
  /** Namespaces Prometheus lists pods in every 30 s. */
  scraped: string[];
  people: Person[];
  /** A CI deployer updating config maps in one namespace. */
  ci: { namespace: string; configMaps: string[] };
}

export function addClusterNoise(random: SeededRandom, add: AddCall, noise: ClusterNoise): void {
  const span = noise.tEnd - noise.t0;
  const kcm = {
    user: { username: 'system:kube-controller-manager', groups: ['system:authenticated'] },
    userAgent: `kube-controller-manager/${BUILD}/leader-election`,
    sourceIP: noise.controlPlaneIp,
  };
  for (let t = noise.t0 + random.int(0, 2_000_000); t < noise.tEnd; t += 2_000_000 + random.int(-50_000, 50_000)) {
    add({
      ...kcm,
      atUs: t,
      verb: 'update',
      requestURI: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager',
      objectRef: {
        resource: 'leases',
        namespace: 'kube-system',
        name: 'kube-controller-manager',
        apiGroup: 'coordination.k8s.io',
        apiVersion: 'v1',
      },
      withRequestReceived: false,
      authzReason: rbac(
        'ClusterRoleBinding "system:kube-controller-manager"',
        'ClusterRole "system:kube-controller-manager"',
        'User "system:kube-controller-manager"',
      ),
    });
  }
  for (const [node, ip] of Object.entries(noise.nodes)) {
    for (let t = noise.t0 + random.int(0, 10_000_000); t < noise.tEnd; t += 10_000_000 + random.int(-200_000, 200_000)) {
      add({
        user: { username: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] },
        userAgent: kubeletAgent,
        sourceIP: ip,
        atUs: t,
        verb: 'update',
        requestURI: `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}?timeout=10s`,
        objectRef: { resource: 'leases', namespace: 'kube-node-lease', name: node, apiGroup: 'coordination.k8s.io', apiVersion: 'v1' },
        withRequestReceived: false,
      });
    }
  }
  const nodeNames = Object.keys(noise.nodes);
  const prometheus = {
    user: serviceAccount(random, 'monitoring', 'prometheus-k8s', { name: 'prometheus-k8s-0', node: nodeNames[nodeNames.length - 1]! }),
    userAgent: 'Prometheus/2.53.1',
    sourceIP: '10.42.2.9',
  };
  for (let t = noise.t0 + random.int(0, 30_000_000); t < noise.tEnd; t += 30_000_000) {
    for (const ns of noise.scraped) {
      add({
        ...prometheus,
        atUs: t + random.int(0, 400_000),
        verb: 'list',
        requestURI: `/api/v1/namespaces/${ns}/pods?limit=500&resourceVersion=0`,
        objectRef: { resource: 'pods', namespace: ns, apiVersion: 'v1' },
        authzReason: rbac(
          'ClusterRoleBinding "prometheus-k8s"',
          'ClusterRole "prometheus-k8s"',
          'ServiceAccount "prometheus-k8s/monitoring"',
        ),
      });
    }
  }
  for (const person of noise.people) {
    for (let i = 0; i < person.reads; i++) {
      const resource = random.pick(['pods', 'services', 'configmaps', 'events']);
      add({
        user: person.user,
        userAgent: person.userAgent,
        sourceIP: person.sourceIP,
        atUs: noise.t0 + random.int(0, span - 1),
        verb: random.pick(['get', 'list', 'list']),
        requestURI: `/api/v1/namespaces/${person.namespace}/${resource}?limit=500`,
        objectRef: { resource, namespace: person.namespace, apiVersion: 'v1' },
        authzReason: person.authzReason,
      });
    }
  }
  const ci = { user: serviceAccount(random, 'ci', 'deployer'), userAgent: 'argocd-application-controller/v2.13.1', sourceIP: '10.42.3.30' };
  for (let i = 0; i < 12; i++) {
    const name = random.pick(noise.ci.configMaps);
    add({
      ...ci,
      atUs: noise.t0 + random.int(0, span - 1),
      verb: 'update',
      requestURI: `/api/v1/namespaces/${noise.ci.namespace}/configmaps/${name}`,
      objectRef: { resource: 'configmaps', namespace: noise.ci.namespace, name, apiVersion: 'v1' },
      authzReason: rbac(`RoleBinding "ci-deployer/${noise.ci.namespace}"`, 'Role "deployer"', 'ServiceAccount "deployer/ci"'),
    });
  }
}

const READ_NAMESPACES = ['payments', 'staging', 'monitoring', 'data-pipeline', 'search', 'identity'];
const READ_RESOURCES = ['pods', 'services', 'configmaps', 'endpoints', 'events', 'secrets'];

export interface ReadClient {
  user: UserInfo;
  userAgent: string;
  sourceIP: string;
}

/** The fleet of other clients whose reads scale a sample's audit log (drawn even when none is asked for). */
export function readNoiseClients(random: SeededRandom): ReadClient[] {
  return Array.from({ length: 24 }, (_, i) => ({
    user: serviceAccount(random, random.pick(READ_NAMESPACES), `worker-${i}`),
    userAgent: `client-go/v0.31.4 (linux/amd64) kubernetes/a78aa47`,
    sourceIP: `10.42.${random.int(0, 7)}.${random.int(2, 250)}`,
  }));
}

/** Mixed into a story's seed for the scaling reads' own random sequence. */
export const READ_NOISE_SEED = 0x5eed;

/** The longest a read of the noise takes, in microseconds: a line of it is never further than this from its request. */
export const READ_NOISE_MAX_LATENCY_US = 6_000;

/**
 * Scaling noise for benchmarks: `count` reads by the fleet, one audit line each, made one at a time in
 * order of arrival (each in its own slot of the window, at a random point of it), so that a log of any
 * size is written without holding it: `mergeAuditLines` puts them in stage order with a few pending.
 */
export function* readNoiseCalls(
  random: SeededRandom,
  clients: readonly ReadClient[],
  window: { t0: number; tEnd: number },
  count: number,
): Generator<AuditCall> {
  const slot = (window.tEnd - window.t0) / Math.max(1, count);
  for (let i = 0; i < count; i++) {
    const namespace = random.pick(READ_NAMESPACES);
    const resource = random.pick(READ_RESOURCES);
    const from = window.t0 + Math.floor(i * slot);
    const to = Math.max(from, window.t0 + Math.floor((i + 1) * slot) - 1);
    yield {
      ...random.pick(clients),
      atUs: random.int(from, to),
      latencyUs: random.int(1_500, READ_NOISE_MAX_LATENCY_US),
      verb: random.pick(['get', 'list', 'watch']),
      requestURI: `/api/v1/namespaces/${namespace}/${resource}?limit=500`,
      objectRef: { resource, namespace, apiVersion: 'v1' },
      code: 200,
      decision: 'allow',
      withRequestReceived: false,
      authzReason: rbac(`RoleBinding "readers/${namespace}"`, 'ClusterRole "view"', 'Group "system:serviceaccounts"'),
    };
  }
}

/** Collects calls with the defaults of a story's audit log and writes the lines in stage order. */
export function auditCollector(random: SeededRandom): { add: AddCall; calls: AuditCall[] } {
  const calls: AuditCall[] = [];
  const add: AddCall = (call) => {
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
  return { add, calls };
}
