// A case file: one SQLite database per case. This module and its siblings are the only code that talks
// to better-sqlite3; everything else sees plain rows and the evidence model.
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import type { NormalizedEvent } from '../shared/model';
import type { KindMapping, NameDeletion } from '../shared/objects';
import { groupSourceApiCalls, groupSourceApiCallsStepwise } from './api-calls';
import { buildIndexes, setIndexesAside, type SetAsideIndex } from './set-aside';
import { migrate } from './migrate';
import {
  BUILT_WITH_EVIDENCE,
  buildEventIndexesInThread,
  buildPendingEventIndexes,
  eventIndexesPending,
  markEventIndexesPending,
} from './event-indexes';
import { checkSchema } from './schema-check';
import { SEALED_COLUMNS, sealedColumnValues, type ColumnValue, type SealRow } from './seals';
import { searchableBytes, searchableText } from './search-text';
import { SearchIndexBuilder } from './search-builder';
import { RawBlockWriter, rawSql, registerRawFunction } from './raw-blocks';
import { EventTextWriter, registerTimeFunction } from './event-columns';
import { recordObjects, type FoldedObject } from './objects';

/** Marks a SQLite file as a Causa case ("CAUS"), so another program's database is not mistaken for one. */
const APPLICATION_ID = 0x43415553;

export class CaseFileError extends Error {}

/** A turn of the event loop for whatever else the host has to do (a request, a repaint) between steps. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * SQLite's page cache of a connection, in KiB. Reads (a page of the timeline, a graph from the link cache,
 * a scan that verifies) go through an index or in order, and a small cache serves them: a larger one only
 * fills as the case grows (a count of a million events' rows filled 16 MiB). An import's transaction
 * inserts into indexes on random keys (audit IDs, actors) and keeps the larger cache while it writes.
 */
const READ_CACHE_KIB = 4096;
/** The fewest events a transaction writes before it sets the event table's indexes aside (WriteTransaction.bulkLoad). */
const BULK_LOAD_EVENTS = 20_000;
const WRITE_CACHE_KIB = 16_000;
/** The page cache while a bulk load builds the event indexes again, which bounds SQLite's sorter too. */
const SORT_CACHE_KIB = 2048;

/** Where the time and the authorization reason sit among sealedColumnValues (SEALED_COLUMNS order). */
const TIME_VALUE = SEALED_COLUMNS.indexOf('time');
const REASON_VALUE = SEALED_COLUMNS.indexOf('authz_reason');

/** The raw column of an event whose record is in a block (store/raw-blocks.ts). */
const EMPTY_RAW = Buffer.alloc(0);

/**
 * Adds the events past the indexed ones, up to id `end`, to the full-text index (in the caller's
 * transaction). Events from `indexedFrom` on are in it already (an import indexes what it writes as it
 * writes it): only those before are read back.
 */
function indexSearchThrough(db: Database.Database, end: number, indexedFrom = Number.POSITIVE_INFINITY): void {
  const upto = Number(
    (db.prepare("SELECT value FROM case_meta WHERE key = 'search_indexed_upto'").pluck().get() as string | undefined) ?? 0,
  );
  if (end <= upto) return;
  db.prepare(
    `INSERT INTO event_search (rowid, raw) SELECT e.id, causa_search_text(CAST(${rawSql('e')} AS TEXT)) FROM event e WHERE e.id > ? AND e.id <= ?`,
  ).run(upto, Math.min(end, indexedFrom - 1));
  db.prepare(
    "INSERT INTO case_meta (key, value) VALUES ('search_indexed_upto', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  ).run(String(end));
}

/** How often a writer waiting for another program's write asks again. */
const WRITER_POLL_MS = 200;

/** SQLite's "database is locked": another connection (another program) holds the write lock. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

export interface NewSource {
  name: string;
  format: string;
  sha256: string;
  size: number;
}

export interface SourceRow extends NewSource {
  id: number;
  imported_at: string;
}

export interface EventRow {
  source_id: number;
  position: number;
  locator?: string;
  ordinal: number;
  raw: Buffer;
  raw_sha256: string;
  /** A document record's context (migration 0012): the bytes, and their SHA-256. */
  context?: { bytes: Buffer; sha256: string };
  event: NormalizedEvent;
  /**
   * The event's sealed column values as `sealedColumnValues` gives them (anything after them is ignored),
   * when the caller has them already: the import computes them once, for the row and for its seal.
   */
  values?: readonly ColumnValue[];
}

