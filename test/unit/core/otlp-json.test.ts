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
  it('is one record per span, its own bytes at its JSON path, its resource and scope kept as its context', async () => {
    const bytes = readFileSync(EXAMPLE);
    const { head } = await peekContent(await openContent(EXAMPLE));
    expect(detectFormat(head)).toMatchObject({
      ok: true,
      layout: {
        kind: 'document',
        patterns: [
          ['resourceSpans', '*', 'scopeSpans', '*', 'spans', '*'],
          ['resourceSpans', '*', 'instrumentationLibrarySpans', '*', 'spans', '*'],
        ],
      },
    });
    const records = await parseBytes(bytes);
    expect(records).toHaveLength(1);
    const [record] = records;
    if (!record?.ok) throw new Error(JSON.stringify(record));
    expect(record.locator).toBe('$.resourceSpans[0].scopeSpans[0].spans[0]');
    const text = bytes.toString('utf8');
    const spansAt = text.indexOf('{', text.indexOf('"spans"'));
    expect(record.raw.toString('utf8')).toBe(text.slice(spansAt, spansAt + record.raw.length));
    expect(JSON.parse(record.raw.toString('utf8'))).toEqual(
      (JSON.parse(text) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }).resourceSpans[0]!.scopeSpans[0]!.spans[0],
    );
    // The context: the resource's and the scope's exact bytes, by JSON path, outermost first.
    const document = JSON.parse(text) as { resourceSpans: { resource: unknown; scopeSpans: { scope: unknown }[] }[] };
    expect(Object.keys(JSON.parse(record.context!.toString('utf8')) as object)).toEqual([
      '$.resourceSpans[0].resource',
      '$.resourceSpans[0].scopeSpans[0].scope',
    ]);
    expect(JSON.parse(record.context!.toString('utf8'))).toEqual({
      '$.resourceSpans[0].resource': document.resourceSpans[0]!.resource,
      '$.resourceSpans[0].scopeSpans[0].scope': document.resourceSpans[0]!.scopeSpans[0]!.scope,
    });
    const resourceAt = text.indexOf('{', text.indexOf('"resource"'));
    const contextText = record.context!.toString('utf8');
    const resourceBytes = contextText.slice(contextText.indexOf(':') + 1, contextText.indexOf(',"$.resourceSpans[0].scopeSpans[0].scope"'));
    expect(text.slice(resourceAt, resourceAt + resourceBytes.length)).toBe(resourceBytes);
    // No GenAI attributes: an `other` event, attributed to the service, with OTLP's ids lowercased.
    expect(record.events).toEqual([
      {
        time_ns: 1544712660000000000n,
        time_text: '1544712660000000000',
        kind: 'other',
        action: "I'm a server span",
        actor: { type: 'agent', id: 'my.service' },
        outcome: 'success',
        keys: { trace_id: '5b8efff798038103d269b633813fc60c', span_id: 'eee19b7ec3c1b174', parent_span_id: 'eee19b7ec3c1b173' },
      },
    ]);
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
      {
        key: 'gen_ai.tool.call.arguments',
        value: { stringValue: '{"apiVersion":"apps/v1","kind":"Deployment","name":"web","namespace":"prod","scale":0}' },
      },
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
    const second = {
      ...first,
      spanId: 'EEE19B7EC3C1B175',
      attributes: [
        ...(first.attributes as object[]).slice(0, 2),
        { key: 'gen_ai.input.messages', value: { stringValue: messages(['scale web to zero', 'yes']) } },
      ],
    };
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
    expect(otlpJson.normalize(request)).toEqual({
      ok: false,
      reason: 'OTLP resourceSpans[0].scopeSpans[0].spans[0]: startTimeUnixNano "yesterday" is not a count of nanoseconds',
    });
    expect(otlpJson.normalize({ resource: {} })).toEqual({
      ok: false,
      reason: 'not an OTLP resourceSpans element: the record has no "scopeSpans" array',
    });
    expect(otlpJson.normalize({ resourceSpans: [] })).toEqual({ ok: false, reason: 'OTLP export request holds no spans' });
  });
});

