// Raw records in compressed blocks (migration 0027). An import writes each event's row with an empty raw
// and collects the raw bytes of consecutive events into a block, deflated when it is full; every reader
// asks for an event's raw through `rawSql`, which takes the row's own bytes when it has them (a case from
// an earlier Causa) and the block's otherwise. Verification reads raw the same way, so whatever is done to
// a block (altered, cut, removed, swapped, another inserted before it) changes the records read from it,
// and the hashes and seals over those records name each one.
import { deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import { inflateSync } from 'fflate';
import type Database from 'better-sqlite3';

/**
 * A block is written when it holds this many events, or this many bytes of records. A record larger than
 * RAW_BLOCK_BYTES stays in its row, so no block inflates to more than twice that.
 */
export const RAW_BLOCK_EVENTS = 256;
export const RAW_BLOCK_BYTES = 128 * 1024;
/** The most a block may inflate to: a forged block that claims more is read as holding nothing. */
export const MAX_INFLATED = 4 * RAW_BLOCK_BYTES;

const EMPTY = Buffer.alloc(0);
/** The first event's id (6 bytes) and the number of records (4). */
const HEADER = 10;

export interface RawBlock {
  first: number;
  records: Buffer[];
}

/** The SQL expression for the raw bytes of event `alias` (a row of `event`). */
export function rawSql(alias: string): string {
  return `(CASE WHEN length(${alias}.raw) > 0 THEN ${alias}.raw ELSE causa_raw(${alias}.id, (SELECT b.bytes FROM raw_block b WHERE b.first_event <= ${alias}.id ORDER BY b.first_event DESC LIMIT 1)) END)`;
}

/** A block's records framed as the migration says: the first event's id, the count, each length, the records. */
function frameRawBlock(first: number, records: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(HEADER + 4 * records.length);
  header.writeUIntBE(first, 0, 6);
  header.writeUInt32BE(records.length, 6);
  records.forEach((record, i) => header.writeUInt32BE(record.length, HEADER + 4 * i));
  return Buffer.concat([header, ...records]);
}

/**
 * Level 3: the sample's 187 MiB of audit records (blocks of 128 KiB) deflated in 0.43 s to 15.9 MiB, where
 * level 6 took 1.4 s for 13.4 MiB. The deflate runs on libuv's pool, which shares two cores with the
 * import's thread, the search worker and V8's collector: a second of CPU every 200,000 events, for a case
 * file about 1 % larger (docs/limits.md).
 */
const DEFLATE = { level: 3 };

/** A block's bytes as stored: its records framed as the migration says, deflated. */
export function encodeRawBlock(first: number, records: readonly Buffer[]): Buffer {
  return deflateRawSync(frameRawBlock(first, records), DEFLATE);
}

/**
 * How many blocks a thread inflates with zlib before it turns to fflate. fflate is JavaScript, and V8 runs
 * it slowly until it has compiled it: in a fresh thread the first 20 blocks of a 1,000,000-event case took
 * 37–42 ms with fflate, 14 ms with zlib, and 6.5 ms with fflate once warm (docs/limits.md). A case's first
 * search reads a few dozen scattered blocks in a thread that has read none yet. zlib's output is a new
 * buffer for each block, outside the JS heap: a few dozen are nothing, while a scan's thousands are what
 * the reused buffer of fflate is for.
 */
export const ZLIB_FIRST_BLOCKS = 64;
/** Blocks this thread has inflated with zlib (module state: each worker thread loads the module anew). */
let inflatedHere = 0;
/** zlib's output buffer: a block and its header in one piece, not many pieces concatenated. */
const ZLIB_CHUNK = RAW_BLOCK_BYTES + 16 * 1024;

/**
 * A block's records, or undefined when its bytes are not a block (corrupt, cut, or claiming too much).
 * With `into` (at least MAX_INFLATED + 1 bytes) the block is inflated there and its records are views of
 * it, valid until `into` is used again: a reader that keeps a few blocks inflated reuses their buffers
 * rather than leaving one to the collector per block read (reading a scattered record of a large case
 * inflated a block each time, and those buffers, outside the JS heap, piled up to tens of MiB first).
 * A thread's first ZLIB_FIRST_BLOCKS blocks are inflated by zlib whatever `into` says.
 */
export function decodeRawBlock(bytes: Buffer, into?: Buffer): RawBlock | undefined {
  let inflated: Buffer;
  try {
    if (into && inflatedHere >= ZLIB_FIRST_BLOCKS) {
      const out = inflateSync(bytes, { out: into });
      if (out.length > MAX_INFLATED) return undefined; // it filled `into`: more than a block may hold
      inflated = Buffer.from(out.buffer, out.byteOffset, out.length);
    } else {
      inflatedHere += 1;
      inflated = inflateRawSync(bytes, { maxOutputLength: MAX_INFLATED, chunkSize: ZLIB_CHUNK });
    }
  } catch {
    return undefined;
  }
  if (inflated.length < HEADER) return undefined;
  const first = inflated.readUIntBE(0, 6);
  const count = inflated.readUInt32BE(6);
  let offset = HEADER + 4 * count;
  if (offset > inflated.length) return undefined;
  const records: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const length = inflated.readUInt32BE(HEADER + 4 * i);
    if (offset + length > inflated.length) return undefined;
    records.push(inflated.subarray(offset, offset + length));
    offset += length;
  }
  return offset === inflated.length ? { first, records } : undefined;
}

/** The raw record of event `id` in a block, empty when the block does not hold it. */
export function rawInBlock(block: RawBlock | undefined, id: number): Buffer {
  return block?.records[id - block.first] ?? EMPTY;
}

