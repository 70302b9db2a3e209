import type { NormalizedEvent } from '../../shared/model';
import type { DocumentProbe } from './probe';
import type { JsonPath, PathPattern } from './json-document';

/** One record may yield several events (an agent span that also carries the user's prompt). */
export type Normalized = { ok: true; events: NormalizedEvent[] } | { ok: false; reason: string };

/** Where a record sits in its source: its 1-based position, and its JSON path inside a document. */
export interface RecordAt {
  position: number;
  path?: JsonPath;
  /**
   * A document record's context: the values that enclose it and describe it (an OTLP span's resource
   * and scope), by their JSON path, e.g. `{"$.resourceSpans[0].resource": {…}}`.
   */
  context?: Readonly<Record<string, unknown>>;
}

/**
 * Documents whose records need values around them to be read (an OTLP span needs its resource's
 * service.name): `values` select those context values, `group` the element that holds a record and its
 * context. A record is handed over once its group has closed, with every context value of that group on
 * its path, so the order in which the producer wrote the keys does not matter; memory holds one group.
 */
export interface DocumentContext {
  group: readonly PathPattern[];
  values: readonly PathPattern[];
}

/** Reads the records of one source in order. Formats whose records refer to earlier ones keep state here. */
export type RecordReader = (value: unknown, at: RecordAt) => Normalized;

/**
 * One evidence format. Its records are JSON values: one a line (JSON lines), or values inside one JSON
 * document (a `kubectl … -o json` list, an OTLP export), selected by path patterns.
 */
export interface RecordFormat {
  /** Stable name stored with each source, e.g. `k8s-audit`. */
  name: string;
  /** What a user calls it, used in error messages ("not a Kubernetes audit event"). */
  title: string;
  /** JSON lines: lines starting with `#` are comments, not records (mcp-debug's recordings open with two). */
  lineComments?: boolean;
  /**
   * JSON lines: each line starts with this before its JSON value (`oc adm node-logs --role=master` puts the
   * node's name first). The raw record keeps the whole line; only the value after the prefix is parsed.
   */
  linePrefix?: RegExp;
  /** JSON lines: whether a line's value is plausibly a record of this format (used to detect a file's format). */
  recognizes(value: unknown): boolean;
  /**
   * Documents: when the document the probe describes is of this format, the patterns that select its
   * records; undefined otherwise. Formats without it are read as JSON lines only.
   */
  documentRecords?(probe: DocumentProbe): readonly PathPattern[] | undefined;
  /** Documents: the context values kept beside each record (see DocumentContext). */
  documentContext?: DocumentContext;
  /** Derives the normalized fields of one record on its own, or says why it is not one of this format. */
  normalize(value: unknown, at?: RecordAt): Normalized;
  /**
   * A reader for one source, for formats that pair records (requests with responses) or carry context.
   * For a document, `probe` describes its head (a typed list's `kind` names the Kind its items leave out).
   */
  createReader?(probe?: DocumentProbe): RecordReader;
}

export function readerFor(format: RecordFormat, probe?: DocumentProbe): RecordReader {
  return format.createReader ? format.createReader(probe) : (value, at) => format.normalize(value, at);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Drops undefined properties so that absent fields stay absent in JSON and in the case file. Builds a new
 * object rather than deleting keys: `delete` turns an object into a slow dictionary, and this runs for
 * several objects of every record imported.
 */
export function compact<T extends object>(value: T): T | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const field = value[key];
    if (field !== undefined) (out ??= {})[key] = field;
  }
  return out as T | undefined;
}

/**
 * An importer's event, its absent fields dropped. The argument is typed NormalizedEvent, so an object
 * literal with a misspelled or unknown field (`acton`, `targt`) does not compile: no importer builds the
 * evidence model through a cast.
 */
export function normalizedEvent(event: NormalizedEvent): NormalizedEvent {
  // Never undefined: kind and outcome are always set.
  return compact(event)!;
}
