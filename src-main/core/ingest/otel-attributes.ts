// One span's attributes → evidence events, shared by every format that carries OpenTelemetry spans (OTLP
// JSON, and Langfuse exports, which keep the original attributes in observation metadata). The formats
// differ only in how they carry a span; they hand it here as a SpanView.
//
// Conventions followed, in order of precedence (docs/formats.md cites them):
// - OpenTelemetry GenAI semantic conventions: gen_ai.operation.name (chat, text_completion,
//   generate_content, embeddings → model_call; execute_tool → tool_call; invoke_agent, create_agent,
//   invoke_workflow → an agent run), gen_ai.request.model, gen_ai.agent.name, gen_ai.tool.name,
//   gen_ai.tool.call.id, gen_ai.tool.call.arguments, gen_ai.conversation.id, gen_ai.input.messages, and
//   the older gen_ai.prompt / gen_ai.user.message forms of prompt content;
// - OpenTelemetry MCP conventions: mcp.method.name, jsonrpc.request.id, span name `tools/call <tool>`;
// - where a framework follows neither: OpenInference (openinference.span.kind, llm.model_name,
//   llm.input_messages.N.message.*, tool.name) and the Vercel AI SDK (ai.operationId, ai.toolCall.*).
import type { Actor, EventKind, NormalizedEvent, Outcome } from '../../shared/model';
import { compact, isObject, normalizedEvent, str } from './format';
import { outputTextOf, parseMaybeJson, textOfContent, userTextsOf } from './agent-messages';
import { targetOfToolArguments } from './agent-targets';

export type Attributes = Record<string, unknown>;

/** A span as the carrying format gives it. Ids are hex as OTLP JSON writes them (any case). */
export interface SpanView {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name: string;
  timeNs: bigint | null;
  timeText?: string;
  /** Status ERROR (OTLP STATUS_CODE_ERROR, Langfuse level ERROR). */
  error: boolean;
  attributes: Attributes;
  resource: Attributes;
  /** Span events (name and attributes): the older GenAI conventions put prompts in them. */
  events: { name: string; attributes: Attributes }[];
  /** What the carrier lifted out of the attributes: Langfuse moves gen_ai.input.messages into `input`. */
  input?: unknown;
  output?: unknown;
  /** The carrier's own classification, used only when no convention names the operation. */
  carrierKind?: SpanRole;
  /** Carrier fields for what the attributes lack (Langfuse's model, session and user). */
  model?: string;
  conversationId?: string;
  userId?: string;
}

/** What a span is, before it becomes an event kind: agent runs are `other` events named invoke_agent. */
export type SpanRole = 'model' | 'tool' | 'agent' | 'other';

/**
 * What one source has seen of each trace so far: its user and agent (so a chat span under an
 * invoke_agent span is attributed to that agent and person) and the prompts already emitted.
 */
export class TraceMemory {
  private readonly users = new Map<string, string>();
  private readonly agents = new Map<string, string>();
  private readonly prompts = new Set<string>();

  noteUser(trace: string, user: string | undefined): void {
    if (user && !this.users.has(trace)) this.users.set(trace, user);
  }
  userOf(trace: string): string | undefined {
    return this.users.get(trace);
  }
  noteAgent(trace: string, agent: string | undefined): void {
    if (agent && !this.agents.has(trace)) this.agents.set(trace, agent);
  }
  agentOf(trace: string): string | undefined {
    return this.agents.get(trace);
  }
  /** True the first time the `ordinal`-th user message of a trace (or conversation) has this text. */
  firstPrompt(scope: string, ordinal: number, text: string): boolean {
    const key = JSON.stringify([scope, ordinal, text]);
    if (this.prompts.has(key)) return false;
    this.prompts.add(key);
    return true;
  }
}

const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);
const AGENT_OPERATIONS = new Set(['invoke_agent', 'create_agent', 'invoke_workflow']);

function roleOf(span: SpanView): SpanRole {
  const a = span.attributes;
  const operation = str(a['gen_ai.operation.name']);
  if (operation && MODEL_OPERATIONS.has(operation)) return 'model';
  if (operation === 'execute_tool') return 'tool';
  if (operation && AGENT_OPERATIONS.has(operation)) return 'agent';
  const mcpMethod = str(a['mcp.method.name']);
  if (mcpMethod) return mcpMethod === 'tools/call' ? 'tool' : 'other';
  const openinference = str(a['openinference.span.kind']);
  if (openinference === 'LLM' || openinference === 'EMBEDDING') return 'model';
  if (openinference === 'TOOL') return 'tool';
  if (openinference === 'AGENT') return 'agent';
  const vercel = str(a['ai.operationId']);
  if (vercel === 'ai.toolCall') return 'tool';
  // ai.generateText wraps the steps; each provider request is its own ai.*.doGenerate/doStream span.
  if (vercel) return /\.do(Generate|Stream|Embed)$/.test(vercel) ? 'model' : 'other';
  // A gen_ai.operation.name outside the conventions ("chain") says the span is not a model or tool call.
  if (operation || openinference) return 'other';
  if (str(a.agent_name)) return 'agent'; // pydantic-ai's agent run span
  return span.carrierKind ?? 'other';
}

