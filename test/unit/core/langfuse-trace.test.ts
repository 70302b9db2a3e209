import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat, openContent, parseSource, peekContent } from '../../../src-main/core/ingest/index';
import { langfuseTrace } from '../../../src-main/core/ingest/langfuse-trace';
import type { NormalizedEvent } from '../../../src-main/shared/model';

const DIR = new URL('../../fixtures/corpus/otel/langfuse_framework_traces/', import.meta.url);

interface Parsed {
  records: number;
  events: (NormalizedEvent & { locator: string })[];
}

async function parseTrace(name: string): Promise<Parsed> {
  const { head, content } = await peekContent(await openContent(fileURLToPath(new URL(name, DIR))));
  const detected = detectFormat(head);
  if (!detected.ok) throw new Error(detected.reason);
  expect(detected.format.name).toBe('langfuse-trace');
  const parsed: Parsed = { records: 0, events: [] };
  for await (const record of parseSource(content, detected)) {
    if (!record.ok) throw new Error(`${name} ${record.locator}: ${record.reason}`);
    parsed.records += 1;
    for (const event of record.events) parsed.events.push({ ...event, locator: record.locator! });
  }
  return parsed;
}

const ofKind = (parsed: Parsed, kind: string) => parsed.events.filter((e) => e.kind === kind);

/**
 * Per file: records ($.trace + observations), prompts, model calls, tool calls, the first prompt's text and
 * the first tool call (file order) with its arguments as exported and its tool call id where one exists.
 */
const GOLDEN = [
  {
    file: 'claude-agent-2025-12-22.trace.json',
    records: 8,
    prompts: 1,
    models: 4,
    tools: 2,
    prompt: "What's the weather like in Berlin and New York?",
    tool: ['mcp__weather__get_weather', '{"input":{"city":"New York"}}', undefined],
  },
  // The user message CrewAI sends is the task it composed, so it starts with a newline as recorded.
  {
    file: 'crewai-2025-07-11.trace.json',
    records: 7,
    prompts: 1,
    models: 1,
    tools: 0,
    prompt: /^\nCurrent Task: Define the HTML for making a simple website/,
    tool: undefined,
  },
  {
    file: 'google-adk-2025-08-28.trace.json',
    records: 6,
    prompts: 1,
    models: 2,
    tools: 1,
    prompt: 'hi',
    tool: ['say_hello', '{}', 'adk-8bd8dc65-717d-4102-858b-3a1dd6b75a00'],
  },
  // The example passes its instructions ("Be helpful!") as a user message: two user messages.
  {
    file: 'langgraph-python-2025-08-22.trace.json',
    records: 10,
    prompts: 2,
    models: 2,
    tools: 1,
    prompt: 'Be helpful!',
    tool: ['Web-Search', "{'query': 'example'}", 'call_1oGK863sxQHlPreFhDdEs3yl'],
  },
  {
    file: 'microsoft-agent-2025-12-17.trace.json',
    records: 5,
    prompts: 1,
    models: 2,
    tools: 1,
    prompt: "What's the weather in Tokyo?",
    tool: ['get_weather', '{"location":"Tokyo, Japan"}', 'call_CwaJHuXTm9dmHFQPlVbqyzJ0'],
  },
  {
    file: 'openai-agents-2025-09-30.trace.json',
    records: 6,
    prompts: 1,
    models: 2,
    tools: 1,
    prompt: "What's the weather in Tokyo?",
    tool: ['get_weather', '{"city":"Tokyo"}', undefined],
  },
  {
    file: 'pydantic-ai-tools-2025-06-06.trace.json',
    records: 4,
    prompts: 1,
    models: 1,
    tools: 0,
    prompt: 'What is Langfuse?',
    tool: undefined,
  },
  // ai.generateText wraps the provider request (ai.generateText.doGenerate): one model call, not two.
  {
    file: 'vercel-aisdk-2025-11-17.trace.json',
    records: 4,
    prompts: 1,
    models: 1,
    tools: 1,
    prompt: 'What is the weather like today in San Francisco?',
    tool: ['getWeather', '{"location":"San Francisco"}', 'call_DgKARp7a7IhJPDczfifMp6Ra'],
  },
] as const;

describe('the Langfuse framework traces of the corpus', () => {
  it('holds the 8 files SOURCES.md lists', () => {
    expect(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.trace.json'))
        .sort(),
    ).toEqual(GOLDEN.map((g) => g.file).sort());
  });

  for (const golden of GOLDEN) {
    it(`${golden.file}: ${golden.prompts} prompt(s), ${golden.models} model call(s), ${golden.tools} tool call(s)`, async () => {
      const parsed = await parseTrace(golden.file);
      expect(parsed.records).toBe(golden.records);
      expect(ofKind(parsed, 'prompt')).toHaveLength(golden.prompts);
      expect(ofKind(parsed, 'model_call')).toHaveLength(golden.models);
      expect(ofKind(parsed, 'tool_call')).toHaveLength(golden.tools);
      const [prompt] = ofKind(parsed, 'prompt');
      if (typeof golden.prompt === 'string') expect(prompt!.text).toBe(golden.prompt);
      else expect(prompt!.text).toMatch(golden.prompt);
      expect(prompt!.taint).toEqual(['user']);
      const [tool] = ofKind(parsed, 'tool_call');
      if (golden.tool) {
        expect([tool!.action, tool!.text, tool!.keys?.tool_call_id]).toEqual(golden.tool);
      }
      // Every span keeps OTel's ids; every event is timed.
      for (const event of parsed.events) {
        expect(event.keys?.trace_id).toMatch(/^[0-9a-f]{32}$/);
        if (event.locator !== '$.trace') expect(event.keys?.span_id).toMatch(/^[0-9a-f]{16}$/);
        expect(event.time_ns).not.toBeNull();
        expect(event.outcome).toBe('success');
      }
    });
  }
});

