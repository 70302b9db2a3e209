// A node's label drawn with its telling part first: the segments always join back to the label.
import { describe, expect, it } from 'vitest';
import { labelSegments } from '../../../src-renderer/src/features/graph/node-label';

const join = (kind: string, label: string) =>
  labelSegments(kind, label)
    .map((s) => s.text)
    .join('');

describe('labelSegments', () => {
  it('draws an RBAC decision as its decision and binding name, the boilerplate kept in the text only', () => {
    const label = 'allow: RBAC: allowed by RoleBinding "dev-team-edit/production" of ClusterRole "edit" to G…';
    const segments = labelSegments('authz_decision', label);
    expect(segments.find((s) => s.role === 'key')?.text).toBe('dev-team-edit/production');
    expect(
      segments
        .filter((s) => s.role !== 'elided')
        .map((s) => s.text)
        .join(''),
    ).toBe('allow: dev-team-edit/production of ClusterRole "edit" to G…');
    expect(join('authz_decision', label)).toBe(label);
    const cluster = 'allow: RBAC: allowed by ClusterRoleBinding "system:controller:deployment-controller" of C…';
    expect(labelSegments('authz_decision', cluster).find((s) => s.role === 'key')?.text).toBe('system:controller:deployment-controller');
    expect(join('authz_decision', cluster)).toBe(cluster);
  });

  it('keeps any other label whole as its key, including a decision that names no binding', () => {
    for (const [kind, label] of [
      ['authz_decision', 'forbid'],
      ['k8s_api', 'create pods/binding production/api-service-fdmhsq4kzw-tdgf2'],
      ['authz_decision', 'allow: RBAC: allowed by RoleBinding "unterminated'],
      ['prompt', '“update api-service image to v3.2.1-beta”'],
    ] as const) {
      expect(labelSegments(kind, label)).toEqual([{ text: label, role: 'key' }]);
    }
  });
});
