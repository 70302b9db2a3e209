// The waterfall's rows: a trace's spans nested by parent id, children in start order, the subtrees of
// collapsed spans left out. A span whose parent is not in the trace (lost, or cut by the limit) is a root,
// and so is the first span of a cycle of parent ids.
import type { TraceSpan } from '../../../../src-main/shared/agent-trace';

export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  /** How many spans sit under this one (all levels), shown on a collapsed row. */
  descendants: number;
  collapsed: boolean;
}

export function waterfallRows(spans: readonly TraceSpan[], collapsed: ReadonlySet<string>): WaterfallRow[] {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map<string | undefined, TraceSpan[]>();
  for (const span of spans) {
    const parent =
      span.parent_span_id && ids.has(span.parent_span_id) && span.parent_span_id !== span.span_id ? span.parent_span_id : undefined;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.offset_ms - b.offset_ms || a.event_id - b.event_id);
  const counted = new Map<string, number>();
  const count = (id: string, seen: Set<string>): number => {
    const known = counted.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const n = (children.get(id) ?? []).reduce((sum, child) => sum + 1 + count(child.span_id, seen), 0);
    counted.set(id, n);
    return n;
  };
  const rows: WaterfallRow[] = [];
  const visited = new Set<string>();
  const walk = (span: TraceSpan, depth: number): void => {
    if (visited.has(span.span_id)) return; // a cycle of parent ids: each span once
    visited.add(span.span_id);
    const folded = collapsed.has(span.span_id);
    rows.push({ span, depth, descendants: count(span.span_id, new Set()), collapsed: folded });
    if (!folded) for (const child of children.get(span.span_id) ?? []) walk(child, depth + 1);
  };
  // Spans whose parent ids form a cycle reach no root: each is shown from the first of them, never lost.
  const reached = new Set<string>();
  const reach = (id: string): void => {
    if (reached.has(id)) return;
    reached.add(id);
    for (const child of children.get(id) ?? []) reach(child.span_id);
  };
  const roots = [...(children.get(undefined) ?? [])];
  for (const root of roots) reach(root.span_id);
  for (const span of [...spans].sort((a, b) => a.offset_ms - b.offset_ms || a.event_id - b.event_id)) {
    if (reached.has(span.span_id)) continue;
    roots.push(span);
    reach(span.span_id);
  }
  for (const root of roots) walk(root, 0);
  return rows;
}

/** The trace's length in ms: the latest end (or start) of any span; at least 1 so bars have a scale. */
export function traceLength(spans: readonly TraceSpan[]): number {
  return Math.max(1, ...spans.map((s) => s.offset_ms + (s.duration_ms ?? 0)));
}

/** A duration for a bar's label: µs under a millisecond, ms under a second, else seconds. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
