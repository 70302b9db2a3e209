import { describe, expect, it } from 'vitest';
import type { TraceSpan } from '../../../src-main/shared/agent-trace';
import { formatDuration, traceLength, waterfallRows } from '../../../src-renderer/src/features/spans/waterfall-rows';

const span = (id: string, parent: string | undefined, offset: number, duration?: number): TraceSpan => ({
  event_id: Number.parseInt(id, 16),
  span_id: id,
  ...(parent ? { parent_span_id: parent } : {}),
  name: `s${id}`,
  kind: 'other',
  outcome: 'success',
  offset_ms: offset,
  ...(duration !== undefined ? { duration_ms: duration } : {}),
});

// a ─┬─ b ── d
//    └─ c          e's parent is not in the trace: a root of its own.
const SPANS = [span('c', 'a', 50, 10), span('d', 'b', 12, 3), span('a', undefined, 0, 100), span('b', 'a', 10, 20), span('e', 'f', 120)];

describe('waterfallRows', () => {
  it('nests by parent, children in start order, an orphan as a root', () => {
    expect(waterfallRows(SPANS, new Set()).map((r) => [r.span.span_id, r.depth, r.descendants])).toEqual([
      ['a', 0, 3],
      ['b', 1, 1],
      ['d', 2, 0],
      ['c', 1, 0],
      ['e', 0, 0],
    ]);
  });

  it('leaves out the subtree of a collapsed span, which says it is collapsed', () => {
    const rows = waterfallRows(SPANS, new Set(['b']));
    expect(rows.map((r) => r.span.span_id)).toEqual(['a', 'b', 'c', 'e']);
    expect(rows[1]).toMatchObject({ collapsed: true, descendants: 1 });
    expect(waterfallRows(SPANS, new Set(['a'])).map((r) => r.span.span_id)).toEqual(['a', 'e']);
  });

  it('shows each span once, none lost, when parent ids form a cycle', () => {
    const rows = waterfallRows([span('a', undefined, 0, 1), span('b', 'c', 1), span('c', 'b', 2)], new Set());
    expect(rows.map((r) => [r.span.span_id, r.depth])).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 1],
    ]);
  });
});

describe('traceLength and formatDuration', () => {
  it('spans the latest end, and reads µs, ms and s', () => {
    expect(traceLength(SPANS)).toBe(120);
    expect(traceLength([])).toBe(1);
    expect([0, 0.25, 6.25, 67, 1090, 12_500].map(formatDuration)).toEqual(['0', '250 µs', '6.3 ms', '67 ms', '1.09 s', '12.5 s']);
  });
});
