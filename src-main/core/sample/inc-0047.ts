// INC-0047, the api-service outage, as the cluster's audit log saw it. A developer, james.w, asks an agent
// to move api-service to v3.2.1-beta; the agent's Kubernetes MCP server applies the Deployment while
// impersonating him; the new manifest's 256Mi memory limit is too low, every replica is OOMKilled into
// CrashLoopBackOff; he asks for a rollback, the agent re-applies the previous template, and the service
// recovers. Around it runs the ordinary noise of a production cluster.
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
  type AddCall,
} from './audit-noise';
import { auditLines, type AuditLine } from './audit-writer';
import { mergeAuditLines, type MergeStats } from './audit-stream';
import { formatSeconds } from './clock';
import { deploymentObject, PENDING, podObject, replicaSetObject, type ContainerSpec } from './k8s-objects';
import { SeededRandom } from './random';
import {
  APP,
  appliedManifest,
  at,
  BETA,
  CONTROL_PLANE_IP,
  DEVELOPER,
  DEVELOPER_ALLOWED,
  GOOD,
  NODE_IPS,
  NS,
  T0,
  T_END,
  TOOL_CALLS,
  type Pod,
  type World,
} from './inc-0047-world';

export interface SampleOptions {
  seed?: number;
  /** Scale the audit log to at least this many lines with more background noise (the story stays the same). */
  events?: number;
}

/** The MCP server's identity: its service account, impersonating the developer. */
export function mcpAgentIdentity(random: SeededRandom, world: World) {
  return {
    user: serviceAccount(random, 'mcp-system', 'kubernetes-mcp-server', world.agentPod),
    impersonatedUser: DEVELOPER,
    sourceIP: '10.42.1.17',
    userAgent: 'kubernetes-mcp-server/v0.0.50 (linux/amd64) kubernetes/$Format',
  };
}

export const deploymentAt = (world: World, generation: number, spec: ContainerSpec, revision: number) =>
  deploymentObject({
    namespace: NS,
    app: APP,
    uid: world.deployment.uid,
    created: '2024-11-18T09:12:44Z',
    resourceVersion: String(48_211_000 + generation * 17),
    generation,
    revision,
    replicas: 3,
    container: spec,
    strategy: 'Recreate',
  });

