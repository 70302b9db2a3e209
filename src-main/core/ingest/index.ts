// The ingest layer's entry: which formats exist, how a source's format and layout are detected from its
// content (or named by the user), and how its bytes become parsed records.
import { readerFor, type RecordFormat } from './format';
import { formatJsonPath, JsonSyntaxError, scanJsonDocument, type PathPattern } from './json-document';
import { oversizedReason, parseJsonLineBatches, type ParsedRecord } from './json-lines';
import { hashLedger } from './hash-ledger';
import { k8sAudit } from './k8s-audit';
import { k8sEvents } from './k8s-events';
import { k8sResources } from './k8s-resources';
import { kubernautAudit } from './kubernaut-audit';
import { langfuseTrace } from './langfuse-trace';
import { readLineBatches } from './lines';
import { mcpJsonRpc } from './mcp-jsonrpc';
import { openaiChat } from './openai-chat';
import { otlpJson } from './otlp-json';
import { PROBE_BYTES, probeHead, type DocumentProbe, type Probe } from './probe';
import { DEFAULT_LIMITS, type Limits } from '../limits';

/**
 * Every format Causa reads. Detection tries them in this order, so a more specific format comes first:
 * audit events and Kubernetes Events are both `kind: Event` (the audit one has an auditID), and an Event
 * is also a Kubernetes object, which k8s-resources would otherwise take. A chat message is the loosest
 * shape (any object with a role), so openai-chat comes last.
 */
export const FORMATS: readonly RecordFormat[] = [
  k8sAudit,
  k8sEvents,
  hashLedger,
  kubernautAudit,
  mcpJsonRpc,
  otlpJson,
  langfuseTrace,
  k8sResources,
  openaiChat,
];

export function findFormat(name: string): RecordFormat | undefined {
  return FORMATS.find((format) => format.name === name);
}

/** How a source's records sit in it. */
export type Layout = { kind: 'lines' } | { kind: 'document'; patterns: readonly PathPattern[]; probe?: DocumentProbe };

export interface Detected {
  format: RecordFormat;
  layout: Layout;
}

export type Detection = ({ ok: true } & Detected) | { ok: false; reason: string };

function detectIn(probe: Probe, formats: readonly RecordFormat[]): Detection {
  if (probe.shape === 'not-json') return { ok: false, reason: probe.reason };
  if (probe.shape === 'lines') {
    // The first line a format recognizes decides, so a bad first line does not hide a good file.
    for (const value of probe.values) {
      if (value === undefined) continue;
      const format = formats.find((candidate) => candidate.recognizes(value));
      if (format) return { ok: true, format, layout: { kind: 'lines' } };
    }
  }
  const document = probe.probe;
  if (document) {
    for (const format of formats) {
      const patterns = format.documentRecords?.(document);
      if (patterns) return { ok: true, format, layout: { kind: 'document', patterns, probe: document } };
    }
  }
  return { ok: false, reason: 'not a format Causa reads' };
}

/**
 * Detects a source's format and layout from its first bytes (already gunzipped). With `only`, the user
 * named the format: the layout is still read from the content, and a mismatch is explained.
 */
export function detectFormat(head: Buffer, only?: RecordFormat, complete?: boolean): Detection {
  return detectProbe(probeHead(head, complete), only);
}

function detectProbe(probe: Probe, only?: RecordFormat): Detection {
  if (!only) {
    const found = detectIn(probe, FORMATS);
    if (found.ok || probe.shape === 'not-json') return found;
    const what = probe.shape === 'lines' ? 'no line is a record of' : 'not a document of';
    return { ok: false, reason: `${what} any format Causa reads (${FORMATS.map((f) => f.title).join(', ')})` };
  }
  const found = detectIn(probe, [only]);
  if (found.ok) return found;
  // Named explicitly but not recognized: read JSON lines as that format, record by record, so each
  // record that is not one says why.
  if (probe.shape === 'lines') return { ok: true, format: only, layout: { kind: 'lines' } };
  return { ok: false, reason: `not a ${only.title} document: ${found.reason}` };
}

async function* parseDocument(
  content: AsyncIterable<Buffer>,
  format: RecordFormat,
  patterns: readonly PathPattern[],
  probe: DocumentProbe | undefined,
  limits: Limits,
): AsyncGenerator<ParsedRecord> {
  const read = readerFor(format, probe);
  let position = 0;
  try {
    for await (const element of scanJsonDocument(content, patterns, limits)) {
      position += 1;
      const locator = formatJsonPath(element.path);
      if (element.oversized !== undefined) {
        yield { ok: false, position, line: element.line, locator, reason: oversizedReason(element.oversized, limits.maxRecordBytes) };
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(element.bytes.toString('utf8'));
      } catch (error) {
        yield { ok: false, position, line: element.line, locator, reason: `invalid JSON: ${(error as Error).message}` };
        continue;
      }
      const normalized = read(value, { position, path: element.path });
      if (normalized.ok) yield { ok: true, position, line: element.line, locator, raw: element.bytes, events: normalized.events };
      else yield { ok: false, position, line: element.line, locator, reason: normalized.reason };
    }
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    // The document breaks here: the records before the break are kept, the rest cannot be located.
    yield { ok: false, position: position + 1, line: error.line, reason: error.message, fatal: true };
  }
}

/**
 * Parses a source's content (already gunzipped where needed) as records of the detected format, in
 * batches: a batch per chunk of JSON lines read, so the importer takes a MiB of records per turn; one
 * record a batch from a document, whose scanner finds them one by one.
 */
