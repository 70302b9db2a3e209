import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferContent, detectFormat, openContent, parseSource, type ParsedRecord } from '../../../src-main/core/ingest/index';
import { k8sEvents } from '../../../src-main/core/ingest/k8s-events';
import type { NormalizedEvent } from '../../../src-main/shared/model';

const EVENTS = new URL('../../fixtures/corpus/k8s-events/', import.meta.url);
const K9S = fileURLToPath(new URL('k9s_render_testdata_ev.json', EVENTS));
const OPENSHIFT = fileURLToPath(new URL('openshift_insights-operator_events_openshift-machine-api.json', EVENTS));
const AUDIT_EXEC = fileURLToPath(new URL('../k8s-audit/crowdsec_k8s-audit-pod-exec-file.log', EVENTS));

async function parseBytes(bytes: Buffer): Promise<ParsedRecord[]> {
  const detected = detectFormat(bytes);
  if (!detected.ok) throw new Error(detected.reason);
  expect(detected.format.name).toBe('k8s-events');
  const records: ParsedRecord[] = [];
  for await (const record of parseSource(bufferContent(bytes), detected)) records.push(record);
  return records;
}

function goodEvents(records: ParsedRecord[]): NormalizedEvent[] {
  return records.map((record) => {
    if (!record.ok) throw new Error(`expected a good record, got ${record.reason}`);
    return record.events[0]!;
  });
}

/** The k9s corpus Event as an object, to restate it the way another producer writes it. */
function k9sEvent(): Record<string, unknown> {
  return JSON.parse(readFileSync(K9S, 'utf8')) as Record<string, unknown>;
}

/**
 * The same Event as events.k8s.io/v1 serves it: the API server's own conversion renames involvedObject →
 * regarding, message → note, source → deprecatedSource, first/lastTimestamp → deprecated*, count →
 * deprecatedCount, and names the reporting controller.
 */
function asEventsV1(core: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: core.metadata,
    eventTime: '2019-08-30T20:43:05.000000Z',
    reportingController: 'kubelet',
    reportingInstance: 'gke-k9s-default-pool-0fa2fb89-qnkc',
    action: 'Pulled',
    reason: core.reason,
    regarding: core.involvedObject,
    note: core.message,
    type: core.type,
    deprecatedSource: core.source,
    deprecatedFirstTimestamp: core.firstTimestamp,
    deprecatedLastTimestamp: core.lastTimestamp,
    deprecatedCount: core.count,
  };
}

describe('the Kubernetes Events corpus', () => {
  it('reads the k9s file (one pretty-printed core/v1 Event document) field by field', async () => {
    const bytes = readFileSync(K9S);
    const detected = detectFormat(bytes);
    expect(detected).toMatchObject({ ok: true, format: { name: 'k8s-events' }, layout: { kind: 'document', patterns: [[]] } });
    const records = await parseBytes(bytes);
    expect(records).toHaveLength(1);
    const record = records[0]!;
    if (!record.ok) throw new Error(record.reason);
    // The whole document is the record, byte for byte.
    expect(record.raw.equals(bytes.subarray(0, record.raw.length))).toBe(true);
    expect(bytes.subarray(record.raw.length).toString('utf8').trim()).toBe('');
    expect(record.locator).toBe('$');
    expect(record.events[0]).toEqual({
      // eventTime is null here: lastTimestamp, the latest observation, is the time.
      time_ns: BigInt(Date.parse('2019-08-30T20:43:05Z')) * 1_000_000n,
      time_text: '2019-08-30T20:43:05Z',
      kind: 'workload_event',
      action: 'Pulled',
      actor: { type: 'system', id: 'kubelet' },
      target: { resource: 'pods', namespace: 'default', name: 'hello-1567197780-mn4mv', uid: 'c31fdeb8-cb66-11e9-990f-42010a800218' },
      outcome: 'success',
      keys: { object_uid: 'c31fdeb8-cb66-11e9-990f-42010a800218' },
      text: 'Successfully pulled image "blang/busybox-bash"',
    });
  });

  it('reads the 2 cut-down Warning events of the OpenShift archive ({"items":[…]} without kind)', async () => {
    const records = await parseBytes(readFileSync(OPENSHIFT));
    expect(records.map((r) => r.locator)).toEqual(['$.items[0]', '$.items[1]']);
    const [first, second] = goodEvents(records);
    expect(first).toEqual({
      time_ns: BigInt(Date.parse('2022-08-24T09:40:44Z')) * 1_000_000n,
      time_text: '2022-08-24T11:40:44+02:00',
      kind: 'workload_event',
      action: 'FailedUpdate',
      target: { namespace: 'openshift-machine-api' },
      outcome: 'failure',
      text: 'cluster-lrqft-worker-us-east-2a-jsmg4: reconciler failed to Update machine: requeue in: 20s',
    });
    expect(second!.time_text).toBe('2022-08-24T11:41:05+02:00');
    expect(second!.text).toMatch(/^cluster-lrqft-worker-us-east-2c-rlfpx/);
  });
});

