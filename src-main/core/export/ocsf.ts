// Case events as OCSF (Open Cybersecurity Schema Framework 1.3.0) JSON lines for a SIEM: every API call
// becomes one API Activity record (class 6003, category 6 Application Activity). A Kubernetes API call is
// one record per call (its latest audit stage), carrying the authorizer's decision and every admission
// policy's verdict in actor.authorizations and, through the security_control profile, as action_id and
// disposition_id. MCP tool calls are in ocsf-mcp.ts. What has no honest class is skipped (docs/report.md).
import type { EventJson, Target } from '../../shared/model';
import { auditEventInside } from '../ingest/audit-wrapper';
import { admissionPolicyFailures } from '../ingest/k8s-audit';
import { NODE_PREFIX } from '../ingest/openshift-node-logs';

export const OCSF_VERSION = '1.3.0';

export type OcsfRecord = Record<string, unknown>;

const API_ACTIVITY = 6003;
const APPLICATION_ACTIVITY = 6;

/** OCSF API Activity activity_id: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other, 0 Unknown. */
export function activityOf(verb: string | undefined): { id: number; name: string } {
  switch (verb) {
    case 'create':
      return { id: 1, name: 'Create' };
    case 'get':
    case 'list':
    case 'watch':
      return { id: 2, name: 'Read' };
    case 'update':
    case 'patch':
      return { id: 3, name: 'Update' };
    case 'delete':
    case 'deletecollection':
      return { id: 4, name: 'Delete' };
    case undefined:
      return { id: 0, name: 'Unknown' };
    default:
      // 99 Other: the schema asks for the source's own word in activity_name.
      return { id: 99, name: verb };
  }
}

export function statusOf(outcome: EventJson['outcome']): { status_id: number; status: string } {
  if (outcome === 'success') return { status_id: 1, status: 'Success' };
  if (outcome === 'unknown') return { status_id: 0, status: 'Unknown' };
  return { status_id: 2, status: 'Failure' };
}

/** The fields every API Activity record shares, from the event and its activity. */
export function envelope(event: EventJson, activity: { id: number; name: string }, severity: { id: number; name: string }): OcsfRecord {
  const ms = event.time ? Date.parse(event.time) : NaN;
  return {
    category_uid: APPLICATION_ACTIVITY,
    category_name: 'Application Activity',
    class_uid: API_ACTIVITY,
    class_name: 'API Activity',
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: API_ACTIVITY * 100 + activity.id,
    type_name: `API Activity: ${activity.id === 99 ? 'Other' : activity.name}`,
    severity_id: severity.id,
    severity: severity.name,
    time: Number.isNaN(ms) ? 0 : ms,
    ...(event.time ? { time_dt: event.time } : {}),
    ...statusOf(event.outcome),
  };
}

/**
 * The record's metadata. `time_dt` is the Date/Time profile's, so every record names `datetime` among its
 * profiles; a record with an authorization decision adds `security_control` (action_id, disposition_id).
 */
export function metadataOf(
  event: EventJson,
  product: { version: string },
  feature: string,
  extra: OcsfRecord,
  profiles: string[] = [],
): OcsfRecord {
  return {
    version: OCSF_VERSION,
    profiles: [...(event.time ? ['datetime'] : []), ...profiles],
    product: { name: 'Causa', vendor_name: 'Causa', version: product.version, feature: { name: feature } },
    ...(event.time ? { original_time: event.time } : {}),
    log_name: event.source,
    ...extra,
  };
}

/** The object acted on, as OCSF resource_details: `type` is apiGroup/resource, as the audit log names it. */
export function resourcesOf(target: Target | undefined): OcsfRecord[] | undefined {
  if (!target) return undefined;
  const type = [target.api_group, target.resource].filter(Boolean).join('/') || undefined;
  const resource = {
    ...(target.name ? { name: target.name } : {}),
    ...(target.uid ? { uid: target.uid } : {}),
    ...(type ? { type } : {}),
    ...(target.namespace ? { namespace: target.namespace } : {}),
  };
  return Object.keys(resource).length > 0 ? [resource] : undefined;
}

/** What OCSF has no field for: where the record is in the case, its evidence verdict, on whose behalf. */
export function causaOf(event: EventJson, extra: OcsfRecord = {}): OcsfRecord {
  return {
    causa: {
      event_id: event.id,
      source: event.source,
      position: event.position,
      raw_sha256: event.raw_sha256,
      verdict: event.verdict,
      ...(event.actor?.on_behalf_of ? { on_behalf_of: event.actor.on_behalf_of } : {}),
      ...extra,
    },
  };
}

interface AuditFields {
  userAgent?: string;
  sourceIPs?: string[];
  requestURI?: string;
  responseStatus?: { code?: number; reason?: string; message?: string };
  user?: { uid?: string; groups?: string[] };
  annotations?: Record<string, unknown>;
}

/** The raw audit fields of a record: the event itself, or the one inside a provider's wrapper. */
function parseRaw(raw: Buffer, wrapper?: string): AuditFields {
  try {
    const text = raw.toString('utf8');
    const value = JSON.parse(wrapper === 'openshift-node-logs' ? text.replace(NODE_PREFIX, '') : text) as unknown;
    if (wrapper && wrapper !== 'openshift-node-logs') return (auditEventInside(wrapper, value) ?? {}) as AuditFields;
    return typeof value === 'object' && value !== null ? (value as AuditFields) : {};
  } catch {
    return {};
  }
}

function userType(type: string | undefined): { type_id: number; type: string } {
  if (type === 'human') return { type_id: 1, type: 'User' };
  if (type === 'service_account' || type === 'system') return { type_id: 3, type: 'System' };
  return { type_id: 99, type: 'Other' };
}