/** How many read results `memoRead` keeps. */
const READ_MEMO_ENTRIES = 8;

export class CaseStore {
  readonly db: Database.Database;
  private writing = false;
  /**
   * How the schema differs from the migrations' (dropped or altered triggers, tables, indexes), found at
   * open: a case in that state is read and verified, but nothing more is written to it.
   */
  readonly schemaProblems: readonly string[];
  private readonly insertEventStmt: Database.Statement;
  private readonly insertErrorStmt: Database.Statement;

  private constructor(
    readonly path: string,
    db: Database.Database,
  ) {
    this.db = db;
    this.schemaProblems = checkSchema(db, { eventIndexesPending: marksEventIndexesPending(db) });
    // The columns after raw are SEALED_COLUMNS, in their order: addEvent writes sealedColumnValues.
    this.insertEventStmt = db.prepare(`INSERT INTO event (
      source_id, position, raw, locator, ordinal, raw_sha256, time_ns, time, time_text, kind, action,
      actor_type, actor_id, on_behalf_of, target_api_group, target_resource, target_namespace, target_name,
      target_uid, outcome, authz_decision, authz_reason, keys, taint, text, stage, stage_time, authz_reason_ref)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertErrorStmt = db.prepare('INSERT INTO import_error (source_id, line, locator, reason) VALUES (?, ?, ?, ?)');
  }

  /**
   * Opens a case file, creating it when `create` is set and it does not exist; `readOnly` opens it for
   * reading alone. `rollbackWhileNew`: a case this call creates is written through SQLite's rollback
   * journal until it is closed (or `useWal`), then through its write-ahead log as every case is: a first
   * import into a new file writes its pages once, where the log writes each twice (docs/limits.md).
   */
  static open(path: string, options: { create?: boolean; readOnly?: boolean; rollbackWhileNew?: boolean } = {}): CaseStore {
    const exists = existsSync(path);
    if (!exists && (!options.create || options.readOnly)) throw new CaseFileError(`${path}: no such case file`);
    let db: Database.Database | undefined;
    // A new case is written through a rollback journal while its first import runs; a case in that state
    // is left as it is, and its writer turns it to WAL when done: no other program can change its journal,
    // or even read it, while that writer has written pages into the file.
    const rollbackJournal = !exists && options.rollbackWhileNew === true && options.readOnly !== true;
    try {
      // Evidence is for the analyst alone: a new case file is made 0600 before SQLite opens it, and SQLite
      // gives its -wal and -shm files the database file's permissions.
      if (!exists) writeFileSync(path, '', { mode: 0o600, flag: 'wx' });
      // A short wait for a lock in SQLite's own (blocking) busy handler; imports wait on the event loop.
      db = new Database(path, { fileMustExist: !options.create, readonly: options.readOnly === true, timeout: 1000 });
      const appId = db.pragma('application_id', { simple: true }) as number;
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
      if (appId !== APPLICATION_ID && tables.n > 0) {
        db.close();
        throw new CaseFileError(`${path}: an SQLite database, but not a Causa case file`);
      }
      db.pragma(`journal_mode = ${rollbackJournal ? 'DELETE' : 'WAL'}`);
    } catch (error) {
      if (db?.open) db.close();
      if (error instanceof CaseFileError) throw error;
      // A new case whose first import another program is still writing (rollbackWhileNew): busy, said as such.
      if (isBusy(error)) throw error;
      throw new CaseFileError(`${path}: not a Causa case file (${(error as Error).message})`);
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Without this, INSERT OR REPLACE deletes a conflicting row without firing the DELETE triggers that
    // keep evidence write-once.
    db.pragma('recursive_triggers = ON');
    db.pragma(`cache_size = -${READ_CACHE_KIB}`);
    // What a seal check asks of SQLite for a record's context (store/seals.ts pageSourceDigestTexts).
    db.function('causa_sha256_hex', { deterministic: true }, (bytes: unknown) =>
      createHash('sha256')
        .update(Buffer.isBuffer(bytes) ? bytes : String(bytes))
        .digest('hex'),
    );
    registerRawFunction(db);
    registerTimeFunction(db);
    db.function('causa_search_text', { deterministic: true }, (raw: unknown) => searchableText(String(raw)));
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw new CaseFileError(`${path}: ${(error as Error).message}`);
    }
    // A file without our application id passed the check above only because it was empty: a new case.
    if ((db.pragma('application_id', { simple: true }) as number) !== APPLICATION_ID) {
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.prepare('INSERT OR IGNORE INTO case_meta (key, value) VALUES (?, ?), (?, ?)').run(
        'name',
        basename(path).replace(/\.causa$/, ''),
        'created_at',
        new Date().toISOString(),
      );
    }
    // Reads cannot write: only `write` and `writeNow` lift this, for as long as they run.
    db.pragma('query_only = ON');
    const store = new CaseStore(path, db);
    store.rollbackJournal = rollbackJournal;
    return store;
  }

  /** Written through a rollback journal (a new case's first import, `open`'s rollbackWhileNew) until `useWal`. */
  private rollbackJournal = false;

  /**
   * The case written through its write-ahead log from now on, as every case is (`close` does it too). A
   * case whose writer was killed first is turned to WAL by the next program that opens it for writing,
   * after SQLite rolled back what the killed writer left half-written.
   */
  useWal(): void {
    if (!this.rollbackJournal || !this.db.open) return;
    this.allowWrites();
    try {
      this.db.pragma('journal_mode = WAL');
      this.rollbackJournal = false;
    } catch {
      // Another program has the case open and reading: it stays as it is, and the next writer to open it turns it.
    } finally {
      this.endWrites();
    }
  }

  /** How many writes (`write`, `writeNow`) are under way: while any is, the connection may write. */
  private writeDepth = 0;

  private allowWrites(): void {
    if (this.writeDepth++ === 0) this.db.pragma('query_only = OFF');
  }

  private endWrites(): void {
    this.writesEnded += 1;
    if (--this.writeDepth === 0 && this.db.open) this.db.pragma('query_only = ON');
  }

  /** Write sections ended on this connection (committed or not): what this connection changed. */
  private writesEnded = 0;
  private readMemo = new Map<string, unknown>();
  private readMemoVersion = '';

  /**
   * A read's result kept while the case is unchanged, under `key` (a few of them, the latest used): a text
   * search's matches are read from compressed records, and the listing's count, its page, the histogram,
   * the graph and the row of the selected event each ask for the same search at once. Any write on this
   * connection, and any commit by another (SQLite's data_version), drops them all; nothing is kept while
   * this connection is writing, since its reads then see rows not yet committed.
   */
  memoRead<T>(key: string, read: () => T): T {
    if (this.writeDepth > 0 || this.writing) return read();
    const version = `${this.writesEnded}:${this.db.pragma('data_version', { simple: true }) as number}`;
    if (version !== this.readMemoVersion) {
      this.readMemo.clear();
      this.readMemoVersion = version;
    }
    if (this.readMemo.has(key)) {
      const value = this.readMemo.get(key) as T;
      this.readMemo.delete(key);
      this.readMemo.set(key, value);
      return value;
    }
    const value = read();
    this.readMemo.set(key, value);
    if (this.readMemo.size > READ_MEMO_ENTRIES) this.readMemo.delete(this.readMemo.keys().next().value!);
    return value;
  }

  /**
   * Runs a short synchronous write (a verification's record, a journal entry, a rebuild of derived data).
   * Every other use of the connection is a read, and SQLite refuses it any change (`query_only`).
   */
  writeNow<T>(fill: () => T): T {
    this.allowWrites();
    try {
      return fill();
    } finally {
      this.endWrites();
    }
  }

  close(): void {
    this.useWal();
    this.db.close();
  }

  /** Waits (as `write` does) until no other program is writing to the case, and returns without writing. */
  async waitUntilWritable(wait: WriterWait): Promise<void> {
    this.allowWrites();
    try {
      await this.beginWrite(wait);
      this.db.exec('ROLLBACK');
    } finally {
      this.endWrites();
    }
  }

  /**
   * BEGIN IMMEDIATE, asked again every WRITER_POLL_MS while another connection holds the write lock, on
   * the event loop rather than in SQLite's own busy wait: progress polls and Cancel are answered meanwhile.
   */
  private async beginWrite(wait: WriterWait): Promise<void> {
    let told = false;
    for (;;) {
      wait.check?.();
      const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
      this.db.pragma('busy_timeout = 0');
      try {
        this.db.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (!isBusy(error)) throw error;
      } finally {
        this.db.pragma(`busy_timeout = ${timeout}`);
      }
      if (!told) {
        told = true;
        wait.onWait?.();
      }
      await new Promise((resolve) => setTimeout(resolve, WRITER_POLL_MS));
    }
  }

  /**
   * While set (an import's option, `ImportOptions.leaveIndexes`), a bulk load builds in its transaction
   * only the event indexes the rest of the import reads through, and marks the others pending, for
   * `buildPendingEventIndexesAside` to build once every file is in (store/event-indexes.ts).
   */
  leaveEventIndexes = false;

  /** Whether some of the event table's indexes are still to be built (store/event-indexes.ts). */
  get eventIndexesPending(): boolean {
    return this.db.open && marksEventIndexesPending(this.db);
  }

  /** Pending event indexes this connection may build now: not read-only, not mid-import, the schema as the migrations made it. */
  private get mayBuildPendingIndexes(): boolean {
    return !this.writing && !this.db.readonly && this.eventIndexesPending && this.schemaProblems.length === 0;
  }

  /**
   * Builds the event indexes an import left pending, in this thread: at the end of an import that left
   * them, and when a case an import was killed before building them is opened for writing. Not by a
   * read-only connection, nor while this connection's own import writes; another program writing now
   * leaves them for the next writer.
   */
  buildPendingEventIndexes(): void {
    if (!this.mayBuildPendingIndexes) return;
    try {
      this.writeNow(() => this.db.transaction(() => buildPendingEventIndexes(this.db, SORT_CACHE_KIB, READ_CACHE_KIB)).immediate());
    } catch (error) {
      if (!isBusy(error)) throw error;
    }
  }

  /**
   * Builds the event indexes an import left pending on a thread and a connection of their own, while this
   * thread goes on (`causa import` links the case meanwhile: service/workbench.ts, linkAhead); resolves
   * once they are built. The case is turned to WAL first, so that this connection may read meanwhile: when
   * it cannot be, or the thread fails, they are built here, as `buildPendingEventIndexes` does. This
   * connection writes nothing until the promise resolves.
   */
  async buildPendingEventIndexesAside(): Promise<void> {
    if (!this.mayBuildPendingIndexes) return;
    this.useWal();
    if (String(this.db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal' || this.db.memory) {
      this.buildPendingEventIndexes();
      return;
    }
    try {
      await buildEventIndexesInThread(this.path, SORT_CACHE_KIB);
    } catch {
      // built here instead, below
    }
    this.buildPendingEventIndexes();
  }

  /** Throws when the schema was tampered with: evidence and analysis are not written into such a case. */
  refuseIfTampered(what: string): void {
    if (this.schemaProblems.length === 0) return;
    throw new CaseFileError(
      `${this.path}: refusing to ${what}: the case file's schema was changed outside Causa (${this.schemaProblems.join('; ')})`,
    );
  }

