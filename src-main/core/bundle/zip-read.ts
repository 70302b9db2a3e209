// The one zip reader (a bundle's .zip form, on disk or dropped in memory). It reads entries one at a time,
// each inflated as a stream under the evidence limits: the archive is never read whole, an entry never
// held whole, and an entry that inflates past the maximum size or ratio stops there with a LimitError
// (docs/limits.md). And it reads strictly: a zip says what it holds twice, in a local header before each
// entry's data and in the central directory at the end, and tools disagree on which to believe (most unzip
// programs read the directory, some streaming readers the local headers). So an archive whose two
// accounts differ, that names a file twice, hides bytes between entries, or whose data does not match the
// size or CRC-32 it declares, shows different evidence to different readers. None of this stops the
// bundle from being read: each is a finding, named with the entry, that the verifier reports as a problem
// (APPNOTE.TXT 6.3.10, sections 4.3.7 and 4.3.12). Only what a bundle needs: stored and deflated entries,
// zip64 sizes and offsets, no encryption, no multi-disk archives.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { InflateGuard, LimitError, type Limits } from '../limits';

export interface ArchiveFinding {
  /** The entry's name (or "archive" for the archive as a whole). */
  item: string;
  reason: string;
}

export interface ZipEntry {
  name: string;
  nameBytes: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  /** As the central directory declares it; the inflated bytes are counted, never trusted to this. */
  size: number;
  localHeaderOffset: number;
  /** Where the entry's stored bytes start (after its local header); absent when there is no local header. */
  dataOffset?: number;
}

export class ZipFormatError extends Error {}

/** Where a zip's bytes come from: a file on disk, read a piece at a time, or bytes already in memory. */
export interface ZipSource {
  readonly size: number;
  readAt(position: number, length: number): Promise<Buffer>;
  /** The bytes from `start` up to (not including) `end`, as a stream. */
  range(start: number, end: number): AsyncIterable<Buffer>;
}

export type ZipInput = string | Buffer | ZipSource;

export async function zipSource(input: ZipInput): Promise<ZipSource> {
  if (Buffer.isBuffer(input)) {
    return {
      size: input.length,
      readAt: async (position, length) => input.subarray(position, Math.min(input.length, position + length)),
      async *range(start, end) {
        for (let at = start; at < end; at += 1 << 20) yield input.subarray(at, Math.min(end, at + (1 << 20)));
      },
    };
  }
  if (typeof input !== 'string') return input;
  const path = input;
  const { size } = await (async () => {
    const handle = await open(path, 'r');
    try {
      return await handle.stat();
    } finally {
      await handle.close();
    }
  })();
  return {
    size,
    readAt: async (position, length) => {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    range: (start, end) =>
      end <= start
        ? (async function* () {})()
        : (createReadStream(path, { start, end: end - 1, highWaterMark: 64 << 10 }) as AsyncIterable<Buffer>),
  };
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const SATURATED = 0xffffffff;
/** No bundle's central directory comes near this; a larger one is refused rather than read. */
const MAX_CENTRAL_DIRECTORY = 64 << 20;

function u64(buffer: Buffer, at: number): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('a zip64 size or offset beyond 2^53');
  return Number(value);
}

/** The zip64 extra field's (id 1) values, in order, for the fields given as saturated. */
function zip64Values(extra: Buffer, wanted: number, what: string): number[] {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 1) {
      if (wanted * 8 > length || at + 4 + wanted * 8 > extra.length) throw new ZipFormatError(`${what}: a zip64 extra field too short`);
      return Array.from({ length: wanted }, (_, i) => u64(extra, at + 4 + i * 8));
    }
    at += 4 + length;
  }
  if (wanted > 0) throw new ZipFormatError(`${what}: sizes saturated at 4 GiB without a zip64 extra field`);
  return [];
}

interface Directory {
  entries: ZipEntry[];
  /** Where the central directory starts: every byte before it should belong to an entry. */
  start: number;
}

