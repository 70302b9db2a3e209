// The causal graph of the open case as the graph view shows it: the graph for the active filter, the
// chain on screen, the background groups expanded into it, and the layout (computed in a worker).
// Reloaded whenever the timeline's query changes, so the graph and the timeline always show the same
// filter; expanded groups stay expanded across a filter change, narrowed by it.
import { create } from 'zustand';
import type { EventFilter } from '../../../src-main/shared/contract';
import type { Graph, GraphEdge, GraphNode } from '../../../src-main/shared/graph';
import { api } from '../api';
import type { GraphLayout } from '../features/graph/layout';
import { keyPath, keyPaths, type KeyPath } from '../features/graph/key-path';
import { layoutInWorker } from '../features/graph/layout-client';
import { useAnalysis } from './analysis';
import { useCaseData } from './case-data';
import { budgetLeft, GROUP_PAGE, mergeExpansions, withPage, type Expansion, type GroupPage } from './graph-expansion';
import { useNodeIndex } from './node-index';

/**
 * A chain id, a chain's key path (its prompt to what went wrong, `path:<chain id>`), the nodes in no chain
 * (lone prompts, tool calls, denials), or every node the graph holds.
 */
export type ChainView = number | `path:${number}` | 'unlinked' | 'all';

/** The chain a view shows, if it shows one (a chain or its key path). */
export function chainOfView(view: ChainView | undefined): number | undefined {
  if (typeof view === 'number') return view;
  return typeof view === 'string' && view.startsWith('path:') ? Number(view.slice(5)) : undefined;
}

export type GraphStatus = 'loading' | 'laying-out' | 'ready' | 'error';

interface GraphState {
  status: GraphStatus;
  error?: string;
  /** The linked graph for the filter, as the server sent it. */
  base?: Graph;
  /** The base graph with the expanded groups' members in it: what nodeById, the view and the inspector use. */
  graph?: Graph;
  /** Expanded background groups by group id, in the order they were expanded. */
  expanded: Readonly<Record<string, Expansion>>;
  /** The nodes that came from expanded groups (drawn in every view, styled as background). */
  memberIds: ReadonlySet<string>;
  /** A node for the canvas to bring into view with the next layout (the first member of a group just expanded). */
  focusNode?: string;
  /** The filter the graph on screen was linked for (the timeline's), as tests and the view read it. */
  filter?: EventFilter;
  nodeById: ReadonlyMap<string, GraphNode>;
  /** The node an event belongs to (an API request's node rather than its decision's). */
  nodeOfEvent: ReadonlyMap<number, string>;
  view?: ChainView;
  /** Each chain's key path, when its prompt reaches something that went wrong (the view opens on the first). */
  paths: ReadonlyMap<number, KeyPath>;
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
  /** Draws a background group's first members in the graph; again, hides them. */
  toggleGroup(groupId: string): Promise<void>;
  /** Draws the next page of an expanded group's members, as far as the budget allows. */
  showMore(groupId: string): Promise<void>;
  collapseAll(): Promise<void>;
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

/** The view's nodes: its chain's (or all, or those in no chain), and every expanded group member. */
function viewOf(graph: Graph, view: ChainView, members: ReadonlySet<string>, paths: ReadonlyMap<number, KeyPath>): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const path = typeof view === 'string' && view.startsWith('path:') ? new Set(paths.get(chainOfView(view)!)?.nodes) : undefined;
  const nodes =
    view === 'all'
      ? graph.nodes
      : graph.nodes.filter(
          (node) => members.has(node.id) || (path ? path.has(node.id) : view === 'unlinked' ? node.chain === undefined : node.chain === view),
        );
  const kept = new Set(nodes.map((node) => node.id));
  return { nodes, edges: graph.edges.filter((edge) => edge.status !== 'rejected' && kept.has(edge.from) && kept.has(edge.to)) };
}

/** Fetches a page of a group's members under the graph's filter. */
async function fetchPage(groupId: string, filter: EventFilter, offset: number, limit: number): Promise<GroupPage | { error: string }> {
  const result = await api.groupMembers({ group: groupId, filter, offset, limit });
  return result.ok ? result.value : { error: result.message };
}

