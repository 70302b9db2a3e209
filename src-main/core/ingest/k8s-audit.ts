// Kubernetes audit events (audit.k8s.io/v1, v1beta1 and v1alpha1 Event, and the apiVersion-less lines older
// clusters and Falco's traces carry). One record is one stage of one request; the auditID groups them.
// Audit-ID, sourceIPs and userAgent are client-controlled: they are kept as keys and raw fields, never
// as proof of anything.
import type { Actor, ActorType, Authz, NormalizedEvent, Outcome, Target } from '../../shared/model';
import { parseRfc3339Nanos } from '../../shared/time';
import { compact, isObject, str, type Normalized, type RecordFormat } from './format';

const DECISION = 'authorization.k8s.io/decision';
const REASON = 'authorization.k8s.io/reason';

export function actorTypeOf(username: string): ActorType {
  if (username.startsWith('system:serviceaccount:')) return 'service_account';
  if (username.startsWith('system:')) return 'system';
  return 'human';
}

function outcomeOf(stage: string, code: number | undefined, decision: string | undefined): Outcome {
  if (decision === 'forbid') return 'denied';
  if (stage === 'Panic') return 'error';
  if (code === undefined) return 'unknown';
  if (code === 401 || code === 403) return 'denied';
  if (code >= 500) return 'error';
  if (code >= 400) return 'failure';
  return 'success';
}

export function ownerUids(object: unknown): string[] | undefined {
  if (!isObject(object) || !isObject(object.metadata) || !Array.isArray(object.metadata.ownerReferences)) return;
  const uids = object.metadata.ownerReferences.map((ref) => (isObject(ref) ? str(ref.uid) : undefined));
  const present = uids.filter((uid): uid is string => uid !== undefined);
  return present.length > 0 ? present : undefined;
}

export function metadataUid(object: unknown): string | undefined {
  return isObject(object) && isObject(object.metadata) ? str(object.metadata.uid) : undefined;
}

/** A create names its object only in the body (objectRef has no name before the server assigns one). */
function metadataName(object: unknown): string | undefined {
  return isObject(object) && isObject(object.metadata) ? str(object.metadata.name) : undefined;
}

function firstExtra(user: Record<string, unknown>, key: string): string | undefined {
  const values = isObject(user.extra) ? user.extra[key] : undefined;
  return Array.isArray(values) ? str(values[0]) : undefined;
}

/**
 * A service account token bound to a pod names the pod and node in user.extra. The actor stays the
 * service account (that is who RBAC judged); the pod is kept visible as text: "from pod
 * mcp-system/kubernetes-mcp-server-6c9d… on node worker-2". The pod runs in the account's namespace.
 */
function podIdentity(user: Record<string, unknown>, username: string | undefined): string | undefined {
  const pod = firstExtra(user, 'authentication.kubernetes.io/pod-name');
  if (!pod) return undefined;
  const namespace = username?.startsWith('system:serviceaccount:') ? username.split(':')[2] : undefined;
  const node = firstExtra(user, 'authentication.kubernetes.io/node-name');
  return `from pod ${namespace ? `${namespace}/` : ''}${pod}${node ? ` on node ${node}` : ''}`;
}

/**
 * When the request reached the server. audit.k8s.io/v1 (and v1beta1 from Kubernetes 1.10) write
 * requestReceivedTimestamp; v1alpha1 and the first v1beta1 write `timestamp` instead (same meaning, whole
 * seconds). A record with neither falls back to the stage's own time.
 */
function requestTime(value: Record<string, unknown>): { timeText: string; timeNs: bigint } | { reason: string } {
  for (const field of ['requestReceivedTimestamp', 'timestamp'] as const) {
    const text = value[field];
    if (typeof text !== 'string') continue;
    const timeNs = parseRfc3339Nanos(text);
    if (timeNs === null) return { reason: `${field} ${JSON.stringify(text)} is not an RFC 3339 time` };
    return { timeText: text, timeNs };
  }
  const stageText = stageTimeOf(value);
  if (stageText === undefined) {
    return {
      reason:
        'Kubernetes audit event without a time: none of requestReceivedTimestamp, timestamp, stageTimestamp, metadata.creationTimestamp',
    };
  }
  const timeNs = parseRfc3339Nanos(stageText);
  if (timeNs === null) return { reason: `stage time ${JSON.stringify(stageText)} is not an RFC 3339 time` };
  return { timeText: stageText, timeNs };
}