describe('OTLP spans as records of their own, with their context', () => {
  const span = (name: string, id: string): string =>
    `{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"${id}","name":"${name}","startTimeUnixNano":"1544712660000000000"}`;
  const resource = '{"attributes":[{"key":"service.name","value":{"stringValue":"svc-a"}}]}';

  it('reads a span with its resource whether the producer wrote resource before or after scopeSpans', async () => {
    // Written over several lines: one line holding a whole request is the JSON-lines form (one record a line).
    const before = Buffer.from(
      `{"resourceSpans":[\n{"resource":${resource},"scopeSpans":[{"scope":{"name":"s"},"spans":[${span('one', 'eee19b7ec3c1b174')},${span('two', 'eee19b7ec3c1b175')}]}]}]}`,
    );
    const after = Buffer.from(
      `{"resourceSpans":[\n{"scopeSpans":[{"spans":[${span('one', 'eee19b7ec3c1b174')},${span('two', 'eee19b7ec3c1b175')}],"scope":{"name":"s"}}],"resource":${resource}}]}`,
    );
    for (const bytes of [before, after]) {
      const records = await parseBytes(bytes);
      expect(records.map((r) => r.ok && [r.locator, r.raw.toString(), r.events[0]!.actor?.id])).toEqual([
        ['$.resourceSpans[0].scopeSpans[0].spans[0]', span('one', 'eee19b7ec3c1b174'), 'svc-a'],
        ['$.resourceSpans[0].scopeSpans[0].spans[1]', span('two', 'eee19b7ec3c1b175'), 'svc-a'],
      ]);
      const context = records[0]!.ok ? records[0]!.context!.toString() : '';
      expect(JSON.parse(context)).toEqual({
        '$.resourceSpans[0].resource': JSON.parse(resource),
        '$.resourceSpans[0].scopeSpans[0].scope': { name: 's' },
      });
      expect(context).toContain(`"$.resourceSpans[0].resource":${resource}`);
    }
  });

  it('keeps each resource with its own spans, and names a resourceSpans element that holds no span', async () => {
    const other = resource.replace('svc-a', 'svc-b');
    const bytes = Buffer.from(
      `{"resourceSpans":[\n{"resource":${resource},"scopeSpans":[{"spans":[${span('one', 'eee19b7ec3c1b174')}]}]},{"resource":${other},"scopeSpans":[]},{"resource":${other},"scopeSpans":[{"spans":[${span('two', 'eee19b7ec3c1b175')}]}]}]}`,
    );
    const records = await parseBytes(bytes);
    expect(records.map((r) => (r.ok ? [r.locator, r.events[0]!.actor?.id] : [r.locator, r.reason]))).toEqual([
      ['$.resourceSpans[0].scopeSpans[0].spans[0]', 'svc-a'],
      ['$.resourceSpans[1]', 'no OpenTelemetry OTLP/JSON trace records in $.resourceSpans[1]'],
      ['$.resourceSpans[2].scopeSpans[0].spans[0]', 'svc-b'],
    ]);
  });

  it('keeps the spans read before a document breaks off mid-element, with the context seen so far', async () => {
    const other = resource.replace('svc-a', 'svc-b');
    const whole = `{"resource":${resource},"scopeSpans":[{"spans":[${span('one', 'eee19b7ec3c1b174')}]}]}`;
    const bytes = Buffer.from(
      `{"resourceSpans":[\n${whole},\n{"resource":${other},"scopeSpans":[{"spans":[${span('two', 'eee19b7ec3c1b175')},{"name":`,
    );
    const records = await parseBytes(bytes);
    expect(records.slice(0, 2).map((r) => r.ok && [r.locator, r.events[0]!.actor?.id])).toEqual([
      ['$.resourceSpans[0].scopeSpans[0].spans[0]', 'svc-a'],
      ['$.resourceSpans[1].scopeSpans[0].spans[0]', 'svc-b'],
    ]);
    expect(records.at(-1)).toMatchObject({ ok: false, fatal: true });
    expect(records).toHaveLength(3);
  });
});
