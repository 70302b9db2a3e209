// The raw files a capture writes, in the formats kubectl and the API server use. Every object keeps the
// bytes the server sent for it: list items are cut out of the response page as they were, never
// re-encoded. The one addition: the server leaves `apiVersion` and `kind` off list items (the list carries
// them), so they are put in front of the item's own bytes, as kubectl does, making every line or item a
// self-describing object. Objects that arrive by watch already carry both and are kept as they are.
import { findMemberSpan, splitArrayElements } from './json-spans';

export interface CapturedObject {
  bytes: Buffer;
  uid?: string;
  resourceVersion?: string;
}

export interface ListPage {
  objects: CapturedObject[];
  resourceVersion?: string;
  continueToken?: string;
}

interface ObjectMeta {
  uid?: string;
  resourceVersion?: string;
}
type KubeObject = { apiVersion?: unknown; kind?: unknown; metadata?: ObjectMeta } & Record<string, unknown>;

export class DocumentError extends Error {}

function asObject(value: unknown): KubeObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as KubeObject) : undefined;
}

/** The object's bytes with `apiVersion` and `kind` in front when the server left them off. */
export function withTypeMeta(bytes: Buffer, object: KubeObject, apiVersion: string, kind: string): Buffer {
  const missing: string[] = [];
  if (object.apiVersion === undefined) missing.push(`"apiVersion":${JSON.stringify(apiVersion)}`);
  if (object.kind === undefined) missing.push(`"kind":${JSON.stringify(kind)}`);
  if (missing.length === 0) return bytes;
  const open = bytes.indexOf(0x7b);
  const rest = bytes.subarray(open + 1);
  const empty = rest.toString('utf8').trim() === '}';
  return Buffer.concat([Buffer.from(`{${missing.join(',')}${empty ? '' : ','}`, 'utf8'), rest]);
}

function captured(bytes: Buffer, object: KubeObject): CapturedObject {
  // An API server writes compact JSON; if something on the way pretty-printed it, the object must still
  // fit on one line of a JSON lines file, so it is re-encoded, the only case where its bytes change.
  const oneLine =
    bytes.includes(0x0a) || bytes.includes(0x0d) ? Buffer.from(JSON.stringify(JSON.parse(bytes.toString('utf8'))), 'utf8') : bytes;
  return {
    bytes: oneLine,
    ...(typeof object.metadata?.uid === 'string' ? { uid: object.metadata.uid } : {}),
    ...(typeof object.metadata?.resourceVersion === 'string' ? { resourceVersion: object.metadata.resourceVersion } : {}),
  };
}

/** One page of a list response: its items byte for byte, and where to go on. */
export function readListPage(body: Buffer, apiVersion: string, kind: string): ListPage {
  let parsed: { items?: unknown; metadata?: { resourceVersion?: unknown; continue?: unknown } };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch (error) {
    throw new DocumentError(`the list response is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed.items)) throw new DocumentError('the list response has no items array');
  const span = findMemberSpan(body, 'items');
  const raw = span ? splitArrayElements(body, span) : [];
  if (raw.length !== parsed.items.length) throw new DocumentError('could not locate every item in the list response');
  const objects = parsed.items.map((item, i) => {
    const object = asObject(item);
    if (!object) throw new DocumentError(`list item ${i + 1} is not an object`);
    return captured(withTypeMeta(raw[i]!, object, apiVersion, kind), object);
  });
  const meta = parsed.metadata ?? {};
  return {
    objects,
    ...(typeof meta.resourceVersion === 'string' ? { resourceVersion: meta.resourceVersion } : {}),
    ...(typeof meta.continue === 'string' && meta.continue !== '' ? { continueToken: meta.continue } : {}),
  };
}

export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: CapturedObject }
  | { type: 'BOOKMARK'; resourceVersion?: string }
  | { type: 'ERROR'; code?: number; reason?: string; message?: string };

/** One line of a watch stream ({"type":…,"object":…}); the object keeps its bytes. */
export function readWatchLine(line: Buffer): WatchEvent {
  let parsed: { type?: unknown; object?: unknown };
  try {
    parsed = JSON.parse(line.toString('utf8')) as typeof parsed;
  } catch (error) {
    throw new DocumentError(`a watch line is not JSON (${(error as Error).message})`);
  }
  const object = asObject(parsed.object);
  if (!object) throw new DocumentError('a watch line has no object');
  if (parsed.type === 'ERROR') {
    const status = object as { code?: unknown; reason?: unknown; message?: unknown };
    return {
      type: 'ERROR',
      ...(typeof status.code === 'number' ? { code: status.code } : {}),
      ...(typeof status.reason === 'string' ? { reason: status.reason } : {}),
      ...(typeof status.message === 'string' ? { message: status.message } : {}),
    };
  }
  if (parsed.type === 'BOOKMARK') {
    const rv = object.metadata?.resourceVersion;
    return { type: 'BOOKMARK', ...(typeof rv === 'string' ? { resourceVersion: rv } : {}) };
  }
  if (parsed.type !== 'ADDED' && parsed.type !== 'MODIFIED' && parsed.type !== 'DELETED') {
    throw new DocumentError(`unknown watch event type ${JSON.stringify(parsed.type)}`);
  }
  const span = findMemberSpan(line, 'object');
  if (!span) throw new DocumentError('a watch line has no object');
  return { type: parsed.type, object: captured(line.subarray(span[0], span[1]), object) };
}

/**
 * A `kubectl get … -o json` List: the items one a line, each byte for byte. The first line is "{", so the
 * bundle hashes the file whole (a document, not a record stream).
 */
export function listDocument(objects: CapturedObject[], resourceVersion = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('{\n"apiVersion": "v1",\n"items": [\n', 'utf8')];
  objects.forEach((object, i) => {
    parts.push(object.bytes, Buffer.from(i < objects.length - 1 ? ',\n' : '\n', 'utf8'));
  });
  parts.push(Buffer.from(`],\n"kind": "List",\n"metadata": {"resourceVersion": ${JSON.stringify(resourceVersion)}}\n}\n`, 'utf8'));
  return Buffer.concat(parts);
}

/** JSON lines, one object a line, each as the server sent it (a record stream: the bundle chains it). */
export function jsonLines(objects: CapturedObject[]): Buffer {
  return Buffer.concat(objects.flatMap((object) => [object.bytes, Buffer.from('\n', 'utf8')]));
}

/** When an Event last happened, in either API's shape (ms since the epoch), or undefined. */
export function eventTimeOf(bytes: Buffer): number | undefined {
  const event = JSON.parse(bytes.toString('utf8')) as {
    lastTimestamp?: string;
    deprecatedLastTimestamp?: string;
    eventTime?: string;
    firstTimestamp?: string;
    series?: { lastObservedTime?: string };
    metadata?: { creationTimestamp?: string };
  };
  const text =
    event.series?.lastObservedTime ??
    event.lastTimestamp ??
    event.deprecatedLastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata?.creationTimestamp;
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}
