// MCP JSON-RPC transcripts: bare JSON-RPC 2.0 messages (one a line, a JSON array batch, or one pretty-
// printed message document), and proxy logs that wrap each message with a time and a direction. The
// wrapper read exactly is mcp-debug's `--record` file (standardbeagle/mcp-debug, integration/
// dynamic_wrapper.go RecordedMessage: `timestamp`, `direction` request|response, `message_type`,
// `tool_name`, `server_name`, `message`, after `#` comment lines and a session header line); its messages
// are mcp-go structs without `jsonrpc` or `id`, so a result is paired with the request before it. Common
// variants are read too: `ts`/`time`, `dir`, `msg`/`payload`, and the directions client_to_server,
// server_to_client, in, out, send, recv, Inbound, Outbound.
//
// Responses name no method: a per-source reader pairs each with its request by JSON-RPC id, so a result
// carries the tool name, target and trace context of the call it answers.
import type { Actor, NormalizedEvent, Outcome, Target } from '../../shared/model';
import { compact, isObject, normalizedEvent, str, type Normalized, type RecordFormat, type RecordReader } from './format';
import { parseLooseTime as parseTime } from './loose-time';
import { toolTarget } from './mcp-targets';

/** Tool output kept as the event's searchable text; the raw record keeps all of it. */
export const MAX_TEXT = 4000;
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/;
const CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';

type Sender = 'client' | 'server';

const DIRECTIONS: Record<string, Sender> = {
  client_to_server: 'client',
  server_to_client: 'server',
  in: 'client',
  out: 'server',
  send: 'client',
  recv: 'server',
  request: 'client',
  response: 'server',
  req: 'client',
  res: 'server',
  outbound: 'client',
  inbound: 'server',
};

interface Envelope {
  message: Record<string, unknown>;
  timeText?: string;
  timeNs: bigint | null;
  sender?: Sender;
  sessionId?: string;
  toolName?: string;
  serverName?: string;
}

interface Pending {
  method: string;
  tool?: string;
  target?: Target;
  traceId?: string;
  parentSpanId?: string;
}

interface SourceState {
  clientId?: string;
  serverId?: string;
  byId: Map<string, Pending>;
  /** mcp-debug's requests carry no id: the latest one waits for the result after it. */
  unnumbered?: Pending;
}

const isMessage = (value: unknown): boolean =>
  isObject(value) && value.jsonrpc === '2.0' && ('method' in value || 'result' in value || 'error' in value);

