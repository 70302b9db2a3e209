// Case events as OCSF (Open Cybersecurity Schema Framework 1.3) JSON lines for a SIEM. Kubernetes API
// calls map to API Activity (class 6003, category 6 Application Activity), with the authorization
// decision as actor.authorizations and the raw audit record in raw_data. Other kinds have no OCSF class
// that would not misstate them (a prompt is not an API call, a kubelet Event not a finding), so they are
// skipped and counted; docs/report.md says so.
import type { EventJson } from '../../shared/model';

export const OCSF_VERSION = '1.3.0';
export const OCSF_KINDS = ['k8s_api'] as const;

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
      return { id: 99, name: 'Other' };
  }
}

function statusOf(outcome: EventJson['outcome']): { status_id: number; status: string } {
  if (outcome === 'success') return { status_id: 1, status: 'Success' };
  if (outcome === 'unknown') return { status_id: 0, status: 'Unknown' };
  return { status_id: 2, status: 'Failure' };
}

interface AuditFields {
  userAgent?: string;
  sourceIPs?: string[];
  requestURI?: string;
  responseStatus?: { code?: number; reason?: string; message?: string };
  user?: { uid?: string; groups?: string[] };
}

function parseRaw(raw: Buffer): AuditFields {
  try {
    const value = JSON.parse(raw.toString('utf8')) as unknown;
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

/** One event as an OCSF record, or undefined for a kind that has no OCSF mapping here. */
export function toOcsf(event: EventJson, raw: Buffer, product: { version: string }): Record<string, unknown> | undefined {
  if (event.kind !== 'k8s_api') return undefined;
  const audit = parseRaw(raw);
  const activity = activityOf(event.action);
  const status = statusOf(event.outcome);
  const ms = event.time ? Date.parse(event.time) : NaN;
  const t = event.target ?? {};
  const resourceType = [t.api_group, t.resource].filter(Boolean).join('/') || undefined;
  const record: Record<string, unknown> = {
    category_uid: APPLICATION_ACTIVITY,
    category_name: 'Application Activity',
    class_uid: API_ACTIVITY,
    class_name: 'API Activity',
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: API_ACTIVITY * 100 + activity.id,
    type_name: `API Activity: ${activity.name}`,
    severity_id: event.outcome === 'denied' ? 3 : 1,
    severity: event.outcome === 'denied' ? 'Medium' : 'Informational',
    time: Number.isNaN(ms) ? 0 : ms,
    ...(event.time ? { time_dt: event.time } : {}),
    ...status,
    ...(audit.responseStatus?.code !== undefined ? { status_code: String(audit.responseStatus.code) } : {}),
    ...(audit.responseStatus?.reason || audit.responseStatus?.message ? { status_detail: audit.responseStatus.reason ?? audit.responseStatus.message } : {}),
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Causa', vendor_name: 'Causa', version: product.version, feature: { name: 'kubernetes-audit' } },
      ...(event.keys?.audit_id ? { uid: event.keys.audit_id, correlation_uid: event.keys.audit_id } : {}),
      original_time: event.time,
      log_name: event.source,
    },
    actor: {
      user: { name: event.actor?.id, ...(audit.user?.uid ? { uid: audit.user.uid } : {}), ...userType(event.actor?.type), ...(audit.user?.groups ? { groups: audit.user.groups.map((name) => ({ name })) } : {}) },
      ...(event.authz ? { authorizations: [{ decision: event.authz.decision, ...(event.authz.reason ? { policy: { desc: event.authz.reason } } : {}) }] } : {}),
    },
    api: {
      operation: event.action ?? 'unknown',
      service: { name: 'kube-apiserver' },
      ...(event.keys?.audit_id ? { request: { uid: event.keys.audit_id } } : {}),
      ...(audit.responseStatus?.code !== undefined ? { response: { code: audit.responseStatus.code } } : {}),
    },
    resources: [{ ...(t.name ? { name: t.name } : {}), ...(t.uid ? { uid: t.uid } : {}), ...(resourceType ? { type: resourceType } : {}), ...(t.namespace ? { namespace: t.namespace } : {}) }],
    ...(audit.sourceIPs?.[0] ? { src_endpoint: { ip: audit.sourceIPs[0] } } : {}),
    ...(audit.userAgent || audit.requestURI ? { http_request: { ...(audit.userAgent ? { user_agent: audit.userAgent } : {}), ...(audit.requestURI ? { url: { path: audit.requestURI } } : {}) } } : {}),
    // OCSF has no field for impersonation's "on whose behalf" nor for the evidence verdict; unmapped keeps them.
    unmapped: {
      causa: { event_id: event.id, source: event.source, position: event.position, raw_sha256: event.raw_sha256, verdict: event.verdict, on_behalf_of: event.actor?.on_behalf_of },
    },
    raw_data: raw.toString('utf8'),
  };
  return record;
}
