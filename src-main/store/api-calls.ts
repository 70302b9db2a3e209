// Audit stages grouped into API calls (docs/design.md: each stage of one request is its own record, grouped
// by auditID), and the same record found in two sources. Each stage stays its own evidence row; what is kept
// here is derived from those rows, may be updated as later stages arrive in later files, and can be
// rebuilt from the evidence at any time.
import type Database from 'better-sqlite3';
import type { CaseStore } from './case-store';
import { rawSql } from './raw-blocks';
import { buildIndexes, setIndexesAside } from './set-aside';

const RANK = `CASE stage WHEN 'RequestReceived' THEN 1 WHEN 'ResponseStarted' THEN 2 WHEN 'ResponseComplete' THEN 3
  WHEN 'Panic' THEN 4 ELSE 0 END`;

// Only sources read as Kubernetes audit events have stages: bare, or in the EKS, AKS and OpenShift node-logs wrappers (whose
// normalizer sets the stage columns; the raw fallback below reads bare events only).
// `+e.kind`: the rows are found by source or by id range; the kind index would scan every API event of the case.
const STAGES_OF = `INSERT OR IGNORE INTO audit_stage (event_id, source_id, audit_id, stage, stage_rank, stage_time)
  SELECT id, source_id, audit_id, stage, ${RANK}, stage_time FROM (
    SELECT e.id, e.source_id, json_extract(e.keys, '$.audit_id') AS audit_id,
      -- The stage columns (0006); rows imported before them read it from the raw record.
      coalesce(e.stage, json_extract(CAST(${rawSql('e')} AS TEXT), '$.stage')) AS stage,
      coalesce(e.stage_time, json_extract(CAST(${rawSql('e')} AS TEXT), '$.stageTimestamp')) AS stage_time
    FROM event e JOIN source s ON s.id = e.source_id
    WHERE s.format IN ('k8s-audit', 'eks-cloudwatch', 'aks-diagnostics', 'openshift-node-logs') AND +e.kind = 'k8s_api' AND e.keys IS NOT NULL AND SOURCE_CLAUSE)
  WHERE audit_id IS NOT NULL AND typeof(stage) = 'text'`;

/**
 * The event id of the latest stage of the call of audit stage row `alias`: the furthest stage (Panic,
 * ResponseComplete, …), then the latest stage time; the same stage from two files resolves to the first
 * imported, so a re-import never moves a call. Found through audit_stage_by_call among the call's stages.
 */
export const latestStageSql = (alias: string): string =>
  `(SELECT l.event_id FROM audit_stage l WHERE l.audit_id = ${alias}.audit_id
    ORDER BY l.stage_rank DESC, l.stage_time DESC, l.event_id LIMIT 1)`;

// Each call a grouping step touches, with its latest stage, found once per call: once per stage row, as
// a correlated subquery, it was quadratic in the stages of one auditID, which the client sets (20,000
// records under one ID took minutes). Kept in a temporary table of this connection for the step.
const CALL_LATEST_TABLE = `CREATE TEMP TABLE IF NOT EXISTS call_latest (audit_id TEXT PRIMARY KEY, event_id INTEGER NOT NULL);
  DELETE FROM temp.call_latest;`;
// Only calls of two stages or more: a call's one stage is never superseded, and stays as it was inserted
// (superseded = 0; a call's stages are never taken away but by rebuildApiCalls, which inserts them anew).
// Most audit policies omit RequestReceived, and then nearly every call has one stage: at 100,000 such
// records the step's two statements took 0.55 s, and 0.12 s this way.
const LATEST_OF_CALLS = `INSERT INTO temp.call_latest (audit_id, event_id)
  SELECT c.audit_id, ${latestStageSql('c')} FROM (
    SELECT s.audit_id FROM audit_stage s WHERE CALL_CLAUSE GROUP BY s.audit_id HAVING count(*) > 1) c`;

const SUPERSEDED = `UPDATE audit_stage AS st SET superseded = EXISTS (
    SELECT 1 FROM temp.call_latest c JOIN audit_stage ls ON ls.event_id = c.event_id
      JOIN event le ON le.id = c.event_id JOIN event se ON se.id = st.event_id
    WHERE c.audit_id = st.audit_id AND c.event_id <> st.event_id
      AND (st.stage_rank < ls.stage_rank OR se.raw_sha256 = le.raw_sha256))
  WHERE st.audit_id IN (SELECT audit_id FROM temp.call_latest)`;

const IN_SOURCE = (alias: string): string => `${alias}.audit_id IN (SELECT audit_id FROM audit_stage WHERE source_id = ?)`;

