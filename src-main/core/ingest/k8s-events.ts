// Kubernetes Events: core/v1 Event and events.k8s.io/v1 Event, as `kubectl get events -o json` lists
// them (a List or EventList, or a bare `{"items":[…]}` as the OpenShift insights archive keeps them), as
// one Event document, or one a line as a watch writes them (`{"type":"ADDED","object":{…}}` with
// `--output-watch-events`). An audit event is also `kind: Event`, but carries an auditID: that is never one
// of these, and k8s-audit comes first in FORMATS.
//
// Time is the latest observation (series.lastObservedTime, lastTimestamp, eventTime, firstTimestamp,
// metadata.creationTimestamp, first present wins): the API server updates one Event in place as it recurs,
// so the record says "this was still happening at T"; the first occurrence and the count stay in the text.
import type { NormalizedEvent, Outcome, Target } from '../../shared/model';
import { parseRfc3339Nanos } from '../../shared/time';
import { compact, isObject, str, type Normalized, type RecordFormat } from './format';
import { resourceOfKind } from './k8s-kinds';
import type { DocumentProbe } from './probe';

type Obj = Record<string, unknown>;

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

function isEventsApi(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && apiVersion.startsWith('events.k8s.io/');
}

/** Whether a value is a Kubernetes Event (not an audit event), with or without `kind`. */
export function isK8sEvent(value: unknown): boolean {
  if (!isObject(value) || 'auditID' in value) return false;
  if (value.kind !== undefined) {
    if (value.kind !== 'Event') return false;
    return value.apiVersion === undefined || value.apiVersion === 'v1' || isEventsApi(value.apiVersion);
  }
  // Without kind (cut-down archives): an Event's reason and type, and where or when it happened.
  return (
    typeof value.reason === 'string' &&
    (value.type === 'Normal' || value.type === 'Warning') &&
    ['involvedObject', 'regarding', 'lastTimestamp', 'firstTimestamp', 'eventTime'].some((key) => key in value)
  );
}

/** A watch line (`{"type":"ADDED","object":{…}}`): its type and object, else undefined. */
export function watchEnvelope(value: unknown): { type: string; object: unknown } | undefined {
  if (!isObject(value) || typeof value.type !== 'string' || !WATCH_TYPES.has(value.type) || !isObject(value.object)) return;
  const keys = Object.keys(value);
  return keys.length === 2 ? { type: value.type, object: value.object } : undefined;
}

const TIME_FIELDS: readonly { name: string; get: (event: Obj) => unknown }[] = [
  { name: 'series.lastObservedTime', get: (e) => (isObject(e.series) ? e.series.lastObservedTime : undefined) },
  { name: 'lastTimestamp', get: (e) => e.lastTimestamp },
  { name: 'deprecatedLastTimestamp', get: (e) => e.deprecatedLastTimestamp },
  { name: 'eventTime', get: (e) => e.eventTime },
  { name: 'firstTimestamp', get: (e) => e.firstTimestamp },
  { name: 'deprecatedFirstTimestamp', get: (e) => e.deprecatedFirstTimestamp },
  { name: 'metadata.creationTimestamp', get: (e) => (isObject(e.metadata) ? e.metadata.creationTimestamp : undefined) },
];

function eventTime(event: Obj): { ok: true; ns: bigint | null; text?: string } | { ok: false; reason: string } {
  for (const field of TIME_FIELDS) {
    const text = str(field.get(event));
    if (text === undefined) continue;
    const ns = parseRfc3339Nanos(text);
    if (ns === null) return { ok: false, reason: `Kubernetes Event: ${field.name} ${JSON.stringify(text)} is not an RFC 3339 time` };
    return { ok: true, ns, text };
  }
  return { ok: true, ns: null };
}

function countOf(event: Obj): number | undefined {
  const count = isObject(event.series) ? event.series.count : (event.count ?? event.deprecatedCount);
  return typeof count === 'number' && Number.isFinite(count) ? count : undefined;
}

function outcomeOf(type: unknown): Outcome {
  if (type === 'Warning') return 'failure';
  if (type === 'Normal') return 'success';
  return 'unknown';
}

function reporterOf(event: Obj): string | undefined {
  const source = isObject(event.source) ? event.source : isObject(event.deprecatedSource) ? event.deprecatedSource : {};
  return isEventsApi(event.apiVersion)
    ? (str(event.reportingController) ?? str(source.component))
    : (str(source.component) ?? str(event.reportingComponent) ?? str(event.reportingController));
}