  /**
   * Groups the audit stages of sources a case made by an earlier Causa marked for grouping on first use
   * (imports now group their own): run when the case is opened for writing, never by a read.
   */
  settleApiCalls(): void {
    const pending = this.meta('api_calls_pending');
    if (!pending || this.writing) return;
    this.writeNow(() =>
      this.db.transaction(() => {
        for (const sourceId of JSON.parse(pending) as number[]) groupSourceApiCalls(this.db, sourceId);
        this.db.prepare("DELETE FROM case_meta WHERE key = 'api_calls_pending'").run();
      })(),
    );
  }

  /** The highest event id the full-text index covers (events after it are searched by a scan). */
  searchIndexedUpto(): number {
    return Number(this.meta('search_indexed_upto') ?? 0);
  }

  /** The highest event id in the case (0 when it is empty). */
  lastEventId(): number {
    return (this.db.prepare('SELECT max(id) FROM event').pluck().get() as number | null) ?? 0;
  }

  /** Whether an import is writing now (derived data waits for it). */
  get isWriting(): boolean {
    return this.writing;
  }

  /**
   * Adds up to `batch` events past the indexed ones to the full-text index (derived data), in a
   * transaction of its own; true when the index then covers every event. A batch at a time lets the
   * workbench build a large case's index in the background while searches go on (store/queries.ts).
   */
  indexSearchBatch(batch = Number.MAX_SAFE_INTEGER): boolean {
    if (this.writing) return false;
    const upto = this.searchIndexedUpto();
    const last = this.lastEventId();
    if (last <= upto) return true;
    const end = Math.min(last, upto + batch);
    this.writeNow(() => this.db.transaction(() => indexSearchThrough(this.db, end))());
    return end >= last;
  }

