// One agent span's conversation and usage, read from its own record: the messages that went to the model
// and came back (roles, text, tool calls with their arguments, tool results), and tokens, cost and
// latency. Every shape the GenAI conventions have used is read (docs/formats.md lists them):
// - current: gen_ai.input.messages / gen_ai.output.messages / gen_ai.system_instructions, JSON of
//   `{role, parts:[{type:'text', content} | {type:'tool_call', id, name, arguments} |
//   {type:'tool_call_response', id, response}], finish_reason}`, on the span or on a
//   gen_ai.client.inference.operation.details span event;
// - older: JSON gen_ai.prompt / gen_ai.completion (attributes, or gen_ai.content.prompt/completion span
//   events), OpenLLMetry's flattened gen_ai.prompt.N.role / .content / .tool_calls.M.name, and the span
//   events gen_ai.system.message, gen_ai.user.message, gen_ai.assistant.message, gen_ai.tool.message and
//   gen_ai.choice;
// - beside them: OpenInference's llm.input_messages.N.message.*, OpenAI/Anthropic/Gemini/LangChain message
//   objects (Langfuse's lifted input/output), and a tool span's gen_ai.tool.call.arguments / .result.
import type { ChatMessage, ChatPart, SpanChat, SpanUsage } from '../../shared/agent-trace';
import { parseMaybeJson } from '../ingest/agent-messages';
import { isObject } from '../ingest/format';
import { attributesOf } from '../ingest/otlp-json';

type Attributes = Record<string, unknown>;
type Direction = ChatMessage['direction'];

/** A span as its record holds it, whatever carried it (an OTLP span, a request of spans, a Langfuse observation). */
export interface SpanRecord {
  name: string;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  startNs?: bigint;
  endNs?: bigint;
  attributes: Attributes;
  events: { name: string; attributes: Attributes }[];
  /** Langfuse's lifted message content, model, token counts and cost. */
  input?: unknown;
  output?: unknown;
  model?: string;
  usage?: { input?: number; output?: number; cost?: number };
  /** The carrier says the span is a tool's (Langfuse's TOOL observation): its input is the arguments, its output the result. */
  tool?: boolean;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const str = text;

function count(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function nanos(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value) && !/^0+$/.test(value)) return BigInt(value);
  return undefined;
}

function isoNanos(value: unknown): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  // Keep the sub-millisecond digits Date drops (Langfuse writes microseconds).
  const fraction = /\.(\d+)/.exec(value)?.[1] ?? '';
  const subMs = fraction.length > 3 ? BigInt(fraction.slice(3, 9).padEnd(6, '0')) : 0n;
  return BigInt(ms) * 1_000_000n + subMs;
}

function otlpSpan(span: Record<string, unknown>): SpanRecord {
  return {
    name: text(span.name) ?? '',
    traceId: text(span.traceId),
    spanId: text(span.spanId),
    parentSpanId: text(span.parentSpanId),
    startNs: nanos(span.startTimeUnixNano),
    endNs: nanos(span.endTimeUnixNano),
    attributes: attributesOf(span.attributes),
    events: Array.isArray(span.events)
      ? span.events.filter(isObject).map((event) => ({ name: text(event.name) ?? '', attributes: attributesOf(event.attributes) }))
      : [],
  };
}

function langfuseObservation(observation: Record<string, unknown>): SpanRecord {
  const metadata = parseMaybeJson(observation.metadata);
  const attributes = isObject(metadata) && isObject(metadata.attributes) ? metadata.attributes : {};
  const details = isObject(observation.usageDetails) ? observation.usageDetails : isObject(observation.usage) ? observation.usage : {};
  const costs = isObject(observation.costDetails) ? observation.costDetails : {};
  return {
    name: text(observation.name) ?? '',
    traceId: text(observation.traceId),
    spanId: text(observation.id),
    parentSpanId: text(observation.parentObservationId),
    startNs: isoNanos(observation.startTime),
    endNs: isoNanos(observation.endTime),
    attributes,
    events: [],
    input: observation.input ?? undefined,
    output: observation.output ?? undefined,
    model: text(observation.model),
    tool: observation.type === 'TOOL',
    usage: {
      input: count(details.input) ?? count(details.promptTokens),
      output: count(details.output) ?? count(details.completionTokens),
      cost: count(observation.calculatedTotalCost) ?? count(observation.totalCost) ?? count(costs.total),
    },
  };
}

