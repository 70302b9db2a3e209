// JSON lines: one record a line. Each line is judged alone, so a bad line costs only itself: the good
// lines before and after it are still imported, and the bad one is reported with its line and reason.
import type { NormalizedEvent } from '../../shared/model';
import { DEFAULT_LIMITS, formatBytes } from '../limits';
import { readerFor, type RecordFormat } from './format';
import { mayNameObjects, OBJECT_FORMATS, objectsOfRecord, type RecordObjects } from './k8s-objects';
import type { Line } from './lines';

/**
 * One record of a source: its position (line, or element number in a document), where it sits when that
 * is not a whole line, its exact bytes, and the events derived from it — or why it could not be read.
 * `objects` is what the record says about Kubernetes objects (the case's identity table), found while its
 * parsed value was in hand (JSON lines of a format that names objects): the value itself is not kept, so
 * that a batch of records holds no more than it did, and the import does not parse the record again.
 */
export type ParsedRecord =
  | {
      ok: true;
      position: number;
      line?: number;
      locator?: string;
      raw: Buffer;
      context?: Buffer;
      events: NormalizedEvent[];
      objects?: RecordObjects;
    }
  | { ok: false; position: number; line?: number; locator?: string; reason: string; fatal?: boolean };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

function decodeLine(bytes: Buffer): { text: string } | { reason: string } {
  if (bytes.includes(0)) return { reason: 'binary data (NUL bytes), not a line of JSON text' };
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { reason: 'not valid UTF-8 text' };
  }
}

/** Why an oversized record was skipped (json-document.ts says the same of a document's values). */
export function oversizedReason(size: number, maxRecordBytes: number, complete = true): string {
  const what = complete ? `a record of ${formatBytes(size)}` : `a record of at least ${formatBytes(size)} (cut off at the end)`;
  return `${what} is larger than the maximum record size (${formatBytes(maxRecordBytes)}); skipped (raise it with --max-record-size)`;
}

function jsonErrorDetail(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Parses batches of JSON lines as records of one format, a batch of records for each batch of lines. A
 * first line that is not text at all means the whole file is binary: that is reported once, as fatal,
 * instead of once per "line" of garbage, and nothing after it is read.
 */
export async function* parseJsonLineBatches(
  batches: AsyncIterable<Line[]>,
  format: RecordFormat,
  maxRecordBytes = DEFAULT_LIMITS.maxRecordBytes,
  { objects: findObjects = false }: { objects?: boolean } = {},
): AsyncGenerator<ParsedRecord[]> {
  const read = readerFor(format);
  const namesObjects = findObjects && OBJECT_FORMATS.has(format.name);
  let seenContent = false;
  for await (const lines of batches) {
    const records: ParsedRecord[] = [];
    for (const line of lines) {
      if (line.oversized !== undefined) {
        records.push({ ok: false, position: line.number, reason: oversizedReason(line.oversized, maxRecordBytes, line.terminated) });
        continue;
      }
      if (isBlank(line.bytes)) continue;
      if (format.lineComments && line.bytes[0] === 0x23) continue;
      const decoded = decodeLine(line.bytes);
      if ('reason' in decoded) {
        if (!seenContent) {
          records.push({ ok: false, position: line.number, reason: `binary file, not JSON lines: ${decoded.reason}`, fatal: true });
          yield records;
          return;
        }
        records.push({ ok: false, position: line.number, reason: decoded.reason });
        continue;
      }
      seenContent = true;
      let text = decoded.text;
      if (format.linePrefix) {
        const prefix = format.linePrefix.exec(text);
        if (!prefix) {
          records.push({ ok: false, position: line.number, reason: `line does not start with ${format.linePrefix.source}` });
          continue;
        }
        text = text.slice(prefix[0].length);
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const reason = line.terminated
          ? `invalid JSON: ${jsonErrorDetail(error)}`
          : `truncated record at end of file (no final newline): ${jsonErrorDetail(error)}`;
        records.push({ ok: false, position: line.number, reason });
        continue;
      }
      const normalized = read(value, { position: line.number });
      if (normalized.ok) {
        const first = normalized.events[0];
        // What service/objects.ts would find by parsing the record again: the same check, the same value.
        const objects =
          namesObjects && first && mayNameObjects(line.bytes, first.action)
            ? objectsOfRecord(format.name, value, first.time_ns, first.target)
            : undefined;
        records.push({ ok: true, position: line.number, raw: line.bytes, events: normalized.events, ...(objects ? { objects } : {}) });
      } else records.push({ ok: false, position: line.number, reason: normalized.reason });
    }
    if (records.length > 0) yield records;
  }
}
