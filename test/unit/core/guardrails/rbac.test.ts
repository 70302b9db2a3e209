// The RBAC evaluator against the semantics the Kubernetes documentation states
// (https://kubernetes.io/docs/reference/access-authn-authz/rbac/), case by case: verbs, API groups,
// resources and subresources, resourceNames, nonResourceURLs, wildcards, Role vs ClusterRole, a
// RoleBinding to a ClusterRole granting only in its namespace, and subjects.
import { describe, expect, it } from 'vitest';
import { authorize, type RbacBinding, type RbacRequest, type RbacRole } from '../../../../src-main/core/analysis/guardrails/rbac';
import { bindingOfReason, rbacObjectsOf } from '../../../../src-main/core/analysis/guardrails/rbac-objects';
import { DEFAULT_CLUSTER_ROLES } from '../../../../src-main/core/analysis/guardrails/default-roles';

const clusterRole = (name: string, rules: RbacRole['rules']): RbacRole => ({ kind: 'ClusterRole', name, rules });
const role = (name: string, namespace: string, rules: RbacRole['rules']): RbacRole => ({ kind: 'Role', name, namespace, rules });
const user = (name: string) => ({ kind: 'User' as const, name });

const ROLES: RbacRole[] = [
  role('pod-reader', 'dev', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]),
  role('log-reader', 'dev', [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get'] }]),
  role('one-configmap', 'dev', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['my-config'], verbs: ['get', 'update'] }]),
  clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]),
  clusterRole('scaler', [{ apiGroups: ['*'], resources: ['*/scale'], verbs: ['update', 'patch'] }]),
  clusterRole('health', [{ nonResourceURLs: ['/healthz', '/healthz/*'], verbs: ['get', 'post'] }]),
  clusterRole('everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
];

const BINDINGS: RbacBinding[] = [
  { kind: 'RoleBinding', name: 'read-pods', namespace: 'dev', roleRef: { kind: 'Role', name: 'pod-reader' }, subjects: [user('jane')] },
  { kind: 'RoleBinding', name: 'read-logs', namespace: 'dev', roleRef: { kind: 'Role', name: 'log-reader' }, subjects: [user('lena')] },
  { kind: 'RoleBinding', name: 'cm', namespace: 'dev', roleRef: { kind: 'Role', name: 'one-configmap' }, subjects: [user('carl')] },
  // A RoleBinding to a ClusterRole: the ClusterRole's rules, in the binding's namespace only.
  {
    kind: 'RoleBinding',
    name: 'read-secrets',
    namespace: 'development',
    roleRef: { kind: 'ClusterRole', name: 'secret-reader' },
    subjects: [user('dave')],
  },
  {
    kind: 'ClusterRoleBinding',
    name: 'read-secrets-global',
    roleRef: { kind: 'ClusterRole', name: 'secret-reader' },
    subjects: [{ kind: 'Group', name: 'manager' }],
  },
  {
    kind: 'ClusterRoleBinding',
    name: 'scalers',
    roleRef: { kind: 'ClusterRole', name: 'scaler' },
    subjects: [{ kind: 'ServiceAccount', name: 'autoscaler', namespace: 'ops' }],
  },
  { kind: 'ClusterRoleBinding', name: 'health', roleRef: { kind: 'ClusterRole', name: 'health' }, subjects: [user('probe')] },
  // A RoleBinding of a ClusterRole with nonResourceURLs grants none of them (they are not namespaced).
  {
    kind: 'RoleBinding',
    name: 'health-ns',
    namespace: 'dev',
    roleRef: { kind: 'ClusterRole', name: 'health' },
    subjects: [user('nsprobe')],
  },
  {
    kind: 'RoleBinding',
    name: 'all-in-sandbox',
    namespace: 'sandbox',
    roleRef: { kind: 'ClusterRole', name: 'everything' },
    subjects: [user('sam')],
  },
  // A RoleBinding may not name a Role of another namespace: pod-reader lives in dev.
  { kind: 'RoleBinding', name: 'cross-ns', namespace: 'prod', roleRef: { kind: 'Role', name: 'pod-reader' }, subjects: [user('xavier')] },
];

const r = (req: Partial<RbacRequest> & { user: string; verb: string }): RbacRequest => req;

