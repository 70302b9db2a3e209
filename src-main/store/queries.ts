// Read queries over a case file. Filters become one WHERE clause shared by the count and the page, so
// the timeline's row count and its rows can never disagree.
import type { EventFilter, SourceInfo } from '../shared/contract';
import { AUDIT_WRAPPERS, type AuditWrapper, type EventJson } from '../shared/model';
import { formatNanos, parseRfc3339Nanos } from '../shared/time';
import { apiCallOf, duplicatesOf, latestStageOnly, type CallStage, type Duplicate } from './api-calls';
import type { CaseStore } from './case-store';
import type { MarkResolver, QueryNode } from '../shared/query';
import { parseKeys } from './keys-text';
import type { LeanStage } from '../shared/stage';
import { compileQuery, textCondition } from './query-sql';
import { authzReasonSql, eventTimeSql } from './event-columns';
import { rawSql } from './raw-blocks';

/** Names the verification verdict of a record: its source and position → the verdict word. */
export type VerdictOf = (sourceId: number, position: number) => string | undefined;

export interface EventDbRow {
  id: number;
  source_id: number;
  source_name: string;
  source_format: string;
  position: number;
  raw: Buffer;
  raw_sha256: string;
  time: string | null;
  kind: EventJson['kind'];
  action: string | null;
  actor_type: NonNullable<EventJson['actor']>['type'] | null;
  actor_id: string | null;
  on_behalf_of: string | null;
  target_api_group: string | null;
  target_resource: string | null;
  target_namespace: string | null;
  target_name: string | null;
  target_uid: string | null;
  outcome: EventJson['outcome'];
  authz_decision: string | null;
  authz_reason: string | null;
  keys: string | null;
  taint: string | null;
  text: string | null;
}

/** The columns of an EventDbRow, the time given by `time` (SQL for the `time` column and any beside it). */
const eventColumns = (
  time: string,
  source = 's.name AS source_name, s.format AS source_format,',
): string => `e.id, e.source_id, ${source} e.position, e.raw_sha256, ${time}, e.kind, e.action,
  e.actor_type, e.actor_id, e.on_behalf_of, e.target_api_group, e.target_resource, e.target_namespace,
  e.target_name, e.target_uid, e.outcome, e.authz_decision, ${authzReasonSql('e')} AS authz_reason, e.keys, e.taint, e.text`;

export const EVENT_COLUMNS = eventColumns(`${eventTimeSql('e')} AS time`);

/** The object without its null and undefined fields (undefined when none is left), in the same order. */
function present<T extends Record<string, unknown>>(value: T): T | undefined {
  // A loop, not entries/filter/fromEntries: this runs for every event of a case the linker reads.
  let kept: Record<string, unknown> | undefined;
  for (const key in value) {
    const field = value[key];
    if (field !== null && field !== undefined) (kept ??= {})[key] = field;
  }
  return kept as T | undefined;
}

function wrapperOf(format: string): AuditWrapper | undefined {
  return (AUDIT_WRAPPERS as readonly string[]).includes(format) ? (format as AuditWrapper) : undefined;
}

/** Sets `key` on `object` when `value` is neither null nor undefined (what `present` keeps); whether it did. */
function put(object: Record<string, unknown>, key: string, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  object[key] = value;
  return true;
}

/**
 * An event row as the contract gives it: each field only when it has a value, in the contract's order.
 * Built field by field: the linker reads every event of a case through here, and a whole object copied
 * without its empty fields (`present`) made each event, its actor, target and decision twice.
 */