function targetOf(event: Obj): Target | undefined {
  const object = isObject(event.regarding) ? event.regarding : isObject(event.involvedObject) ? event.involvedObject : {};
  const kind = str(object.kind);
  const metadata = isObject(event.metadata) ? event.metadata : {};
  return compact<Target>({
    ...(kind ? resourceOfKind(kind, str(object.apiVersion)) : {}),
    namespace: str(object.namespace) ?? str(metadata.namespace) ?? str(event.namespace),
    name: str(object.name),
    uid: str(object.uid),
  });
}

/**
 * The message, with how often it recurred and since when: "Back-off restarting failed container (×12
 * since 2025-04-03T14:32:10Z)". The count is the Event's own; the time shown as the event's is the latest.
 */
function textOf(event: Obj, shownTime: string | undefined): string | undefined {
  const message = str(event.note) ?? str(event.message);
  const count = countOf(event);
  if (count === undefined || count <= 1) return message;
  const first = str(event.firstTimestamp) ?? str(event.deprecatedFirstTimestamp) ?? str(event.eventTime);
  const since = first && first !== shownTime ? ` since ${first}` : '';
  return `${message ?? ''} (×${count}${since})`.trimStart();
}

/** Normalizes one Event (not a watch line). */
export function normalizeK8sEvent(value: unknown): Normalized {
  if (!isObject(value)) return { ok: false, reason: 'not a Kubernetes Event: not a JSON object' };
  if ('auditID' in value) return { ok: false, reason: 'a Kubernetes audit event (it has auditID), not a Kubernetes Event' };
  if (!isK8sEvent(value)) {
    const what = value.kind === undefined ? 'no kind, and no reason and type' : `kind is ${JSON.stringify(value.kind)}`;
    const version = value.kind === 'Event' ? ` with apiVersion ${JSON.stringify(value.apiVersion)}` : '';
    return { ok: false, reason: `not a Kubernetes Event: ${what}${version}` };
  }
  const reason = str(value.reason);
  if (!reason) return { ok: false, reason: 'Kubernetes Event without a reason' };
  const time = eventTime(value);
  if (!time.ok) return time;
  const reporter = reporterOf(value);
  const target = targetOf(value);
  const event: NormalizedEvent = {
    time_ns: time.ns,
    ...(time.text ? { time_text: time.text } : {}),
    kind: 'workload_event',
    action: reason,
    ...(reporter ? { actor: { type: 'system', id: reporter } } : {}),
    ...(target ? { target } : {}),
    outcome: outcomeOf(value.type),
  };
  const keys = compact({ object_uid: target?.uid });
  if (keys) event.keys = keys;
  const text = textOf(value, time.text);
  if (text) event.text = text;
  return { ok: true, events: [event] };
}

function normalize(value: unknown): Normalized {
  const watch = watchEnvelope(value);
  if (!watch) return normalizeK8sEvent(value);
  if (watch.type === 'ERROR') {
    const message = isObject(watch.object) ? str(watch.object.message) : undefined;
    return { ok: false, reason: `watch ERROR line, no event${message ? `: ${message}` : ''}` };
  }
  if (watch.type === 'BOOKMARK') return { ok: false, reason: 'watch BOOKMARK line: a resume point, no event' };
  return normalizeK8sEvent(watch.object);
}

function recognizes(value: unknown): boolean {
  const watch = watchEnvelope(value);
  return isK8sEvent(watch ? watch.object : value);
}

function documentRecords(probe: DocumentProbe): readonly (readonly string[])[] | undefined {
  if (probe.root === 'array') return isK8sEvent(probe.first.get('')) ? [['*']] : undefined;
  const kind = probe.top.get('kind');
  if (kind === 'Event' && !probe.keys.includes('auditID') && (probe.keys.includes('involvedObject') || probe.keys.includes('regarding'))) {
    return [[]];
  }
  const apiVersion = probe.top.get('apiVersion');
  const eventList = kind === 'EventList' && (apiVersion === 'v1' || isEventsApi(apiVersion));
  return eventList || isK8sEvent(probe.first.get('items')) ? [['items', '*']] : undefined;
}

export const k8sEvents: RecordFormat = {
  name: 'k8s-events',
  title: 'Kubernetes Event',
  recognizes,
  documentRecords,
  normalize,
};
