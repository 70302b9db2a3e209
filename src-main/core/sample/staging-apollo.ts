// The staging-apollo autoscaler removal as the cluster's audit log saw it (the story is in
// staging-apollo-world.ts): the HPA's scale-ups, the agent's denied cluster-wide list, its scale and its
// delete of the HPA with the audit-only policy's validation failure, the overwhelmed pods, the SRE's fix.
import {
  addClusterNoise,
  auditCollector,
  readNoiseCalls,
  readNoiseClients,
  READ_NOISE_SEED,
  controller,
  kubeletAgent,
  rbac,
  schedulerIdentity,
  serviceAccount,
} from './audit-noise';
import { auditLines, type AuditLine } from './audit-writer';
import { mergeAuditLines, type MergeStats } from './audit-stream';
import { formatSeconds } from './clock';
import type { SampleOptions } from './inc-0047';
import { PENDING, podObject, replicaSetObject } from './k8s-objects';
import { SeededRandom } from './random';
import {
  APP,
  at,
  CONTAINER,
  CONTROL_PLANE_IP,
  DEVELOPER,
  DEVELOPER_ALLOWED,
  hpaObject,
  LOAD_TEST_NOTES,
  loadTestNotesObject,
  NODE_IPS,
  NS,
  POLICY,
  SRE,
  T0,
  T_END,
  TOOL_CALLS,
  type Pod,
  type World,
} from './staging-apollo-world';

export const FORBIDDEN_MESSAGE = `horizontalpodautoscalers.autoscaling is forbidden: User "${DEVELOPER.username}" cannot list resource "horizontalpodautoscalers" in API group "autoscaling" at the cluster scope`;

/** The policy's verdict as kube-apiserver records it when the binding's validationActions is only Audit. */
export const VALIDATION_FAILURE = JSON.stringify([
  { message: POLICY.message, policy: POLICY.name, binding: POLICY.binding, expressionIndex: 0, validationActions: ['Audit'] },
]);