export function toEventJson(row: EventDbRow, verdictOf?: VerdictOf): EventJson {
  const event: Record<string, unknown> = {};
  put(event, 'id', row.id);
  put(event, 'source', row.source_name);
  put(event, 'position', row.position);
  put(event, 'raw_sha256', row.raw_sha256);
  put(event, 'time', row.time);
  put(event, 'kind', row.kind);
  put(event, 'action', row.action);
  if (row.actor_type && row.actor_id) {
    const actor: Record<string, unknown> = { type: row.actor_type, id: row.actor_id };
    put(actor, 'on_behalf_of', row.on_behalf_of);
    event.actor = actor;
  }
  const target: Record<string, unknown> = {};
  let targeted = put(target, 'api_group', row.target_api_group);
  targeted = put(target, 'resource', row.target_resource) || targeted;
  targeted = put(target, 'namespace', row.target_namespace) || targeted;
  targeted = put(target, 'name', row.target_name) || targeted;
  targeted = put(target, 'uid', row.target_uid) || targeted;
  if (targeted) event.target = target;
  put(event, 'outcome', row.outcome);
  if (row.authz_decision) {
    const authz: Record<string, unknown> = { decision: row.authz_decision };
    put(authz, 'reason', row.authz_reason);
    event.authz = authz;
  }
  if (row.keys) put(event, 'keys', parseKeys(row.keys));
  if (row.taint) put(event, 'taint', JSON.parse(row.taint));
  put(event, 'verdict', verdictOf?.(row.source_id, row.position));
  put(event, 'text', row.text);
  put(event, 'wrapper', wrapperOf(row.source_format));
  return event as EventJson;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface TimeBounds {
  since?: bigint;
  until?: bigint;
  /**
   * The verdict filter as the service resolves it (verdicts come from verification runs, not from a
   * column): the positions of each source whose records have a verdict asked for. Empty: nothing matches.
   */
  verdictSpans?: VerdictSpan[];
  /** The filter's query parsed (core/query), with the analyst's marks it names resolved to events. */
  query?: { node: QueryNode; marks: MarkResolver };
}

/** Records of one source at positions from `from` (inclusive) to `before` (exclusive); open ends unbounded. */
export interface VerdictSpan {
  source_id: number;
  from?: number;
  before?: number;
}

function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** The list filters beyond kind (outcome, namespace, taint, verdict): any of a field's values matches. */
function valuePredicates(filter: EventFilter, bounds: TimeBounds): { clauses: string[]; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const [column, values] of [
    ['e.outcome', filter.outcome],
    ['e.target_namespace', filter.namespace],
  ] as const) {
    if (!values || values.length === 0) continue;
    clauses.push(`${column} IN (${marks(values)})`);
    params.push(...values);
  }
  if (filter.sources && filter.sources.length > 0) {
    clauses.push(`e.source_id IN (SELECT id FROM source WHERE name IN (${marks(filter.sources)}))`);
    params.push(...filter.sources);
  }
  if (filter.taint && filter.taint.length > 0) {
    // The record's own labels, or those a taint chain gave it (derived_taint, migration 0022).
    clauses.push(
      `(EXISTS (SELECT 1 FROM json_each(e.taint) t WHERE t.value IN (${marks(filter.taint)})) OR EXISTS (SELECT 1 FROM derived_taint d, json_each(d.labels) t WHERE d.event_id = e.id AND t.value IN (${marks(filter.taint)})))`,
    );
    params.push(...filter.taint, ...filter.taint);
  }
  if (filter.verdict && filter.verdict.length > 0) {
    if (!bounds.verdictSpans) throw new Error('a verdict filter needs its spans resolved (service/verification.ts verdictSpans)');
    const spans = bounds.verdictSpans.map((span) => {
      params.push(span.source_id, ...(span.from !== undefined ? [span.from] : []), ...(span.before !== undefined ? [span.before] : []));
      return `(e.source_id = ?${span.from !== undefined ? ' AND e.position >= ?' : ''}${span.before !== undefined ? ' AND e.position < ?' : ''})`;
    });
    clauses.push(spans.length > 0 ? `(${spans.join(' OR ')})` : '0');
  }
  return { clauses, params };
}

