import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chatOfSpan, spanOfRecord, type SpanRecord } from '../../../src-main/core/agent/span-chat';

function span(attributes: Record<string, unknown>, events: SpanRecord['events'] = [], extra: Partial<SpanRecord> = {}): SpanRecord {
  return { name: 'chat gpt-4', attributes, events, ...extra };
}

describe('chatOfSpan: current GenAI conventions (gen_ai.input.messages / gen_ai.output.messages)', () => {
  // Shaped after the examples of the GenAI spans spec: a chat turn that calls a tool, then the turn
  // that reads the tool's answer.
  const input = [
    { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    {
      role: 'assistant',
      parts: [{ type: 'tool_call', id: 'call_VSPygqKTWdrhaFErNvMV18Yl', name: 'get_weather', arguments: { location: 'Paris' } }],
    },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_VSPygqKTWdrhaFErNvMV18Yl', response: 'rainy, 57°F' }] },
  ];
  const output = [
    {
      role: 'assistant',
      parts: [{ type: 'text', content: 'The weather in Paris is currently rainy with a temperature of 57°F.' }],
      finish_reason: 'stop',
    },
  ];

  it('reads roles, text, tool calls and tool results, system instructions first', () => {
    const chat = chatOfSpan(
      span({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4',
        'gen_ai.response.model': 'gpt-4-0613',
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are a helpful bot' }]),
        'gen_ai.input.messages': JSON.stringify(input),
        'gen_ai.output.messages': JSON.stringify(output),
        'gen_ai.usage.input_tokens': 97,
        'gen_ai.usage.output_tokens': 52,
      }),
    );
    expect(chat.messages).toEqual([
      { role: 'system', direction: 'input', parts: [{ type: 'text', text: 'You are a helpful bot' }] },
      { role: 'user', direction: 'input', parts: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        direction: 'input',
        parts: [{ type: 'tool_call', id: 'call_VSPygqKTWdrhaFErNvMV18Yl', name: 'get_weather', arguments: { location: 'Paris' } }],
      },
      { role: 'tool', direction: 'input', parts: [{ type: 'tool_result', id: 'call_VSPygqKTWdrhaFErNvMV18Yl', result: 'rainy, 57°F' }] },
      {
        role: 'assistant',
        direction: 'output',
        finish_reason: 'stop',
        parts: [{ type: 'text', text: 'The weather in Paris is currently rainy with a temperature of 57°F.' }],
      },
    ]);
    expect(chat.usage).toEqual({ model: 'gpt-4-0613', input_tokens: 97, output_tokens: 52 });
  });

  it('reads the messages as OTLP carries them (arrays of kvlists) and arguments written as JSON text', () => {
    const chat = chatOfSpan(
      span({
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'scale it' }] }],
        'gen_ai.output.messages': [
          { role: 'assistant', parts: [{ type: 'tool_call', id: 't1', name: 'resources_scale', arguments: '{"replicas":3}' }] },
        ],
      }),
    );
    expect(chat.messages[1]!.parts).toEqual([{ type: 'tool_call', id: 't1', name: 'resources_scale', arguments: { replicas: 3 } }]);
  });

  it('reads the gen_ai.client.inference.operation.details event', () => {
    const chat = chatOfSpan(
      span({}, [
        {
          name: 'gen_ai.client.inference.operation.details',
          attributes: {
            'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
            'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }]),
          },
        },
      ]),
    );
    expect(chat.messages.map((m) => [m.role, m.direction])).toEqual([
      ['user', 'input'],
      ['assistant', 'output'],
    ]);
  });
});

