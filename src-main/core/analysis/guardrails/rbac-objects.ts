// RBAC objects as a listing or a capture of the cluster shows them (`kubectl get roles,rolebindings,
// clusterroles,clusterrolebindings -o json`), and the binding an authorization reason names:
// `RBAC: allowed by RoleBinding "apollo-devs-edit/staging-apollo" of ClusterRole "edit" to Group "apollo-devs"`.
import type { PolicyRule, RbacBinding, RbacRole, RbacSubject } from './rbac';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

function ruleOf(value: unknown): PolicyRule | undefined {
  if (!isObject(value)) return undefined;
  const verbs = strings(value.verbs);
  if (!verbs) return undefined;
  const rule: PolicyRule = { verbs };
  for (const key of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const) {
    const list = strings(value[key]);
    if (list) rule[key] = list;
  }
  return rule;
}

function subjectOf(value: unknown): RbacSubject | undefined {
  if (!isObject(value) || typeof value.name !== 'string') return undefined;
  if (value.kind !== 'User' && value.kind !== 'Group' && value.kind !== 'ServiceAccount') return undefined;
  return { kind: value.kind, name: value.name, ...(typeof value.namespace === 'string' ? { namespace: value.namespace } : {}) };
}

/** Roles and bindings among listed objects; anything else (or malformed) is skipped. */
export function rbacObjectsOf(objects: Iterable<unknown>): { roles: RbacRole[]; bindings: RbacBinding[] } {
  const roles: RbacRole[] = [];
  const bindings: RbacBinding[] = [];
  for (const object of objects) {
    if (!isObject(object) || !isObject(object.metadata) || typeof object.metadata.name !== 'string') continue;
    const name = object.metadata.name;
    const namespace = typeof object.metadata.namespace === 'string' ? object.metadata.namespace : undefined;
    if (object.kind === 'Role' || object.kind === 'ClusterRole') {
      const rules = Array.isArray(object.rules) ? object.rules.map(ruleOf).filter((r): r is PolicyRule => !!r) : [];
      roles.push({ kind: object.kind, name, ...(object.kind === 'Role' && namespace ? { namespace } : {}), rules });
    } else if (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') {
      const ref = object.roleRef;
      if (!isObject(ref) || (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') || typeof ref.name !== 'string') continue;
      const subjects = Array.isArray(object.subjects) ? object.subjects.map(subjectOf).filter((s): s is RbacSubject => !!s) : [];
      bindings.push({
        kind: object.kind,
        name,
        ...(object.kind === 'RoleBinding' && namespace ? { namespace } : {}),
        roleRef: { kind: ref.kind, name: ref.name },
        subjects,
      });
    }
  }
  return { roles, bindings };
}

const REASON =
  /RBAC: allowed by (ClusterRoleBinding|RoleBinding) "([^"]+)" of (ClusterRole|Role) "([^"]+)" to (User|Group|ServiceAccount) "([^"]+)"/;

/** The binding, role and subject an RBAC authorization reason names (the API server's own wording). */
export function bindingOfReason(reason: string | undefined): RbacBinding | undefined {
  const m = reason ? REASON.exec(reason) : null;
  if (!m) return undefined;
  const [, kind, bindingText, roleKind, roleName, subjectKind, subjectText] = m as unknown as [
    string,
    RbacBinding['kind'],
    string,
    'Role' | 'ClusterRole',
    string,
    RbacSubject['kind'],
    string,
  ];
  // RoleBinding "name/namespace"; ServiceAccount "name/namespace".
  const [name, namespace] = kind === 'RoleBinding' ? splitLast(bindingText) : [bindingText, undefined];
  const [subjectName, subjectNamespace] = subjectKind === 'ServiceAccount' ? splitLast(subjectText) : [subjectText, undefined];
  return {
    kind,
    name,
    ...(namespace ? { namespace } : {}),
    roleRef: { kind: roleKind, name: roleName },
    subjects: [{ kind: subjectKind, name: subjectName, ...(subjectNamespace ? { namespace: subjectNamespace } : {}) }],
  };
}

function splitLast(text: string): [string, string | undefined] {
  const at = text.lastIndexOf('/');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