function whereClause(
  store: CaseStore,
  filter: EventFilter,
  bounds: TimeBounds,
  latestOnly = !filter.stages,
): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.kind && filter.kind.length > 0) {
    clauses.push(`e.kind IN (${filter.kind.map(() => '?').join(', ')})`);
    params.push(...filter.kind);
  }
  if (filter.actor) {
    // The substring is matched against the case's few distinct names; the events come from the indexes.
    const names = "SELECT name FROM actor WHERE name LIKE ? ESCAPE '\\'";
    clauses.push(`(e.actor_id IN (${names}) OR e.on_behalf_of IN (${names}))`);
    params.push(likePattern(filter.actor), likePattern(filter.actor));
  }
  if (bounds.since !== undefined) {
    clauses.push('e.time_ns >= ?');
    params.push(bounds.since);
  }
  if (bounds.until !== undefined) {
    clauses.push('e.time_ns <= ?');
    params.push(bounds.until);
  }
  const values = valuePredicates(filter, bounds);
  clauses.push(...values.clauses);
  params.push(...values.params);
  if (filter.search) {
    // The search box's text, literally (no `*`): the same words-then-text search as a bare query word.
    const text = textCondition(store, { text: filter.search, wildcard: false });
    clauses.push(text.sql);
    params.push(...text.params);
  }
  if (bounds.query) {
    const query = compileQuery(store, bounds.query.node, bounds.query.marks);
    clauses.push(query.sql);
    params.push(...query.params);
  }
  if (latestOnly) clauses.push(latestStageOnly(store));
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export function countEvents(store: CaseStore, filter: EventFilter, bounds: TimeBounds): number {
  // What the filter matches, counted from an index alone; then, unless every stage is listed, less the
  // earlier stages among them that the listing hides. Those are counted whichever way is cheaper: from the
  // hidden stages (usually few) or, when the filter matches fewer events than that, event by event.
  const where = whereClause(store, filter, bounds, false);
  const count = (sql: string, params: unknown[]) =>
    store.db
      .prepare(sql)
      .pluck()
      .get(...params) as number;
  const matched = count(`SELECT count(*) FROM event e ${where.sql}`, where.params);
  if (filter.stages || matched === 0) return matched;
  const hidden = count('SELECT count(*) FROM audit_stage WHERE superseded = 1', []);
  if (hidden === 0) return matched;
  if (matched < hidden) {
    const latest = whereClause(store, filter, bounds, true);
    return count(`SELECT count(*) FROM event e ${latest.sql}`, latest.params);
  }
  if (!where.sql) return matched - hidden;
  const hiddenMatched = count(
    `SELECT count(*) FROM audit_stage st CROSS JOIN event e ON e.id = st.event_id ${andWhere(where, 'st.superseded = 1')}`,
    where.params,
  );
  return matched - hiddenMatched;
}

/** Matches beyond this make a query broad: its page is read in time order rather than sorted. */
const BROAD_QUERY = 2_000;

/**
 * How a query's page is read. A field's index finds its matches, which are then sorted: quick while they
 * are few, but "ns:a OR ns:b" over a million events can match a hundred thousand, all sorted for one page.
 * Such a query is read along the time index instead, stopping at the page's end, which comes soon because
 * its matches are dense. A bounded count through the field indexes says which of the two it is.
 */
function pageOrder(store: CaseStore, where: { sql: string; params: unknown[] }, bounds: TimeBounds): string {
  if (!bounds.query) return '';
  const probe = store.db
    .prepare(`SELECT count(*) FROM (SELECT 1 FROM event e ${where.sql} LIMIT ${BROAD_QUERY})`)
    .pluck()
    .get(...where.params) as number;
  return probe >= BROAD_QUERY ? 'INDEXED BY event_by_time' : '';
}

/** From this offset on, a page's events are found by their ids first, and then read (listEvents). */
export const DEEP_PAGE = 1_000;

export interface PageOptions {
  /** How many events the filter lists (countEvents): a page past the middle is then counted from the end. */
  total?: number;
  /** The offset from which the page is found by ids first (DEEP_PAGE; the tests move it). */
  deepFrom?: number;
}

