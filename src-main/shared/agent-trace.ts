// Agent spans read as what they are: a conversation (who said what, which tools were called with what,
// what they answered), what it cost (tokens, cost, latency), and where each span sits in its trace (the
// waterfall). core/agent/span-chat.ts reads them from a span's attributes and events; the contract
// carries them (getEvent's `chat`, traceSpans, agentTraces).
import { z } from 'zod';
import { EVENT_KINDS, OUTCOMES } from './model';

export const ChatPart = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  /** `arguments` as the trace wrote them: parsed JSON when they were JSON text, else the text. */
  z.object({ type: z.literal('tool_call'), name: z.string(), id: z.string().optional(), arguments: z.unknown().optional() }),
  z.object({ type: z.literal('tool_result'), id: z.string().optional(), result: z.unknown() }),
]);
export type ChatPart = z.infer<typeof ChatPart>;

export const ChatMessage = z.object({
  /** system, user, assistant, tool (as the trace names it; LangChain's human/ai become user/assistant). */
  role: z.string(),
  parts: z.array(ChatPart),
  /** Whether the message went to the model (`input`) or came from it or the tool (`output`). */
  direction: z.enum(['input', 'output']),
  finish_reason: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const SpanUsage = z.object({
  model: z.string().optional(),
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
  /** As the trace states it (no price list is applied); the currency when the trace names one. */
  cost: z.number().optional(),
  currency: z.string().optional(),
  /** End minus start of the span, in milliseconds. */
  latency_ms: z.number().optional(),
});
export type SpanUsage = z.infer<typeof SpanUsage>;

export const SpanChat = z.object({ messages: z.array(ChatMessage), usage: SpanUsage });
export type SpanChat = z.infer<typeof SpanChat>;

/** One span of a trace, as the waterfall draws it. Offsets are from the trace's first span start. */
export const TraceSpan = z.object({
  event_id: z.number().int(),
  span_id: z.string(),
  parent_span_id: z.string().optional(),
  name: z.string(),
  kind: z.enum(EVENT_KINDS),
  action: z.string().optional(),
  outcome: z.enum(OUTCOMES),
  start: z.string().optional(),
  offset_ms: z.number(),
  /** Absent when the record gives no end time. */
  duration_ms: z.number().optional(),
  usage: SpanUsage.optional(),
});
export type TraceSpan = z.infer<typeof TraceSpan>;

export const TraceSpans = z.object({ trace_id: z.string(), start: z.string().optional(), spans: z.array(TraceSpan) });
export type TraceSpans = z.infer<typeof TraceSpans>;

export const AgentTraceSummary = z.object({
  trace_id: z.string(),
  /** The first span's action (the agent run, usually). */
  name: z.string().optional(),
  start: z.string().optional(),
  spans: z.number().int(),
});
export type AgentTraceSummary = z.infer<typeof AgentTraceSummary>;
