// The graph view's layout: time left to right across lanes, lanes top to bottom, nothing overlapping.
import { describe, expect, it } from 'vitest';
import {
  BUCKET_MS,
  LANE_ORDER,
  LANE_PADDING,
  ROW_GAP,
  layoutGraph,
  MAX_STACK,
  NODE_HEIGHT,
  NODE_WIDTH,
  nodeHeight,
  timeMs,
  type LayoutNode,
} from '../../../src-renderer/src/lib/graph-layout';

const at = (ms: number) => new Date(Date.UTC(2025, 3, 3, 14, 31, 0) + ms).toISOString();

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }, height = NODE_HEIGHT): boolean {
  return a.x < b.x + NODE_WIDTH && b.x < a.x + NODE_WIDTH && a.y < b.y + height && b.y < a.y + height;
}

describe('timeMs', () => {
  it('keeps the digits below a millisecond and honours offsets', () => {
    expect(timeMs('2025-04-03T14:31:06.884102000Z')! - timeMs('2025-04-03T14:31:06.884Z')!).toBeCloseTo(0.102, 3);
    expect(timeMs('2025-04-03T16:31:06+02:00')).toBe(timeMs('2025-04-03T14:31:06Z'));
    expect(timeMs('yesterday')).toBeUndefined();
    expect(timeMs(undefined)).toBeUndefined();
  });
});