const TIME_ORDER = 'ORDER BY e.time_ns NULLS LAST, e.id';
const REVERSE_TIME_ORDER = 'ORDER BY e.time_ns DESC NULLS FIRST, e.id DESC';

/**
 * Events in time order (events without a time last), a page at a time. A deep page (the timeline
 * scrolled to a selected event 173,200 rows down, or to its end) is found in two steps: the ids of its
 * events, skipping the rows before it along the time index alone (covering: no event row is read, and no
 * source joined, for a row skipped), and from the end backwards when the page lies past the middle; then
 * those events are read. Reading every skipped row whole took 0.2 s at 173,200 and 1–1.6 s at 900,000.
 */
export function listEvents(
  store: CaseStore,
  filter: EventFilter,
  bounds: TimeBounds,
  page: { offset: number; limit: number },
  verdictOf?: VerdictOf,
  options: PageOptions = {},
): EventJson[] {
  const where = whereClause(store, filter, bounds);
  const hint = pageOrder(store, where, bounds);
  const read = (sql: string, params: unknown[]) =>
    (store.db.prepare(`SELECT ${EVENT_COLUMNS} FROM event e ${sql}`).all(...params) as EventDbRow[]).map((row) =>
      toEventJson(row, verdictOf),
    );
  if (page.offset < (options.deepFrom ?? DEEP_PAGE) || page.limit <= 0) {
    return read(`${hint} JOIN source s ON s.id = e.source_id ${where.sql} ${TIME_ORDER} LIMIT ? OFFSET ?`, [
      ...where.params,
      page.limit,
      page.offset,
    ]);
  }
  const ids = (order: string, limit: number, offset: number) =>
    store.db
      .prepare(`SELECT e.id FROM event e ${hint} ${where.sql} ${order} LIMIT ? OFFSET ?`)
      .pluck()
      .all(...where.params, limit, offset) as number[];
  const { total } = options;
  let found: number[];
  if (total !== undefined && page.offset > total / 2) {
    // The rows after the page, skipped from the end; a page that runs past the end is cut there.
    const after = total - page.offset - page.limit;
    found = after >= 0 ? ids(REVERSE_TIME_ORDER, page.limit, after) : ids(REVERSE_TIME_ORDER, Math.max(0, page.limit + after), 0);
    found.reverse();
  } else found = ids(TIME_ORDER, page.limit, page.offset);
  if (found.length === 0) return [];
  return read(`JOIN source s ON s.id = e.source_id WHERE e.id IN (SELECT value FROM json_each(?)) ${TIME_ORDER}`, [JSON.stringify(found)]);
}

/** Every event matching the filter, streamed in time order (for the CLI and exports). */
export function* iterateEvents(store: CaseStore, filter: EventFilter, bounds: TimeBounds, verdictOf?: VerdictOf): Generator<EventJson> {
  const where = whereClause(store, filter, bounds);
  const statement = store.db.prepare(
    `SELECT ${EVENT_COLUMNS} FROM event e JOIN source s ON s.id = e.source_id ${where.sql}
     ORDER BY e.time_ns NULLS LAST, e.id`,
  );
  for (const row of statement.iterate(...where.params)) yield toEventJson(row as EventDbRow, verdictOf);
}

/**
 * The columns of EVENT_COLUMNS for a reader that takes the time as an integer: the row's own time text
 * (NULL for a row written since migration 0030, whose time is time_ns alone) and time_ns in two halves
 * that a double holds exactly (seconds and nanoseconds; SQLite truncates both toward zero, so
 * seconds × 10⁹ + nanoseconds is time_ns, negative or not), where the text is NULL and time_ns an integer.
 */
const TIMED_TIME = `e.time AS time,
   CASE WHEN e.time IS NULL AND typeof(e.time_ns) = 'integer' THEN e.time_ns / 1000000000 END AS time_s,
   CASE WHEN e.time IS NULL AND typeof(e.time_ns) = 'integer' THEN e.time_ns % 1000000000 END AS time_f`;