function hex(value: string | undefined, length: number): string | undefined {
  if (!value) return undefined;
  const lower = value.toLowerCase();
  return lower.length === length && /^[0-9a-f]+$/.test(lower) && !/^0+$/.test(lower) ? lower : undefined;
}

function toolNameOf(span: SpanView): string {
  const a = span.attributes;
  const named = str(a['gen_ai.tool.name']) ?? str(a['tool.name']) ?? str(a['ai.toolCall.name']);
  if (named) return named;
  const mcp = /^tools\/call (.+)$/.exec(span.name);
  if (mcp) return mcp[1]!;
  return span.name.replace(/^execute_tool /, '');
}

function toolArgumentsOf(span: SpanView): unknown {
  const a = span.attributes;
  return (
    a['gen_ai.tool.call.arguments'] ??
    a['ai.toolCall.args'] ??
    (str(a['openinference.span.kind']) === 'TOOL' ? a['input.value'] : undefined) ??
    span.input
  );
}

function agentNameOf(span: SpanView): string | undefined {
  const a = span.attributes;
  return str(a['gen_ai.agent.name']) ?? str(a.agent_name) ?? str(a['graph.node.id']);
}

function modelOf(span: SpanView): string | undefined {
  const a = span.attributes;
  return (
    str(a['gen_ai.request.model']) ?? str(a['gen_ai.response.model']) ?? str(a['llm.model_name']) ?? str(a['ai.model.id']) ?? span.model
  );
}

/** OpenInference flattens messages: llm.input_messages.1.message.role, ….content, ….contents.0.message_content.text. */
function openInferenceUserTexts(a: Attributes): string[] {
  const messages = new Map<number, { role?: string; parts: string[] }>();
  for (const [key, value] of Object.entries(a)) {
    const match = /^llm\.input_messages\.(\d+)\.message\.(role|content|contents\.\d+\.message_content\.text)$/.exec(key);
    if (!match || typeof value !== 'string') continue;
    const index = Number(match[1]);
    const message = messages.get(index) ?? { parts: [] };
    if (match[2] === 'role') message.role = value;
    else message.parts.push(value);
    messages.set(index, message);
  }
  return [...messages.entries()]
    .sort(([x], [y]) => x - y)
    .filter(([, m]) => m.role === 'user' && m.parts.length > 0)
    .map(([, m]) => m.parts.join('\n'));
}

/** OpenLLMetry's flat form: gen_ai.prompt.0.role / gen_ai.prompt.0.content. */
function flatPromptUserTexts(a: Attributes): string[] {
  const texts: string[] = [];
  for (let i = 0; a[`gen_ai.prompt.${i}.role`] !== undefined; i += 1) {
    const content = textOfContent(parseMaybeJson(a[`gen_ai.prompt.${i}.content`]));
    if (a[`gen_ai.prompt.${i}.role`] === 'user' && content) texts.push(content);
  }
  return texts;
}

/**
 * The user messages a span carries, from the first place that has any: gen_ai.input.messages, the
 * deprecated gen_ai.prompt (JSON or flattened), OpenInference's flattened messages, gen_ai.user.message
 * span events, and last what the carrier lifted into `input` (model and agent spans only: a tool's input
 * is its arguments, never a prompt).
 */
function userTextsOfSpan(span: SpanView, role: SpanRole): string[] {
  const a = span.attributes;
  const fromEvents = span.events.flatMap((event) => {
    if (event.name === 'gen_ai.user.message') {
      const text = textOfContent(parseMaybeJson(event.attributes.content));
      return text ? [text] : [];
    }
    return event.name === 'gen_ai.content.prompt' ? userTextsOf(event.attributes['gen_ai.prompt']) : [];
  });
  const sources = [
    () => userTextsOf(a['gen_ai.input.messages']),
    () => userTextsOf(a['gen_ai.prompt']),
    () => flatPromptUserTexts(a),
    () => openInferenceUserTexts(a),
    () => fromEvents,
    () => (role === 'model' || role === 'agent' ? userTextsOf(span.input) : []),
  ];
  for (const source of sources) {
    const texts = source();
    if (texts.length > 0) return texts;
  }
  return [];
}

function outcomeOf(span: SpanView, role: SpanRole): Outcome {
  if (span.error) return 'error';
  // A LangChain tool that caught its own exception answers with a ToolMessage of status "error".
  if (role === 'tool' && toolMessageFailed(span.output)) return 'failure';
  return 'success';
}

