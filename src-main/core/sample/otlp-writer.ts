// Writes an OpenTelemetry trace export as OTLP/JSON (an ExportTraceServiceRequest), shaped after
// test/fixtures/corpus/otel/otlp-proto_examples_trace.json: hex ids, nanosecond times as decimal strings,
// attributes as {key, value:{stringValue|intValue|boolValue|arrayValue}}. Ids are lowercase hex, as the
// OTLP/JSON spec asks (the corpus example's uppercase is accepted by collectors but not what SDKs emit).
import { unixNanos } from './clock';

export type AttributeValue = string | number | boolean | string[];

export const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;

export interface Span {
  scope: { name: string; version: string };
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: (typeof SPAN_KIND)[keyof typeof SPAN_KIND];
  startUs: number;
  endUs: number;
  attributes: Record<string, AttributeValue | undefined>;
  /** Only for failed spans: OTLP's STATUS_CODE_ERROR is 2. */
  error?: string;
}

function otlpValue(value: AttributeValue): Record<string, unknown> {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => ({ stringValue: v })) } };
  if (typeof value === 'boolean') return { boolValue: value };
  // int64 travels as a decimal string in OTLP/JSON (the protobuf JSON mapping).
  if (typeof value === 'number') return { intValue: String(value) };
  return { stringValue: value };
}

export function otlpAttributes(attributes: Record<string, AttributeValue | undefined>): { key: string; value: Record<string, unknown> }[] {
  return Object.entries(attributes)
    .filter((entry): entry is [string, AttributeValue] => entry[1] !== undefined)
    .map(([key, value]) => ({ key, value: otlpValue(value) }));
}

function otlpSpan(span: Span): Record<string, unknown> {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: unixNanos(span.startUs),
    endTimeUnixNano: unixNanos(span.endUs),
    attributes: otlpAttributes(span.attributes),
    ...(span.error !== undefined ? { status: { code: 2, message: span.error } } : {}),
  };
}

/** One resource (the agent process) with one scopeSpans entry per instrumentation scope, spans by start time. */
export function writeOtlpTrace(resource: Record<string, AttributeValue>, spans: Span[]): string {
  const ordered = [...spans].sort((a, b) => a.startUs - b.startUs);
  const scopes = new Map<string, { scope: Span['scope']; spans: Span[] }>();
  for (const span of ordered) {
    const key = `${span.scope.name}@${span.scope.version}`;
    if (!scopes.has(key)) scopes.set(key, { scope: span.scope, spans: [] });
    scopes.get(key)!.spans.push(span);
  }
  const request = {
    resourceSpans: [
      {
        resource: { attributes: otlpAttributes(resource) },
        scopeSpans: [...scopes.values()].map(({ scope, spans: inScope }) => ({ scope, spans: inScope.map(otlpSpan) })),
      },
    ],
  };
  // Indented, like an exporter's file output: a document, not a record stream, so it is hashed whole.
  return `${JSON.stringify(request, null, 2)}\n`;
}
