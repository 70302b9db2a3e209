// Langfuse trace exports: `{trace:{…}, observations:[…]}` as Langfuse's API and UI download them. Langfuse
// ingests OpenTelemetry spans and keeps each span's original attributes in the observation's metadata
// (`attributes`, `resourceAttributes`, `scope`), but lifts message content out of them into the
// observation's `input` and `output`. Records are `$.trace` and each `$.observations[i]`; an observation
// is turned into a SpanView and mapped by otel-attributes.ts like an OTLP span, with Langfuse's own
// observation type (GENERATION, TOOL, AGENT) as the fallback where the attributes follow no convention.
import { parseRfc3339Nanos } from '../../shared/time';
import { compact, isObject, normalizedEvent, str, type Normalized, type RecordAt, type RecordFormat, type RecordReader } from './format';
import { parseMaybeJson } from './agent-messages';
import { eventsOfSpan, TraceMemory, type Attributes, type SpanRole, type SpanView } from './otel-attributes';

/** What the trace record tells the observations after it. */
interface TraceFacts {
  sessions: Map<string, string>;
  memory: TraceMemory;
}

function metadataOf(value: unknown): Record<string, unknown> {
  const parsed = parseMaybeJson(value);
  return isObject(parsed) ? parsed : {};
}

function carrierKindOf(observation: Record<string, unknown>): SpanRole {
  switch (observation.type) {
    case 'GENERATION':
    case 'EMBEDDING':
      return 'model';
    case 'TOOL':
      return 'tool';
    case 'AGENT':
      return 'agent';
    default: {
      // LangGraph's tool runs are plain SPANs; the LangChain ToolMessage they answer with says what they were.
      const output = parseMaybeJson(observation.output);
      return isObject(output) && output.type === 'tool' && typeof output.tool_call_id === 'string' ? 'tool' : 'other';
    }
  }
}

function timeOf(text: unknown): { ns: bigint | null; text?: string } | { reason: string } {
  if (text === undefined || text === null) return { ns: null };
  if (typeof text !== 'string') return { reason: `time ${JSON.stringify(text)} is not a string` };
  const ns = parseRfc3339Nanos(text);
  return ns === null ? { reason: `time ${JSON.stringify(text)} is not an RFC 3339 time` } : { ns, text };
}

function readObservation(observation: Record<string, unknown>, facts: TraceFacts): Normalized {
  if (typeof observation.traceId !== 'string' || typeof observation.id !== 'string') {
    return { ok: false, reason: 'not a Langfuse observation: "traceId" or "id" is missing or not a string' };
  }
  const time = timeOf(observation.startTime);
  if ('reason' in time) return { ok: false, reason: `Langfuse observation ${observation.id}: startTime: ${time.reason}` };
  const metadata = metadataOf(observation.metadata);
  const attributes: Attributes = isObject(metadata.attributes) ? metadata.attributes : {};
  const span: SpanView = {
    traceId: observation.traceId,
    spanId: observation.id,
    parentSpanId: str(observation.parentObservationId),
    name: str(observation.name) ?? '',
    timeNs: time.ns,
    timeText: time.text,
    error: observation.level === 'ERROR',
    attributes,
    resource: isObject(metadata.resourceAttributes) ? metadata.resourceAttributes : {},
    events: [],
    input: observation.input ?? undefined,
    output: observation.output ?? undefined,
    carrierKind: carrierKindOf(observation),
    model: str(observation.model),
    // LangGraph's thread, else the trace's Langfuse session.
    conversationId: str(metadata.thread_id) ?? facts.sessions.get(observation.traceId),
  };
  return { ok: true, events: eventsOfSpan(span, facts.memory) };
}

/** The trace record: Langfuse's summary of the run. It carries the user and session the spans lack. */
function readTrace(trace: Record<string, unknown>, facts: TraceFacts): Normalized {
  const id = str(trace.id);
  if (!id) return { ok: false, reason: 'not a Langfuse trace: "id" is missing or not a string' };
  const time = timeOf(trace.timestamp);
  if ('reason' in time) return { ok: false, reason: `Langfuse trace ${id}: timestamp: ${time.reason}` };
  const user = str(trace.userId);
  const session = str(trace.sessionId);
  facts.memory.noteUser(id, user);
  if (session) facts.sessions.set(id, session);
  const event = normalizedEvent({
    time_ns: time.ns,
    time_text: time.text,
    kind: 'other',
    action: `trace ${str(trace.name) ?? id}`,
    actor: user ? { type: 'human', id: user } : undefined,
    outcome: 'success',
    keys: compact({ trace_id: /^[0-9a-f]{32}$/.test(id) ? id : undefined, conversation_id: session }),
  });
  return { ok: true, events: [event] };
}

function readRecord(value: unknown, at: RecordAt | undefined, facts: TraceFacts): Normalized {
  if (!isObject(value)) return { ok: false, reason: 'not a Langfuse trace or observation: not a JSON object' };
  const isTrace = at?.path ? at.path[0] === 'trace' : value.traceId === undefined && value.timestamp !== undefined;
  return isTrace ? readTrace(value, facts) : readObservation(value, facts);
}

const newFacts = (): TraceFacts => ({ sessions: new Map(), memory: new TraceMemory() });

export const langfuseTrace: RecordFormat = {
  name: 'langfuse-trace',
  title: 'Langfuse trace export',
  // Langfuse exports are documents; a JSON line is never one.
  recognizes: () => false,
  documentRecords(probe) {
    if (probe.root !== 'object' || !probe.keys.includes('trace') || !probe.keys.includes('observations')) return undefined;
    const first = probe.first.get('observations');
    const trace = probe.top.get('trace');
    const observationLike = isObject(first) && typeof first.traceId === 'string' && typeof first.type === 'string';
    const traceLike = isObject(trace) && typeof trace.id === 'string' && 'projectId' in trace;
    return observationLike || traceLike ? [['trace'], ['observations', '*']] : undefined;
  },
  normalize: (value, at) => readRecord(value, at, newFacts()),
  createReader(): RecordReader {
    const facts = newFacts();
    return (value, at) => readRecord(value, at, facts);
  },
};
