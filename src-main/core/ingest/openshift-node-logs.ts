// OpenShift API server audit logs fetched from every control-plane node at once:
// `oc adm node-logs --role=master --path=kube-apiserver/audit.log` (or openshift-apiserver/,
// oauth-apiserver/) prints each line of each node's audit.log after the node's name and a space. The line
// is kept whole (node name included); the audit event after the name is read by the audit normalizer.
// Fetched from one node (`oc adm node-logs <node> --path=…`) the lines carry no prefix and are k8s-audit.
import type { RecordFormat } from './format';
import { isAuditEvent, normalizeAuditEvent } from './k8s-audit';

/** A node name (a DNS name: no spaces, no braces) and one space. */
export const NODE_PREFIX = /^[A-Za-z0-9][A-Za-z0-9.-]* (?=\{)/;

/** Whether the first non-empty lines of a head are node-prefixed audit events (detection by content). */
export function holdsNodePrefixedAudit(head: Buffer): boolean {
  const lines = head
    .subarray(0, 1 << 16)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const first = lines[0];
  const prefix = first ? NODE_PREFIX.exec(first) : null;
  if (!first || !prefix) return false;
  try {
    return isAuditEvent(JSON.parse(first.slice(prefix[0].length)));
  } catch {
    return false;
  }
}

export const openshiftNodeLogs: RecordFormat = {
  name: 'openshift-node-logs',
  title: 'OpenShift audit log from oc adm node-logs --role (node name before each event)',
  linePrefix: NODE_PREFIX,
  // A prefixed line is not a JSON value, so line-by-line recognition never sees one: detectFormat asks
  // holdsNodePrefixedAudit instead.
  recognizes: () => false,
  normalize: normalizeAuditEvent,
};