describe('normalized fields of real observations', () => {
  it('google-adk: the trace names the user and session, which the spans after it carry', async () => {
    const parsed = await parseTrace('google-adk-2025-08-28.trace.json');
    const trace = parsed.events.find((e) => e.locator === '$.trace');
    expect(trace).toEqual({
      locator: '$.trace',
      time_ns: BigInt(Date.UTC(2025, 7, 28, 7, 32, 30, 303)) * 1_000_000n,
      time_text: '2025-08-28T07:32:30.303Z',
      kind: 'other',
      action: 'trace invocation [hello_app]',
      actor: { type: 'human', id: 'demo-user' },
      outcome: 'success',
      keys: { trace_id: 'b82a0bdc1994fc5d1c8576ca032543f7', conversation_id: 'demo-session' },
    });
    const [tool] = ofKind(parsed, 'tool_call');
    expect(tool).toEqual({
      locator: '$.observations[4]',
      time_ns: BigInt(Date.UTC(2025, 7, 28, 7, 32, 31, 216)) * 1_000_000n,
      time_text: '2025-08-28T07:32:31.216Z',
      kind: 'tool_call',
      action: 'say_hello',
      actor: { type: 'agent', id: 'unknown_service', on_behalf_of: 'demo-user' },
      outcome: 'success',
      keys: {
        trace_id: 'b82a0bdc1994fc5d1c8576ca032543f7',
        span_id: '04290e4d82aba1bc',
        parent_span_id: 'f6e4c65297e40c96',
        conversation_id: 'demo-session',
        tool_call_id: 'adk-8bd8dc65-717d-4102-858b-3a1dd6b75a00',
      },
      taint: ['model'],
      text: '{}',
    });
    const [prompt] = ofKind(parsed, 'prompt');
    expect(prompt).toMatchObject({
      locator: '$.observations[0]',
      actor: { type: 'human', id: 'demo-user' },
      keys: { span_id: 'bded677884f031ce' },
    });
  });

  it('microsoft-agent: invoke_agent names the agent, and the chat spans under it act as that agent', async () => {
    const parsed = await parseTrace('microsoft-agent-2025-12-17.trace.json');
    const agent = parsed.events.find((e) => e.kind === 'other' && e.locator === '$.observations[0]');
    expect(agent).toMatchObject({
      action: 'invoke_agent 171105b7-59dd-49c0-9677-0b95395aa46a',
      actor: { type: 'agent', id: '171105b7-59dd-49c0-9677-0b95395aa46a' },
      keys: { trace_id: '8e419d3288419b5d944270505640e183', span_id: '4cd6caa32861956a' },
    });
    const models = ofKind(parsed, 'model_call');
    expect(models.map((m) => m.action)).toEqual(['gpt-5-mini', 'gpt-5-mini']);
    expect(models.every((m) => m.actor?.id === '171105b7-59dd-49c0-9677-0b95395aa46a')).toBe(true);
    // The second chat carries gen_ai.conversation.id and the model's answer.
    expect(models[1]).toMatchObject({
      keys: { conversation_id: 'resp_0e32bda5b6259ecd00694279e271348194a818447145cd1763' },
      text: 'Current conditions in Tokyo, Japan: stormy, high around 23°C.',
      taint: ['model'],
    });
  });

  it('claude-agent: the user message repeated by the SPAN and trace input is one prompt, from the chat span', async () => {
    const parsed = await parseTrace('claude-agent-2025-12-22.trace.json');
    expect(ofKind(parsed, 'prompt').map((p) => p.locator)).toEqual(['$.observations[5]']);
    // gen_ai.operation.name "chain" is outside the conventions: the conversation span stays `other`.
    expect(parsed.events.find((e) => e.locator === '$.observations[2]')).toMatchObject({ kind: 'other', action: 'claude.conversation' });
  });

  it('says why a record is not an observation', () => {
    expect(langfuseTrace.normalize({ id: 'x' }, { position: 2, path: ['observations', 0] })).toEqual({
      ok: false,
      reason: 'not a Langfuse observation: "traceId" or "id" is missing or not a string',
    });
    expect(langfuseTrace.normalize({ id: 'abc', traceId: 't', startTime: 'noon' }, { position: 2, path: ['observations', 0] })).toEqual({
      ok: false,
      reason: 'Langfuse observation abc: startTime: time "noon" is not an RFC 3339 time',
    });
  });
});
