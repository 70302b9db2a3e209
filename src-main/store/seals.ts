// The seals of a case's sources and the signed heads of its journal, as the case file keeps them
// (migrations/0010_case_seal.sql), and the reads that re-check them a page at a time.
import { hash } from 'node:crypto';
import type { NormalizedEvent } from '../shared/model';
import { formatNanos } from '../shared/time';
import type { CaseStore } from './case-store';
import { authzReasonSql, eventTimeSql, keptElsewhereSql } from './event-columns';
import { rawSql } from './raw-blocks';

/** The columns of an event row that a seal covers, in the order a row digest takes them. */
export const SEALED_COLUMNS = [
  'locator',
  'ordinal',
  'raw_sha256',
  'time_ns',
  'time',
  'time_text',
  'kind',
  'action',
  'actor_type',
  'actor_id',
  'on_behalf_of',
  'target_api_group',
  'target_resource',
  'target_namespace',
  'target_name',
  'target_uid',
  'outcome',
  'authz_decision',
  'authz_reason',
  'keys',
  'taint',
  'text',
  'stage',
  'stage_time',
] as const;
export type SealedColumn = (typeof SEALED_COLUMNS)[number];

/** The SQL expression that reads a sealed column of event `alias` (migration 0030 keeps two elsewhere). */
export function sealedColumnSql(column: SealedColumn, alias: string): string {
  if (column === 'time') return eventTimeSql(alias);
  if (column === 'authz_reason') return authzReasonSql(alias);
  return `${alias}.${column}`;
}

/**
 * The values a row digest takes: the sealed columns, then the SHA-256 of the record's context (an OTLP
 * span's resource and scope, migration 0012), computed from the context's bytes as they are stored now.
 */
export const SEALED_VALUES = [...SEALED_COLUMNS, 'context'] as const;

export type ColumnValue = string | number | bigint | null;

/** An event's column values as the store writes them (CaseStore addEvent), in SEALED_COLUMNS order. */
export function sealedColumnValues(event: NormalizedEvent, row: { locator?: string; ordinal: number; raw_sha256: string }): ColumnValue[] {
  const e = event;
  return [
    row.locator ?? null,
    row.ordinal,
    row.raw_sha256,
    e.time_ns,
    e.time_ns === null ? null : formatNanos(e.time_ns),
    e.time_text ?? null,
    e.kind,
    e.action ?? null,
    e.actor?.type ?? null,
    e.actor?.id ?? null,
    e.actor?.on_behalf_of ?? null,
    e.target?.api_group ?? null,
    e.target?.resource ?? null,
    e.target?.namespace ?? null,
    e.target?.name ?? null,
    e.target?.uid ?? null,
    e.outcome,
    e.authz?.decision ?? null,
    e.authz?.reason ?? null,
    e.keys ? JSON.stringify(e.keys) : null,
    e.taint ? JSON.stringify(e.taint) : null,
    e.text ?? null,
    e.stage?.name ?? null,
    e.stage?.time ?? null,
  ];
}

/** An event's row values as a seal covers them: its columns, then its context's hash (SEALED_VALUES order). */
export function rowValues(
  event: NormalizedEvent,
  row: { locator?: string; ordinal: number; raw_sha256: string; context_sha256?: string },
): ColumnValue[] {
  const values = sealedColumnValues(event, row);
  values.push(row.context_sha256 ?? null);
  return values;
}

export interface SealRow {
  source_id: number;
  seal: string;
  leaves: Buffer;
  positions: Buffer;
  rows: Buffer;
  gaps: Buffer | null;
  gap_lengths: Buffer | null;
  signature: string;
}

export type SealTableKind = 'leaves' | 'positions' | 'rows';

/**
 * A seal side table's bytes, a piece at a time: its column in `source_seal` (all of it in a case made
 * before migration 0024), then its blocks in seq order. A piece a forger stored as another type is read as
 * its text (the table's hash then tells).
 */
export function* sealTablePieces(store: CaseStore, row: SealRow, kind: SealTableKind): Generator<Buffer> {
  const column = row[kind] as unknown;
  const first = Buffer.isBuffer(column) ? column : Buffer.from(String(column ?? ''), 'utf8');
  if (first.length > 0) yield first;
  const next = store.db
    .prepare('SELECT seq, bytes FROM source_seal_block WHERE source_id = ? AND kind = ? AND seq > ? ORDER BY seq LIMIT 1')
    .raw(true);
  let after = -1;
  for (;;) {
    const block = next.get(row.source_id, kind, after) as [number, unknown] | undefined;
    if (!block) return;
    after = block[0];
    yield Buffer.isBuffer(block[1]) ? block[1] : Buffer.from(String(block[1]), 'utf8');
  }
}

