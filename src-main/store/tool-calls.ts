// MCP tool calls in a case: which events are a transcript's own `tools/call` requests, and the result that
// answers each. The ingest already paired them by JSON-RPC id (core/ingest/mcp-jsonrpc.ts gives the
// result the call's id); here the pair is found again: the first result with that id after the request,
// in the same source (ids are only unique within one transcript, and may be reused after an answer).
import type { CaseStore } from './case-store';

/** The format whose tool_call events are requests on the wire (others are an agent's telemetry of them). */
export const MCP_FORMAT = 'mcp-jsonrpc';

/** The ids of the sources read as MCP JSON-RPC transcripts. */
export function mcpSourceIds(store: CaseStore): Set<number> {
  const rows = store.db.prepare('SELECT id FROM source WHERE format = ?').all(MCP_FORMAT) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}

/** The id of the tool_result answering the request at (source, position), or undefined if none is kept. */
export function toolResultId(store: CaseStore, sourceId: number, position: number, jsonrpcId: string): number | undefined {
  const row = store.db
    .prepare(
      `SELECT id FROM event WHERE source_id = ? AND position >= ? AND kind = 'tool_result'
         AND CAST(json_extract(keys, '$.jsonrpc_id') AS TEXT) = ? ORDER BY position, ordinal LIMIT 1`,
    )
    .get(sourceId, position, jsonrpcId) as { id: number } | undefined;
  return row?.id;
}
