// Issue 18 on the built-in INC-0047 sample: the agent's traces are listed, one trace's spans come back
// nested by parent with durations from their own records, and a chat span's conversation and usage
// reach the inspector through getEvent; all through the dispatch boundary both transports use.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/host/dispatch';
import { Workbench } from '../../../src-main/service/workbench';
import type { MethodName, MethodOutput } from '../../../src-main/shared/contract';

const SAMPLES = fileURLToPath(new URL('../../../resources/samples/', import.meta.url));
let dir: string;
let wb: Workbench;

async function call<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>> {
  const result = await dispatch(wb.handlers as never, method, input);
  if (!result.ok) throw new Error(`${method}: ${result.code} ${result.message}`);
  return result.value as MethodOutput<M>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-traces-'));
  wb = Workbench.open(join(dir, 'inc.causa'), { create: true });
  await wb.importPaths([join(SAMPLES, 'inc-0047')]);
});

afterAll(() => {
  wb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('agentTraces and traceSpans', () => {
  it('lists the agent traces in time order, named by their root span', async () => {
    const traces = await call('agentTraces', {});
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.every((t) => /^[0-9a-f]{32}$/.test(t.trace_id) && t.spans > 1)).toBe(true);
    expect(traces.map((t) => t.start)).toEqual([...traces.map((t) => t.start)].sort());
    expect(traces[0]!.name).toMatch(/^invoke_agent /);
  });

  it('returns one trace: a root agent span and its children, each with a duration inside the root', async () => {
    const [first] = await call('agentTraces', {});
    const trace = await call('traceSpans', { trace_id: first!.trace_id.toUpperCase() });
    expect(trace.trace_id).toBe(first!.trace_id);
    expect(trace.spans).toHaveLength(first!.spans);
    const roots = trace.spans.filter((s) => !s.parent_span_id);
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(root.offset_ms).toBe(0);
    expect(root.duration_ms).toBeGreaterThan(0);
    const ids = new Set(trace.spans.map((s) => s.span_id));
    for (const span of trace.spans) {
      if (span !== root) expect(ids.has(span.parent_span_id!)).toBe(true);
      expect(span.offset_ms).toBeGreaterThanOrEqual(0);
      expect(span.offset_ms + span.duration_ms!).toBeLessThanOrEqual(root.duration_ms! + 1e-6);
    }
    const chat = trace.spans.find((s) => s.kind === 'model_call')!;
    expect(chat.usage?.input_tokens).toBeGreaterThan(0);
    expect(chat.usage?.output_tokens).toBeGreaterThan(0);
    expect(trace.spans.some((s) => s.kind === 'tool_call')).toBe(true);
    expect(trace.spans.some((s) => s.kind === 'prompt')).toBe(false);
  });

  it('refuses a trace id that is not 32 hex digits, and answers an unknown one with no spans', async () => {
    await expect(call('traceSpans', { trace_id: 'nope' })).rejects.toThrow(/bad_request|invalid/i);
    expect((await call('traceSpans', { trace_id: '0f'.repeat(16) })).spans).toEqual([]);
  });
});

describe("getEvent's chat", () => {
  it('gives a model span its conversation with tool calls and results, and its usage with latency', async () => {
    const [first] = await call('agentTraces', {});
    const trace = await call('traceSpans', { trace_id: first!.trace_id });
    const chats = await Promise.all(
      trace.spans
        .filter((s) => s.kind === 'model_call')
        .map(async (s) => ({ span: s, detail: await call('getEvent', { id: s.event_id }) })),
    );
    const all = chats.flatMap(({ detail }) => detail.chat?.messages ?? []);
    expect(all.some((m) => m.role === 'system')).toBe(true);
    expect(all.some((m) => m.role === 'user' && m.parts.some((p) => p.type === 'text'))).toBe(true);
    expect(all.some((m) => m.direction === 'output' && m.parts.some((p) => p.type === 'tool_call'))).toBe(true);
    const { span, detail } = chats[0]!;
    expect(detail.chat?.usage).toMatchObject({ input_tokens: span.usage!.input_tokens, latency_ms: span.duration_ms });
    // The raw record is still the exact bytes, escaped JSON and all.
    expect(detail.raw).toContain('gen_ai.input.messages');
  });

  it('gives a tool span its call and result, and a prompt or audit event none', async () => {
    const [first] = await call('agentTraces', {});
    const trace = await call('traceSpans', { trace_id: first!.trace_id });
    const tool = trace.spans.find((s) => s.kind === 'tool_call' && s.name.startsWith('execute_tool'))!;
    const detail = await call('getEvent', { id: tool.event_id });
    expect(detail.chat?.messages[0]?.parts[0]).toMatchObject({ type: 'tool_call', name: tool.action });
    const prompt = (await call('listEvents', { filter: { kind: ['prompt'] } })).events[0]!;
    expect((await call('getEvent', { id: prompt.id })).chat).toBeUndefined();
    const api = (await call('listEvents', { filter: { kind: ['k8s_api'] } })).events[0]!;
    expect((await call('getEvent', { id: api.id })).chat).toBeUndefined();
  });

  it('finds its span inside a JSON-lines OTLP request (one request a line)', async () => {
    const span = (id: string, parent: string | undefined, name: string, start: number, end: number, attributes: unknown[]) => ({
      traceId: 'c'.repeat(32),
      spanId: id,
      ...(parent ? { parentSpanId: parent } : {}),
      name,
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(start) * 1_000_000n),
      endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(end) * 1_000_000n),
      attributes,
    });
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bot' } }] },
          scopeSpans: [
            {
              spans: [
                span('a'.repeat(16), undefined, 'invoke_agent bot', 0, 900, [
                  { key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } },
                  { key: 'gen_ai.agent.name', value: { stringValue: 'bot' } },
                ]),
                span('b'.repeat(16), 'a'.repeat(16), 'chat m', 100, 400, [
                  { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                  { key: 'gen_ai.request.model', value: { stringValue: 'm' } },
                  { key: 'gen_ai.prompt.0.role', value: { stringValue: 'user' } },
                  { key: 'gen_ai.prompt.0.content', value: { stringValue: 'restart it' } },
                  { key: 'gen_ai.completion.0.role', value: { stringValue: 'assistant' } },
                  { key: 'gen_ai.completion.0.content', value: { stringValue: 'restarting' } },
                ]),
              ],
            },
          ],
        },
      ],
    };
    const file = join(dir, 'lines.jsonl');
    writeFileSync(file, `${JSON.stringify(request)}\n`);
    await wb.importPaths([file]);
    const trace = await call('traceSpans', { trace_id: 'c'.repeat(32) });
    expect(trace.spans.map((s) => [s.name, s.offset_ms, s.duration_ms])).toEqual([
      ['invoke_agent bot', 0, 900],
      ['chat m', 100, 300],
    ]);
    const detail = await call('getEvent', { id: trace.spans[1]!.event_id });
    expect(detail.chat?.messages.map((m) => [m.role, m.parts])).toEqual([
      ['user', [{ type: 'text', text: 'restart it' }]],
      ['assistant', [{ type: 'text', text: 'restarting' }]],
    ]);
  });
});