  meta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM case_meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  /** Records the bundle a case was opened from (once per manifest) and returns its id. */
  recordBundle(bundle: { location: string; manifest_sha256: string; manifest: string; signature?: string }): number {
    this.writeNow(() =>
      this.db
        .prepare('INSERT OR IGNORE INTO bundle (location, manifest_sha256, manifest, signature, imported_at) VALUES (?, ?, ?, ?, ?)')
        .run(bundle.location, bundle.manifest_sha256, bundle.manifest, bundle.signature ?? null, new Date().toISOString()),
    );
    const row = this.db.prepare('SELECT id FROM bundle WHERE manifest_sha256 = ?').get(bundle.manifest_sha256) as { id: number };
    return row.id;
  }

  linkBundleSource(bundleId: number, sourceId: number, bundlePath: string): void {
    this.writeNow(() =>
      this.db
        .prepare('INSERT OR IGNORE INTO bundle_source (bundle_id, source_id, bundle_path) VALUES (?, ?, ?)')
        .run(bundleId, sourceId, bundlePath),
    );
  }

  findSourceBySha(sha256: string): SourceRow | undefined {
    return this.db.prepare('SELECT * FROM source WHERE sha256 = ?').get(sha256) as SourceRow | undefined;
  }

  /**
   * Runs `fill` inside one write transaction, so a file is imported whole or not at all: a crash or a
   * failure half-way leaves the case as it was. Writers are serialized; readers may run meanwhile.
   */
  async write<T>(
    fill: (tx: WriteTransaction) => Promise<{ commit: boolean; value: T }>,
    wait: WriterWait = {},
    options: WriteOptions = {},
  ): Promise<T> {
    if (this.writing) throw new CaseFileError(`${this.path}: another import is still writing to this case`);
    this.refuseIfTampered('import');
    // Marked before the wait, so that a second writer of this connection is refused, not queued.
    this.writing = true;
    this.allowWrites();
    try {
      await this.beginWrite(wait);
    } catch (error) {
      this.writing = false;
      this.endWrites();
      throw error;
    }
    this.db.pragma(`cache_size = -${WRITE_CACHE_KIB}`);
    let tx: WriteTransaction | undefined;
    let result: T;
    let behind = false;
    try {
      tx = new WriteTransaction(this.db, this.insertEventStmt, this.insertErrorStmt, { ...options, leaveIndexes: this.leaveEventIndexes });
      const { commit, value } = await fill(tx);
      if (commit) tx.finish();
      this.db.exec(commit ? 'COMMIT' : 'ROLLBACK');
      if (commit) behind = await tx.afterCommit();
      result = value;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      tx?.close();
      this.db.pragma(`cache_size = -${READ_CACHE_KIB}`);
      this.writing = false;
      this.endWrites();
    }
    // A first import whose worker's index could not be copied in: the index is built here from the rows,
    // so that the case is still ready to search when the import returns. Should that fail too, the evidence
    // is committed all the same; the index lags, and searches scan what it does not cover until a host
    // catches it up.
    if (behind) {
      try {
        while (!this.indexSearchBatch(SEARCH_CATCH_UP_EVENTS));
      } catch {
        // the index lags (above)
      }
    }
    return result;
  }
}

