// Lookups beside the filtered queries of queries.ts: events by id (a background group's members, to draw
// them as nodes), and the values the filter bar offers with their counts.
import type { EventJson } from '../shared/model';
import type { CaseStore } from './case-store';
import { derivedTaintCounts } from './taint';
import { EVENT_COLUMNS, toEventJson, type EventDbRow, type VerdictOf } from './queries';
import { parseKeys } from './keys-text';

/** These events, in time order (the members of a background group, to draw them as nodes). */
export function eventsByIds(store: CaseStore, ids: readonly number[], verdictOf?: VerdictOf): EventJson[] {
  if (ids.length === 0) return [];
  const rows = store.db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM event e JOIN source s ON s.id = e.source_id
       WHERE e.id IN (SELECT value FROM json_each(?)) ORDER BY e.time_ns NULLS LAST, e.id`,
    )
    .all(JSON.stringify(ids)) as EventDbRow[];
  return rows.map((row) => toEventJson(row, verdictOf));
}

/** How many events hold each namespace, outcome and taint label, for the filter bar's choices. */
export function filterValueCounts(store: CaseStore): {
  namespaces: Map<string, number>;
  outcomes: Map<string, number>;
  taints: Map<string, number>;
} {
  const counts = { namespaces: new Map<string, number>(), outcomes: new Map<string, number>(), taints: new Map<string, number>() };
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  const rows = store.db
    .prepare('SELECT target_namespace AS namespace, outcome, taint, count(*) AS n FROM event GROUP BY 1, 2, 3')
    .all() as { namespace: string | null; outcome: string; taint: string | null; n: number }[];
  for (const row of rows) {
    if (row.namespace) add(counts.namespaces, row.namespace, row.n);
    add(counts.outcomes, row.outcome, row.n);
    for (const label of new Set(row.taint ? (JSON.parse(row.taint) as string[]) : [])) add(counts.taints, label, row.n);
  }
  for (const [label, n] of derivedTaintCounts(store)) add(counts.taints, label, n);
  return counts;
}

/** How many events the case holds. */
export function eventCount(store: CaseStore): number {
  return store.db.prepare('SELECT count(*) FROM event').pluck().get() as number;
}

/** What the routine-request rules read of an event that carries an audit ID (core/link/routine.ts). */
export interface AuditIdRow {
  id: number;
  audit_id: string;
  kind: string;
  action: string | null;
  target_resource: string | null;
  target_namespace: string | null;
  target_name: string | null;
  target_uid: string | null;
  time_ns: bigint | null;
  outcome: string;
  authz_decision: string | null;
  keys: Record<string, unknown>;
}

/** Every event of the case that carries an audit ID, with what the routine-request rules read of it (streamed). */
export function* auditIdRows(store: CaseStore): Generator<AuditIdRow> {
  // The keys are parsed here, once; instr only skips the rows that cannot hold the key.
  const statement = store.db
    .prepare(
      `SELECT id, kind, action, target_resource, target_namespace, target_name, target_uid, time_ns, outcome, authz_decision, keys
       FROM event WHERE keys IS NOT NULL AND instr(keys, '"audit_id"') > 0`,
    )
    .safeIntegers(true);
  for (const row of statement.iterate()) {
    const r = row as Omit<AuditIdRow, 'id' | 'audit_id' | 'keys'> & { id: bigint; keys: string };
    const keys = parseKeys(r.keys);
    if (keys.audit_id === undefined || keys.audit_id === null) continue;
    yield { ...r, id: Number(r.id), audit_id: String(keys.audit_id), keys };
  }
}

/**
 * The uids of the objects something in the case may follow from (core/link/routine.ts `QuietObjects`):
 * every object a workload Event names (its uid key or target), every owner an event's keys name. The
 * identity table's owners are added by the caller.
 */
export function causeUids(store: CaseStore): Set<string> {
  const uids = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string' && value !== '') uids.add(value);
  };
  const statement = store.db.prepare(
    `SELECT kind, target_uid, keys FROM event
     WHERE kind = 'workload_event' OR (keys IS NOT NULL AND instr(keys, '"owner_uids"') > 0)`,
  );
  for (const row of statement.iterate() as Iterable<{ kind: string; target_uid: string | null; keys: string | null }>) {
    const keys = row.keys ? parseKeys(row.keys) : {};
    if (row.kind === 'workload_event') {
      add(row.target_uid);
      add(keys.object_uid);
    }
    if (Array.isArray(keys.owner_uids)) keys.owner_uids.forEach(add);
  }
  return uids;
}

/** The times of the case's timed tool calls, in nanoseconds (exact: read as 64-bit integers), ascending. */
export function toolCallTimes(store: CaseStore): bigint[] {
  return store.db
    .prepare("SELECT time_ns FROM event WHERE kind = 'tool_call' AND time_ns IS NOT NULL ORDER BY time_ns")
    .pluck()
    .safeIntegers(true)
    .all() as bigint[];
}
