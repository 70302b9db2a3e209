// Background groups expanded on demand (the API's groupMembers): a group's members come back as the very
// nodes the linker built, a page at a time in time order, each API request with its decision, under the
// graph's filter — on the INC-0047 sample, whose controller manager alone makes over a thousand of them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';
import type { Graph, GraphNode } from '../../../src-main/shared/graph';

const SAMPLE = new URL('../../../resources/samples/inc-0047', import.meta.url).pathname;
const CONTROLLERS = 'g:api:k8s_api:system:kube-controller-manager';
const KUBELET = 'g:workload:workload_event:kubelet';
/** The CronJob controller's Events recur: 42 events on 6 nodes. */
const CRONJOBS = 'g:workload:workload_event:cronjob-controller';
let workbench: Workbench;
let graph: Graph;

beforeAll(async () => {
  workbench = Workbench.open(join(mkdtempSync(join(tmpdir(), 'causa-groups-')), 'case.causa'), { create: true });
  await workbench.importPaths([SAMPLE]);
  graph = workbench.graph();
});

afterAll(() => workbench?.close());

/** Every member of a group under a filter, page after page. */
function allMembers(group: string, filter = {}, limit = 500): { total: number; nodes: GraphNode[]; pages: number } {
  const nodes: GraphNode[] = [];
  for (let offset = 0, pages = 1; ; offset += limit, pages += 1) {
    const page = workbench.groupMembers({ group, filter, offset, limit });
    nodes.push(...page.nodes);
    if (offset + limit >= page.total) return { total: page.total, nodes, pages };
  }
}

const members = (nodes: GraphNode[]) => nodes.filter((n) => n.kind !== 'authz_decision');

describe('groupMembers', () => {
  it('pages through every member of a group once, in time order, none of them in the graph already', () => {
    const group = graph.groups.find((g) => g.id === CONTROLLERS)!;
    const { total, nodes, pages } = allMembers(CONTROLLERS);
    expect(pages).toBeGreaterThan(1);
    expect(total).toBe(group.nodes);
    const requests = members(nodes);
    expect(requests).toHaveLength(group.nodes);
    expect(new Set(requests.map((n) => n.id)).size).toBe(group.nodes);
    expect(requests.flatMap((n) => n.event_ids)).toHaveLength(group.count);
    expect(requests.flatMap((n) => n.event_ids).slice(0, group.event_ids.length)).toEqual(group.event_ids);
    const times = requests.map((n) => n.time!);
    expect([...times].sort()).toEqual(times);
    const shown = new Set(graph.nodes.map((n) => n.id));
    expect(nodes.some((n) => shown.has(n.id))).toBe(false);
    for (const node of requests) {
      expect(node).toMatchObject({ kind: 'k8s_api', lane: 'api', actor: { id: 'system:kube-controller-manager' }, notable: false });
      expect(node.chain).toBeUndefined();
    }
  });

  it('brings each request’s authorization decision, joined to it as the linker joins them', () => {
    const page = workbench.groupMembers({ group: CONTROLLERS, filter: {}, offset: 0, limit: 20 });
    expect(members(page.nodes)).toHaveLength(20);
    for (const request of members(page.nodes)) {
      const decision = page.nodes.find((n) => n.id === `a${request.id.slice(1)}`);
      expect(decision, request.id).toMatchObject({ kind: 'authz_decision', lane: 'authz', event_ids: request.event_ids });
      const edge = page.edges.find((e) => e.from === decision!.id && e.to === request.id);
      expect(edge).toMatchObject({ id: `authz-annotation:${decision!.id}->${request.id}`, rule: 'authz-annotation', strength: 'explicit' });
    }
  });

  it('builds Events as the linker does: one node per Event, a new message a new Event', () => {
    // Each of a CronJob's SuccessfulCreate Events names another Job: separate Events, separate nodes
    // (a recurrence, the same message again with its count up, is one node: test/unit/core/link-background).
    const { nodes } = allMembers(CRONJOBS);
    const group = graph.groups.find((g) => g.id === CRONJOBS)!;
    expect(nodes).toHaveLength(group.nodes);
    expect(nodes.flatMap((n) => n.event_ids)).toHaveLength(group.count);
    expect(nodes.every((n) => n.event_ids.length === 1 && !/\(×\d+\)$/.test(n.label))).toBe(true);
  });

  it('narrows the members by the graph’s filter', () => {
    const filter = { since: '2025-04-03T14:40:00Z' };
    const narrowed = allMembers(CONTROLLERS, filter);
    const group = workbench.graph(filter).groups.find((g) => g.id === CONTROLLERS)!;
    expect(narrowed.total).toBe(group.nodes);
    expect(narrowed.total).toBeLessThan(allMembers(CONTROLLERS).total);
    expect(members(narrowed.nodes).every((n) => n.time! >= '2025-04-03T14:40:00')).toBe(true);
    expect(workbench.groupMembers({ group: CONTROLLERS, filter: { kind: ['workload_event'] }, offset: 0, limit: 100 })).toMatchObject({
      total: 0,
      nodes: [],
    });
  });

  it('answers an empty page for a group the case does not have, or past the end', () => {
    expect(workbench.groupMembers({ group: 'g:api:k8s_api:nobody', filter: {}, offset: 0, limit: 10 })).toMatchObject({
      total: 0,
      nodes: [],
      edges: [],
    });
    const group = graph.groups.find((g) => g.id === KUBELET)!;
    expect(workbench.groupMembers({ group: KUBELET, filter: {}, offset: group.nodes, limit: 10 })).toMatchObject({
      total: group.nodes,
      nodes: [],
    });
  });

  it('is the same from a one-shot workbench (the CLI), which links the members only when a use reads them', () => {
    const oneShot = Workbench.open(workbench.store.path, { membersOnDemand: true });
    try {
      expect(oneShot.graph()).toEqual(graph);
      const filter = { actor: 'system:kube-controller-manager' };
      expect(oneShot.graph(filter)).toEqual(workbench.graph(filter));
      const page = { group: CONTROLLERS, filter: {}, offset: 0, limit: 50 };
      expect(oneShot.groupMembers(page)).toEqual(workbench.groupMembers(page));
    } finally {
      oneShot.close();
    }
  });

  it('is the same through the API contract, which bounds a page', async () => {
    const page = await workbench.handlers.groupMembers({ group: CONTROLLERS, filter: {}, offset: 100, limit: 100 });
    expect(members(page.nodes)).toHaveLength(100);
    expect(page).toMatchObject({ group: CONTROLLERS, offset: 100 });
  });
});