/**
 * How a writer waits for another program writing to the same case file (a second `causa import`, the
 * workbench): `onWait` is told once when the wait begins, `check` may throw to give up (a cancel).
 */
export interface WriterWait {
  onWait?: () => void;
  check?: () => void;
}

export interface WriteOptions {
  /** Bytes of evidence the transaction is about to read (a source's size): a large first import builds its search index on a second core. */
  expectedBytes?: number;
  /** A bulk load leaves the event indexes the rest of the import does not read pending (CaseStore.leaveEventIndexes). */
  leaveIndexes?: boolean;
}

/** Events indexed per transaction when a first import's worker index could not be copied (CaseStore.write). */
const SEARCH_CATCH_UP_EVENTS = 50_000;

/** The least evidence for which a case's first import builds its search index in a worker (SearchIndexBuilder). */
const SEARCH_WORKER_BYTES = 8 * 1024 * 1024;

export class WriteTransaction {
  /** The actor and principal names of the events written, for the `actor` lookup (migration 0008). */
  private readonly actors = new Set<string>();
  /** Prepared on the first record that has a context (migration 0012). */
  private contextStmts: { context: Database.Statement; link: Database.Statement } | undefined;
  /** The raw records of the events written, a block at a time (migration 0027). */
  private readonly rawBlocks: RawBlockWriter;
  /** The authorization reasons written, each once (migration 0030). */
  private readonly texts: EventTextWriter;
  private readonly searchStmt: Database.Statement;
  /** The first event this transaction wrote into the full-text index. */
  private indexedFrom: number | undefined;
  /** The worker building the search index of a case's first import, while it can (store/search-builder.ts). */
  private searchBuilder: SearchIndexBuilder | undefined;
  /** The last event this transaction wrote. */
  private lastId = 0;
  /** Events this transaction wrote, and the case's last event id before it (a bulk load, below). */
  private written = 0;
  private readonly before: number;
  /** The event table's indexes while they are set aside for a bulk load, to be built again. */
  private setAside: SetAsideIndex[] | undefined;
  /** Those not in BUILT_WITH_EVIDENCE are left pending rather than built again (WriteOptions.leaveIndexes). */
  private readonly leaveIndexes: boolean;

