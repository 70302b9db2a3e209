// The graph and its layout as React Flow elements. Edges are styled by strength (explicit solid, inferred
// dashed, analyst dotted), and leave by the side facing their target: simultaneous nodes in two lanes
// (a request and its decision) sit in one column, so their edge runs vertically.
import { MarkerType, type Edge } from '@xyflow/react';
import type { GraphEdge, GraphNode } from '../../../../src-main/shared/graph';
import type { EventFlowNode } from './EventNode';
import { HANDLES } from './EventNode';
import { NODE_WIDTH, type GraphLayout } from './layout';

const EDGE_COLOURS = { explicit: '#8a9bb0', inferred: '#5fb3f9', analyst: '#c59cff' } as const;

export function toFlowNodes(nodes: readonly GraphNode[], layout: GraphLayout | undefined): EventFlowNode[] {
  if (!layout) return [];
  return nodes.flatMap((node) => {
    const position = layout.positions[node.id];
    return position ? [{ id: node.id, type: 'event' as const, position, data: { node }, draggable: false, connectable: false }] : [];
  });
}

function handlesFor(from: { x: number; y: number }, to: { x: number; y: number }): { sourceHandle: string; targetHandle: string } {
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
    const colour = EDGE_COLOURS[edge.strength];
    return [
      {
        id: edge.id,
        source: edge.from,
        target: edge.to,
        ...handlesFor(from, to),
        // A decision and its request are one step: their edge is drawn quieter than a causal one.
        className: `graph-edge edge-${edge.strength}${edge.status ? ` edge-${edge.status}` : ''}${edge.rule === 'authz-annotation' ? ' edge-decision' : ''}${active ? ' active' : ''}`,
        markerEnd: { type: MarkerType.ArrowClosed, color: colour, width: 16, height: 16 },
        style: { stroke: colour },
        ...(active ? { label: edge.rule, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 3, zIndex: 2 } : {}),
        focusable: false,
        selectable: false,
      },
    ];
  });
}