/**
 * The span a record holds: an OTLP span (a document's record), the span named `spanId` in an OTLP export
 * request (a JSON-lines record holds a whole request), or a Langfuse observation. Undefined for anything else.
 */
export function spanOfRecord(record: unknown, spanId?: string): SpanRecord | undefined {
  const value = parseMaybeJson(record);
  if (!isObject(value)) return undefined;
  if (Array.isArray(value.resourceSpans)) {
    const wanted = spanId?.toLowerCase();
    for (const resource of value.resourceSpans) {
      const scopes = isObject(resource) ? (resource.scopeSpans ?? resource.instrumentationLibrarySpans) : undefined;
      for (const scope of Array.isArray(scopes) ? scopes : []) {
        const spans = isObject(scope) && Array.isArray(scope.spans) ? scope.spans : [];
        for (const span of spans) {
          if (!isObject(span)) continue;
          if (wanted === undefined || (typeof span.spanId === 'string' && span.spanId.toLowerCase() === wanted)) return otlpSpan(span);
        }
      }
    }
    return undefined;
  }
  if ('startTimeUnixNano' in value || ('spanId' in value && 'traceId' in value)) return otlpSpan(value);
  if (typeof value.startTime === 'string' && typeof value.id === 'string') return langfuseObservation(value);
  return undefined;
}

// ---- messages -------------------------------------------------------------------------------------

function roleOf(message: Record<string, unknown>, fallback: string): string {
  const role = text(message.role) ?? text(message.type);
  if (role === 'human') return 'user';
  if (role === 'ai' || role === 'model') return 'assistant';
  return role ?? fallback;
}

function toolCallOf(call: unknown): ChatPart | undefined {
  if (!isObject(call)) return undefined;
  // OpenAI: {id, type:'function', function:{name, arguments}}; flattened and OTel: {id, name, arguments}.
  const fn = isObject(call.function) ? call.function : call;
  const name = text(fn.name);
  if (!name) return undefined;
  const args = fn.arguments ?? fn.args ?? fn.input;
  return {
    type: 'tool_call',
    name,
    ...(text(call.id) ? { id: text(call.id) } : {}),
    ...(args !== undefined ? { arguments: parseMaybeJson(args) } : {}),
  };
}

/** One element of a part list (OTel parts, OpenAI/Anthropic content blocks, Gemini parts). */
function partOf(part: unknown): ChatPart | undefined {
  if (typeof part === 'string') return part === '' ? undefined : { type: 'text', text: part };
  if (!isObject(part)) return undefined;
  switch (part.type) {
    case 'tool_call':
      return toolCallOf(part);
    case 'tool_use': // Anthropic
      return toolCallOf({ id: part.id, name: part.name, arguments: part.input });
    case 'tool_call_response':
      return { type: 'tool_result', ...(text(part.id) ? { id: text(part.id) } : {}), result: parseMaybeJson(part.response ?? part.result) };
    case 'tool-call': // Vercel AI SDK
      return toolCallOf({ id: part.toolCallId, name: part.toolName, arguments: part.input ?? part.args });
    case 'tool-result':
      return {
        type: 'tool_result',
        ...(text(part.toolCallId) ? { id: text(part.toolCallId) } : {}),
        result: parseMaybeJson(part.output ?? part.result),
      };
    case 'tool_result': // Anthropic
      return {
        type: 'tool_result',
        ...(text(part.tool_use_id) ? { id: text(part.tool_use_id) } : {}),
        result: parseMaybeJson(textOfParts(part.content) ?? part.content),
      };
    default:
      break;
  }
  if (isObject(part.functionCall))
    return toolCallOf({ id: part.functionCall.id, name: part.functionCall.name, arguments: part.functionCall.args });
  if (isObject(part.functionResponse))
    return {
      type: 'tool_result',
      ...(text(part.functionResponse.id) ? { id: text(part.functionResponse.id) } : {}),
      result: part.functionResponse.response,
    };
  const body = text(part.content) ?? text(part.text);
  if (body) return { type: 'text', text: body };
  // A part the view cannot show as text (an image, a file): named by its type.
  return typeof part.type === 'string' ? { type: 'text', text: `[${part.type}]` } : undefined;
}

function textOfParts(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.map(partOf).flatMap((p) => (p?.type === 'text' ? [p.text] : []));
  return texts.length > 0 ? texts.join('\n') : undefined;
}

