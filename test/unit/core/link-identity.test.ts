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
import { AUDIT, CRDS, EVENTS, LISTING, NS, POD_A, POD_B, RS, TRACE, UID } from './identity-incident';

let dir: string;
let graph: Graph;
let table: ObjectTable;
let background: readonly GraphEdge[];
let eventIdsOf: (uid: string) => number[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-identity-'));
  const files = {
    'audit.log': `${AUDIT.join('\n')}\n`,
    'events.jsonl': `${EVENTS.join('\n')}\n`,
    'replicasets.json': JSON.stringify(LISTING, null, 4),
    'agent-trace.json': JSON.stringify(TRACE),
    'crds.json': JSON.stringify(CRDS, null, 4),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const wb = Workbench.open(join(dir, 'case.causa'), { create: true });
  const report = await wb.importPaths(Object.keys(files).map((name) => join(dir, name)));
  expect(report.files.map((f) => [f.file.replace(/^.*\//, ''), f.status, f.errors])).toEqual(
    Object.keys(files).map((name) => [name, 'imported', []]),
  );
  graph = wb.graph();
  background = linkCase(wb.store).backgroundEdges;
  table = readObjectTable(wb.store);
  const rows = wb.store.db.prepare("SELECT id, target_uid FROM event WHERE kind = 'workload_event'").all() as {
    id: number;
    target_uid: string;
  }[];
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
  node(
    (n) =>
      n.kind === 'workload_event' &&
      n.label.startsWith(`${reason} `) &&
      n.target?.name === name &&
      (!at || n.time?.startsWith(at) === true),
    `${reason} ${name}`,
  );
const rowOf = (uid: string) => table.objects.find((o) => o.uid === uid)!;

describe('object identity from Metadata-level evidence', () => {
  it('builds one row per uid from Events, the listing and its ownerReferences, and the kind of a scale subresource', () => {
    expect(rowOf(UID.replicaSet)).toMatchObject({
      kind: 'ReplicaSet',
      api_group: 'apps',
      namespace: NS,
      name: RS,
      owner_uids: [UID.deployment],
    });
    expect(rowOf(UID.replicaSet).created_ns).toBe(1748854800000000000n);
    expect(rowOf(UID.deployment)).toMatchObject({ kind: 'Deployment', name: 'web', namespace: NS });
    // Three Deployments held "web"; the table keeps them apart.
    expect(
      table.objects
        .filter((o) => o.name === 'web')
        .map((o) => o.uid)
        .sort(),
    ).toEqual([UID.deploymentOld, UID.deployment, UID.deploymentNext].sort());
    // A Metadata-level delete names no uid, but the name was freed.
    expect(table.deletions?.filter((d) => d.name === 'web').map((d) => d.at_ns)).toEqual([1748851200100000000n, 1748863800000000000n]);
  });

  it('links prompt → tool call → scale request → Deployment Events → ReplicaSet Events → Pod Events, each edge with its rule', () => {
    const prompt = node((n) => n.kind === 'prompt', 'the prompt');
    const agent = node((n) => n.label.startsWith('invoke_agent'), 'the agent span');
    const tool = node((n) => n.kind === 'tool_call', 'the tool call');
    const patch = node(
      (n) => n.kind === 'k8s_api' && n.label.startsWith('patch ') && n.target?.resource === 'deployments/scale',
      'the scale patch',
    );
    const decision = node(
      (n) => n.kind === 'authz_decision' && graph.edges.some((e) => e.from === n.id && e.to === patch.id),
      'the decision',
    );
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
    expect(toDeployment.note).toMatch(
      new RegExp(`not .*#${rowOf(UID.deploymentOld).id} uid ${UID.deploymentOld}.*which held it at another time`),
    );
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
    expect(edge(del, killing).fields.at(-1)).toEqual({
      from: `object identity #${rowOf(UID.podA).id} uid`,
      to: 'involvedObject.uid',
      value: UID.podA,
    });
  });

  it('does not link objects that held the name at another time (deleted and recreated before and after)', () => {
    const prompt = node((n) => n.kind === 'prompt', 'the prompt');
    const patch = node(
      (n) => n.kind === 'k8s_api' && n.label.startsWith('patch ') && n.target?.resource === 'deployments/scale',
      'the scale patch',
    );
    for (const uid of [UID.deploymentOld, UID.deploymentNext, UID.replicaSetNext]) {
      const events = eventIdsOf(uid);
      expect(events.length, uid).toBeGreaterThan(0);
      const ids = new Set(events.map((id) => `e${id}`));
      // Not in the agent's chain, and nothing the agent's request led to (shown or in the background).
      for (const n of graph.nodes.filter((n) => ids.has(n.id)))
        expect(n.chain === undefined || n.chain !== prompt.chain, n.label).toBe(true);
      expect(
        [...graph.edges, ...background].filter(
          (e) => ids.has(e.to) && (e.from === patch.id || e.rule === 'involved-object' || e.rule === 'owner-reference'),
        ),
        uid,
      ).toEqual([]);
    }
    // The Deployment that held "web" during the incident is reached; the one before and the one after are not.
    expect(graph.edges.filter((e) => e.from === patch.id && e.rule === 'involved-object').map((e) => e.fields.at(-1)!.value)).toEqual([
      UID.deployment,
    ]);
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
    expect(table.kinds).toContainEqual(
      expect.objectContaining({ api_group: 'chaos-mesh.org', kind: 'NetworkChaos', resource: 'networkchaos' }),
    );
    const patch = node((n) => n.kind === 'k8s_api' && n.label.startsWith('patch networkchaos'), 'patch networkchaos');
    const applied = workload('Applied', 'net-delay');
    expect(edge(patch, applied)).toMatchObject({ rule: 'involved-object', strength: 'inferred' });
    expect(edge(patch, applied).fields.at(-1)).toEqual({
      from: `object identity #${rowOf(UID.chaos).id} uid`,
      to: 'involvedObject.uid',
      value: UID.chaos,
    });
  });

  it('builds the table of a case imported before the table existed, once, when the workbench opens it', () => {
    const path = join(dir, 'case.causa');
    const bySet = (t: ObjectTable) => ({
      objects: t.objects.map(({ id: _id, ...o }) => o).sort((a, b) => a.uid.localeCompare(b.uid)),
      kinds: [...t.kinds].sort((a, b) => a.kind.localeCompare(b.kind)),
      deletions: t.deletions,
    });
    const old = Workbench.open(path);
    const edgesBefore = old
      .graph()
      .edges.map((e) => `${e.rule} ${e.strength} ${e.from} ${e.to}`)
      .sort();
    // What a case file written before migration 0016 looks like once migrated: evidence, no table, the mark.
    old.store.db.pragma('query_only = OFF');
    old.store.db.exec(
      "DELETE FROM k8s_object; DELETE FROM k8s_kind; DELETE FROM k8s_deletion; INSERT INTO case_meta (key, value) VALUES ('object_identity_pending', '1')",
    );
    expect(readObjectTable(old.store).objects).toEqual([]);
    old.close();
    const upgraded = Workbench.open(path);
    expect(bySet(readObjectTable(upgraded.store))).toEqual(bySet(table));
    expect(upgraded.store.db.prepare("SELECT count(*) FROM case_meta WHERE key = 'object_identity_pending'").pluck().get()).toBe(0);
    expect(
      upgraded
        .graph()
        .edges.map((e) => `${e.rule} ${e.strength} ${e.from} ${e.to}`)
        .sort(),
    ).toEqual(edgesBefore);
    upgraded.close();
  });
});