function wrapped(value: Record<string, unknown>): unknown {
  for (const key of ['message', 'msg', 'payload']) {
    const inner = value[key];
    if (isObject(inner)) return inner;
    if (typeof inner === 'string' && inner.startsWith('{')) {
      try {
        return JSON.parse(inner);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function directionOf(value: Record<string, unknown>): Sender | undefined {
  const direction = str(value.direction) ?? str(value.dir);
  return direction ? DIRECTIONS[direction.toLowerCase()] : undefined;
}

const isRecordingHeader = (value: Record<string, unknown>): boolean =>
  typeof value.start_time === 'string' && 'server_info' in value && Array.isArray(value.messages);

function isWrapper(value: unknown): boolean {
  if (!isObject(value)) return false;
  const inner = wrapped(value);
  if (isMessage(inner)) return true;
  // mcp-debug: an mcp-go struct (no jsonrpc member) under a request/response direction.
  return isObject(inner) && directionOf(value) !== undefined && ('timestamp' in value || 'ts' in value || 'time' in value);
}

function recognizesOne(value: unknown): boolean {
  return isMessage(value) || isWrapper(value) || (isObject(value) && isRecordingHeader(value));
}

function recognizes(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && isMessage(value[0]);
  return recognizesOne(value);
}

function sessionIdOf(value: Record<string, unknown>): string | undefined {
  const headers = isObject(value.headers) ? value.headers : {};
  for (const source of [value, headers]) {
    for (const [key, field] of Object.entries(source)) {
      if (/^(mcp[-_]?session[-_]?id|session[-_]?id)$/i.test(key) && (typeof field === 'string' || typeof field === 'number'))
        return String(field);
    }
  }
  return undefined;
}

function envelopeOf(value: Record<string, unknown>): Envelope | { bad: string } {
  if (isMessage(value)) return { message: value, timeNs: null };
  if (value.jsonrpc === '2.0') return { bad: 'not an MCP JSON-RPC message: neither a method, a result object nor an error' };
  const inner = wrapped(value);
  if (!isObject(inner))
    return { bad: 'not an MCP JSON-RPC message: no "jsonrpc":"2.0" member, and no message, msg or payload object in a wrapper' };
  const time = parseTime(value.timestamp ?? value.ts ?? value.time);
  if ('bad' in time) return time;
  return {
    message: inner,
    timeText: time.text,
    timeNs: time.ns,
    sender: directionOf(value),
    sessionId: sessionIdOf(value),
    toolName: str(value.tool_name),
    serverName: str(value.server_name),
  };
}

function idOf(message: Record<string, unknown>): string | undefined {
  const id = message.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

function traceOf(params: Record<string, unknown>): { traceId?: string; parentSpanId?: string } {
  const meta = isObject(params._meta) ? params._meta : {};
  const match = TRACEPARENT.exec(str(meta.traceparent)?.toLowerCase() ?? '');
  return match ? { traceId: match[1], parentSpanId: match[2] } : {};
}

function truncate(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… [${text.length - MAX_TEXT} more characters in the raw record]` : text;
}

/** The text a tool result shows its caller: its text content, else its structured content as JSON. */
function resultText(result: Record<string, unknown>): string | undefined {
  const parts = Array.isArray(result.content)
    ? result.content.flatMap((part) => (isObject(part) && typeof part.text === 'string' ? [part.text] : []))
    : [];
  if (parts.length > 0) return truncate(parts.join('\n'));
  if (result.structuredContent !== undefined) return truncate(JSON.stringify(result.structuredContent));
  return undefined;
}

const isToolResult = (result: Record<string, unknown>): boolean => Array.isArray(result.content) || typeof result.isError === 'boolean';

function readMessage(state: SourceState, envelope: Envelope): NormalizedEvent | { bad: string } {
  const { message } = envelope;
  const base = { time_ns: envelope.timeNs, ...(envelope.timeText ? { time_text: envelope.timeText } : {}) };
  const id = idOf(message);
  const conversation = envelope.sessionId;
  const method = str(message.method);

  if (method !== undefined) {
    const params = isObject(message.params) ? message.params : {};
    const trace = traceOf(params);
    const meta = isObject(params._meta) ? params._meta : {};
    if (method === 'initialize' && isObject(params.clientInfo)) state.clientId = str(params.clientInfo.name) ?? state.clientId;
    const metaClient = isObject(meta[CLIENT_INFO]) ? str(meta[CLIENT_INFO].name) : undefined;
    const fromServer = envelope.sender === 'server';
    const actor: Actor = fromServer
      ? { type: 'system', id: state.serverId ?? envelope.serverName ?? 'mcp-server' }
      : { type: 'agent', id: state.clientId ?? metaClient ?? 'mcp-client' };
    const tool = method === 'tools/call' ? (str(params.name) ?? envelope.toolName) : undefined;
    const target = tool ? toolTarget(tool, params.arguments) : undefined;
    const pending: Pending = { method, tool, target, ...trace };
    if (id !== undefined) state.byId.set(id, pending);
    else if (envelope.sender === 'client' && !('jsonrpc' in message)) state.unnumbered = pending;
    const keys = compact({ jsonrpc_id: id, trace_id: trace.traceId, parent_span_id: trace.parentSpanId, conversation_id: conversation });
    if (tool) {
      const args = params.arguments === undefined ? undefined : truncate(JSON.stringify(params.arguments));
      return { ...base, kind: 'tool_call', action: tool, actor, target, outcome: 'unknown', keys, ...(args ? { text: args } : {}) };
    }
    return { ...base, kind: 'other', action: method, actor, outcome: 'unknown', keys };
  }

  const hasError = 'error' in message;
  const result = isObject(message.result) ? message.result : !hasError && !('jsonrpc' in message) ? message : undefined;
  if (!hasError && !result) return { bad: 'not an MCP JSON-RPC message: neither a method, a result object nor an error' };
  let pending = id !== undefined ? state.byId.get(id) : undefined;
  if (id !== undefined) state.byId.delete(id);
  else if (!pending && state.unnumbered) {
    pending = state.unnumbered;
    state.unnumbered = undefined;
  }
  if (result && isObject(result.serverInfo)) state.serverId = str(result.serverInfo.name) ?? state.serverId;
  const actor: Actor =
    envelope.sender === 'client'
      ? { type: 'agent', id: state.clientId ?? 'mcp-client' }
      : { type: 'system', id: state.serverId ?? envelope.serverName ?? 'mcp-server' };
  const keys = compact({
    jsonrpc_id: id,
    trace_id: pending?.traceId,
    parent_span_id: pending?.parentSpanId,
    conversation_id: conversation,
  });

  if (hasError) {
    const error = isObject(message.error) ? message.error : {};
    const code = typeof error.code === 'number' ? error.code : undefined;
    const text = truncate(`${code !== undefined ? `${code} ` : ''}${str(error.message) ?? 'error'}`);
    const kind = pending?.tool ? 'tool_result' : 'other';
    return {
      ...base,
      kind,
      action: pending?.tool ?? pending?.method ?? 'error',
      actor,
      target: pending?.target,
      outcome: 'error',
      keys,
      text,
      ...(kind === 'tool_result' ? { taint: ['tool_output'] } : {}),
    };
  }
  const toolish = pending ? pending.tool !== undefined : isToolResult(result!);
  const outcome: Outcome = result!.isError === true ? 'failure' : 'success';
  if (toolish) {
    const text = resultText(result!);
    return {
      ...base,
      kind: 'tool_result',
      action: pending?.tool ?? envelope.toolName,
      actor,
      target: pending?.target,
      outcome,
      keys,
      taint: ['tool_output'],
      ...(text ? { text } : {}),
    };
  }
  return { ...base, kind: 'other', action: pending?.method ?? 'response', actor, outcome, keys };
}

function readRecord(state: SourceState, value: unknown): Normalized {
  const messages = Array.isArray(value) ? value : [value];
  if (messages.length === 0) return { ok: false, reason: 'an empty JSON-RPC batch' };
  const events: NormalizedEvent[] = [];
  for (const [index, item] of messages.entries()) {
    const where = Array.isArray(value) ? `batch element ${index}: ` : '';
    if (!isObject(item)) return { ok: false, reason: `${where}not an MCP JSON-RPC message: not a JSON object` };
    if (isRecordingHeader(item)) {
      const time = parseTime(item.start_time);
      if ('bad' in time) return { ok: false, reason: `recording header: ${time.bad}` };
      const server = str(item.server_info);
      events.push(
        normalizedEvent({
          time_ns: time.ns,
          time_text: time.text,
          kind: 'other',
          action: 'recording/start',
          actor: server ? { type: 'system', id: server } : undefined,
          outcome: 'unknown',
        }),
      );
      continue;
    }
    if ('jsonrpc' in item && item.jsonrpc !== '2.0')
      return { ok: false, reason: `${where}not JSON-RPC 2.0: jsonrpc is ${JSON.stringify(item.jsonrpc)}` };
    const envelope = envelopeOf(item);
    if ('bad' in envelope) return { ok: false, reason: `${where}${envelope.bad}` };
    const event = readMessage(state, envelope);
    if ('bad' in event) return { ok: false, reason: `${where}${event.bad}` };
    events.push(normalizedEvent(event));
  }
  return { ok: true, events };
}

function createReader(): RecordReader {
  const state: SourceState = { byId: new Map() };
  return (value) => readRecord(state, value);
}

export const mcpJsonRpc: RecordFormat = {
  name: 'mcp-jsonrpc',
  title: 'MCP JSON-RPC transcript',
  lineComments: true,
  recognizes,
  // A JSON array batch (or a saved array of messages), or one pretty-printed message as a whole document.
  documentRecords(probe) {
    if (probe.root === 'array') return recognizesOne(probe.first.get('')) ? [['*']] : undefined;
    const jsonrpc = probe.top.get('jsonrpc');
    const member = probe.keys.some((key) => key === 'method' || key === 'result' || key === 'error');
    return jsonrpc === '2.0' && member ? [[]] : undefined;
  },
  normalize: (value) => readRecord({ byId: new Map() }, value),
  createReader,
};
