// What the graph's React Flow elements share: the node type and the ids of its invisible handles.
import type { Node } from '@xyflow/react';
import type { GraphNode } from '../../../../src-main/shared/graph';

/** Edges leave and enter a node by the side that faces the other node (see flow-elements.ts); the handles are invisible. */
export const HANDLES = {
  outRight: 'out-r',
  outBottom: 'out-b',
  outTop: 'out-t',
  inLeft: 'in-l',
  inTop: 'in-t',
  inBottom: 'in-b',
  /** The analyst draws an edge from this small dot (shown on hover) … */
  drawFrom: 'draw-from',
  /** … onto this one, which covers the whole node while a drag is under way. */
  drawTo: 'draw-to',
} as const;

/**
 * A graph node as React Flow carries it: the contract's node is the data, nothing is copied; `background`
 * marks a member of an expanded background group, `pinned` a node the analyst moved (drawn where they left it).
 */
export type EventFlowNode = Node<{ node: GraphNode; background?: boolean; pinned?: boolean }, 'event'>;
