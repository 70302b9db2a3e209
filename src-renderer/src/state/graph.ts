// The causal graph of the open case, the one place the renderer keeps it: the graph for the active filter,
// the chain on screen, the background groups expanded into it, the layout (computed in a worker), and the
// node index derived from it (which node each event belongs to, and what every node seen so far is called).
// One request per filter change: app-stores.ts reloads it when the timeline's query changes (so the graph
// and the timeline always show the same filter) and when the journal's edges change. Expanded groups stay
// expanded across a filter change, narrowed by it.
import { create } from 'zustand';
import type { Api, EventFilter } from '../../../src-main/shared/contract';
import type { Graph, GraphEdge, GraphNode, Lane } from '../../../src-main/shared/graph';
import type { Emitter } from '../lib/emitter';
import type { GraphLayout, LayoutEdge, LayoutNode, LayoutOptions } from '../lib/graph-layout';
import { matchNodes } from '../lib/graph-search';
import { keyPath, keyPaths, type KeyPath } from '../lib/key-path';
import { eventNodeId } from '../lib/node-id';
import { budgetLeft, GROUP_PAGE, mergeExpansions, neighboursOf, withPage, type Expansion, type GroupPage } from './graph-expansion';

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

export interface GraphState {
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
  /**
   * Nodes the analyst dragged somewhere, and where: drawn there in every view and layout (a filter, another
   * chain) until unpinned; kept per case in the page's storage.
   */
  pins: Readonly<Record<string, { x: number; y: number }>>;
  /** Lanes the analyst folded to a thin band with their count (remembered in the page's storage). */
  foldedLanes: readonly Lane[];
  /** Nodes the analyst added to the view by expanding a node's neighbours (until the view changes). */
  added: ReadonlySet<string>;
  /** The filter the graph on screen was linked for (the timeline's), as tests and the view read it. */
  filter?: EventFilter;
  nodeById: ReadonlyMap<string, GraphNode>;
  /** The node an event belongs to in the graph on screen (an API request's node rather than its decision's). */
  nodeOfEvent: ReadonlyMap<number, string>;
  /**
   * The same rule over every graph seen since the case opened: what was seen is kept, so the labels and
   * times of annotated nodes stay known when the filter hides them.
   */
  byEvent: Readonly<Record<number, string>>;
  summaries: Readonly<Record<string, NodeSummary>>;
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
  /**
   * The graph's search: the query, the nodes of the view it matches in reading order, and the match the
   * analyst has stepped to (-1 before the first step).
   */
  search: GraphSearch;
  /** The same hits as a set, for the nodes to look themselves up in. */
  searchHits: ReadonlySet<string>;
  load(filter: EventFilter): Promise<void>;
  /**
   * The open case's pins, read when the case is another than the one they were read for (a graph may be
   * asked for before the case's info names it: its pins then come with the info).
   */
  followCase(): void;
  /** Searches the view's nodes (an empty query ends the search). */
  setSearch(query: string): void;
  /** Steps to the next match (or back, with -1), wrapping around; returns the node to centre. */
  stepSearch(delta: 1 | -1): string | undefined;
  showView(view: ChainView): Promise<void>;
  /** Makes sure a node is on screen, switching to its chain (or to every node) when it is not. */
  reveal(nodeId: string): Promise<void>;
  /** Draws a background group's first members in the graph; again, hides them. */
  toggleGroup(groupId: string): Promise<void>;
  /** Draws the next page of an expanded group's members, as far as the budget allows. */
  showMore(groupId: string): Promise<void>;
  collapseAll(): Promise<void>;
  /** Folds a lane to a thin band, or unfolds it, and lays the view out again. */
  toggleLane(lane: Lane): Promise<void>;
  pin(nodeId: string, at: { x: number; y: number }): void;
  unpin(nodeId: string): void;
  /** Unpins every node: the layout as the worker made it. */
  resetLayout(): void;
  /** The neighbours of a node (one hop along the edges) that the view does not show yet. */
  hiddenNeighbours(nodeId: string): string[];
  /** Adds a node's neighbours to the view; returns how many it added. */
  expandNeighbours(nodeId: string): Promise<number>;
}

export interface GraphSearch {
  query: string;
  hits: readonly string[];
  index: number;
}

const NO_SEARCH: GraphSearch = { query: '', hits: [], index: -1 };