/**
 * The events of one span: the span itself, preceded by one `prompt` event for each user message it
 * carries that this trace has not shown before. A chat span repeats the conversation so far on every
 * turn, so the n-th user message with the same text is one prompt however many spans repeat it.
 */
export function eventsOfSpan(span: SpanView, memory: TraceMemory): NormalizedEvent[] {
  const a = span.attributes;
  const role = roleOf(span);
  const traceId = hex(span.traceId, 32);
  const traceKey = traceId ?? span.traceId ?? '';
  const user = str(a['user.id']) ?? str(a['enduser.id']) ?? span.userId;
  memory.noteUser(traceKey, user);
  if (role === 'agent') memory.noteAgent(traceKey, agentNameOf(span));
  const onBehalfOf = user ?? memory.userOf(traceKey);
  const conversationId = str(a['gen_ai.conversation.id']) ?? str(a['session.id']) ?? span.conversationId;
  const agent = agentNameOf(span) ?? memory.agentOf(traceKey) ?? str(span.resource['service.name']);
  const actor: Actor | undefined = agent ? (compact({ type: 'agent', id: agent, on_behalf_of: onBehalfOf }) as Actor) : undefined;
  const baseKeys = {
    trace_id: traceId,
    span_id: hex(span.spanId, 16),
    parent_span_id: hex(span.parentSpanId, 16),
    conversation_id: conversationId,
  };

  const events: NormalizedEvent[] = [];
  const prompter = onBehalfOf ?? conversationId;
  // A conversation outlives its traces (one trace a turn, each span repeating some of the history, from
  // different offsets: an agent span may hold only the new message, a chat span the whole history), so
  // within a conversation a user message is one prompt by its text alone. Without a conversation id, the
  // n-th user message of a trace with the same text is one prompt.
  userTextsOfSpan(span, role).forEach((text, ordinal) => {
    const first = conversationId
      ? memory.firstPrompt(`conversation:${conversationId}`, 0, text)
      : memory.firstPrompt(traceKey, ordinal, text);
    if (!first) return;
    events.push({
      time_ns: span.timeNs,
      time_text: span.timeText,
      kind: 'prompt',
      actor: prompter ? { type: 'human', id: prompter } : undefined,
      outcome: 'success',
      keys: compact({ ...baseKeys }),
      taint: ['user'],
      text,
    });
  });

  let kind: EventKind = 'other';
  let action = span.name;
  let text: string | undefined;
  let taint: string[] | undefined;
  const keys: Record<string, unknown> = { ...baseKeys };
  let target;
  if (role === 'model') {
    kind = 'model_call';
    action = modelOf(span) ?? span.name;
    text = outputTextOf(a['gen_ai.output.messages'] ?? span.output);
    taint = text ? ['model'] : undefined;
  } else if (role === 'tool') {
    kind = 'tool_call';
    action = toolNameOf(span);
    const args = toolArgumentsOf(span);
    text = typeof args === 'string' ? args : args === undefined ? undefined : JSON.stringify(args);
    // The arguments were written by the model.
    taint = text ? ['model'] : undefined;
    target = targetOfToolArguments(action, args);
    keys.tool_call_id = str(a['gen_ai.tool.call.id']) ?? str(a['ai.toolCall.id']) ?? toolMessageCallId(span.output);
    const rpcId = a['jsonrpc.request.id'];
    keys.jsonrpc_id = typeof rpcId === 'number' ? String(rpcId) : str(rpcId);
  } else if (role === 'agent') {
    const operation = str(a['gen_ai.operation.name']);
    const name = agentNameOf(span) ?? span.name;
    action = `${operation === 'create_agent' || operation === 'invoke_workflow' ? operation : 'invoke_agent'} ${name}`;
  } else if (str(a['mcp.method.name'])) {
    action = str(a['mcp.method.name'])!;
    const rpcId = a['jsonrpc.request.id'];
    keys.jsonrpc_id = typeof rpcId === 'number' ? String(rpcId) : str(rpcId);
  }
  events.push({
    time_ns: span.timeNs,
    time_text: span.timeText,
    kind,
    action,
    actor,
    target,
    outcome: outcomeOf(span, role),
    keys: compact(keys),
    taint,
    text,
  });
  return events.map(normalizedEvent);
}

/** LangChain's ToolMessage output (`{type:'tool', tool_call_id}`) names the call a tool span answered. */
function toolMessageCallId(output: unknown): string | undefined {
  const value = parseMaybeJson(output);
  return isObject(value) && value.type === 'tool' ? str(value.tool_call_id) : undefined;
}

function toolMessageFailed(output: unknown): boolean {
  const value = parseMaybeJson(output);
  return isObject(value) && value.type === 'tool' && value.status === 'error';
}
