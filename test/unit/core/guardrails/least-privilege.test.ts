// The attack case first: an agent holding `edit` in a namespace deletes an autoscaler it was never asked
// to touch. The least-privilege role generated from the intended calls, written as YAML, read back by an
// independent YAML parser and replayed on the RBAC evaluator, allows every intended call and denies the
// delete, which `edit` allowed.
import { loadAllYaml } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { analyzeGuardrails, type GuardrailCall } from '../../../../src-main/core/analysis/guardrails';
import { DEFAULT_CLUSTER_ROLES } from '../../../../src-main/core/analysis/guardrails/default-roles';
import {
  generateLeastPrivilege,
  grantSize,
  leastPrivilegeYaml,
  type RbacCall,
} from '../../../../src-main/core/analysis/guardrails/least-privilege';
import { authorize, type RbacBinding } from '../../../../src-main/core/analysis/guardrails/rbac';
import { rbacObjectsOf } from '../../../../src-main/core/analysis/guardrails/rbac-objects';
import type { EventJson } from '../../../../src-main/shared/model';

const AGENT = 'system:serviceaccount:mcp-system:kubernetes-mcp-server';
const NS = 'shop';
const INTENDED: RbacCall[] = [
  { verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: NS },
  { verb: 'get', apiGroup: 'apps', resource: 'deployments', namespace: NS, name: 'web' },
  { verb: 'patch', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: NS, name: 'web' },
  { verb: 'get', apiGroup: '', resource: 'pods', subresource: 'log', namespace: NS, name: 'web-7c9-abcde' },
];
const HARMFUL: RbacCall = { verb: 'delete', apiGroup: 'autoscaling', resource: 'horizontalpodautoscalers', namespace: NS, name: 'web' };
const request = (call: RbacCall) => ({ user: AGENT, groups: ['system:serviceaccounts', 'system:serviceaccounts:mcp-system'], ...call });

describe('least privilege from the intended calls', () => {
  const edit: RbacBinding[] = [
    {
      kind: 'RoleBinding',
      name: 'agent-edit',
      namespace: NS,
      roleRef: { kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'ServiceAccount', name: 'kubernetes-mcp-server', namespace: 'mcp-system' }],
    },
  ];

  it('edit allowed the harmful delete; the generated YAML, applied, allows every intended call and denies it', () => {
    expect(authorize(request(HARMFUL), DEFAULT_CLUSTER_ROLES, edit).allowed).toBe(true);
    const yaml = leastPrivilegeYaml(
      generateLeastPrivilege(INTENDED, { kind: 'ServiceAccount', name: 'kubernetes-mcp-server', namespace: 'mcp-system' }, 'agent-least'),
    );
    const { roles, bindings } = rbacObjectsOf(loadAllYaml(yaml));
    expect(roles.map((r) => `${r.kind}/${r.namespace}/${r.name}`)).toEqual([`Role/${NS}/agent-least`]);
    expect(bindings.map((b) => `${b.kind}/${b.namespace}/${b.name}`)).toEqual([`RoleBinding/${NS}/agent-least`]);
    for (const call of INTENDED) expect(authorize(request(call), roles, bindings), JSON.stringify(call)).toMatchObject({ allowed: true });
    expect(authorize(request(HARMFUL), roles, bindings).allowed).toBe(false);
    // Nothing beyond the calls: the same verbs on another object, another namespace, the deployment itself.
    expect(authorize(request({ ...INTENDED[1]!, name: 'db' }), roles, bindings).allowed).toBe(false);
    expect(authorize(request({ ...INTENDED[0]!, namespace: 'payments' }), roles, bindings).allowed).toBe(false);
    expect(authorize(request({ ...INTENDED[2]!, subresource: undefined }), roles, bindings).allowed).toBe(false);
    expect(authorize(request({ ...INTENDED[3]!, subresource: undefined }), roles, bindings).allowed).toBe(false);
  });

  it('scopes cluster-wide calls to a ClusterRole and a list to no name', () => {
    const lp = generateLeastPrivilege(
      [
        { verb: 'list', apiGroup: '', resource: 'nodes' },
        { verb: 'get', apiGroup: '', resource: 'nodes', name: 'n1' },
        { verb: 'get', apiGroup: '', resource: 'nodes', name: 'n2' },
      ],
      { kind: 'User', name: 'u' },
      'lp',
    );
    expect(lp.roles).toEqual([
      {
        kind: 'ClusterRole',
        name: 'lp',
        rules: [
          { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
          { apiGroups: [''], resources: ['nodes'], verbs: ['get'], resourceNames: ['n1', 'n2'] },
        ],
      },
    ]);
    expect(lp.bindings[0]).toMatchObject({ kind: 'ClusterRoleBinding', roleRef: { kind: 'ClusterRole', name: 'lp' } });
    const { roles, bindings } = rbacObjectsOf(loadAllYaml(leastPrivilegeYaml(lp)));
    expect(authorize({ user: 'u', verb: 'get', resource: 'nodes', apiGroup: '', name: 'n2' }, roles, bindings).allowed).toBe(true);
    expect(authorize({ user: 'u', verb: 'get', resource: 'nodes', apiGroup: '', name: 'n3' }, roles, bindings).allowed).toBe(false);
  });

  it('counts what a role grants', () => {
    const edit = grantSize(DEFAULT_CLUSTER_ROLES.find((r) => r.name === 'edit')!.rules);
    expect(edit.resources).toBeGreaterThan(40);
    expect(edit.verbs).toBe(9);
    expect(grantSize(generateLeastPrivilege(INTENDED, { kind: 'User', name: 'u' }, 'x').roles[0]!.rules)).toEqual({
      resources: 3,
      verbs: 3,
      wildcard: false,
    });
  });
});

