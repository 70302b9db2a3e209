// Zip archives built byte by byte (APPNOTE.TXT 4.3), so that a test can write exactly the hostile archive
// it means: two entries of one name, a local header that disagrees with the central directory, bytes that
// no entry owns. Nothing here is a zip library's idea of a valid archive.
import { crc32, deflateRawSync } from 'node:zlib';

export interface HandEntry {
  name: string;
  data: Buffer;
  /** 0 stored, 8 deflate (default 8). */
  method?: number;
  /** What the local header says instead of the truth; the central directory always tells the truth. */
  local?: { name?: string; method?: number; crc?: number; compressedSize?: number; size?: number };
  /** Bytes written after this entry's data that no entry owns. */
  after?: Buffer;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

export function handZip(entries: HandEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const method = entry.method ?? 8;
    const stored = method === 8 ? deflateRawSync(entry.data) : entry.data;
    const crc = crc32(entry.data);
    const name = Buffer.from(entry.name, 'utf8');
    const localName = Buffer.from(entry.local?.name ?? entry.name, 'utf8');
    const local = Buffer.concat([
      u32(0x04034b50),
      u16(20),
      u16(0x0800),
      u16(entry.local?.method ?? method),
      u16(0),
      u16(0x5021),
      u32(entry.local?.crc ?? crc),
      u32(entry.local?.compressedSize ?? stored.length),
      u32(entry.local?.size ?? entry.data.length),
      u16(localName.length),
      u16(0),
      localName,
    ]);
    central.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(20),
        u16(20),
        u16(0x0800),
        u16(method),
        u16(0),
        u16(0x5021),
        u32(crc),
        u32(stored.length),
        u32(entry.data.length),
        u16(name.length),
        u16(0),
        u16(0),
        u16(0),
        u16(0),
        u32(0),
        u32(offset),
        name,
      ]),
    );
    parts.push(local, stored);
    offset += local.length + stored.length;
    if (entry.after) {
      parts.push(entry.after);
      offset += entry.after.length;
    }
  }
  const directory = Buffer.concat(central);
  const end = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(entries.length),
    u16(entries.length),
    u32(directory.length),
    u32(offset),
    u16(0),
  ]);
  return Buffer.concat([...parts, directory, end]);
}
