// One agent conversation seen from both ends: the agent's OpenTelemetry GenAI spans (invoke_agent, chat,
// execute_tool and the MCP client spans, per the GenAI and MCP semantic conventions) and the MCP server's
// JSON-RPC transcript. Both are derived from one plan so that every join an investigator relies on holds:
// the traceparent in a tools/call's _meta names the MCP client span; the JSON-RPC id of a tools/call is
// the model's tool call id (this client reuses it as the request id), so gen_ai.tool.call.id,
// jsonrpc.request.id and the transcript's id are one value.
import type { Span, AttributeValue } from './otlp-writer';
import { SPAN_KIND } from './otlp-writer';
import {
  callToolRequest,
  callToolResult,
  initializedNotification,
  initializeRequest,
  initializeResult,
  listToolsRequest,
  listToolsResult,
  MCP_PROTOCOL_VERSION,
  traceparentOf,
  type ToolDefinition,
  type TranscriptEntry,
} from './mcp-writer';
import type { SeededRandom } from './random';

export interface ToolCallPlan {
  tool: string;
  args: Record<string, unknown>;
  /** When the MCP server receives the tools/call request (µs); the story puts its API calls after it. */
  atUs: number;
  /** When the MCP server sends the result. */
  doneUs: number;
  result: string;
  isError?: boolean;
  /** What the model writes before it calls the tool. */
  say: string;
}

export interface TurnPlan {
  promptAtUs: number;
  prompt: string;
  calls: ToolCallPlan[];
  answer: string;
  /** How long the model takes to write the answer after the last tool result. */
  answerUs: number;
}

export interface AgentPlan {
  agent: { name: string; id: string; version: string };
  user: string;
  conversationId: string;
  model: string;
  systemPrompt: string;
  mcp: { server: { name: string; version: string }; sessionId: string; address: string; port: number };
  tools: ToolDefinition[];
  turns: TurnPlan[];
}

export interface ToolCallRecord {
  id: string;
  tool: string;
  traceId: string;
  /** The MCP client span, whose id the traceparent carries. */
  spanId: string;
  executeSpanId: string;
}

