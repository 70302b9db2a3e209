// What the cloud providers' audit wrappers share: the Kubernetes audit event travels as JSON text inside
// a field of the provider's record. The record stays the evidence (its bytes are what is kept and sealed);
// the event inside it is read with the ordinary audit normalizer.
import { isAuditEvent, normalizeAuditEvent } from './k8s-audit';
import type { Normalized } from './format';

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
