// Hostile inputs made on the fly and written as they are made: no test ever holds a bomb's inflated
// content. A gzip file may hold several members and a raw deflate stream several fully flushed blocks,
// each of which starts afresh, so one compressed block of 64 MiB of filler repeated n times inflates to
// n × 64 MiB while the file stays about a thousandth of that.
import { closeSync, openSync, writeSync } from 'node:fs';
import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';

export const MiB = 2 ** 20;
const BLOCK = 64 * MiB;

let filler: Buffer | undefined;
/** 64 MiB of "x": JSON string content, so the bomb is one (enormous) record, not blank lines. */
function block(): Buffer {
  filler ??= Buffer.alloc(BLOCK, 'x');
  return filler;
}

/**
 * A gzip file whose content is `before`, then one line of `{"pad":"xxx…"}` about `lineBytes` long, then
 * `after`: the oversized record sits between good ones.
 */
export function writeGzipLineBomb(path: string, lineBytes: number, before: string, after: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, gzipSync(`${before}{"pad":"`));
    const member = gzipSync(block(), { level: 9 });
    for (let written = 0; written < lineBytes; written += BLOCK) writeSync(fd, member);
    writeSync(fd, gzipSync(`"}\n${after}`));
  } finally {
    closeSync(fd);
  }
}

/** A raw deflate stream of `blocks` × 64 MiB of "x", and that content's CRC-32 and size. */
export function deflateBomb(blocks: number): { data: Buffer; crc: number; size: number } {
  const flushed = deflateRawSync(block(), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const end = deflateRawSync(Buffer.alloc(0));
  let crc = 0;
  for (let i = 0; i < blocks; i += 1) crc = crc32(block(), crc);
  return { data: Buffer.concat([...Array.from({ length: blocks }, () => flushed), end]), crc, size: blocks * BLOCK };
}

export interface ZipInput {
  name: string;
  /** Stored as it is (method 0)… */
  stored?: Buffer;
  /** …or already deflated (method 8), with the content's CRC and size. */
  deflated?: { data: Buffer; crc: number; size: number };
}

/** Writes a zip of the entries (zip64 sizes where an entry passes 4 GiB), as a plain zip writer would. */
export function writeZip(path: string, entries: ZipInput[]): void {
  const fd = openSync(path, 'w');
  let offset = 0;
  const write = (buffer: Buffer): void => {
    writeSync(fd, buffer);
    offset += buffer.length;
  };
  const central: Buffer[] = [];
  try {
    for (const entry of entries) {
      const name = Buffer.from(entry.name);
      const data = entry.deflated ? entry.deflated.data : entry.stored!;
      const crc = entry.deflated ? entry.deflated.crc : crc32(entry.stored!);
      const size = entry.deflated ? entry.deflated.size : entry.stored!.length;
      const zip64 = size >= 0xffffffff;
      const extra = Buffer.alloc(zip64 ? 20 : 0);
      if (zip64) {
        extra.writeUInt16LE(1, 0);
        extra.writeUInt16LE(16, 2);
        extra.writeBigUInt64LE(BigInt(size), 4);
        extra.writeBigUInt64LE(BigInt(data.length), 12);
      }
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(zip64 ? 45 : 20, 4);
      local.writeUInt16LE(entry.deflated ? 8 : 0, 8);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(zip64 ? 0xffffffff : data.length, 18);
      local.writeUInt32LE(zip64 ? 0xffffffff : size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(extra.length, 28);
      const at = offset;
      write(Buffer.concat([local, name, extra]));
      write(data);
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE(zip64 ? 45 : 20, 4);
      record.writeUInt16LE(zip64 ? 45 : 20, 6);
      record.writeUInt16LE(entry.deflated ? 8 : 0, 10);
      record.writeUInt32LE(crc >>> 0, 16);
      record.writeUInt32LE(zip64 ? 0xffffffff : data.length, 20);
      record.writeUInt32LE(zip64 ? 0xffffffff : size, 24);
      record.writeUInt16LE(name.length, 28);
      record.writeUInt16LE(extra.length, 30);
      record.writeUInt32LE(at, 42);
      central.push(Buffer.concat([record, name, extra]));
    }
    const directory = Buffer.concat(central);
    const cdOffset = offset;
    write(directory);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(cdOffset, 16);
    write(end);
  } finally {
    closeSync(fd);
  }
}
