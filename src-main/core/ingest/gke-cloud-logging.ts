// Google GKE audit logs from Cloud Logging: LogEntry records (`gcloud logging read --format=json`, a JSON
// array; a Cloud Storage sink, one entry a line) whose protoPayload is a google.cloud.audit.AuditLog.
// GKE does not keep the Kubernetes audit event: it translates it. serviceName `k8s.io`, methodName
// `io.k8s.<group reversed>.<version>.<resource>[.<subresource>].<verb>`, resourceName
// `<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>…]]` (`core` for the core group),
// authenticationInfo.principalEmail the Kubernetes user, status a google.rpc.Status, the audit
// annotations in the entry's `labels`, the audit ID in operation.id (and insertId). No stage, no
// impersonatedUser, no objectRef.uid.
import type { Actor, Authz, Outcome, Target } from '../../shared/model';
import { parseRfc3339Nanos } from '../../shared/time';
import { compact, isObject, str, type Normalized, type RecordFormat } from './format';
import { actorTypeOf, metadataUid, ownerUids, policyDecisionEvents } from './k8s-audit';

const AUDIT_LOG = 'type.googleapis.com/google.cloud.audit.AuditLog';
const DECISION = 'authorization.k8s.io/decision';
const REASON = 'authorization.k8s.io/reason';

function isAuditEntry(value: unknown): value is Record<string, unknown> & { protoPayload: Record<string, unknown> } {
  return isObject(value) && isObject(value.protoPayload) && value.protoPayload['@type'] === AUDIT_LOG;
}

function isKubernetesEntry(value: unknown): boolean {
  if (!isAuditEntry(value)) return false;
  const resource = isObject(value.resource) ? value.resource : {};
  return value.protoPayload.serviceName === 'k8s.io' || resource.type === 'k8s_cluster';
}

/** google.rpc.Code → outcome. PERMISSION_DENIED and UNAUTHENTICATED are refusals; server-side codes errors. */
function outcomeOfCode(code: number): Outcome {
  if (code === 0) return 'success';
  if (code === 7 || code === 16) return 'denied';
  if ([2, 4, 13, 14, 15].includes(code)) return 'error';
  return 'failure';
}

/**
 * Resource, subresource, group, namespace and name of a Kubernetes request. The methodName tells which
 * segments are the resource and the subresource (`…deployments.scale.patch`); the resourceName, in the
 * group's own spelling, tells the group, namespace and name.
 */
export function gkeTarget(methodName: string, resourceName: string | undefined): Target | undefined {
  const segments = resourceName?.split('/').filter((s) => s !== '') ?? [];
  const [group, version, ...path] = segments;
  let resource: string | undefined;
  let subresource: string | undefined;
  const at = version ? methodName.indexOf(`.${version}.`) : -1;
  if (at !== -1) {
    const parts = methodName.slice(at + version!.length + 2).split('.');
    parts.pop();
    [resource, subresource] = parts;
  }
  let rest = path;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && resource !== 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  resource ??= rest[0];
  const name = rest[0] === resource ? rest[1] : undefined;
  if (subresource === undefined && rest[0] === resource && rest.length > 2) subresource = rest[2];
  return compact<Target>({
    api_group: group && group !== 'core' ? group : undefined,
    resource: resource && subresource ? `${resource}/${subresource}` : resource,
    namespace,
    name,
  });
}

/**
 * The AuditLog's delegation chain names the authorities that acted through the principal: the first is
 * who made the request, the principal who it was made as.
 */
function delegatorOf(authentication: Record<string, unknown>): string | undefined {
  const chain = authentication.serviceAccountDelegationInfo;
  if (!Array.isArray(chain)) return undefined;
  for (const link of chain) {
    const first = isObject(link) && isObject(link.firstPartyPrincipal) ? str(link.firstPartyPrincipal.principalEmail) : undefined;
    if (first) return first;
  }
  return undefined;
}

