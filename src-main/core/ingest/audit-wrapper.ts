// What the cloud providers' audit wrappers share: the Kubernetes audit event travels as JSON text inside
// a field of the provider's record. The record stays the evidence (its bytes are what is kept and sealed);
// the event inside it is read with the ordinary audit normalizer.
import { gkeTarget } from './gke-cloud-logging';
import { isAuditEvent, normalizeAuditEvent } from './k8s-audit';
import { isObject, str, type Normalized } from './format';

function parseText(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Whether a wrapper field holds an audit event (used to detect a file's format from its first records). */
export function holdsAuditEvent(text: unknown): boolean {
  if (typeof text !== 'string' || !text.includes('auditID')) return false;
  const parsed = parseText(text);
  return 'value' in parsed && isAuditEvent(parsed.value);
}

/** A Logs Insights result row from get-query-results: a list of {field, value}. */
function insightsFields(value: unknown): Map<string, unknown> | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const fields = new Map<string, unknown>();
  for (const item of value) {
    if (!isObject(item) || typeof item.field !== 'string') return undefined;
    fields.set(item.field, item.value);
  }
  return fields;
}

/**
 * The field of a wrapper record that holds the audit event, and its text: EKS `message` (filter-log-events,
 * get-log-events) or `@message` (Logs Insights, a row or a get-query-results field list); AKS
 * `properties.log` (a resource log) or `log_s` (an AzureDiagnostics row). Undefined when there is none.
 */
export function wrappedEventText(wrapper: string, record: unknown): { field: string; text: unknown } | undefined {
  if (wrapper === 'eks-cloudwatch') {
    const fields = insightsFields(record);
    if (fields) return fields.has('@message') ? { field: '@message', text: fields.get('@message') } : undefined;
    if (!isObject(record)) return undefined;
    if ('@message' in record) return { field: '@message', text: record['@message'] };
    return { field: 'message', text: record.message };
  }
  if (wrapper === 'aks-diagnostics' && isObject(record)) {
    if (isObject(record.properties)) return { field: 'properties.log', text: record.properties.log };
    return { field: 'log_s', text: record.log_s };
  }
  return undefined;
}

/**
 * Normalizes the audit event held as text in `field` of a wrapper record. Every failure names the field,
 * so a report reads "message is not JSON (… cut off?)" rather than a bare parser message.
 */
export function normalizeWrappedEvent(text: unknown, field: string): Normalized {
  if (typeof text !== 'string') return { ok: false, reason: `${field} is missing or not a string` };
  const parsed = parseText(text);
  if ('error' in parsed) {
    const cut = text.trimEnd().endsWith('}') ? '' : ', cut off?';
    return { ok: false, reason: `${field} is not JSON (${parsed.error}${cut})` };
  }
  const normalized = normalizeAuditEvent(parsed.value);
  return normalized.ok ? normalized : { ok: false, reason: `${field}: ${normalized.reason}` };
}

/**
 * The audit event a wrapper record holds, as an object (for what reads its raw fields: the OCSF export's
 * source IPs, user agent and response status; the object identity table's objectRef and bodies). An
 * OpenShift node-logs record, read after its node's name, is the event. GKE keeps no audit event: its
 * AuditLog's equivalents are lifted into the same shape (methodName's verb, resourceName as the objectRef,
 * request and response as the bodies). Undefined when the record holds none.
 */
export function auditEventInside(wrapper: string, record: unknown): Record<string, unknown> | undefined {
  if (wrapper === 'openshift-node-logs') return isObject(record) ? record : undefined;
  if (wrapper === 'gke-cloud-logging') {
    if (!isObject(record)) return undefined;
    const payload = isObject(record.protoPayload) ? record.protoPayload : {};
    const request = isObject(payload.requestMetadata) ? payload.requestMetadata : {};
    const status = isObject(payload.status) ? payload.status : {};
    const response = isObject(payload.response) && typeof payload.response.code === 'number' ? payload.response : undefined;
    const methodName = str(payload.methodName);
    const target = methodName && payload.serviceName === 'k8s.io' ? gkeTarget(methodName, str(payload.resourceName)) : undefined;
    const [resource, subresource] = target?.resource?.split('/') ?? [];
    const objectRef = Object.fromEntries(
      Object.entries({ resource, subresource, apiGroup: target?.api_group, namespace: target?.namespace, name: target?.name }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    return {
      ...(methodName ? { verb: methodName.slice(methodName.lastIndexOf('.') + 1) } : {}),
      ...(resource ? { objectRef } : {}),
      ...(payload.request !== undefined ? { requestObject: payload.request } : {}),
      ...(payload.response !== undefined ? { responseObject: payload.response } : {}),
      ...(typeof request.callerIp === 'string' ? { sourceIPs: [request.callerIp] } : {}),
      ...(typeof request.callerSuppliedUserAgent === 'string' ? { userAgent: request.callerSuppliedUserAgent } : {}),
      ...(response
        ? { responseStatus: { code: response.code, reason: response.reason, message: response.message } }
        : typeof status.message === 'string'
          ? { responseStatus: { message: status.message } }
          : {}),
      ...(isObject(record.labels) ? { annotations: record.labels } : {}),
    };
  }
  const text = wrappedEventText(wrapper, record)?.text;
  if (typeof text !== 'string') return undefined;
  const parsed = parseText(text);
  return 'value' in parsed && isObject(parsed.value) ? parsed.value : undefined;
}
