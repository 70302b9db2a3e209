// Writes Kubernetes Events as a watch on both Event APIs would capture them: one JSON object a line, each
// line the object's state after a change. A repeated core/v1 Event is the same object (same name and uid)
// written again with `count` up and a later `lastTimestamp`, as the kubelet's event correlator does; a
// repeated events.k8s.io/v1 Event gains a `series`. Fields are in the order the API server serializes
// them, shaped after test/fixtures/corpus/k8s-events (selfLink aside: the API server stopped filling it in 1.20).
import { formatMicros, formatSeconds } from './clock';
import type { SeededRandom } from './random';

export interface InvolvedObject {
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  apiVersion: string;
  resourceVersion?: string;
  /** The container a kubelet event is about: `spec.containers{api-service}`. */
  fieldPath?: string;
}

export interface EventSpec {
  atUs: number;
  object: InvolvedObject;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  /** Who reports it: kubelet (with its node), a controller, the scheduler… */
  component: string;
  host?: string;
  /** Written through events.k8s.io/v1 (the scheduler does), with this action; otherwise core/v1. */
  eventsV1Action?: string;
}

interface Recorded {
  name: string;
  uid: string;
  firstUs: number;
  count: number;
}

/** Collects Events in any order and writes them in time order, numbering resourceVersions as the store would. */
export class EventRecorder {
  private readonly specs: EventSpec[] = [];

  constructor(
    private readonly random: SeededRandom,
    private firstResourceVersion: number,
  ) {}

  record(spec: EventSpec): void {
    this.specs.push(spec);
  }

  /** The lines, oldest first (a stable sort keeps same-instant events in the order they were recorded). */
  lines(): string[] {
    const ordered = this.specs.map((spec, i) => ({ spec, i })).sort((a, b) => a.spec.atUs - b.spec.atUs || a.i - b.i);
    const seen = new Map<string, Recorded>();
    let resourceVersion = this.firstResourceVersion;
    return ordered.map(({ spec }) => {
      const key = [spec.object.uid, spec.object.fieldPath, spec.reason, spec.message, spec.component, spec.eventsV1Action].join('\u0000');
      let recorded = seen.get(key);
      if (recorded) recorded.count += 1;
      else {
        // The name is the object's name and the first occurrence's UnixNano in hex, as client-go makes it.
        const name = `${spec.object.name}.${(BigInt(spec.atUs) * 1000n).toString(16)}`;
        recorded = { name, uid: this.random.uuid(), firstUs: spec.atUs, count: 1 };
        seen.set(key, recorded);
      }
      resourceVersion += this.random.int(3, 40);
      const event = spec.eventsV1Action !== undefined ? eventsV1(spec, recorded, resourceVersion) : coreV1(spec, recorded, resourceVersion);
      return JSON.stringify(event);
    });
  }
}

function metadata(spec: EventSpec, recorded: Recorded, resourceVersion: number) {
  return {
    name: recorded.name,
    namespace: spec.object.namespace ?? 'default',
    uid: recorded.uid,
    resourceVersion: String(resourceVersion),
    creationTimestamp: formatSeconds(recorded.firstUs),
  };
}

function involved(object: InvolvedObject) {
  return {
    kind: object.kind,
    ...(object.namespace !== undefined ? { namespace: object.namespace } : {}),
    name: object.name,
    uid: object.uid,
    apiVersion: object.apiVersion,
    ...(object.resourceVersion !== undefined ? { resourceVersion: object.resourceVersion } : {}),
    ...(object.fieldPath !== undefined ? { fieldPath: object.fieldPath } : {}),
  };
}

function coreV1(spec: EventSpec, recorded: Recorded, resourceVersion: number) {
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: metadata(spec, recorded, resourceVersion),
    involvedObject: involved(spec.object),
    reason: spec.reason,
    message: spec.message,
    source: { component: spec.component, ...(spec.host !== undefined ? { host: spec.host } : {}) },
    firstTimestamp: formatSeconds(recorded.firstUs),
    lastTimestamp: formatSeconds(spec.atUs),
    count: recorded.count,
    type: spec.type,
    eventTime: null,
    reportingComponent: spec.component,
    reportingInstance: spec.host ?? '',
  };
}

function eventsV1(spec: EventSpec, recorded: Recorded, resourceVersion: number) {
  return {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: metadata(spec, recorded, resourceVersion),
    eventTime: formatMicros(recorded.firstUs),
    // A series is only there once the event has happened more than once.
    ...(recorded.count > 1 ? { series: { count: recorded.count, lastObservedTime: formatMicros(spec.atUs) } } : {}),
    reportingController: spec.component,
    reportingInstance: spec.host ?? spec.component,
    action: spec.eventsV1Action,
    reason: spec.reason,
    regarding: involved(spec.object),
    note: spec.message,
    type: spec.type,
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  };
}

export interface PodRef {
  name: string;
  namespace: string;
  uid: string;
  node: string;
  container: string;
  /** The pod's resourceVersion when the kubelet reported on it. */
  resourceVersion?: string;
}

export const podObject = (pod: PodRef, resourceVersion?: string, withContainer = false): InvolvedObject => ({
  kind: 'Pod',
  namespace: pod.namespace,
  name: pod.name,
  uid: pod.uid,
  apiVersion: 'v1',
  ...((resourceVersion ?? pod.resourceVersion) !== undefined ? { resourceVersion: resourceVersion ?? pod.resourceVersion } : {}),
  ...(withContainer ? { fieldPath: `spec.containers{${pod.container}}` } : {}),
});

/**
 * What a pod's start leaves: the scheduler's Scheduled (events.k8s.io/v1), then the kubelet's pull, create
 * and start, the container starting at `startedUs`.
 */
export function recordPodStart(
  recorder: EventRecorder,
  pod: PodRef,
  scheduledUs: number,
  startedUs: number,
  image: string,
  options: { pull: boolean; schedulerHost: string },
): void {
  recorder.record({
    atUs: scheduledUs,
    object: podObject(pod),
    reason: 'Scheduled',
    message: `Successfully assigned ${pod.namespace}/${pod.name} to ${pod.node}`,
    type: 'Normal',
    component: 'default-scheduler',
    host: options.schedulerHost,
    eventsV1Action: 'Binding',
  });
  recordContainerStart(recorder, pod, scheduledUs + 380_000, startedUs, image, options.pull);
}

/** The kubelet's Pulling/Pulled, Created, Started of one container start (a restart pulls nothing). */
export function recordContainerStart(
  recorder: EventRecorder,
  pod: PodRef,
  fromUs: number,
  startedUs: number,
  image: string,
  pull: boolean,
): void {
  const kubelet = { object: podObject(pod, undefined, true), type: 'Normal' as const, component: 'kubelet', host: pod.node };
  const pulledUs = startedUs - 380_000;
  if (pull) {
    const seconds = ((pulledUs - fromUs) / 1_000_000).toFixed(3);
    recorder.record({ ...kubelet, atUs: fromUs, reason: 'Pulling', message: `Pulling image "${image}"` });
    recorder.record({
      ...kubelet,
      atUs: pulledUs,
      reason: 'Pulled',
      message: `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting). Image size: 48211022 bytes.`,
    });
  } else {
    recorder.record({ ...kubelet, atUs: pulledUs, reason: 'Pulled', message: `Container image "${image}" already present on machine` });
  }
  recorder.record({ ...kubelet, atUs: startedUs - 190_000, reason: 'Created', message: `Created container: ${pod.container}` });
  recorder.record({ ...kubelet, atUs: startedUs, reason: 'Started', message: `Started container ${pod.container}` });
}
