// An incident written the way a real cluster logs it: Metadata-level audit events (no objectRef.uid, no
// bodies), an agent scaling a Deployment through its `scale` subresource, the controllers' core/v1
// Events (ScalingReplicaSet on the Deployment, SuccessfulDelete on the ReplicaSet, Killing on the Pods),
// a listing of the ReplicaSets only, and the agent's OTLP trace. The chain from the prompt to the pods
// must be found through the case's object identity table; objects that held the same name at another
// time must not be joined, and a name two objects may have held must say so.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkCase } from '../../../src-main/service/graph';
import { Workbench } from '../../../src-main/service/workbench';
import type { Graph, GraphEdge, GraphNode } from '../../../src-main/shared/graph';
import type { ObjectTable } from '../../../src-main/shared/objects';
import { readObjectTable } from '../../../src-main/store/objects';

const NS = 'production';
const MCP = 'system:serviceaccount:mcp-system:kubernetes-mcp-server';
const USER = 'dana.k@example.com';
const UID = {
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
const RS = 'web-5d8f7c9b4';
const [POD_A, POD_B] = [`${RS}-x2x9k`, `${RS}-q7m4p`];

/** One Metadata-level audit event, as kube-apiserver's log backend writes it (ResponseComplete only). */
function audit(at: string, verb: string, user: string, ref: Record<string, string>, code = 200, impersonate?: string): string {
  const uri = `/apis/${ref.apiGroup ? `${ref.apiGroup}/v1` : 'v1'}/namespaces/${ref.namespace}/${ref.resource}${ref.name ? `/${ref.name}` : ''}${ref.subresource ? `/${ref.subresource}` : ''}`;
  return JSON.stringify({
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `${at}-${verb}-${ref.name ?? ''}`, stage: 'ResponseComplete',
    requestURI: uri, verb, user: { username: user, groups: ['system:authenticated'] },
    ...(impersonate ? { impersonatedUser: { username: impersonate, groups: ['system:authenticated'] } } : {}),
    sourceIPs: ['10.0.4.17'], userAgent: 'kube-controller-manager/v1.30.4', objectRef: { ...ref, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code }, requestReceivedTimestamp: at, stageTimestamp: at,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed' },
  });
}

const deploymentRef = { resource: 'deployments', namespace: NS, name: 'web', apiGroup: 'apps' };

/** One core/v1 Event (whole-second times, as the API server keeps them). */
function event(at: string, kind: string, name: string, uid: string, reason: string, message: string, component: string): string {
  return JSON.stringify({
    kind: 'Event', apiVersion: 'v1',
    metadata: { name: `${name}.${uid.slice(0, 8)}${reason.length}`, namespace: NS, uid: `ev-${uid.slice(0, 8)}-${reason}-${message.length}`, creationTimestamp: at },
    involvedObject: { kind, namespace: NS, name, uid, apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1' },
    reason, message, source: { component }, firstTimestamp: at, lastTimestamp: at, count: 1, type: 'Normal', eventTime: null,
  });
}

const AUDIT = [
  // Before the window: an earlier Deployment "web" (another uid), deleted; the one of the incident replaced it.
  audit('2025-06-02T08:00:00.100000Z', 'delete', 'ci-bot@example.com', deploymentRef),
  // The agent reads, then scales through the `scale` subresource, impersonating the person.
  audit('2025-06-02T10:15:02.041000Z', 'get', MCP, { ...deploymentRef, subresource: 'scale' }, 200, USER),
  audit('2025-06-02T10:15:02.512000Z', 'patch', MCP, { ...deploymentRef, subresource: 'scale' }, 200, USER),
  // The ReplicaSet controller deletes two pods: Metadata level, no uid.
  audit('2025-06-02T10:15:03.020000Z', 'delete', 'system:serviceaccount:kube-system:replicaset-controller', { resource: 'pods', namespace: NS, name: POD_A }),
  audit('2025-06-02T10:15:03.031000Z', 'delete', 'system:serviceaccount:kube-system:replicaset-controller', { resource: 'pods', namespace: NS, name: POD_B }),
  // After the window: "web" is deleted and created again (a new uid).
  audit('2025-06-02T11:30:00.000000Z', 'delete', 'ci-bot@example.com', deploymentRef),
  // A pod name two objects may have held: cache-0 is patched between the last sighting of one and the first of the next.
  audit('2025-06-02T10:20:10.000000Z', 'patch', 'ops@example.com', { resource: 'pods', namespace: NS, name: 'cache-0' }),
  // A custom resource whose plural no rule would guess (NetworkChaos → networkchaos): the CRD listing says it.
  audit('2025-06-02T10:25:00.000000Z', 'patch', 'ops@example.com', { resource: 'networkchaos', namespace: NS, name: 'net-delay', apiGroup: 'chaos-mesh.org' }),
];

const EVENTS = [
  event('2025-06-02T07:40:00Z', 'Deployment', 'web', UID.deploymentOld, 'ScalingReplicaSet', 'Scaled up replica set web-6c9b8d7f5 to 3', 'deployment-controller'),
  event('2025-06-02T10:15:03Z', 'Deployment', 'web', UID.deployment, 'ScalingReplicaSet', `Scaled down replica set ${RS} to 1 from 3`, 'deployment-controller'),
  event('2025-06-02T10:15:03Z', 'ReplicaSet', RS, UID.replicaSet, 'SuccessfulDelete', `Deleted pod: ${POD_A}`, 'replicaset-controller'),
  event('2025-06-02T10:15:03Z', 'ReplicaSet', RS, UID.replicaSet, 'SuccessfulDelete', `Deleted pod: ${POD_B}`, 'replicaset-controller'),
  event('2025-06-02T10:15:03Z', 'Pod', POD_A, UID.podA, 'Killing', 'Stopping container web', 'kubelet'),
  event('2025-06-02T10:15:03Z', 'Pod', POD_B, UID.podB, 'Killing', 'Stopping container web', 'kubelet'),
  event('2025-06-02T11:31:00Z', 'Deployment', 'web', UID.deploymentNext, 'ScalingReplicaSet', 'Scaled up replica set web-7f6e5d4c3 to 3', 'deployment-controller'),
  event('2025-06-02T11:31:00Z', 'ReplicaSet', 'web-7f6e5d4c3', UID.replicaSetNext, 'SuccessfulCreate', 'Created pod: web-7f6e5d4c3-abcde', 'replicaset-controller'),
  event('2025-06-02T10:19:40Z', 'Pod', 'cache-0', UID.cacheOld, 'Killing', 'Stopping container cache', 'kubelet'),
  event('2025-06-02T10:20:30Z', 'Pod', 'cache-0', UID.cacheNew, 'Scheduled', 'Successfully assigned production/cache-0 to worker-2', 'default-scheduler'),
  JSON.stringify({ ...JSON.parse(event('2025-06-02T10:25:01Z', 'NetworkChaos', 'net-delay', UID.chaos, 'Applied', 'Successfully apply chaos', 'chaos-controller-manager')), involvedObject: { kind: 'NetworkChaos', namespace: NS, name: 'net-delay', uid: UID.chaos, apiVersion: 'chaos-mesh.org/v1alpha1' } }),
];

/** `kubectl get crd -o json`: the cluster's custom resources, each kind with its plural. */
const CRDS = {
  apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' },
  items: [{
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: 'networkchaos.chaos-mesh.org', uid: 'd5d5d5d5-bbbb-4d5d-8d5d-d5d5d5d5000b', creationTimestamp: '2025-01-10T09:00:00Z' },
    spec: { group: 'chaos-mesh.org', names: { kind: 'NetworkChaos', listKind: 'NetworkChaosList', plural: 'networkchaos', singular: 'networkchaos' }, scope: 'Namespaced' },
  }],
};

/** `kubectl get replicasets -n production -o json`, taken after the incident. */
const LISTING = {
  apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' },
  items: [{
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: RS, namespace: NS, uid: UID.replicaSet, resourceVersion: '912233', creationTimestamp: '2025-06-02T09:00:00Z',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: UID.deployment, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: 1 }, status: { replicas: 1 },
  }],
};

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const TRACE = {
  resourceSpans: [{
    resource: { attributes: [attr('service.name', 'platform-assistant')] },
    scopeSpans: [{
      scope: { name: 'platform-assistant', version: '1.4.0' },
      spans: [
        {
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', name: 'invoke_agent platform-assistant', kind: 1,
          startTimeUnixNano: '1748859300000000000', endTimeUnixNano: '1748859305000000000',
          attributes: [attr('gen_ai.operation.name', 'invoke_agent'), attr('gen_ai.agent.name', 'platform-assistant'), attr('enduser.id', USER),
            attr('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'scale web in production down to 1 replica' }] }]))],
        },
        {
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: 'b7ad6b7169203331', parentSpanId: '00f067aa0ba902b7', name: 'execute_tool resources_scale', kind: 1,
          startTimeUnixNano: '1748859302000000000', endTimeUnixNano: '1748859302700000000',
          attributes: [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', 'resources_scale'), attr('gen_ai.tool.call.id', 'toolu_01XyZ'),
            attr('gen_ai.tool.call.arguments', JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'web', scale: 1 }))],
        },
      ],
    }],
  }],
};

