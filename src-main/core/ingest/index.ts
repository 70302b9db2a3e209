// The ingest layer's entry: which formats exist, how a source's format and layout are detected from its
// content (or named by the user), and how its bytes become parsed records.
import { readerFor, type DocumentContext, type RecordFormat } from './format';
import { formatJsonPath, JsonSyntaxError, matchesAny, scanJsonDocument, type DocumentElement, type PathPattern } from './json-document';
import { oversizedReason, parseJsonLineBatches, type ParsedRecord } from './json-lines';
import { aksDiagnostics } from './aks-diagnostics';
import { eksCloudWatch } from './eks-cloudwatch';
import { gkeCloudLogging } from './gke-cloud-logging';
import { hashLedger } from './hash-ledger';
import { k8sAudit } from './k8s-audit';
import { k8sEvents } from './k8s-events';
import { k8sResources } from './k8s-resources';
import { kubernautAudit } from './kubernaut-audit';
import { langfuseTrace } from './langfuse-trace';
import { readLineBatches } from './lines';
import { mcpJsonRpc } from './mcp-jsonrpc';
import { openaiChat } from './openai-chat';
import { holdsNodePrefixedAudit, openshiftNodeLogs } from './openshift-node-logs';
import { otlpJson } from './otlp-json';
import { PROBE_BYTES, probeHead, type DocumentProbe, type Probe } from './probe';
import { DEFAULT_LIMITS, type Limits } from '../limits';

/**
 * Every format Causa reads. Detection tries them in this order, so a more specific format comes first:
 * audit events and Kubernetes Events are both `kind: Event` (the audit one has an auditID), and an Event
 * is also a Kubernetes object, which k8s-resources would otherwise take. A chat message is the loosest
 * shape (any object with a role), so openai-chat comes last. The cloud providers' audit wrappers come
 * right after the bare audit event: an EKS CloudWatch event ({timestamp, message}) would otherwise pass
 * for an MCP proxy log line.
 */
export const FORMATS: readonly RecordFormat[] = [
  k8sAudit,
  eksCloudWatch,
  aksDiagnostics,
  gkeCloudLogging,
  openshiftNodeLogs,
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
export type Layout =
  { kind: 'lines' } | { kind: 'document'; patterns: readonly PathPattern[]; context?: DocumentContext; probe?: DocumentProbe };

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
      if (patterns)
        return {
          ok: true,
          format,
          layout: { kind: 'document', patterns, ...(format.documentContext ? { context: format.documentContext } : {}), probe: document },
        };
    }
  }
  return { ok: false, reason: 'not a format Causa reads' };
}

/**
 * Detects a source's format and layout from its first bytes (already gunzipped). With `only`, the user
 * named the format: the layout is still read from the content, and a mismatch is explained.
 */
