// Moving through the graph with the keyboard: the graph is one tab stop, and the arrow keys go from the
// selected node along its edges (right: what it led to, left: what caused it) or to the nearest node
// above or below. Pure, so it is unit-tested.

export interface Placed {
  id: string;
  x: number;
  y: number;
}

export type Direction = 'ArrowRight' | 'ArrowLeft' | 'ArrowUp' | 'ArrowDown';

/**
 * The node an arrow key moves to from `from`, or undefined when there is none that way. Along an edge
 * first (the nearest of the nodes it joins, by position); with no edge that way, the nearest node on that
 * side.
 */
export function nextNode(
  from: string,
  key: Direction,
  positions: Readonly<Record<string, { x: number; y: number }>>,
  edges: readonly { from: string; to: string }[],
): string | undefined {
  const here = positions[from];
  if (!here) return undefined;
  const distance = (id: string) => Math.hypot(positions[id]!.x - here.x, positions[id]!.y - here.y);
  const nearest = (ids: string[]) =>
    ids.filter((id) => id !== from && positions[id]).sort((a, b) => distance(a) - distance(b) || a.localeCompare(b))[0];
  const side: Record<Direction, (p: { x: number; y: number }) => boolean> = {
    ArrowRight: (p) => p.x > here.x,
    ArrowLeft: (p) => p.x < here.x,
    ArrowDown: (p) => p.y > here.y,
    ArrowUp: (p) => p.y < here.y,
  };
  const linked =
    key === 'ArrowRight'
      ? edges.filter((e) => e.from === from).map((e) => e.to)
      : key === 'ArrowLeft'
        ? edges.filter((e) => e.to === from).map((e) => e.from)
        : edges
            .flatMap((e) => (e.from === from ? [e.to] : e.to === from ? [e.from] : []))
            .filter((id) => positions[id] && side[key](positions[id]!));
  return nearest(linked) ?? nearest(Object.keys(positions).filter((id) => side[key](positions[id]!)));
}