/**
 * Registers `causa_raw(id, bytes)` on a connection: the raw record of event `id` from a block's stored
 * bytes, empty when the block does not hold it (missing, not a block, or another event's). The last
 * blocks read are kept inflated, keyed by their stored bytes, so a scan inflates each block once.
 */
export function registerRawFunction(db: Database.Database): void {
  // The last few blocks read, newest first: a listing in time order that interleaves two sources (or two
  // files of one) alternates between their blocks, and should not inflate a block for every row.
  // Each inflated into a buffer of its own, reused for the block read after it leaves the cache.
  const cached: { bytes: Buffer; block: RawBlock | undefined; into: Buffer }[] = [];
  db.function('causa_raw', { deterministic: true }, (id: unknown, bytes: unknown) => {
    if (!Buffer.isBuffer(bytes)) return EMPTY;
    const at = cached.findIndex((entry) => entry.bytes.equals(bytes));
    if (at > 0) cached.unshift(...cached.splice(at, 1)); // the most recently read first
    if (at < 0) {
      const into = cached.length >= CACHED_BLOCKS ? cached.pop()!.into : Buffer.allocUnsafe(MAX_INFLATED + 1);
      // The stored bytes are kept as the key: better-sqlite3 gives a fresh Buffer for every call.
      cached.unshift({ bytes, block: decodeRawBlock(bytes, into), into });
    }
    return rawInBlock(cached[0]!.block, Number(id));
  });
}

/** How many inflated blocks a connection keeps (each at most MAX_INFLATED bytes). */
const CACHED_BLOCKS = 4;

/** The most blocks deflated in the background at once; a block past them is deflated at once (memory stays bounded). */
const DEFLATING_BLOCKS = 8;

/**
 * Collects the raw records of consecutive events of one write transaction into blocks. `add` after each
 * event row is written; `flush` (or `drain`, which first waits for the blocks deflating in the
 * background) before anything in the transaction reads raw records back, and before it commits; `close`
 * when the transaction ends, however it ends.
 *
 * A full block is deflated on libuv's thread pool while the import goes on (a million events' records
 * took 6 s of the import's own thread at level 6) and written when its bytes come back, in whatever order,
 * inside the transaction: blocks are keyed by their first event. Until its row is written, a block keeps
 * its records: `flush` deflates and writes here whatever has not come back, and the late result is then
 * dropped, as is every result that comes back after `close` (a transaction rolled back must not gain a row).
 */
export class RawBlockWriter {
  private first = 0;
  private records: Buffer[] = [];
  private bytes = 0;
  private readonly insert: Database.Statement;
  /** Full blocks being deflated in the background, by first event, with the wait for each. */
  private readonly deflating = new Map<number, { records: Buffer[]; done: Promise<void> }>();
  /** Why a block deflated in the background could not be written: the transaction fails with it. */
  private failure: unknown;
  private closed = false;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO raw_block (first_event, bytes) VALUES (?, ?)');
  }

  /** Whether a record goes into a block (else it stays in its event's row). */
  static holds(raw: Buffer): boolean {
    return raw.length > 0 && raw.length <= RAW_BLOCK_BYTES;
  }

  add(eventId: number, raw: Buffer): void {
    this.check();
    if (this.records.length > 0 && eventId !== this.first + this.records.length) this.startBlock();
    if (this.records.length === 0) this.first = eventId;
    this.records.push(Buffer.from(raw));
    this.bytes += raw.length;
    if (this.records.length >= RAW_BLOCK_EVENTS || this.bytes >= RAW_BLOCK_BYTES) this.startBlock();
  }

  /** The block being filled, to the background (or written at once when enough are there already). */
  private startBlock(): void {
    const [first, records] = [this.first, this.records];
    [this.records, this.bytes] = [[], 0];
    if (records.length === 0) return;
    if (this.deflating.size >= DEFLATING_BLOCKS) {
      this.insert.run(first, encodeRawBlock(first, records));
      return;
    }
    const done = new Promise<void>((resolve) => {
      deflateRaw(frameRawBlock(first, records), DEFLATE, (error, bytes) => {
        resolve();
        // Written already (by flush), or the transaction is over: nothing to do. A deflate that failed
        // leaves the block to flush, which deflates it here.
        if (this.closed || this.deflating.get(first)?.records !== records || error) return;
        try {
          this.insert.run(first, bytes);
          this.deflating.delete(first);
        } catch (failure) {
          this.failure ??= failure;
        }
      });
    });
    this.deflating.set(first, { records, done });
  }

  private check(): void {
    if (this.closed) throw new Error('raw records written after their transaction ended');
    if (this.failure !== undefined) throw this.failure;
  }

  /** Every block written: those still deflating in the background are deflated and written here. */
  flush(): void {
    this.check();
    for (const [first, { records }] of this.deflating) this.insert.run(first, encodeRawBlock(first, records));
    this.deflating.clear();
    // The block being filled, here too (sent to the background it would be deflated twice).
    if (this.records.length > 0) this.insert.run(this.first, encodeRawBlock(this.first, this.records));
    [this.records, this.bytes] = [[], 0];
  }

  /** `flush`, once the blocks deflating in the background have come back (they are then written as they are). */
  async drain(): Promise<void> {
    this.startBlock();
    await Promise.all([...this.deflating.values()].map((block) => block.done));
    this.flush();
  }

  /** The transaction is over: nothing more is written, whatever comes back. */
  close(): void {
    this.closed = true;
    this.deflating.clear();
    this.records = [];
  }
}