/**
 * When this stage was written: stageTimestamp, or on servers older than Kubernetes 1.10 (v1alpha1,
 * v1beta1) the event object's own metadata.creationTimestamp, set as each stage's event is made.
 */
function stageTimeOf(value: Record<string, unknown>): string | undefined {
  if (typeof value.stageTimestamp === 'string') return value.stageTimestamp;
  return isObject(value.metadata) ? str(value.metadata.creationTimestamp) : undefined;
}

/** v1alpha1's objectRef has no apiGroup: its apiVersion is the whole group/version (`apps/v1beta1`; `v1` for core). */
function groupOfApiVersion(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== 'string') return undefined;
  const slash = apiVersion.indexOf('/');
  return slash > 0 ? apiVersion.slice(0, slash) : undefined;
}

/** Normalizes one audit.k8s.io Event (v1alpha1, v1beta1, v1), bare or taken out of a cloud provider's wrapper. */
export function normalizeAuditEvent(value: unknown): Normalized {
  if (!isObject(value)) return { ok: false, reason: 'not a Kubernetes audit event: not a JSON object' };
  if (value.kind !== 'Event') {
    return { ok: false, reason: `not a Kubernetes audit event: kind is ${JSON.stringify(value.kind) ?? 'missing'}, expected "Event"` };
  }
  const apiVersion = value.apiVersion;
  if (apiVersion !== undefined && !(typeof apiVersion === 'string' && apiVersion.startsWith('audit.k8s.io/'))) {
    return { ok: false, reason: `not a Kubernetes audit event: apiVersion ${JSON.stringify(apiVersion)} is not audit.k8s.io` };
  }
  for (const field of ['auditID', 'stage', 'verb'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') {
      return { ok: false, reason: `not a Kubernetes audit event: "${field}" is missing or not a string` };
    }
  }
  const time = requestTime(value);
  if ('reason' in time) return { ok: false, reason: time.reason };
  const { timeText, timeNs } = time;
  const stage = value.stage as string;
  const stageTime = stageTimeOf(value);
  const annotations = isObject(value.annotations) ? value.annotations : {};
  const decision = str(annotations[DECISION]);
  const status = isObject(value.responseStatus) ? value.responseStatus : {};
  const code = typeof status.code === 'number' ? status.code : undefined;

  const user = isObject(value.user) ? value.user : {};
  const username = str(user.username);
  const impersonated = isObject(value.impersonatedUser) ? str(value.impersonatedUser.username) : undefined;
  const actor: Actor | undefined = username
    ? (compact({ type: actorTypeOf(username), id: username, on_behalf_of: impersonated }) as Actor)
    : undefined;

  const ref = isObject(value.objectRef) ? value.objectRef : {};
  const resource = str(ref.resource);
  const subresource = str(ref.subresource);
  const objectUid = str(ref.uid) ?? metadataUid(value.responseObject) ?? metadataUid(value.requestObject);
  const target = compact<Target>({
    api_group: str(ref.apiGroup) ?? groupOfApiVersion(ref.apiVersion),
    resource: resource && subresource ? `${resource}/${subresource}` : resource,
    namespace: str(ref.namespace),
    name: str(ref.name) ?? (value.verb === 'create' && !subresource ? metadataName(value.responseObject) : undefined),
    uid: objectUid,
  });
  const authz = decision ? (compact({ decision, reason: str(annotations[REASON]) }) as Authz) : undefined;
  const text = podIdentity(user, username);
  const keys = compact({
    audit_id: value.auditID as string,
    object_uid: objectUid,
    owner_uids: ownerUids(value.responseObject) ?? ownerUids(value.requestObject),
  });
  const policies = policyDecisionEvents(annotations, { time_ns: timeNs, time_text: timeText, actor, target, keys });

  return {
    ok: true,
    events: [
      {
        time_ns: timeNs,
        time_text: timeText,
        kind: 'k8s_api',
        action: value.verb as string,
        actor,
        target,
        outcome: outcomeOf(stage, code, decision),
        authz,
        keys,
        stage: stageTime ? { name: stage, time: stageTime } : { name: stage },
        ...(text ? { text } : {}),
      },
      ...policies,
    ],
  };
}