/** What the UI needs of a node it may no longer have in the graph on screen. */
export interface NodeSummary {
  id: string;
  label: string;
  time?: string;
  event_ids: number[];
}

/**
 * Which node each event belongs to: its evidence node. An authorization decision (`a<id>`) shares its
 * request's events but is not the row, so it never takes an event from another node; the request (every
 * stage is the one node `e<smallest stage id>`) does.
 */
export function indexEvents(nodes: readonly GraphNode[], into: Map<number, string> = new Map()): Map<number, string> {
  const claimed = new Set<number>();
  for (const node of nodes) {
    for (const id of node.event_ids) {
      if (node.kind !== 'authz_decision') {
        into.set(id, node.id);
        claimed.add(id);
      } else if (!claimed.has(id) && !into.has(id)) into.set(id, node.id);
    }
  }
  return into;
}

/** The node of an event by the index, or the event's own node id when no graph has shown it. */
export function nodeOfEvent(byEvent: Readonly<Record<number, string>>, eventId: number): string {
  return byEvent[eventId] ?? eventNodeId(eventId);
}

/** The event to select for a node: for an API request its latest stage, the row the timeline shows. */
export function eventOfNode(summaries: Readonly<Record<string, NodeSummary>>, nodeId: string): number | undefined {
  const known = summaries[nodeId]?.event_ids;
  if (known && known.length > 0) return Math.max(...known);
  const match = /^e(\d+)$/.exec(nodeId);
  return match ? Number(match[1]) : undefined;
}

/** The view's nodes: its chain's (or all, or those in no chain), and every expanded group member. */
function viewOf(
  graph: Graph,
  view: ChainView,
  members: ReadonlySet<string>,
  paths: ReadonlyMap<number, KeyPath>,
  added: ReadonlySet<string> = new Set(),
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const path = typeof view === 'string' && view.startsWith('path:') ? new Set(paths.get(chainOfView(view)!)?.nodes) : undefined;
  const nodes =
    view === 'all'
      ? graph.nodes
      : graph.nodes.filter(
          (node) =>
            members.has(node.id) ||
            added.has(node.id) ||
            (path ? path.has(node.id) : view === 'unlinked' ? node.chain === undefined : node.chain === view),
        );
  const kept = new Set(nodes.map((node) => node.id));
  return { nodes, edges: graph.edges.filter((edge) => edge.status !== 'rejected' && kept.has(edge.from) && kept.has(edge.to)) };
}

/** Lays out nodes and edges (in a worker in the page, synchronously in a test). */
export type LayoutFn = (nodes: LayoutNode[], edges: LayoutEdge[], options?: LayoutOptions) => Promise<GraphLayout>;

/** Commands the graph store sends to whoever draws it. */
export interface GraphEvents extends Record<string, unknown> {
  /** Bring this node into view with the layout just made (the first member of a group just expanded). */
  showExpanded: string;
}

/** Where the analyst's pins are kept between reloads (the page's localStorage; none in a unit test). */
export type PinStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface GraphDeps {
  api: Pick<Api, 'graph' | 'groupMembers'>;
  layout: LayoutFn;
  events: Emitter<GraphEvents>;
  storage?: PinStorage;
  /** Which case is open (its path), so that each case keeps its own pins. */
  caseKey?: () => string | undefined;
}

const PINS_KEY = 'causa.graph.pins.v1:';
const LANES_KEY = 'causa.graph.folded-lanes.v1';
const LANE_IDS: readonly Lane[] = ['prompt', 'agent', 'tool', 'authz', 'api', 'workload', 'other'];

/** Folded lanes as stored: only known lane names, each once. */
export function parseFoldedLanes(text: string | null): Lane[] {
  if (!text) return [];
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? LANE_IDS.filter((lane) => value.includes(lane)) : [];
  } catch {
    return [];
  }
}

/** Pins as stored: anything malformed is dropped, field by field. */
export function parsePins(text: string | null): Record<string, { x: number; y: number }> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object') return {};
    const pins: Record<string, { x: number; y: number }> = {};
    for (const [id, at] of Object.entries(value as Record<string, unknown>)) {
      const { x, y } = (at ?? {}) as { x?: unknown; y?: unknown };
      if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) pins[id] = { x, y };
    }
    return pins;
  } catch {
    return {};
  }
}

