// The chain a responder reads first: from the prompt that started a chain to what went wrong (the first
// failing workload, else the first denial, else the first notable node), along the linker's edges. A
// chain of ~60 nodes does not fit one screen legibly; this path of a handful does, and the graph opens on
// it (the whole chain is one choice away in the picker). Pure, so it is unit-tested and runs anywhere.
import type { Lane } from '../../../src-main/shared/graph';

export interface PathNode {
  id: string;
  lane: Lane;
  time?: string;
  outcome: string;
  notable: boolean;
  chain?: number;
}

export interface PathEdge {
  from: string;
  to: string;
  status?: string;
}

export interface KeyPath {
  chain: number;
  /** Node ids from the start to the target, in the order the edges run. */
  nodes: string[];
  target: string;
  /** What the path ends on, for the chain picker. */
  reason: 'failing workload' | 'denied' | 'notable';
}

const byTime = (a: PathNode, b: PathNode) => (a.time ?? '\uffff').localeCompare(b.time ?? '\uffff') || a.id.localeCompare(b.id);

/**
 * The shortest path (breadth first over edges that are not rejected) from the chain's earliest prompt to
 * its target. Undefined when the chain has no prompt or the prompt reaches nothing notable: then the
 * chain itself is what the view shows.
 */
export function keyPath(nodes: readonly PathNode[], edges: readonly PathEdge[], chain: number): KeyPath | undefined {
  return keyPaths(nodes, edges, [chain]).get(chain);
}

/** The key path of every chain (or of the chains named), in one pass over the nodes and edges. */
export function keyPaths(nodes: readonly PathNode[], edges: readonly PathEdge[], only?: readonly number[]): Map<number, KeyPath> {
  const wanted = only ? new Set(only) : undefined;
  const byChain = new Map<number, PathNode[]>();
  const chainOf = new Map<string, number>();
  for (const node of nodes) {
    if (node.chain === undefined || (wanted && !wanted.has(node.chain))) continue;
    chainOf.set(node.id, node.chain);
    const list = byChain.get(node.chain);
    if (list) list.push(node);
    else byChain.set(node.chain, [node]);
  }
  const out = new Map<string, string[]>();
  for (const edge of edges) {
    const chain = chainOf.get(edge.from);
    if (edge.status === 'rejected' || chain === undefined || chainOf.get(edge.to) !== chain) continue;
    const list = out.get(edge.from);
    if (list) list.push(edge.to);
    else out.set(edge.from, [edge.to]);
  }
  const paths = new Map<number, KeyPath>();
  for (const [chain, members] of byChain) {
    const path = pathOf(chain, members, out);
    if (path) paths.set(chain, path);
  }
  return paths;
}

function pathOf(chain: number, members: readonly PathNode[], out: ReadonlyMap<string, string[]>): KeyPath | undefined {
  const start = members.filter((n) => n.lane === 'prompt').sort(byTime)[0];
  if (!start) return undefined;
  const parent = new Map<string, string | undefined>([[start.id, undefined]]);
  const queue = [start.id];
  for (let i = 0; i < queue.length; i++) {
    for (const next of out.get(queue[i]!) ?? []) {
      if (parent.has(next)) continue;
      parent.set(next, queue[i]);
      queue.push(next);
    }
  }
  const reached = members.filter((n) => n.id !== start.id && n.notable && parent.has(n.id)).sort(byTime);
  const choices: [KeyPath['reason'], PathNode | undefined][] = [
    ['failing workload', reached.find((n) => n.lane === 'workload' && n.outcome === 'failure')],
    ['denied', reached.find((n) => n.outcome === 'denied')],
    ['notable', reached[0]],
  ];
  const [reason, target] = choices.find(([, node]) => node !== undefined) ?? [];
  if (!reason || !target) return undefined;
  const path: string[] = [];
  for (let id: string | undefined = target.id; id !== undefined; id = parent.get(id)) path.unshift(id);
  return { chain, nodes: path, target: target.id, reason };
}
