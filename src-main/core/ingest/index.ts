// The ingest layer's entry: which formats exist and how a source's bytes become parsed records.
import type { RecordFormat } from './format';
import { parseJsonLines, type ParsedRecord } from './json-lines';
import { k8sAudit } from './k8s-audit';
import { readLines } from './lines';

export const FORMATS: readonly RecordFormat[] = [k8sAudit];

export function findFormat(name: string): RecordFormat | undefined {
  return FORMATS.find((format) => format.name === name);
}

/** Parses a source's content (already gunzipped where needed) as records of the given format. */
export function parseSource(content: AsyncIterable<Buffer>, format: RecordFormat = k8sAudit): AsyncGenerator<ParsedRecord> {
  return parseJsonLines(readLines(content), format);
}

export type { ParsedRecord, RecordFormat };
export { bufferContent, openContent } from './lines';
