// What a capture copies: the API types an investigation of an agent's actions needs — who may do what
// (RBAC and service accounts), what runs (workloads and their owners), what happened (Events, which the
// cluster keeps for about an hour only).

export interface ResourceType {
  /** File name stem and the name used in reports ("pods", "events.k8s.io"). */
  name: string;
  /** "" for the core group. */
  group: string;
  version: string;
  /** The plural resource name in the URL. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Events are record streams (JSON lines, chained); the rest are List documents (hashed whole). */
  events?: boolean;
}

export const CAPTURED_RESOURCES: readonly ResourceType[] = [
  { name: 'events', group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, events: true },
  { name: 'events.k8s.io', group: 'events.k8s.io', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, events: true },
  { name: 'namespaces', group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { name: 'pods', group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { name: 'serviceaccounts', group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { name: 'replicasets', group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { name: 'deployments', group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  { name: 'statefulsets', group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  { name: 'daemonsets', group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  {
    name: 'horizontalpodautoscalers',
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
  {
    name: 'poddisruptionbudgets',
    group: 'policy',
    version: 'v1',
    resource: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    namespaced: true,
  },
  { name: 'roles', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true },
  {
    name: 'rolebindings',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'rolebindings',
    kind: 'RoleBinding',
    namespaced: true,
  },
  {
    name: 'clusterroles',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
  },
  {
    name: 'clusterrolebindings',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  },
];

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** The collection's URL path; namespaced types are read in one namespace when one is given. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const root = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const scope = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${type.resource}`;
}

/** Where the captured type lives in the bundle's sources. */
export function sourcePathOf(type: ResourceType): string {
  return type.events ? `k8s-events/${type.name}.jsonl` : `k8s-resources/${type.name}.json`;
}