export const useGraph = create<GraphState>((set, get) => {
  /** Puts a new set of expansions (or base graph) in place, indexes it, and lays out the view again. */
  async function apply(base: Graph, expanded: Record<string, Expansion>, view: ChainView, focusNode?: string): Promise<void> {
    const { graph, memberIds } = mergeExpansions(base, expanded);
    useNodeIndex.getState().remember(Object.values(expanded).flatMap((e) => e.nodes));
    const paths = keyPaths(base.nodes, base.edges);
    set({
      paths,
      base,
      graph,
      expanded,
      memberIds,
      nodeById: new Map(graph.nodes.map((node) => [node.id, node])),
      nodeOfEvent: indexEvents(graph.nodes),
      ...(focusNode ? { focusNode } : {}),
    });
    await get().showView(view);
  }

  /** The label a group goes by in the list, from the graph's groups. */
  const labelOf = (groupId: string) => get().base?.groups.find((g) => g.id === groupId)?.label ?? groupId;

  async function addPage(groupId: string, offset: number): Promise<void> {
    const { base, filter, expanded, view } = get();
    if (!base || !filter) return;
    const limit = Math.min(GROUP_PAGE, budgetLeft(expanded));
    if (limit === 0) return;
    const seq = loadSeq;
    const current = expanded[groupId];
    set({ expanded: { ...expanded, [groupId]: { ...(current ?? withPage(undefined, labelOf(groupId), { group: groupId, total: 0, offset: 0, nodes: [], edges: [] }, 0)), loading: true } } });
    const page = await fetchPage(groupId, filter, offset, limit);
    // A new filter, or the group collapsed meanwhile: this answer is for a graph no longer on screen.
    if (seq !== loadSeq || !get().expanded[groupId]) return;
    if ('error' in page) return set({ expanded: { ...get().expanded, [groupId]: { ...get().expanded[groupId]!, loading: false, error: page.error } } });
    const next = { ...get().expanded, [groupId]: withPage(current, labelOf(groupId), page, limit) };
    await apply(base, next, get().view ?? view ?? 'all', page.nodes.find((n) => n.kind !== 'authz_decision')?.id);
  }

  return {
    status: 'loading',
    nodeById: new Map(),
    nodeOfEvent: new Map(),
    visible: { nodes: [], edges: [] },
    unlinked: { nodes: 0, notable: 0 },
    shownOfChain: new Map(),
    paths: new Map(),
    expanded: {},
    memberIds: new Set(),

    async load(filter) {
      const seq = ++loadSeq;
      set({ status: 'loading', error: undefined });
      const result = await api.graph({ filter });
      if (seq !== loadSeq) return;
      if (!result.ok) return set({ status: 'error', error: result.message });
      const graph = result.value;
      // Groups expanded before stay expanded, as many members as were drawn, narrowed by the new filter;
      // a group the filter empties is collapsed.
      const kept = Object.values(get().expanded).filter((e) => graph.groups.some((g) => g.id === e.group));
      const pages = await Promise.all(kept.map((e) => fetchPage(e.group, filter, 0, Math.max(e.shown, 1))));
      if (seq !== loadSeq) return;
      const expanded: Record<string, Expansion> = {};
      kept.forEach((e, i) => {
        const page = pages[i]!;
        if ('error' in page || page.total === 0) return;
        expanded[e.group] = withPage(undefined, graph.groups.find((g) => g.id === e.group)?.label ?? e.label, page, Math.max(e.shown, 1));
      });
      const previous = get().view;
      // Keep the analyst's chain across a filter change when it survives it; else start on the first.
      const keep =
        previous === 'all' ||
        (previous === 'unlinked' && graph.nodes.some((n) => n.chain === undefined)) ||
        (typeof previous === 'number' && graph.chains.some((c) => c.id === previous)) ||
        (typeof previous === 'string' && previous.startsWith('path:') && keyPath(graph.nodes, graph.edges, chainOfView(previous)!) !== undefined);
      const lone = graph.nodes.filter((n) => n.chain === undefined);
      const shownOfChain = new Map<number, number>();
      for (const node of graph.nodes) if (node.chain !== undefined) shownOfChain.set(node.chain, (shownOfChain.get(node.chain) ?? 0) + 1);
      set({ filter, unlinked: { nodes: lone.length, notable: lone.filter((n) => n.notable).length }, shownOfChain });
      // A case opens on the first chain's key path, when it has one: the chain read at a glance.
      const first = graph.chains[0]?.id;
      const opening: ChainView = first === undefined ? 'all' : keyPath(graph.nodes, graph.edges, first) ? `path:${first}` : first;
      await apply(graph, expanded, keep ? previous! : opening);
    },

    async showView(view) {
      const { graph, memberIds, paths } = get();
      if (!graph) return;
      const seq = ++layoutSeq;
      const visible = viewOf(graph, view, memberIds, paths);
      set({ view, visible, status: 'laying-out' });
      try {
        // A decision is drawn above the request it decided (the authz-annotation edge joins the two).
        const decided = new Map(visible.edges.filter((e) => e.rule === 'authz-annotation').map((e) => [e.from, e.to]));
        const layout = await layoutInWorker(
          visible.nodes.map(({ id, lane, time }) => ({ id, lane, time, ...(decided.has(id) ? { alignWith: decided.get(id) } : {}) })),
          visible.edges.map(({ from, to }) => ({ from, to })),
          { hideEmptyLanes: typeof view === 'string' && view.startsWith('path:') },
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

    async toggleGroup(groupId) {
      const { base, expanded, view } = get();
      if (!expanded[groupId]) return addPage(groupId, 0);
      if (!base) return;
      const rest = { ...expanded };
      delete rest[groupId];
      await apply(base, rest, view ?? 'all');
    },

    async showMore(groupId) {
      const expansion = get().expanded[groupId];
      if (expansion && !expansion.loading && expansion.shown < expansion.total) await addPage(groupId, expansion.shown);
    },

    async collapseAll() {
      const { base, view } = get();
      if (base) await apply(base, {}, view ?? 'all');
    },
  };
});

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
