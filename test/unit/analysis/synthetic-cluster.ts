// A synthetic cluster for the findings rules: days of ordinary traffic (controllers, kubelets, monitoring,
// a CI deployer, two people in working hours, an agent's tool server reading for one of them, scattered
// denials) with injected anomalies of each kind, each labelled with the rule that must find it. Seeded:
// the same options give the same calls. `auditLine` writes a call as a Kubernetes audit event, so the
// same traffic can go through the importer.
import type { ApiCall } from '../../../src-main/core/analysis/attribution';
import type { FindingRule } from '../../../src-main/shared/attribution';

export const AGENT_SA = 'system:serviceaccount:mcp-system:kubernetes-mcp-server';
export const REFERENCE_STEPS = [
  { verb: 'list', resource: 'secrets' },
  { verb: 'create', resource: 'pods/exec' },
  { verb: 'delete', resource: 'pods' },
];

/** Monday 2026-11-30 00:00 UTC: the case runs two days from here; working hours Mon–Fri 08–18 UTC. */
export const START_MS = Date.UTC(2026, 10, 30);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface Injected {
  rule: FindingRule;
  ids: Set<number>;
  what: string;
}

export interface SyntheticCluster {
  calls: ApiCall[];
  injected: Injected[];
  /** End of the first quarter: the baseline, as the case has no prompt. */
  baselineUntil: number;
}

/** Mulberry32: small, seeded, good enough for traffic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Traffic {
  actor: string;
  actorType: string;
  onBehalfOf?: string;
  perMinute: number;
  workingHoursOnly?: boolean;
  calls: { verb: string; resource: string; namespace?: string }[];
}

const ORDINARY: Traffic[] = [
  {
    actor: 'system:kube-controller-manager',
    actorType: 'system',
    perMinute: 15,
    calls: [
      { verb: 'update', resource: 'leases', namespace: 'kube-system' },
      { verb: 'get', resource: 'leases', namespace: 'kube-system' },
    ],
  },
  ...[1, 2, 3].map((n) => ({
    actor: `system:node:node-${n}`,
    actorType: 'system',
    perMinute: 5,
    calls: [
      { verb: 'patch', resource: 'pods/status', namespace: 'production' },
      { verb: 'list', resource: 'pods' },
      { verb: 'get', resource: 'configmaps', namespace: 'production' },
    ],
  })),
  {
    actor: 'system:serviceaccount:kube-system:replicaset-controller',
    actorType: 'service_account',
    perMinute: 0.5,
    calls: [
      { verb: 'create', resource: 'pods', namespace: 'production' },
      { verb: 'delete', resource: 'pods', namespace: 'production' },
      { verb: 'update', resource: 'replicasets/status', namespace: 'production' },
    ],
  },
  {
    actor: 'system:serviceaccount:monitoring:prometheus-k8s',
    actorType: 'service_account',
    perMinute: 6,
    calls: ['default', 'production', 'monitoring'].flatMap((namespace) => [
      { verb: 'list', resource: 'pods', namespace },
      { verb: 'list', resource: 'services', namespace },
      { verb: 'list', resource: 'endpoints', namespace },
    ]),
  },
  {
    actor: 'system:serviceaccount:ci:deployer',
    actorType: 'service_account',
    perMinute: 1,
    workingHoursOnly: true,
    calls: ['staging', 'production'].flatMap((namespace) => [
      { verb: 'get', resource: 'deployments', namespace },
      { verb: 'patch', resource: 'deployments', namespace },
    ]),
  },
  ...['alice@example.com', 'bob@example.com'].map((actor) => ({
    actor,
    actorType: 'human',
    perMinute: 0.5,
    workingHoursOnly: true,
    calls: [
      { verb: 'get', resource: 'pods', namespace: 'staging' },
      { verb: 'list', resource: 'pods', namespace: 'staging' },
      { verb: 'get', resource: 'deployments', namespace: 'staging' },
      { verb: 'patch', resource: 'deployments', namespace: 'staging' },
    ],
  })),
  {
    actor: AGENT_SA,
    actorType: 'service_account',
    onBehalfOf: 'alice@example.com',
    perMinute: 0.4,
    workingHoursOnly: true,
    calls: [
      { verb: 'get', resource: 'pods', namespace: 'staging' },
      { verb: 'list', resource: 'pods', namespace: 'staging' },
      { verb: 'get', resource: 'deployments', namespace: 'staging' },
    ],
  },
];

const working = (ms: number): boolean => {
  const d = new Date(ms);
  return d.getUTCDay() >= 1 && d.getUTCDay() <= 5 && d.getUTCHours() >= 8 && d.getUTCHours() < 18;
};

/** Poisson draw (Knuth; the rates here are small). */
function poisson(rand: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rand(); p > limit; p *= rand()) k += 1;
  return k;
}

/**
 * `days` of traffic (about 53,000 calls a day at `density` 1) and each anomaly kind injected `copies` times, on the
 * second day. Ids are assigned in time order.
 */