async function readDirectory(source: ZipSource, findings: ArchiveFinding[]): Promise<Directory> {
  const size = source.size;
  // The end record is 22 bytes plus a comment of at most 65,535, and the comment runs to the end of the file.
  const tailLength = Math.min(size, 22 + 0xffff);
  const tailStart = size - tailLength;
  const tail = await source.readAt(tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i -= 1) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw new ZipFormatError('no end of central directory record');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  // Where the directory should end: the end record, or the zip64 end record before it.
  let directoryEnd = tailStart + eocd;
  if (count === 0xffff || cdSize === SATURATED || cdOffset === SATURATED) {
    const locatorAt = eocd - 20;
    if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR)
      throw new ZipFormatError('a zip64 archive without its zip64 locator');
    const recordAt = u64(tail, locatorAt + 8);
    const record = await source.readAt(recordAt, 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD)
      throw new ZipFormatError('the zip64 end of central directory record is missing');
    count = u64(record, 32);
    cdSize = u64(record, 40);
    cdOffset = u64(record, 48);
    directoryEnd = recordAt;
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY) throw new ZipFormatError(`a central directory of ${cdSize} bytes (more than a bundle ever needs)`);
  if (cdOffset + cdSize > directoryEnd) throw new ZipFormatError('the central directory runs past its end record');
  const directory = await source.readAt(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at < directory.length) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL)
      throw new ZipFormatError(`damaged central directory at byte ${cdOffset + at}`);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const nameBytes = Buffer.from(directory.subarray(at + 46, at + 46 + nameLength));
    const entry: ZipEntry = {
      name: nameBytes.toString('utf8'),
      nameBytes,
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      crc: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    const extra = directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    const saturated = [entry.size, entry.compressedSize, entry.localHeaderOffset].filter((v) => v === SATURATED).length;
    if (saturated > 0) {
      const values = zip64Values(extra, saturated, `entry "${entry.name}"`);
      if (entry.size === SATURATED) entry.size = values.shift()!;
      if (entry.compressedSize === SATURATED) entry.compressedSize = values.shift()!;
      if (entry.localHeaderOffset === SATURATED) entry.localHeaderOffset = values.shift()!;
    }
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (at !== directory.length) throw new ZipFormatError('the central directory does not end where its end record says');
  if (entries.length !== count)
    findings.push({ item: 'archive', reason: `the end record counts ${count} entries but the central directory lists ${entries.length}` });
  if (cdOffset + cdSize !== directoryEnd)
    findings.push({
      item: 'archive',
      reason: `${directoryEnd - cdOffset - cdSize} bytes between the central directory and its end record`,
    });
  return { entries, start: cdOffset };
}

/** Checks one entry's local header against the directory; returns where its bytes end (after any data descriptor). */
async function readLocalHeader(source: ZipSource, entry: ZipEntry, findings: ArchiveFinding[]): Promise<number> {
  const at = entry.localHeaderOffset;
  const differs = (reason: string) =>
    findings.push({ item: entry.name, reason: `the local header and the central directory disagree on ${reason}` });
  const header = at + 30 <= source.size ? await source.readAt(at, 30) : Buffer.alloc(0);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) {
    findings.push({ item: entry.name, reason: `no local header at byte ${at}, where the central directory points` });
    return at;
  }
  const flags = header.readUInt16LE(6);
  const method = header.readUInt16LE(8);
  const nameLength = header.readUInt16LE(26);
  const extraLength = header.readUInt16LE(28);
  const variable = await source.readAt(at + 30, nameLength + extraLength);
  const localName = variable.subarray(0, nameLength);
  if (!localName.equals(entry.nameBytes)) differs(`the name ("${localName.toString('utf8')}" locally)`);
  if (method !== entry.method) differs(`the compression method (${method} locally, ${entry.method} in the directory)`);
  let zip64 = false;
  if ((flags & FLAG_DESCRIPTOR) === 0) {
    const crc = header.readUInt32LE(14);
    let compressed = header.readUInt32LE(18);
    let size = header.readUInt32LE(22);
    if (compressed === SATURATED || size === SATURATED) {
      zip64 = true;
      // A local zip64 extra field holds both sizes, the original size first.
      try {
        [size, compressed] = zip64Values(variable.subarray(nameLength), 2, `entry "${entry.name}"`) as [number, number];
      } catch {
        differs('the sizes (a local zip64 field is missing)');
      }
    }
    if (crc !== entry.crc) differs(`the CRC-32 (${crc.toString(16)} locally, ${entry.crc.toString(16)} in the directory)`);
    if (compressed !== entry.compressedSize)
      differs(`the compressed size (${compressed} locally, ${entry.compressedSize} in the directory)`);
    if (size !== entry.size) differs(`the size (${size} locally, ${entry.size} in the directory)`);
  } else zip64 = entry.size > SATURATED || entry.compressedSize > SATURATED;
  const start = at + 30 + nameLength + extraLength;
  let end = start + entry.compressedSize;
  if (end > source.size) {
    findings.push({ item: entry.name, reason: 'its data runs past the end of the archive' });
    return source.size;
  }
  entry.dataOffset = start;
  if ((flags & FLAG_DESCRIPTOR) !== 0) {
    const signature = end + 4 <= source.size ? (await source.readAt(end, 4)).readUInt32LE(0) : 0;
    end += (signature === DESCRIPTOR ? 4 : 0) + (zip64 ? 20 : 12);
  }
  return end;
}

/** Why an entry cannot be read at all (its method or encryption), or undefined when it can. */
function unreadable(entry: ZipEntry): string | undefined {
  if (entry.flags & FLAG_ENCRYPTED) return 'it is encrypted (a bundle never is)';
  if (entry.method !== 0 && entry.method !== 8) return `compression method ${entry.method} is not read (only stored and deflate)`;
  return undefined;
}

