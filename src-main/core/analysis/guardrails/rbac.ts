// A small Kubernetes RBAC evaluator with the documented semantics of the RBAC authorizer
// (https://kubernetes.io/docs/reference/access-authn-authz/rbac/): rules are purely additive; a rule
// matches a verb, an API group and a resource ("pods", or "pods/log" for a subresource, "*/scale" for a
// subresource of any resource), optionally narrowed to resourceNames; nonResourceURLs rules match paths
// ("/healthz", or a prefix ending in "*") and only through a ClusterRoleBinding. A ClusterRoleBinding
// grants its role everywhere; a RoleBinding grants a Role or a ClusterRole's rules in its own namespace
// only, never on cluster-scoped resources. Used to replay the calls of a case against a generated role.

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RbacRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** A Role's namespace; absent for a ClusterRole. */
  namespace?: string;
  rules: PolicyRule[];
}

export interface RbacSubject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  /** A ServiceAccount's namespace. */
  namespace?: string;
}

export interface RbacBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** A RoleBinding's namespace; absent for a ClusterRoleBinding. */
  namespace?: string;
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string };
  subjects: RbacSubject[];
}

/** One request as the authorizer sees it (the attributes of a SubjectAccessReview). */
export interface RbacRequest {
  user: string;
  groups?: string[];
  verb: string;
  /** A resource request: group ("" for core), resource, optional subresource, namespace and name. */
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  /** Absent or empty for a cluster-scoped resource, or a request across all namespaces. */
  namespace?: string;
  name?: string;
  /** A non-resource request ("/healthz", "/metrics"): no resource, a path instead. */
  path?: string;
}

export interface RbacDecision {
  allowed: boolean;
  /** The binding, role and rule that allowed it (the first found, as the authorizer reports). */
  by?: { binding: RbacBinding; role: RbacRole; rule: PolicyRule };
  /** Why not, in words, when denied. */
  reason: string;
}

const has = (list: readonly string[] | undefined, value: string): boolean => !!list && (list.includes('*') || list.includes(value));

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return has(rule.verbs, verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return has(rule.apiGroups, group);
}

/** "pods" matches only pods; "pods/log" the log subresource; "*\/scale" scale of anything; "*" anything. */
export function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const ruleResource of rule.resources ?? []) {
    if (ruleResource === '*' || ruleResource === combined) return true;
    if (subresource && ruleResource === `*/${subresource}`) return true;
  }
  return false;
}

/** No resourceNames: any name. Otherwise the request must name one of them (a list or create names none). */
export function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return name !== undefined && name !== '' && rule.resourceNames.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === '*' || url === path) return true;
    if (url.endsWith('*') && path.startsWith(url.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(rule: PolicyRule, request: RbacRequest): boolean {
  if (!verbMatches(rule, request.verb)) return false;
  if (request.path !== undefined) return nonResourceURLMatches(rule, request.path);
  if (!request.resource) return false;
  return (
    apiGroupMatches(rule, request.apiGroup ?? '') &&
    resourceMatches(rule, request.resource, request.subresource) &&
    resourceNameMatches(rule, request.name)
  );
}

export function subjectMatches(subject: RbacSubject, request: Pick<RbacRequest, 'user' | 'groups'>): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === request.user;
    case 'Group':
      return (request.groups ?? []).includes(subject.name);
    case 'ServiceAccount':
      return request.user === `system:serviceaccount:${subject.namespace ?? ''}:${subject.name}`;
  }
}

export function bindingLabel(binding: RbacBinding): string {
  return `${binding.kind} "${binding.namespace ? `${binding.name}/${binding.namespace}` : binding.name}"`;
}

export function roleLabel(role: Pick<RbacRole, 'kind' | 'name' | 'namespace'>): string {
  return `${role.kind} "${role.namespace ? `${role.name}/${role.namespace}` : role.name}"`;
}

/** The role a binding refers to: a RoleBinding's Role lives in the binding's namespace. */
export function resolveRole(binding: RbacBinding, roles: readonly RbacRole[]): RbacRole | undefined {
  return roles.find(
    (role) =>
      role.kind === binding.roleRef.kind &&
      role.name === binding.roleRef.name &&
      (role.kind === 'ClusterRole' || role.namespace === binding.namespace),
  );
}

/** Whether a binding can grant anything for this request at all, before looking at its rules. */
function bindingApplies(binding: RbacBinding, request: RbacRequest): boolean {
  if (binding.kind === 'ClusterRoleBinding') return binding.roleRef.kind === 'ClusterRole';
  // A RoleBinding: only namespaced resource requests in its own namespace.
  if (request.path !== undefined) return false;
  return !!request.namespace && request.namespace === binding.namespace;
}

export function authorize(request: RbacRequest, roles: readonly RbacRole[], bindings: readonly RbacBinding[]): RbacDecision {
  let boundAtAll = false;
  for (const binding of bindings) {
    if (!binding.subjects.some((subject) => subjectMatches(subject, request))) continue;
    boundAtAll = true;
    if (!bindingApplies(binding, request)) continue;
    const role = resolveRole(binding, roles);
    if (!role) continue;
    const rule = role.rules.find((r) => ruleAllows(r, request));
    if (rule) return { allowed: true, by: { binding, role, rule }, reason: `allowed by ${bindingLabel(binding)} of ${roleLabel(role)}` };
  }
  const what =
    request.path !== undefined
      ? `path "${request.path}"`
      : `resource "${request.subresource ? `${request.resource}/${request.subresource}` : request.resource}" in API group "${request.apiGroup ?? ''}"`;
  const where = request.path !== undefined ? '' : request.namespace ? ` in the namespace "${request.namespace}"` : ' at the cluster scope';
  return {
    allowed: false,
    reason: `${boundAtAll ? 'no rule of its bindings allows' : 'no binding names'} ${request.user} to ${request.verb} ${what}${where}`,
  };
}