  constructor(
    private readonly db: Database.Database,
    private readonly insertEventStmt: Database.Statement,
    private readonly insertErrorStmt: Database.Statement,
    options: WriteOptions = {},
  ) {
    this.leaveIndexes = options.leaveIndexes === true;
    this.rawBlocks = new RawBlockWriter(db);
    this.texts = new EventTextWriter(db);
    this.searchStmt = db.prepare('INSERT INTO event_search (rowid, raw) VALUES (?, ?)');
    this.before = (db.prepare('SELECT max(id) FROM event').pluck().get() as number | null) ?? 0;
    if ((options.expectedBytes ?? 0) >= SEARCH_WORKER_BYTES && this.before === 0 && !db.memory) this.startSearchBuilder();
  }

  /** A case's first import: its search index built by a worker, when the case has none yet. */
  private startSearchBuilder(): void {
    const upto = this.db.prepare("SELECT value FROM case_meta WHERE key = 'search_indexed_upto'").pluck().get() as string | undefined;
    const definition = this.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'event_search'").pluck().get() as string | undefined;
    const segments = this.db.prepare('SELECT count(*) FROM event_search_idx').pluck().get() as number;
    if (Number(upto ?? 0) !== 0 || !definition || segments !== 0) return;
    // The next id SQLite gives an event: one past the largest it ever held (none: the table is empty).
    this.searchBuilder = new SearchIndexBuilder(this.db.name, definition, 1);
  }

  /**
   * A bulk load: once this transaction has written as many events as the case held before it (and at
   * least BULK_LOAD_EVENTS), the event table's indexes are dropped and built again, each in one sorted
   * pass, before anything reads through them (restoreIndexes). Kept up row by row, an index on a random
   * key (an actor, a name, a hash) costs a page read for each row once it outgrows the page cache: copying
   * 1,000,000 events' rows took 69 s that way and 16 s this way. Both happen in the import's transaction,
   * so a failure or a crash rolls the drop back with the rows; readers on other connections keep the
   * indexes of the snapshot they read.
   */
  private bulkLoad(): void {
    this.written += 1;
    if (this.setAside || this.written < Math.max(BULK_LOAD_EVENTS, this.before)) return;
    this.setAside = setIndexesAside(this.db, 'event');
  }

