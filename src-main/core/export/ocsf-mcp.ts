// An MCP `tools/call` as OCSF API Activity: a JSON-RPC request from an agent (the MCP client) to a tool
// server, answered by a result or an error — an API call in OCSF's sense, with the tool as the
// operation. Only the transcript's own request is exported (the server's wire record, paired with the
// result the transcript holds); an agent's OpenTelemetry span of the same call is telemetry about it, and
// exporting both would count the call twice. A transcript carries no authorization decision: the one
// that matters is on the Kubernetes call the tool then made, which is its own record.
import type { EventJson } from '../../shared/model';
import { causaOf, envelope, metadataOf, resourcesOf, type OcsfRecord } from './ocsf';

const MAX_DETAIL = 300;

/**
 * The CRUD verb a tool's name says, word by word (`resources_get`, `get-k8s-resource`, `pods_delete`). A
 * name that says two (`resources_create_or_update`, `apply-k8s-resource`) or none (`pods_exec`) is 99
 * Other with the tool's name, as the schema asks for an activity it does not enumerate.
 */
export function toolActivity(tool: string | undefined): { id: number; name: string } {
  if (!tool) return { id: 0, name: 'Unknown' };
  const words = new Set(tool.toLowerCase().split(/[^a-z0-9]+/));
  const says = (...verbs: string[]) => verbs.some((v) => words.has(v));
  const found = [
    says('get', 'list', 'log', 'logs', 'top', 'view', 'describe', 'read') && { id: 2, name: 'Read' },
    says('create', 'install', 'run') && { id: 1, name: 'Create' },
    says('update', 'patch') && { id: 3, name: 'Update' },
    says('delete', 'uninstall', 'remove') && { id: 4, name: 'Delete' },
  ].filter((a): a is { id: number; name: string } => a !== false);
  return found.length === 1 ? found[0]! : { id: 99, name: tool };
}

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}

/** How the call ended, from the result event the transcript pairs with it (core/ingest/mcp-jsonrpc.ts). */
function responseOf(result: EventJson | undefined): OcsfRecord | undefined {
  if (!result || result.outcome === 'success') return undefined;
  const text = result.text ?? '';
  if (result.outcome === 'error') {
    // A JSON-RPC error: the ingest writes "<code> <message>".
    const match = /^(-?\d+) ([\s\S]*)$/.exec(text);
    return {
      ...(match ? { code: Number(match[1]) } : {}),
      error: 'JSON-RPC error',
      ...(text ? { error_message: clip(match ? match[2]! : text) } : {}),
    };
  }
  return { error: 'tool error (isError)', ...(text ? { error_message: clip(text) } : {}) };
}

/** One MCP tool call (the request record) with its result, if the transcript has one, as API Activity. */
export function mcpToolActivity(call: EventJson, raw: Buffer, result: EventJson | undefined, product: { version: string }): OcsfRecord {
  const client = call.actor?.id;
  const server = result?.actor?.type === 'system' ? result.actor.id : undefined;
  const outcome = result?.outcome ?? 'unknown';
  const response = responseOf(result);
  const resources = resourcesOf(call.target);
  return {
    ...envelope({ ...call, outcome }, toolActivity(call.action), { id: 1, name: 'Informational' }),
    ...(response?.error_message ? { status_detail: response.error_message } : {}),
    metadata: metadataOf(call, product, 'mcp-jsonrpc', call.keys?.trace_id ? { correlation_uid: call.keys.trace_id } : {}),
    actor: { ...(client ? { app_name: client } : {}) },
    api: {
      operation: call.action ?? 'tools/call',
      ...(server ? { service: { name: server } } : {}),
      ...(call.keys?.jsonrpc_id ? { request: { uid: call.keys.jsonrpc_id } } : {}),
      ...(response ? { response } : {}),
    },
    ...(resources ? { resources } : {}),
    ...(client ? { src_endpoint: { name: client } } : {}),
    ...(server ? { dst_endpoint: { svc_name: server } } : {}),
    unmapped: causaOf(call, {
      jsonrpc_method: 'tools/call',
      ...(result
        ? { result: { event_id: result.id, position: result.position, raw_sha256: result.raw_sha256, verdict: result.verdict } }
        : {}),
    }),
    raw_data: raw.toString('utf8'),
  };
}
