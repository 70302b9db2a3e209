// What the linker keeps of the background so that a group can be expanded later: each group's members as
// event ids, and nodes built again from those events equal to the nodes the linker built from the case.
import { describe, expect, it } from 'vitest';
import { buildMemberNodes, linkCaseEvents, memberEventIds, type LinkEvent } from '../../../src-main/core/link';
import { buildNodes } from '../../../src-main/core/link/nodes';

let nextId = 0;
function event(fields: Partial<LinkEvent> & Pick<LinkEvent, 'kind' | 'time'>): LinkEvent {
  nextId += 1;
  return {
    id: nextId,
    source: 'audit.jsonl',
    position: nextId,
    raw_sha256: '0'.repeat(64),
    outcome: 'success',
    format: 'k8s-audit',
    ...fields,
  };
}

const CONTROLLER = { type: 'service_account' as const, id: 'system:kube-controller-manager' };

/** A lease renewal as the API server audits it: RequestReceived, then ResponseComplete with the decision. */
function leaseUpdate(second: number, auditId: string): LinkEvent[] {
  const base = {
    kind: 'k8s_api' as const,
    action: 'update',
    actor: CONTROLLER,
    target: { api_group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager' },
    keys: { audit_id: auditId },
  };
  return [
    event({ ...base, time: `2025-04-03T14:25:${String(second).padStart(2, '0')}.000000000Z`, outcome: 'unknown' }),
    event({
      ...base,
      time: `2025-04-03T14:25:${String(second).padStart(2, '0')}.004000000Z`,
      authz: { decision: 'allow', reason: 'RBAC: allowed' },
    }),
  ];
}

function backOff(second: number): LinkEvent {
  return event({
    kind: 'workload_event',
    action: 'BackOff',
    time: `2025-04-03T14:26:${String(second).padStart(2, '0')}.000000000Z`,
    actor: { type: 'system', id: 'kubelet' },
    target: { resource: 'pods', namespace: 'production', name: 'api-7f9', uid: 'pod-uid-1' },
    keys: { object_uid: 'pod-uid-1' },
    source: 'events.jsonl',
    format: 'k8s-events',
    outcome: 'failure',
  });
}

describe('background groups', () => {
  const events = [
    event({
      kind: 'prompt',
      time: '2025-04-03T14:24:59.000000000Z',
      text: 'restart the api',
      actor: { type: 'human', id: 'dev' },
      format: 'otlp-json',
    }),
    ...leaseUpdate(1, 'lease-1'),
    ...leaseUpdate(3, 'lease-2'),
    ...leaseUpdate(5, 'lease-3'),
    event({
      kind: 'workload_event',
      action: 'Pulled',
      time: '2025-04-03T14:26:00.000000000Z',
      actor: { type: 'system', id: 'kubelet' },
      format: 'k8s-events',
      source: 'events.jsonl',
    }),
  ];
  const linked = linkCaseEvents(events);

  it('keeps each group’s members as the event ids of its nodes, in time order', () => {
    const leases = linked.graph.groups.find((g) => g.id === 'g:api:k8s_api:system:kube-controller-manager')!;
    expect(leases).toMatchObject({ lane: 'api', count: 6, nodes: 3 });
    const members = linked.members.get(leases.id)!;
    expect(memberEventIds(members, 0, 10)).toEqual([
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
    expect(memberEventIds(members, 1, 1)).toEqual([[4, 5]]);
    expect(linked.graph.nodes.map((n) => n.kind)).toEqual(['prompt']);
    // Nothing but the group's members is kept: the graph itself holds no background node.
    expect(linked.backgroundEdges).toEqual([]);
  });

  it('builds members again exactly as the linker built them, each request with its decision', () => {
    const members = linked.members.get('g:api:k8s_api:system:kube-controller-manager')!;
    const byId = new Map(events.map((e) => [e.id, e]));
    const rebuilt = buildMemberNodes(memberEventIds(members, 0, 10).map((ids) => ids.map((id) => byId.get(id)!)));
    const drafts = new Map(buildNodes(events).nodes.map((d) => [d.id, d]));
    expect(rebuilt.nodes.map((n) => n.id)).toEqual(['e2', 'a2', 'e4', 'a4', 'e6', 'a6']);
    for (const node of rebuilt.nodes) {
      const draft = drafts.get(node.id)!;
      expect(node).toMatchObject({
        kind: draft.kind,
        lane: draft.lane,
        label: draft.label,
        event_ids: draft.eventIds,
        outcome: draft.outcome,
        time: draft.time,
      });
      expect(node.chain).toBeUndefined();
    }
    expect(rebuilt.nodes.find((n) => n.id === 'e2')).toMatchObject({ outcome: 'success', authz: { decision: 'allow' } });
    expect(rebuilt.edges.map((e) => e.id)).toEqual(['authz-annotation:a2->e2', 'authz-annotation:a4->e4', 'authz-annotation:a6->e6']);
  });

  it('keeps a recurring Event one node, with every recurrence', () => {
    const recurring = [backOff(1), backOff(11), backOff(31)];
    const graph = linkCaseEvents(recurring);
    const group = graph.graph.groups[0]!;
    // A BackOff is a failure, so notable: drawn, not grouped.
    expect(group).toBeUndefined();
    expect(graph.graph.nodes).toHaveLength(1);
    const quiet = recurring.map((e) => ({ ...e, outcome: 'success' as const }));
    const linkedQuiet = linkCaseEvents(quiet);
    const members = linkedQuiet.members.get('g:workload:workload_event:kubelet')!;
    const ids = memberEventIds(members, 0, 10);
    expect(ids).toEqual([quiet.map((e) => e.id)]);
    const [node] = buildMemberNodes([quiet]).nodes;
    expect(node!.label).toMatch(/\(×3\)$/);
  });
});