export type GraphStore = ReturnType<typeof createGraphStore>;

export function createGraphStore({ api, layout: layoutGraph, events, storage, caseKey }: GraphDeps) {
  let pinsOf: string | undefined;
  const savePins = (pins: Record<string, { x: number; y: number }>) => {
    const key = caseKey?.();
    if (!storage || key === undefined) return;
    try {
      if (Object.keys(pins).length === 0) storage.removeItem(PINS_KEY + key);
      else storage.setItem(PINS_KEY + key, JSON.stringify(pins));
    } catch {
      // Storage full or refused: the pins still hold for this page.
    }
  };
  // Each load and each layout is numbered, so that an answer for an older one is dropped.
  let loadSeq = 0;
  let layoutSeq = 0;

  /** Fetches a page of a group's members under the graph's filter. */
  async function fetchPage(groupId: string, filter: EventFilter, offset: number, limit: number): Promise<GroupPage | { error: string }> {
    const result = await api.groupMembers({ group: groupId, filter, offset, limit });
    return result.ok ? result.value : { error: result.message };
  }

  return create<GraphState>((set, get) => {
    /** Puts a new set of expansions (or base graph) in place, indexes it, and lays out the view again. */
    async function apply(base: Graph, expanded: Record<string, Expansion>, view: ChainView, showExpanded?: string): Promise<void> {
      const { graph, memberIds } = mergeExpansions(base, expanded);
      const nodeOfEvent = indexEvents(graph.nodes);
      const summaries = { ...get().summaries };
      const byEvent = { ...get().byEvent };
      for (const node of graph.nodes) summaries[node.id] = { id: node.id, label: node.label, time: node.time, event_ids: node.event_ids };
      // The same rule across graphs: a decision's node never replaces the evidence node an earlier graph showed.
      const decisions = new Set(graph.nodes.filter((node) => node.kind === 'authz_decision').map((node) => node.id));
      for (const [id, nodeId] of nodeOfEvent) if (byEvent[id] === undefined || !decisions.has(nodeId)) byEvent[id] = nodeId;
      const paths = keyPaths(base.nodes, base.edges);
      set({
        paths,
        base,
        graph,
        expanded,
        memberIds,
        nodeById: new Map(graph.nodes.map((node) => [node.id, node])),
        nodeOfEvent,
        byEvent,
        summaries,
      });
      // Before the layout: the canvas keeps the node and brings it into view when that layout arrives.
      if (showExpanded) events.emit('showExpanded', showExpanded);
      await get().showView(view);
    }

    /** The search run again over the view on screen (a new layout, a new view): the step is kept on its node when it still matches. */
    function searchState(query: string, previous?: GraphSearch): Pick<GraphState, 'search' | 'searchHits'> {
      if (query.trim() === '') return { search: { ...NO_SEARCH, query }, searchHits: new Set() };
      const positions = get().layout?.positions;
      // A folded lane's nodes are not drawn: they are not stepped to.
      const placed = positions ? get().visible.nodes.filter((node) => positions[node.id]) : get().visible.nodes;
      const hits = matchNodes(placed, query, positions);
      const current = previous && previous.index >= 0 ? previous.hits[previous.index] : undefined;
      return { search: { query, hits, index: current === undefined ? -1 : hits.indexOf(current) }, searchHits: new Set(hits) };
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
      set({
        expanded: {
          ...expanded,
          [groupId]: {
            ...(current ?? withPage(undefined, labelOf(groupId), { group: groupId, total: 0, offset: 0, nodes: [], edges: [] }, 0)),
            loading: true,
          },
        },
      });
      const page = await fetchPage(groupId, filter, offset, limit);
      // A new filter, or the group collapsed meanwhile: this answer is for a graph no longer on screen.
      if (seq !== loadSeq || !get().expanded[groupId]) return;
      if ('error' in page)
        return set({ expanded: { ...get().expanded, [groupId]: { ...get().expanded[groupId]!, loading: false, error: page.error } } });
      const next = { ...get().expanded, [groupId]: withPage(current, labelOf(groupId), page, limit) };
      await apply(base, next, get().view ?? view ?? 'all', page.nodes.find((n) => n.kind !== 'authz_decision')?.id);
    }

    return {
      status: 'loading',
      nodeById: new Map(),
      nodeOfEvent: new Map(),
      byEvent: {},
      summaries: {},
      visible: { nodes: [], edges: [] },
      unlinked: { nodes: 0, notable: 0 },
      shownOfChain: new Map(),
      paths: new Map(),
      expanded: {},
      memberIds: new Set(),
      added: new Set(),
      pins: {},
      foldedLanes: storage ? parseFoldedLanes(storage.getItem(LANES_KEY)) : [],
      search: NO_SEARCH,
      searchHits: new Set(),

      setSearch(query) {
        set(searchState(query));
      },

      stepSearch(delta) {
        const { search } = get();
        if (search.hits.length === 0) return undefined;
        const index =
          search.index < 0 ? (delta > 0 ? 0 : search.hits.length - 1) : (search.index + delta + search.hits.length) % search.hits.length;
        set({ search: { ...search, index } });
        return search.hits[index];
      },

      followCase() {
        const key = caseKey?.();
        if (key === pinsOf) return;
        pinsOf = key;
        set({ pins: key !== undefined && storage ? parsePins(storage.getItem(PINS_KEY + key)) : {} });
      },

      async load(filter) {
        const seq = ++loadSeq;
        // Another case: its own pins.
        get().followCase();
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
          (typeof previous === 'string' &&
            previous.startsWith('path:') &&
            keyPath(graph.nodes, graph.edges, chainOfView(previous)!) !== undefined);
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
        // Neighbours added by hand stay while the view stays, as far as the graph still holds them.
        const added = view === get().view ? new Set([...get().added].filter((id) => get().nodeById.has(id))) : new Set<string>();
        const visible = viewOf(graph, view, memberIds, paths, added);
        set({ view, visible, added, status: 'laying-out' });
        try {
          // A decision is drawn above the request it decided (the authz-annotation edge joins the two).
          const decided = new Map(visible.edges.filter((e) => e.rule === 'authz-annotation').map((e) => [e.from, e.to]));
          const layout = await layoutGraph(
            visible.nodes.map(({ id, lane, time }) => ({ id, lane, time, ...(decided.has(id) ? { alignWith: decided.get(id) } : {}) })),
            visible.edges.map(({ from, to }) => ({ from, to })),
            // A key path, and a filtered graph (the toolbar says what the filter hides), draw no empty lanes.
            {
              hideEmptyLanes: (typeof view === 'string' && view.startsWith('path:')) || get().base?.hidden !== undefined,
              foldedLanes: get().foldedLanes,
            },
          );
          if (seq === layoutSeq) {
            set({ layout, status: 'ready' });
            if (get().search.query !== '') set(searchState(get().search.query, get().search));
          }
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

      async toggleLane(lane) {
        const current = get().foldedLanes;
        const foldedLanes = current.includes(lane) ? current.filter((l) => l !== lane) : [...current, lane];
        set({ foldedLanes });
        try {
          storage?.setItem(LANES_KEY, JSON.stringify(foldedLanes));
        } catch {
          // Storage refused: the lanes stay folded for this page.
        }
        const { view } = get();
        if (view !== undefined) await get().showView(view);
      },

      pin(nodeId, at) {
        const pins = { ...get().pins, [nodeId]: { x: Math.round(at.x), y: Math.round(at.y) } };
        set({ pins });
        savePins(pins);
      },

      unpin(nodeId) {
        if (!get().pins[nodeId]) return;
        const pins = { ...get().pins };
        delete pins[nodeId];
        set({ pins });
        savePins(pins);
      },

      resetLayout() {
        set({ pins: {} });
        savePins({});
      },

      hiddenNeighbours(nodeId) {
        const { graph, visible } = get();
        if (!graph) return [];
        const shown = new Set(visible.nodes.map((node) => node.id));
        return neighboursOf(nodeId, graph.edges).filter((id) => !shown.has(id));
      },

      async expandNeighbours(nodeId) {
        const { view } = get();
        const more = get().hiddenNeighbours(nodeId);
        if (more.length === 0 || view === undefined) return 0;
        set({ added: new Set([...get().added, ...more]) });
        await get().showView(view);
        return more.length;
      },

      async collapseAll() {
        const { base, view } = get();
        if (base) await apply(base, {}, view ?? 'all');
      },
    };
  });
}