/** Kubernetes' words for the authorizer's decision in OCSF's (`authorization.decision`: "allowed, denied"). */
const DECISIONS: Record<string, string> = { allow: 'allowed', forbid: 'denied' };

interface Authorizations {
  list: OcsfRecord[];
  /** security_control: action_id 1 Allowed, 2 Denied; disposition_id 1 Allowed, 2 Blocked, 15 Detected. */
  control?: { action_id: number; action: string; disposition_id: number; disposition: string };
  /** An admission policy found the call invalid and let it through (Audit or Warn only). */
  notEnforced: boolean;
}

/**
 * The authorizer's decision (authorization.k8s.io/decision and /reason) and each ValidatingAdmissionPolicy
 * verdict of the same audit record. RBAC writes no reason when it forbids; the API server's refusal then
 * says why, so it stands in as the reason. The authorizer's name is the reason's prefix ("RBAC: …").
 */
function authorizationsOf(event: EventJson, audit: AuditFields): Authorizations {
  const list: OcsfRecord[] = [];
  const decision = event.authz?.decision;
  const denied = decision === 'forbid';
  if (decision) {
    const reason = event.authz?.reason || (denied ? audit.responseStatus?.message : undefined);
    const authorizer = /^([A-Za-z][\w-]*):\s/.exec(event.authz?.reason ?? '')?.[1];
    const policy = { ...(authorizer ? { name: authorizer } : {}), ...(reason ? { desc: reason } : {}) };
    list.push({ decision: DECISIONS[decision] ?? decision, ...(Object.keys(policy).length > 0 ? { policy } : {}) });
  }
  const failures = admissionPolicyFailures(audit.annotations ?? {});
  for (const failure of failures) {
    list.push({
      decision: failure.enforced ? 'denied' : `not enforced (${failure.actions.join(', ') || 'no action'})`,
      policy: { name: failure.policy, desc: failure.reason },
    });
  }
  const blocked = denied || failures.some((f) => f.enforced);
  const notEnforced = !blocked && failures.length > 0;
  if (list.length === 0) return { list, notEnforced };
  const control = blocked
    ? { action_id: 2, action: 'Denied', disposition_id: 2, disposition: 'Blocked' }
    : notEnforced
      ? { action_id: 1, action: 'Allowed', disposition_id: 15, disposition: 'Detected' }
      : decision === 'allow'
        ? { action_id: 1, action: 'Allowed', disposition_id: 1, disposition: 'Allowed' }
        : undefined;
  return { list, notEnforced, ...(control ? { control } : {}) };
}

function severityOf(outcome: EventJson['outcome'], authorizations: Authorizations): { id: number; name: string } {
  if (outcome === 'denied') return { id: 3, name: 'Medium' };
  if (authorizations.notEnforced) return { id: 2, name: 'Low' };
  return { id: 1, name: 'Informational' };
}

/** One audited Kubernetes API call (its latest stage) as API Activity. */
export function kubernetesApiActivity(event: EventJson, raw: Buffer, product: { version: string }): OcsfRecord {
  const audit = parseRaw(raw, event.wrapper);
  const authorizations = authorizationsOf(event, audit);
  const response = audit.responseStatus ?? {};
  const failed = event.outcome !== 'success' && event.outcome !== 'unknown';
  const [client, ...proxies] = audit.sourceIPs ?? [];
  const resources = resourcesOf(event.target);
  return {
    ...envelope(event, activityOf(event.action), severityOf(event.outcome, authorizations)),
    ...(response.code !== undefined ? { status_code: String(response.code) } : {}),
    ...(response.reason || response.message ? { status_detail: response.reason ?? response.message } : {}),
    ...(authorizations.control ?? {}),
    metadata: metadataOf(
      event,
      product,
      'kubernetes-audit',
      event.keys?.audit_id ? { uid: event.keys.audit_id, correlation_uid: event.keys.audit_id } : {},
      authorizations.control ? ['security_control'] : [],
    ),
    actor: {
      user: {
        name: event.actor?.id,
        ...(audit.user?.uid ? { uid: audit.user.uid } : {}),
        ...userType(event.actor?.type),
        ...(audit.user?.groups ? { groups: audit.user.groups.map((name) => ({ name })) } : {}),
      },
      ...(authorizations.list.length > 0 ? { authorizations: authorizations.list } : {}),
    },
    api: {
      operation: event.action ?? 'unknown',
      service: { name: 'kube-apiserver' },
      ...(event.keys?.audit_id ? { request: { uid: event.keys.audit_id } } : {}),
      ...(response.code !== undefined || failed
        ? {
            response: {
              ...(response.code !== undefined ? { code: response.code } : {}),
              ...(failed && response.reason ? { error: response.reason } : {}),
              ...(failed && response.message ? { error_message: response.message } : {}),
            },
          }
        : {}),
    },
    ...(resources ? { resources } : {}),
    // sourceIPs and userAgent are the client's word (docs/design.md): hints, not proof; the first IP is the client's.
    ...(client ? { src_endpoint: { ip: client, ...(proxies.length > 0 ? { intermediate_ips: proxies } : {}) } } : {}),
    dst_endpoint: { svc_name: 'kube-apiserver' },
    ...(audit.userAgent || audit.requestURI
      ? {
          http_request: {
            ...(audit.userAgent ? { user_agent: audit.userAgent } : {}),
            ...(audit.requestURI ? { url: { path: audit.requestURI } } : {}),
          },
        }
      : {}),
    ...(response.code !== undefined ? { http_response: { code: response.code } } : {}),
    unmapped: causaOf(event),
    raw_data: raw.toString('utf8'),
  };
}
