// What a "record" of a sealed stream is: each line of the (decompressed) source, without its "\n", byte
// for byte. A final "\n" ends the last record rather than starting an empty one.
import { gunzipSync } from 'node:zlib';

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