/** Adds one imported source's audit stages to the grouping (when a query first needs it). */
export function groupSourceApiCalls(db: Database.Database, sourceId: number): void {
  db.prepare(STAGES_OF.replace('SOURCE_CLAUSE', 'e.source_id = ?')).run(sourceId);
  db.exec(CALL_LATEST_TABLE);
  db.prepare(LATEST_OF_CALLS.replace('CALL_CLAUSE', IN_SOURCE('s'))).run(sourceId);
  db.prepare(SUPERSEDED).run();
}

/**
 * How many events of a source one step of the stepped grouping reads. Each step's calls are kept in a
 * temporary table, which SQLite's page cache holds: 100,000 calls are a few MiB, where a million (the whole
 * source at once) kept 17 MiB more for the rest of the command. At 1,000,000 audit events, steps of 20,000
 * took 9 s, of 100,000 7.4 s, and the whole source 7.2 s.
 */
export const GROUPING_STEP_EVENTS = 100_000;

const IN_STEP = (alias: string): string =>
  // `+source_id`: the step's rows are found by their event ids (the primary key), never by scanning the
  // whole source through its index, which made each step cost the size of the source.
  `${alias}.audit_id IN (SELECT audit_id FROM audit_stage WHERE +source_id = ? AND event_id BETWEEN ? AND ?)`;

/** How the stepped grouping runs: the events a step reads, and whether the source is a bulk load. */
export interface GroupingOptions {
  step?: number;
  /**
   * The source is a bulk load (its transaction set the event table's indexes aside): its stages are
   * written with the grouping's indexes aside too, then those are built again in one sorted pass (the
   * page cache sizes of the sort and after it), before any call is recomputed. Kept up row by row, the
   * index by auditID (a random key) took 16.5 s of a million events' stages, and 2.1 s + 1.4 s this way.
   */
  bulk?: { sortCacheKib: number; cacheKib: number };
}

/**
 * The same grouping as groupSourceApiCalls, a range of the source's events at a time, giving the event
 * loop a turn between ranges (`pause`): over a million records the single statements held the host's
 * thread for seconds. Each step adds its events' stages, then recomputes every call one of them belongs
 * to from all the stages the case holds, so a call whose stages fall in two steps ends as if grouped
 * whole. A bulk load adds every step's stages first, then recomputes the calls step by step, from all of
 * them likewise.
 */
export async function groupSourceApiCallsStepwise(
  db: Database.Database,
  sourceId: number,
  pause: () => Promise<void>,
  { step = GROUPING_STEP_EVENTS, bulk }: GroupingOptions = {},
): Promise<void> {
  const range = db.prepare('SELECT min(id) AS first, max(id) AS last FROM event WHERE source_id = ?').get(sourceId) as {
    first: number | null;
    last: number | null;
  };
  if (range.first === null || range.last === null) return;
  const { first, last } = range;
  const steps = function* (): Generator<[number, number]> {
    for (let from = first; from <= last; from += step) yield [from, Math.min(last, from + step - 1)];
  };
  const stages = db.prepare(STAGES_OF.replace('SOURCE_CLAUSE', 'e.source_id = ? AND e.id BETWEEN ? AND ?'));
  db.exec(CALL_LATEST_TABLE);
  const latest = db.prepare(LATEST_OF_CALLS.replace('CALL_CLAUSE', IN_STEP('s')));
  const clear = db.prepare('DELETE FROM temp.call_latest');
  const superseded = db.prepare(SUPERSEDED);
  const recompute = (from: number, to: number): void => {
    clear.run();
    latest.run(sourceId, from, to);
    superseded.run();
  };
  if (bulk) {
    // The partial index of superseded stages stays: a stage is written as not superseded, outside it.
    const aside = setIndexesAside(db, 'audit_stage', { keepPartial: true });
    for (const [from, to] of steps()) {
      stages.run(sourceId, from, to);
      await pause();
    }
    buildIndexes(db, aside, bulk.sortCacheKib, bulk.cacheKib);
    for (const [from, to] of steps()) {
      recompute(from, to);
      await pause();
    }
    return;
  }
  for (const [from, to] of steps()) {
    stages.run(sourceId, from, to);
    recompute(from, to);
    await pause();
  }
}

/** Recomputes the whole grouping from the evidence rows. */
export function rebuildApiCalls(store: CaseStore): void {
  store.writeNow(() =>
    store.db.transaction(() => {
      store.db.exec('DELETE FROM audit_stage;');
      store.db.exec(STAGES_OF.replace('SOURCE_CLAUSE', '1'));
      store.db.exec(CALL_LATEST_TABLE);
      store.db.exec(LATEST_OF_CALLS.replace('CALL_CLAUSE', '1'));
      store.db.exec(SUPERSEDED);
    })(),
  );
}

