// Amazon EKS control-plane audit logs as CloudWatch Logs hands them out. EKS writes each audit event as
// one log event of a `kube-apiserver-audit-<id>` stream in `/aws/eks/<cluster>/cluster`; the CLI and the
// console return it wrapped:
// - `aws logs filter-log-events` / `get-log-events`: {"events":[{logStreamName, timestamp, message,
//   ingestionTime, eventId}], …} (get-log-events leaves out logStreamName and eventId), or such events
//   one a line (`--query 'events[]'` piped through `jq -c '.[]'`);
// - Logs Insights: `aws logs get-query-results` {"results":[[{field, value}, …]]}, and the console's JSON
//   download, an array of {"@timestamp", "@message", …} rows.
// The record kept is the wrapper as received; its `message` / `@message` is the audit event.
import { holdsAuditEvent, normalizeWrappedEvent, wrappedEventText } from './audit-wrapper';
import { isObject, type Normalized, type RecordFormat } from './format';

function recognizes(value: unknown): boolean {
  const message = wrappedEventText('eks-cloudwatch', value);
  if (!message || message.text === undefined) return false;
  if (isObject(value) && typeof value.logStreamName === 'string' && value.logStreamName.startsWith('kube-apiserver-audit')) return true;
  return holdsAuditEvent(message.text);
}

function normalize(value: unknown): Normalized {
  const message = wrappedEventText('eks-cloudwatch', value);
  if (!message) {
    return {
      ok: false,
      reason: 'not a CloudWatch Logs event: no "message" (filter-log-events, get-log-events) or "@message" (Logs Insights)',
    };
  }
  return normalizeWrappedEvent(message.text, message.field);
}

export const eksCloudWatch: RecordFormat = {
  name: 'eks-cloudwatch',
  title: 'Amazon EKS audit log from CloudWatch Logs',
  recognizes,
  documentRecords(probe) {
    if (probe.root === 'array') return recognizes(probe.first.get('')) ? [['*']] : undefined;
    if (recognizes(probe.first.get('events'))) return [['events', '*']];
    if (recognizes(probe.first.get('results'))) return [['results', '*']];
    return undefined;
  },
  normalize,
};
