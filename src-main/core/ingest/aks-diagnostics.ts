// Azure AKS control-plane audit logs as Azure Monitor resource logs (diagnostic settings, categories
// `kube-audit` and `kube-audit-admin`). Each record is {time, resourceId, category, operationName,
// properties: {log, stream, pod, containerID}} with the audit event as JSON text in `properties.log`.
// Delivered to a storage account (PT1H.json blobs, one record a line) or an Event Hub ({"records":[…]});
// a Log Analytics query over AzureDiagnostics exported as JSON gives rows with `Category` and `log_s`.
// The record kept is the Azure record as received; the event inside it is normalized.
import { holdsAuditEvent, normalizeWrappedEvent, wrappedEventText } from './audit-wrapper';
import { isObject, str, type Normalized, type RecordFormat } from './format';

const AUDIT_CATEGORIES = ['kube-audit', 'kube-audit-admin'];

function categoryOf(value: Record<string, unknown>): string | undefined {
  return str(value.category) ?? str(value.Category);
}

function recognizes(value: unknown): boolean {
  if (!isObject(value)) return false;
  const category = categoryOf(value);
  if (category === undefined || !AUDIT_CATEGORIES.includes(category.toLowerCase())) return false;
  const log = wrappedEventText('aks-diagnostics', value)!;
  return (
    typeof log.text === 'string' &&
    (typeof value.resourceId === 'string' || typeof value.ResourceId === 'string' || holdsAuditEvent(log.text))
  );
}

function normalize(value: unknown): Normalized {
  if (!isObject(value)) return { ok: false, reason: 'not an Azure resource log record: not a JSON object' };
  const category = categoryOf(value);
  if (category === undefined) return { ok: false, reason: 'not an Azure resource log record: no "category"' };
  if (!AUDIT_CATEGORIES.includes(category.toLowerCase())) {
    return { ok: false, reason: `category ${JSON.stringify(category)} is not an audit category (kube-audit, kube-audit-admin)` };
  }
  const log = wrappedEventText('aks-diagnostics', value)!;
  return normalizeWrappedEvent(log.text, log.field);
}

export const aksDiagnostics: RecordFormat = {
  name: 'aks-diagnostics',
  title: 'Azure AKS audit resource log',
  recognizes,
  documentRecords(probe) {
    if (probe.root === 'array') return recognizes(probe.first.get('')) ? [['*']] : undefined;
    return recognizes(probe.first.get('records')) ? [['records', '*']] : undefined;
  },
  normalize,
};