function partsOfContent(content: unknown): ChatPart[] {
  const value = parseMaybeJson(content);
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (Array.isArray(value)) return value.map(partOf).filter((p): p is ChatPart => p !== undefined);
  if (isObject(value)) {
    const one = partOf(value);
    return one ? [one] : [{ type: 'text', text: JSON.stringify(value) }];
  }
  return [{ type: 'text', text: String(value) }];
}

/** One message object in any of the shapes above, or undefined when it is not one. */
export function messageOf(
  value: unknown,
  direction: Direction,
  fallbackRole = direction === 'input' ? 'user' : 'assistant',
): ChatMessage | undefined {
  const message = parseMaybeJson(value);
  if (typeof message === 'string')
    return message === '' ? undefined : { role: fallbackRole, direction, parts: [{ type: 'text', text: message }] };
  if (!isObject(message)) return undefined;
  // An OpenAI choice ({index, message, finish_reason}) holds its message.
  if (isObject(message.message) && message.role === undefined) {
    const inner = messageOf(message.message, direction, fallbackRole);
    const finish = text(message.finish_reason);
    return inner && finish && !inner.finish_reason ? { ...inner, finish_reason: finish } : inner;
  }
  // The Vercel AI SDK's tool calls as a response lists them: {toolCallId, toolName, input}.
  if (message.role === undefined && typeof message.toolName === 'string') {
    const call = toolCallOf({ id: message.toolCallId, name: message.toolName, arguments: message.input ?? message.args });
    return call ? { role: 'assistant', direction, parts: [call] } : undefined;
  }
  const role = roleOf(message, fallbackRole);
  const parts: ChatPart[] = Array.isArray(message.parts) ? message.parts.map(partOf).filter((p): p is ChatPart => p !== undefined) : [];
  if (!Array.isArray(message.parts)) {
    const callId = text(message.tool_call_id) ?? (role === 'tool' ? text(message.id) : undefined);
    if (role === 'tool' && message.content !== undefined) {
      const result = parseMaybeJson(textOfParts(message.content) ?? message.content);
      parts.push({ type: 'tool_result', ...(callId ? { id: callId } : {}), result });
    } else parts.push(...partsOfContent(message.content));
  }
  // LangChain keeps the provider's tool calls in additional_kwargs.
  const calls = parseMaybeJson(
    message.tool_calls ?? (isObject(message.additional_kwargs) ? message.additional_kwargs.tool_calls : undefined),
  );
  if (Array.isArray(calls)) parts.push(...calls.map(toolCallOf).filter((p): p is ChatPart => p !== undefined));
  if (isObject(message.function_call)) {
    const call = toolCallOf(message.function_call);
    if (call) parts.push(call);
  }
  if (parts.length === 0 && text(message.role) === undefined && text(message.type) === undefined) return undefined;
  const finish = text(message.finish_reason);
  return { role, direction, parts, ...(finish ? { finish_reason: finish } : {}) };
}

/** A list of messages, one message, `{messages:[…]}`, Gemini's `{contents:[…]}`, or `{prompt}`. */
export function messagesOf(value: unknown, direction: Direction): ChatMessage[] {
  const parsed = parseMaybeJson(value);
  if (Array.isArray(parsed)) return parsed.map((m) => messageOf(m, direction)).filter((m): m is ChatMessage => m !== undefined);
  if (isObject(parsed)) {
    if (Array.isArray(parsed.messages)) return messagesOf(parsed.messages, direction);
    if (Array.isArray(parsed.contents)) return messagesOf(parsed.contents, direction);
    if (Array.isArray(parsed.choices)) return messagesOf(parsed.choices, direction);
    if (typeof parsed.prompt === 'string' && parsed.role === undefined) return messagesOf(parsed.prompt, direction);
  }
  const one = messageOf(parsed, direction);
  return one ? [one] : [];
}

/** gen_ai.system_instructions: `[{type:'text', content}]` (or plain text) as one system message. */
function systemInstructions(value: unknown): ChatMessage[] {
  const parts = partsOfContent(value);
  return parts.length > 0 ? [{ role: 'system', direction: 'input', parts }] : [];
}