/** An entry's stored bytes inflated as they are read, under the limits; `where` names it in a LimitError. */
async function* inflated(source: ZipSource, entry: ZipEntry, limits: Limits, where: string): AsyncGenerator<Buffer> {
  if (entry.dataOffset === undefined) throw new ZipFormatError(`entry "${entry.name}": no local header where the central directory says`);
  const why = unreadable(entry);
  if (why) throw new ZipFormatError(`entry "${entry.name}": ${why}`);
  if (entry.compressedSize === 0) return;
  const raw = source.range(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  if (entry.method === 0) {
    yield* raw;
    return;
  }
  const guard = new InflateGuard(limits, where);
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of raw) {
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
  }
}

/**
 * Reads an entry's data once, as a stream, to check it against the size and CRC-32 the directory declares.
 * Returns false when the entry cannot be read at all (the finding says why). An entry stopped by the
 * limits is not a finding of the archive: reading it stops at the same place, and says so.
 */
async function checkData(source: ZipSource, entry: ZipEntry, limits: Limits, findings: ArchiveFinding[]): Promise<boolean> {
  const why = unreadable(entry);
  if (why) {
    findings.push({ item: entry.name, reason: why });
    return false;
  }
  let length = 0;
  let crc = 0;
  try {
    for await (const chunk of inflated(source, entry, limits, `zip entry ${entry.name}`)) {
      length += chunk.length;
      if (entry.method === 8 && length > entry.size) {
        findings.push({
          item: entry.name,
          reason: `its data does not inflate to the ${entry.size} bytes declared (it inflates past them)`,
        });
        return false;
      }
      crc = crc32(chunk, crc);
    }
  } catch (error) {
    if (error instanceof LimitError) return true;
    findings.push({
      item: entry.name,
      reason: `its data does not inflate to the ${entry.size} bytes declared (${(error as Error).message})`,
    });
    return false;
  }
  if (length !== entry.size)
    findings.push({ item: entry.name, reason: `its data is ${length} bytes, not the ${entry.size} the directory declares` });
  else if (crc !== entry.crc) findings.push({ item: entry.name, reason: 'its data does not match the CRC-32 the directory declares' });
  return true;
}

export interface ZipArchive {
  source: ZipSource;
  /** Each name's entry; for a name given twice, the first entry of the directory. */
  entries: Map<string, ZipEntry>;
  /** Names in directory order, duplicates included. */
  names: string[];
  /** Names whose data cannot be read (no local header, an unread method, data that does not inflate). */
  unreadable: Set<string>;
  findings: ArchiveFinding[];
}

/**
 * Reads a zip's directory and every local header, and streams each entry's data once through the limits
 * to check its size and CRC-32, noting each way the archive could read differently elsewhere. Nothing is
 * kept but the directory: entries are read again, as streams, by `streamZipEntry`.
 */
export async function readZipArchive(input: ZipInput, limits: Limits): Promise<ZipArchive> {
  const source = await zipSource(input);
  const findings: ArchiveFinding[] = [];
  const directory = await readDirectory(source, findings);
  const entries = new Map<string, ZipEntry>();
  const seen = new Map<string, number>();
  const broken = new Set<string>();
  const spans: { start: number; end: number }[] = [];
  for (const entry of directory.entries) {
    seen.set(entry.name, (seen.get(entry.name) ?? 0) + 1);
    const end = await readLocalHeader(source, entry, findings);
    spans.push({ start: entry.localHeaderOffset, end });
    const first = !entries.has(entry.name);
    if (first) entries.set(entry.name, entry);
    const readable = entry.dataOffset !== undefined && (await checkData(source, entry, limits, findings));
    if (first && !readable) broken.add(entry.name);
  }
  for (const [name, times] of seen) {
    if (times > 1)
      findings.push({
        item: name,
        reason: `the zip holds ${times} entries of this name; readers differ on which one they take (this one read the first)`,
      });
  }
  // Entries laid end to end from byte 0 up to the directory: any other byte is data the directory hides.
  let expected = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start > expected)
      findings.push({ item: 'archive', reason: `bytes ${expected}–${span.start - 1} belong to no entry the central directory lists` });
    else if (span.start < expected) findings.push({ item: 'archive', reason: `entries overlap at byte ${span.start}` });
    expected = Math.max(expected, span.end);
  }
  if (directory.start > expected)
    findings.push({ item: 'archive', reason: `bytes ${expected}–${directory.start - 1} belong to no entry the central directory lists` });
  return { source, entries, names: directory.entries.map((e) => e.name), unreadable: broken, findings };
}

/** The entries the central directory lists, in its order, each checked against its local header. */
export async function readZipDirectory(input: ZipInput): Promise<ZipEntry[]> {
  const source = await zipSource(input);
  const { entries } = await readDirectory(source, []);
  for (const entry of entries) await readLocalHeader(source, entry, []);
  return entries;
}

/** An entry's bytes, inflated as they are read, under the limits; `where` names it in a LimitError. */
export async function* streamZipEntry(input: ZipInput, entry: ZipEntry, limits: Limits, where: string): AsyncGenerator<Buffer> {
  yield* inflated(await zipSource(input), entry, limits, where);
}
