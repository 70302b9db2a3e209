// What a "record" of a sealed stream is: each line of the (decompressed) source, without its "\n", byte
// for byte. A final "\n" ends the last record rather than starting an empty one.
import { createHash, type Hash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { leafHash, sha256 } from './hashing';

export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

export function decompressed(data: Buffer): Buffer {
  return isGzip(data) ? gunzipSync(data) : data;
}

export function splitRecords(content: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let start = 0;
  for (let nl = content.indexOf(0x0a, start); nl !== -1; nl = content.indexOf(0x0a, start)) {
    records.push(content.subarray(start, nl));
    start = nl + 1;
  }
  if (start < content.length) records.push(content.subarray(start));
  return records;
}

/** A file is a record stream when its first line is a whole JSON value (JSON lines), not a document's "{". */
export function looksLikeRecordStream(content: Buffer): boolean {
  const first = splitRecords(content.subarray(0, Math.min(content.length, 16 << 20)))[0];
  if (!first || first.length === 0) return false;
  try {
    const value: unknown = JSON.parse(first.toString('utf8'));
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

/**
 * Each record's hashes, fed a stream of pieces: the record is never held, only its hash states, so a
 * source of any size and a record of any length cost a few hundred bytes (`causa verify` of a bundle).
 * `onRecord` receives the record's hash objects' digests: the chain step's and the leaf's, as asked for.
 */
export class StreamingRecords {
  private chain: Hash | undefined;
  private leaf: Hash | undefined;
  private open = false;
  count = 0;
  head: Buffer = Buffer.alloc(32);
  /** Bytes pushed, newlines included: the stream's size. */
  size = 0;
  /** With `digest`: the SHA-256 of every byte pushed, as they pass. */
  private readonly bytesHash: Hash | undefined;

  constructor(
    private readonly onLeaf?: (leaf: Buffer, index: number) => void,
    digest = false,
  ) {
    this.bytesHash = digest ? createHash('sha256') : undefined;
  }

  /** The SHA-256 of the bytes pushed (hex), when asked for at construction. */
  digest(): string | undefined {
    return this.bytesHash?.digest('hex');
  }

  private begin(): void {
    this.chain = createHash('sha256').update(this.head);
    if (this.onLeaf) this.leaf = createHash('sha256').update(LEAF_PREFIX);
    this.open = true;
  }

  private piece(bytes: Buffer): void {
    if (!this.open) this.begin();
    this.chain!.update(bytes);
    this.leaf?.update(bytes);
  }

  private finish(): void {
    if (!this.open) this.begin();
    this.head = this.chain!.digest();
    if (this.leaf) this.onLeaf!(this.leaf.digest(), this.count);
    this.count += 1;
    this.open = false;
  }

  push(chunk: Buffer): void {
    this.size += chunk.length;
    this.bytesHash?.update(chunk);
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      if (this.open) {
        if (nl > start) this.piece(chunk.subarray(start, nl));
        this.finish();
      } else this.whole(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) this.piece(chunk.subarray(start));
  }

  /** A record that lies whole in one chunk (most of them): each of its hashes in one call, no Hash object. */
  private whole(record: Buffer): void {
    this.head = sha256(this.head, record);
    if (this.onLeaf) this.onLeaf(leafHash(record), this.count);
    this.count += 1;
  }

  /** Ends the stream: a last record without its "\n" is still a record. */
  end(): void {
    if (this.open) this.finish();
  }
}

const LEAF_PREFIX = Buffer.from([0x00]);