/**
 * A WHERE condition on event `e`: false for the earlier stages of an API call whose latest stage the
 * case holds (and for copies of that stage from other files), so a listing shows one row per call: the
 * latest stage, carrying the call's outcome.
 */
export const LATEST_STAGE_ONLY = 'NOT EXISTS (SELECT 1 FROM audit_stage st WHERE st.event_id = e.id AND st.superseded = 1)';

/** Hidden stages up to this many are read once per query into a list (with a Bloom filter) rather than looked up row by row. */
const FEW_HIDDEN_STAGES = 10_000;

/**
 * LATEST_STAGE_ONLY as the case's hidden stages make it cheapest. Most audit policies omit the
 * RequestReceived stage, and then a case hides few: SQLite reads them once into a list (from the partial
 * index of 0009) and checks each row against it, 3 to 5 times faster over a long stretch of the time
 * index than a lookup in `audit_stage` for every row (a page 173,200 rows deep: 20 ms against 70–130).
 * A case that hides many (every call logged at two stages) keeps the lookup, which builds no list.
 */
export function latestStageOnly(store: CaseStore): string {
  const hidden = store.memoRead(
    'hidden stages',
    () =>
      store.db
        .prepare(`SELECT count(*) FROM (SELECT 1 FROM audit_stage WHERE superseded = 1 LIMIT ${FEW_HIDDEN_STAGES + 1})`)
        .pluck()
        .get() as number,
  );
  return hidden <= FEW_HIDDEN_STAGES ? 'e.id NOT IN (SELECT event_id FROM audit_stage WHERE superseded = 1)' : LATEST_STAGE_ONLY;
}

export interface CallStage {
  id: number;
  stage: string;
  time?: string;
  source_name: string;
}

/** The API call an event is a stage of: its auditID and every stage row the case holds, in stage order. */
export function apiCallOf(store: CaseStore, eventId: number): { audit_id: string; latest_id: number; stages: CallStage[] } | undefined {
  const call = store.db
    .prepare(`SELECT st.audit_id, ${latestStageSql('st')} AS latest_event_id FROM audit_stage st WHERE st.event_id = ?`)
    .get(eventId) as { audit_id: string; latest_event_id: number } | undefined;
  if (!call) return undefined;
  const rows = store.db
    .prepare(
      `SELECT st.event_id AS id, st.stage, st.stage_time AS time, s.name AS source_name FROM audit_stage st
       JOIN source s ON s.id = st.source_id WHERE st.audit_id = ? ORDER BY st.stage_rank, st.stage_time, st.event_id`,
    )
    .all(call.audit_id) as { id: number; stage: string; time: string | null; source_name: string }[];
  return {
    audit_id: call.audit_id,
    latest_id: call.latest_event_id,
    stages: rows.map((row) => ({ id: row.id, stage: row.stage, ...(row.time ? { time: row.time } : {}), source_name: row.source_name })),
  };
}

/**
 * The same record in other sources of the case: the same bytes (raw_sha256, and the same event of the
 * record), or for audit events the same auditID and stage written differently (re-serialized by a
 * collector). Two files holding one record are two pieces of evidence that point to one another.
 */
export function duplicatesOf(store: CaseStore, eventId: number): Duplicate[] {
  // Two indexed lookups (by raw_sha256's first 16 digits, event_by_raw_prefix; by auditID), not one join with OR, which would scan every event.
  const rows = store.db
    .prepare(
      `SELECT d.id, s.name AS source_name, d.raw_sha256 = e.raw_sha256 AS same_bytes FROM event e
         JOIN event d ON d.id IN (
           SELECT x.id FROM event x
           WHERE substr(x.raw_sha256, 1, 16) = substr(e.raw_sha256, 1, 16) AND x.raw_sha256 = e.raw_sha256 AND x.ordinal = e.ordinal
           UNION
           SELECT o.event_id FROM audit_stage st JOIN audit_stage o ON o.audit_id = st.audit_id AND o.stage = st.stage
           WHERE st.event_id = e.id)
         JOIN source s ON s.id = d.source_id
       WHERE e.id = ? AND d.source_id <> e.source_id ORDER BY d.id`,
    )
    .all(eventId) as { id: number; source_name: string; same_bytes: number }[];
  return rows.map((row) => ({ id: row.id, source_name: row.source_name, same_bytes: row.same_bytes === 1 }));
}

/** The same record in another source: `same_bytes` false means the same auditID and stage, other bytes. */
export interface Duplicate {
  id: number;
  source_name: string;
  same_bytes: boolean;
}
