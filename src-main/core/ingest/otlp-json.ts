// OpenTelemetry traces in OTLP/JSON (the ExportTraceServiceRequest of opentelemetry-proto, as
// `{"resourceSpans":[…]}`), either one document or JSON lines of requests as the Collector's file
// exporter writes them. A record is one span in a document, kept with its own bytes and JSON path, its
// resource and scope kept beside it as its context (so service.name stays with it); or one whole request
// on a line. Each span becomes events through otel-attributes.ts. OTLP/JSON writes ids as hex and 64-bit integers as decimal strings.
import type { NormalizedEvent } from '../../shared/model';
import { isObject, type Normalized, type RecordAt, type RecordFormat, type RecordReader } from './format';
import { formatJsonPath } from './json-document';
import { eventsOfSpan, TraceMemory, type Attributes, type SpanView } from './otel-attributes';

const STATUS_CODE_ERROR = 2;

/** An OTLP AnyValue as a plain JS value (`{stringValue:'x'}` → 'x'); int64 strings stay exact as strings when large. */
export function anyValue(value: unknown): unknown {
  if (!isObject(value)) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('doubleValue' in value) return value.doubleValue;
  if ('intValue' in value) {
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : value.intValue;
  }
  if ('bytesValue' in value) return value.bytesValue;
  if (isObject(value.arrayValue)) return Array.isArray(value.arrayValue.values) ? value.arrayValue.values.map(anyValue) : [];
  if (isObject(value.kvlistValue)) return attributesOf(value.kvlistValue.values);
  return undefined;
}

/** OTLP's `[{key, value}]` attribute list as a map. */
export function attributesOf(list: unknown): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (const entry of list) {
    if (isObject(entry) && typeof entry.key === 'string') out[entry.key] = anyValue(entry.value);
  }
  return out;
}

function timeOf(span: Record<string, unknown>): { ns: bigint | null; text?: string } | { reason: string } {
  const raw = span.startTimeUnixNano;
  if (raw === undefined || raw === null || raw === '0' || raw === 0) return { ns: null };
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d{1,20}$/.test(text))
    return { reason: `startTimeUnixNano ${JSON.stringify(raw)} is not a count of nanoseconds` };
  return { ns: BigInt(text), text };
}

function isError(status: unknown): boolean {
  return isObject(status) && (status.code === STATUS_CODE_ERROR || status.code === 'STATUS_CODE_ERROR');
}

function spanView(span: Record<string, unknown>, resource: Attributes, time: { ns: bigint | null; text?: string }): SpanView {
  return {
    traceId: typeof span.traceId === 'string' ? span.traceId : undefined,
    spanId: typeof span.spanId === 'string' ? span.spanId : undefined,
    parentSpanId: typeof span.parentSpanId === 'string' ? span.parentSpanId : undefined,
    name: typeof span.name === 'string' ? span.name : '',
    timeNs: time.ns,
    timeText: time.text,
    error: isError(span.status),
    attributes: attributesOf(span.attributes),
    resource,
    events: Array.isArray(span.events)
      ? span.events
          .filter(isObject)
          .map((event) => ({ name: typeof event.name === 'string' ? event.name : '', attributes: attributesOf(event.attributes) }))
      : [],
  };
}

/** The events of one resourceSpans element, or why it is not one. `where` names it in reasons. */
function readResourceSpans(value: unknown, memory: TraceMemory, where: string): NormalizedEvent[] | { reason: string } {
  if (!isObject(value)) return { reason: `not an OTLP resourceSpans element: ${where} is not a JSON object` };
  // instrumentationLibrarySpans is the name OTLP used before 0.15 (collectors still read it).
  const scopes = value.scopeSpans ?? value.instrumentationLibrarySpans;
  if (!Array.isArray(scopes)) return { reason: `not an OTLP resourceSpans element: ${where} has no "scopeSpans" array` };
  const resource = attributesOf(isObject(value.resource) ? value.resource.attributes : undefined);
  const events: NormalizedEvent[] = [];
  for (const [s, scope] of scopes.entries()) {
    const spans = isObject(scope) ? scope.spans : undefined;
    if (!Array.isArray(spans)) return { reason: `OTLP ${where}.scopeSpans[${s}] has no "spans" array` };
    for (const [i, span] of spans.entries()) {
      const at = `${where}.scopeSpans[${s}].spans[${i}]`;
      if (!isObject(span)) return { reason: `OTLP ${at} is not a JSON object` };
      const time = timeOf(span);
      if ('reason' in time) return { reason: `OTLP ${at}: ${time.reason}` };
      events.push(...eventsOfSpan(spanView(span, resource, time), memory));
    }
  }
  if (events.length === 0) return { reason: `OTLP ${where} holds no spans` };
  return events;
}

