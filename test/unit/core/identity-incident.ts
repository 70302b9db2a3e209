// The incident of link-identity.test.ts, as a real cluster logs it: Metadata-level audit events (no
// objectRef.uid, no bodies), an agent scaling a Deployment through its `scale` subresource, the controllers'
// core/v1 Events, a listing of the ReplicaSets only, the CRDs, and the agent's OTLP trace. Shared with the
// wrapped-audit variant (link-identity-wrapped.test.ts), which sends the same audit log through a provider.
export const NS = 'production';
export const MCP = 'system:serviceaccount:mcp-system:kubernetes-mcp-server';
export const USER = 'dana.k@example.com';
export const UID = {
  deploymentOld: '0a4c7d1e-1111-4c5e-9a51-3f1d2b7e0001',
  deployment: '5b2f0e3a-2222-4a8b-8c1d-9e4f6a7b0002',
  deploymentNext: '9c8d7e6f-3333-4b2a-9d0c-1a2b3c4d0003',
  replicaSet: 'c1d2e3f4-4444-4c5d-8e9f-0a1b2c3d0004',
  replicaSetNext: 'd4e5f6a7-5555-4d6e-9f0a-1b2c3d4e0005',
  podA: 'e7f8a9b0-6666-4e7f-8a9b-2c3d4e5f0006',
  podB: 'f0a1b2c3-7777-4f80-9bac-3d4e5f6a0007',
  cacheOld: 'a1a1a1a1-8888-4a1a-8a1a-a1a1a1a10008',
  cacheNew: 'b2b2b2b2-9999-4b2b-9b2b-b2b2b2b20009',
  chaos: 'c3c3c3c3-aaaa-4c3c-8c3c-c3c3c3c3000a',
};
export const RS = 'web-5d8f7c9b4';
export const [POD_A, POD_B] = [`${RS}-x2x9k`, `${RS}-q7m4p`];

/** One Metadata-level audit event, as kube-apiserver's log backend writes it (ResponseComplete only). */
export function audit(at: string, verb: string, user: string, ref: Record<string, string>, code = 200, impersonate?: string): string {
  const uri = `/apis/${ref.apiGroup ? `${ref.apiGroup}/v1` : 'v1'}/namespaces/${ref.namespace}/${ref.resource}${ref.name ? `/${ref.name}` : ''}${ref.subresource ? `/${ref.subresource}` : ''}`;
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `${at}-${verb}-${ref.name ?? ''}`,
    stage: 'ResponseComplete',
    requestURI: uri,
    verb,
    user: { username: user, groups: ['system:authenticated'] },
    ...(impersonate ? { impersonatedUser: { username: impersonate, groups: ['system:authenticated'] } } : {}),
    sourceIPs: ['10.0.4.17'],
    userAgent: 'kube-controller-manager/v1.30.4',
    objectRef: { ...ref, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: at,
    stageTimestamp: at,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed' },
  });
}

export const deploymentRef = { resource: 'deployments', namespace: NS, name: 'web', apiGroup: 'apps' };

/** One core/v1 Event (whole-second times, as the API server keeps them). */
export function event(at: string, kind: string, name: string, uid: string, reason: string, message: string, component: string): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'v1',
    metadata: {
      name: `${name}.${uid.slice(0, 8)}${reason.length}`,
      namespace: NS,
      uid: `ev-${uid.slice(0, 8)}-${reason}-${message.length}`,
      creationTimestamp: at,
    },
    involvedObject: { kind, namespace: NS, name, uid, apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1' },
    reason,
    message,
    source: { component },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    type: 'Normal',
    eventTime: null,
  });
}

export const AUDIT = [
  // Before the window: an earlier Deployment "web" (another uid), deleted; the one of the incident replaced it.
  audit('2025-06-02T08:00:00.100000Z', 'delete', 'ci-bot@example.com', deploymentRef),
  // The agent reads, then scales through the `scale` subresource, impersonating the person.
  audit('2025-06-02T10:15:02.041000Z', 'get', MCP, { ...deploymentRef, subresource: 'scale' }, 200, USER),
  audit('2025-06-02T10:15:02.512000Z', 'patch', MCP, { ...deploymentRef, subresource: 'scale' }, 200, USER),
  // The ReplicaSet controller deletes two pods: Metadata level, no uid.
  audit('2025-06-02T10:15:03.020000Z', 'delete', 'system:serviceaccount:kube-system:replicaset-controller', {
    resource: 'pods',
    namespace: NS,
    name: POD_A,
  }),
  audit('2025-06-02T10:15:03.031000Z', 'delete', 'system:serviceaccount:kube-system:replicaset-controller', {
    resource: 'pods',
    namespace: NS,
    name: POD_B,
  }),
  // After the window: "web" is deleted and created again (a new uid).
  audit('2025-06-02T11:30:00.000000Z', 'delete', 'ci-bot@example.com', deploymentRef),
  // A pod name two objects may have held: cache-0 is patched between the last sighting of one and the first of the next.
  audit('2025-06-02T10:20:10.000000Z', 'patch', 'ops@example.com', { resource: 'pods', namespace: NS, name: 'cache-0' }),
  // A custom resource whose plural no rule would guess (NetworkChaos → networkchaos): the CRD listing says it.
  audit('2025-06-02T10:25:00.000000Z', 'patch', 'ops@example.com', {
    resource: 'networkchaos',
    namespace: NS,
    name: 'net-delay',
    apiGroup: 'chaos-mesh.org',
  }),
];

