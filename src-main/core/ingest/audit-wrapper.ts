// What the cloud providers' audit wrappers share: the Kubernetes audit event travels as JSON text inside
// a field of the provider's record. The record stays the evidence (its bytes are what is kept and sealed);
// the event inside it is read with the ordinary audit normalizer.
import { isAuditEvent, normalizeAuditEvent } from './k8s-audit';
import { isObject, type Normalized } from './format';

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
 * The audit event a wrapper record holds, as an object (for exports that read its raw fields: source IPs,
 * user agent, response status). GKE keeps no audit event: its AuditLog's equivalents are lifted into the
 * same shape. Undefined when the record holds none.
 */
export function auditEventInside(wrapper: string, record: unknown): Record<string, unknown> | undefined {
  if (!isObject(record)) return undefined;
  if (wrapper === 'gke-cloud-logging') {
    const payload = isObject(record.protoPayload) ? record.protoPayload : {};
    const request = isObject(payload.requestMetadata) ? payload.requestMetadata : {};
    const status = isObject(payload.status) ? payload.status : {};
    const response = isObject(payload.response) && typeof payload.response.code === 'number' ? payload.response : undefined;
    return {
      ...(typeof request.callerIp === 'string' ? { sourceIPs: [request.callerIp] } : {}),
      ...(typeof request.callerSuppliedUserAgent === 'string' ? { userAgent: request.callerSuppliedUserAgent } : {}),
      ...(response ? { responseStatus: { code: response.code, reason: response.reason, message: response.message } } : typeof status.message === 'string' ? { responseStatus: { message: status.message } } : {}),
      ...(isObject(record.labels) ? { annotations: record.labels } : {}),
    };
  }
  let text: unknown;
  if (wrapper === 'eks-cloudwatch') text = '@message' in record ? record['@message'] : record.message;
  else if (wrapper === 'aks-diagnostics') text = isObject(record.properties) ? record.properties.log : record.log_s;
  if (typeof text !== 'string') return undefined;
  const parsed = parseText(text);
  return 'value' in parsed && isObject(parsed.value) ? parsed.value : undefined;
}
