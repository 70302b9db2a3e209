// The least privilege that allows exactly a set of API calls, in the manner of audit2rbac: one Role and
// RoleBinding per namespace the calls touched (a ClusterRole and ClusterRoleBinding for cluster-scoped
// and all-namespace calls), rules merged by API group and verbs, narrowed to the objects' names where the
// verb names one (get, update, patch, delete: never list, watch, create or deletecollection, whose
// requests carry no name). And the difference, in numbers, between what a role held and what was needed.
import { DEFAULT_CLUSTER_ROLES } from './default-roles';
import type { PolicyRule, RbacBinding, RbacRole, RbacSubject } from './rbac';

/** One API call as the authorizer saw it. */
export interface RbacCall {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface LeastPrivilege {
  roles: RbacRole[];
  bindings: RbacBinding[];
}

const UNNAMED_VERBS = new Set(['list', 'watch', 'create', 'deletecollection']);

const combined = (call: RbacCall) => (call.subresource ? `${call.resource}/${call.subresource}` : call.resource);

function rulesFor(calls: readonly RbacCall[]): PolicyRule[] {
  // (group, resource) → verb → names (null once a call of that verb names none).
  const byResource = new Map<string, Map<string, Set<string> | null>>();
  for (const call of calls) {
    const key = `${call.apiGroup}\u0000${combined(call)}`;
    let verbs = byResource.get(key);
    if (!verbs) byResource.set(key, (verbs = new Map()));
    const named = call.name && !UNNAMED_VERBS.has(call.verb);
    const names = verbs.has(call.verb) ? verbs.get(call.verb)! : new Set<string>();
    verbs.set(call.verb, named && names ? names.add(call.name!) : null);
  }
  // Merge: one rule per group, verb set and name set, listing every resource that shares them.
  const merged = new Map<string, PolicyRule>();
  for (const [key, verbs] of byResource) {
    const [group, resource] = key.split('\u0000') as [string, string];
    const byNames = new Map<string, string[]>();
    for (const [verb, names] of verbs) {
      const nameKey = names ? [...names].sort().join(',') : '';
      byNames.set(nameKey, [...(byNames.get(nameKey) ?? []), verb]);
    }
    for (const [nameKey, verbList] of byNames) {
      const verbsSorted = verbList.sort();
      const ruleKey = `${group}\u0000${verbsSorted.join(',')}\u0000${nameKey}`;
      const rule = merged.get(ruleKey);
      if (rule) rule.resources!.push(resource);
      else
        merged.set(ruleKey, {
          apiGroups: [group],
          resources: [resource],
          verbs: verbsSorted,
          ...(nameKey ? { resourceNames: nameKey.split(',') } : {}),
        });
    }
  }
  return [...merged.values()]
    .map((rule) => ({ ...rule, resources: rule.resources!.sort() }))
    .sort((a, b) => `${a.apiGroups![0]} ${a.resources![0]}`.localeCompare(`${b.apiGroups![0]} ${b.resources![0]}`));
}

/** Roles and bindings for `subject` that allow each of `calls` and, by construction, nothing else. */
export function generateLeastPrivilege(calls: readonly RbacCall[], subject: RbacSubject, name: string): LeastPrivilege {
  const byNamespace = new Map<string, RbacCall[]>();
  for (const call of calls) {
    const ns = call.namespace ?? '';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), call]);
  }
  const roles: RbacRole[] = [];
  const bindings: RbacBinding[] = [];
  for (const [namespace, list] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
    const rules = rulesFor(list);
    if (namespace) {
      roles.push({ kind: 'Role', name, namespace, rules });
      bindings.push({ kind: 'RoleBinding', name, namespace, roleRef: { kind: 'Role', name }, subjects: [subject] });
    } else {
      roles.push({ kind: 'ClusterRole', name, rules });
      bindings.push({ kind: 'ClusterRoleBinding', name, roleRef: { kind: 'ClusterRole', name }, subjects: [subject] });
    }
  }
  return { roles, bindings };
}

/** How much a set of rules grants: distinct (group, resource) pairs and distinct verbs, `*` counted as one. */
export function grantSize(rules: readonly PolicyRule[]): { resources: number; verbs: number; wildcard: boolean } {
  const resources = new Set<string>();
  const verbs = new Set<string>();
  let wildcard = false;
  for (const rule of rules) {
    if (rule.nonResourceURLs) continue;
    for (const group of rule.apiGroups ?? []) for (const resource of rule.resources ?? []) resources.add(`${group}/${resource}`);
    for (const verb of rule.verbs) verbs.add(verb);
    wildcard ||= rule.verbs.includes('*') || (rule.resources ?? []).includes('*') || (rule.apiGroups ?? []).includes('*');
  }
  return { resources: resources.size, verbs: verbs.size, wildcard };
}

export function defaultRole(kind: string, name: string): RbacRole | undefined {
  return kind === 'ClusterRole' ? DEFAULT_CLUSTER_ROLES.find((role) => role.name === name) : undefined;
}

function yamlScalar(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~|[0-9.eE+-]+)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

function yamlList(key: string, values: readonly string[] | undefined, indent: string): string[] {
  if (!values) return [];
  return [`${indent}${key}:`, ...values.map((v) => `${indent}- ${yamlScalar(v)}`)];
}

function ruleYaml(rule: PolicyRule): string[] {
  const lines = [
    ...yamlList('apiGroups', rule.apiGroups, '  '),
    ...yamlList('resources', rule.resources, '  '),
    ...yamlList('resourceNames', rule.resourceNames, '  '),
    ...yamlList('nonResourceURLs', rule.nonResourceURLs, '  '),
    ...yamlList('verbs', rule.verbs, '  '),
  ];
  return lines.map((line, i) => (i === 0 ? `- ${line.slice(2)}` : line));
}

const metadata = (name: string, namespace?: string) => [
  'metadata:',
  `  name: ${yamlScalar(name)}`,
  ...(namespace ? [`  namespace: ${yamlScalar(namespace)}`] : []),
];

/** The roles and bindings as one multi-document YAML file, ready for `kubectl apply -f`. */
export function leastPrivilegeYaml(lp: LeastPrivilege): string {
  const docs: string[][] = [];
  for (const role of lp.roles) {
    docs.push([
      'apiVersion: rbac.authorization.k8s.io/v1',
      `kind: ${role.kind}`,
      ...metadata(role.name, role.namespace),
      'rules:',
      ...role.rules.flatMap(ruleYaml),
    ]);
  }
  for (const binding of lp.bindings) {
    docs.push([
      'apiVersion: rbac.authorization.k8s.io/v1',
      `kind: ${binding.kind}`,
      ...metadata(binding.name, binding.namespace),
      'roleRef:',
      '  apiGroup: rbac.authorization.k8s.io',
      `  kind: ${binding.roleRef.kind}`,
      `  name: ${yamlScalar(binding.roleRef.name)}`,
      'subjects:',
      ...binding.subjects.flatMap((s) => [
        `- kind: ${s.kind}`,
        `  name: ${yamlScalar(s.name)}`,
        ...(s.namespace
          ? [`  namespace: ${yamlScalar(s.namespace)}`]
          : s.kind === 'ServiceAccount'
            ? []
            : ['  apiGroup: rbac.authorization.k8s.io']),
      ]),
    ]);
  }
  return docs.map((doc) => doc.join('\n')).join('\n---\n') + '\n';
}