  /** Builds again the indexes a bulk load set aside (the same definitions, read from the schema). */
  restoreIndexes(): void {
    if (!this.setAside) return;
    // With the write cache (16 MiB) a million events' indexes left 17 MiB more resident, with 2 MiB 2 MiB
    // more, in the same time. What follows (the API-call grouping, by audit ID and id range) takes no
    // longer with the read cache: 7.5 s over 1,000,000 events with 4 MiB or 16 MiB, and refilling 16 MiB
    // would keep 12 MiB more.
    const left = this.leaveIndexes ? this.setAside.filter((index) => !BUILT_WITH_EVIDENCE.has(index.name)) : [];
    buildIndexes(
      this.db,
      this.setAside.filter((index) => !left.includes(index)),
      SORT_CACHE_KIB,
      READ_CACHE_KIB,
    );
    // Marked in this transaction: committed with the evidence, or rolled back with it and the drop.
    if (left.length > 0)
      markEventIndexesPending(
        this.db,
        left.map((index) => index.name),
      );
    this.setAside = undefined;
  }

  addSource(source: NewSource): number {
    const result = this.db
      .prepare('INSERT INTO source (name, format, sha256, size, imported_at) VALUES (?, ?, ?, ?, ?)')
      .run(source.name, source.format, source.sha256, source.size, new Date().toISOString());
    return Number(result.lastInsertRowid);
  }

  /** Writes one event row (and its record's context, if any) and returns its id. */
  addEvent(row: EventRow): number {
    const e = row.event;
    if (e.actor) {
      this.actors.add(e.actor.id);
      if (e.actor.on_behalf_of) this.actors.add(e.actor.on_behalf_of);
    }
    const blocked = RawBlockWriter.holds(row.raw);
    // Migration 0030: the time is read from time_ns, the reason through event_text when it has an entry.
    const values = row.values ? row.values.slice(0, SEALED_COLUMNS.length) : sealedColumnValues(e, row);
    values[TIME_VALUE] = null;
    const reason = values[REASON_VALUE];
    const reasonRef = typeof reason === 'string' ? this.texts.idOf(reason) : undefined;
    if (reasonRef !== undefined) values[REASON_VALUE] = null;
    this.bulkLoad();
    const inserted = this.insertEventStmt.run(row.source_id, row.position, blocked ? EMPTY_RAW : row.raw, ...values, reasonRef ?? null);
    const id = Number(inserted.lastInsertRowid);
    if (blocked) this.rawBlocks.add(id, row.raw);
    // Derived data built as the evidence is written, from the bytes in hand (none read back).
    // The search worker makes the record's search text itself, on the second core (store/search-builder.ts).
    if (!this.searchBuilder?.add(id, row.raw)) {
      this.searchStmt.run(id, searchableBytes(row.raw));
      this.indexedFrom ??= id;
    }
    this.lastId = id;
    if (row.context) {
      this.contextStmts ??= {
        context: this.db.prepare('INSERT OR IGNORE INTO record_context (sha256, bytes) VALUES (?, ?)'),
        link: this.db.prepare('INSERT INTO event_context (event_id, context_sha256) VALUES (?, ?)'),
      };
      this.contextStmts.context.run(row.context.sha256, row.context.bytes);
      this.contextStmts.link.run(inserted.lastInsertRowid, row.context.sha256);
    }
    return id;
  }

  /** Adds a source's Kubernetes objects to the case's identity table (derived, with the evidence). */
  recordObjects(objects: Iterable<FoldedObject>, kinds: Iterable<KindMapping>, deletions: Iterable<NameDeletion>): void {
    this.restoreIndexes();
    this.rawBlocks.flush();
    recordObjects(this.db, objects, kinds, deletions);
  }

  /**
   * Adds deletes of names to the identity table as a source's records are read, its event table's indexes
   * left as they are (a delete names its event by id, which needs none of them).
   */
  recordDeletions(deletions: Iterable<NameDeletion>): void {
    recordObjects(this.db, [], [], deletions);
  }

