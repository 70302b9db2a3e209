import { describe, expect, it } from 'vitest';
import { matchNodes, queryWords } from '../../../src-renderer/src/lib/graph-search';

const node = (id: string, label: string, extra: Record<string, unknown> = {}) =>
  ({ id, label, kind: 'k8s_api', outcome: 'success', ...extra }) as Parameters<typeof matchNodes>[0][number];

describe('graph search', () => {
  const nodes = [
    node('e3', 'create pods production/api-1'),
    node('e1', 'patch deployments production/api-service', {
      actor: { type: 'agent', id: 'system:serviceaccount:ai:mcp', on_behalf_of: 'james.w' },
    }),
    node('e2', 'create pods production/api-2'),
    node('a1', 'RBAC: allowed by RoleBinding "edit"', { kind: 'authz_decision', outcome: 'denied' }),
  ];

  it('matches every word of the query, case folded, in label, kind, actor and outcome', () => {
    expect(matchNodes(nodes, 'CREATE pods')).toEqual(['e3', 'e2']);
    expect(matchNodes(nodes, 'james.w')).toEqual(['e1']);
    expect(matchNodes(nodes, 'authz denied')).toEqual(['a1']);
    expect(matchNodes(nodes, 'create deployments')).toEqual([]);
  });

  it('matches nothing for a blank query', () => {
    expect(queryWords('   ')).toEqual([]);
    expect(matchNodes(nodes, '  ')).toEqual([]);
  });

  it('orders the hits left to right, then top to bottom, by the layout', () => {
    const positions = { e3: { x: 400, y: 0 }, e2: { x: 100, y: 50 }, e1: { x: 100, y: 10 } };
    expect(matchNodes(nodes, 'production', positions)).toEqual(['e1', 'e2', 'e3']);
  });
});