/** Flattened lists: `${prefix}.N.role`, `.content`, `.tool_call_id`, `.finish_reason`, `.tool_calls.M.{id,name,arguments}`. */
function flattened(a: Attributes, prefix: string, direction: Direction, keyOf: (rest: string) => string | undefined): ChatMessage[] {
  type Row = { fields: Record<string, unknown>; calls: Map<number, Record<string, unknown>> };
  const rows = new Map<number, Row>();
  const escaped = prefix.replace(/\./g, '\\.');
  const pattern = new RegExp(`^${escaped}\\.(\\d+)\\.(.+)$`);
  for (const [key, value] of Object.entries(a)) {
    const match = pattern.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    const row: Row = rows.get(index) ?? { fields: {}, calls: new Map() };
    rows.set(index, row);
    const field = keyOf(match[2]!);
    if (!field) continue;
    const call = /^tool_calls\.(\d+)\.(id|name|arguments)$/.exec(field);
    if (call) {
      const entry = row.calls.get(Number(call[1])) ?? {};
      entry[call[2]!] = value;
      row.calls.set(Number(call[1]), entry);
    } else if (/^contents\.\d+$/.test(field))
      row.fields.content = [...(Array.isArray(row.fields.content) ? row.fields.content : []), value];
    else row.fields[field] = value;
  }
  return [...rows.entries()]
    .sort(([x], [y]) => x - y)
    .map(([, row]) => {
      const calls = [...row.calls.entries()].sort(([x], [y]) => x - y).map(([, call]) => call);
      return messageOf({ ...row.fields, ...(calls.length > 0 ? { tool_calls: calls } : {}) }, direction);
    })
    .filter((m): m is ChatMessage => m !== undefined && m.parts.length > 0);
}

const FLAT = (rest: string) => rest;
/** OpenInference: N.message.role, .message.content, .message.contents.K.message_content.text, .message.tool_calls.K.tool_call.function.name. */
const OPENINFERENCE = (rest: string): string | undefined => {
  const field = rest.replace(/^message\./, '');
  const content = /^contents\.(\d+)\.message_content\.text$/.exec(field);
  if (content) return `contents.${content[1]}`;
  const call = /^tool_calls\.(\d+)\.tool_call\.(?:function\.)?(id|name|arguments)$/.exec(field);
  if (call) return `tool_calls.${call[1]}.${call[2]}`;
  return ['role', 'content', 'tool_call_id', 'name'].includes(field) ? field : undefined;
};

const EVENT_ROLES: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

/** The per-message span events: a message's fields are the event's attributes (or its JSON body). */
function eventMessages(span: SpanRecord): { input: ChatMessage[]; output: ChatMessage[] } {
  const input: ChatMessage[] = [];
  const output: ChatMessage[] = [];
  for (const event of span.events) {
    const body = parseMaybeJson(event.attributes['gen_ai.event.content'] ?? event.attributes.body);
    const fields: Attributes = { ...event.attributes, ...(isObject(body) ? body : {}) };
    const role = EVENT_ROLES[event.name];
    if (role) {
      const message = messageOf({ ...fields, role: text(fields.role) ?? role }, 'input');
      if (message && message.parts.length > 0) input.push(message);
    } else if (event.name === 'gen_ai.choice') {
      const message = messageOf(
        { message: fields.message ?? { content: fields.content, tool_calls: fields.tool_calls }, finish_reason: fields.finish_reason },
        'output',
        'assistant',
      );
      if (message && message.parts.length > 0) output.push(message);
    }
  }
  return { input, output };
}

function firstOf(...sources: (() => ChatMessage[])[]): ChatMessage[] {
  for (const source of sources) {
    const messages = source();
    if (messages.length > 0) return messages;
  }
  return [];
}

function eventAttribute(span: SpanRecord, names: string[], key: string): unknown {
  return span.events.find((event) => names.includes(event.name) && event.attributes[key] !== undefined)?.attributes[key];
}

const DETAILS = ['gen_ai.client.inference.operation.details'];

function inputMessages(span: SpanRecord): ChatMessage[] {
  const a = span.attributes;
  const system = () => systemInstructions(a['gen_ai.system_instructions'] ?? eventAttribute(span, DETAILS, 'gen_ai.system_instructions'));
  const messages = firstOf(
    () => messagesOf(a['gen_ai.input.messages'], 'input'),
    () => messagesOf(eventAttribute(span, DETAILS, 'gen_ai.input.messages'), 'input'),
    () => messagesOf(a['gen_ai.prompt'] ?? eventAttribute(span, ['gen_ai.content.prompt'], 'gen_ai.prompt'), 'input'),
    () => flattened(a, 'gen_ai.prompt', 'input', FLAT),
    () => eventMessages(span).input,
    () => flattened(a, 'llm.input_messages', 'input', OPENINFERENCE),
    () => (span.input !== undefined ? messagesOf(span.input, 'input') : []),
  );
  const instructions = messages.some((m) => m.role === 'system') ? [] : system();
  return [...instructions, ...messages];
}