describe('chatOfSpan: older forms', () => {
  it('reads the flattened gen_ai.prompt.N / gen_ai.completion.N attributes with their tool calls (OpenLLMetry)', () => {
    const chat = chatOfSpan(
      span({
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'You operate the cluster.',
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': 'Restart api-service',
        'gen_ai.prompt.2.role': 'assistant',
        'gen_ai.prompt.2.tool_calls.0.id': 'call_1',
        'gen_ai.prompt.2.tool_calls.0.name': 'pods_delete',
        'gen_ai.prompt.2.tool_calls.0.arguments': '{"name":"api-0"}',
        'gen_ai.prompt.3.role': 'tool',
        'gen_ai.prompt.3.tool_call_id': 'call_1',
        'gen_ai.prompt.3.content': 'deleted',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': 'Done.',
        'gen_ai.completion.0.finish_reason': 'stop',
        'gen_ai.usage.prompt_tokens': '120',
        'gen_ai.usage.completion_tokens': 8,
      }),
    );
    expect(chat.messages).toEqual([
      { role: 'system', direction: 'input', parts: [{ type: 'text', text: 'You operate the cluster.' }] },
      { role: 'user', direction: 'input', parts: [{ type: 'text', text: 'Restart api-service' }] },
      {
        role: 'assistant',
        direction: 'input',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'pods_delete', arguments: { name: 'api-0' } }],
      },
      { role: 'tool', direction: 'input', parts: [{ type: 'tool_result', id: 'call_1', result: 'deleted' }] },
      { role: 'assistant', direction: 'output', finish_reason: 'stop', parts: [{ type: 'text', text: 'Done.' }] },
    ]);
    expect(chat.usage).toMatchObject({ input_tokens: 120, output_tokens: 8 });
  });

  it('reads JSON gen_ai.prompt / gen_ai.completion in OpenAI message form', () => {
    const chat = chatOfSpan(
      span({
        'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'list pods' }]),
        'gen_ai.completion': JSON.stringify([
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'c9', type: 'function', function: { name: 'pods_list', arguments: '{"namespace":"prod"}' } }],
            },
          },
        ]),
      }),
    );
    expect(chat.messages).toEqual([
      { role: 'user', direction: 'input', parts: [{ type: 'text', text: 'list pods' }] },
      {
        role: 'assistant',
        direction: 'output',
        finish_reason: 'tool_calls',
        parts: [{ type: 'tool_call', id: 'c9', name: 'pods_list', arguments: { namespace: 'prod' } }],
      },
    ]);
  });

  it('reads gen_ai.content.prompt / gen_ai.content.completion span events', () => {
    const chat = chatOfSpan(
      span({}, [
        { name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'why?' }]) } },
        {
          name: 'gen_ai.content.completion',
          attributes: { 'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'because' }]) },
        },
      ]),
    );
    expect(chat.messages.map((m) => [m.role, m.parts])).toEqual([
      ['user', [{ type: 'text', text: 'why?' }]],
      ['assistant', [{ type: 'text', text: 'because' }]],
    ]);
  });

  it('reads the per-message events gen_ai.system/user/assistant/tool.message and gen_ai.choice', () => {
    const chat = chatOfSpan(
      span({}, [
        { name: 'gen_ai.system.message', attributes: { 'gen_ai.system': 'openai', content: 'You are a helpful bot' } },
        { name: 'gen_ai.user.message', attributes: { 'gen_ai.system': 'openai', content: "What's the weather in Paris?" } },
        {
          name: 'gen_ai.assistant.message',
          attributes: {
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
          },
        },
        { name: 'gen_ai.tool.message', attributes: { id: 'call_1', content: 'rainy, 57°F' } },
        {
          name: 'gen_ai.choice',
          attributes: { index: 0, finish_reason: 'stop', message: { content: 'The weather in Paris is rainy and overcast.' } },
        },
      ]),
    );
    expect(chat.messages).toEqual([
      { role: 'system', direction: 'input', parts: [{ type: 'text', text: 'You are a helpful bot' }] },
      { role: 'user', direction: 'input', parts: [{ type: 'text', text: "What's the weather in Paris?" }] },
      {
        role: 'assistant',
        direction: 'input',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { location: 'Paris' } }],
      },
      { role: 'tool', direction: 'input', parts: [{ type: 'tool_result', id: 'call_1', result: 'rainy, 57°F' }] },
      {
        role: 'assistant',
        direction: 'output',
        finish_reason: 'stop',
        parts: [{ type: 'text', text: 'The weather in Paris is rainy and overcast.' }],
      },
    ]);
  });

  it('reads a gen_ai.choice whose body is JSON text (gen_ai.event.content)', () => {
    const chat = chatOfSpan(
      span({}, [
        { name: 'gen_ai.choice', attributes: { 'gen_ai.event.content': JSON.stringify({ index: 0, message: { content: 'ok' } }) } },
      ]),
    );
    expect(chat.messages).toEqual([{ role: 'assistant', direction: 'output', parts: [{ type: 'text', text: 'ok' }] }]);
  });
});

