// OpenTelemetry traces in OTLP/JSON (the ExportTraceServiceRequest of opentelemetry-proto, as
// `{"resourceSpans":[…]}`), either one document or JSON lines of requests as the Collector's file
// exporter writes them. A record is one resourceSpans element in a document (so a resource's attributes,
// service.name among them, stay with its spans) or one whole request on a line; each span becomes events
// through otel-attributes.ts. OTLP/JSON writes ids as hex and 64-bit integers as decimal strings.
import type { NormalizedEvent } from '../../shared/model';
import { isObject, type Normalized, type RecordFormat, type RecordReader } from './format';
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
  if (typeof text !== 'string' || !/^\d{1,20}$/.test(text)) return { reason: `startTimeUnixNano ${JSON.stringify(raw)} is not a count of nanoseconds` };
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
      ? span.events.filter(isObject).map((event) => ({ name: typeof event.name === 'string' ? event.name : '', attributes: attributesOf(event.attributes) }))
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

/** A record is a resourceSpans element (documents) or a whole export request (JSON lines). */
function readRecord(value: unknown, memory: TraceMemory): Normalized {
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
  recognizes: (value) => isObject(value) && Array.isArray(value.resourceSpans) && (value.resourceSpans.length === 0 || looksLikeResourceSpans(value.resourceSpans[0])),
  documentRecords(probe) {
    if (probe.root !== 'object' || !probe.keys.includes('resourceSpans')) return undefined;
    const first = probe.first.get('resourceSpans');
    // The first element may be larger than the probe; the key alone is OTLP's.
    return first === undefined || looksLikeResourceSpans(first) ? [['resourceSpans', '*']] : undefined;
  },
  normalize: (value) => readRecord(value, new TraceMemory()),
  createReader(): RecordReader {
    const memory = new TraceMemory();
    return (value) => readRecord(value, memory);
  },
};
