// Agent traces as traces: a span's conversation for the inspector, and a trace's spans for the waterfall.
// The store finds the rows; core/agent/span-chat.ts reads each span's own record.
import { chatOfSpan, spanOfRecord, usageOfSpan } from '../core/agent/span-chat';
import type { AgentTraceSummary, SpanChat, TraceSpan, TraceSpans } from '../shared/agent-trace';
import type { EventJson } from '../shared/model';
import { agentTraceRows, traceSpanRows } from '../store/agent-traces';
import type { CaseStore } from '../store/case-store';

function parsed(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The conversation and usage of an event's span, when the event is a span (not a prompt drawn from one). */
export function spanChatOf(event: EventJson, raw: Buffer): SpanChat | undefined {
  const spanId = event.keys?.span_id;
  if (typeof spanId !== 'string' || event.kind === 'prompt') return undefined;
  const span = spanOfRecord(parsed(raw), spanId);
  if (!span) return undefined;
  const chat = chatOfSpan(span);
  const { latency_ms: _latency, ...measured } = chat.usage;
  return chat.messages.length > 0 || Object.keys(measured).length > 0 ? chat : undefined;
}

/** The spans of one trace, nested by parent id on the renderer's side, timed from the trace's first start. */
export function traceSpans(store: CaseStore, traceId: string): TraceSpans {
  const rows = traceSpanRows(store, traceId.toLowerCase());
  // A JSON-lines record is a whole export request, the same bytes for every span in it: parsed once.
  const records = new Map<string, unknown>();
  const record = (row: (typeof rows)[number]): unknown => {
    if (!records.has(row.raw_sha256)) records.set(row.raw_sha256, parsed(row.raw));
    return records.get(row.raw_sha256);
  };
  const read = rows.map((row) => ({ row, span: spanOfRecord(record(row), row.span_id) }));
  const starts = read.flatMap(({ span }) => (span?.startNs !== undefined ? [span.startNs] : []));
  const origin = starts.length > 0 ? starts.reduce((a, b) => (b < a ? b : a)) : undefined;
  const spans: TraceSpan[] = read.map(({ row, span }) => {
    const usage = span ? usageOfSpan(span) : undefined;
    const hasUsage = usage && (usage.input_tokens !== undefined || usage.output_tokens !== undefined || usage.cost !== undefined);
    return {
      event_id: row.id,
      span_id: row.span_id,
      ...(row.parent_span_id ? { parent_span_id: row.parent_span_id } : {}),
      name: span?.name || row.action || row.kind,
      kind: row.kind,
      ...(row.action ? { action: row.action } : {}),
      outcome: row.outcome,
      ...(row.time ? { start: row.time } : {}),
      offset_ms: origin !== undefined && span?.startNs !== undefined ? Number(span.startNs - origin) / 1e6 : 0,
      ...(usage?.latency_ms !== undefined ? { duration_ms: usage.latency_ms } : {}),
      ...(hasUsage ? { usage } : {}),
    };
  });
  const first = rows.find((row) => row.time)?.time;
  return { trace_id: traceId.toLowerCase(), ...(first ? { start: first } : {}), spans };
}

/** The case's agent traces, in time order. */
export function agentTraces(store: CaseStore): AgentTraceSummary[] {
  return agentTraceRows(store).map((row) => ({
    trace_id: row.trace_id,
    ...(row.name ? { name: row.name } : {}),
    ...(row.start ? { start: row.start } : {}),
    spans: row.spans,
  }));
}