const TIMED_EVENT_COLUMNS = eventColumns(TIMED_TIME);

/**
 * The events in time order as iterateEvents gives them with no filter (an API call's latest stage, not
 * the stages it supersedes), each with its time as nanoseconds (`timeNs`) where the row keeps it as an
 * integer; those leave out `time`, which is its formatting (causa_time), for the reader to make where it
 * shows one. The linker reads every event of a case and compares their times as integers: formatting
 * each time in SQLite and parsing it again was a third of its read.
 */
export function* iterateTimedEvents(store: CaseStore, verdictOf?: VerdictOf): Generator<EventJson & { timeNs?: bigint | null }> {
  const where = whereClause(store, {}, {});
  const statement = store.db.prepare(
    `SELECT ${TIMED_EVENT_COLUMNS} FROM event e JOIN source s ON s.id = e.source_id ${where.sql}
     ORDER BY e.time_ns NULLS LAST, e.id`,
  );
  for (const row of statement.iterate(...where.params)) yield timedEventOf(row as TimedRow, verdictOf);
}

type TimedRow = EventDbRow & { time_s: number | null; time_f: number | null };

/** A row of TIMED_EVENT_COLUMNS as the event it is: its time as nanoseconds where the row keeps it so. */
function timedEventOf(row: TimedRow, verdictOf?: VerdictOf): EventJson & { timeNs?: bigint | null } {
  const event: EventJson & { timeNs?: bigint | null } = toEventJson(row, verdictOf);
  if (row.time === null) event.timeNs = timedNs(row);
  return event;
}

/** time_ns from the two halves a double holds exactly (TIMED_EVENT_COLUMNS), or null. */
function timedNs(row: { time_s: number | null; time_f: number | null }): bigint | null {
  return row.time_s === null ? null : BigInt(row.time_s) * 1_000_000_000n + BigInt(row.time_f!);
}

interface StageRow {
  id: number;
  time: string | null;
  time_s: number | null;
  time_f: number | null;
  kind: string;
  action: string | null;
  actor_type: string | null;
  actor_id: string | null;
  target_resource: string | null;
  target_namespace: string | null;
  target_name: string | null;
  target_uid: string | null;
  outcome: string;
  authz_decision: string | null;
  keys: string | null;
}

/**
 * The events of `iterateTimedEvents`, in its order, as their lean stages (shared/stage.ts): a dozen columns
 * of each row, not two dozen and an authorization reason's subquery (the linker reads every event of a
 * case, and most of a large one go to its background groups as they are). Each field is the one the whole
 * event gives the linker: absent where the row holds NULL, the time the event's own (its text when the row
 * has one, else time_ns), the actor's id only when the row names its type too. `full` reads the whole
 * event of a stage, as `iterateTimedEvents` gives it, in the same read of the case.
 */