const CASES: [string, RbacRequest, boolean][] = [
  ['a Role grants its verbs in its namespace', r({ user: 'jane', verb: 'list', resource: 'pods', apiGroup: '', namespace: 'dev' }), true],
  ['…not another verb', r({ user: 'jane', verb: 'delete', resource: 'pods', apiGroup: '', namespace: 'dev', name: 'p' }), false],
  ['…not in another namespace', r({ user: 'jane', verb: 'get', resource: 'pods', apiGroup: '', namespace: 'prod', name: 'p' }), false],
  [
    '…not another API group',
    r({ user: 'jane', verb: 'get', resource: 'pods', apiGroup: 'metrics.k8s.io', namespace: 'dev', name: 'p' }),
    false,
  ],
  [
    '"pods" does not grant the log subresource',
    r({ user: 'jane', verb: 'get', resource: 'pods', subresource: 'log', apiGroup: '', namespace: 'dev', name: 'p' }),
    false,
  ],
  [
    '"pods/log" grants the log subresource',
    r({ user: 'lena', verb: 'get', resource: 'pods', subresource: 'log', apiGroup: '', namespace: 'dev', name: 'p' }),
    true,
  ],
  [
    'resourceNames: the named object',
    r({ user: 'carl', verb: 'update', resource: 'configmaps', apiGroup: '', namespace: 'dev', name: 'my-config' }),
    true,
  ],
  [
    'resourceNames: another object',
    r({ user: 'carl', verb: 'update', resource: 'configmaps', apiGroup: '', namespace: 'dev', name: 'other' }),
    false,
  ],
  [
    'resourceNames: a list names no object',
    r({ user: 'carl', verb: 'list', resource: 'configmaps', apiGroup: '', namespace: 'dev' }),
    false,
  ],
  [
    'RoleBinding to a ClusterRole: in its namespace',
    r({ user: 'dave', verb: 'get', resource: 'secrets', apiGroup: '', namespace: 'development', name: 's' }),
    true,
  ],
  [
    'RoleBinding to a ClusterRole: not elsewhere',
    r({ user: 'dave', verb: 'get', resource: 'secrets', apiGroup: '', namespace: 'kube-system', name: 's' }),
    false,
  ],
  ['RoleBinding to a ClusterRole: not across all namespaces', r({ user: 'dave', verb: 'list', resource: 'secrets', apiGroup: '' }), false],
  [
    'ClusterRoleBinding: any namespace, to a group member',
    r({ user: 'mia', groups: ['manager'], verb: 'get', resource: 'secrets', apiGroup: '', namespace: 'kube-system', name: 's' }),
    true,
  ],
  [
    'ClusterRoleBinding: across all namespaces',
    r({ user: 'mia', groups: ['manager'], verb: 'list', resource: 'secrets', apiGroup: '' }),
    true,
  ],
  [
    'a group not bound',
    r({ user: 'mia', groups: ['staff'], verb: 'get', resource: 'secrets', apiGroup: '', namespace: 'x', name: 's' }),
    false,
  ],
  [
    '"*/scale" grants scale of any resource',
    r({
      user: 'system:serviceaccount:ops:autoscaler',
      verb: 'patch',
      resource: 'deployments',
      subresource: 'scale',
      apiGroup: 'apps',
      namespace: 'web',
      name: 'd',
    }),
    true,
  ],
  [
    '"*/scale" is not the resource itself',
    r({
      user: 'system:serviceaccount:ops:autoscaler',
      verb: 'patch',
      resource: 'deployments',
      apiGroup: 'apps',
      namespace: 'web',
      name: 'd',
    }),
    false,
  ],
  [
    'a ServiceAccount subject is its namespace and name',
    r({
      user: 'system:serviceaccount:other:autoscaler',
      verb: 'patch',
      resource: 'deployments',
      subresource: 'scale',
      apiGroup: 'apps',
      namespace: 'web',
      name: 'd',
    }),
    false,
  ],
  ['nonResourceURLs: exact path', r({ user: 'probe', verb: 'get', path: '/healthz' }), true],
  ['nonResourceURLs: prefix ending in *', r({ user: 'probe', verb: 'get', path: '/healthz/etcd' }), true],
  ['nonResourceURLs: another path', r({ user: 'probe', verb: 'get', path: '/metrics' }), false],
  ['nonResourceURLs: never through a RoleBinding', r({ user: 'nsprobe', verb: 'get', path: '/healthz' }), false],
  [
    'wildcards in a RoleBinding: anything namespaced in that namespace',
    r({ user: 'sam', verb: 'deletecollection', resource: 'widgets', apiGroup: 'example.com', namespace: 'sandbox' }),
    true,
  ],
  [
    'wildcards in a RoleBinding: no cluster-scoped resource',
    r({ user: 'sam', verb: 'get', resource: 'nodes', apiGroup: '', name: 'n1' }),
    false,
  ],
  [
    'a RoleBinding cannot use a Role of another namespace',
    r({ user: 'xavier', verb: 'get', resource: 'pods', apiGroup: '', namespace: 'prod', name: 'p' }),
    false,
  ],
  ['nobody bound is denied', r({ user: 'eve', verb: 'get', resource: 'pods', apiGroup: '', namespace: 'dev', name: 'p' }), false],
];

