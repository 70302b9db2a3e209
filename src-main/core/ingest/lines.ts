// Splits a byte stream into lines without copying or re-encoding them: a record's raw bytes are evidence,
// so what leaves here is exactly what the producer wrote between two newlines.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DEFAULT_LIMITS, InflateGuard, READ_CHUNK_BYTES, type Limits } from '../limits';

export interface Line {
  /** 1-based line number in the (decompressed) source. */
  number: number;
  /** The line's bytes without its terminating newline (empty for an oversized line). */
  bytes: Buffer;
  /** False for a last line that ends without a newline (a possibly truncated record). */
  terminated: boolean;
  /** Set when the line was longer than the maximum record size: how long it was; its bytes were not kept. */
  oversized?: number;
}

const NEWLINE = 0x0a;

/**
 * The lines of a byte stream, as many as each chunk completes at once: a reader handles a MiB of lines
 * per turn instead of paying an asynchronous step for every line. A line longer than `maxRecordBytes` is
 * not held: once it passes the limit its bytes are dropped as they come, and it is handed on as an
 * `oversized` line when its newline arrives, so one huge line costs at most the limit in memory.
 */
export async function* readLineBatches(
  chunks: AsyncIterable<Buffer>,
  maxRecordBytes = DEFAULT_LIMITS.maxRecordBytes,
): AsyncGenerator<Line[]> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  /** Bytes of the current line seen so far once it is oversized (pending is then empty). */
  let skipped = 0;
  let number = 0;
  for await (const chunk of chunks) {
    const batch: Line[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      number += 1;
      if (skipped > 0 || pendingLength + piece.length > maxRecordBytes) {
        batch.push({ number, bytes: Buffer.alloc(0), terminated: true, oversized: skipped + pendingLength + piece.length });
      } else {
        const bytes = pendingLength === 0 ? piece : Buffer.concat([...pending, piece], pendingLength + piece.length);
        batch.push({ number, bytes, terminated: true });
      }
      pending = [];
      pendingLength = 0;
      skipped = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (skipped > 0 || pendingLength + rest.length > maxRecordBytes) {
        skipped += pendingLength + rest.length;
        pending = [];
        pendingLength = 0;
      } else {
        // A copy, so that a short line's tail does not pin the whole chunk it came in.
        pending.push(rest.length < chunk.length / 4 ? Buffer.from(rest) : rest);
        pendingLength += rest.length;
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (skipped > 0) yield [{ number: number + 1, bytes: Buffer.alloc(0), terminated: false, oversized: skipped }];
  else if (pendingLength > 0) yield [{ number: number + 1, bytes: Buffer.concat(pending, pendingLength), terminated: false }];
}

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/**
 * Gunzips a stream under an InflateGuard: the bytes inflated before a limit is passed are yielded, then
 * the LimitError is thrown, so the reader keeps what came before and reports where it stopped.
 */
async function* gunzipGuarded(source: AsyncIterable<Buffer>, guard: InflateGuard): AsyncGenerator<Buffer> {
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      guard.consumed(chunk.length);
      yield chunk;
    }
  }
  const input = Readable.from(counted(), { objectMode: false });
  const gunzip = createGunzip();
  // pipeline hands a read failure on to the gunzip stream, where the loop below meets it.
  pipeline(input, gunzip, () => {});
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      guard.produced(chunk.length);
      yield chunk;
    }
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

/** The gzip input is read in small pieces, so the inflate ratio is judged on what was really consumed. */
const GZIP_READ = 64 << 10;

/** The file's content as a stream of chunks, gunzipped transparently (and within the limits) when the file is gzip. */
export async function openContent(path: string, limits: Limits = DEFAULT_LIMITS): Promise<AsyncIterable<Buffer>> {
  const handle = await open(path, 'r');
  const head = Buffer.alloc(2);
  try {
    await handle.read(head, 0, 2, 0);
  } finally {
    await handle.close();
  }
  if (!isGzip(head)) return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  return gunzipGuarded(
    createReadStream(path, { highWaterMark: GZIP_READ }),
    new InflateGuard(limits, `${basename(path)}: the gzip stream`),
  );
}

const CHUNK = 1 << 20;

/**
 * Bytes in memory, a MiB at a time, yielding to the event loop between chunks: a large file dropped on
 * the window must not hold the process so long that the progress bar and the Cancel button go unanswered.
 */
async function* chunks(data: Buffer, size = CHUNK): AsyncGenerator<Buffer> {
  for (let start = 0; start < data.length; start += size) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    yield data.subarray(start, start + size);
  }
}

/** The same for bytes already in memory (a file dropped on the window, a bundle's entry). */
export function bufferContent(data: Buffer, limits: Limits = DEFAULT_LIMITS, name = 'the file'): AsyncIterable<Buffer> {
  return isGzip(data) ? gunzipGuarded(chunks(data, GZIP_READ), new InflateGuard(limits, `${name}: the gzip stream`)) : chunks(data);
}

/** The same for a stream (a zip entry inflated as it is read). */
export async function* streamContent(
  source: AsyncIterable<Buffer>,
  limits: Limits = DEFAULT_LIMITS,
  name = 'the file',
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  async function* all(): AsyncGenerator<Buffer> {
    yield first.value as Buffer;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  if (isGzip(first.value as Buffer)) yield* gunzipGuarded(all(), new InflateGuard(limits, `${name}: the gzip stream`));
  else yield* all();
}
