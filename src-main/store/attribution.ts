// The case's API calls as attribution and findings read them: one row per audited request (its latest
// stage; earlier stages and the same record from another file are left out), in time order, streamed.
import type { CaseStore } from './case-store';
import { latestStageSql } from './api-calls';
import { rawSql } from './raw-blocks';

export interface ApiCallRow {
  id: number;
  ms: number;
  actor: string;
  actorType: string;
  onBehalfOf?: string | undefined;
  verb: string;
  resource: string;
  namespace?: string | undefined;
  outcome: string;
  replicas?: number | undefined;
}

type RawRow = [number, number, string, string | null, string | null, string | null, string | null, string | null, string, number | null];

// spec.replicas is read from the request body only for writes that can scale (the CASE is evaluated per
// row, so the JSON of every other call is never parsed).
const CALLS_SQL = `
  SELECT e.id, e.time_ns / 1000000 AS ms, e.actor_id AS actor, e.actor_type, e.on_behalf_of AS obo, e.action AS verb,
         e.target_resource AS resource, e.target_namespace AS ns, e.outcome,
         CASE WHEN e.action IN ('patch', 'update')
                AND (e.target_resource IN ('deployments', 'statefulsets', 'replicasets', 'replicationcontrollers')
                  OR e.target_resource IN ('deployments/scale', 'statefulsets/scale', 'replicasets/scale', 'replicationcontrollers/scale'))
                AND json_valid(CAST(${rawSql('e')} AS TEXT))
              THEN json_extract(CAST(${rawSql('e')} AS TEXT), '$.requestObject.spec.replicas') END AS replicas
  FROM event e
  LEFT JOIN audit_stage st ON st.event_id = e.id
  WHERE e.kind = 'k8s_api' AND e.time_ns IS NOT NULL AND e.actor_id IS NOT NULL AND COALESCE(st.superseded, 0) = 0
  ORDER BY e.time_ns, e.id`;

/** Every API call of the case, oldest first, one row at a time (better-sqlite3's iterate: bounded memory). */
export function* iterateApiCalls(store: CaseStore): Generator<ApiCallRow> {
  store.settleApiCalls();
  // Rows as arrays: a million calls go through here, and objects per row cost twice the time.
  for (const r of store.db.prepare(CALLS_SQL).raw(true).iterate() as IterableIterator<RawRow>) {
    const row: ApiCallRow = {
      id: r[0],
      ms: r[1],
      actor: r[2],
      actorType: r[3] ?? 'unknown',
      verb: r[5] ?? '',
      resource: r[6] ?? '',
      outcome: r[8],
    };
    if (r[4] !== null) row.onBehalfOf = r[4];
    if (r[7] !== null) row.namespace = r[7];
    if (typeof r[9] === 'number') row.replicas = r[9];
    yield row;
  }
}

/** The case's first prompt and its first and last timed API call, in ms (undefined when there are none). */
export function callTimeSpan(store: CaseStore): { firstPrompt?: number; start?: number; end?: number } {
  const row = store.db
    .prepare(
      `SELECT (SELECT min(time_ns) FROM event WHERE kind = 'prompt') / 1000000 AS prompt,
              (SELECT min(time_ns) FROM event WHERE kind = 'k8s_api') / 1000000 AS start,
              (SELECT max(time_ns) FROM event WHERE kind = 'k8s_api') / 1000000 AS end`,
    )
    .get() as { prompt: number | null; start: number | null; end: number | null };
  return {
    ...(row.prompt !== null ? { firstPrompt: Number(row.prompt) } : {}),
    ...(row.start !== null ? { start: Number(row.start) } : {}),
    ...(row.end !== null ? { end: Number(row.end) } : {}),
  };
}

/** The event that stands for an API call's outcome (its latest stage) given any of its stages' ids. */
export function latestStageOf(store: CaseStore, eventId: number): number {
  store.settleApiCalls();
  const row = store.db.prepare(`SELECT ${latestStageSql('st')} AS id FROM audit_stage st WHERE st.event_id = ?`).get(eventId) as
    { id: number } | undefined;
  return row?.id ?? eventId;
}
