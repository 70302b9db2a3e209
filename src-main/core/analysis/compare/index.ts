// Two cases side by side (issue 21): each case's agent actions as steps from its first prompt (t=0), and
// an alignment of the two sequences that says where the same agent did the same thing. Pure: the service
// reads the events (service/compare.ts).
import type { AlignedRow, CaseComparison, CaseSequence, CompareStep, StepKind } from '../../../shared/compare';
import type { Outcome } from '../../../shared/model';

/** At most this many steps of a case are compared (the first ones from t=0). */
export const MAX_STEPS = 400;

/** Records of one tool call within this long of each other, naming the same tool and no id, are one call. */
const FOLD_MS = 2000;

/** One action as the service reads it from a case: a prompt, a tool call record, an API call. */
export interface ActionRecord {
  event_id: number;
  /** Milliseconds since the epoch; records without a time are left out. */
  ms: number;
  time?: string | undefined;
  kind: StepKind;
  tool?: string | undefined;
  verb?: string | undefined;
  resource?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
  outcome: Outcome;
  actor?: string | undefined;
  text?: string | undefined;
  /** The id every record of one tool call shares (the tool call id, the JSON-RPC id). */
  call_key?: string | undefined;
}

type Step = CompareStep & { ms: number; call_key?: string | undefined };

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Fills what a record of a tool call knows and the step does not yet (its target, an outcome other than unknown). */
function fold(into: Step, record: ActionRecord): void {
  into.resource ??= record.resource;
  into.namespace ??= record.namespace;
  into.name ??= record.name;
  into.actor ??= record.actor;
  into.call_key ??= record.call_key;
  if (into.outcome === 'unknown' && record.outcome !== 'unknown') into.outcome = record.outcome;
}

/**
 * A case's steps: its records in time order, the records of one tool call folded into one step (the
 * agent's span, the MCP request and its response), offsets from the first prompt, the first MAX_STEPS
 * from one second before it.
 */
export function caseSequence(name: string, path: string, records: Iterable<ActionRecord>, limit = MAX_STEPS): CaseSequence {
  const sorted = [...records].sort((a, b) => a.ms - b.ms || a.event_id - b.event_id);
  const steps: Step[] = [];
  const byKey = new Map<string, Step>();
  for (const record of sorted) {
    if (record.kind === 'tool_call') {
      const keyed = record.call_key !== undefined ? byKey.get(record.call_key) : undefined;
      const last = steps.findLast((s) => s.kind === 'tool_call');
      const near =
        !keyed && last && last.tool === record.tool && record.ms - last.ms <= FOLD_MS && (!record.call_key || !last.call_key)
          ? last
          : undefined;
      const same = keyed ?? near;
      if (same) {
        fold(same, record);
        if (same.call_key) byKey.set(same.call_key, same);
        continue;
      }
    }
    const step: Step = defined({
      event_id: record.event_id,
      kind: record.kind,
      offset_ms: 0,
      ms: record.ms,
      time: record.time,
      tool: record.tool,
      verb: record.verb,
      resource: record.resource,
      namespace: record.namespace,
      name: record.name,
      outcome: record.outcome,
      actor: record.actor,
      text: record.text !== undefined ? record.text.slice(0, 300) : undefined,
      call_key: record.call_key,
    });
    steps.push(step);
    if (step.call_key) byKey.set(step.call_key, step);
  }
  const first = steps.find((s) => s.kind === 'prompt') ?? steps[0];
  const t0 = first?.ms ?? 0;
  // What the agent did just before its first prompt's record (a clock a little off) stays in view.
  const from = steps.filter((s) => s.ms >= t0 - 1000);
  return {
    name,
    path,
    ...(first?.kind === 'prompt' && first.time ? { start: first.time } : {}),
    steps: from.slice(0, limit).map(({ ms, call_key: _, ...step }) => ({ ...step, offset_ms: ms - t0 })),
    truncated: from.length > limit,
  };
}

/** What makes two steps the same: a prompt; the tool and the resource it named; the verb and the resource. */
export function stepSignature(step: CompareStep): string {
  if (step.kind === 'prompt') return 'prompt';
  if (step.kind === 'tool_call') return `tool ${step.tool ?? '?'} ${step.resource ?? ''}`;
  return `api ${step.verb ?? '?'} ${step.resource ?? ''}`;
}

/** Steps one case has alone, between two paired rows, read in time order (each side's order is kept). */
function sortGapRuns(rows: AlignedRow[]): void {
  const offset = (row: AlignedRow): number => (row.this ?? row.other)!.offset_ms;
  let start = 0;
  while (start < rows.length) {
    if (rows[start]!.this && rows[start]!.other) {
      start++;
      continue;
    }
    let end = start;
    while (end < rows.length && !(rows[end]!.this && rows[end]!.other)) end++;
    const run = rows.slice(start, end).sort((p, q) => offset(p) - offset(q) || (p.this ? -1 : 0) - (q.this ? -1 : 0));
    rows.splice(start, run.length, ...run);
    start = end;
  }
}

/**
 * The two sequences aligned by edit distance: a step matching one of the same signature costs nothing,
 * pairing it with a different step of the same kind costs 1 (`differ`), a step alone costs 1. Steps of
 * different kinds are never paired. Ties keep the two cases' order and put this case's step first.
 */
export function alignSequences(a: CaseSequence, b: CaseSequence): CaseComparison {
  const x = a.steps;
  const y = b.steps;
  const sx = x.map(stepSignature);
  const sy = y.map(stepSignature);
  const n = x.length;
  const m = y.length;
  const width = m + 1;
  const cost = new Uint32Array((n + 1) * width);
  for (let i = 0; i <= n; i++) cost[i * width] = i;
  for (let j = 0; j <= m; j++) cost[j] = j;
  const pair = (i: number, j: number): number => (sx[i] === sy[j] ? 0 : x[i]!.kind === y[j]!.kind ? 1 : Infinity);
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      cost[i * width + j] = Math.min(
        cost[(i - 1) * width + j - 1]! + pair(i - 1, j - 1),
        cost[(i - 1) * width + j]! + 1,
        cost[i * width + j - 1]! + 1,
      );
    }
  }
  const rows: AlignedRow[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = cost[i * width + j]!;
    if (i > 0 && j > 0 && here === cost[(i - 1) * width + j - 1]! + pair(i - 1, j - 1)) {
      rows.push({ status: sx[i - 1] === sy[j - 1] ? 'match' : 'differ', this: x[i - 1]!, other: y[j - 1]! });
      i--;
      j--;
    } else if (j > 0 && here === cost[i * width + j - 1]! + 1) {
      rows.push({ status: 'only_other', other: y[j - 1]! });
      j--;
    } else {
      rows.push({ status: 'only_this', this: x[i - 1]! });
      i--;
    }
  }
  rows.reverse();
  sortGapRuns(rows);
  const counts = { match: 0, differ: 0, only_this: 0, only_other: 0 };
  for (const row of rows) counts[row.status]++;
  return { this: a, other: b, rows, counts };
}