describe('RBAC evaluation, as documented', () => {
  it.each(CASES)('%s', (_what, request, allowed) => {
    expect(authorize(request, ROLES, BINDINGS).allowed).toBe(allowed);
  });

  it('names the binding, role and rule that allowed a request, and why one was denied', () => {
    const ok = authorize(CASES[0]![1], ROLES, BINDINGS);
    expect(ok.reason).toBe('allowed by RoleBinding "read-pods/dev" of Role "pod-reader/dev"');
    expect(ok.by?.rule.resources).toEqual(['pods']);
    expect(authorize(r({ user: 'eve', verb: 'get', resource: 'pods', apiGroup: '', namespace: 'dev' }), ROLES, BINDINGS).reason).toMatch(
      /^no binding names eve/,
    );
  });

  it('the built-in edit role lets its holder delete an autoscaler but not touch roles; admin does', () => {
    const bind = (roleName: string): RbacBinding[] => [
      {
        kind: 'RoleBinding',
        name: 'b',
        namespace: 'ns',
        roleRef: { kind: 'ClusterRole', name: roleName },
        subjects: [{ kind: 'Group', name: 'devs' }],
      },
    ];
    const del = r({
      user: 'u',
      groups: ['devs'],
      verb: 'delete',
      resource: 'horizontalpodautoscalers',
      apiGroup: 'autoscaling',
      namespace: 'ns',
      name: 'a',
    });
    const roles = r({
      user: 'u',
      groups: ['devs'],
      verb: 'create',
      resource: 'rolebindings',
      apiGroup: 'rbac.authorization.k8s.io',
      namespace: 'ns',
    });
    expect(authorize(del, DEFAULT_CLUSTER_ROLES, bind('edit')).allowed).toBe(true);
    expect(authorize(del, DEFAULT_CLUSTER_ROLES, bind('view')).allowed).toBe(false);
    expect(authorize(roles, DEFAULT_CLUSTER_ROLES, bind('edit')).allowed).toBe(false);
    expect(authorize(roles, DEFAULT_CLUSTER_ROLES, bind('admin')).allowed).toBe(true);
  });
});

describe('RBAC objects from evidence', () => {
  it('reads the binding an API server authorization reason names', () => {
    expect(
      bindingOfReason('RBAC: allowed by RoleBinding "apollo-devs-edit/staging-apollo" of ClusterRole "edit" to Group "apollo-devs"'),
    ).toEqual({
      kind: 'RoleBinding',
      name: 'apollo-devs-edit',
      namespace: 'staging-apollo',
      roleRef: { kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'Group', name: 'apollo-devs' }],
    });
    expect(
      bindingOfReason('RBAC: allowed by ClusterRoleBinding "sre-admin" of ClusterRole "admin" to ServiceAccount "bot/ops"')?.subjects,
    ).toEqual([{ kind: 'ServiceAccount', name: 'bot', namespace: 'ops' }]);
    expect(bindingOfReason('')).toBeUndefined();
    expect(bindingOfReason('allowed by Webhook')).toBeUndefined();
  });

  it('reads listed roles and bindings and skips malformed ones', () => {
    const { roles, bindings } = rbacObjectsOf([
      {
        kind: 'Role',
        metadata: { name: 'r', namespace: 'ns' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { resources: ['x'] }],
      },
      {
        kind: 'RoleBinding',
        metadata: { name: 'b', namespace: 'ns' },
        roleRef: { kind: 'Role', name: 'r' },
        subjects: [
          { kind: 'User', name: 'u' },
          { kind: 'Robot', name: 'x' },
        ],
      },
      { kind: 'ClusterRoleBinding', metadata: { name: 'bad' }, roleRef: { kind: 'Secret', name: 'x' } },
      { kind: 'Pod', metadata: { name: 'p' } },
      'not an object',
    ]);
    expect(roles).toEqual([
      { kind: 'Role', name: 'r', namespace: 'ns', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
    ]);
    expect(bindings).toEqual([
      { kind: 'RoleBinding', name: 'b', namespace: 'ns', roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }] },
    ]);
    expect(authorize({ user: 'u', verb: 'get', resource: 'pods', apiGroup: '', namespace: 'ns', name: 'p' }, roles, bindings).allowed).toBe(
      true,
    );
  });
});
