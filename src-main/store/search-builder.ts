// The full-text index of a case's first import, built on a second core (issue 17). Writing each record's
// words into FTS5 was the largest part of an import (about 40 s of 128 for a million audit events, 3–4 s
// of 12 for 100,000), on the one thread that also parses, hashes and writes the rows. When the case has no
// events yet, the import hands each raw record to a worker thread instead, which makes its search text and builds the
// index in a scratch database of its own; once the import has committed, the worker copies the index's
// pages into the case's (still empty) index, on a connection of its own and in a transaction of its own,
// and the import waits for it. A full-text index cannot be merged into one that already holds events,
// so a later import writes its words itself, as before.
//
// What the copy relies on: the scratch table is made with the case's own definition of `event_search`
// (read from its schema), so its pages are the pages the case's table would hold; FTS5 keeps an index in
// two tables of its own (`_data`: the structure, the averages and every page; `_idx`: each segment's
// leading terms), and a contentless table with `columnsize = 0` has no other. Another connection's commit
// makes every connection read the index's structure again (SQLite's data_version): the importing
// connection sees the copied index, not the empty one it may have read before. Until the copy commits
// the case says its index covers no event, and a search scans; if the copy cannot be made (the case
// changed meanwhile, the worker failed), the import builds the index from the rows before it returns, as
// for a case whose index lags (store/case-store.ts, CaseStore.write and indexSearchBatch).
//
// The worker is a script given as text, as store/seal-leaves.ts's is, and loads better-sqlite3 from where
// this module does. It makes each record's search text with store/search-text.ts's code, given to it as
// text too (`searchTextFunctions`, which refers to nothing outside itself): the text is the import's own,
// byte for byte, and making it (about 3 µs a record) leaves the import's thread for the second core.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { searchTextFunctions } from './search-text';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.sqlite);
// This thread yields to the import's own (its nice value workerData.nice above the one it was started
// with, the import's; Linux only: elsewhere it keeps the process's): see BUILDER_NICE.
try {
  const os = require('node:os');
  const thread = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(thread) && thread > 0) os.setPriority(thread, Math.min(19, os.getPriority(thread) + workerData.nice));
} catch {
  // not Linux, or not allowed: the same priority as the import's thread
}
// Each record's search text is made here, by search-text.ts's own code (searchTextFunctions, given as text).
const { searchableBytes } = new Function('return (' + workerData.searchText + ')')()();
const progress = new Int32Array(workerData.progress);
const db = new Database(workerData.scratch);
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.exec(workerData.definition);
// A larger hash of pending words than FTS5's 1 MB (HASH_BYTES): fewer, larger segments to write and merge.
// (An integer in the statement's text: FTS5 refuses the real number a bound JavaScript number is.)
db.exec("INSERT INTO event_search (event_search, rank) VALUES ('hashsize', " + Math.trunc(workerData.hashBytes) + ")");
const insert = db.prepare('INSERT INTO event_search (rowid, raw) VALUES (?, ?)');
db.exec('BEGIN');
let next = workerData.firstId;
let broken;
// A batch the import could not hand over while the worker was behind: written to the spill file, read back
// here, into one buffer kept for them all (memory the system maps afresh for each batch costs a page fault
// for every 4 KiB written into it).
let spillBuffer = Buffer.allocUnsafeSlow(0);
function spilled({ offset, count, size }) {
  if (spillBuffer.length < size) spillBuffer = Buffer.allocUnsafeSlow(Math.max(size, 2 * spillBuffer.length));
  const bytes = spillBuffer;
  let read = 0;
  while (read < size) {
    const n = fs.readSync(workerData.spillFd, bytes, read, size - read, offset + read);
    if (n === 0) throw new Error('the spill file ends before its batch');
    read += n;
  }
  return {
    ids: new Float64Array(bytes.buffer, 0, count),
    lengths: new Uint32Array(bytes.buffer, 8 * count, count),
    text: bytes.subarray(12 * count),
  };
}
function batch(message) {
  const { ids, lengths, text } = message.spill ? spilled(message.spill) : { ...message, text: Buffer.from(message.bytes) };
  let at = 0;
  for (let i = 0; i < ids.length; i += 1) {
    if (ids[i] !== next) broken ??= 'event ' + ids[i] + ' came after event ' + (next - 1);
    next = ids[i] + 1;
    insert.run(ids[i], searchableBytes(text.subarray(at, at + lengths[i])));
    at += lengths[i];
  }
}
function copyInto(last) {
  db.exec('COMMIT');
  db.close();
  if (broken) throw new Error(broken);
  if (last !== next - 1) throw new Error('the import wrote events up to ' + last + ', the index holds them up to ' + (next - 1));
  const caseDb = new Database(workerData.casePath, { fileMustExist: true, timeout: 10000 });
  try {
    // The index's own tables are written directly, which SQLite's defensive mode refuses.
    caseDb.unsafeMode(true);
    caseDb.prepare('ATTACH ? AS built').run(workerData.scratch);
    caseDb.transaction(() => {
      const upto = caseDb.prepare("SELECT value FROM case_meta WHERE key = 'search_indexed_upto'").pluck().get();
      if (upto !== undefined && Number(upto) !== 0) throw new Error('the case was indexed meanwhile');
      if (caseDb.prepare('SELECT count(*) FROM main.event_search_idx').pluck().get() !== 0) throw new Error('the case was indexed meanwhile');
      const events = caseDb.prepare('SELECT count(*) AS n, max(id) AS last FROM event').get();
      if (events.n !== last || events.last !== last) throw new Error('the case holds other events than the import wrote');
      caseDb.exec('DELETE FROM main.event_search_data');
      caseDb.exec('INSERT INTO main.event_search_data (id, block) SELECT id, block FROM built.event_search_data');
      caseDb.exec('INSERT INTO main.event_search_idx SELECT * FROM built.event_search_idx');
      caseDb
        .prepare("INSERT INTO case_meta (key, value) VALUES ('search_indexed_upto', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .run(String(last));
    }).immediate();
    caseDb.exec('DETACH built');
  } finally {
    caseDb.close();
  }
}
parentPort.on('message', (message) => {
  if (message.kind === 'batch') {
    try {
      batch(message);
    } catch (error) {
      broken ??= error.message;
    }
    Atomics.add(progress, 0, 1);
    Atomics.notify(progress, 0);
    return;
  }
  let answer;
  try {
    copyInto(message.last);
    answer = { copied: true };
  } catch (error) {
    answer = { copied: false, reason: error.message };
  }
  parentPort.postMessage(answer);
});
`;

/** Records sent to the worker at once: about this many bytes, or this many records. */
const BATCH_BYTES = 1024 * 1024;
const BATCH_RECORDS = 4096;
/** Batches sent that the worker has not indexed yet, at most, before the next is spilled to a file. */
const MAX_BACKLOG = 8;
/** The most bytes spilled to the file; past it, `add` waits for the worker as it catches up. */
const MAX_SPILL_BYTES = 2 ** 30;
/** How long `add` waits for the worker to take a batch before it gives the index up. */
const STALL_MS = 120_000;

/** Knobs of a builder (tests force batches to the spill file with a backlog of 0). */
export interface SearchBuilderOptions {
  maxBacklog?: number;
}
/**
 * FTS5's hash of pending words in the worker (its default is 1 MB). 16 MiB wrote fewer segments, but
 * sorting the larger hash at each flush cost more than merging the extra segments saved: at 4 MiB the
 * worker takes less CPU (which the import's own thread shares two cores with) and 15–30 MB less memory
 * (docs/limits.md, "Measured on 2026-12-06, 17:05–18:15").
 */
const HASH_BYTES = 4 * 1024 * 1024;

/**
 * How far the worker's nice value is above the import's thread's (Linux). On two cores the worker, the import's
 * thread, V8's collector and libuv's pool want more than the machine has while the records are read, and
 * the import's thread is the one the import waits for: at an equal share it waited 1.4 s for a core at
 * 200,000 events. Yielding, the worker falls behind (its batches spill, as when it is slower) and catches
 * up while the import builds its derived data on one core, before it waits for the copy: 200,000 events
 * imported about 0.45 s sooner, the median of six alternating pairs (docs/limits.md). With no other work
 * on the machine the worker still has a core of its own.
 */
const BUILDER_NICE = 10;

export class SearchIndexBuilder {
  private readonly worker: Worker;
  private readonly dir: string;
  /** Batches the worker has indexed (written by the worker). */
  private readonly progress = new Int32Array(new SharedArrayBuffer(4));
  private sent = 0;
  /**
   * The batches' buffers, shared with the worker and used again once it has indexed the batch each held
   * (`seq`, the batch's number; -1 when never handed over). A buffer made anew for every batch costs the
   * import a page fault for every 4 KiB copied into it: half a second every 100,000 events.
   */
  private readonly slots: { bytes: Buffer; seq: number }[] = [];
  /** The batch being filled: each text copied in as it comes; a slot's buffer, or a text's own when larger than a slot. */
  private batch = this.freeSlot();
  private used = 0;
  private ids = new Float64Array(BATCH_RECORDS);
  private lengths = new Uint32Array(BATCH_RECORDS);
  private count = 0;
  private failure: string | undefined;
  private closed = false;
  private readonly maxBacklog: number;
  private readonly spillFd: number;
  /** Bytes written to the spill file so far (its end), and how many batches went there. */
  private spillEnd = 0;
  private spills = 0;

  /**
   * Starts the worker for a case whose events will be numbered from `firstId`; `definition` is the
   * case's `CREATE VIRTUAL TABLE event_search …` statement.
   */
  constructor(casePath: string, definition: string, firstId: number, { maxBacklog = MAX_BACKLOG }: SearchBuilderOptions = {}) {
    this.maxBacklog = maxBacklog;
    this.dir = mkdtempSync(join(tmpdir(), 'causa-fts-'));
    // Opened here and closed by close(): a worker stopped half-way leaves no descriptor open.
    this.spillFd = openSync(join(this.dir, 'spill'), 'w+');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
        scratch: join(this.dir, 'search.db'),
        casePath,
        definition,
        firstId,
        hashBytes: HASH_BYTES,
        nice: BUILDER_NICE,
        searchText: searchTextFunctions.toString(),
        progress: this.progress.buffer,
        spillFd: this.spillFd,
      },
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
    });
    this.worker.on('error', (error) => (this.failure ??= error.message));
    this.worker.on('exit', (code) => (this.failure ??= `the search index's worker stopped (exit ${code})`));
  }

  /** Why the worker cannot build the index (then nothing more is sent to it). */
  get failed(): string | undefined {
    return this.failure;
  }

  /**
   * Hands an event's raw record to the worker, which makes its search text (`searchableBytes`) and indexes
   * it; copied at once (it may be a buffer the caller reuses). False once the worker failed.
   */
  add(id: number, raw: Buffer): boolean {
    if (this.failure !== undefined || this.closed) return false;
    if (this.count === BATCH_RECORDS || (this.used + raw.length > this.batch.length && this.count > 0)) this.send();
    if (raw.length > this.batch.length) this.batch = Buffer.allocUnsafeSlow(raw.length); // a record larger than a slot: a batch of its own
    raw.copy(this.batch, this.used);
    this.used += raw.length;
    this.ids[this.count] = id;
    this.lengths[this.count] = raw.length;
    this.count += 1;
    return this.failure === undefined;
  }

  /** Batches sent that the worker has not indexed yet. */
  get behind(): number {
    return this.sent - Atomics.load(this.progress, 0);
  }

  /** How many batches were handed over in shared buffers, and how many such buffers there are. */
  get sharedBatches(): { handedOver: number; buffers: number } {
    return { handedOver: this.sent - this.spills, buffers: this.slots.length };
  }

  /** How many batches went to the spill file because the worker was behind. */
  get spilledBatches(): number {
    return this.spills;
  }

  private send(): void {
    if (this.count === 0) return;
    const behind = this.sent - Atomics.load(this.progress, 0);
    const size = 12 * this.count + this.used;
    if (behind >= this.maxBacklog && this.spillEnd + size <= MAX_SPILL_BYTES) this.spill(size);
    else this.handOver();
    [this.used, this.count] = [0, 0];
    this.sent += 1;
    // Memory stays bounded: with the spill file full, past a few batches ahead this thread waits.
    const started = Date.now();
    for (;;) {
      const done = Atomics.load(this.progress, 0);
      if (this.sent - done <= this.maxBacklog || this.spillEnd + BATCH_BYTES + 12 * BATCH_RECORDS <= MAX_SPILL_BYTES) return;
      if (Date.now() - started > STALL_MS) {
        this.failure ??= 'the search index did not keep up';
        return;
      }
      Atomics.wait(this.progress, 0, done, 200);
    }
  }

  /** A slot's buffer the worker is done with (a new slot when none is: at most the backlog's worth are). */
  private freeSlot(): Buffer {
    const done = Atomics.load(this.progress, 0);
    const slot = this.slots.find((s) => s.seq < done && s.bytes !== this.batch);
    if (slot) return slot.bytes;
    const bytes = Buffer.from(new SharedArrayBuffer(BATCH_BYTES));
    this.slots.push({ bytes, seq: -1 });
    return bytes;
  }

  /** The batch handed over to the worker (a slot's buffer shared, a text's own transferred), then another to fill. */
  private handOver(): void {
    const [ids, lengths] = [this.ids.subarray(0, this.count).slice(), this.lengths.subarray(0, this.count).slice()];
    const slot = this.slots.find((s) => s.bytes === this.batch);
    if (slot) {
      slot.seq = this.sent;
      this.worker.postMessage({ kind: 'batch', ids, lengths, bytes: slot.bytes.buffer }, [ids.buffer, lengths.buffer]);
    } else {
      const bytes = this.batch.buffer as ArrayBuffer;
      this.worker.postMessage({ kind: 'batch', ids, lengths, bytes }, [ids.buffer, lengths.buffer, bytes]);
    }
    this.batch = this.freeSlot();
  }

  /**
   * The worker is behind: rather than wait for it (a million events' import waited 9.6 s in all, while
   * the worker then sat idle through the import's own derived data), the batch is written to the spill
   * file (its ids, its lengths, its records) and the worker is told where; it reads it back in its turn, and
   * catches up while the import builds its indexes. Memory stays what the batches in flight hold; the
   * file, removed with the scratch database, holds at most MAX_SPILL_BYTES.
   */
  private spill(size: number): void {
    const parts = [
      new Uint8Array(this.ids.buffer, 0, 8 * this.count),
      new Uint8Array(this.lengths.buffer, 0, 4 * this.count),
      this.batch.subarray(0, this.used),
    ];
    let at = this.spillEnd;
    for (const part of parts) {
      let written = 0;
      while (written < part.length) written += writeSync(this.spillFd, part, written, part.length - written, at + written);
      at += part.length;
    }
    this.worker.postMessage({ kind: 'batch', spill: { offset: this.spillEnd, count: this.count, size } });
    this.spillEnd += size;
    this.spills += 1;
  }

  /**
   * After the import committed: the worker indexes what is left and copies the index into the case.
   * Resolves to undefined when it did, to the reason when it did not (the case is then indexed later).
   */
  async copyInto(lastId: number): Promise<string | undefined> {
    if (this.failure === undefined) this.send();
    if (this.failure !== undefined) return this.failure;
    const answer = await new Promise<{ copied: boolean; reason?: string }>((resolve) => {
      this.worker.once('message', resolve);
      this.worker.once('exit', (code) => resolve({ copied: false, reason: this.failure ?? `exit ${code}` }));
      this.worker.postMessage({ kind: 'copy', last: lastId });
    });
    return answer.copied ? undefined : (answer.reason ?? 'the index was not copied');
  }

  /** Stops the worker and removes its scratch database (at the end, whatever happened). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failure ??= 'closed';
    // Removed at once (a file still open in the worker goes when the worker closes it).
    rmSync(this.dir, { recursive: true, force: true });
    // The spill file's descriptor once the worker, which reads it, has stopped.
    const fd = this.spillFd;
    void this.worker.terminate().finally(() => closeSync(fd));
  }
}
