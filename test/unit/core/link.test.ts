// The causal graph of the built-in samples (generated deterministically, imported through the service,
// linked by the pure linker): the whole chain from each developer's prompt to the cluster's response must
// be there, with the right rule on every edge, and the background noise must not be linked into it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';
import type { Graph, GraphEdge, GraphNode } from '../../../src-main/shared/graph';

const SAMPLES = fileURLToPath(new URL('../../../resources/samples/', import.meta.url));
const RULES = new Set([
  'otel-parent-span',
  'mcp-traceparent',
  'prompt-in-span',
  'tool-call-id',
  'jsonrpc-id',
  'authz-annotation',
  'admission-annotation',
  'involved-object',
  'owner-reference',
  'event-message',
  'conversation-turn',
  'tool-target',
  'taint',
  'analyst',
]);

let dir: string;
const graphs = new Map<string, Graph>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-link-'));
  for (const sample of ['inc-0047', 'staging-apollo']) {
    const wb = Workbench.open(join(dir, `${sample}.causa`), { create: true });
    await wb.importPaths([join(SAMPLES, sample)]);
    graphs.set(sample, wb.graph());
    wb.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

class View {
  readonly byId: Map<string, GraphNode>;
  constructor(readonly graph: Graph) {
    this.byId = new Map(graph.nodes.map((n) => [n.id, n]));
  }
  node(predicate: (n: GraphNode) => boolean, what: string): GraphNode {
    const found = this.graph.nodes.filter(predicate);
    expect(found, what).toHaveLength(1);
    return found[0]!;
  }
  edge(from: GraphNode, to: GraphNode): GraphEdge | undefined {
    return this.graph.edges.find((e) => e.from === from.id && e.to === to.id);
  }
  out(from: GraphNode, rule: string): GraphNode[] {
    return this.graph.edges.filter((e) => e.from === from.id && e.rule === rule).map((e) => this.byId.get(e.to)!);
  }
  /** The one node an edge of this rule leads to from `from`, of the given kind. */
  next(from: GraphNode, rule: string, kind: GraphNode['kind'], label?: RegExp): GraphNode {
    const found = this.out(from, rule).filter((n) => n.kind === kind && (!label || label.test(n.label)));
    expect(found, `${from.label} -[${rule}]-> ${kind} ${label ?? ''}`).toHaveLength(1);
    return found[0]!;
  }
  chainOf(node: GraphNode): GraphNode[] {
    return this.graph.nodes.filter((n) => n.chain === node.chain);
  }
}

const MCP = 'system:serviceaccount:mcp-system:kubernetes-mcp-server';

describe('INC-0047: the agent’s upgrade of api-service', () => {
  it('links the prompt to the pods that crashed, one rule per step', () => {
    const g = new View(graphs.get('inc-0047')!);
    const prompt = g.node((n) => n.kind === 'prompt' && /update api-service image to v3\.2\.1-beta/.test(n.label), 'the upgrade prompt');
    expect(prompt.actor).toEqual({ type: 'human', id: 'james.w@example.com' });
    const agent = g.next(prompt, 'prompt-in-span', 'other', /invoke_agent/);
    const tool = g.next(agent, 'otel-parent-span', 'tool_call', /^resources_create_or_update deployments production\/api-service/);
    const request = g.next(tool, 'tool-call-id', 'tool_call', /resources_create_or_update/);
    expect(request.source).toMatch(/mcp\/kubernetes-mcp-server\.jsonl$/);
    expect(g.out(request, 'jsonrpc-id').map((n) => [n.kind, n.outcome])).toEqual([['tool_result', 'success']]);
    // The MCP client span that sent the request carries its traceparent.
    const clientSpan = g.next(tool, 'otel-parent-span', 'tool_call', /^resources_create_or_update$/);
    expect(g.edge(clientSpan, request)?.rule).toBe('mcp-traceparent');

    const decision = g.next(request, 'tool-target', 'authz_decision');
    const inferred = g.edge(request, decision)!;
    expect(inferred).toMatchObject({ strength: 'inferred', status: 'proposed' });
    expect(inferred.fields.map((f) => f.value)).toEqual(['api-service', 'production', 'deployments', 'james.w@example.com']);
    expect(inferred.note).toMatch(
      /^\+0\.\d{3} s after the tool call, by system:serviceaccount:mcp-system:kubernetes-mcp-server as james\.w@example\.com$/,
    );
    expect(decision.authz?.reason).toMatch(/RBAC: allowed by RoleBinding "dev-team-edit\/production"/);
    const patch = g.next(decision, 'authz-annotation', 'k8s_api', /^patch deployments production\/api-service$/);
    expect(patch.actor).toEqual({ type: 'service_account', id: MCP, on_behalf_of: 'james.w@example.com' });

    const replicaSet = g.next(patch, 'owner-reference', 'k8s_api', /^create replicasets production\/api-service-/);
    expect(replicaSet.actor?.id).toBe('system:serviceaccount:kube-system:deployment-controller');
    const pods = g.out(replicaSet, 'owner-reference').filter((n) => /^create pods /.test(n.label));
    expect(pods).toHaveLength(3);
    // Each pod's crashes follow its latest write: the scheduler's binding of it, after the create.
    const writesOn = (pod: GraphNode) =>
      g.graph.nodes.filter((n) => n.kind === 'k8s_api' && n.target?.name === pod.target?.name && /^create pods(\/binding)? /.test(n.label));
    const crashes = pods
      .flatMap((pod) => writesOn(pod).flatMap((w) => g.out(w, 'involved-object')))
      .filter((n) => /^BackOff/.test(n.label));
    expect(crashes).toHaveLength(3);
    expect(crashes.every((n) => n.notable && n.outcome === 'failure')).toBe(true);
    expect(new Set([prompt, agent, tool, request, decision, patch, replicaSet, ...pods, ...crashes].map((n) => n.chain))).toEqual(
      new Set([prompt.chain]),
    );
    expect(g.graph.chains[0]!.id).toBe(prompt.chain);
  });

  it('keeps the rollback its own chain and the noise out of both', () => {
    const g = new View(graphs.get('inc-0047')!);
    const upgrade = g.node((n) => n.kind === 'prompt' && /update api-service/.test(n.label), 'upgrade');
    const rollback = g.node((n) => n.kind === 'prompt' && /roll back api-service/.test(n.label), 'rollback');
    expect(rollback.chain).not.toBe(upgrade.chain);
    for (const chain of [g.chainOf(upgrade), g.chainOf(rollback)]) {
      const apis = chain.filter((n) => n.kind === 'k8s_api');
      expect(apis.length).toBeGreaterThan(3);
      // Only the MCP server's requests for james.w, and the controllers acting on api-service's objects.
      for (const api of apis) {
        expect(api.target?.namespace, api.label).toBe('production');
        if (api.actor?.id === MCP) expect(api.actor.on_behalf_of).toBe('james.w@example.com');
        else {
          const controller = api.actor?.id.startsWith('system:serviceaccount:kube-system:') || api.actor?.id === 'system:kube-scheduler';
          expect([controller, api.target?.name?.startsWith('api-service')], api.label).toEqual([true, true]);
        }
      }
      expect(chain.some((n) => /leases|nodes/.test(n.target?.resource ?? ''))).toBe(false);
    }
    // Nobody else's requests are joined to a tool call; every other inference went through the identity
    // table and names the row it used.
    for (const edge of g.graph.edges.filter((e) => e.strength === 'inferred')) {
      if (edge.rule === 'tool-target') {
        expect(g.byId.get(edge.to)!.actor?.id).toBe(MCP);
        continue;
      }
      // The apply's arguments copy the Deployment the agent read: a taint edge between two agent steps.
      if (edge.rule === 'taint') {
        expect([g.byId.get(edge.from)!.lane, g.byId.get(edge.to)!.lane]).toEqual(['tool', expect.stringMatching(/^(tool|agent)$/)]);
        continue;
      }
      expect(['involved-object', 'owner-reference', 'event-message']).toContain(edge.rule);
      expect(
        edge.fields.some((f) => /^object identity #\d+ uid$/.test(f.from)),
        edge.id,
      ).toBe(true);
    }
    expect(g.graph.edges.every((e) => RULES.has(e.rule))).toBe(true);
    // The background is counted, not drawn.
    expect(g.graph.groups.reduce((n, group) => n + group.count, 0)).toBeGreaterThan(1500);
  });
});

describe('staging-apollo: the autoscaler the agent removed', () => {
  it('shows the denied cluster-wide list, the delete and the policy that only audited it, in one chain', () => {
    const g = new View(graphs.get('staging-apollo')!);
    const prompt = g.node((n) => n.kind === 'prompt' && /remove unused autoscaler/.test(n.label), 'the prompt');
    expect(prompt.actor?.id).toBe('priya.s@example.com');
    const chain = g.chainOf(prompt);

    const denied = g.node((n) => n.kind === 'authz_decision' && n.outcome === 'denied', 'the denial');
    expect(denied.chain).toBe(prompt.chain);
    expect(denied.notable).toBe(true);
    const list = g.next(denied, 'authz-annotation', 'k8s_api', /^list horizontalpodautoscalers$/);
    expect(list).toMatchObject({ outcome: 'denied', actor: { id: MCP, on_behalf_of: 'priya.s@example.com' } });
    const listCall = g.graph.edges.find((e) => e.to === denied.id && e.rule === 'tool-target')!;
    expect(g.byId.get(listCall.from)!.label).toBe('resources_list horizontalpodautoscalers');
    expect(listCall.fields).toContainEqual({ from: 'target.namespace', to: 'objectRef.namespace', value: '(cluster scope)' });
    expect(g.out(g.byId.get(listCall.from)!, 'jsonrpc-id').map((n) => n.outcome)).toEqual(['failure']);

    const deletion = g.node(
      (n) => n.kind === 'k8s_api' && n.label === 'delete horizontalpodautoscalers staging-apollo/apollo',
      'the delete',
    );
    expect(deletion.chain).toBe(prompt.chain);
    const policy = g.node((n) => n.kind === 'policy_decision', 'the policy');
    expect(g.edge(policy, deletion)?.rule).toBe('admission-annotation');
    expect(policy).toMatchObject({ label: 'validate hpa-protect: not enforced (Audit)', notable: true, chain: prompt.chain });

    // The scale-down the agent made first reaches the controllers and the pods that then fail.
    const scale = chain.find((n) => n.label === 'patch deployments/scale staging-apollo/apollo')!;
    expect(g.out(scale, 'owner-reference').some((n) => /^update replicasets/.test(n.label))).toBe(true);
    expect(chain.some((n) => n.kind === 'workload_event' && /^Unhealthy/.test(n.label))).toBe(true);
  });

  it('does not blame the agent for the autoscaler’s own scaling nor for the SRE’s fix', () => {
    const g = new View(graphs.get('staging-apollo')!);
    const prompt = g.node((n) => n.kind === 'prompt' && /remove unused autoscaler/.test(n.label), 'the prompt');
    const recreate = g.node((n) => n.kind === 'k8s_api' && /^create horizontalpodautoscalers/.test(n.label), 'bob.m recreates the HPA');
    expect(recreate.actor?.id).toMatch(/bob\.m/);
    expect(recreate.chain).not.toBe(prompt.chain);
    const hpaScaling = g.graph.nodes.filter(
      (n) => n.actor?.id === 'system:serviceaccount:kube-system:horizontal-pod-autoscaler' && n.kind === 'k8s_api',
    );
    expect(hpaScaling.length).toBeGreaterThan(0);
    expect(hpaScaling.every((n) => n.chain !== prompt.chain)).toBe(true);
    expect(g.graph.edges.every((e) => RULES.has(e.rule))).toBe(true);
  });
});
