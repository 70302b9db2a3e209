import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferContent, detectFormat, openContent, parseSource, peekContent, type ParsedRecord } from '../../../src-main/core/ingest/index';
import { anyValue, otlpJson } from '../../../src-main/core/ingest/otlp-json';
import type { NormalizedEvent } from '../../../src-main/shared/model';

const EXAMPLE = fileURLToPath(new URL('../../fixtures/corpus/otel/otlp-proto_examples_trace.json', import.meta.url));

async function parseBytes(bytes: Buffer): Promise<ParsedRecord[]> {
  const { head, content } = await peekContent(bufferContent(bytes));
  const detected = detectFormat(head);
  if (!detected.ok) throw new Error(detected.reason);
  expect(detected.format.name).toBe('otlp-json');
  const records: ParsedRecord[] = [];
  for await (const record of parseSource(content, detected)) records.push(record);
  return records;
}

/** The corpus request as a JS object, to vary one field at a time. */
function exampleRequest(): { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] } {
  return JSON.parse(readFileSync(EXAMPLE, 'utf8')) as ReturnType<typeof exampleRequest>;
}

function exampleSpan(request: ReturnType<typeof exampleRequest>): Record<string, unknown> {
  return request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
}

function eventsOf(value: unknown): NormalizedEvent[] {
  const result = otlpJson.normalize(value);
  if (!result.ok) throw new Error(`expected a good record, got: ${result.reason}`);
  return result.events;
}

describe('the OTLP/JSON corpus example (opentelemetry-proto examples/trace.json)', () => {
  it('is one resourceSpans record with its one span, kept byte for byte', async () => {
    const bytes = readFileSync(EXAMPLE);
    const { head } = await peekContent(await openContent(EXAMPLE));
    expect(detectFormat(head)).toMatchObject({ ok: true, layout: { kind: 'document', patterns: [['resourceSpans', '*']] } });
    const records = await parseBytes(bytes);
    expect(records).toHaveLength(1);
    const [record] = records;
    if (!record?.ok) throw new Error(JSON.stringify(record));
    expect(record.locator).toBe('$.resourceSpans[0]');
    const text = bytes.toString('utf8');
    const start = text.indexOf('{', text.indexOf('"resourceSpans"'));
    expect(record.raw.toString('utf8')).toBe(text.slice(start, text.lastIndexOf(']')).trimEnd());
    // No GenAI attributes: an `other` event, attributed to the service, with OTLP's ids lowercased.
    expect(record.events).toEqual([{
      time_ns: 1544712660000000000n,
      time_text: '1544712660000000000',
      kind: 'other',
      action: "I'm a server span",
      actor: { type: 'agent', id: 'my.service' },
      outcome: 'success',
      keys: { trace_id: '5b8efff798038103d269b633813fc60c', span_id: 'eee19b7ec3c1b174', parent_span_id: 'eee19b7ec3c1b173' },
    }]);
  });

  it('reads JSON lines of export requests, as the Collector file exporter writes them', async () => {
    const line = JSON.stringify(exampleRequest());
    const records = await parseBytes(Buffer.from(`${line}\n${line}\n`));
    expect(records.map((r) => r.ok && r.events.length)).toEqual([1, 1]);
    expect(records.every((r) => r.ok && r.raw.toString('utf8') === line)).toBe(true);
  });
});

describe('OTLP decoding, varying the corpus span one field at a time', () => {
  it('decodes AnyValue: strings, int64 as decimal strings, arrays and key-value lists', () => {
    expect(anyValue({ stringValue: 'x' })).toBe('x');
    expect(anyValue({ intValue: '42' })).toBe(42);
    expect(anyValue({ intValue: '9223372036854775807' })).toBe('9223372036854775807');
    expect(anyValue({ arrayValue: { values: [{ boolValue: true }, { doubleValue: 1.5 }] } })).toEqual([true, 1.5]);
    expect(anyValue({ kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } })).toEqual({ k: 'v' });
  });

  it('status code 2 (STATUS_CODE_ERROR) is an error; a numeric start time reads the same', () => {
    const request = exampleRequest();
    Object.assign(exampleSpan(request), { status: { code: 2, message: 'boom' }, startTimeUnixNano: 1544712660000000000 });
    const [event] = eventsOf(request.resourceSpans[0]);
    expect(event!.outcome).toBe('error');
    expect(event!.time_ns).toBe(1544712660000000000n);
    Object.assign(exampleSpan(request), { status: { code: 'STATUS_CODE_ERROR' } });
    expect(eventsOf(request)[0]!.outcome).toBe('error');
  });

  it('an execute_tool span is a tool call naming the Kubernetes object of its arguments', () => {
    const request = exampleRequest();
    const span = exampleSpan(request);
    span.attributes = [
      { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
      { key: 'gen_ai.tool.name', value: { stringValue: 'resources_scale' } },
      { key: 'gen_ai.tool.call.id', value: { stringValue: 'call_1' } },
      { key: 'gen_ai.tool.call.arguments', value: { stringValue: '{"apiVersion":"apps/v1","kind":"Deployment","name":"web","namespace":"prod","scale":0}' } },
      { key: 'jsonrpc.request.id', value: { intValue: '7' } },
      { key: 'enduser.id', value: { stringValue: 'alice' } },
    ];
    const [event] = eventsOf(request);
    expect(event).toMatchObject({
      kind: 'tool_call',
      action: 'resources_scale',
      actor: { type: 'agent', id: 'my.service', on_behalf_of: 'alice' },
      target: { api_group: 'apps', resource: 'deployments', namespace: 'prod', name: 'web' },
      keys: { tool_call_id: 'call_1', jsonrpc_id: '7', trace_id: '5b8efff798038103d269b633813fc60c' },
    });
  });

  it('a chat span repeating the history yields each user message once per trace', () => {
    const request = exampleRequest();
    const first = exampleSpan(request);
    const messages = (texts: string[]) => JSON.stringify(texts.map((t) => ({ role: 'user', parts: [{ type: 'text', content: t }] })));
    first.attributes = [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
      { key: 'gen_ai.input.messages', value: { stringValue: messages(['scale web to zero']) } },
    ];
    const second = { ...first, spanId: 'EEE19B7EC3C1B175', attributes: [...(first.attributes as object[]).slice(0, 2), { key: 'gen_ai.input.messages', value: { stringValue: messages(['scale web to zero', 'yes']) } }] };
    request.resourceSpans[0]!.scopeSpans[0]!.spans.push(second);
    const events = eventsOf(request);
    expect(events.map((e) => [e.kind, e.text ?? e.action])).toEqual([
      ['prompt', 'scale web to zero'],
      ['model_call', 'gpt-4o'],
      ['prompt', 'yes'],
      ['model_call', 'gpt-4o'],
    ]);
    expect(events[0]).toMatchObject({ taint: ['user'], keys: { span_id: 'eee19b7ec3c1b174' } });
  });

  it('says which span of a record is bad', () => {
    const request = exampleRequest();
    exampleSpan(request).startTimeUnixNano = 'yesterday';
    expect(otlpJson.normalize(request)).toEqual({ ok: false, reason: 'OTLP resourceSpans[0].scopeSpans[0].spans[0]: startTimeUnixNano "yesterday" is not a count of nanoseconds' });
    expect(otlpJson.normalize({ resource: {} })).toEqual({ ok: false, reason: 'not an OTLP resourceSpans element: the record has no "scopeSpans" array' });
    expect(otlpJson.normalize({ resourceSpans: [] })).toEqual({ ok: false, reason: 'OTLP export request holds no spans' });
  });
});
