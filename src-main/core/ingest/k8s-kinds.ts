// One spelling of a Kubernetes target across formats, so that records from different sources can be
// joined on it: `target.resource` is the lowercase plural resource as the audit log's objectRef writes it
// (`deployments`, `horizontalpodautoscalers`), `target.api_group` the API group without version ('' for the
// core group, which is then left out). Tool arguments, Events and listings name a Kind; this maps it.

interface KindInfo {
  group: string;
  resource: string;
}

const KINDS: Record<string, KindInfo> = {
  Pod: { group: '', resource: 'pods' },
  Service: { group: '', resource: 'services' },
  ConfigMap: { group: '', resource: 'configmaps' },
  Secret: { group: '', resource: 'secrets' },
  Namespace: { group: '', resource: 'namespaces' },
  Node: { group: '', resource: 'nodes' },
  ServiceAccount: { group: '', resource: 'serviceaccounts' },
  Event: { group: '', resource: 'events' },
  Endpoints: { group: '', resource: 'endpoints' },
  PersistentVolumeClaim: { group: '', resource: 'persistentvolumeclaims' },
  PersistentVolume: { group: '', resource: 'persistentvolumes' },
  Deployment: { group: 'apps', resource: 'deployments' },
  ReplicaSet: { group: 'apps', resource: 'replicasets' },
  StatefulSet: { group: 'apps', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', resource: 'daemonsets' },
  Job: { group: 'batch', resource: 'jobs' },
  CronJob: { group: 'batch', resource: 'cronjobs' },
  HorizontalPodAutoscaler: { group: 'autoscaling', resource: 'horizontalpodautoscalers' },
  PodDisruptionBudget: { group: 'policy', resource: 'poddisruptionbudgets' },
  Role: { group: 'rbac.authorization.k8s.io', resource: 'roles' },
  RoleBinding: { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
  ClusterRole: { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
  ClusterRoleBinding: { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
  Ingress: { group: 'networking.k8s.io', resource: 'ingresses' },
  NetworkPolicy: { group: 'networking.k8s.io', resource: 'networkpolicies' },
  Lease: { group: 'coordination.k8s.io', resource: 'leases' },
  ValidatingAdmissionPolicy: { group: 'admissionregistration.k8s.io', resource: 'validatingadmissionpolicies' },
  ValidatingAdmissionPolicyBinding: { group: 'admissionregistration.k8s.io', resource: 'validatingadmissionpolicybindings' },
};

const BY_RESOURCE = new Map(Object.entries(KINDS).map(([kind, info]) => [info.resource, { kind, ...info }]));

/** The group of an `apiVersion` (`apps/v1` → `apps`, `v1` → ''). */
export function groupOfApiVersion(apiVersion: string | undefined): string | undefined {
  if (apiVersion === undefined) return undefined;
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/**
 * The audit log's spelling of a Kind (`Deployment` → `{api_group: 'apps', resource: 'deployments'}`).
 * Also accepts a resource name already (`deployments`, `deploy` is not guessed) and unknown Kinds, which
 * are lowercased and pluralized the way the API server's RESTMapper does for regular names.
 */
export function resourceOfKind(kind: string, apiVersion?: string): { api_group?: string; resource: string } {
  const known = KINDS[kind] ?? BY_RESOURCE.get(kind);
  const group = groupOfApiVersion(apiVersion) ?? known?.group;
  const resource = known?.resource ?? pluralize(kind.toLowerCase());
  return group ? { api_group: group, resource } : { resource };
}

/** The Kind of an audit resource name, where known (`replicasets` → `ReplicaSet`). */
export function kindOfResource(resource: string): string | undefined {
  return BY_RESOURCE.get(resource.split('/')[0]!)?.kind;
}

function pluralize(lower: string): string {
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y') && !/[aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}
