// Writes an MCP JSON-RPC transcript as the MCP server's logging proxy records it: one JSON object a line,
// {timestamp, direction, message}, the message byte-for-byte JSON-RPC 2.0 as it crossed the wire. Messages
// are shaped after test/fixtures/corpus/mcp/spec_examples; the session negotiates protocol 2025-06-18 through
// `initialize`, so requests carry no per-request protocol `_meta` (that is the stateless 2026-07-28 form) and
// results no `resultType`. Trace context rides in `params._meta.traceparent`, as the OpenTelemetry MCP
// conventions recommend.
import { formatMicros } from './clock';

export const MCP_PROTOCOL_VERSION = '2025-06-18';

export type Direction = 'client_to_server' | 'server_to_client';

export interface TranscriptEntry {
  atUs: number;
  direction: Direction;
  message: Record<string, unknown>;
}

export interface ToolDefinition {
  name: string;
  title: string;
  description: string;
  readOnly: boolean;
  properties: Record<string, { type: string; description: string }>;
  required: string[];
}

export const initializeRequest = (id: number, client: { name: string; version: string }) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: MCP_PROTOCOL_VERSION, capabilities: {}, clientInfo: client },
});

export const initializeResult = (id: number, server: { name: string; version: string }) => ({
  jsonrpc: '2.0',
  id,
  result: {
    protocolVersion: MCP_PROTOCOL_VERSION,
    capabilities: { logging: {}, tools: { listChanged: true } },
    serverInfo: server,
  },
});

export const initializedNotification = () => ({ jsonrpc: '2.0', method: 'notifications/initialized' });

export const listToolsRequest = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: {} });

export const listToolsResult = (id: number, tools: ToolDefinition[]) => ({
  jsonrpc: '2.0',
  id,
  result: {
    tools: tools.map((tool) => ({
      annotations: { destructiveHint: !tool.readOnly, openWorldHint: true, readOnlyHint: tool.readOnly, title: tool.title },
      description: tool.description,
      inputSchema: { type: 'object', properties: tool.properties, required: tool.required },
      name: tool.name,
      title: tool.title,
    })),
  },
});

export const callToolRequest = (id: string | number, traceparent: string, name: string, args: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { _meta: { traceparent }, name, arguments: args },
});

export const callToolResult = (id: string | number, text: string, isError: boolean) => ({
  jsonrpc: '2.0',
  id,
  result: { content: [{ type: 'text', text }], isError },
});

export function writeTranscript(entries: TranscriptEntry[]): string[] {
  return [...entries]
    .sort((a, b) => a.atUs - b.atUs)
    .map((entry) => JSON.stringify({ timestamp: formatMicros(entry.atUs), direction: entry.direction, message: entry.message }));
}

/** W3C trace context: version 00, the trace, the span that sent the request, sampled. */
export const traceparentOf = (traceId: string, spanId: string): string => `00-${traceId}-${spanId}-01`;
