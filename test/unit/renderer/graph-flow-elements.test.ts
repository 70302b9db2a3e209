// The graph's React Flow elements: which side an edge leaves by, its style by strength, rejected edges.
import { describe, expect, it } from 'vitest';
import type { GraphEdge } from '../../../src-main/shared/graph';
import { HANDLES } from '../../../src-renderer/src/features/graph/flow-types';
import { handlesFor, toFlowEdges } from '../../../src-renderer/src/features/graph/flow-elements';
import { NODE_WIDTH, type GraphLayout } from '../../../src-renderer/src/lib/graph-layout';

const layout: GraphLayout = {
  positions: { a: { x: 0, y: 100 }, b: { x: 300, y: 100 }, c: { x: 900, y: 100 }, d: { x: 0, y: 0 } },
  lanes: [],
  width: 1200,
  height: 300,
  ticks: [],
  breaks: [],
};

const edge = (from: string, to: string, strength: GraphEdge['strength'], extra: Partial<GraphEdge> = {}): GraphEdge => ({
  id: `${from}->${to}`,
  from,
  to,
  rule: 'test-rule',
  strength,
  fields: [],
  ...extra,
});

describe('handlesFor', () => {
  it('joins a later column side to side, a column below or above by top and bottom, and routes a skip under the row', () => {
    expect(handlesFor({ x: 0, y: 0 }, { x: NODE_WIDTH + 40, y: 200 })).toEqual({
      sourceHandle: HANDLES.outRight,
      targetHandle: HANDLES.inLeft,
    });
    expect(handlesFor({ x: 0, y: 0 }, { x: 0, y: 120 })).toEqual({ sourceHandle: HANDLES.outBottom, targetHandle: HANDLES.inTop });
    expect(handlesFor({ x: 0, y: 120 }, { x: 0, y: 0 })).toEqual({ sourceHandle: HANDLES.outTop, targetHandle: HANDLES.inBottom });
    expect(handlesFor({ x: 0, y: 100 }, { x: 3 * NODE_WIDTH, y: 100 })).toMatchObject({
      sourceHandle: HANDLES.outBottom,
      type: 'smoothstep',
    });
  });
});

describe('toFlowEdges', () => {
  it('styles edges by strength and names the rule only on the selected node’s long edges', () => {
    const edges = toFlowEdges(
      [edge('a', 'b', 'explicit'), edge('b', 'c', 'inferred', { status: 'proposed' }), edge('d', 'a', 'analyst')],
      layout,
      'b',
    );
    expect(edges.map((e) => e.className)).toEqual([
      'graph-edge edge-explicit active',
      'graph-edge edge-inferred edge-proposed active',
      'graph-edge edge-analyst',
    ]);
    expect(edges[0]!.label).toBeUndefined(); // a short hop: the label would cover a node
    expect(edges[1]!.label).toBe('test-rule');
    expect(edges[2]!.label).toBeUndefined();
  });

  it('draws an accepted inferred edge green and says so, even when its node is not selected', () => {
    const [quiet] = toFlowEdges([edge('b', 'c', 'inferred', { status: 'accepted' })], layout, undefined);
    expect(quiet!.className).toBe('graph-edge edge-inferred edge-accepted');
    expect(quiet!.style).toEqual({ stroke: '#5fd38a' });
    expect(quiet!.label).toBe('accepted');
    const [active] = toFlowEdges([edge('b', 'c', 'inferred', { status: 'accepted' })], layout, 'c');
    expect(active!.label).toBe('test-rule · accepted');
  });

  it('draws nothing for an edge whose end is not laid out', () => {
    expect(toFlowEdges([edge('a', 'missing', 'explicit')], layout, undefined)).toEqual([]);
  });
});
