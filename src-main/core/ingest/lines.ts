// Splits a byte stream into lines without copying or re-encoding them: a record's raw bytes are evidence,
// so what leaves here is exactly what the producer wrote between two newlines.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface Line {
  /** 1-based line number in the (decompressed) source. */
  number: number;
  /** The line's bytes without its terminating newline. */
  bytes: Buffer;
  /** False for a last line that ends without a newline (a possibly truncated record). */
  terminated: boolean;
}

const NEWLINE = 0x0a;

/**
 * The lines of a byte stream, as many as each chunk completes at once: a reader handles a MiB of lines
 * per turn instead of paying an asynchronous step for every line.
 */
export async function* readLineBatches(chunks: AsyncIterable<Buffer>): AsyncGenerator<Line[]> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let number = 0;
  for await (const chunk of chunks) {
    const batch: Line[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      const bytes = pendingLength === 0 ? piece : Buffer.concat([...pending, piece], pendingLength + piece.length);
      pending = [];
      pendingLength = 0;
      number += 1;
      batch.push({ number, bytes, terminated: true });
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      pending.push(rest);
      pendingLength += rest.length;
    }
    if (batch.length > 0) yield batch;
  }
  if (pendingLength > 0) {
    number += 1;
    yield [{ number, bytes: Buffer.concat(pending, pendingLength), terminated: false }];
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/** The file's content as a stream of chunks, gunzipped transparently when the file is gzip. */
export async function openContent(path: string): Promise<AsyncIterable<Buffer>> {
  const handle = await open(path, 'r');
  const head = Buffer.alloc(2);
  try {
    await handle.read(head, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  return isGzip(head) ? stream.pipe(createGunzip()) : stream;
}

const CHUNK = 1 << 20;

/**
 * Bytes in memory, a MiB at a time, yielding to the event loop between chunks: a large file dropped on
 * the window must not hold the process so long that the progress bar and the Cancel button go unanswered.
 */
async function* chunks(data: Buffer): AsyncGenerator<Buffer> {
  for (let start = 0; start < data.length; start += CHUNK) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    yield data.subarray(start, start + CHUNK);
  }
}

/** The same for bytes already in memory (a file dropped on the window). */
export function bufferContent(data: Buffer): AsyncIterable<Buffer> {
  return isGzip(data) ? Readable.from(chunks(data), { objectMode: false }).pipe(createGunzip()) : chunks(data);
}