/** The resource's and the scope's attributes from a span's context (`$.resourceSpans[i].resource`, `….scope`). */
function contextOf(context: Readonly<Record<string, unknown>> | undefined): { resource: Attributes; scope?: Record<string, unknown> } {
  let resource: Attributes = {};
  let scope: Record<string, unknown> | undefined;
  for (const [locator, value] of Object.entries(context ?? {})) {
    if (locator.endsWith('.resource') && isObject(value)) resource = attributesOf(value.attributes);
    else if ((locator.endsWith('.scope') || locator.endsWith('.instrumentationLibrary')) && isObject(value)) scope = value;
  }
  return { resource, ...(scope ? { scope } : {}) };
}

/** A span of a document: one record, read with its resource from the context kept beside it. */
function readSpan(value: unknown, at: RecordAt | undefined, memory: TraceMemory): Normalized {
  const where = at?.path ? formatJsonPath(at.path) : 'the span';
  if (!isObject(value)) return { ok: false, reason: `OTLP ${where} is not a JSON object` };
  const time = timeOf(value);
  if ('reason' in time) return { ok: false, reason: `OTLP ${where}: ${time.reason}` };
  const events = eventsOfSpan(spanView(value, contextOf(at?.context).resource, time), memory);
  return events.length > 0 ? { ok: true, events } : { ok: false, reason: `OTLP ${where} gives no event` };
}

/** A record is a span (documents) or a whole export request (JSON lines, one request a line). */
function readRecord(value: unknown, at: RecordAt | undefined, memory: TraceMemory): Normalized {
  if (at?.path !== undefined) return readSpan(value, at, memory);
  if (isObject(value) && Array.isArray(value.resourceSpans)) {
    const events: NormalizedEvent[] = [];
    for (const [i, element] of value.resourceSpans.entries()) {
      const read = readResourceSpans(element, memory, `resourceSpans[${i}]`);
      if ('reason' in read) return { ok: false, reason: read.reason };
      events.push(...read);
    }
    return events.length > 0 ? { ok: true, events } : { ok: false, reason: 'OTLP export request holds no spans' };
  }
  const read = readResourceSpans(value, memory, 'the record');
  return 'reason' in read ? { ok: false, reason: read.reason } : { ok: true, events: read };
}

const looksLikeResourceSpans = (value: unknown): boolean =>
  isObject(value) && (Array.isArray(value.scopeSpans) || Array.isArray(value.instrumentationLibrarySpans));

export const otlpJson: RecordFormat = {
  name: 'otlp-json',
  title: 'OpenTelemetry OTLP/JSON trace',
  recognizes: (value) =>
    isObject(value) &&
    Array.isArray(value.resourceSpans) &&
    (value.resourceSpans.length === 0 || looksLikeResourceSpans(value.resourceSpans[0])),
  documentRecords(probe) {
    if (probe.root !== 'object' || !probe.keys.includes('resourceSpans')) return undefined;
    const first = probe.first.get('resourceSpans');
    // The first element may be larger than the probe; the key alone is OTLP's. Each span is a record of
    // its own (instrumentationLibrarySpans is the name OTLP used before 0.15; collectors still read it).
    return first === undefined || looksLikeResourceSpans(first)
      ? [
          ['resourceSpans', '*', 'scopeSpans', '*', 'spans', '*'],
          ['resourceSpans', '*', 'instrumentationLibrarySpans', '*', 'spans', '*'],
        ]
      : undefined;
  },
  // A span is read with its resource (service.name) and its scope, kept beside its bytes as its context.
  documentContext: {
    group: [['resourceSpans', '*']],
    values: [
      ['resourceSpans', '*', 'resource'],
      ['resourceSpans', '*', 'scopeSpans', '*', 'scope'],
      ['resourceSpans', '*', 'instrumentationLibrarySpans', '*', 'instrumentationLibrary'],
    ],
  },
  normalize: (value, at) => readRecord(value, at, new TraceMemory()),
  createReader(): RecordReader {
    const memory = new TraceMemory();
    return (value, at) => readRecord(value, at, memory);
  },
};
