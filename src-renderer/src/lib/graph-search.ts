// Finding nodes in the graph on screen by what they say: a query matches a node when every word of it is
// found (case folded) in the node's label, kind, actor, on-behalf-of principal, target or outcome. Pure,
// so it is unit-tested; the graph store keeps the hits in reading order (left to right, top to bottom).
import type { GraphNode } from '../../../src-main/shared/graph';

type Searchable = Pick<GraphNode, 'id' | 'label' | 'kind' | 'outcome'> & Partial<Pick<GraphNode, 'actor' | 'target' | 'time'>>;

/** The text a node is searched in, case folded. */
export function searchText(node: Searchable): string {
  const parts = [
    node.label,
    node.kind,
    node.outcome,
    node.actor?.id,
    node.actor?.on_behalf_of,
    node.target?.resource,
    node.target?.namespace,
    node.target?.name,
    node.time,
  ];
  return parts
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .join('\n')
    .toLowerCase();
}

/** The words of a query (blank for none). */
export function queryWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * The ids of the nodes a query matches, in reading order by `positions` (x, then y; a node with no
 * position last). An empty query matches nothing.
 */
export function matchNodes(
  nodes: readonly Searchable[],
  query: string,
  positions: Readonly<Record<string, { x: number; y: number }>> = {},
): string[] {
  const words = queryWords(query);
  if (words.length === 0) return [];
  const hits = nodes.filter((node) => {
    const text = searchText(node);
    return words.every((word) => text.includes(word));
  });
  const at = (id: string) => positions[id] ?? { x: Infinity, y: Infinity };
  return hits
    .map((node, index) => ({ id: node.id, index }))
    .sort((a, b) => at(a.id).x - at(b.id).x || at(a.id).y - at(b.id).y || a.index - b.index)
    .map((hit) => hit.id);
}