export function timedStages(
  store: CaseStore,
  verdictOf?: VerdictOf,
): { stages: Generator<LeanStage>; full: (stage: { id: number }) => EventJson & { timeNs?: bigint | null } } {
  const where = whereClause(store, {}, {});
  const statement = store.db.prepare(
    `SELECT e.id, ${TIMED_TIME}, e.kind, e.action, e.actor_type, e.actor_id, e.target_resource, e.target_namespace, e.target_name, e.target_uid,
       e.outcome, e.authz_decision, e.keys
     FROM event e JOIN source s ON s.id = e.source_id ${where.sql} ORDER BY e.time_ns NULLS LAST, e.id`,
  );
  // One event by id, its source's name and format from the case's few sources: joined to its source, the
  // look-up took SQLite 30–45 µs an event where alone it takes 5.
  const sources = new Map(
    (store.db.prepare('SELECT id, name, format FROM source').all() as { id: number; name: string; format: string }[]).map((row) => [
      row.id,
      row,
    ]),
  );
  const one = store.db.prepare(`SELECT ${eventColumns(TIMED_TIME, '')} FROM event e WHERE e.id = ?`);
  function* stages(): Generator<LeanStage> {
    for (const row of statement.iterate(...where.params) as Iterable<StageRow>) {
      const stage: LeanStage = {
        id: row.id,
        kind: row.kind ?? undefined,
        action: row.action ?? undefined,
        resource: row.target_resource ?? undefined,
        namespace: row.target_namespace ?? undefined,
        name: row.target_name ?? undefined,
        uid: row.target_uid ?? undefined,
        timeNs: row.time === null ? timedNs(row) : row.time ? parseRfc3339Nanos(row.time) : null,
        outcome: row.outcome ?? undefined,
        authzDecision: row.authz_decision ? row.authz_decision : undefined,
        keys: row.keys ? (parseKeys(row.keys) ?? undefined) : undefined,
        actorId: row.actor_type && row.actor_id ? row.actor_id : undefined,
      };
      yield stage;
    }
  }
  return {
    stages: stages(),
    full: (stage) => {
      const row = one.get(stage.id) as TimedRow | undefined;
      if (!row) throw new Error(`event ${stage.id} is not in the case it was read from`);
      const source = sources.get(row.source_id);
      if (!source) throw new Error(`event ${stage.id} names no source of the case`);
      row.source_name = source.name;
      row.source_format = source.format;
      return timedEventOf(row, verdictOf);
    },
  };
}

/** The ids of the events a filter matches (the graph keeps the nodes whose events match). */
export function matchingEventIds(store: CaseStore, filter: EventFilter, bounds: TimeBounds): Set<number> {
  const where = whereClause(store, filter, bounds);
  const ids = new Set<number>();
  for (const row of store.db
    .prepare(`SELECT e.id FROM event e ${where.sql}`)
    .pluck()
    .iterate(...where.params))
    ids.add(row as number);
  return ids;
}

function andWhere(where: { sql: string }, condition: string): string {
  return where.sql ? `${where.sql} AND ${condition}` : `WHERE ${condition}`;
}

/**
 * The row index of an event in the filtered timeline (ordered by time, untimed last, then id), or
 * undefined when the filter excludes it; the graph view uses it to scroll the timeline to a node's event.
 */
export function eventIndex(store: CaseStore, filter: EventFilter, bounds: TimeBounds, id: number): number | undefined {
  const where = whereClause(store, filter, bounds);
  const hit = store.db
    .prepare(`SELECT e.time_ns AS t FROM event e ${andWhere(where, 'e.id = ?')}`)
    .safeIntegers(true)
    .get(...where.params, id) as { t: bigint | null } | undefined;
  if (!hit) return undefined;
  const before =
    hit.t === null
      ? { sql: '(e.time_ns IS NOT NULL OR e.id < ?)', params: [id] }
      : { sql: '(e.time_ns < ? OR (e.time_ns = ? AND e.id < ?))', params: [hit.t, hit.t, id] };
  const row = store.db
    .prepare(`SELECT count(*) AS n FROM event e ${andWhere(where, before.sql)}`)
    .get(...where.params, ...before.params) as {
    n: number;
  };
  return row.n;
}

const ACTIVITY = "e.source_id NOT IN (SELECT id FROM source WHERE format = 'k8s-resources')";

/**
 * The first and last time of the case's activity. Listings are state, not activity: an object's creation
 * time may be months before the incident, and would stretch a brush until the incident is a sliver, or
 * make a report's window claim months of evidence. They are not spanned.
 */
function activitySpanNs(store: CaseStore): { first: bigint | null; last: bigint | null } {
  // Each end read along the time index, skipping listings: min() and max() with the source condition
  // read every row (370 ms over a million events), these a handful.
  const end = (order: 'ASC' | 'DESC') =>
    (store.db
      .prepare(
        `SELECT time_ns FROM event e INDEXED BY event_by_time WHERE time_ns IS NOT NULL AND ${ACTIVITY} ORDER BY time_ns ${order} LIMIT 1`,
      )
      .pluck()
      .safeIntegers(true)
      .get() as bigint | undefined) ?? null;
  return { first: end('ASC'), last: end('DESC') };
}

