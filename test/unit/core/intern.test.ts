// internStrings (core/link/intern.ts) holds each repeated string of a linked graph once; what it must never
// do is change the graph: every value, list item and nesting stays as it was.
import { describe, expect, it } from 'vitest';
import { internStrings } from '../../../src-main/core/link/intern';

describe('internStrings', () => {
  it('leaves every value as it was, in objects, lists and lists of lists', () => {
    const make = () => ({
      nodes: [
        {
          id: 'a1',
          source: 'audit.log',
          actor: { type: 'user', id: 'alice' },
          keys: { owner_uids: ['u1', 'u2'] },
          chain: 1,
          notable: false,
        },
        { id: 'a2', source: 'audit.log', actor: { type: 'user', id: 'alice' }, keys: { owner_uids: ['u2'] }, chain: null, time: undefined },
      ],
      edges: [{ fields: [{ from: 'x', to: 'y', value: 'audit.log' }] }],
      nested: [['audit.log', 3, null, ['alice']]],
      empty: '',
    });
    const graph = make();
    const seen = new Map<string, string>();
    internStrings(graph, seen);
    expect(graph).toEqual(make());
    expect([...seen.keys()].sort()).toEqual(['', 'a1', 'a2', 'alice', 'audit.log', 'u1', 'u2', 'user', 'x', 'y'].sort());
  });
});
