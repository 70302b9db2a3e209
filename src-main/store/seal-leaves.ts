// The Merkle leaves of a source's stored records, hashed on a second core: a worker thread opens the case
// file read-only on a connection of its own, reads the records' raw bytes in (position, ordinal) order and
// sends back, a page at a time, each record's position and leaf hash (RFC 6962: SHA-256 of 0x00 and the
// bytes). The seal check (service/case-seal.ts) meanwhile reads the rows' sealed values on its own
// connection and hashes those: the two halves of a record's check run side by side.
//
// The worker is one small script given as text (no build entry of its own, so it runs the same from the
// bundle, the Electron main process and the tests) and loads better-sqlite3 from where this module does.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CaseStore } from './case-store';
import { MAX_INFLATED, rawSql } from './raw-blocks';

/** One page of leaves: the position of each record, in order, and its 32-byte leaf hash at 32 × index. */
export interface LeafPage {
  positions: Float64Array;
  leaves: Buffer;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const Database = require(workerData.sqlite);
const { inflateRawSync } = require('node:zlib');
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
// causa_raw of store/raw-blocks.ts, for this connection: a block inflated (bounded), its first event's id
// (6 bytes), the count (4), the lengths (4 each), the records. Empty when the block does not hold the event.
const EMPTY = Buffer.alloc(0);
let cached;
function recordsOf(bytes) {
  try {
    const b = inflateRawSync(bytes, { maxOutputLength: workerData.maxInflated });
    const first = b.readUIntBE(0, 6), count = b.readUInt32BE(6), records = [];
    let offset = 10 + 4 * count;
    for (let i = 0; i < count && offset <= b.length; i += 1) {
      const length = b.readUInt32BE(10 + 4 * i);
      records.push(b.subarray(offset, offset + length));
      offset += length;
    }
    return offset === b.length ? { first, records } : undefined;
  } catch {
    return undefined;
  }
}
db.function('causa_raw', { deterministic: true }, (id, bytes) => {
  if (!Buffer.isBuffer(bytes)) return EMPTY;
  if (!cached || !cached.bytes.equals(bytes)) cached = { bytes, block: recordsOf(bytes) };
  return (cached.block && cached.block.records[Number(id) - cached.block.first]) || EMPTY;
});
const page = db
  .prepare('SELECT e.position, e.ordinal, ' + workerData.rawSql + ' FROM event e WHERE e.source_id = ? AND (e.position, e.ordinal) > (?, ?) ORDER BY e.position, e.ordinal LIMIT ?')
  .raw(true)
  .safeIntegers(true);
const prefix = Buffer.from([0]);
let after = [-1n, -1n];
let last;
let done = false;
function next() {
  if (done) return parentPort.postMessage(null);
  const rows = page.all(workerData.sourceId, after[0], after[1], workerData.size);
  if (rows.length < workerData.size) done = true;
  if (rows.length > 0) after = [rows[rows.length - 1][0], rows[rows.length - 1][1]];
  const positions = [];
  const leaves = Buffer.allocUnsafe(32 * rows.length);
  for (const [position, , raw] of rows) {
    const at = Number(position);
    if (at === last) continue;
    last = at;
    createHash('sha256').update(prefix).update(raw).digest().copy(leaves, 32 * positions.length);
    positions.push(at);
  }
  const out = Float64Array.from(positions);
  const bytes = leaves.buffer.slice(leaves.byteOffset, leaves.byteOffset + 32 * positions.length);
  parentPort.postMessage({ positions: out, leaves: bytes }, [out.buffer, bytes]);
}
parentPort.on('message', (message) => (message === 'next' ? next() : (db.close(), process.exit(0))));
`;

/**
 * Streams the leaves of a source's records from a worker thread, one page ahead of the reader: the worker
 * hashes page n + 1 while the caller checks page n, and never more (memory stays two pages).
 */
export class LeafStream {
  private readonly worker: Worker;
  private pending: Promise<LeafPage | null>;
  private failure?: Error;
  private closed = false;

  constructor(store: CaseStore, sourceId: number, size = 4000) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        path: store.path,
        sourceId,
        size,
        sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
        rawSql: rawSql('e'),
        maxInflated: MAX_INFLATED,
      },
      // The worker's own isolate would otherwise size its young generation for throughput (up to ~100
      // MiB); it hashes one page of rows at a time, which needs a few MiB (docs/limits.md, "Memory").
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
    });
    this.worker.on('error', (error) => (this.failure = error));
    this.pending = this.request();
  }

  private request(): Promise<LeafPage | null> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: { positions: Float64Array; leaves: ArrayBuffer } | null): void => {
        this.worker.off('error', onError);
        this.worker.off('exit', onExit);
        resolve(message && { positions: message.positions, leaves: Buffer.from(message.leaves) });
      };
      const onError = (error: Error): void => {
        this.worker.off('message', onMessage);
        this.worker.off('exit', onExit);
        reject(new Error(`hashing the records' leaves failed: ${error.message}`));
      };
      const onExit = (code: number): void => {
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
        reject(this.failure ?? new Error(`hashing the records' leaves stopped (worker exit ${code})`));
      };
      this.worker.once('message', onMessage);
      this.worker.once('error', onError);
      this.worker.once('exit', onExit);
      this.worker.postMessage('next');
    });
  }

  /** The next page of leaves, or null after the last; the page after it is asked for at once. */
  async next(): Promise<LeafPage | null> {
    const page = await this.pending;
    if (page) this.pending = this.request();
    else this.pending = Promise.resolve(null);
    return page;
  }

  /** Stops the worker (at the end, or when the check stops early: a cancel, an error). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A request still in flight ends with the worker; its rejection is expected, not a failure.
    this.pending.catch(() => undefined);
    await this.worker.terminate();
  }
}