/** The activity span as RFC 3339 times (what a report calls its evidence window). */
export function activitySpan(store: CaseStore): { first?: string; last?: string } {
  const span = activitySpanNs(store);
  return {
    ...(span.first !== null ? { first: formatNanos(span.first) } : {}),
    ...(span.last !== null ? { last: formatNanos(span.last) } : {}),
  };
}

/**
 * Counts of the filter's events in `buckets` equal slices of [start, end]: the filter's bounds where it
 * has them, else the first and last event time of the whole case (so a brush over it stays put).
 */
export function eventHistogram(
  store: CaseStore,
  filter: EventFilter,
  bounds: TimeBounds,
  buckets: number,
): { start?: bigint; end?: bigint; counts: number[] } {
  const span = activitySpanNs(store);
  const start = bounds.since ?? span.first;
  const end = bounds.until ?? span.last;
  if (start === null || end === null || end < start) return { counts: [] };
  const width = (end - start) / BigInt(buckets) + 1n;
  const unfiltered = unfilteredHistogram(store, filter, bounds, { start, end, width, buckets });
  if (unfiltered) return { start, end, counts: unfiltered };
  const where = whereClause(store, filter, bounds);
  const rows = store.db
    .prepare(
      `SELECT (e.time_ns - ?) / ? AS b, count(*) AS n FROM event e ${andWhere(where, `e.time_ns IS NOT NULL AND ${ACTIVITY}`)} GROUP BY b`,
    )
    .safeIntegers(true)
    .all(start, width, ...where.params) as { b: bigint; n: bigint }[];
  const counts = new Array<number>(buckets).fill(0);
  for (const row of rows) if (row.b >= 0n && row.b < BigInt(buckets)) counts[Number(row.b)] = Number(row.n);
  return { start, end, counts };
}

/**
 * The histogram of a filter that narrows nothing but time (the timeline as it opens), counted bucket by
 * bucket along the time index (index entries only), less the listings and the hidden earlier stages in
 * each bucket, which are few: grouping a million rows by bucket read every row (1.1 s). Undefined when the
 * filter narrows, or when the hidden stages are many (every request logged in two stages): the grouping
 * query is then as quick.
 */
function unfilteredHistogram(
  store: CaseStore,
  filter: EventFilter,
  bounds: TimeBounds,
  range: { start: bigint; end: bigint; width: bigint; buckets: number },
): number[] | undefined {
  if (whereClause(store, filter, { ...bounds, since: undefined, until: undefined }, false).sql !== '') return undefined;
  const hidden = filter.stages ? 0 : (store.db.prepare('SELECT count(*) FROM audit_stage WHERE superseded = 1').pluck().get() as number);
  if (hidden > 10_000) return undefined;
  const { start, end, width, buckets } = range;
  const counts = new Array<number>(buckets).fill(0);
  const inRange = store.db
    .prepare('SELECT count(*) FROM event INDEXED BY event_by_time WHERE time_ns >= ? AND time_ns < ?')
    .pluck()
    .safeIntegers(true);
  for (let b = 0; b < buckets; b += 1) {
    const low = start + width * BigInt(b);
    const high = low + width > end + 1n ? end + 1n : low + width;
    if (low <= end) counts[b] = Number(inRange.get(low, high) as bigint);
  }
  const less = (sql: string) => {
    const rows = store.db.prepare(sql).safeIntegers(true).all(start, width, start, end) as { b: bigint; n: bigint }[];
    for (const row of rows) if (row.b >= 0n && row.b < BigInt(buckets)) counts[Number(row.b)]! -= Number(row.n);
  };
  less(
    `SELECT (e.time_ns - ?) / ? AS b, count(*) AS n FROM event e
     WHERE e.source_id IN (SELECT id FROM source WHERE format = 'k8s-resources') AND e.time_ns >= ? AND e.time_ns <= ? GROUP BY b`,
  );
  if (hidden > 0)
    less(
      `SELECT (e.time_ns - ?) / ? AS b, count(*) AS n FROM audit_stage st CROSS JOIN event e ON e.id = st.event_id
       WHERE st.superseded = 1 AND e.time_ns >= ? AND e.time_ns <= ? AND ${ACTIVITY} GROUP BY b`,
    );
  return counts;
}