describe('Kubernetes Event layouts', () => {
  it('reads a kubectl get events -o json List and an EventList', async () => {
    const event = k9sEvent();
    for (const kind of ['List', 'EventList']) {
      const list = JSON.stringify(
        { apiVersion: 'v1', items: [event, { ...event, type: 'Warning', reason: 'BackOff' }], kind, metadata: { resourceVersion: '' } },
        null,
        4,
      );
      const events = goodEvents(await parseBytes(Buffer.from(list)));
      expect(events.map((e) => [e.action, e.outcome])).toEqual([
        ['Pulled', 'success'],
        ['BackOff', 'failure'],
      ]);
    }
  });

  it('reads watch lines (--output-watch-events) and plain JSON lines, and explains the lines that carry no event', async () => {
    const event = k9sEvent();
    const lines = [
      JSON.stringify({ type: 'ADDED', object: event }),
      JSON.stringify(event),
      JSON.stringify({
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'too old resource version: 1 (590733)',
          reason: 'Expired',
          code: 410,
        },
      }),
    ];
    const records = await parseBytes(Buffer.from(`${lines.join('\n')}\n`));
    expect(records.slice(0, 2).map((r) => r.ok && r.events[0]!.action)).toEqual(['Pulled', 'Pulled']);
    expect(records[2]).toMatchObject({
      ok: false,
      position: 3,
      reason: 'watch ERROR line, no event: too old resource version: 1 (590733)',
    });
  });

  it('reads events.k8s.io/v1: regarding, note, reportingController', () => {
    const result = k8sEvents.normalize(asEventsV1(k9sEvent()));
    if (!result.ok) throw new Error(result.reason);
    expect(result.events[0]).toMatchObject({
      // deprecatedLastTimestamp (the latest observation) wins over eventTime (the first).
      time_text: '2019-08-30T20:43:05Z',
      action: 'Pulled',
      actor: { type: 'system', id: 'kubelet' },
      target: { resource: 'pods', namespace: 'default', name: 'hello-1567197780-mn4mv', uid: 'c31fdeb8-cb66-11e9-990f-42010a800218' },
      text: 'Successfully pulled image "blang/busybox-bash"',
      keys: { object_uid: 'c31fdeb8-cb66-11e9-990f-42010a800218' },
    });
  });

  it('dates a recurring event at its latest observation and keeps the count and first time in the text', () => {
    const recurring = { ...k9sEvent(), count: 12, firstTimestamp: '2019-08-30T20:31:00Z', lastTimestamp: '2019-08-30T20:43:05Z' };
    const core = k8sEvents.normalize(recurring);
    if (!core.ok) throw new Error(core.reason);
    expect(core.events[0]!.time_text).toBe('2019-08-30T20:43:05Z');
    expect(core.events[0]!.text).toBe('Successfully pulled image "blang/busybox-bash" (×12 since 2019-08-30T20:31:00Z)');
    const series = { ...asEventsV1(k9sEvent()), series: { count: 7, lastObservedTime: '2019-08-30T20:50:00.250000Z' } };
    const v1 = k8sEvents.normalize(series);
    if (!v1.ok) throw new Error(v1.reason);
    expect(v1.events[0]!.time_text).toBe('2019-08-30T20:50:00.250000Z');
    expect(v1.events[0]!.text).toMatch(/\(×7 since 2019-08-30T20:43:05Z\)$/);
  });

  it('never takes an audit event, though both are kind Event', async () => {
    const audit = readFileSync(AUDIT_EXEC, 'utf8').split('\n')[0]!;
    expect(k8sEvents.recognizes(JSON.parse(audit))).toBe(false);
    expect(k8sEvents.normalize(JSON.parse(audit))).toEqual({
      ok: false,
      reason: 'a Kubernetes audit event (it has auditID), not a Kubernetes Event',
    });
    const detected = detectFormat(Buffer.from(`{"items":[${audit}]}`));
    expect(detected).toMatchObject({ ok: true, format: { name: 'k8s-audit' } });
    const lines = detectFormat(readFileSync(AUDIT_EXEC));
    if (!lines.ok) throw new Error(lines.reason);
    expect(lines.format.name).toBe('k8s-audit');
    const records: ParsedRecord[] = [];
    for await (const record of parseSource(await openContent(AUDIT_EXEC), lines)) records.push(record);
    expect(records[0]).toMatchObject({ ok: true, events: [{ kind: 'k8s_api' }] });
  });

  it('names what is wrong with a record that is not an Event', () => {
    expect(k8sEvents.normalize({ ...k9sEvent(), reason: '' })).toEqual({ ok: false, reason: 'Kubernetes Event without a reason' });
    expect(k8sEvents.normalize({ ...k9sEvent(), lastTimestamp: 'yesterday' })).toEqual({
      ok: false,
      reason: 'Kubernetes Event: lastTimestamp "yesterday" is not an RFC 3339 time',
    });
    expect(k8sEvents.normalize({ kind: 'Pod', apiVersion: 'v1', metadata: {} })).toEqual({
      ok: false,
      reason: 'not a Kubernetes Event: kind is "Pod"',
    });
    expect(k8sEvents.normalize([])).toEqual({ ok: false, reason: 'not a Kubernetes Event: not a JSON object' });
  });
});
