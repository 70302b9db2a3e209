// The causal graph of the open case as the graph view shows it: the graph for the active filter, the
// chain on screen, and that chain's layout (computed in a worker). Reloaded whenever the timeline's query
// changes, so the graph and the timeline always show the same filter.
import { create } from 'zustand';
import type { EventFilter } from '../../../src-main/shared/contract';
import type { Graph, GraphEdge, GraphNode } from '../../../src-main/shared/graph';
import { api } from '../api';
import type { GraphLayout } from '../features/graph/layout';
import { layoutInWorker } from '../features/graph/layout-client';
import { useAnalysis } from './analysis';
import { useCaseData } from './case-data';

/** A chain id, the nodes in no chain (lone prompts, tool calls, denials), or every node the graph holds. */
export type ChainView = number | 'unlinked' | 'all';

export type GraphStatus = 'loading' | 'laying-out' | 'ready' | 'error';

interface GraphState {
  status: GraphStatus;
  error?: string;
  graph?: Graph;
  /** The filter the graph on screen was linked for (the timeline's), as tests and the view read it. */
  filter?: EventFilter;
  nodeById: ReadonlyMap<string, GraphNode>;
  /** The node an event belongs to (an API request's node rather than its decision's). */
  nodeOfEvent: ReadonlyMap<number, string>;
  view?: ChainView;
  /** How many nodes are in no chain, and how many of those are notable (for the chain picker). */
  unlinked: { nodes: number; notable: number };
  /** Each chain's nodes that pass the filter (the chain summaries count the whole chain). */
  shownOfChain: ReadonlyMap<number, number>;
  /** The nodes and edges of the view (rejected edges are never drawn), and where they go. */
  visible: { nodes: GraphNode[]; edges: GraphEdge[] };
  layout?: GraphLayout;
  load(filter: EventFilter): Promise<void>;
  showView(view: ChainView): Promise<void>;
  /** Makes sure a node is on screen, switching to its chain (or to every node) when it is not. */
  reveal(nodeId: string): Promise<void>;
}

let loadSeq = 0;
let layoutSeq = 0;

function indexEvents(nodes: GraphNode[]): Map<number, string> {
  const map = new Map<number, string>();
  for (const node of nodes) {
    for (const id of node.event_ids) {
      // A decision shares its request's events; the request is the row's node.
      if (!map.has(id) || node.kind !== 'authz_decision') map.set(id, node.id);
    }
  }
  return map;
}

function viewOf(graph: Graph, view: ChainView): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes =
    view === 'all'
      ? graph.nodes
      : graph.nodes.filter((node) => (view === 'unlinked' ? node.chain === undefined : node.chain === view));
  const kept = new Set(nodes.map((node) => node.id));
  return { nodes, edges: graph.edges.filter((edge) => edge.status !== 'rejected' && kept.has(edge.from) && kept.has(edge.to)) };
}

export const useGraph = create<GraphState>((set, get) => ({
  status: 'loading',
  nodeById: new Map(),
  nodeOfEvent: new Map(),
  visible: { nodes: [], edges: [] },
  unlinked: { nodes: 0, notable: 0 },
  shownOfChain: new Map(),

  async load(filter) {
    const seq = ++loadSeq;
    set({ status: 'loading', error: undefined });
    const result = await api.graph({ filter });
    if (seq !== loadSeq) return;
    if (!result.ok) return set({ status: 'error', error: result.message });
    const graph = result.value;
    const previous = get().view;
    // Keep the analyst's chain across a filter change when it survives it; else start on the first.
    const keep =
      previous === 'all' ||
      (previous === 'unlinked' && graph.nodes.some((n) => n.chain === undefined)) ||
      (previous !== undefined && graph.chains.some((c) => c.id === previous));
    const lone = graph.nodes.filter((n) => n.chain === undefined);
    const shownOfChain = new Map<number, number>();
    for (const node of graph.nodes) if (node.chain !== undefined) shownOfChain.set(node.chain, (shownOfChain.get(node.chain) ?? 0) + 1);
    set({
      graph,
      filter,
      unlinked: { nodes: lone.length, notable: lone.filter((n) => n.notable).length },
      shownOfChain,
      nodeById: new Map(graph.nodes.map((node) => [node.id, node])),
      nodeOfEvent: indexEvents(graph.nodes),
    });
    await get().showView(keep ? previous! : (graph.chains[0]?.id ?? 'all'));
  },

  async showView(view) {
    const { graph } = get();
    if (!graph) return;
    const seq = ++layoutSeq;
    const visible = viewOf(graph, view);
    set({ view, visible, status: 'laying-out' });
    try {
      // A decision is drawn above the request it decided (the authz-annotation edge joins the two).
      const decided = new Map(visible.edges.filter((e) => e.rule === 'authz-annotation').map((e) => [e.from, e.to]));
      const layout = await layoutInWorker(
        visible.nodes.map(({ id, lane, time }) => ({ id, lane, time, ...(decided.has(id) ? { alignWith: decided.get(id) } : {}) })),
        visible.edges.map(({ from, to }) => ({ from, to })),
      );
      if (seq === layoutSeq) set({ layout, status: 'ready' });
    } catch (error) {
      if (seq === layoutSeq) set({ status: 'error', error: String(error) });
    }
  },

  async reveal(nodeId) {
    const { view, nodeById, visible } = get();
    if (visible.nodes.some((node) => node.id === nodeId)) return;
    const node = nodeById.get(nodeId);
    if (!node) return;
    const target = node.chain ?? 'unlinked';
    if (target !== view) await get().showView(target);
  },
}));

// The timeline's generation changes with every new filter or import: reload the graph for it. Linking a
// large case keeps the main side busy for a while, so the timeline's first page is asked for first and
// the graph right after it arrives.
useCaseData.subscribe((state, previous) => {
  if (state.generation !== previous.generation) useGraph.setState({ status: 'loading' });
  const firstPage = state.total !== undefined && (previous.total === undefined || state.generation !== previous.generation);
  if (firstPage) void useGraph.getState().load(state.filter);
});

// Accepting, rejecting or drawing an edge (or undoing one) changes what the server links: a rejected edge
// may split a chain. Relink for the filter on screen whenever the journal's edge state changes.
function edgeStateOf(state: ReturnType<typeof useAnalysis.getState>['state']): string | undefined {
  return state && JSON.stringify([state.decisions, state.edges]);
}
useAnalysis.subscribe((state, previous) => {
  const [now, before] = [edgeStateOf(state.state), edgeStateOf(previous.state)];
  const { filter } = useGraph.getState();
  // The first load of a case's analysis: the graph was linked with it already.
  if (before === undefined || now === before || !filter) return;
  void useGraph.getState().load(filter);
});
