// The objects and moments of INC-0047 (docs/samples.md, 2025-04-03 14:31–14:58 UTC) that every source of
// the sample shares: one random stream makes the uids and names, so the audit log, the Events, the listing
// and the agent's trace all speak of the same Deployment, ReplicaSets and pods.
import { dayClock } from './clock';
import type { ContainerSpec } from './k8s-objects';
import { SeededRandom } from './random';

export const at = dayClock(2025, 4, 3);
export const T0 = at('14:25:00');
export const T_END = at('15:00:00');
export const NS = 'production';
export const APP = 'api-service';
export const DEVELOPER = { username: 'james.w@example.com', groups: ['dev-team', 'system:authenticated'] };
export const CONTROL_PLANE_IP = '10.0.0.10';
export const NODE_IPS: Record<string, string> = {
  'ip-10-0-1-21.ec2.internal': '10.0.1.21',
  'ip-10-0-1-37.ec2.internal': '10.0.1.37',
  'ip-10-0-2-14.ec2.internal': '10.0.2.14',
};
export const NODES = Object.keys(NODE_IPS);
export const GOOD_IMAGE = 'registry.example.com/platform/api-service:v3.2.0';
export const BETA_IMAGE = 'registry.example.com/platform/api-service:v3.2.1-beta';
export const DEVELOPER_ALLOWED = 'RBAC: allowed by RoleBinding "dev-team-edit/production" of ClusterRole "edit" to Group "dev-team"';

export const containerOf = (image: string, memory: string): ContainerSpec => ({
  name: APP,
  image,
  port: 8080,
  limits: { cpu: '1', memory },
  requests: { cpu: '250m', memory: '192Mi' },
  readinessPath: '/healthz',
});
export const GOOD = containerOf(GOOD_IMAGE, '1Gi');
export const BETA = containerOf(BETA_IMAGE, '256Mi');

export interface Pod {
  name: string;
  uid: string;
  node: string;
  ip: string;
}

/** When the MCP server receives each of the agent's tools/call requests; its API calls follow by tens of ms. */
export const TOOL_CALLS = {
  getDeployment: at('14:31:05', 181_004),
  applyBeta: at('14:31:06', 806_410),
  listReplicaSets: at('14:35:01', 874_117),
  applyGood: at('14:35:03', 188_520),
};
export const PROMPTS = { upgrade: at('14:31:04'), rollback: at('14:35:01') };

export function makeWorld(seed = 47) {
  const random = new SeededRandom(seed);
  const oldHash = random.suffix(10);
  const newHash = random.suffix(10);
  const pod = (rs: { name: string }): Pod => ({
    name: `${rs.name}-${random.suffix(5)}`,
    uid: random.uuid(),
    node: random.pick(NODES),
    ip: `10.42.${random.int(0, 3)}.${random.int(10, 250)}`,
  });
  const deployment = { name: APP, uid: random.uuid() };
  const oldRs = { name: `${APP}-${oldHash}`, uid: random.uuid() };
  const newRs = { name: `${APP}-${newHash}`, uid: random.uuid() };
  const agentPod = { name: `kubernetes-mcp-server-6c9d7b5f4-${random.suffix(5)}`, node: NODES[1]!, uid: random.uuid() };
  return {
    deployment,
    oldHash,
    newHash,
    oldRs,
    newRs,
    oldPods: [pod(oldRs), pod(oldRs), pod(oldRs)],
    betaPods: [pod(newRs), pod(newRs), pod(newRs)],
    restoredPods: [pod(oldRs), pod(oldRs), pod(oldRs)],
    agentPod,
    pdbUid: random.uuid(),
    roleBindingUid: random.uuid(),
    roleUid: random.uuid(),
    readerBindingUid: random.uuid(),
    impersonatorRoleUid: random.uuid(),
    impersonatorBindingUid: random.uuid(),
    nodeUids: Object.fromEntries(NODES.map((node) => [node, random.uuid()])),
    conversationId: random.uuid(),
    mcpSessionId: random.hex(32),
  };
}
export type World = ReturnType<typeof makeWorld>;

/** The Deployment manifest the agent applies (server-side apply): the tool argument and the audit's request body. */
export function appliedManifest(spec: ContainerSpec) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: APP, namespace: NS, labels: { app: APP } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: APP } },
      strategy: { type: 'Recreate' },
      template: {
        metadata: { labels: { app: APP } },
        spec: {
          containers: [
            {
              name: spec.name,
              image: spec.image,
              ports: [{ containerPort: spec.port }],
              resources: { limits: spec.limits, requests: spec.requests },
            },
          ],
        },
      },
    },
  };
}