  /** Writes a source's seal (store/seals.ts), in the transaction that wrote its records. */
  addSeal(seal: Omit<SealRow, 'gaps' | 'gap_lengths'> & { gaps?: Buffer; gap_lengths?: Buffer }): void {
    this.db
      .prepare(
        'INSERT INTO source_seal (source_id, seal, leaves, positions, rows, gaps, gap_lengths, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(seal.source_id, seal.seal, seal.leaves, seal.positions, seal.rows, seal.gaps ?? null, seal.gap_lengths ?? null, seal.signature);
  }

  /** A block of a seal's side table, written as the source is read (migration 0024). */
  addSealBlock(sourceId: number, kind: 'leaves' | 'positions' | 'rows', seq: number, bytes: Buffer): void {
    this.db.prepare('INSERT INTO source_seal_block (source_id, kind, seq, bytes) VALUES (?, ?, ?, ?)').run(sourceId, kind, seq, bytes);
  }

  /** The seal this one chains to: the latest written. */
  lastSeal(): { source_id: number; seal: string } | undefined {
    return this.db.prepare('SELECT source_id, seal FROM source_seal ORDER BY source_id DESC LIMIT 1').get() as
      { source_id: number; seal: string } | undefined;
  }

  sealEpoch(): { after_source: number; after_journal: number } {
    return this.db.prepare('SELECT after_source, after_journal FROM seal_epoch WHERE id = 1').get() as {
      after_source: number;
      after_journal: number;
    };
  }

  /** The transaction is over (committed or not): raw records deflated in the background are dropped, the search worker stopped. */
  close(): void {
    this.rawBlocks.close();
    this.searchBuilder?.close();
  }

  /**
   * Once the transaction committed: the search index the worker built is copied into the case (the import
   * waits for it). True when it could not be: the case's index is then behind its events, as a case's from
   * an earlier Causa is, and the import builds it from the rows (CaseStore.write).
   */
  async afterCommit(): Promise<boolean> {
    const builder = this.searchBuilder;
    if (!builder) return false;
    this.searchBuilder = undefined;
    try {
      return (await builder.copyInto(this.lastId)) !== undefined;
    } finally {
      builder.close();
    }
  }

  /** Before the transaction commits: the indexes set aside, the last block of raw records and the actor names. */
  finish(): void {
    this.restoreIndexes();
    this.rawBlocks.flush();
    this.recordActors();
  }

  private recordActors(): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO actor (name) VALUES (?)');
    for (const name of this.actors) insert.run(name);
  }

  addError(sourceId: number, line: number, reason: string, locator?: string): void {
    this.insertErrorStmt.run(sourceId, line, locator ?? null, reason);
  }

  /**
   * Builds a source's derived data in the transaction that writes its evidence, so that it commits or
   * rolls back with the source and no read ever has to write: its audit stages grouped into API calls,
   * and the full-text index over every event not yet in it (this source's, and any a case made before
   * imports indexed their own events still lacked).
   */
  async deriveSource(sourceId: number, pause: () => Promise<void> = yieldToLoop): Promise<void> {
    await this.rawBlocks.drain();
    // A bulk load's source is grouped as one too: its stages written with the grouping's indexes aside.
    const bulk = this.setAside !== undefined;
    this.restoreIndexes();
    await groupSourceApiCallsStepwise(this.db, sourceId, pause, {
      ...(bulk ? { bulk: { sortCacheKib: SORT_CACHE_KIB, cacheKib: READ_CACHE_KIB } } : {}),
    });
    // The worker's index is copied in once this transaction commits (afterCommit); when the worker failed,
    // what it was given is indexed here, from the rows.
    if (this.searchBuilder?.failed !== undefined) {
      this.searchBuilder.close();
      this.searchBuilder = undefined;
    }
    if (this.searchBuilder) return;
    const last = (this.db.prepare('SELECT max(id) FROM event').pluck().get() as number | null) ?? 0;
    indexSearchThrough(this.db, last, this.indexedFrom);
  }
}

/** Whether the case marks event indexes pending; a case without case_meta (tampered) marks none. */
function marksEventIndexesPending(db: Database.Database): boolean {
  try {
    return eventIndexesPending(db);
  } catch {
    return false;
  }
}