export function syntheticCluster(options: { days?: number; copies?: number; seed?: number; density?: number } = {}): SyntheticCluster {
  const { days = 2, copies = 2, seed = 19, density = 1 } = options;
  const rand = random(seed);
  const pending: (Omit<ApiCall, 'id'> & { label?: number })[] = [];
  const end = START_MS + days * 24 * HOUR;
  for (let minute = START_MS; minute < end; minute += MINUTE) {
    for (const t of ORDINARY) {
      if (t.workingHoursOnly && !working(minute)) continue;
      const n = poisson(rand, t.perMinute * density);
      for (let i = 0; i < n; i += 1) {
        const c = t.calls[Math.floor(rand() * t.calls.length)]!;
        // About one call in 3,000 is denied: scattered, never a burst.
        const outcome = rand() < 1 / 3000 ? 'denied' : 'success';
        pending.push({
          ms: minute + Math.floor(rand() * MINUTE),
          actor: t.actor,
          actorType: t.actorType,
          ...(t.onBehalfOf ? { onBehalfOf: t.onBehalfOf } : {}),
          ...c,
          outcome,
        });
      }
    }
  }
  const injected: Injected[] = [];
  const inject = (rule: FindingRule, what: string, calls: Omit<ApiCall, 'id'>[]) => {
    const label = injected.length;
    injected.push({ rule, what, ids: new Set() });
    for (const call of calls) pending.push({ ...call, label });
  };
  const day2 = START_MS + 24 * HOUR;
  for (let k = 0; k < copies; k += 1) {
    const at = day2 + k * 3 * HOUR; // copy k three hours after copy k-1
    const bob = { actor: 'bob@example.com', actorType: 'human', outcome: 'success' };
    inject('first_seen', 'bob reads a secret in production', [
      { ...bob, ms: at + 9 * HOUR + 17 * MINUTE, verb: 'get', resource: 'secrets', namespace: `production-${k}` },
    ]);
    const prom = {
      actor: 'system:serviceaccount:monitoring:prometheus-k8s',
      actorType: 'service_account',
      outcome: 'success',
      verb: 'list',
      resource: 'pods',
      namespace: 'production',
    };
    inject(
      'rate',
      'prometheus lists pods 400 times in a minute',
      Array.from({ length: 400 }, (_, i) => ({ ...prom, ms: at + 10 * HOUR + 5 * MINUTE + Math.floor((i * MINUTE) / 400) })),
    );
    const deployer = {
      actor: 'system:serviceaccount:ci:deployer',
      actorType: 'service_account',
      outcome: 'denied',
      verb: 'patch',
      resource: 'deployments',
      namespace: 'staging',
    };
    inject(
      'denial_burst',
      'the deployer is denied 8 times in 40 s',
      Array.from({ length: 8 }, (_, i) => ({ ...deployer, ms: at + 11 * HOUR + 30 * MINUTE + i * 5000 })),
    );
    const agent = { actor: AGENT_SA, actorType: 'service_account', onBehalfOf: 'alice@example.com', outcome: 'success' };
    inject('agent_destructive', 'the agent deletes a deployment', [
      { ...agent, ms: at + 12 * HOUR + 2 * MINUTE, verb: 'delete', resource: 'deployments', namespace: 'staging' },
    ]);
    inject('off_hours', 'alice patches a deployment at night', [
      {
        actor: 'alice@example.com',
        actorType: 'human',
        outcome: 'success',
        ms: at + 2 * HOUR + 40 * MINUTE,
        verb: 'patch',
        resource: 'deployments',
        namespace: 'staging',
      },
    ]);
    inject(
      'sequence',
      'bob lists secrets, execs into a pod and deletes it',
      REFERENCE_STEPS.map((s, i) => ({ ...bob, ms: at + 14 * HOUR + i * 90_000, ...s, namespace: 'production' })),
    );
  }
  pending.sort((a, b) => a.ms - b.ms);
  const calls: ApiCall[] = pending.map(({ label, ...call }, index) => {
    const id = index + 1;
    if (label !== undefined) injected[label]!.ids.add(id);
    return { id, ...call };
  });
  return { calls, injected, baselineUntil: START_MS + (calls.at(-1)!.ms - START_MS) / 4 };
}

/** One call as a Kubernetes audit event line (ResponseComplete), for the importer. */
export function auditLine(call: ApiCall): string {
  const [resource, subresource] = call.resource.split('/');
  const time = new Date(call.ms).toISOString().replace('Z', '000Z');
  const denied = call.outcome === 'denied';
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${String(call.id).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/${call.namespace ? `namespaces/${call.namespace}/` : ''}${call.resource}`,
    verb: call.verb,
    user: { username: call.actor, groups: ['system:authenticated'] },
    ...(call.onBehalfOf ? { impersonatedUser: { username: call.onBehalfOf } } : {}),
    objectRef: {
      resource,
      ...(call.namespace ? { namespace: call.namespace } : {}),
      ...(subresource ? { subresource } : {}),
      apiVersion: 'v1',
    },
    responseStatus: { metadata: {}, code: denied ? 403 : 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: { 'authorization.k8s.io/decision': denied ? 'forbid' : 'allow' },
  });
}