describe('layoutGraph', () => {
  it('puts lanes in the contract order, each node inside its lane, empty lanes thin', () => {
    const nodes: LayoutNode[] = [
      { id: 'p', lane: 'prompt', time: at(0) },
      { id: 'a', lane: 'api', time: at(5) },
      { id: 'd', lane: 'authz', time: at(5) },
      { id: 'w', lane: 'workload', time: at(9) },
    ];
    const layout = layoutGraph(nodes, []);
    expect(layout.lanes.map((l) => l.lane)).toEqual([...LANE_ORDER]);
    for (let i = 1; i < layout.lanes.length; i++) expect(layout.lanes[i]!.y).toBe(layout.lanes[i - 1]!.y + layout.lanes[i - 1]!.height);
    for (const node of nodes) {
      const lane = layout.lanes.find((l) => l.lane === node.lane)!;
      const { y } = layout.positions[node.id]!;
      expect(y).toBeGreaterThanOrEqual(lane.y);
      expect(y + nodeHeight(node.lane)).toBeLessThanOrEqual(lane.y + lane.height);
      expect(lane.count).toBe(1);
    }
    expect(layout.lanes.find((l) => l.lane === 'agent')!.height).toBeLessThan(NODE_HEIGHT);
    expect(layout.height).toBe(layout.lanes.reduce((sum, l) => sum + l.height, 0));
  });

  it('never places a later event left of an earlier one across lanes, and aligns simultaneous ones', () => {
    const nodes: LayoutNode[] = [
      { id: 'req', lane: 'api', time: '2025-04-03T14:31:06.884102000Z' },
      { id: 'dec', lane: 'authz', time: '2025-04-03T14:31:06.884102000Z' },
      { id: 'rs', lane: 'api', time: '2025-04-03T14:31:08.640118000Z' },
      { id: 'ev', lane: 'workload', time: '2025-04-03T14:33:00Z' },
      { id: 'late', lane: 'tool', time: '2025-04-03T15:40:00Z' },
    ];
    const { positions } = layoutGraph(nodes, []);
    expect(positions.dec!.x).toBe(positions.req!.x);
    expect(positions.rs!.x).toBeGreaterThanOrEqual(positions.req!.x + NODE_WIDTH);
    expect(positions.ev!.x).toBeGreaterThan(positions.rs!.x);
    expect(positions.late!.x).toBeGreaterThan(positions.ev!.x);
    // An hour of quiet is compressed, not drawn to scale.
    expect(positions.late!.x - positions.ev!.x).toBeLessThan(400);
  });

  it('stacks siblings at nearly the same time in one column, and never overlaps two nodes', () => {
    const nodes: LayoutNode[] = [{ id: 'rs', lane: 'api', time: at(0) }];
    for (let i = 0; i < 12; i++) nodes.push({ id: `pod${i}`, lane: 'api', time: at(50 + i * 10) });
    const edges = nodes.slice(1).map((n) => ({ from: 'rs', to: n.id }));
    const { positions } = layoutGraph(nodes, edges);
    // The pods were caused by the replicaset, so they start a column of their own to its right.
    expect(positions.pod0!.x).toBeGreaterThan(positions.rs!.x);
    expect(positions.pod1!.x).toBe(positions.pod0!.x);
    expect(positions.pod1!.y).toBeGreaterThan(positions.pod0!.y);
    const columns = new Set(nodes.slice(1).map((n) => positions[n.id]!.x));
    expect(columns.size).toBe(Math.ceil(12 / MAX_STACK));
    for (const a of nodes)
      for (const b of nodes) if (a !== b) expect(overlaps(positions[a.id]!, positions[b.id]!), `${a.id} ${b.id}`).toBe(false);
  });

  it('opens a new column once the bucket has passed', () => {
    const { positions } = layoutGraph(
      [
        { id: 'one', lane: 'api', time: at(0) },
        { id: 'two', lane: 'api', time: at(BUCKET_MS + 1) },
      ],
      [],
    );
    expect(positions.two!.x).toBeGreaterThanOrEqual(positions.one!.x + NODE_WIDTH);
  });

  it('places nodes without a time after the timed ones, in the order given', () => {
    const { positions } = layoutGraph(
      [
        { id: 'untimed-1', lane: 'other' },
        { id: 'timed', lane: 'other', time: at(0) },
        { id: 'untimed-2', lane: 'other' },
      ],
      [],
    );
    expect(positions['untimed-1']!.x).toBeGreaterThan(positions.timed!.x);
    expect(positions['untimed-2']!.x).toBeGreaterThan(positions['untimed-1']!.x);
  });

  // How fast is for the benches (the workbench's first chain, test/bench/workbench-million.bench.ts), not
  // for a timed assertion here that a loaded machine could fail.
  it('lays out 5,000 nodes without overlaps within a lane', () => {
    const lanes = ['tool', 'authz', 'api', 'workload'] as const;
    const nodes: LayoutNode[] = Array.from({ length: 5000 }, (_, i) => ({ id: `n${i}`, lane: lanes[i % 4]!, time: at(i * 37) }));
    const layout = layoutGraph(
      nodes,
      nodes.slice(1).map((n, i) => ({ from: `n${i}`, to: n.id })),
    );
    const byLane = new Map<(typeof lanes)[number], { x: number; y: number }[]>();
    for (const node of nodes)
      byLane.set(node.lane as (typeof lanes)[number], [
        ...(byLane.get(node.lane as (typeof lanes)[number]) ?? []),
        layout.positions[node.id]!,
      ]);
    for (const [lane, placed] of byLane) {
      const sorted = [...placed].sort((a, b) => a.x - b.x || a.y - b.y);
      for (let i = 1; i < sorted.length; i++) expect(overlaps(sorted[i - 1]!, sorted[i]!, nodeHeight(lane))).toBe(false);
    }
    expect(layout.ticks.length).toBeGreaterThan(1);
  });
});

describe('layoutGraph with aligned nodes', () => {
  it('draws each decision in its request’s column and row, even when the decisions are close in time', () => {
    const nodes: LayoutNode[] = [
      { id: 'patch', lane: 'api', time: at(0) },
      { id: 'a-patch', lane: 'authz', time: at(0), alignWith: 'patch' },
      { id: 'rs', lane: 'api', time: at(150) },
      { id: 'a-rs', lane: 'authz', time: at(150), alignWith: 'rs' },
      { id: 'pod1', lane: 'api', time: at(200) },
      { id: 'a-pod1', lane: 'authz', time: at(200), alignWith: 'pod1' },
      { id: 'pod2', lane: 'api', time: at(250) },
      { id: 'a-pod2', lane: 'authz', time: at(250), alignWith: 'pod2' },
    ];
    const edges = [
      { from: 'patch', to: 'rs' },
      { from: 'rs', to: 'pod1' },
      { from: 'rs', to: 'pod2' },
    ];
    const { positions, lanes } = layoutGraph(nodes, edges);
    for (const id of ['patch', 'rs', 'pod1', 'pod2']) expect(positions[`a-${id}`]!.x).toBe(positions[id]!.x);
    expect(positions.rs!.x).toBeGreaterThan(positions.patch!.x);
    expect(positions.pod2!.x).toBe(positions.pod1!.x);
    const row = (id: string, lane: 'api' | 'authz') =>
      (positions[id]!.y - lanes.find((l) => l.lane === lane)!.y - LANE_PADDING) / (nodeHeight(lane) + ROW_GAP);
    expect(row('a-pod2', 'authz')).toBe(row('pod2', 'api'));
    expect(row('a-pod2', 'authz')).toBeGreaterThan(row('a-pod1', 'authz'));
  });
});