function outputMessages(span: SpanRecord): ChatMessage[] {
  const a = span.attributes;
  return firstOf(
    () => messagesOf(a['gen_ai.output.messages'], 'output'),
    () => messagesOf(eventAttribute(span, DETAILS, 'gen_ai.output.messages'), 'output'),
    () => messagesOf(a['gen_ai.completion'] ?? eventAttribute(span, ['gen_ai.content.completion'], 'gen_ai.completion'), 'output'),
    () => flattened(a, 'gen_ai.completion', 'output', FLAT),
    () => eventMessages(span).output,
    () => flattened(a, 'llm.output_messages', 'output', OPENINFERENCE),
    () => (span.output !== undefined ? messagesOf(span.output, 'output') : []),
  );
}

/** A tool span with no messages of its own: the call (its arguments) and what the tool answered. */
function toolMessages(span: SpanRecord): ChatMessage[] {
  const a = span.attributes;
  const name = text(a['gen_ai.tool.name']) ?? text(a['tool.name']) ?? text(a['ai.toolCall.name']) ?? (span.tool ? span.name : undefined);
  if (!name) return [];
  const id = text(a['gen_ai.tool.call.id']) ?? text(a['ai.toolCall.id']);
  const args = a['gen_ai.tool.call.arguments'] ?? a['ai.toolCall.args'] ?? a['tool.parameters'] ?? (span.tool ? span.input : undefined);
  const result = a['gen_ai.tool.call.result'] ?? a['ai.toolCall.result'] ?? (span.tool ? span.output : undefined);
  const messages: ChatMessage[] = [
    {
      role: 'assistant',
      direction: 'input',
      parts: [{ type: 'tool_call', name, ...(id ? { id } : {}), ...(args !== undefined ? { arguments: parseMaybeJson(args) } : {}) }],
    },
  ];
  if (result !== undefined)
    messages.push({
      role: 'tool',
      direction: 'output',
      parts: [{ type: 'tool_result', ...(id ? { id } : {}), result: parseMaybeJson(result) }],
    });
  return messages;
}

/** Tokens, cost, model and latency, where the span carries them. */
export function usageOfSpan(span: SpanRecord): SpanUsage {
  const a = span.attributes;
  const model =
    text(a['gen_ai.response.model']) ??
    text(a['gen_ai.request.model']) ??
    text(a['llm.model_name']) ??
    text(a['ai.model.id']) ??
    span.model;
  const input =
    count(a['gen_ai.usage.input_tokens']) ??
    count(a['gen_ai.usage.prompt_tokens']) ??
    count(a['llm.token_count.prompt']) ??
    count(a['ai.usage.inputTokens']) ??
    count(a['ai.usage.promptTokens']) ??
    span.usage?.input;
  const output =
    count(a['gen_ai.usage.output_tokens']) ??
    count(a['gen_ai.usage.completion_tokens']) ??
    count(a['llm.token_count.completion']) ??
    count(a['ai.usage.outputTokens']) ??
    count(a['ai.usage.completionTokens']) ??
    span.usage?.output;
  const cost = count(a['gen_ai.usage.cost']) ?? count(a['llm.cost.total']) ?? span.usage?.cost;
  const currency = text(a['gen_ai.usage.cost.currency']);
  const latency =
    span.startNs !== undefined && span.endNs !== undefined && span.endNs >= span.startNs
      ? Number(span.endNs - span.startNs) / 1e6
      : undefined;
  return {
    ...(model ? { model } : {}),
    ...(input !== undefined ? { input_tokens: input } : {}),
    ...(output !== undefined ? { output_tokens: output } : {}),
    ...(cost !== undefined ? { cost } : {}),
    ...(currency && cost !== undefined ? { currency } : {}),
    ...(latency !== undefined ? { latency_ms: latency } : {}),
  };
}

/** The conversation a span carries (what went in, then what came out) and its usage. */
export function chatOfSpan(span: SpanRecord): SpanChat {
  // A tool's span: its input is the arguments and its output the result, not a conversation.
  if (span.tool || str(span.attributes['gen_ai.operation.name']) === 'execute_tool') {
    const tool = toolMessages(span);
    if (tool.length > 0) return { messages: tool, usage: usageOfSpan(span) };
  }
  const messages = [...inputMessages(span), ...outputMessages(span)];
  return { messages: messages.length > 0 ? messages : toolMessages(span), usage: usageOfSpan(span) };
}