describe('chatOfSpan: other frameworks', () => {
  it('reads OpenInference flattened messages with tool calls and token counts', () => {
    const chat = chatOfSpan(
      span({
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.contents.0.message_content.text': 'drain node-1',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'x1',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'node_drain',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"node":"node-1"}',
        'llm.model_name': 'claude-sonnet-4',
        'llm.token_count.prompt': 30,
        'llm.token_count.completion': 12,
        'llm.cost.total': 0.0042,
      }),
    );
    expect(chat.messages).toEqual([
      { role: 'user', direction: 'input', parts: [{ type: 'text', text: 'drain node-1' }] },
      {
        role: 'assistant',
        direction: 'output',
        parts: [{ type: 'tool_call', id: 'x1', name: 'node_drain', arguments: { node: 'node-1' } }],
      },
    ]);
    expect(chat.usage).toEqual({ model: 'claude-sonnet-4', input_tokens: 30, output_tokens: 12, cost: 0.0042 });
  });

  it('reads Anthropic content blocks (tool_use, tool_result) and LangChain roles', () => {
    const chat = chatOfSpan(
      span({}, [], {
        input: [
          { type: 'human', content: 'fix it' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'tu1', name: 'pods_log', input: { pod: 'a' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu1', content: [{ type: 'text', text: 'OOMKilled' }] }] },
        ],
        output: { type: 'ai', content: 'Raise the limit.' },
      }),
    );
    expect(chat.messages).toEqual([
      { role: 'user', direction: 'input', parts: [{ type: 'text', text: 'fix it' }] },
      { role: 'assistant', direction: 'input', parts: [{ type: 'tool_call', id: 'tu1', name: 'pods_log', arguments: { pod: 'a' } }] },
      { role: 'user', direction: 'input', parts: [{ type: 'tool_result', id: 'tu1', result: 'OOMKilled' }] },
      { role: 'assistant', direction: 'output', parts: [{ type: 'text', text: 'Raise the limit.' }] },
    ]);
  });

  it('turns a tool span (execute_tool) into its call and its result', () => {
    const chat = chatOfSpan(
      span({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'resources_create_or_update',
        'gen_ai.tool.call.id': 'toolu_01',
        'gen_ai.tool.call.arguments': '{"resource":"apiVersion: apps/v1"}',
        'gen_ai.tool.call.result': '{"ok":true}',
      }),
    );
    expect(chat.messages).toEqual([
      {
        role: 'assistant',
        direction: 'input',
        parts: [{ type: 'tool_call', name: 'resources_create_or_update', id: 'toolu_01', arguments: { resource: 'apiVersion: apps/v1' } }],
      },
      { role: 'tool', direction: 'output', parts: [{ type: 'tool_result', id: 'toolu_01', result: { ok: true } }] },
    ]);
  });

  it('gives no messages for a span that carries none, and latency from start and end', () => {
    const chat = chatOfSpan(span({ 'mcp.method.name': 'tools/list' }, [], { startNs: 1_000_000_000n, endNs: 1_012_500_000n }));
    expect(chat).toEqual({ messages: [], usage: { latency_ms: 12.5 } });
  });
});

describe('spanOfRecord', () => {
  const otlpSpan = {
    traceId: 'AB'.repeat(16),
    spanId: '11'.repeat(8),
    parentSpanId: '22'.repeat(8),
    name: 'chat m',
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000250000000',
    attributes: [
      { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } },
      { key: 'gen_ai.output.messages', value: { stringValue: '[{"role":"assistant","parts":[{"type":"text","content":"x"}]}]' } },
    ],
    events: [{ name: 'gen_ai.user.message', attributes: [{ key: 'content', value: { stringValue: 'q' } }] }],
  };

  it('reads an OTLP span record (a document record is its bytes)', () => {
    const record = spanOfRecord(JSON.stringify(otlpSpan))!;
    expect(record).toMatchObject({ name: 'chat m', spanId: '11'.repeat(8), startNs: 1700000000000000000n, endNs: 1700000000250000000n });
    const chat = chatOfSpan(record);
    expect(chat.usage).toEqual({ input_tokens: 12, latency_ms: 250 });
    expect(chat.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('finds the span by id in an OTLP export request (a JSON-lines record), case-insensitively', () => {
    const other = { ...otlpSpan, spanId: '33'.repeat(8), name: 'other' };
    const request = { resourceSpans: [{ resource: {}, scopeSpans: [{ spans: [other, otlpSpan] }] }] };
    expect(spanOfRecord(request, '11'.repeat(8).toUpperCase())?.name).toBe('chat m');
    expect(spanOfRecord(request, '44'.repeat(8))).toBeUndefined();
  });

  it('reads a Langfuse observation: times, lifted input/output, usage and cost', () => {
    const record = spanOfRecord({
      id: 'obs-1',
      traceId: 't',
      type: 'GENERATION',
      name: 'ChatAnthropic',
      startTime: '2025-01-01T00:00:00.000100Z',
      endTime: '2025-01-01T00:00:01.500100Z',
      model: 'claude-3',
      input: [{ role: 'user', content: 'hi' }],
      output: { role: 'assistant', content: 'hello' },
      usageDetails: { input: 5, output: 2 },
      calculatedTotalCost: 0.0001,
    })!;
    expect(chatOfSpan(record)).toEqual({
      messages: [
        { role: 'user', direction: 'input', parts: [{ type: 'text', text: 'hi' }] },
        { role: 'assistant', direction: 'output', parts: [{ type: 'text', text: 'hello' }] },
      ],
      usage: { model: 'claude-3', input_tokens: 5, output_tokens: 2, cost: 0.0001, latency_ms: 1500 },
    });
  });

  it('is undefined for a record that is no span', () => {
    expect(spanOfRecord('{"kind":"Event"}')).toBeUndefined();
    expect(spanOfRecord('not json')).toBeUndefined();
  });
});

describe('the Langfuse framework traces of the corpus', () => {
  const dir = fileURLToPath(new URL('../../fixtures/corpus/otel/langfuse_framework_traces/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.trace.json'));
  const observations = (file: string) =>
    (JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as { observations: Record<string, unknown>[] }).observations;

  it.each(files)('%s: every generation reads as what went in and what came out, with tokens; every tool as a call and a result', (file) => {
    const generations = observations(file).filter((o) => o.type === 'GENERATION');
    const tools = observations(file).filter((o) => o.type === 'TOOL');
    expect(generations.length).toBeGreaterThan(0);
    for (const observation of generations) {
      const chat = chatOfSpan(spanOfRecord(observation)!);
      expect(
        chat.messages.some((m) => m.direction === 'input' && m.parts.length > 0),
        String(observation.id),
      ).toBe(true);
      expect(
        chat.messages.some((m) => m.direction === 'output' && m.parts.length > 0),
        String(observation.id),
      ).toBe(true);
      expect(chat.usage.input_tokens).toBeGreaterThan(0);
      expect(chat.usage.latency_ms).toBeGreaterThan(0);
    }
    for (const observation of tools) {
      const chat = chatOfSpan(spanOfRecord(observation)!);
      expect(chat.messages.map((m) => m.parts[0]?.type)).toEqual(['tool_call', 'tool_result']);
    }
  });

  it('reads the tool calls of LangChain (additional_kwargs) and of the Vercel AI SDK (toolName)', () => {
    const langgraph = observations('langgraph-python-2025-08-22.trace.json').filter((o) => o.type === 'GENERATION');
    const calls = langgraph
      .flatMap((o) => chatOfSpan(spanOfRecord(o)!).messages.flatMap((m) => m.parts))
      .filter((p) => p.type === 'tool_call');
    expect(calls[0]).toMatchObject({ name: 'Web-Search', arguments: { query: 'example' } });
    const vercel = observations('vercel-aisdk-2025-11-17.trace.json').find((o) => o.name === 'ai.generateText.doGenerate')!;
    expect(chatOfSpan(spanOfRecord(vercel)!).messages.at(-1)).toEqual({
      role: 'assistant',
      direction: 'output',
      parts: [{ type: 'tool_call', id: 'call_DgKARp7a7IhJPDczfifMp6Ra', name: 'getWeather', arguments: { location: 'San Francisco' } }],
    });
  });
});
