// A strict reader of the zip form of a bundle. A zip says what it holds twice: in a local header before
// each entry's data and in the central directory at the end. Tools disagree on which to believe (most
// unzip programs read the directory, some streaming readers the local headers), so an archive whose two
// accounts differ shows different evidence to different readers; so does one that names a file twice or
// hides bytes between entries. None of this stops the bundle from being read: each is a finding, named
// with the entry, that the verifier reports as a problem (APPNOTE.TXT 6.3.10, sections 4.3.7 and 4.3.12).
import { inflateRawSync, crc32 } from 'node:zlib';

export interface ArchiveFinding {
  /** The entry's name (or "archive" for the archive as a whole). */
  item: string;
  reason: string;
}

export interface ZipContents {
  /** Each name's bytes, decompressed; for a name given twice, the first entry of the directory. */
  entries: Map<string, Buffer>;
  /** Names in directory order, duplicates included. */
  names: string[];
  findings: ArchiveFinding[];
}

export class ZipFormatError extends Error {}

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const DESCRIPTOR_SIG = 0x08074b50;
const FLAG_DESCRIPTOR = 0x0008;

interface CentralEntry {
  name: string;
  nameBytes: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function findEndOfCentralDirectory(data: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535.
  const lowest = Math.max(0, data.length - 22 - 0xffff);
  for (let at = data.length - 22; at >= lowest; at--) {
    if (data.readUInt32LE(at) === EOCD_SIG && at + 22 + data.readUInt16LE(at + 20) === data.length) return at;
  }
  throw new ZipFormatError('no end of central directory record');
}

function readCentralDirectory(data: Buffer, eocd: number, findings: ArchiveFinding[]): CentralEntry[] {
  const count = data.readUInt16LE(eocd + 10);
  const size = data.readUInt32LE(eocd + 12);
  const offset = data.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw new ZipFormatError('ZIP64 archives are not read (a bundle zip stays under 4 GiB)');
  if (offset + size > eocd) throw new ZipFormatError('the central directory runs past its end record');
  const entries: CentralEntry[] = [];
  let at = offset;
  while (at < offset + size) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== CENTRAL_SIG) throw new ZipFormatError(`damaged central directory at byte ${at}`);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const nameBytes = data.subarray(at + 46, at + 46 + nameLength);
    entries.push({
      name: nameBytes.toString('utf8'),
      nameBytes,
      flags: data.readUInt16LE(at + 8),
      method: data.readUInt16LE(at + 10),
      crc: data.readUInt32LE(at + 16),
      compressedSize: data.readUInt32LE(at + 20),
      size: data.readUInt32LE(at + 24),
      localOffset: data.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (at !== offset + size) throw new ZipFormatError('the central directory does not end where its end record says');
  if (entries.length !== count) findings.push({ item: 'archive', reason: `the end record counts ${count} entries but the central directory lists ${entries.length}` });
  if (offset + size !== eocd) findings.push({ item: 'archive', reason: `${eocd - offset - size} bytes between the central directory and its end record` });
  return entries;
}

/** Reads one entry through its local header; returns where its bytes end (after any data descriptor). */
function readEntry(data: Buffer, entry: CentralEntry, findings: ArchiveFinding[]): { bytes?: Buffer; end: number } {
  const at = entry.localOffset;
  const differs = (reason: string) => findings.push({ item: entry.name, reason: `the local header and the central directory disagree on ${reason}` });
  if (at + 30 > data.length || data.readUInt32LE(at) !== LOCAL_SIG) {
    findings.push({ item: entry.name, reason: `no local header at byte ${at}, where the central directory points` });
    return { end: at };
  }
  const flags = data.readUInt16LE(at + 6);
  const method = data.readUInt16LE(at + 8);
  const nameLength = data.readUInt16LE(at + 26);
  const extraLength = data.readUInt16LE(at + 28);
  const localName = data.subarray(at + 30, at + 30 + nameLength);
  if (!localName.equals(entry.nameBytes)) differs(`the name ("${localName.toString('utf8')}" locally)`);
  if (method !== entry.method) differs(`the compression method (${method} locally, ${entry.method} in the directory)`);
  if ((flags & FLAG_DESCRIPTOR) === 0) {
    const [crc, compressed, size] = [data.readUInt32LE(at + 14), data.readUInt32LE(at + 18), data.readUInt32LE(at + 22)];
    if (crc !== entry.crc) differs(`the CRC-32 (${crc.toString(16)} locally, ${entry.crc.toString(16)} in the directory)`);
    if (compressed !== entry.compressedSize) differs(`the compressed size (${compressed} locally, ${entry.compressedSize} in the directory)`);
    if (size !== entry.size) differs(`the size (${size} locally, ${entry.size} in the directory)`);
  }
  const start = at + 30 + nameLength + extraLength;
  let end = start + entry.compressedSize;
  if (end > data.length) {
    findings.push({ item: entry.name, reason: 'its data runs past the end of the archive' });
    return { end: data.length };
  }
  if ((flags & FLAG_DESCRIPTOR) !== 0) end += end + 4 <= data.length && data.readUInt32LE(end) === DESCRIPTOR_SIG ? 16 : 12;
  const stored = data.subarray(start, start + entry.compressedSize);
  let bytes: Buffer;
  if (entry.method === 0) bytes = stored;
  else if (entry.method === 8) {
    try {
      // Bounded by the size the directory declares: a zip bomb stops there.
      bytes = inflateRawSync(stored, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      findings.push({ item: entry.name, reason: `its data does not inflate to the ${entry.size} bytes declared (${(error as Error).message})` });
      return { end };
    }
  } else {
    findings.push({ item: entry.name, reason: `compression method ${entry.method} is not read (only stored and deflate)` });
    return { end };
  }
  if (bytes.length !== entry.size) findings.push({ item: entry.name, reason: `its data is ${bytes.length} bytes, not the ${entry.size} the directory declares` });
  else if (crc32(bytes) !== entry.crc) findings.push({ item: entry.name, reason: 'its data does not match the CRC-32 the directory declares' });
  return { bytes, end };
}

/** Reads every entry of a zip, in directory order, noting each way the archive could read differently elsewhere. */
export function readZipStrictly(data: Buffer): ZipContents {
  const findings: ArchiveFinding[] = [];
  const eocd = findEndOfCentralDirectory(data);
  const central = readCentralDirectory(data, eocd, findings);
  const entries = new Map<string, Buffer>();
  const seen = new Map<string, number>();
  const spans: { start: number; end: number }[] = [];
  for (const entry of central) {
    seen.set(entry.name, (seen.get(entry.name) ?? 0) + 1);
    const { bytes, end } = readEntry(data, entry, findings);
    spans.push({ start: entry.localOffset, end });
    if (bytes && !entries.has(entry.name)) entries.set(entry.name, bytes);
  }
  for (const [name, times] of seen) {
    if (times > 1) findings.push({ item: name, reason: `the zip holds ${times} entries of this name; readers differ on which one they take (this one read the first)` });
  }
  // Entries laid end to end from byte 0 up to the directory: any other byte is data the directory hides.
  let expected = 0;
  const directoryStart = data.readUInt32LE(eocd + 16);
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start > expected) findings.push({ item: 'archive', reason: `bytes ${expected}–${span.start - 1} belong to no entry the central directory lists` });
    else if (span.start < expected) findings.push({ item: 'archive', reason: `entries overlap at byte ${span.start}` });
    expected = Math.max(expected, span.end);
  }
  if (directoryStart > expected) findings.push({ item: 'archive', reason: `bytes ${expected}–${directoryStart - 1} belong to no entry the central directory lists` });
  return { entries, names: central.map((e) => e.name), findings };
}
