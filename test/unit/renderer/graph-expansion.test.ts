// Expanded background groups in the graph view: pages add up, the budget bounds what is drawn, and the
// merged graph never holds a node twice nor an edge with an end missing.
import { describe, expect, it } from 'vitest';
import type { Graph, GraphEdge, GraphNode } from '../../../src-main/shared/graph';
import {
  budgetLeft,
  MAX_EXPANDED,
  mergeExpansions,
  neighboursOf,
  withPage,
  type Expansion,
} from '../../../src-renderer/src/state/graph-expansion';

const node = (id: string, extra: Partial<GraphNode> = {}): GraphNode => ({
  id,
  kind: 'k8s_api',
  lane: 'api',
  label: id,
  event_ids: [Number(id.slice(1))],
  outcome: 'success',
  notable: false,
  ...extra,
});
const edge = (from: string, to: string): GraphEdge => ({
  id: `authz-annotation:${from}->${to}`,
  from,
  to,
  rule: 'authz-annotation',
  strength: 'explicit',
  fields: [],
});

const base: Graph = {
  nodes: [
    node('e1', { chain: 1 }),
    node('a9', { kind: 'authz_decision', lane: 'authz', event_ids: [9], outcome: 'denied', notable: true }),
  ],
  edges: [],
  groups: [{ id: 'g:api:k8s_api:ctrl', label: 'k8s_api by ctrl', lane: 'api', count: 300, nodes: 300, event_ids: [] }],
  chains: [],
};

describe('withPage', () => {
  it('starts an expansion with its first page and adds the next ones after it', () => {
    const first = withPage(
      undefined,
      'k8s_api by ctrl',
      { group: 'g', total: 300, offset: 0, nodes: [node('e2'), node('a2')], edges: [edge('a2', 'e2')] },
      100,
    );
    expect(first).toMatchObject({ group: 'g', total: 300, shown: 100, loading: false });
    const second = withPage(first, 'k8s_api by ctrl', { group: 'g', total: 300, offset: 100, nodes: [node('e3')], edges: [] }, 100);
    expect(second.shown).toBe(200);
    expect(second.nodes.map((n) => n.id)).toEqual(['e2', 'a2', 'e3']);
    // The last page is short: it shows what is left.
    expect(withPage(second, 'x', { group: 'g', total: 250, offset: 200, nodes: [], edges: [] }, 100).shown).toBe(250);
    // A page from offset 0 replaces (a filter changed): nothing of before is kept.
    expect(withPage(second, 'x', { group: 'g', total: 5, offset: 0, nodes: [node('e4')], edges: [] }, 200).nodes.map((n) => n.id)).toEqual([
      'e4',
    ]);
  });
});

describe('budgetLeft', () => {
  it('counts the members drawn over every group against the ceiling', () => {
    const expansion = (shown: number): Expansion => ({
      group: String(shown),
      label: '',
      total: 5000,
      shown,
      nodes: [],
      edges: [],
      loading: false,
    });
    expect(budgetLeft({})).toBe(MAX_EXPANDED);
    expect(budgetLeft({ a: expansion(300), b: expansion(200) })).toBe(MAX_EXPANDED - 500);
    expect(budgetLeft({ a: expansion(MAX_EXPANDED), b: expansion(100) })).toBe(0);
  });
});

describe('mergeExpansions', () => {
  it('adds the members and the edges whose both ends are drawn, each once', () => {
    const expanded: Record<string, Expansion> = {
      g1: {
        group: 'g1',
        label: '',
        total: 2,
        shown: 2,
        loading: false,
        nodes: [node('e2'), node('a2'), node('e9')],
        edges: [edge('a2', 'e2'), edge('a9', 'e9')],
      },
      g2: {
        group: 'g2',
        label: '',
        total: 1,
        shown: 1,
        loading: false,
        nodes: [node('e2'), node('e5')],
        edges: [edge('a2', 'e2'), edge('a5', 'e5')],
      },
    };
    const { graph, memberIds } = mergeExpansions(base, expanded);
    expect(graph.nodes.map((n) => n.id)).toEqual(['e1', 'a9', 'e2', 'a2', 'e9', 'e5']);
    expect([...memberIds]).toEqual(['e2', 'a2', 'e9', 'e5']);
    // The denied decision the graph already drew now meets its request; a5 is not drawn, so neither is its edge.
    expect(graph.edges.map((e) => e.id)).toEqual(['authz-annotation:a2->e2', 'authz-annotation:a9->e9']);
    expect(graph.groups).toBe(base.groups);
  });

  it('gives back the server’s graph itself when nothing is expanded', () => {
    expect(mergeExpansions(base, {}).graph).toBe(base);
    expect(mergeExpansions(base, { g: { group: 'g', label: '', total: 9, shown: 0, nodes: [], edges: [], loading: true } }).graph).toBe(
      base,
    );
  });
});

describe('neighboursOf', () => {
  const edge = (id: string, from: string, to: string, status?: 'rejected'): GraphEdge => ({
    id,
    from,
    to,
    rule: 'r',
    strength: 'explicit',
    fields: [],
    ...(status ? { status } : {}),
  });
  it('gives the nodes one edge away, either way, once each, rejected edges and loops left out', () => {
    const edges = [
      edge('1', 'a', 'b'),
      edge('2', 'c', 'a'),
      edge('3', 'a', 'b'),
      edge('4', 'a', 'd', 'rejected'),
      edge('5', 'b', 'e'),
      edge('6', 'a', 'a'),
    ];
    expect(neighboursOf('a', edges).sort()).toEqual(['b', 'c']);
    expect(neighboursOf('e', edges)).toEqual(['b']);
    expect(neighboursOf('z', edges)).toEqual([]);
  });
});