/** How many bytes a seal side table holds (column and blocks). */
export function sealTableLength(store: CaseStore, row: SealRow, kind: SealTableKind): number {
  const blocks = store.db
    .prepare('SELECT coalesce(sum(length(bytes)), 0) FROM source_seal_block WHERE source_id = ? AND kind = ?')
    .pluck()
    .get(row.source_id, kind) as number;
  return (Buffer.isBuffer(row[kind]) ? row[kind].length : 0) + blocks;
}

/** A seal side table whole (an excerpt's inclusion proofs need every leaf of the source). */
export function readSealTable(store: CaseStore, row: SealRow, kind: SealTableKind): Buffer {
  return Buffer.concat([...sealTablePieces(store, row, kind)]);
}

export function readSeals(store: CaseStore): SealRow[] {
  return store.db.prepare('SELECT * FROM source_seal ORDER BY source_id').all() as SealRow[];
}

export function readSeal(store: CaseStore, sourceId: number): SealRow | undefined {
  return store.db.prepare('SELECT * FROM source_seal WHERE source_id = ?').get(sourceId) as SealRow | undefined;
}

/** The seal written last (the next one chains to it). */
export function lastSeal(store: CaseStore): { source_id: number; seal: string } | undefined {
  return store.db.prepare('SELECT source_id, seal FROM source_seal ORDER BY source_id DESC LIMIT 1').get() as
    { source_id: number; seal: string } | undefined;
}

export interface SealEpoch {
  after_source: number;
  after_journal: number;
}

export function readSealEpoch(store: CaseStore): SealEpoch | undefined {
  return store.db.prepare('SELECT after_source, after_journal FROM seal_epoch WHERE id = 1').get() as SealEpoch | undefined;
}

export interface StoredSource {
  id: number;
  name: string;
  format: string;
  sha256: string;
  size: number;
}

export function listStoredSources(store: CaseStore): StoredSource[] {
  return store.db.prepare('SELECT id, name, format, sha256, size FROM source ORDER BY id').all() as StoredSource[];
}

/** One stored event row with the values a seal covers (integers as bigint, as SQLite holds them). */
export interface StoredRow {
  id: bigint;
  position: bigint;
  raw: Buffer;
  values: ColumnValue[];
}

/**
 * The context value of a stored row: the SHA-256 of the context bytes as stored (not the key they are
 * stored under, which an edit of the bytes leaves as it was); a link to a context that is gone keeps the
 * key it names, marked, so that it differs from every sealed value.
 */
function contextValue(linked: ColumnValue, bytes: Buffer | null): ColumnValue {
  if (bytes !== null) return hash('sha256', bytes, 'hex');
  return linked === null ? null : `missing ${String(linked)}`;
}

/**
 * A source's event rows in (position, ordinal) order, a page at a time, so that no statement stays open
 * between pages (a verification pauses between them and the connection serves other queries meanwhile).
 * `columns` follow id, position and ordinal; the rows come as SQLite returns them.
 */
function* pageSource(store: CaseStore, sourceId: number, columns: string, size: number): Generator<unknown[][]> {
  const statement = store.db
    .prepare(
      `SELECT e.id, e.position, e.ordinal, ${columns}
       FROM event e LEFT JOIN event_context ec ON ec.event_id = e.id LEFT JOIN record_context rc ON rc.sha256 = ec.context_sha256
       WHERE e.source_id = ? AND (e.position, e.ordinal) > (?, ?) ORDER BY e.position, e.ordinal LIMIT ?`,
    )
    .raw(true)
    .safeIntegers(true);
  let after = { position: -1n, ordinal: -1n };
  for (;;) {
    // A row value: SQLite seeks the (source_id, position, ordinal) index to the page's start, where an OR of
    // the two comparisons scanned the source from its first row on every page.
    const page = statement.all(sourceId, after.position, after.ordinal, size) as unknown[][];
    if (page.length === 0) return;
    yield page;
    if (page.length < size) return;
    const last = page.at(-1)!;
    after = { position: last[1] as bigint, ordinal: last[2] as bigint };
  }
}