export function detectFormat(head: Buffer, only?: RecordFormat, complete?: boolean): Detection {
  const probe = probeHead(head, complete);
  if (only === openshiftNodeLogs || (!only && probe.shape !== 'document' && holdsNodePrefixedAudit(head))) {
    return { ok: true, format: openshiftNodeLogs, layout: { kind: 'lines' } };
  }
  return detectProbe(probe, only);
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

/**
 * A record's context as stored beside it: a JSON object whose keys are the context values' JSON paths
 * (outermost first) and whose values are those values' exact bytes, `{"$.a[0].resource":<bytes>,…}`.
 * It is valid JSON, hashes to one SHA-256, and `contextElements` (core/bundle/elements.ts) gives back
 * each value's bytes.
 */
export function contextBytes(values: readonly { locator: string; bytes: Buffer }[]): Buffer | undefined {
  if (values.length === 0) return undefined;
  const parts: Buffer[] = [];
  values.forEach((value, i) => {
    parts.push(Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(value.locator)}:`, 'utf8'), value.bytes);
  });
  parts.push(Buffer.from('}', 'utf8'));
  return Buffer.concat(parts);
}

/** Whether `prefix` is where `path` starts. */
function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => path[i] === part);
}

async function* parseDocument(
  content: AsyncIterable<Buffer>,
  format: RecordFormat,
  layout: Extract<Layout, { kind: 'document' }>,
  limits: Limits,
): AsyncGenerator<ParsedRecord> {
  const read = readerFor(format, layout.probe);
  const grouping = layout.context;
  let position = 0;
  /** Context values seen in the open groups, and records waiting for their group to close. */
  let contexts: { owner: (string | number)[]; locator: string; bytes: Buffer; value: unknown }[] = [];
  let held: DocumentElement[] = [];
  const readRecord = (element: DocumentElement): ParsedRecord => {
    position += 1;
    const locator = formatJsonPath(element.path);
    if (element.oversized !== undefined)
      return { ok: false, position, line: element.line, locator, reason: oversizedReason(element.oversized, limits.maxRecordBytes) };
    let value: unknown;
    try {
      value = JSON.parse(element.bytes.toString('utf8'));
    } catch (error) {
      return { ok: false, position, line: element.line, locator, reason: `invalid JSON: ${(error as Error).message}` };
    }
    const around = contexts.filter((c) => startsWith(element.path, c.owner)).sort((a, b) => a.owner.length - b.owner.length);
    const context = contextBytes(around);
    const at = {
      position,
      path: element.path,
      ...(around.length > 0 ? { context: Object.fromEntries(around.map((c) => [c.locator, c.value])) } : {}),
    };
    const normalized = read(value, at);
    if (normalized.ok)
      return {
        ok: true,
        position,
        line: element.line,
        locator,
        raw: element.bytes,
        ...(context ? { context } : {}),
        events: normalized.events,
      };
    return { ok: false, position, line: element.line, locator, reason: normalized.reason };
  };
  try {
    const patterns = grouping ? [...layout.patterns, ...grouping.values] : layout.patterns;
    for await (const element of scanJsonDocument(content, patterns, grouping?.group ?? [], limits)) {
      if (element.closed) {
        // A group is complete: its records are read with every context value it held.
        const inside = held.filter((record) => startsWith(record.path, element.path));
        held = held.filter((record) => !startsWith(record.path, element.path));
        if (inside.length === 0) {
          position += 1;
          yield {
            ok: false,
            position,
            line: element.line,
            locator: formatJsonPath(element.path),
            reason: `no ${format.title} records in ${formatJsonPath(element.path)}`,
          };
        }
        for (const record of inside) yield readRecord(record);
        contexts = contexts.filter((c) => !startsWith(c.owner, element.path));
        continue;
      }
      if (grouping && matchesAny(element.path, grouping.values)) {
        if (element.oversized !== undefined) {
          // A context value over the limit is not kept: the records of its group are read without it.
          position += 1;
          yield {
            ok: false,
            position,
            line: element.line,
            locator: formatJsonPath(element.path),
            reason: oversizedReason(element.oversized, limits.maxRecordBytes),
          };
          continue;
        }
        let value: unknown;
        try {
          value = JSON.parse(element.bytes.toString('utf8'));
        } catch (error) {
          position += 1;
          yield {
            ok: false,
            position,
            line: element.line,
            locator: formatJsonPath(element.path),
            reason: `invalid JSON: ${(error as Error).message}`,
          };
          continue;
        }
        contexts.push({ owner: element.path.slice(0, -1), locator: formatJsonPath(element.path), bytes: element.bytes, value });
        continue;
      }
      const grouped =
        grouping &&
        grouping.group.some(
          (pattern) => element.path.length > pattern.length && matchesAny(element.path.slice(0, pattern.length), [pattern]),
        );
      if (grouped) held.push(element);
      else yield readRecord(element);
    }
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    // The document breaks here: the records before the break are kept (those whose group the break cut
    // are read with the context seen so far), the rest cannot be located.
    for (const record of held) yield readRecord(record);
    yield { ok: false, position: position + 1, line: error.line, reason: error.message, fatal: true };
  }
}

/**
 * Parses a source's content (already gunzipped where needed) as records of the detected format, in
 * batches: a batch per chunk of JSON lines read, so the importer takes a MiB of records per turn; one
 * record a batch from a document, whose scanner finds them one by one. With `objects`, each JSON line's
 * record carries what it says about Kubernetes objects (ParsedRecord's `objects`: the import's identity
 * table), found from the value the line was parsed into.
 */
export async function* parseSourceBatches(
  content: AsyncIterable<Buffer>,
  detected: Detected = { format: k8sAudit, layout: { kind: 'lines' } },
  limits: Limits = DEFAULT_LIMITS,
  { objects = false }: { objects?: boolean } = {},
): AsyncGenerator<ParsedRecord[]> {
  if (detected.layout.kind === 'lines') {
    yield* parseJsonLineBatches(readLineBatches(content, limits.maxRecordBytes), detected.format, limits.maxRecordBytes, { objects });
    return;
  }
  for await (const record of parseDocument(content, detected.format, detected.layout, limits)) yield [record];
}

/** A source's records one at a time. */
export async function* parseSource(
  content: AsyncIterable<Buffer>,
  detected?: Detected,
  limits: Limits = DEFAULT_LIMITS,
): AsyncGenerator<ParsedRecord> {
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
export async function peekContent(
  content: AsyncIterable<Buffer>,
  bytes = PROBE_BYTES,
): Promise<{ head: Buffer; content: AsyncIterable<Buffer> }> {
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
export async function detectContent(
  open: () => Promise<AsyncIterable<Buffer>>,
  only?: RecordFormat,
  limits: Limits = DEFAULT_LIMITS,
): Promise<DetectedContent> {
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
