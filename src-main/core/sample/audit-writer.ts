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
  level: 'Metadata' | 'Request' | 'RequestResponse';
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

/** The lines one API request leaves in the audit log (RequestReceived, if kept, and ResponseComplete). */
export function auditLines(call: AuditCall, random: SeededRandom): AuditLine[] {
  const auditID = random.uuid();
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
      ...(call.level === 'RequestResponse' && call.responseObject !== undefined
        ? { responseObject: call.responseObject }
        : {}),
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
