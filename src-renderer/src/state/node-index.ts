// Which graph node each timeline event belongs to, so that annotations name the same node the graph view
// shows: one event is `e<id>`, every stage of an API request is the one node `e<smallest stage id>`.
// (An authorization decision's `a<id>` node shares its request's events but is not the row.)
// Fetched from api.graph once per case or filter change; what was seen is kept, so labels and times
// of annotated nodes stay known when the filter hides them.
import { create } from 'zustand';
import type { EventFilter } from '../../../src-main/shared/contract';
import type { GraphNode } from '../../../src-main/shared/graph';
import { api } from '../api';
import { eventNodeId } from '../features/annotate/drag';

export interface NodeSummary {
  id: string;
  label: string;
  time?: string;
  event_ids: number[];
}

interface NodeIndexState {
  byEvent: Record<number, string>;
  nodes: Record<string, NodeSummary>;
  /** Bumped per request so a late answer for an old filter is dropped. */
  generation: number;
  load(filter: EventFilter): Promise<void>;
  /** Adds nodes the graph view fetched on its own (an expanded background group's members). */
  remember(nodes: readonly GraphNode[]): void;
}

function addNodes(state: Pick<NodeIndexState, 'byEvent' | 'nodes'>, nodes: readonly GraphNode[]): Pick<NodeIndexState, 'byEvent' | 'nodes'> {
  const byEvent = { ...state.byEvent };
  const known = { ...state.nodes };
  for (const node of nodes) {
    known[node.id] = { id: node.id, label: node.label, time: node.time, event_ids: node.event_ids };
    // An API request's authorization decision is a node of its own (`a<id>`) over the same event;
    // the event belongs to its evidence node (`e<id>`), which is what a row stands for.
    const evidence = node.id.startsWith('e');
    for (const id of node.event_ids) if (evidence || byEvent[id] === undefined) byEvent[id] = node.id;
  }
  return { byEvent, nodes: known };
}

export const useNodeIndex = create<NodeIndexState>((set, get) => ({
  byEvent: {},
  nodes: {},
  generation: 0,
  async load(filter) {
    const generation = get().generation + 1;
    set({ generation });
    const result = await api.graph({ filter });
    if (!result.ok || get().generation !== generation) return;
    set(addNodes(get(), result.value.nodes));
  },
  remember(nodes) {
    if (nodes.length > 0) set(addNodes(get(), nodes));
  },
}));

export function nodeOfEvent(byEvent: Record<number, string>, eventId: number): string {
  return byEvent[eventId] ?? eventNodeId(eventId);
}

/** The event to select for a node: for an API request its latest stage, the row the timeline shows. */
export function eventOfNode(nodes: Record<string, NodeSummary>, nodeId: string): number | undefined {
  const known = nodes[nodeId]?.event_ids;
  if (known && known.length > 0) return Math.max(...known);
  const match = /^e(\d+)$/.exec(nodeId);
  return match ? Number(match[1]) : undefined;
}
