// One API call as attribution and findings read it: the latest stage of an audited request, in time order.
// Compact on purpose: a million of them stream through in one pass, none kept.
import type { DestructiveClass } from '../../../shared/attribution';

export interface ApiCall {
  id: number;
  /** Milliseconds since the Unix epoch (audit times are microseconds; a minute bucket needs no more). */
  ms: number;
  actor: string;
  actorType: string;
  onBehalfOf?: string | undefined;
  verb: string;
  /** As the record names it, with its subresource (`deployments/scale`). */
  resource: string;
  namespace?: string | undefined;
  outcome: string;
  /** `spec.replicas` of the request body, read only for writes that can scale. */
  replicas?: number | undefined;
}

const RBAC = new Set(['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']);
const ADMISSION = new Set([
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
]);
const EXEC = new Set(['exec', 'attach', 'portforward']);
const SCALABLE = new Set(['deployments', 'statefulsets', 'replicasets', 'replicationcontrollers']);
export const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const READS = new Set(['get', 'list', 'watch']);

/** Whether a write can set replicas (so its body's `spec.replicas` is worth reading). */
export function mayScale(verb: string, resource: string): boolean {
  const [base, sub] = resource.split('/');
  return (verb === 'patch' || verb === 'update') && SCALABLE.has(base ?? '') && (sub === undefined || sub === 'scale');
}

/**
 * The destructive class of a call, or undefined: deletes, scaling to zero or one, RBAC writes, secret
 * reads, exec/attach/port-forward, admission-policy changes. The first that applies names it (a delete
 * of a RoleBinding is an RBAC write).
 */
export function destructiveClass(call: Pick<ApiCall, 'verb' | 'resource' | 'replicas'>): DestructiveClass | undefined {
  const [base = '', sub] = call.resource.split('/');
  const write = WRITE_VERBS.has(call.verb);
  if (write && ADMISSION.has(base)) return 'admission_change';
  if (write && RBAC.has(base)) return 'rbac_write';
  if (base === 'pods' && sub !== undefined && EXEC.has(sub)) return 'exec';
  if (base === 'secrets' && sub === undefined && READS.has(call.verb)) return 'secret_read';
  if (call.replicas !== undefined && call.replicas <= 1 && mayScale(call.verb, call.resource)) return 'scale_down';
  if (call.verb === 'delete' || call.verb === 'deletecollection') return 'delete';
  return undefined;
}

export const isAllowed = (outcome: string): boolean => outcome === 'success';
export const isDenied = (outcome: string): boolean => outcome === 'denied';
export const isFailed = (outcome: string): boolean => outcome === 'failure' || outcome === 'error';