export interface FoundEvent {
  event: EventJson;
  raw: Buffer;
  /** A document record's context (migration 0012), when it has one. */
  context?: { bytes: Buffer; sha256: string };
  source_name: string;
  /** For a stage of an audited API call: the call's auditID, its latest stage and every stage in the case. */
  api_call?: { audit_id: string; latest_id: number; stages: CallStage[] };
  /** The same record in other sources of the case. */
  duplicates: Duplicate[];
}

export function getEvent(store: CaseStore, id: number, verdictOf?: VerdictOf): FoundEvent | undefined {
  const row = store.db
    .prepare(`SELECT ${EVENT_COLUMNS}, ${rawSql('e')} AS raw FROM event e JOIN source s ON s.id = e.source_id WHERE e.id = ?`)
    .get(id) as EventDbRow | undefined;
  if (!row) return undefined;
  const call = apiCallOf(store, id);
  const context = store.db
    .prepare('SELECT c.sha256, c.bytes FROM event_context ec JOIN record_context c ON c.sha256 = ec.context_sha256 WHERE ec.event_id = ?')
    .get(id) as { sha256: string; bytes: Buffer } | undefined;
  return {
    event: toEventJson(row, verdictOf),
    raw: row.raw,
    ...(context ? { context } : {}),
    source_name: row.source_name,
    ...(call ? { api_call: call } : {}),
    duplicates: duplicatesOf(store, id),
  };
}

export function listSources(store: CaseStore): SourceInfo[] {
  return store.db
    .prepare(
      `SELECT s.id, s.name, s.format, s.sha256, s.size, s.imported_at,
        (SELECT count(*) FROM event e WHERE e.source_id = s.id) AS records,
        (SELECT count(*) FROM import_error x WHERE x.source_id = s.id) AS errors
       FROM source s ORDER BY s.id`,
    )
    .all() as SourceInfo[];
}

/** Each source's name by id, without counting its records (listSources does). */
export function sourceNames(store: CaseStore): Map<number, string> {
  const rows = store.db.prepare('SELECT id, name FROM source').all() as { id: number; name: string }[];
  return new Map(rows.map((r) => [r.id, r.name]));
}

export function listImportErrors(store: CaseStore, sourceId: number): { line: number; locator: string | null; reason: string }[] {
  return store.db.prepare('SELECT line, locator, reason FROM import_error WHERE source_id = ? ORDER BY line').all(sourceId) as {
    line: number;
    locator: string | null;
    reason: string;
  }[];
}

export function kindCounts(store: CaseStore): { kind: EventJson['kind']; count: number }[] {
  return store.db.prepare('SELECT kind, count(*) AS count FROM event GROUP BY kind ORDER BY count DESC').all() as {
    kind: EventJson['kind'];
    count: number;
  }[];
}

export function caseSummary(store: CaseStore): { events: number; first_time?: string; last_time?: string } {
  const row = store.db
    .prepare(
      `SELECT count(*) AS events,
        (SELECT ${eventTimeSql('event')} FROM event WHERE time_ns IS NOT NULL ORDER BY time_ns LIMIT 1) AS first_time,
        (SELECT ${eventTimeSql('event')} FROM event WHERE time_ns IS NOT NULL ORDER BY time_ns DESC LIMIT 1) AS last_time
       FROM event`,
    )
    .get() as { events: number; first_time: string | null; last_time: string | null };
  return present({ events: row.events, first_time: row.first_time ?? undefined, last_time: row.last_time ?? undefined }) as {
    events: number;
  };
}
