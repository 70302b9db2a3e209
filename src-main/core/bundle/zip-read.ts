// Reads a zip file's entries from disk one at a time, inflating each as a stream under the evidence
// limits: the archive is never read whole, an entry never held whole, and an entry that inflates past
// the maximum size or ratio stops there with a LimitError (docs/limits.md). Only what a bundle needs:
// stored and deflated entries, zip64 sizes and offsets, no encryption, no multi-disk archives.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { InflateGuard, type Limits } from '../limits';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  /** As the central directory declares it; the inflated bytes are counted, never trusted to this. */
  size: number;
  localHeaderOffset: number;
}

export class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** No bundle's central directory comes near this; a larger one is refused rather than read. */
const MAX_CENTRAL_DIRECTORY = 64 << 20;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function u64(buffer: Buffer, at: number): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('a zip64 size or offset beyond 2^53');
  return Number(value);
}

/** The values a zip64 extra field (id 1) gives for the fields saturated at 0xffffffff, in order. */
function zip64Extra(extra: Buffer, entry: ZipEntry, rawSize: number, rawCompressed: number, rawOffset: number): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 1) {
      let field = at + 4;
      const next = (): number => {
        if (field + 8 > at + 4 + length) throw new ZipFormatError(`entry "${entry.name}": a zip64 extra field too short`);
        const value = u64(extra, field);
        field += 8;
        return value;
      };
      if (rawSize === 0xffffffff) entry.size = next();
      if (rawCompressed === 0xffffffff) entry.compressedSize = next();
      if (rawOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + length;
  }
}

/** The entries the central directory lists, in its order. */
export async function readZipDirectory(path: string): Promise<ZipEntry[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i -= 1) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw new ZipFormatError('no end of central directory record');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const locatorAt = eocd - 20;
      if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR) throw new ZipFormatError('a zip64 archive without its zip64 locator');
      const record = await readAt(handle, u64(tail, locatorAt + 8), 56);
      if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipFormatError('the zip64 end of central directory record is missing');
      count = u64(record, 32);
      cdSize = u64(record, 40);
      cdOffset = u64(record, 48);
    }
    if (cdSize > MAX_CENTRAL_DIRECTORY) throw new ZipFormatError(`a central directory of ${cdSize} bytes (more than a bundle ever needs)`);
    if (cdOffset + cdSize > size) throw new ZipFormatError('the central directory lies past the end of the file');
    const directory = await readAt(handle, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i += 1) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL) throw new ZipFormatError(`central directory entry ${i + 1} is damaged`);
      const flags = directory.readUInt16LE(at + 8);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const rawCompressed = directory.readUInt32LE(at + 20);
      const rawSize = directory.readUInt32LE(at + 24);
      const rawOffset = directory.readUInt32LE(at + 42);
      const entry: ZipEntry = {
        name: directory.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
        method: directory.readUInt16LE(at + 10),
        compressedSize: rawCompressed,
        size: rawSize,
        localHeaderOffset: rawOffset,
      };
      zip64Extra(directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry, rawSize, rawCompressed, rawOffset);
      if (flags & 0x1) throw new ZipFormatError(`entry "${entry.name}" is encrypted`);
      if (entry.method !== 0 && entry.method !== 8) throw new ZipFormatError(`entry "${entry.name}" uses compression method ${entry.method} (only stored and deflate are read)`);
      entries.push(entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** Where an entry's compressed bytes start: after its local header, whose name and extra lengths may differ. */
async function dataOffset(path: string, entry: ZipEntry): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const header = await readAt(handle, entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw new ZipFormatError(`entry "${entry.name}": no local header where the central directory says`);
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await handle.close();
  }
}

/** An entry's bytes, inflated as they are read, under the limits; `where` names it in a LimitError. */
export async function* streamZipEntry(path: string, entry: ZipEntry, limits: Limits, where: string): AsyncGenerator<Buffer> {
  if (entry.compressedSize === 0) return;
  const start = await dataOffset(path, entry);
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 64 << 10 });
  if (entry.method === 0) {
    yield* raw as AsyncIterable<Buffer>;
    return;
  }
  const guard = new InflateGuard(limits, where);
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of raw as AsyncIterable<Buffer>) {
      guard.consumed(chunk.length);
      yield chunk;
    }
  }
  const input = Readable.from(counted(), { objectMode: false });
  const inflate = createInflateRaw();
  pipeline(input, inflate, () => {});
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      guard.produced(chunk.length);
      yield chunk;
    }
  } finally {
    input.destroy();
    inflate.destroy();
    raw.destroy();
  }
}