export async function* parseSourceBatches(
  content: AsyncIterable<Buffer>,
  detected: Detected = { format: k8sAudit, layout: { kind: 'lines' } },
  limits: Limits = DEFAULT_LIMITS,
): AsyncGenerator<ParsedRecord[]> {
  if (detected.layout.kind === 'lines') {
    yield* parseJsonLineBatches(readLineBatches(content, limits.maxRecordBytes), detected.format, limits.maxRecordBytes);
    return;
  }
  for await (const record of parseDocument(content, detected.format, detected.layout.patterns, detected.layout.probe, limits)) yield [record];
}

/** A source's records one at a time. */
export async function* parseSource(content: AsyncIterable<Buffer>, detected?: Detected, limits: Limits = DEFAULT_LIMITS): AsyncGenerator<ParsedRecord> {
  for await (const batch of parseSourceBatches(content, detected, limits)) yield* batch;
}

/** The first bytes of a stream, taken a growing amount at a time, and the stream again from its start. */
class Peek {
  private readonly iterator: AsyncIterator<Buffer>;
  private readonly taken: Buffer[] = [];
  length = 0;
  done = false;
  // A read failure within the head (a gzip stream cut short, a limit passed) is raised where the stream
  // reaches it, after the bytes before it, so the records read before the break are kept.
  private failure: unknown;

  constructor(content: AsyncIterable<Buffer>) {
    this.iterator = content[Symbol.asyncIterator]();
  }

  /** Reads on until at least `bytes` are held, the stream ends, or it fails. */
  async fill(bytes: number): Promise<Buffer> {
    while (this.length < bytes && !this.done && this.failure === undefined) {
      try {
        const next = await this.iterator.next();
        if (next.done) this.done = true;
        else {
          this.taken.push(next.value);
          this.length += next.value.length;
        }
      } catch (error) {
        this.failure = error;
      }
    }
    return Buffer.concat(this.taken, this.length);
  }

  /** Whether the head is all there is to read (the end, or a failure, was reached). */
  get complete(): boolean {
    return this.done || this.failure !== undefined;
  }

  async close(): Promise<void> {
    this.taken.length = 0;
    if (!this.complete) await this.iterator.return?.();
  }

  async *replay(): AsyncGenerator<Buffer> {
    yield* this.taken.splice(0);
    if (this.failure !== undefined) throw this.failure;
    if (this.done) return;
    for (let next = await this.iterator.next(); !next.done; next = await this.iterator.next()) yield next.value;
  }
}

/** Takes the first bytes of a stream for detection, and gives back a stream that still yields them. */
export async function peekContent(content: AsyncIterable<Buffer>, bytes = PROBE_BYTES): Promise<{ head: Buffer; content: AsyncIterable<Buffer> }> {
  const peek = new Peek(content);
  const head = await peek.fill(bytes);
  return { head, content: peek.replay() };
}

/**
 * The probe of a JSON-lines source whose first record is larger than any head detection may hold: its
 * lines are read in bounded memory, oversized ones skipped, and the first that are whole decide.
 */
async function probeLinesPast(content: AsyncIterable<Buffer>, limits: Limits): Promise<Probe> {
  const values: unknown[] = [];
  let kept = 0;
  for await (const batch of readLineBatches(content, limits.maxRecordBytes)) {
    for (const line of batch) {
      if (line.oversized !== undefined || !line.terminated) continue;
      try {
        values.push(JSON.parse(line.bytes.toString('utf8')));
      } catch {
        values.push(undefined);
      }
      kept += line.bytes.length;
      if (values.length >= 1000 || kept >= PROBE_BYTES) return { shape: 'lines', values };
    }
  }
  return { shape: 'lines', values };
}

function isWholeRoot(detection: Detection): boolean {
  return detection.ok && detection.layout.kind === 'document' && detection.layout.patterns.some((pattern) => pattern.length === 0);
}

export type DetectedContent = ({ ok: true; content: AsyncIterable<Buffer> } & Detected) | { ok: false; reason: string };

/**
 * Detects the format of the source `open` gives (each call a fresh stream from its start) and returns its
 * content ready to parse. The first MiB decides most files; a head that does not — its first record is
 * larger — is given more, up to the record limit, so a file is judged by its first records however large
 * they are. Past that, the first record is oversized: JSON lines are then judged by the lines after it.
 */
export async function detectContent(open: () => Promise<AsyncIterable<Buffer>>, only?: RecordFormat, limits: Limits = DEFAULT_LIMITS): Promise<DetectedContent> {
  const peek = new Peek(await open());
  let want = PROBE_BYTES;
  let head = await peek.fill(want);
  let detected = detectFormat(head, only, peek.complete);
  const cap = limits.maxRecordBytes + PROBE_BYTES;
  // A document whose root is its one record, with no newline yet, may be the first of JSON lines: its end decides.
  const undecided = (): boolean => !detected.ok || (isWholeRoot(detected) && head.indexOf(0x0a) === -1);
  while (undecided() && !peek.complete && head.length < cap) {
    want = Math.min(want * 4, cap);
    head = await peek.fill(want);
    detected = detectFormat(head, only, peek.complete);
  }
  // No newline in the largest head: the first record is over the limit. A document whose root is its one
  // record would be that record alone; JSON lines of such records go on after it.
  const firstIsOversized = !peek.complete && head.length >= cap && head.indexOf(0x0a) === -1;
  if (detected.ok && !(firstIsOversized && isWholeRoot(detected))) return { ...detected, content: peek.replay() };
  await peek.close();
  if (!detected.ok && !firstIsOversized) return detected;
  const linesDetected = detectProbe(await probeLinesPast(await open(), limits), only);
  if (!linesDetected.ok || linesDetected.layout.kind !== 'lines') return detected.ok ? { ...detected, content: await open() } : detected;
  return { ...linesDetected, content: await open() };
}

export type { ParsedRecord, RecordFormat };
export { bufferContent, openContent, streamContent } from './lines';
export { PROBE_BYTES } from './probe';