const VALIDATION_FAILURE = 'validation.policy.admission.k8s.io/validation_failure';

/**
 * One `policy_decision` event per admission policy that found the request invalid (from the audit
 * annotations, or GKE's labels), beside the API call: its actions say whether that stopped it.
 */
export function policyDecisionEvents(
  annotations: Record<string, unknown>,
  call: { time_ns: bigint; time_text: string; actor?: Actor; target?: Target; keys?: NonNullable<NormalizedEvent['keys']> },
): NormalizedEvent[] {
  return admissionPolicyFailures(annotations).map((failure) => ({
    time_ns: call.time_ns,
    time_text: call.time_text,
    kind: 'policy_decision' as const,
    action: `validate ${failure.policy}`,
    ...(call.actor ? { actor: call.actor } : {}),
    ...(call.target ? { target: call.target } : {}),
    // The policy found the request invalid; whether that stopped it is what its actions say.
    outcome: 'failure' as const,
    authz: { decision: failure.enforced ? 'deny' : `not enforced (${failure.actions.join(', ') || 'no action'})`, reason: failure.reason },
    ...(call.keys ? { keys: call.keys } : {}),
    text: failure.reason,
  }));
}

/**
 * A ValidatingAdmissionPolicy that found the request invalid writes its verdict in this annotation (a
 * JSON array of {message, policy, binding, expressionIndex, validationActions}). With `Deny` among the
 * actions the request was refused; with only `Audit` or `Warn` it went through: a guardrail that saw the
 * problem and let it pass.
 */
export function admissionPolicyFailures(
  annotations: Record<string, unknown>,
): { policy: string; binding?: string; reason: string; enforced: boolean; actions: string[] }[] {
  const text = str(annotations[VALIDATION_FAILURE]);
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [{ policy: 'admission policy', reason: text, enforced: false, actions: [] }];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(isObject).map((failure) => {
    const actions = Array.isArray(failure.validationActions)
      ? failure.validationActions.filter((a): a is string => typeof a === 'string')
      : [];
    const binding = str(failure.binding);
    return {
      policy: str(failure.policy) ?? 'admission policy',
      ...(binding ? { binding } : {}),
      reason: `${str(failure.message) ?? 'validation failed'}${binding ? ` (binding ${binding}, actions: ${actions.join(', ') || 'none'})` : ''}`,
      enforced: actions.includes('Deny'),
      actions,
    };
  });
}

export const isAuditEvent = (value: unknown): boolean => isObject(value) && value.kind === 'Event' && typeof value.auditID === 'string';

export const k8sAudit: RecordFormat = {
  name: 'k8s-audit',
  title: 'Kubernetes audit event',
  recognizes: isAuditEvent,
  // An audit.k8s.io EventList (what the API's webhook backend posts, and what some tools save) or a bare
  // JSON array of audit events.
  documentRecords(probe) {
    if (probe.root === 'array') return isAuditEvent(probe.first.get('')) ? [['*']] : undefined;
    const kind = probe.top.get('kind');
    const apiVersion = probe.top.get('apiVersion');
    const listed = kind === 'EventList' && typeof apiVersion === 'string' && apiVersion.startsWith('audit.k8s.io/');
    return listed || isAuditEvent(probe.first.get('items')) ? [['items', '*']] : undefined;
  },
  normalize: normalizeAuditEvent,
};