function authzOf(labels: Record<string, unknown>, payload: Record<string, unknown>): Authz | undefined {
  const decision = str(labels[DECISION]);
  const reason = str(labels[REASON]);
  if (decision) return compact({ decision, reason }) as Authz;
  const checks = Array.isArray(payload.authorizationInfo) ? payload.authorizationInfo.filter(isObject) : [];
  if (checks.length === 0) return reason ? { decision: 'unknown', reason } : undefined;
  const granted = checks.every((check) => check.granted === true);
  return compact({ decision: granted ? 'allow' : 'forbid', reason }) as Authz;
}

function normalize(value: unknown): Normalized {
  if (!isAuditEntry(value)) return { ok: false, reason: `not a Cloud Audit Logs entry: no protoPayload of @type ${AUDIT_LOG}` };
  const payload = value.protoPayload;
  const timeText = str(value.timestamp);
  if (!timeText) return { ok: false, reason: 'LogEntry without "timestamp"' };
  const timeNs = parseRfc3339Nanos(timeText);
  if (timeNs === null) return { ok: false, reason: `timestamp ${JSON.stringify(timeText)} is not an RFC 3339 time` };
  const methodName = str(payload.methodName);
  if (!methodName) return { ok: false, reason: 'AuditLog without "methodName"' };

  const authentication = isObject(payload.authenticationInfo) ? payload.authenticationInfo : {};
  const principal = str(authentication.principalEmail);
  const delegator = delegatorOf(authentication);
  const actorId = delegator ?? principal;
  const actor = actorId
    ? (compact({ type: actorTypeOf(actorId), id: actorId, on_behalf_of: delegator ? principal : undefined }) as Actor)
    : undefined;
  const labels = isObject(value.labels) ? value.labels : {};
  const status = isObject(payload.status) ? payload.status : {};
  const code = typeof status.code === 'number' ? status.code : 0;
  const authz = authzOf(labels, payload);
  const operation = isObject(value.operation) ? value.operation : {};
  const auditId = str(operation.id) ?? str(value.insertId);

  if (payload.serviceName !== 'k8s.io') {
    // A GKE cluster operation (google.container.v1.ClusterManager.*) rather than a Kubernetes request.
    return {
      ok: true,
      events: [
        {
          time_ns: timeNs,
          time_text: timeText,
          kind: 'other',
          action: methodName,
          actor,
          outcome: outcomeOfCode(code),
          authz,
          ...(auditId ? { keys: { audit_id: auditId } } : {}),
        },
      ],
    };
  }
  const outcome: Outcome = authz?.decision === 'forbid' ? 'denied' : outcomeOfCode(code);
  const target = gkeTarget(methodName, str(payload.resourceName));
  const objectUid = metadataUid(payload.response) ?? metadataUid(payload.request);
  const keys = compact({
    audit_id: auditId,
    object_uid: objectUid,
    owner_uids: ownerUids(payload.response) ?? ownerUids(payload.request),
  });
  const withUid = target && objectUid ? { ...target, uid: objectUid } : target;
  const verb = methodName.slice(methodName.lastIndexOf('.') + 1);
  const policies = policyDecisionEvents(labels, { time_ns: timeNs, time_text: timeText, actor, target: withUid, keys });
  const message = str(status.message);
  return {
    ok: true,
    events: [
      {
        time_ns: timeNs,
        time_text: timeText,
        kind: 'k8s_api',
        action: verb,
        actor,
        target: withUid,
        outcome,
        authz,
        keys,
        ...(message && outcome !== 'success' ? { text: message } : {}),
      },
      ...policies,
    ],
  };
}

export const gkeCloudLogging: RecordFormat = {
  name: 'gke-cloud-logging',
  title: 'Google GKE audit log entry (Cloud Logging)',
  recognizes: isKubernetesEntry,
  documentRecords(probe) {
    if (probe.root === 'array') return isKubernetesEntry(probe.first.get('')) ? [['*']] : undefined;
    for (const key of ['entries', 'items']) if (isKubernetesEntry(probe.first.get(key))) return [[key, '*']];
    return undefined;
  },
  normalize,
};