describe('folded pauses and hidden empty lanes', () => {
  it('draws a pause over a minute as a fixed break, marked with its length', () => {
    const nodes: LayoutNode[] = [
      { id: 'a', lane: 'api', time: at(0) },
      { id: 'b', lane: 'tool', time: at(500) },
      { id: 'c', lane: 'workload', time: at(500 + 92_000) },
      { id: 'd', lane: 'prompt', time: at(500 + 92_000 + 3_600_000) },
    ];
    const layout = layoutGraph(nodes, []);
    expect(layout.breaks.map((b) => b.ms)).toEqual([92_000, 3_600_000]);
    const [bx, cx, dx] = ['b', 'c', 'd'].map((id) => layout.positions[id]!.x);
    // An hour takes no more room than a minute and a half: both are one break wide.
    expect(cx! - bx!).toBe(dx! - cx!);
    expect(layout.breaks[0]!.x).toBeGreaterThan(bx!);
    expect(layout.breaks[0]!.x).toBeLessThan(cx!);
    // The column after a break is named on the axis.
    expect(layout.ticks.map((t) => t.time)).toEqual(expect.arrayContaining([nodes[2]!.time, nodes[3]!.time]));
    expect(layoutGraph(nodes.slice(0, 2), []).breaks).toEqual([]);
  });

  it('gives empty lanes no height when asked, and a thin band otherwise', () => {
    const nodes: LayoutNode[] = [{ id: 'p', lane: 'prompt', time: at(0) }];
    const hidden = layoutGraph(nodes, [], { hideEmptyLanes: true });
    expect(hidden.lanes.filter((l) => l.lane !== 'prompt').every((l) => l.height === 0)).toBe(true);
    expect(hidden.height).toBe(hidden.lanes.find((l) => l.lane === 'prompt')!.height);
    expect(layoutGraph(nodes, []).lanes.find((l) => l.lane === 'other')!.height).toBeGreaterThan(0);
  });
});

describe('folded lanes', () => {
  it('places no node of a folded lane, counts them, and gives the lane a thin band', async () => {
    const { layoutGraph, FOLDED_LANE_HEIGHT } = await import('../../../src-renderer/src/lib/graph-layout');
    const nodes = [
      { id: 'p', lane: 'prompt' as const, time: '2025-04-03T14:31:04.000Z' },
      { id: 'w1', lane: 'workload' as const, time: '2025-04-03T14:31:05.000Z' },
      { id: 'w2', lane: 'workload' as const, time: '2025-04-03T14:31:09.000Z' },
      { id: 'a', lane: 'api' as const, time: '2025-04-03T14:31:06.000Z' },
    ];
    const open = layoutGraph(nodes, [{ from: 'p', to: 'a' }]);
    const folded = layoutGraph(nodes, [{ from: 'p', to: 'a' }], { foldedLanes: ['workload'] });
    expect(Object.keys(folded.positions).sort()).toEqual(['a', 'p']);
    const band = folded.lanes.find((l) => l.lane === 'workload')!;
    expect(band).toMatchObject({ folded: true, count: 2, height: FOLDED_LANE_HEIGHT });
    expect(folded.height).toBeLessThan(open.height);
    expect(open.lanes.find((l) => l.lane === 'workload')!.folded).toBeUndefined();
  });
});