export const EVENTS = [
  event(
    '2025-06-02T07:40:00Z',
    'Deployment',
    'web',
    UID.deploymentOld,
    'ScalingReplicaSet',
    'Scaled up replica set web-6c9b8d7f5 to 3',
    'deployment-controller',
  ),
  event(
    '2025-06-02T10:15:03Z',
    'Deployment',
    'web',
    UID.deployment,
    'ScalingReplicaSet',
    `Scaled down replica set ${RS} to 1 from 3`,
    'deployment-controller',
  ),
  event('2025-06-02T10:15:03Z', 'ReplicaSet', RS, UID.replicaSet, 'SuccessfulDelete', `Deleted pod: ${POD_A}`, 'replicaset-controller'),
  event('2025-06-02T10:15:03Z', 'ReplicaSet', RS, UID.replicaSet, 'SuccessfulDelete', `Deleted pod: ${POD_B}`, 'replicaset-controller'),
  event('2025-06-02T10:15:03Z', 'Pod', POD_A, UID.podA, 'Killing', 'Stopping container web', 'kubelet'),
  event('2025-06-02T10:15:03Z', 'Pod', POD_B, UID.podB, 'Killing', 'Stopping container web', 'kubelet'),
  event(
    '2025-06-02T11:31:00Z',
    'Deployment',
    'web',
    UID.deploymentNext,
    'ScalingReplicaSet',
    'Scaled up replica set web-7f6e5d4c3 to 3',
    'deployment-controller',
  ),
  event(
    '2025-06-02T11:31:00Z',
    'ReplicaSet',
    'web-7f6e5d4c3',
    UID.replicaSetNext,
    'SuccessfulCreate',
    'Created pod: web-7f6e5d4c3-abcde',
    'replicaset-controller',
  ),
  event('2025-06-02T10:19:40Z', 'Pod', 'cache-0', UID.cacheOld, 'Killing', 'Stopping container cache', 'kubelet'),
  event(
    '2025-06-02T10:20:30Z',
    'Pod',
    'cache-0',
    UID.cacheNew,
    'Scheduled',
    'Successfully assigned production/cache-0 to worker-2',
    'default-scheduler',
  ),
  JSON.stringify({
    ...JSON.parse(
      event(
        '2025-06-02T10:25:01Z',
        'NetworkChaos',
        'net-delay',
        UID.chaos,
        'Applied',
        'Successfully apply chaos',
        'chaos-controller-manager',
      ),
    ),
    involvedObject: { kind: 'NetworkChaos', namespace: NS, name: 'net-delay', uid: UID.chaos, apiVersion: 'chaos-mesh.org/v1alpha1' },
  }),
];

/** `kubectl get crd -o json`: the cluster's custom resources, each kind with its plural. */
export const CRDS = {
  apiVersion: 'v1',
  kind: 'List',
  metadata: { resourceVersion: '' },
  items: [
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: 'networkchaos.chaos-mesh.org',
        uid: 'd5d5d5d5-bbbb-4d5d-8d5d-d5d5d5d5000b',
        creationTimestamp: '2025-01-10T09:00:00Z',
      },
      spec: {
        group: 'chaos-mesh.org',
        names: { kind: 'NetworkChaos', listKind: 'NetworkChaosList', plural: 'networkchaos', singular: 'networkchaos' },
        scope: 'Namespaced',
      },
    },
  ],
};

/** `kubectl get replicasets -n production -o json`, taken after the incident. */
export const LISTING = {
  apiVersion: 'v1',
  kind: 'List',
  metadata: { resourceVersion: '' },
  items: [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: RS,
        namespace: NS,
        uid: UID.replicaSet,
        resourceVersion: '912233',
        creationTimestamp: '2025-06-02T09:00:00Z',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: UID.deployment, controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: { replicas: 1 },
      status: { replicas: 1 },
    },
  ],
};

export const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
export const TRACE = {
  resourceSpans: [
    {
      resource: { attributes: [attr('service.name', 'platform-assistant')] },
      scopeSpans: [
        {
          scope: { name: 'platform-assistant', version: '1.4.0' },
          spans: [
            {
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: '00f067aa0ba902b7',
              name: 'invoke_agent platform-assistant',
              kind: 1,
              startTimeUnixNano: '1748859300000000000',
              endTimeUnixNano: '1748859305000000000',
              attributes: [
                attr('gen_ai.operation.name', 'invoke_agent'),
                attr('gen_ai.agent.name', 'platform-assistant'),
                attr('enduser.id', USER),
                attr(
                  'gen_ai.input.messages',
                  JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'scale web in production down to 1 replica' }] }]),
                ),
              ],
            },
            {
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: 'b7ad6b7169203331',
              parentSpanId: '00f067aa0ba902b7',
              name: 'execute_tool resources_scale',
              kind: 1,
              startTimeUnixNano: '1748859302000000000',
              endTimeUnixNano: '1748859302700000000',
              attributes: [
                attr('gen_ai.operation.name', 'execute_tool'),
                attr('gen_ai.tool.name', 'resources_scale'),
                attr('gen_ai.tool.call.id', 'toolu_01XyZ'),
                attr(
                  'gen_ai.tool.call.arguments',
                  JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'web', scale: 1 }),
                ),
              ],
            },
          ],
        },
      ],
    },
  ],
};
