// Background groups expanded into the graph: which groups, how many of their members are drawn, and the
// graph they make with the linked graph from the server. Pure functions over the server's answers, so the
// store (graph.ts) only sequences requests.
import type { MethodOutput } from '../../../src-main/shared/contract';
import type { Graph, GraphEdge, GraphNode } from '../../../src-main/shared/graph';

/** Members fetched per request: the first page on expanding, one more per "show more". */
export const GROUP_PAGE = 100;
/**
 * At most this many background members are drawn at once, over every expanded group: a group of tens of
 * thousands must not freeze the view. Past it, the timeline lists the rest.
 */
export const MAX_EXPANDED = 1000;

export type GroupPage = MethodOutput<'groupMembers'>;

export interface Expansion {
  group: string;
  label: string;
  /** Members under the graph's filter, and how many of them are drawn. */
  total: number;
  shown: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
  loading: boolean;
  error?: string;
}

/** A new expansion, or the next page added to one. */
export function withPage(current: Expansion | undefined, label: string, page: GroupPage, limit: number): Expansion {
  const previous = current && page.offset > 0 ? current : undefined;
  return {
    group: page.group,
    label,
    total: page.total,
    shown: Math.min(page.total, page.offset + limit),
    nodes: [...(previous?.nodes ?? []), ...page.nodes],
    edges: [...(previous?.edges ?? []), ...page.edges],
    loading: false,
  };
}

/** How many members may still be drawn. */
export function budgetLeft(expanded: Readonly<Record<string, Expansion>>): number {
  return Math.max(0, MAX_EXPANDED - Object.values(expanded).reduce((n, e) => n + e.shown, 0));
}

/**
 * The server's graph with the expanded members added: their nodes (never twice, and never one the graph
 * holds already) and the edges whose both ends are now in the graph.
 */
export function mergeExpansions(
  base: Graph,
  expanded: Readonly<Record<string, Expansion>>,
): { graph: Graph; memberIds: ReadonlySet<string> } {
  const expansions = Object.values(expanded);
  if (expansions.every((e) => e.nodes.length === 0)) return { graph: base, memberIds: new Set() };
  const ids = new Set(base.nodes.map((node) => node.id));
  const memberIds = new Set<string>();
  const nodes = [...base.nodes];
  for (const node of expansions.flatMap((e) => e.nodes)) {
    if (ids.has(node.id)) continue;
    ids.add(node.id);
    memberIds.add(node.id);
    nodes.push(node);
  }
  const edgeIds = new Set(base.edges.map((edge) => edge.id));
  const edges = [...base.edges];
  for (const edge of expansions.flatMap((e) => e.edges)) {
    if (edgeIds.has(edge.id) || !ids.has(edge.from) || !ids.has(edge.to)) continue;
    edgeIds.add(edge.id);
    edges.push(edge);
  }
  return { graph: { ...base, nodes, edges }, memberIds };
}

/**
 * The nodes one hop from `nodeId` along the graph's edges (rejected ones excepted), in either direction:
 * what "expand neighbours" adds to the view. The graph given holds the expanded background members too,
 * so a background member's decision, or a member linked to the node, is a neighbour like any other.
 */
export function neighboursOf(nodeId: string, edges: readonly GraphEdge[]): string[] {
  const found = new Set<string>();
  for (const edge of edges) {
    if (edge.status === 'rejected') continue;
    if (edge.from === nodeId && edge.to !== nodeId) found.add(edge.to);
    else if (edge.to === nodeId && edge.from !== nodeId) found.add(edge.from);
  }
  return [...found];
}
