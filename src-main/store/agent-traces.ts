// The spans of agent traces, by trace id (the event_by_trace index): what the span waterfall draws.
// Prompt events share their span's ids and are left out; a record the case holds twice (the same span
// in two sources) is one span, its first copy.
import type { EventKind, Outcome } from '../shared/model';
import type { CaseStore } from './case-store';
import { eventTimeSql } from './event-columns';
import { rawSql } from './raw-blocks';

export interface TraceSpanRow {
  id: number;
  kind: EventKind;
  action: string | null;
  outcome: Outcome;
  time: string | null;
  span_id: string;
  parent_span_id: string | null;
  raw: Buffer;
  raw_sha256: string;
}

/** At most this many spans of one trace are returned (an agent run of thousands of steps is cut, in time order). */
export const TRACE_SPAN_LIMIT = 5000;

export function traceSpanRows(store: CaseStore, traceId: string): TraceSpanRow[] {
  const rows = store.db
    .prepare(
      `SELECT e.id, e.kind, e.action, e.outcome, ${eventTimeSql('e')} AS time, ${rawSql('e')} AS raw, e.raw_sha256,
         json_extract(e.keys, '$.span_id') AS span_id, json_extract(e.keys, '$.parent_span_id') AS parent_span_id
       FROM event e
       WHERE json_extract(e.keys, '$.trace_id') = ? AND e.kind <> 'prompt' AND json_extract(e.keys, '$.span_id') IS NOT NULL
       ORDER BY e.time_ns NULLS LAST, e.id LIMIT ?`,
    )
    .all(traceId, TRACE_SPAN_LIMIT * 2) as TraceSpanRow[];
  const seen = new Set<string>();
  return rows
    .filter((row) => {
      if (seen.has(row.span_id)) return false;
      seen.add(row.span_id);
      return true;
    })
    .slice(0, TRACE_SPAN_LIMIT);
}

export interface AgentTraceRow {
  trace_id: string;
  start: string | null;
  spans: number;
  name: string | null;
}

/** Every trace of the case that has spans, in time order, with its root span's action. */
export function agentTraceRows(store: CaseStore, limit = 1000): AgentTraceRow[] {
  return store.db
    .prepare(
      `SELECT t.trace_id, t.start, t.spans,
         (SELECT r.action FROM event r
           WHERE json_extract(r.keys, '$.trace_id') = t.trace_id AND r.kind <> 'prompt'
           ORDER BY json_extract(r.keys, '$.parent_span_id') IS NOT NULL, r.time_ns NULLS LAST, r.id LIMIT 1) AS name
       FROM (SELECT json_extract(keys, '$.trace_id') AS trace_id, min(${eventTimeSql('event')}) AS start,
               count(DISTINCT json_extract(keys, '$.span_id')) AS spans
             FROM event
             WHERE json_extract(keys, '$.trace_id') IS NOT NULL AND kind <> 'prompt' AND json_extract(keys, '$.span_id') IS NOT NULL
             GROUP BY 1) t
       ORDER BY t.start NULLS LAST, t.trace_id LIMIT ?`,
    )
    .all(limit) as AgentTraceRow[];
}
