// What a file's first bytes say about its shape, so its format can be detected by content without reading
// the whole file: JSON lines (the first line is a whole value) or a document, and then the document's
// top-level keys, its small top-level values and the first element of each top-level array.
import { JsonElementScanner, JsonSyntaxError, type DocumentElement } from './json-document';

/** How much of a file (after gunzip) detection looks at first; more when its first record is larger. */
export const PROBE_BYTES = 1 << 20;

export interface DocumentProbe {
  root: 'object' | 'array';
  /** Top-level keys seen in the head, in order (an object root). */
  keys: string[];
  /** Top-level values that are complete within the head (small ones: `kind`, `apiVersion`, `trace`). */
  top: Map<string, unknown>;
  /** The first element of each top-level array, by key; a root array's first element under "". */
  first: Map<string, unknown>;
}

export type Probe =
  /** `values`: each whole line of the head parsed on its own, undefined where a line is not JSON. */
  | { shape: 'lines'; values: unknown[]; probe?: DocumentProbe }
  | { shape: 'document'; probe: DocumentProbe }
  | { shape: 'not-json'; reason: string };

function firstNonSpace(head: Buffer): number {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  for (;;) {
    while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i += 1;
    // Leading `#` comment lines (a recorder's banner) do not decide the shape; the lines after them do.
    if (head[i] !== 0x23) return i;
    const nl = head.indexOf(0x0a, i);
    if (nl === -1) return i;
    i = nl + 1;
  }
}

function scanHead(head: Buffer, pattern: readonly (string | '*')[]): { elements: DocumentElement[]; broken: boolean } {
  const scanner = new JsonElementScanner([pattern]);
  try {
    return { elements: scanner.push(head), broken: false };
  } catch (error) {
    // A head that breaks after some values (a record nested past the limit) is judged by those values.
    if (error instanceof JsonSyntaxError)
      return error.overLimit && error.elements.length > 0 ? { elements: error.elements, broken: false } : { elements: [], broken: true };
    throw error;
  }
}

/** At most this many lines of the head are tried when looking for a record a format recognizes. */
const PROBE_LINES = 1000;

function parseLines(head: Buffer, start: number, complete: boolean): unknown[] {
  const values: unknown[] = [];
  let from = start;
  for (let nl = head.indexOf(0x0a, from); nl !== -1 && values.length < PROBE_LINES; nl = head.indexOf(0x0a, from)) {
    values.push(parse(head.subarray(from, nl)));
    from = nl + 1;
  }
  // A last line without a newline counts only when the head is the whole file (it may be cut short).
  if (from < head.length && complete && values.length < PROBE_LINES) values.push(parse(head.subarray(from)));
  return values;
}

function parse(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Describes a document from a parsed value (when the whole document fits on its first line). */
export function probeValue(value: unknown): DocumentProbe | undefined {
  if (Array.isArray(value)) return { root: 'array', keys: [], top: new Map(), first: new Map(value.length > 0 ? [['', value[0]]] : []) };
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Object.entries(value);
  return {
    root: 'object',
    keys: entries.map(([key]) => key),
    top: new Map(entries),
    first: new Map(entries.flatMap(([key, v]) => (Array.isArray(v) && v.length > 0 ? [[key, v[0]] as [string, unknown]] : []))),
  };
}

function probeDocument(head: Buffer, rootByte: number): DocumentProbe | undefined {
  const level1 = scanHead(head, ['*']);
  if (level1.broken) return undefined;
  if (rootByte === 0x5b) {
    const [first] = level1.elements;
    return { root: 'array', keys: [], top: new Map(), first: new Map(first ? [['', parse(first.bytes)]] : []) };
  }
  const top = new Map<string, unknown>();
  const keys: string[] = [];
  for (const element of level1.elements) {
    const key = element.path[0] as string;
    keys.push(key);
    top.set(key, parse(element.bytes));
  }
  const first = new Map<string, unknown>();
  for (const element of scanHead(head, ['*', '*']).elements) {
    const key = element.path[0] as string;
    if (typeof element.path[1] === 'number' && !first.has(key)) first.set(key, parse(element.bytes));
    if (!keys.includes(key)) keys.push(key);
  }
  return { root: 'object', keys, top, first };
}

/**
 * Reads the shape of a source from its first bytes (already gunzipped); `complete` when they are the whole
 * source. Undecided heads are given more bytes by the caller (ingest/index.ts), up to the record limit.
 */
export function probeHead(head: Buffer, complete = head.length < PROBE_BYTES): Probe {
  const start = firstNonSpace(head);
  const rootByte = head[start];
  if (rootByte !== 0x7b && rootByte !== 0x5b) {
    if (start >= head.length) return { shape: 'not-json', reason: 'the file is empty' };
    if (head.subarray(0, 512).includes(0)) return { shape: 'not-json', reason: 'binary file (NUL bytes), not JSON text' };
    return { shape: 'not-json', reason: 'not JSON: the first character is neither "{" nor "["' };
  }
  const values = parseLines(head, start, complete);
  if (values[0] !== undefined) return { shape: 'lines', values, probe: probeValue(values[0]) };
  // The first line is not a whole value: a document spread over lines — unless its head is not even the
  // start of one, which makes it JSON lines whose first line is bad.
  const probe = probeDocument(head.subarray(start), rootByte);
  return probe ? { shape: 'document', probe } : { shape: 'lines', values };
}