export interface AgentRecords {
  spans: Span[];
  transcript: TranscriptEntry[];
  toolCalls: ToolCallRecord[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const anthropicId = (random: SeededRandom, prefix: string): string =>
  `${prefix}_01${Array.from({ length: 22 }, () => random.pick([...ALNUM])).join('')}`;

type Message = { role: string; parts: Record<string, unknown>[]; finish_reason?: string };
const tokens = (value: unknown): number => Math.ceil(JSON.stringify(value).length / 4);

/** Turns an agent plan into spans and transcript entries; throws when a plan leaves the model no time to think. */
export function recordAgentSession(plan: AgentPlan, random: SeededRandom): AgentRecords {
  const spans: Span[] = [];
  const transcript: TranscriptEntry[] = [];
  const toolCalls: ToolCallRecord[] = [];
  const agentScope = { name: plan.agent.name, version: plan.agent.version };
  const chatScope = { name: 'opentelemetry.instrumentation.anthropic', version: '0.40.2' };
  const mcpScope = { name: 'opentelemetry.instrumentation.mcp', version: '0.40.2' };
  const history: Message[] = [];
  const mcpBase = {
    'mcp.session.id': plan.mcp.sessionId,
    'mcp.protocol.version': MCP_PROTOCOL_VERSION,
    'network.transport': 'tcp',
    'network.protocol.name': 'http',
    'network.protocol.version': '1.1',
    'server.address': plan.mcp.address,
    'server.port': plan.mcp.port,
  };
  let nextRpcId = 0;

  plan.turns.forEach((turn, turnIndex) => {
    const traceId = random.hex(32);
    const rootId = random.hex(16);
    const start = turn.promptAtUs + random.int(25_000, 45_000);
    const child = (
      scope: Span['scope'],
      name: string,
      kind: Span['kind'],
      startUs: number,
      endUs: number,
      attributes: Record<string, AttributeValue | undefined>,
      parentSpanId = rootId,
      spanId = random.hex(16),
    ): Span => {
      const span: Span = { scope, traceId, spanId, parentSpanId, name, kind, startUs, endUs, attributes };
      spans.push(span);
      return span;
    };
    let cursor = start + random.int(8_000, 15_000);
    if (turnIndex === 0) {
      // The client connects on first use: initialize, the initialized notification, then the tool list.
      for (const method of ['initialize', 'tools/list'] as const) {
        const id = nextRpcId++;
        const rx = cursor + random.int(3_000, 9_000);
        const tx = rx + random.int(1_500, 4_000);
        const client = method === 'initialize' ? { name: plan.agent.name, version: plan.agent.version } : undefined;
        transcript.push({
          atUs: rx,
          direction: 'client_to_server',
          message: client ? initializeRequest(id, client) : listToolsRequest(id),
        });
        transcript.push({
          atUs: tx,
          direction: 'server_to_client',
          message: client ? initializeResult(id, plan.mcp.server) : listToolsResult(id, plan.tools),
        });
        if (client)
          transcript.push({ atUs: tx + random.int(900, 2_000), direction: 'client_to_server', message: initializedNotification() });
        child(mcpScope, method, SPAN_KIND.client, rx - random.int(900, 1_600), tx + random.int(800, 1_500), {
          'mcp.method.name': method,
          'jsonrpc.request.id': String(id),
          ...mcpBase,
        });
        cursor = tx + random.int(2_500, 4_000);
      }
    }
    const userMessage: Message = { role: 'user', parts: [{ type: 'text', content: turn.prompt }] };
    history.push(userMessage);
    let inputTokens = 0;
    let outputTokens = 0;
    const chat = (startUs: number, endUs: number, output: Message, finish: string): void => {
      if (endUs <= startUs + 50_000)
        throw new Error(`agent plan: the model has no time for "${JSON.stringify(output.parts[0])}" at ${startUs}`);
      const input = tokens(plan.systemPrompt) + tokens(history) + tokens(plan.tools);
      const out = tokens(output);
      inputTokens += input;
      outputTokens += out;
      child(chatScope, `chat ${plan.model}`, SPAN_KIND.client, startUs, endUs, {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': plan.model,
        'gen_ai.request.max_tokens': 4096,
        'gen_ai.conversation.id': plan.conversationId,
        'gen_ai.response.id': anthropicId(random, 'msg'),
        'gen_ai.response.model': plan.model,
        'gen_ai.response.finish_reasons': [finish],
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': out,
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: plan.systemPrompt }]),
        'gen_ai.input.messages': JSON.stringify(history),
        'gen_ai.output.messages': JSON.stringify([output]),
        'server.address': 'api.anthropic.com',
        'server.port': 443,
      });
    };
    for (const call of turn.calls) {
      const id = anthropicId(random, 'toolu');
      const toolCall = { type: 'tool_call', id, name: call.tool, arguments: call.args };
      const assistant: Message = { role: 'assistant', parts: [{ type: 'text', content: call.say }, toolCall], finish_reason: 'tool_call' };
      chat(cursor + random.int(2_000, 5_000), call.atUs - random.int(4_500, 6_500), assistant, 'tool_use');
      history.push({ role: 'assistant', parts: assistant.parts });
      const executeId = random.hex(16);
      const mcpId = random.hex(16);
      const failed = call.isError ? { 'error.type': 'tool_error' } : {};
      const execute = child(
        agentScope,
        `execute_tool ${call.tool}`,
        SPAN_KIND.internal,
        call.atUs - random.int(3_000, 4_000),
        call.doneUs + random.int(2_000, 3_000),
        {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': call.tool,
          'gen_ai.tool.call.id': id,
          'gen_ai.tool.type': 'function',
          'gen_ai.tool.description': plan.tools.find((tool) => tool.name === call.tool)?.description,
          'gen_ai.tool.call.arguments': JSON.stringify(call.args),
          'gen_ai.tool.call.result': call.result,
          'gen_ai.conversation.id': plan.conversationId,
          ...failed,
        },
        rootId,
        executeId,
      );
      const mcpSpan = child(
        mcpScope,
        `tools/call ${call.tool}`,
        SPAN_KIND.client,
        call.atUs - random.int(1_500, 2_500),
        call.doneUs + random.int(900, 1_800),
        {
          'mcp.method.name': 'tools/call',
          'jsonrpc.request.id': id,
          'gen_ai.tool.name': call.tool,
          'gen_ai.operation.name': 'execute_tool',
          ...mcpBase,
          ...failed,
        },
        executeId,
        mcpId,
      );
      if (call.isError) execute.error = mcpSpan.error = call.result;
      transcript.push({
        atUs: call.atUs,
        direction: 'client_to_server',
        message: callToolRequest(id, traceparentOf(traceId, mcpId), call.tool, call.args),
      });
      transcript.push({
        atUs: call.doneUs,
        direction: 'server_to_client',
        message: callToolResult(id, call.result, call.isError ?? false),
      });
      toolCalls.push({ id, tool: call.tool, traceId, spanId: mcpId, executeSpanId: executeId });
      history.push({ role: 'tool', parts: [{ type: 'tool_call_response', id, response: call.result }] });
      cursor = execute.endUs;
    }
    const answerStart = cursor + random.int(2_000, 5_000);
    const answer: Message = { role: 'assistant', parts: [{ type: 'text', content: turn.answer }], finish_reason: 'stop' };
    chat(answerStart, answerStart + turn.answerUs, answer, 'end_turn');
    history.push({ role: 'assistant', parts: answer.parts });
    spans.push({
      scope: agentScope,
      traceId,
      spanId: rootId,
      name: `invoke_agent ${plan.agent.name}`,
      kind: SPAN_KIND.internal,
      startUs: start,
      endUs: answerStart + turn.answerUs + random.int(3_000, 8_000),
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.agent.name': plan.agent.name,
        'gen_ai.agent.id': plan.agent.id,
        'gen_ai.conversation.id': plan.conversationId,
        'gen_ai.request.model': plan.model,
        'gen_ai.usage.input_tokens': inputTokens,
        'gen_ai.usage.output_tokens': outputTokens,
        'gen_ai.input.messages': JSON.stringify([userMessage]),
        'gen_ai.output.messages': JSON.stringify([answer]),
        'user.id': plan.user,
        'enduser.id': plan.user,
      },
    });
  });
  return { spans, transcript, toolCalls };
}