let dir: string;
let graph: Graph;
let table: ObjectTable;
let background: readonly GraphEdge[];
let eventIdsOf: (uid: string) => number[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-identity-'));
  const files = { 'audit.log': `${AUDIT.join('\n')}\n`, 'events.jsonl': `${EVENTS.join('\n')}\n`, 'replicasets.json': JSON.stringify(LISTING, null, 4), 'agent-trace.json': JSON.stringify(TRACE), 'crds.json': JSON.stringify(CRDS, null, 4) };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const wb = Workbench.open(join(dir, 'case.causa'), { create: true });
  const report = await wb.importPaths(Object.keys(files).map((name) => join(dir, name)));
  expect(report.files.map((f) => [f.file.replace(/^.*\//, ''), f.status, f.errors])).toEqual(Object.keys(files).map((name) => [name, 'imported', []]));
  graph = wb.graph();
  background = linkCase(wb.store).backgroundEdges;
  table = readObjectTable(wb.store);
  const rows = wb.store.db.prepare("SELECT id, target_uid FROM event WHERE kind = 'workload_event'").all() as { id: number; target_uid: string }[];
  eventIdsOf = (uid) => rows.filter((r) => r.target_uid === uid).map((r) => r.id);
  wb.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = (predicate: (n: GraphNode) => boolean, what: string): GraphNode => {
  const found = graph.nodes.filter(predicate);
  expect(found, what).toHaveLength(1);
  return found[0]!;
};
const edge = (from: GraphNode, to: GraphNode): GraphEdge => {
  const found = graph.edges.find((e) => e.from === from.id && e.to === to.id);
  expect(found, `${from.label} → ${to.label}`).toBeDefined();
  return found!;
};
const workload = (reason: string, name: string, at?: string) =>
  node((n) => n.kind === 'workload_event' && n.label.startsWith(`${reason} `) && n.target?.name === name && (!at || n.time?.startsWith(at) === true), `${reason} ${name}`);
const rowOf = (uid: string) => table.objects.find((o) => o.uid === uid)!;

describe('object identity from Metadata-level evidence', () => {
  it('builds one row per uid from Events, the listing and its ownerReferences, and the kind of a scale subresource', () => {
    expect(rowOf(UID.replicaSet)).toMatchObject({ kind: 'ReplicaSet', api_group: 'apps', namespace: NS, name: RS, owner_uids: [UID.deployment] });
    expect(rowOf(UID.replicaSet).created_ns).toBe(1748854800000000000n);
    expect(rowOf(UID.deployment)).toMatchObject({ kind: 'Deployment', name: 'web', namespace: NS });
    // Three Deployments held "web"; the table keeps them apart.
    expect(table.objects.filter((o) => o.name === 'web').map((o) => o.uid).sort()).toEqual([UID.deploymentOld, UID.deployment, UID.deploymentNext].sort());
    // A Metadata-level delete names no uid, but the name was freed.
    expect(table.deletions?.filter((d) => d.name === 'web').map((d) => d.at_ns)).toEqual([1748851200100000000n, 1748863800000000000n]);
  });

  it('links prompt → tool call → scale request → Deployment Events → ReplicaSet Events → Pod Events, each edge with its rule', () => {
    const prompt = node((n) => n.kind === 'prompt', 'the prompt');
    const agent = node((n) => n.label.startsWith('invoke_agent'), 'the agent span');
    const tool = node((n) => n.kind === 'tool_call', 'the tool call');
    const patch = node((n) => n.kind === 'k8s_api' && n.label.startsWith('patch ') && n.target?.resource === 'deployments/scale', 'the scale patch');
    const decision = node((n) => n.kind === 'authz_decision' && graph.edges.some((e) => e.from === n.id && e.to === patch.id), 'the decision');
    const scaling = workload('ScalingReplicaSet', 'web', '2025-06-02T10:15');
    const deletes = graph.nodes.filter((n) => n.label.startsWith('SuccessfulDelete ') && n.target?.name === RS);
    const killings = [workload('Killing', POD_A), workload('Killing', POD_B)];

    expect(edge(prompt, agent)).toMatchObject({ rule: 'prompt-in-span', strength: 'explicit' });
    expect(edge(agent, tool)).toMatchObject({ rule: 'otel-parent-span', strength: 'explicit' });
    expect(edge(tool, decision)).toMatchObject({ rule: 'tool-target', strength: 'inferred' });
    expect(edge(decision, patch)).toMatchObject({ rule: 'authz-annotation', strength: 'explicit' });

    // The request names deployments production/web through `scale`, without a uid: the table says which.
    const toDeployment = edge(patch, scaling);
    expect(toDeployment).toMatchObject({ rule: 'involved-object', strength: 'inferred' });
    expect(toDeployment.fields).toEqual([
      { from: 'objectRef.resource', to: 'object identity resource', value: 'deployments' },
      { from: 'objectRef.namespace', to: 'object identity namespace', value: NS },
      { from: 'objectRef.name', to: 'object identity name', value: 'web' },
      { from: `object identity #${rowOf(UID.deployment).id} uid`, to: 'involvedObject.uid', value: UID.deployment },
    ]);
    expect(toDeployment.note).toMatch(new RegExp(`#${rowOf(UID.deployment).id} uid ${UID.deployment}`));
    expect(toDeployment.note).toMatch(new RegExp(`not .*#${rowOf(UID.deploymentOld).id} uid ${UID.deploymentOld}.*which held it at another time`));
    expect(toDeployment.note).not.toMatch(/ambiguous/);

    // "Scaled down replica set web-5d8f7c9b4 to 1 from 3" names the ReplicaSet; "Deleted pod: …" each pod.
    expect(deletes).toHaveLength(2);
    for (const [i, del] of deletes.entries()) {
      expect(edge(scaling, del)).toMatchObject({ rule: 'event-message', strength: 'inferred' });
      expect(edge(scaling, del).fields).toEqual([
        { from: 'message', to: 'involvedObject.name', value: RS },
        { from: `object identity #${rowOf(UID.replicaSet).id} uid`, to: 'involvedObject.uid', value: UID.replicaSet },
      ]);
      const killing = killings[i]!;
      expect(edge(del, killing)).toMatchObject({ rule: 'event-message', strength: 'inferred' });
      expect(edge(del, killing).fields[0]).toEqual({ from: 'message', to: 'involvedObject.name', value: killing.target!.name });
    }
    // The ReplicaSet's Events come from the Deployment's message, not (also) from an owner-reference shortcut.
    expect(graph.edges.filter((e) => e.from === patch.id && deletes.some((d) => d.id === e.to))).toEqual([]);

    const chain = new Set([prompt, agent, tool, decision, patch, scaling, ...deletes, ...killings].map((n) => n.chain));
    expect(chain).toEqual(new Set([prompt.chain]));
    expect(prompt.chain).toBeDefined();
  });

  it('keeps uid-based joins explicit: the controller’s delete of a pod → its Killing, by name through the table', () => {
    const del = node((n) => n.kind === 'k8s_api' && n.label.startsWith('delete ') && n.target?.name === POD_A, 'delete pod A');
    const killing = workload('Killing', POD_A);
    // The delete names the pod without a uid: inferred, naming the pod's row.
    expect(edge(del, killing)).toMatchObject({ rule: 'involved-object', strength: 'inferred' });
    expect(edge(del, killing).fields.at(-1)).toEqual({ from: `object identity #${rowOf(UID.podA).id} uid`, to: 'involvedObject.uid', value: UID.podA });
  });

  it('does not link objects that held the name at another time (deleted and recreated before and after)', () => {
    const prompt = node((n) => n.kind === 'prompt', 'the prompt');
    const patch = node((n) => n.kind === 'k8s_api' && n.label.startsWith('patch ') && n.target?.resource === 'deployments/scale', 'the scale patch');
    for (const uid of [UID.deploymentOld, UID.deploymentNext, UID.replicaSetNext]) {
      const events = eventIdsOf(uid);
      expect(events.length, uid).toBeGreaterThan(0);
      const ids = new Set(events.map((id) => `e${id}`));
      // Not in the agent's chain, and nothing the agent's request led to (shown or in the background).
      for (const n of graph.nodes.filter((n) => ids.has(n.id))) expect(n.chain === undefined || n.chain !== prompt.chain, n.label).toBe(true);
      expect([...graph.edges, ...background].filter((e) => ids.has(e.to) && (e.from === patch.id || e.rule === 'involved-object' || e.rule === 'owner-reference')), uid).toEqual([]);
    }
    // The Deployment that held "web" during the incident is reached; the one before and the one after are not.
    expect(graph.edges.filter((e) => e.from === patch.id && e.rule === 'involved-object').map((e) => e.fields.at(-1)!.value)).toEqual([UID.deployment]);
  });

  it('says so when two objects may have held a name at the request’s time', () => {
    const patch = node((n) => n.kind === 'k8s_api' && n.label.startsWith('patch ') && n.target?.name === 'cache-0', 'patch cache-0');
    const scheduled = workload('Scheduled', 'cache-0');
    const joined = edge(patch, scheduled);
    expect(joined).toMatchObject({ rule: 'involved-object', strength: 'inferred' });
    expect(joined.note).toMatch(/ambiguous: 2 objects may have held it then/);
    expect(joined.note).toContain(`#${rowOf(UID.cacheOld).id} uid ${UID.cacheOld}`);
  });

  it('resolves a kind to its resource from the evidence: a CRD listing names NetworkChaos’s plural', () => {
    expect(table.kinds).toContainEqual(expect.objectContaining({ api_group: 'chaos-mesh.org', kind: 'NetworkChaos', resource: 'networkchaos' }));
    const patch = node((n) => n.kind === 'k8s_api' && n.label.startsWith('patch networkchaos'), 'patch networkchaos');
    const applied = workload('Applied', 'net-delay');
    expect(edge(patch, applied)).toMatchObject({ rule: 'involved-object', strength: 'inferred' });
    expect(edge(patch, applied).fields.at(-1)).toEqual({ from: `object identity #${rowOf(UID.chaos).id} uid`, to: 'involvedObject.uid', value: UID.chaos });
  });

  it('builds the table of a case imported before the table existed, once, when the workbench opens it', () => {
    const path = join(dir, 'case.causa');
    const bySet = (t: ObjectTable) => ({
      objects: t.objects.map(({ id: _id, ...o }) => o).sort((a, b) => a.uid.localeCompare(b.uid)),
      kinds: [...t.kinds].sort((a, b) => a.kind.localeCompare(b.kind)),
      deletions: t.deletions,
    });
    const old = Workbench.open(path);
    const edgesBefore = old.graph().edges.map((e) => `${e.rule} ${e.strength} ${e.from} ${e.to}`).sort();
    // What a case file written before migration 0016 looks like once migrated: evidence, no table, the mark.
    old.store.db.exec("DELETE FROM k8s_object; DELETE FROM k8s_kind; DELETE FROM k8s_deletion; INSERT INTO case_meta (key, value) VALUES ('object_identity_pending', '1')");
    expect(readObjectTable(old.store).objects).toEqual([]);
    old.close();
    const upgraded = Workbench.open(path);
    expect(bySet(readObjectTable(upgraded.store))).toEqual(bySet(table));
    expect(upgraded.store.db.prepare("SELECT count(*) FROM case_meta WHERE key = 'object_identity_pending'").pluck().get()).toBe(0);
    expect(upgraded.graph().edges.map((e) => `${e.rule} ${e.strength} ${e.from} ${e.to}`).sort()).toEqual(edgesBefore);
    upgraded.close();
  });
});