let nextId = 1;
function apiEvent(call: RbacCall, second: number, outcome: EventJson['outcome'] = 'success'): GuardrailCall {
  const time = `2025-04-17T14:03:${String(second).padStart(2, '0')}.000000000Z`;
  const event: EventJson = {
    id: nextId++,
    source: 'audit.jsonl',
    position: nextId,
    raw_sha256: 'x',
    time,
    kind: 'k8s_api',
    action: call.verb,
    actor: { type: 'service_account', id: AGENT, on_behalf_of: 'dev@example.com' },
    target: {
      api_group: call.apiGroup,
      resource: call.subresource ? `${call.resource}/${call.subresource}` : call.resource,
      ...(call.namespace ? { namespace: call.namespace } : {}),
      ...(call.name ? { name: call.name } : {}),
    },
    outcome,
    authz:
      outcome === 'denied'
        ? { decision: 'forbid' }
        : { decision: 'allow', reason: `RBAC: allowed by RoleBinding "devs-edit/${NS}" of ClusterRole "edit" to Group "devs"` },
  };
  return { event, timeNs: BigInt(Date.parse(time)) * 1_000_000n, label: `${call.verb} ${call.resource}` };
}

describe('the guardrail gap of one identity', () => {
  const calls = [
    ...INTENDED.map((c, i) => apiEvent(c, 10 + i)),
    apiEvent({ verb: 'list', apiGroup: 'apps', resource: 'deployments' }, 20, 'denied'),
    apiEvent(HARMFUL, 30),
  ];
  const harmful = calls.at(-1)!.event.id;
  const base = { calls, policies: [], objects: [], tainted: new Set<number>() };

  it('with every call before the root cause intended, names the delete as preventable, in words and numbers', () => {
    const report = analyzeGuardrails({ ...base, intended: { basis: 'root_cause', beforeNs: calls.at(-1)!.timeNs! } });
    const identity = report.identities[0]!;
    expect(identity).toMatchObject({ identity: 'dev@example.com', via: AGENT, preventable: [harmful] });
    expect(identity.bindings).toEqual([
      expect.objectContaining({
        binding: `RoleBinding "devs-edit/${NS}"`,
        role: 'ClusterRole "edit"',
        scope: `namespace ${NS}`,
        source: 'authz-reason',
        calls: 5,
        verbs: 9,
      }),
    ]);
    expect(identity.diff).toMatch(
      new RegExp(
        `^ClusterRole "edit" \\(by RoleBinding "devs-edit/${NS}"\\) grants \\d+ resources × 9 verbs in ${NS}; the intended task used 3 resources × 3 verbs`,
      ),
    );
    expect(identity.diff).toContain('would have denied 1 call: delete horizontalpodautoscalers');
    expect(identity.calls.filter((c) => c.intended && c.outcome === 'success').every((c) => c.least_privilege === 'allowed')).toBe(true);
    expect(report.denied).toEqual([
      expect.objectContaining({
        label: 'list deployments',
        rule: expect.stringContaining('no rule allows list deployments at the cluster scope'),
      }),
    ]);
  });

  it('follows the analyst: with the delete marked intended, nothing is preventable', () => {
    const report = analyzeGuardrails({ ...base, intended: { basis: 'analyst', ids: new Set(calls.map((c) => c.event.id)) } });
    expect(report.identities[0]!.preventable).toEqual([]);
    expect(report.identities[0]!.yaml).toContain('horizontalpodautoscalers');
  });

  it('counts a listed role’s own rules over the built-in one', () => {
    const objects = [{ kind: 'ClusterRole', metadata: { name: 'edit' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }];
    const report = analyzeGuardrails({ ...base, objects, intended: { basis: 'all' } });
    expect(report.identities[0]!.bindings[0]).toMatchObject({ resources: 1, verbs: 1 });
  });
});
