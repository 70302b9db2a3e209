// INC-0047 from the agent's side: the two prompts of james.w, the model's tool calls and the Kubernetes MCP
// server's answers. The tools/call times are the world's TOOL_CALLS, so the MCP server's API calls in the
// audit log follow each request by tens of milliseconds.
import { recordAgentSession, type AgentPlan, type AgentRecords } from './agent-session';
import { KUBERNETES_MCP_TOOLS } from './kubernetes-mcp-tools';
import { SeededRandom } from './random';
import { deploymentAt } from './inc-0047';
import { APP, appliedManifest, BETA, DEVELOPER, GOOD, NS, PROMPTS, TOOL_CALLS, type World } from './inc-0047-world';

export const UPGRADE_PROMPT = 'update api-service image to v3.2.1-beta';
export const ROLLBACK_PROMPT = 'roll back api-service to previous version';

export const SYSTEM_PROMPT =
  'You are platform-assistant, an operations agent for the prod-eu-1 Kubernetes cluster. You act on behalf of the developer who asks, with their permissions, through the kubernetes tools. Prefer the smallest change that does what was asked.';

const json = (value: unknown): string => JSON.stringify(value, null, 2);
const applied = (body: unknown): string => `# The following resources (JSON) have been created or updated successfully\n${json(body)}`;

export function inc0047AgentPlan(world: World): AgentPlan {
  const ms = (n: number) => n * 1000;
  return {
    agent: { name: 'platform-assistant', id: 'agent-platform-assistant-prod-eu-1', version: '1.4.2' },
    user: DEVELOPER.username,
    conversationId: world.conversationId,
    model: 'claude-3-7-sonnet-20250219',
    systemPrompt: SYSTEM_PROMPT,
    mcp: {
      server: { name: 'kubernetes-mcp-server', version: 'v0.0.50' },
      sessionId: world.mcpSessionId,
      address: 'kubernetes-mcp-server.mcp-system.svc.cluster.local',
      port: 8080,
    },
    tools: KUBERNETES_MCP_TOOLS,
    turns: [
      {
        promptAtUs: PROMPTS.upgrade,
        prompt: UPGRADE_PROMPT,
        calls: [
          {
            tool: 'resources_get',
            args: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: APP },
            atUs: TOOL_CALLS.getDeployment,
            doneUs: TOOL_CALLS.getDeployment + ms(61),
            result: json(deploymentAt(world, 14, GOOD, 14)),
            say: 'I will look at the current api-service Deployment first.',
          },
          {
            tool: 'resources_create_or_update',
            args: { resource: JSON.stringify(appliedManifest(BETA)) },
            atUs: TOOL_CALLS.applyBeta,
            doneUs: TOOL_CALLS.applyBeta + ms(102),
            result: applied(deploymentAt(world, 15, BETA, 15)),
            say: 'api-service runs v3.2.0. I will apply the Deployment with image v3.2.1-beta and the resource settings of the v3.2.1-beta release manifest (memory limit 256Mi).',
          },
        ],
        answer:
          'Done: api-service in production now runs registry.example.com/platform/api-service:v3.2.1-beta (revision 15, 3 replicas, memory limit 256Mi). The rollout recreates the pods.',
        answerUs: ms(1_420),
      },
      {
        promptAtUs: PROMPTS.rollback,
        prompt: ROLLBACK_PROMPT,
        calls: [
          {
            tool: 'resources_list',
            args: { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: NS, labelSelector: `app=${APP}` },
            atUs: TOOL_CALLS.listReplicaSets,
            doneUs: TOOL_CALLS.listReplicaSets + ms(58),
            result: `NAMESPACE    APIVERSION   KIND         NAME                     DESIRED   CURRENT   READY   AGE\n${NS}   apps/v1      ReplicaSet   ${world.oldRs.name}   0         0         0       137d\n${NS}   apps/v1      ReplicaSet   ${world.newRs.name}   3         3         0       4m`,
            say: 'I will find the ReplicaSet of the previous revision.',
          },
          {
            tool: 'resources_create_or_update',
            args: { resource: JSON.stringify(appliedManifest(GOOD)) },
            atUs: TOOL_CALLS.applyGood,
            doneUs: TOOL_CALLS.applyGood + ms(141),
            result: applied(deploymentAt(world, 16, GOOD, 16)),
            say: `${world.oldRs.name} is revision 14 with image v3.2.0 and a 1Gi memory limit. I will re-apply that template.`,
          },
        ],
        answer:
          'Rolled back: api-service runs v3.2.0 again with the 1Gi memory limit (revision 16). The v3.2.1-beta pods were OOMKilled because 256Mi is below what the service needs.',
        answerUs: ms(1_880),
      },
    ],
  };
}

export function generateInc0047Agent(world: World, seed = 47): AgentRecords {
  return recordAgentSession(inc0047AgentPlan(world), new SeededRandom(seed + 2));
}