/** The audit log in stage order, a line at a time (bounded memory for any `events`). */
export function inc0047AuditLines(world: World, options: SampleOptions = {}, stats?: MergeStats): Generator<string> {
  const random = new SeededRandom((options.seed ?? 47) + 1);
  const { add, calls } = auditCollector(random);
  const agent = mcpAgentIdentity(random, world);
  const deploymentsURI = `/apis/apps/v1/namespaces/${NS}/deployments`;
  const deploymentRef = { resource: 'deployments', namespace: NS, name: APP, apiGroup: 'apps', apiVersion: 'v1' };
  const apply = (atUs: number, spec: ContainerSpec, generation: number) =>
    add({
      ...agent,
      atUs,
      verb: 'patch',
      requestURI: `${deploymentsURI}/${APP}?fieldManager=kubernetes-mcp-server&force=true`,
      objectRef: { ...deploymentRef, uid: world.deployment.uid },
      requestObject: appliedManifest(spec),
      responseObject: deploymentAt(world, generation, spec, generation),
      authzReason: DEVELOPER_ALLOWED,
    });

  // 14:31:04 the developer's prompt (in the agent's trace) → the agent reads, then applies.
  add({
    ...agent,
    atUs: TOOL_CALLS.getDeployment + 38_114,
    verb: 'get',
    requestURI: `${deploymentsURI}/${APP}`,
    objectRef: deploymentRef,
    responseObject: deploymentAt(world, 14, GOOD, 14),
    authzReason: DEVELOPER_ALLOWED,
  });
  apply(TOOL_CALLS.applyBeta + 77_692, BETA, 15);

  const deployCtl = controller(random, 'deployment-controller');
  const rsCtl = controller(random, 'replicaset-controller');
  const rsURI = `/apis/apps/v1/namespaces/${NS}/replicasets`;
  const rsState = (rs: { name: string; uid: string }, hash: string, replicas: number, spec: ContainerSpec, revision: number) =>
    replicaSetObject({ namespace: NS, app: APP, rs, hash, deployment: world.deployment, revision, replicas, container: spec });
  const scaleRs = (
    when: number,
    rs: { name: string; uid: string },
    hash: string,
    replicas: number,
    spec: ContainerSpec,
    revision: number,
    create = false,
  ) =>
    add({
      ...deployCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs: when,
      verb: create ? 'create' : 'update',
      requestURI: create ? rsURI : `${rsURI}/${rs.name}`,
      objectRef: {
        resource: 'replicasets',
        namespace: NS,
        name: rs.name,
        apiGroup: 'apps',
        apiVersion: 'v1',
        ...(create ? {} : { uid: rs.uid }),
      },
      code: create ? 201 : 200,
      requestObject: rsState(rs, hash, replicas, spec, revision),
      responseObject: rsState(rs, hash, replicas, spec, revision),
    });
  const podsURI = `/api/v1/namespaces/${NS}/pods`;
  const createPod = (when: number, p: Pod, rs: { name: string; uid: string }, hash: string, spec: ContainerSpec) => {
    const body = podObject({ namespace: NS, app: APP, pod: p, rs, hash, container: spec, created: formatSeconds(when), status: PENDING });
    add({
      ...rsCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs: when,
      verb: 'create',
      requestURI: podsURI,
      objectRef: { resource: 'pods', namespace: NS, apiVersion: 'v1' },
      code: 201,
      requestObject: { ...body, metadata: { ...body.metadata, uid: undefined, creationTimestamp: null } },
      responseObject: body,
    });
    add({
      ...schedulerIdentity,
      sourceIP: CONTROL_PLANE_IP,
      atUs: when + 40_000 + (p.uid.charCodeAt(0) % 50) * 1000,
      verb: 'create',
      requestURI: `${podsURI}/${p.name}/binding`,
      objectRef: { resource: 'pods', namespace: NS, name: p.name, uid: p.uid, apiVersion: 'v1', subresource: 'binding' },
      code: 201,
    });
  };
  const deletePod = (when: number, p: Pod) =>
    add({
      ...rsCtl,
      sourceIP: CONTROL_PLANE_IP,
      atUs: when,
      verb: 'delete',
      requestURI: `${podsURI}/${p.name}`,
      objectRef: { resource: 'pods', namespace: NS, name: p.name, uid: p.uid, apiVersion: 'v1' },
    });
  const kubeletStatus = (when: number, p: Pod, containerStatus: Record<string, unknown>, ready: boolean) =>
    add({
      user: { username: `system:node:${p.node}`, groups: ['system:nodes', 'system:authenticated'] },
      userAgent: kubeletAgent,
      sourceIP: NODE_IPS[p.node]!,
      atUs: when,
      verb: 'patch',
      requestURI: `${podsURI}/${p.name}/status`,
      objectRef: { resource: 'pods', namespace: NS, name: p.name, uid: p.uid, apiVersion: 'v1', subresource: 'status' },
      requestObject: {
        metadata: { uid: p.uid },
        status: {
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', ...(ready ? {} : { reason: 'ContainersNotReady' }) }],
          containerStatuses: [{ name: APP, ready, ...containerStatus }],
        },
      },
    });

  // The rollout: Recreate strategy, so the old pods go before the new ones come.
  scaleRs(at('14:31:07', 31_552), world.oldRs, world.oldHash, 0, GOOD, 14);
  world.oldPods.forEach((p, i) => deletePod(at('14:31:07', 210_000 + i * 41_000), p));
  scaleRs(at('14:31:08', 640_118), world.newRs, world.newHash, 3, BETA, 15, true);
  world.betaPods.forEach((p, i) => createPod(at('14:31:08', 702_000 + i * 52_000), p, world.newRs, world.newHash, BETA));
  const oom = (restarts: number) => ({
    restartCount: restarts,
    lastState: {
      terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2025-04-03T14:31:21Z', finishedAt: '2025-04-03T14:31:52Z' },
    },
  });
  const backOff = (delay: string) => ({
    started: false,
    state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delay} restarting failed container=${APP}` } },
  });
  world.betaPods.forEach((p, i) => {
    kubeletStatus(
      at('14:31:21', i * 310_000),
      p,
      { started: true, state: { running: { startedAt: '2025-04-03T14:31:21Z' } }, restartCount: 0 },
      false,
    );
    kubeletStatus(at('14:31:52', 150_000 + i * 280_000), p, { ...backOff('10s'), ...oom(1) }, false);
  });
  kubeletStatus(at('14:32:44', 18_551), world.betaPods[0]!, { ...backOff('40s'), ...oom(3) }, false);
  world.betaPods.forEach((p, i) => kubeletStatus(at('14:34:12', 96_000 + i * 120_000), p, { ...backOff('1m20s'), ...oom(4) }, false));

  // 14:35:01 the developer asks for a rollback → the agent finds the previous ReplicaSet and re-applies it.
  add({
    ...agent,
    atUs: TOOL_CALLS.listReplicaSets + 47_113,
    verb: 'list',
    requestURI: `${rsURI}?labelSelector=app%3D${APP}`,
    objectRef: { resource: 'replicasets', namespace: NS, apiGroup: 'apps', apiVersion: 'v1' },
    authzReason: DEVELOPER_ALLOWED,
  });
  apply(TOOL_CALLS.applyGood + 117_397, GOOD, 16);
  scaleRs(at('14:35:03', 402_664), world.newRs, world.newHash, 0, BETA, 15);
  world.betaPods.forEach((p, i) => deletePod(at('14:35:03', 530_000 + i * 38_000), p));
  scaleRs(at('14:35:05', 118_020), world.oldRs, world.oldHash, 3, GOOD, 16);
  world.restoredPods.forEach((p, i) => createPod(at('14:35:05', 190_000 + i * 47_000), p, world.oldRs, world.oldHash, GOOD));
  world.restoredPods.forEach((p, i) => {
    kubeletStatus(
      at('14:35:19', i * 220_000),
      p,
      { started: true, state: { running: { startedAt: '2025-04-03T14:35:18Z' } }, restartCount: 0 },
      false,
    );
    kubeletStatus(
      at('14:36:58', 120_000 + i * 95_000),
      p,
      { started: true, state: { running: { startedAt: '2025-04-03T14:35:18Z' } }, restartCount: 0 },
      true,
    );
  });

  addNoise(random, add);
  const storyLines = calls.reduce((n, call) => n + (call.withRequestReceived ? 2 : 1), 0);
  const clients = readNoiseClients(random);
  const lines: AuditLine[] = calls.flatMap((call) => auditLines(call, random));
  lines.sort((a, b) => a.stageUs - b.stageUs);
  // The scaling reads draw from their own sequence, so the story's bytes do not depend on how many there are.
  const noiseRandom = new SeededRandom(((options.seed ?? 47) ^ READ_NOISE_SEED) >>> 0);
  const noise = readNoiseCalls(noiseRandom, clients, { t0: T0, tEnd: T_END }, Math.max(0, (options.events ?? 0) - storyLines));
  return mergeAuditLines(lines, noise, noiseRandom, stats);
}

function addNoise(random: SeededRandom, add: AddCall): void {
  addClusterNoise(random, add, {
    t0: T0,
    tEnd: T_END,
    controlPlaneIp: CONTROL_PLANE_IP,
    nodes: NODE_IPS,
    scraped: ['production', 'payments', 'staging'],
    people: [
      // An SRE looking at payments.
      {
        user: { username: 'alice.k@example.com', groups: ['sre', 'system:authenticated'] },
        userAgent: 'kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46',
        sourceIP: '192.0.2.44',
        namespace: 'payments',
        authzReason: rbac('ClusterRoleBinding "sre-view"', 'ClusterRole "view"', 'Group "sre"'),
        reads: 40,
      },
    ],
    ci: { namespace: 'staging', configMaps: ['web-frontend-config', 'feature-flags', 'checkout-config'] },
  });
}
