// Kubernetes resource listings: `kubectl get pods,rs,deploy,… -o json` (a `List` of mixed kinds), typed
// lists (`PodList`, `DeploymentList`, whose items may leave out kind and apiVersion), single objects, and
// objects one a line, plain or as watch lines (`{"type":"MODIFIED","object":{…}}`).
//
// Each object is a snapshot: kind `snapshot`, action `snapshot` (or the watch type, `added`, `modified`,
// `deleted`). Not `resource_change`: a listing says what existed when it was taken, not that anything
// changed then, and a watch's first ADDED lines are only the objects already there. The listing carries no
// capture time, so the time is the object's metadata.creationTimestamp ("this object existed from T"),
// which may lie long before the incident: a kind of its own lets the timeline and filters tell these
// states apart from what happened.
// Events inside a listing are read as Kubernetes Events (kind workload_event), as k8s-events reads them.
import type { NormalizedEvent, Target } from '../../shared/model';
import { parseRfc3339Nanos } from '../../shared/time';
import { compact, isObject, str, type Normalized, type RecordFormat, type RecordReader } from './format';
import { isK8sEvent, normalizeK8sEvent, watchEnvelope } from './k8s-events';
import { resourceOfKind } from './k8s-kinds';
import { describeObject } from './k8s-resource-text';
import type { DocumentProbe } from './probe';

type Obj = Record<string, unknown>;

/** Kind and apiVersion a typed list's items inherit (`PodList` → Pod) when they leave them out. */
interface ListDefaults {
  kind?: string;
  apiVersion?: string;
}

function isListKind(kind: unknown): kind is string {
  return typeof kind === 'string' && kind.endsWith('List');
}

/** Whether a value is a Kubernetes object (kind, apiVersion, metadata), not a list and not an audit event. */
export function isK8sObject(value: unknown): value is Obj {
  return (
    isObject(value) &&
    typeof value.kind === 'string' &&
    value.kind !== '' &&
    !isListKind(value.kind) &&
    typeof value.apiVersion === 'string' &&
    !value.apiVersion.startsWith('audit.k8s.io/') &&
    isObject(value.metadata) &&
    !('auditID' in value)
  );
}

function ownerUids(metadata: Obj): string[] | undefined {
  if (!Array.isArray(metadata.ownerReferences)) return undefined;
  const uids = metadata.ownerReferences
    .map((ref) => (isObject(ref) ? str(ref.uid) : undefined))
    .filter((uid): uid is string => uid !== undefined);
  return uids.length > 0 ? uids : undefined;
}

function normalizeObject(value: unknown, action: string, defaults: ListDefaults): Normalized {
  if (!isObject(value)) return { ok: false, reason: 'not a Kubernetes object: not a JSON object' };
  if ('auditID' in value) return { ok: false, reason: 'a Kubernetes audit event (it has auditID), not a Kubernetes object' };
  const kind = str(value.kind) ?? defaults.kind;
  const apiVersion = str(value.apiVersion) ?? defaults.apiVersion;
  if (kind === 'Event' || (kind === undefined && isK8sEvent(value))) return normalizeK8sEvent({ ...value, kind, apiVersion });
  if (!kind) return { ok: false, reason: 'not a Kubernetes object: "kind" is missing (and no typed list names it)' };
  if (isListKind(kind)) return { ok: false, reason: `a ${kind} inside a listing: lists are read item by item, not nested` };
  if (!isObject(value.metadata)) return { ok: false, reason: `${kind} without metadata: not a Kubernetes object` };
  const metadata = value.metadata;
  const created = str(metadata.creationTimestamp);
  const timeNs = created === undefined ? null : parseRfc3339Nanos(created);
  if (created !== undefined && timeNs === null) {
    return { ok: false, reason: `${kind}: metadata.creationTimestamp ${JSON.stringify(created)} is not an RFC 3339 time` };
  }
  const uid = str(metadata.uid);
  const target = compact<Target>({
    ...resourceOfKind(kind, apiVersion),
    namespace: str(metadata.namespace),
    name: str(metadata.name) ?? str(metadata.generateName),
    uid,
  });
  const event: NormalizedEvent = {
    time_ns: timeNs,
    ...(created ? { time_text: created } : {}),
    kind: 'snapshot',
    action,
    ...(target ? { target } : {}),
    outcome: 'unknown',
  };
  const keys = compact({ object_uid: uid, owner_uids: ownerUids(metadata) });
  if (keys) event.keys = keys;
  const text = describeObject(kind, value, metadata);
  if (text) event.text = text;
  return { ok: true, events: [event] };
}

function readRecord(value: unknown, defaults: ListDefaults): Normalized {
  const watch = watchEnvelope(value);
  if (!watch) return normalizeObject(value, 'snapshot', defaults);
  if (watch.type === 'ERROR') {
    const message = isObject(watch.object) ? str(watch.object.message) : undefined;
    return { ok: false, reason: `watch ERROR line, no object${message ? `: ${message}` : ''}` };
  }
  if (watch.type === 'BOOKMARK') return { ok: false, reason: 'watch BOOKMARK line: a resume point, no object' };
  return normalizeObject(watch.object, watch.type.toLowerCase(), defaults);
}

function defaultsOf(probe: DocumentProbe | undefined): ListDefaults {
  const kind = probe?.top.get('kind');
  const apiVersion = probe?.top.get('apiVersion');
  return {
    ...(isListKind(kind) && kind !== 'List' ? { kind: kind.slice(0, -4) } : {}),
    ...(typeof apiVersion === 'string' ? { apiVersion } : {}),
  };
}

function recognizes(value: unknown): boolean {
  const watch = watchEnvelope(value);
  return isK8sObject(watch ? watch.object : value);
}

function documentRecords(probe: DocumentProbe): readonly (readonly string[])[] | undefined {
  if (probe.root === 'array') return isK8sObject(probe.first.get('')) ? [['*']] : undefined;
  const kind = probe.top.get('kind');
  if (isListKind(kind) && probe.keys.includes('items')) return [['items', '*']];
  // kubectl writes `{"apiVersion":"v1","items":[…],"kind":"List"}`: kind may come after a long items array.
  if (kind === undefined && isK8sObject(probe.first.get('items'))) return [['items', '*']];
  if (typeof kind === 'string' && typeof probe.top.get('apiVersion') === 'string' && probe.keys.includes('metadata')) return [[]];
  return undefined;
}

export const k8sResources: RecordFormat = {
  name: 'k8s-resources',
  title: 'Kubernetes resource listing',
  recognizes,
  documentRecords,
  normalize: (value) => readRecord(value, {}),
  createReader(probe?: DocumentProbe): RecordReader {
    const defaults = defaultsOf(probe);
    return (value) => readRecord(value, defaults);
  },
};