/** A source's event rows with the values a seal covers, a page at a time. */
export function* pageSourceRows(store: CaseStore, sourceId: number, size = 4000): Generator<StoredRow[]> {
  const columns = `${rawSql('e')}, ${SEALED_COLUMNS.map((c) => sealedColumnSql(c, 'e')).join(', ')}, ec.context_sha256, rc.bytes`;
  const end = 4 + SEALED_COLUMNS.length;
  for (const page of pageSource(store, sourceId, columns, size) as Generator<ColumnValue[][]>) {
    yield page.map((r) => ({
      id: r[0] as bigint,
      position: r[1] as bigint,
      raw: r[3] as unknown as Buffer,
      values: [...r.slice(4, end), contextValue(r[end]!, r[end + 1] as unknown as Buffer | null)],
    }));
  }
}

/** One stored event row with the text its part of a row digest hashes, built by SQLite (`rowDigestText`). */
export interface StoredRowText {
  id: bigint;
  position: bigint;
  /** The record's bytes; not read (undefined) when its leaves are hashed elsewhere (store/seal-leaves.ts). */
  raw: Buffer | undefined;
  text: string;
}

/**
 * A column's part of a row digest's text, as `rowDigestText` makes it from the value better-sqlite3 returns:
 * NULL as 0x00, text tagged `s`, any other type (an integer, or what a forger stored in its place) tagged
 * `n` with its text, each ended by 0x1E.
 */
function digestPart(column: string): string {
  return `CASE typeof(${column}) WHEN 'null' THEN char(0, 30) WHEN 'text' THEN 's' || ${column} || char(30) ELSE 'n' || CAST(${column} AS TEXT) || char(30) END`;
}

/**
 * A sealed column's part of the digest text. The two kept elsewhere since migration 0030 are the row's own
 * value when it has one, else the text read elsewhere (taken once, not once per CASE arm): causa_time gives
 * text or NULL, and event_text's text is what the dictionary holds, tagged as `rowDigestText` tags a string
 * (a blob a forger stored there reads as its bytes, an edit all the same).
 */
function sealedDigestPart(column: SealedColumn): string {
  const own = digestPart(`e.${column}`);
  if (column !== 'time' && column !== 'authz_reason') return own;
  return `CASE WHEN e.${column} IS NOT NULL THEN ${own} ELSE coalesce('s' || ${keptElsewhereSql(column, 'e')} || char(30), char(0, 30)) END`;
}

/**
 * The row's context value (`contextValue`): the SHA-256 of the bytes stored (`causa_sha256_hex`, registered on
 * every connection by CaseStore.open), or the key of a context gone.
 */
const CONTEXT_PART = `CASE WHEN rc.bytes IS NOT NULL THEN 's' || causa_sha256_hex(rc.bytes) || char(30)
  WHEN ec.context_sha256 IS NULL THEN char(0, 30) ELSE 's' || 'missing ' || CAST(ec.context_sha256 AS TEXT) || char(30) END`;

/**
 * `pageSourceRows` for the check of a seal: SQLite builds each row's digest text (the same text
 * `rowDigestText` makes of the values `pageSourceRows` returns, tested in seal-digest-text.test.ts), so no
 * column value becomes a JavaScript value of its own. About half the time of a verification was that.
 */
export function* pageSourceDigestTexts(
  store: CaseStore,
  sourceId: number,
  options: { raw: boolean; size?: number },
): Generator<StoredRowText[]> {
  const columns = `${options.raw ? rawSql('e') : 'NULL'}, ${SEALED_COLUMNS.map((c) => sealedDigestPart(c)).join(' || ')} || ${CONTEXT_PART} || char(29)`;
  const pages = pageSource(store, sourceId, columns, options.size ?? 4000) as Generator<[bigint, bigint, bigint, Buffer | null, string][]>;
  for (const page of pages) yield page.map((r) => ({ id: r[0], position: r[1], raw: r[3] ?? undefined, text: r[4] }));
}

/** A source's import errors as stored, in id order (a seal covers them too). */
export function sourceErrors(store: CaseStore, sourceId: number): { line: number; locator: string | null; reason: string }[] {
  return store.db.prepare('SELECT line, locator, reason FROM import_error WHERE source_id = ? ORDER BY id').all(sourceId) as {
    line: number;
    locator: string | null;
    reason: string;
  }[];
}

export function readJournalHeads(store: CaseStore): { seq: number; hash: string; signature: string }[] {
  return store.db.prepare('SELECT seq, hash, signature FROM journal_head ORDER BY seq').all() as {
    seq: number;
    hash: string;
    signature: string;
  }[];
}
