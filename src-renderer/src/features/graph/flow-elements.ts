// The graph and its layout as React Flow elements. Edges are styled by strength (explicit solid, inferred
// dashed, an inferred edge the analyst accepted dashed green, analyst dotted), and leave by the side facing their target: simultaneous nodes in two lanes
// (a request and its decision) sit in one column, so their edge runs vertically.
import { MarkerType, type Edge } from '@xyflow/react';
import type { GraphEdge, GraphNode } from '../../../../src-main/shared/graph';
import { HANDLES, type EventFlowNode } from './flow-types';
import { NODE_HEIGHT, NODE_WIDTH, type GraphLayout } from '../../lib/graph-layout';

const EDGE_COLOURS = { explicit: '#8a9bb0', inferred: '#5fb3f9', analyst: '#c59cff' } as const;
const ACCEPTED_COLOUR = '#5fd38a';
/** A taint chain (issue 20) is drawn in its own colour whatever its strength: content that came from outside. */
const TAINT_COLOUR = 'var(--taint)';

/**
 * `members`: the nodes an expanded background group brought, drawn as background; `pins`: where the analyst
 * moved nodes, which wins over the layout. Every node can be dragged (and so pinned).
 */
export function toFlowNodes(
  nodes: readonly GraphNode[],
  layout: GraphLayout | undefined,
  members: ReadonlySet<string> = new Set(),
  pins: Readonly<Record<string, { x: number; y: number }>> = {},
): EventFlowNode[] {
  if (!layout) return [];
  return nodes.flatMap((node) => {
    const laid = layout.positions[node.id];
    if (!laid) return [];
    const pin = pins[node.id];
    const data = { node, ...(members.has(node.id) ? { background: true } : {}), ...(pin ? { pinned: true } : {}) };
    return [{ id: node.id, type: 'event' as const, position: pin ?? laid, data, draggable: true }];
  });
}

type Route = { sourceHandle: string; targetHandle: string; type?: 'smoothstep' };

export function handlesFor(from: { x: number; y: number }, to: { x: number; y: number }): Route {
  // Two nodes of one row with a column between them: a straight edge would run behind that column's
  // node and look like two edges; route it underneath the row instead.
  if (Math.abs(to.y - from.y) < 1 && to.x - from.x > NODE_WIDTH * 1.75) {
    return { sourceHandle: HANDLES.outBottom, targetHandle: HANDLES.inBottom, type: 'smoothstep' };
  }
  if (to.x >= from.x + NODE_WIDTH / 2) return { sourceHandle: HANDLES.outRight, targetHandle: HANDLES.inLeft };
  return to.y > from.y
    ? { sourceHandle: HANDLES.outBottom, targetHandle: HANDLES.inTop }
    : { sourceHandle: HANDLES.outTop, targetHandle: HANDLES.inBottom };
}

/** Edges of the selected node are lit and carry their rule's name; the others stay quiet. */
export function toFlowEdges(edges: readonly GraphEdge[], layout: GraphLayout | undefined, selected: string | undefined): Edge[] {
  if (!layout) return [];
  return edges.flatMap((edge) => {
    const [from, to] = [layout.positions[edge.from], layout.positions[edge.to]];
    if (!from || !to) return [];
    const active = selected !== undefined && (edge.from === selected || edge.to === selected);
    const accepted = edge.status === 'accepted';
    const taint = edge.rule === 'taint';
    const colour = taint ? TAINT_COLOUR : accepted ? ACCEPTED_COLOUR : EDGE_COLOURS[edge.strength];
    const route = handlesFor(from, to);
    // A label on a short hop (neighbouring columns, adjacent lanes) would cover a node; the inspector names it.
    const room =
      route.type === 'smoothstep'
        ? Infinity
        : route.sourceHandle === HANDLES.outRight
          ? to.x - from.x - NODE_WIDTH
          : Math.abs(to.y - from.y) - NODE_HEIGHT;
    const decision = edge.rule === 'authz-annotation';
    // An accepted edge says so even when quiet: the analyst's decision is part of the picture.
    const labelled = (active || accepted || taint) && !decision && room >= 110;
    const label = accepted ? (active ? `${edge.rule} · accepted` : 'accepted') : edge.rule;
    return [
      {
        id: edge.id,
        source: edge.from,
        target: edge.to,
        ...route,
        // A decision and its request are one step: their edge is drawn quieter than a causal one.
        className: `graph-edge edge-${edge.strength}${edge.status ? ` edge-${edge.status}` : ''}${decision ? ' edge-decision' : ''}${taint ? ' edge-taint' : ''}${active ? ' active' : ''}`,
        markerEnd: { type: MarkerType.ArrowClosed, color: colour, width: 16, height: 16 },
        style: { stroke: colour },
        ...(active ? { zIndex: 2 } : {}),
        ...(labelled ? { label, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 3 } : {}),
        focusable: false,
        selectable: false,
      },
    ];
  });
}
