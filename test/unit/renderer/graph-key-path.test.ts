// The path the graph opens on: from a chain's first prompt to what went wrong, the shortest way along edges.
import { describe, expect, it } from 'vitest';
import { keyPath, keyPaths, type PathEdge, type PathNode } from '../../../src-renderer/src/lib/key-path';

const node = (id: string, lane: PathNode['lane'], time: string, outcome = 'success', chain = 1): PathNode => ({
  id,
  lane,
  time: `2025-04-03T14:31:${time}Z`,
  outcome,
  notable: outcome !== 'success',
  chain,
});

describe('keyPath', () => {
  const nodes = [
    node('p', 'prompt', '00'),
    node('a', 'agent', '01'),
    node('t', 'tool', '02'),
    node('x', 'tool', '02.5', 'error'),
    node('k', 'api', '03'),
    node('d', 'api', '03.5', 'denied'),
    node('w', 'workload', '09', 'failure'),
    node('far', 'workload', '05', 'failure'),
  ];
  const edges: PathEdge[] = [
    { from: 'p', to: 'a' },
    { from: 'a', to: 't' },
    { from: 'a', to: 'x' },
    { from: 't', to: 'k' },
    { from: 'x', to: 'd' },
    { from: 'k', to: 'w' },
    // A longer way to the same target is never taken.
    { from: 't', to: 'x' },
  ];

  it('ends on the earliest failing workload the prompt reaches, by the shortest way', () => {
    expect(keyPath(nodes, edges, 1)).toEqual({ chain: 1, nodes: ['p', 'a', 't', 'k', 'w'], target: 'w', reason: 'failing workload' });
  });

  it('falls back to a denial, then to any notable node, when no workload fails', () => {
    const noWorkload = nodes.filter((n) => n.lane !== 'workload');
    expect(keyPath(noWorkload, edges, 1)).toMatchObject({ nodes: ['p', 'a', 'x', 'd'], reason: 'denied' });
    const noDenial = noWorkload.filter((n) => n.id !== 'd');
    expect(keyPath(noDenial, edges, 1)).toMatchObject({ nodes: ['p', 'a', 'x'], reason: 'notable' });
  });

  it('ignores rejected edges, other chains, and nodes the prompt does not reach', () => {
    const rejected = edges.map((e) => (e.from === 'k' ? { ...e, status: 'rejected' } : e));
    expect(keyPath(nodes, rejected, 1)).toMatchObject({ target: 'd', reason: 'denied' });
    // "far" fails earlier than "w" but no edge leads to it.
    expect(keyPath(nodes, edges, 1)?.target).toBe('w');
    const elsewhere = nodes.map((n) => (n.id === 'k' ? { ...n, chain: 2 } : n));
    expect(keyPath(elsewhere, edges, 1)?.target).toBe('d');
  });

  it('is undefined for a chain with no prompt or nothing notable after it', () => {
    expect(
      keyPath(
        nodes.filter((n) => n.lane !== 'prompt'),
        edges,
        1,
      ),
    ).toBeUndefined();
    expect(
      keyPath(
        nodes.map((n) => ({ ...n, notable: false })),
        edges,
        1,
      ),
    ).toBeUndefined();
    expect(keyPath(nodes, edges, 7)).toBeUndefined();
  });

  it('starts from the earliest prompt of the chain', () => {
    const later = [...nodes, node('p2', 'prompt', '30')];
    expect(keyPath(later, [...edges, { from: 'p2', to: 'd' }], 1)?.nodes[0]).toBe('p');
  });
});

describe('keyPaths', () => {
  it('finds every chain’s path in one pass, the same as one chain at a time', () => {
    const nodes = [
      node('p1', 'prompt', '00'),
      node('f1', 'workload', '05', 'failure'),
      node('p2', 'prompt', '01', 'success', 2),
      node('d2', 'api', '02', 'denied', 2),
      node('q3', 'api', '03', 'failure', 3),
    ];
    // An edge across two chains is not followed.
    const edges = [
      { from: 'p1', to: 'f1' },
      { from: 'p2', to: 'd2' },
      { from: 'p1', to: 'd2' },
    ];
    const all = keyPaths(nodes, edges);
    expect([...all.keys()].sort()).toEqual([1, 2]);
    expect(all.get(1)).toEqual(keyPath(nodes, edges, 1));
    expect(all.get(2)).toMatchObject({ nodes: ['p2', 'd2'], reason: 'denied' });
    expect(keyPath(nodes, [{ from: 'p1', to: 'd2' }], 1)).toBeUndefined();
  });
});
