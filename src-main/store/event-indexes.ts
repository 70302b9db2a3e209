// The event table's indexes that an import may build after its evidence is committed (issue 17). A bulk
// load sets the event table's indexes aside and builds them again in its transaction (WriteTransaction,
// restoreIndexes); most of them serve the workbench's filters, which nothing reads during the rest of the
// import. An import asked to (`causa import`: ImportOptions.leaveIndexes) builds in its transaction only
// the indexes the rest of the import reads through (BUILT_WITH_EVIDENCE), and marks the others pending in
// the case, in the same transaction: EVENT_INDEXES_PENDING in case_meta. Once every file is in, they are
// built on a connection and a thread of their own while the import's thread links the committed case (two
// cores where one did both in turn), and the import waits for both (service/workbench.ts, linkAhead).
//
// What is built is always the migrations' own definition of each missing index (schema-check.ts,
// `expectedIndexes`), never SQL read from the case file. A case left with the mark (the import killed in
// between) is whole: its evidence and its seals are committed, the schema check excuses the missing event
// indexes while the mark says why, queries read it without them (scanning), and the next program to open
// it for writing builds them (Workbench.open, buildPendingEventIndexes).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { expectedIndexes } from './schema-check';
import { buildIndexes } from './set-aside';

/** The case_meta key saying that event indexes are still to be built (its value lists their names). */
export const EVENT_INDEXES_PENDING = 'event_indexes_pending';

/**
 * Built in the import's own transaction even when the others are left: the time order (the linker's
 * reading, the activity span, the next files' grouping). The raw hash's prefix is left with the others:
 * only an event's detail reads it (its copies in other files, store/api-calls.ts duplicatesOf), never the
 * import's grouping or the linker. Left, it takes 0.18 s off the import's own thread at 200,000 events (the
 * transaction's indexes 284 → 109 ms), and the indexes' thread, 1.23–1.26 s with it, still ends before the
 * linking (1.57–1.71 s).
 */
export const BUILT_WITH_EVIDENCE: ReadonlySet<string> = new Set(['event_by_time']);

export function eventIndexesPending(db: Database.Database): boolean {
  return db.prepare('SELECT 1 FROM case_meta WHERE key = ?').get(EVENT_INDEXES_PENDING) !== undefined;
}

/** Marks `names` pending (in the caller's transaction), with any the case marked already. */
export function markEventIndexesPending(db: Database.Database, names: readonly string[]): void {
  const before = db.prepare('SELECT value FROM case_meta WHERE key = ?').pluck().get(EVENT_INDEXES_PENDING) as string | undefined;
  let listed: string[] = [];
  try {
    const parsed: unknown = before === undefined ? [] : JSON.parse(before);
    if (Array.isArray(parsed)) listed = parsed.filter((name): name is string => typeof name === 'string');
  } catch {
    // a mark that is no list names nothing; what is built is what the case lacks, whatever it says
  }
  db.prepare('INSERT INTO case_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    EVENT_INDEXES_PENDING,
    JSON.stringify([...new Set([...listed, ...names])].sort()),
  );
}

/** The event table's indexes, as the migrations define them, that the case does not hold. */
export function missingEventIndexes(db: Database.Database): { name: string; sql: string }[] {
  const have = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event'").pluck().all());
  return expectedIndexes('event').filter((index) => !have.has(index.name));
}

/** Builds the missing event indexes and takes the mark off, in the caller's transaction. */
export function buildPendingEventIndexes(db: Database.Database, sortCacheKib: number, cacheKib: number): void {
  buildIndexes(db, missingEventIndexes(db), sortCacheKib, cacheKib);
  db.prepare('DELETE FROM case_meta WHERE key = ?').run(EVENT_INDEXES_PENDING);
}

// The thread's script, given as text (as store/search-builder.ts's is); it loads better-sqlite3 from where
// this module does. It builds, in one write transaction of its own, each index it is given that the case
// lacks, and takes the mark off; a case whose mark is gone (built meanwhile) is left as it is.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
let answer;
try {
  const db = new Database(workerData.casePath, { fileMustExist: true, timeout: workerData.busyMs });
  try {
    db.pragma('cache_size = -' + Math.trunc(workerData.sortCacheKib));
    db.transaction(() => {
      if (db.prepare('SELECT 1 FROM case_meta WHERE key = ?').get(workerData.key) === undefined) return;
      const have = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event'").pluck().all());
      for (const index of workerData.indexes) if (!have.has(index.name)) db.exec(index.sql);
      db.prepare('DELETE FROM case_meta WHERE key = ?').run(workerData.key);
    }).immediate();
  } finally {
    db.close();
  }
  answer = { ok: true };
} catch (error) {
  answer = { ok: false, message: error.message };
}
parentPort.postMessage(answer);
`;

/** How long the thread's connection waits for another writer before it gives up (then the caller builds). */
const BUSY_MS = 10_000;

/**
 * Builds the case's missing event indexes (the migrations' definitions) and takes the mark off, on a
 * connection and a thread of its own: the caller's thread is free meanwhile, and its connection may read
 * (in WAL, a writer does not hold readers up). Rejects when the thread could not: the caller builds them.
 */
export function buildEventIndexesInThread(casePath: string, sortCacheKib: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
        casePath,
        sortCacheKib,
        busyMs: BUSY_MS,
        key: EVENT_INDEXES_PENDING,
        indexes: expectedIndexes('event'),
      },
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 },
    });
    let answered = false;
    worker.once('message', (answer: { ok: true } | { ok: false; message: string }) => {
      answered = true;
      if (answer.ok) resolve();
      else reject(new Error(`building the event indexes failed: ${answer.message}`));
    });
    worker.once('error', (error) => reject(new Error(`the event indexes' thread failed: ${error.message}`)));
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the event indexes' thread stopped without an answer (exit code ${code})`));
    });
  });
}