/** The audit log in stage order, a line at a time (bounded memory for any `events`). */
export function stagingApolloAuditLines(world: World, options: SampleOptions = {}, stats?: MergeStats): Generator<string> {
  const random = new SeededRandom((options.seed ?? 2847) + 1);
  const { add, calls } = auditCollector(random);
  const agent = {
    user: serviceAccount(random, 'mcp-system', 'kubernetes-mcp-server', world.agentPod),
    impersonatedUser: DEVELOPER,
    sourceIP: '10.44.0.21',
    userAgent: 'kubernetes-mcp-server/v0.0.50 (linux/amd64) kubernetes/$Format',
  };
  const hpaURI = `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`;
  const hpaRef = { resource: 'horizontalpodautoscalers', namespace: NS, name: APP, apiGroup: 'autoscaling', apiVersion: 'v2' };
  const deployURI = `/apis/apps/v1/namespaces/${NS}/deployments/${APP}`;
  const hpaCreated = '2025-01-09T11:20:31Z';
  const hpaCtl = controller(random, 'horizontal-pod-autoscaler');
  const deployCtl = controller(random, 'deployment-controller');
  const rsCtl = controller(random, 'replicaset-controller');
  const podsURI = `/api/v1/namespaces/${NS}/pods`;

  const rescale = (atUs: number, from: number, to: number) => {
    add({
      ...hpaCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs,
      verb: 'update',
      requestURI: `${deployURI}/scale`,
      objectRef: { resource: 'deployments', namespace: NS, name: APP, apiGroup: 'apps', apiVersion: 'v1', subresource: 'scale' },
      requestObject: { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: APP, namespace: NS }, spec: { replicas: to } },
    });
    add({
      ...hpaCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs: atUs + 21_000,
      verb: 'update',
      requestURI: `${hpaURI}/${APP}/status`,
      objectRef: { ...hpaRef, uid: world.hpa.uid, subresource: 'status' },
      requestObject: { status: { currentReplicas: from, desiredReplicas: to } },
    });
  };
  const scaleRs = (atUs: number, replicas: number) =>
    add({
      ...deployCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs,
      verb: 'update',
      requestURI: `/apis/apps/v1/namespaces/${NS}/replicasets/${world.rs.name}`,
      objectRef: { resource: 'replicasets', namespace: NS, name: world.rs.name, uid: world.rs.uid, apiGroup: 'apps', apiVersion: 'v1' },
      requestObject: replicaSetObject({
        namespace: NS,
        app: APP,
        rs: world.rs,
        hash: world.hash,
        deployment: world.deployment,
        revision: 7,
        replicas,
        container: CONTAINER,
      }),
    });
  const createPod = (atUs: number, p: Pod, bound: boolean) => {
    const body = podObject({
      namespace: NS,
      app: APP,
      pod: p,
      rs: world.rs,
      hash: world.hash,
      container: CONTAINER,
      created: formatSeconds(atUs),
      status: PENDING,
    });
    add({
      ...rsCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs,
      verb: 'create',
      requestURI: podsURI,
      objectRef: { resource: 'pods', namespace: NS, apiVersion: 'v1' },
      code: 201,
      responseObject: body,
    });
    if (bound)
      add({
        ...schedulerIdentity,
        sourceIP: CONTROL_PLANE_IP,
        atUs: atUs + 52_000,
        verb: 'create',
        requestURI: `${podsURI}/${p.name}/binding`,
        objectRef: { resource: 'pods', namespace: NS, name: p.name, uid: p.uid, apiVersion: 'v1', subresource: 'binding' },
        code: 201,
      });
  };
  const readiness = (atUs: number, p: Pod, ready: boolean) =>
    add({
      user: { username: `system:node:${p.node}`, groups: ['system:nodes', 'system:authenticated'] },
      userAgent: kubeletAgent,
      sourceIP: NODE_IPS[p.node] ?? '10.8.3.17',
      atUs,
      verb: 'patch',
      requestURI: `${podsURI}/${p.name}/status`,
      objectRef: { resource: 'pods', namespace: NS, name: p.name, uid: p.uid, apiVersion: 'v1', subresource: 'status' },
      requestObject: {
        metadata: { uid: p.uid },
        status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', ...(ready ? {} : { reason: 'ContainersNotReady' }) }] },
      },
    });

  // The scale-up the agent walks into: 4 → 6 at 13:52, 6 → 8 at 14:02 (the last two wait for a node).
  rescale(at('13:52:10', 118_000), 4, 6);
  scaleRs(at('13:52:10', 190_000), 6);
  world.firstScale.forEach((p, i) => createPod(at('13:52:10', 260_000 + i * 44_000), p, true));
  rescale(at('14:02:40', 402_000), 6, 8);
  scaleRs(at('14:02:40', 470_000), 8);
  world.pending.forEach((p, i) => createPod(at('14:02:40', 530_000 + i * 39_000), p, false));

  // 14:03:22 the prompt; the agent's calls through the MCP server, impersonating the developer.
  add({
    ...agent,
    atUs: TOOL_CALLS.listAll + 36_204,
    verb: 'list',
    requestURI: '/apis/autoscaling/v2/horizontalpodautoscalers?limit=500',
    objectRef: { resource: 'horizontalpodautoscalers', apiGroup: 'autoscaling', apiVersion: 'v2' },
    code: 403,
    decision: 'forbid',
    authzReason: '',
    failure: { reason: 'Forbidden', message: FORBIDDEN_MESSAGE, details: { group: 'autoscaling', kind: 'horizontalpodautoscalers' } },
  });
  add({
    ...agent,
    atUs: TOOL_CALLS.listNamespace + 41_877,
    verb: 'list',
    requestURI: `${hpaURI}?limit=500`,
    objectRef: { resource: 'horizontalpodautoscalers', namespace: NS, apiGroup: 'autoscaling', apiVersion: 'v2' },
    authzReason: DEVELOPER_ALLOWED,
  });
  add({
    ...agent,
    atUs: TOOL_CALLS.getHpa + 29_510,
    verb: 'get',
    requestURI: `${hpaURI}/${APP}`,
    objectRef: hpaRef,
    responseObject: hpaObject(world.hpa.uid, { current: 6, desired: 8 }, { created: hpaCreated, resourceVersion: '9120455' }),
    authzReason: DEVELOPER_ALLOWED,
  });
  add({
    ...agent,
    atUs: TOOL_CALLS.scale + 52_116,
    verb: 'patch',
    requestURI: `${deployURI}/scale`,
    objectRef: {
      resource: 'deployments',
      namespace: NS,
      name: APP,
      uid: world.deployment.uid,
      apiGroup: 'apps',
      apiVersion: 'v1',
      subresource: 'scale',
    },
    requestObject: { spec: { replicas: 6 } },
    // The Scale the API server answers with carries the Deployment's own name and uid.
    responseObject: {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: APP, namespace: NS, uid: world.deployment.uid, resourceVersion: '9120512' },
      spec: { replicas: 6 },
      status: { replicas: 8, selector: `app=${APP}` },
    },
    authzReason: DEVELOPER_ALLOWED,
  });
  add({
    ...agent,
    atUs: TOOL_CALLS.deleteHpa + 63_402,
    verb: 'delete',
    requestURI: `${hpaURI}/${APP}`,
    objectRef: { ...hpaRef, uid: world.hpa.uid },
    requestObject: { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/__internal', propagationPolicy: 'Background' },
    responseObject: hpaObject(world.hpa.uid, { current: 6, desired: 8 }, { created: hpaCreated, resourceVersion: '9120533' }),
    authzReason: DEVELOPER_ALLOWED,
    annotations: { 'validation.policy.admission.k8s.io/validation_failure': VALIDATION_FAILURE },
  });

  // The Deployment back at 6: the two Pending pods go; nothing scales up again.
  scaleRs(at('14:03:38', 344_000), 6);
  world.pending.forEach((p, i) =>
    add({
      ...rsCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs: at('14:03:38', 402_000 + i * 31_000),
      verb: 'delete',
      requestURI: `${podsURI}/${p.name}`,
      objectRef: { resource: 'pods', namespace: NS, name: p.name, uid: p.uid, apiVersion: 'v1' },
    }),
  );
  const serving = [...world.original, ...world.firstScale];
  serving.forEach((p, i) => {
    readiness(at('14:05:12', i * 410_000), p, false);
    readiness(at('14:19:02', i * 350_000), p, true);
  });

  // 14:13 the on-call SRE finds the HPA gone and re-creates it; it scales to 10 on the new node.
  const sre = { user: SRE, userAgent: 'kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46', sourceIP: '192.0.2.71' };
  const sreAllowed = rbac('ClusterRoleBinding "sre-admin"', 'ClusterRole "admin"', 'Group "sre"');
  add({
    ...sre,
    atUs: at('14:13:05', 377_120),
    verb: 'get',
    requestURI: `${hpaURI}/${APP}`,
    objectRef: hpaRef,
    code: 404,
    failure: {
      reason: 'NotFound',
      message: `horizontalpodautoscalers.autoscaling "${APP}" not found`,
      details: { name: APP, group: 'autoscaling', kind: 'horizontalpodautoscalers' },
    },
    authzReason: sreAllowed,
  });
  add({
    ...sre,
    atUs: at('14:14:10', 88_004),
    verb: 'create',
    requestURI: `${hpaURI}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`,
    objectRef: { resource: 'horizontalpodautoscalers', namespace: NS, name: APP, apiGroup: 'autoscaling', apiVersion: 'v2' },
    code: 201,
    responseObject: hpaObject(
      world.recreatedHpa.uid,
      { current: 0, desired: 0 },
      { created: '2025-04-17T14:14:10Z', resourceVersion: '9124810' },
    ),
    authzReason: sreAllowed,
  });
  add({
    ...hpaCtl,
    sourceIP: CONTROL_PLANE_IP,
    atUs: at('14:14:40', 201_000),
    verb: 'update',
    requestURI: `${deployURI}/scale`,
    objectRef: { resource: 'deployments', namespace: NS, name: APP, apiGroup: 'apps', apiVersion: 'v1', subresource: 'scale' },
    requestObject: { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: APP, namespace: NS }, spec: { replicas: 10 } },
  });
  scaleRs(at('14:14:40', 280_000), 10);
  world.recovery.forEach((p, i) => createPod(at('14:14:40', 350_000 + i * 41_000), p, true));

  addClusterNoise(random, add, {
    t0: T0,
    tEnd: T_END,
    controlPlaneIp: CONTROL_PLANE_IP,
    nodes: NODE_IPS,
    scraped: [NS, 'staging-hermes', 'batch'],
    people: [
      {
        user: { username: 'chen.l@example.com', groups: ['hermes-devs', 'system:authenticated'] },
        userAgent: 'kubectl/v1.30.5 (linux/amd64) kubernetes/74e84a9',
        sourceIP: '192.0.2.90',
        namespace: 'staging-hermes',
        authzReason: rbac('RoleBinding "hermes-devs-edit/staging-hermes"', 'ClusterRole "edit"', 'Group "hermes-devs"'),
        reads: 45,
      },
      {
        user: SRE,
        userAgent: 'k9s/v0.32.7 (darwin/arm64)',
        sourceIP: '192.0.2.71',
        namespace: 'batch',
        authzReason: rbac('ClusterRoleBinding "sre-admin"', 'ClusterRole "admin"', 'Group "sre"'),
        reads: 25,
      },
    ],
    ci: { namespace: 'staging-hermes', configMaps: ['hermes-config', 'hermes-feature-flags'] },
  });
  const storyLines = calls.reduce((n, call) => n + (call.withRequestReceived ? 2 : 1), 0);
  const clients = readNoiseClients(random);
  // The agent reads the load-test notes (added last so that the records before it keep their random draws).
  add({
    ...agent,
    atUs: TOOL_CALLS.readNotes + 24_881,
    verb: 'get',
    requestURI: `/api/v1/namespaces/${NS}/configmaps/${LOAD_TEST_NOTES.name}`,
    objectRef: { resource: 'configmaps', namespace: NS, name: LOAD_TEST_NOTES.name, apiVersion: 'v1' },
    responseObject: loadTestNotesObject(world),
    authzReason: DEVELOPER_ALLOWED,
  });
  const lines: AuditLine[] = calls.flatMap((call) => auditLines(call, random));
  lines.sort((a, b) => a.stageUs - b.stageUs);
  // The scaling reads draw from their own sequence, so the story's bytes do not depend on how many there are.
  const noiseRandom = new SeededRandom(((options.seed ?? 2847) ^ READ_NOISE_SEED) >>> 0);
  const noise = readNoiseCalls(noiseRandom, clients, { t0: T0, tEnd: T_END }, Math.max(0, (options.events ?? 0) - storyLines));
  return mergeAuditLines(lines, noise, noiseRandom, stats);
}
