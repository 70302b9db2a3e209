// Writes Kubernetes audit events (audit.k8s.io/v1) the way kube-apiserver's JSON log backend does: one
// event per stage per line, fields in the apiserver's order, microsecond timestamps, authorization
// annotations. Shaped field by field after the real events in test/fixtures/corpus/k8s-audit.
import { formatMicros } from './clock';
import type { SeededRandom } from './random';

export { formatMicros };

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface ObjectRef {
  resource: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion: string;
  subresource?: string;
}

export interface AuditCall {
  /** Request received, in microseconds since the epoch. */
  atUs: number;
  latencyUs: number;
  verb: string;
  requestURI: string;
  user: UserInfo;
  impersonatedUser?: { username: string; groups: string[] };
  sourceIP: string;
  userAgent: string;
  objectRef?: ObjectRef;
  code: number;
  /** Reason of a failed response status (Forbidden, NotFound, Conflict…). */
  failure?: { reason: string; message: string; details?: Record<string, unknown> };
  /** Further audit annotations (admission policies, pod security), merged with the authorization ones. */
  annotations?: Record<string, string>;
  requestObject?: unknown;
  responseObject?: unknown;
  decision: 'allow' | 'forbid';
  authzReason: string;
  /** Whether the audit policy keeps the RequestReceived stage for this request. */
  withRequestReceived: boolean;
}

export interface AuditLine {
  stageUs: number;
  line: string;
}

function responseStatus(call: AuditCall): Record<string, unknown> {
  if (!call.failure) return { metadata: {}, code: call.code };
  const { reason, message, details } = call.failure;
  return { metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code: call.code };
}

type Level = 'Metadata' | 'Request' | 'RequestResponse';

/** Bookkeeping and credentials: who and when, never a body. */
const METADATA_ONLY = new Set([
  'leases',
  'events',
  'secrets',
  'configmaps',
  'tokenreviews',
  'subjectaccessreviews',
  'selfsubjectaccessreviews',
]);
/** Changes to workloads, autoscalers, disruption budgets, access and admission: both bodies. */
const REQUEST_RESPONSE = new Set([
  'pods',
  'deployments',
  'deployments/scale',
  'replicasets',
  'replicasets/scale',
  'statefulsets',
  'statefulsets/scale',
  'daemonsets',
  'horizontalpodautoscalers',
  'poddisruptionbudgets',
  'roles',
  'rolebindings',
  'clusterroles',
  'clusterrolebindings',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
]);
const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/**
 * The level the samples' audit policy gives a request (docs/samples.md writes the policy out): reads and
 * anything unlisted at Metadata (a pod's binding, eviction, exec and log included); kubelets' status
 * reports at Request; changes to pods, workloads, autoscalers and access at RequestResponse. The first
 * rule that matches decides, as in a Policy.
 */
export function policyLevel(call: Pick<AuditCall, 'verb' | 'objectRef'>): Level {
  const ref = call.objectRef;
  if (!ref || METADATA_ONLY.has(ref.resource) || !WRITES.has(call.verb)) return 'Metadata';
  const resource = ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
  if (resource === 'nodes/status' || resource === 'pods/status') return 'Request';
  return REQUEST_RESPONSE.has(resource) ? 'RequestResponse' : 'Metadata';
}

/**
 * objectRef.uid as kube-apiserver sets it: copied from a decoded request body's metadata (an update sends
 * the whole object; the scheduler's Binding names the pod's uid), never for a patch, a delete or a read.
 */
function realObjectRef(call: AuditCall): ObjectRef | undefined {
  if (!call.objectRef) return undefined;
  const { uid, ...ref } = call.objectRef;
  const body = call.requestObject as { metadata?: { uid?: string } } | undefined;
  const fromBody = call.verb === 'update' ? body?.metadata?.uid : call.verb === 'create' && ref.subresource === 'binding' ? uid : undefined;
  return fromBody ? { ...ref, uid: fromBody } : ref;
}

/** The lines one API request leaves in the audit log (RequestReceived, if kept, and ResponseComplete). */
export function auditLines(requested: AuditCall, random: SeededRandom): AuditLine[] {
  const auditID = random.uuid();
  const objectRef = realObjectRef(requested);
  const call = { ...requested, level: policyLevel(requested), objectRef };
  const base = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: call.level,
    auditID,
  };
  const who = {
    requestURI: call.requestURI,
    verb: call.verb,
    user: call.user,
    ...(call.impersonatedUser ? { impersonatedUser: call.impersonatedUser } : {}),
    sourceIPs: [call.sourceIP],
    userAgent: call.userAgent,
    ...(call.objectRef ? { objectRef: call.objectRef } : {}),
  };
  const received = formatMicros(call.atUs);
  const lines: AuditLine[] = [];
  const withBody = call.level !== 'Metadata' && call.requestObject !== undefined;
  if (call.withRequestReceived) {
    lines.push({
      stageUs: call.atUs,
      line: JSON.stringify({
        ...base,
        stage: 'RequestReceived',
        ...who,
        ...(withBody ? { requestObject: call.requestObject } : {}),
        requestReceivedTimestamp: received,
        stageTimestamp: received,
      }),
    });
  }
  const doneUs = call.atUs + call.latencyUs;
  const totalMs = (call.latencyUs / 1000).toFixed(3);
  lines.push({
    stageUs: doneUs,
    line: JSON.stringify({
      ...base,
      stage: 'ResponseComplete',
      ...who,
      responseStatus: responseStatus(call),
      ...(withBody ? { requestObject: call.requestObject } : {}),
      ...(call.level === 'RequestResponse' && call.responseObject !== undefined ? { responseObject: call.responseObject } : {}),
      requestReceivedTimestamp: received,
      stageTimestamp: formatMicros(doneUs),
      annotations: sortedKeys({
        'apiserver.latency.k8s.io/total': `${totalMs}ms`,
        'authorization.k8s.io/decision': call.decision,
        'authorization.k8s.io/reason': call.authzReason,
        ...call.annotations,
      }),
    }),
  });
  return lines;
}

/** Go marshals a map with its keys sorted; the audit annotations are such a map. */
function sortedKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
