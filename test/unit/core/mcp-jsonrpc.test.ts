import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferContent, detectFormat, parseSource, type ParsedRecord } from '../../../src-main/core/ingest/index';
import { MAX_TEXT, mcpJsonRpc } from '../../../src-main/core/ingest/mcp-jsonrpc';
import type { NormalizedEvent } from '../../../src-main/shared/model';
import { caseMessages } from './mcp-k8s-go-cases';

const MCP = new URL('../../fixtures/corpus/mcp/', import.meta.url);
const SPEC = fileURLToPath(new URL('spec_examples/', MCP));
const CASES = fileURLToPath(new URL('mcp-k8s-go_cases/', MCP));

async function parseBytes(bytes: Buffer): Promise<ParsedRecord[]> {
  const detected = detectFormat(bytes);
  if (!detected.ok) throw new Error(detected.reason);
  expect(detected.format.name).toBe('mcp-jsonrpc');
  const records: ParsedRecord[] = [];
  for await (const record of parseSource(bufferContent(bytes), detected)) records.push(record);
  return records;
}

async function eventsOf(bytes: Buffer): Promise<NormalizedEvent[]> {
  const records = await parseBytes(bytes);
  const bad = records.filter((r) => !r.ok);
  expect(bad).toEqual([]);
  return records.flatMap((r) => (r.ok ? r.events : []));
}

/** A case file's messages as a transcript of JSON lines (see mcp-k8s-go-cases.ts for how they are read). */
function caseTranscript(name: string): Buffer {
  return Buffer.from(
    `${caseMessages(`${CASES}${name}`)
      .map((m) => m.line)
      .join('\n')}\n`,
  );
}

const spec = (name: string) => readFileSync(`${SPEC}${name}`);

describe('mcp-jsonrpc: the MCP specification examples (pretty-printed single messages)', () => {
  it('reads a tools/call request document, naming the client from its _meta clientInfo', async () => {
    const [event] = await eventsOf(spec('CallToolRequest__call-tool-request.json'));
    expect(event).toEqual({
      time_ns: null,
      kind: 'tool_call',
      action: 'get_weather',
      actor: { type: 'agent', id: 'ExampleClient' },
      outcome: 'unknown',
      keys: { jsonrpc_id: 'call-tool-example' },
      text: '{"location":"New York"}',
    });
  });

  it('reads a result on its own as a tool result (no request to name the tool)', async () => {
    const [event] = await eventsOf(spec('CallToolResultResponse__call-tool-result-response.json'));
    expect(event).toMatchObject({
      kind: 'tool_result',
      outcome: 'success',
      actor: { type: 'system', id: 'mcp-server' },
      keys: { jsonrpc_id: 'call-tool-example' },
      taint: ['tool_output'],
    });
    expect(event!.text).toBe('Current weather in New York:\nTemperature: 72°F\nConditions: Partly cloudy');
    expect(event!.action).toBeUndefined();
  });

  it('reads tools/list requests and results as other events named by method', async () => {
    const [request] = await eventsOf(spec('ListToolsRequest__list-tools-request.json'));
    expect(request).toMatchObject({
      kind: 'other',
      action: 'tools/list',
      actor: { id: 'ExampleClient' },
      keys: { jsonrpc_id: 'list-tools-example' },
    });
    const [result] = await eventsOf(spec('ListToolsResultResponse__list-tools-result-response.json'));
    expect(result).toMatchObject({ kind: 'other', action: 'response', outcome: 'success', keys: { jsonrpc_id: 'list-tools-example' } });
  });

  it('pairs the result with its request by id in one transcript: tool name and trace context carry over', async () => {
    const request = JSON.parse(spec('CallToolRequest__call-tool-request.json').toString('utf8')) as {
      params: { _meta: Record<string, unknown> };
    };
    request.params._meta.traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = JSON.parse(spec('CallToolResultResponse__call-tool-result-response.json').toString('utf8')) as unknown;
    const [call, result] = await eventsOf(Buffer.from(`${JSON.stringify(request)}\n${JSON.stringify(response)}\n`));
    const keys = { jsonrpc_id: 'call-tool-example', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', parent_span_id: '00f067aa0ba902b7' };
    expect(call).toMatchObject({ kind: 'tool_call', keys });
    expect(result).toMatchObject({ kind: 'tool_result', action: 'get_weather', outcome: 'success', keys });
  });

  it('reads a JSON array batch document, one record per message', async () => {
    const batch = `[\n${['CallToolRequest__call-tool-request.json', 'CallToolResultResponse__call-tool-result-response.json'].map((f) => spec(f).toString('utf8')).join(',\n')}\n]\n`;
    const records = await parseBytes(Buffer.from(batch));
    expect(records.map((r) => r.ok && r.locator)).toEqual(['$[0]', '$[1]']);
    expect(records.flatMap((r) => (r.ok ? r.events.map((e) => e.action) : []))).toEqual(['get_weather', 'get_weather']);
  });

  it('does not take the bare result and error objects (no JSON-RPC envelope) for messages, and says so', () => {
    for (const name of [
      'CallToolResult__invalid-tool-input-error.json',
      'CallToolResult__result-with-structured-content.json',
      'InternalError__unexpected-error.json',
      'InvalidParamsError__invalid-tool-arguments.json',
      'InvalidParamsError__unknown-tool.json',
      'ParseError__invalid-json.json',
    ]) {
      expect(detectFormat(spec(name)).ok, name).toBe(false);
      const named = detectFormat(spec(name), mcpJsonRpc);
      expect(named.ok).toBe(false);
      if (!named.ok) expect(named.reason).toContain('not a MCP JSON-RPC transcript document');
    }
  });

  it('all ten spec examples: four are messages, six are fragments', () => {
    const names = readdirSync(SPEC);
    expect(names).toHaveLength(10);
    expect(names.filter((n) => detectFormat(spec(n)).ok)).toHaveLength(4);
  });
});

describe('mcp-jsonrpc: mcp-k8s-go test cases as transcripts', () => {
  it('reads every case file, one event per in/out message (counts: SOURCES.md says 11 files)', async () => {
    const names = readdirSync(CASES).sort();
    expect(names).toHaveLength(11);
    const counts: Record<string, number> = {};
    for (const name of names) counts[name] = (await eventsOf(caseTranscript(name))).length;
    expect(counts['internal_k8s_core_v1_pod_pod_exec_test.yaml']).toBe(2);
    expect(counts['testdata_initialize_init_test.yaml']).toBe(3);
    expect(counts['testdata_allowed_contexts_allowed_contexts_test.yaml']).toBe(6);
    expect(counts['testdata_with_k3d_apply_k8s_resource_test.yaml']).toBe(10);
  });

  it('pod exec: the call names the pod exec subresource as the audit log spells it; the result is tool output', async () => {
    const [call, result] = await eventsOf(caseTranscript('internal_k8s_core_v1_pod_pod_exec_test.yaml'));
    expect(call).toEqual({
      time_ns: null,
      kind: 'tool_call',
      action: 'k8s-pod-exec',
      actor: { type: 'agent', id: 'mcp-client' },
      target: { resource: 'pods/exec', namespace: 'test', name: 'busybox' },
      outcome: 'unknown',
      keys: { jsonrpc_id: '2' },
      text: '{"context":"k3d-mcp-k8s-integration-test","namespace":"test","pod":"busybox","command":"echo HELLO FROM BUSYBOX"}',
    });
    expect(result).toEqual({
      time_ns: null,
      kind: 'tool_result',
      action: 'k8s-pod-exec',
      actor: { type: 'system', id: 'mcp-server' },
      target: { resource: 'pods/exec', namespace: 'test', name: 'busybox' },
      outcome: 'success',
      keys: { jsonrpc_id: '2' },
      taint: ['tool_output'],
      text: '{"stdout":"HELLO FROM BUSYBOX\\n","stderr":""}',
    });
  });

  it('initialize: client and server names are learned and used for what follows', async () => {
    const [init, answer, note] = await eventsOf(caseTranscript('testdata_initialize_init_test.yaml'));
    expect(init).toMatchObject({
      kind: 'other',
      action: 'initialize',
      actor: { type: 'agent', id: 'Test client' },
      keys: { jsonrpc_id: '1' },
    });
    expect(answer).toMatchObject({
      kind: 'other',
      action: 'initialize',
      outcome: 'success',
      actor: { type: 'system', id: 'mcp-k8s-go' },
      keys: { jsonrpc_id: '1' },
    });
    expect(note).toEqual({
      time_ns: null,
      kind: 'other',
      action: 'notifications/initialized',
      actor: { type: 'agent', id: 'Test client' },
      outcome: 'unknown',
    });
  });

  it('get deployment: kind, group and version give the audit spelling of the target', async () => {
    const [call] = await eventsOf(caseTranscript('internal_k8s_apps_v1_deployment_get_deployment_test.yaml'));
    expect(call).toMatchObject({
      action: 'get-k8s-resource',
      target: { api_group: 'apps', resource: 'deployments', namespace: 'test-deployment', name: 'nginx-deployment' },
    });
    const [secret] = await eventsOf(caseTranscript('internal_k8s_core_v1_secret_get_secret_test.yaml'));
    expect(secret!.target).toEqual({ resource: 'secrets', namespace: 'test-secret', name: 'test-secret' });
  });

  it('isError results are failures, with the tool text', async () => {
    const events = await eventsOf(caseTranscript('testdata_allowed_contexts_allowed_contexts_test.yaml'));
    const results = events.filter((e) => e.kind === 'tool_result');
    expect(results.map((e) => [e.action, e.outcome, e.text])).toEqual([
      ['list-k8s-namespaces', 'failure', 'context disallowed-ctx is not allowed'],
      ['list-k8s-resources', 'failure', 'context disallowed-ctx is not allowed'],
      ['get-k8s-pod-logs', 'failure', 'context disallowed-ctx is not allowed'],
    ]);
    expect(events[4]!.target).toEqual({ resource: 'pods/log', namespace: 'default', name: 'example-pod' });
  });

  it('apply: the YAML manifest argument names the object (first document of several)', async () => {
    const calls = (await eventsOf(caseTranscript('testdata_with_k3d_apply_k8s_resource_test.yaml'))).filter((e) => e.kind === 'tool_call');
    expect(calls.map((e) => e.target)).toEqual([
      { api_group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'default', name: 'test-role' },
      { api_group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'default', name: 'test-role' },
      { api_group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'test-cluster-role' },
      { api_group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'test-cluster-role' },
      { resource: 'configmaps', namespace: 'default', name: 'test-cm-1' },
    ]);
  });
});

describe('mcp-jsonrpc: proxy recordings', () => {
  /**
   * The pod exec case's messages as mcp-debug's --record writes them (integration/dynamic_wrapper.go):
   * two `#` lines, a session header, then RecordedMessage lines whose message is the mcp-go struct (a
   * request without jsonrpc/id, the CallToolResult alone).
   */
  function mcpDebugRecording(): Buffer {
    const [request, response] = caseMessages(`${CASES}internal_k8s_core_v1_pod_pod_exec_test.yaml`).map(
      (m) => JSON.parse(m.line) as { method: string; params: unknown; result: unknown },
    );
    const lines = [
      '# MCP Recording Session',
      '# Started: 2026-03-14T03:04:05Z',
      JSON.stringify({ start_time: '2026-03-14T03:04:05.123456789Z', server_info: 'Dynamic MCP Proxy v1.0.0', messages: [] }),
      JSON.stringify({
        timestamp: '2026-03-14T03:04:06.5Z',
        direction: 'request',
        message_type: 'tool_call',
        tool_name: 'k8s-pod-exec',
        server_name: 'k8s',
        message: { method: request!.method, params: request!.params },
      }),
      JSON.stringify({
        timestamp: '2026-03-14T03:04:07.25Z',
        direction: 'response',
        message_type: 'tool_call',
        tool_name: 'k8s-pod-exec',
        server_name: 'k8s',
        message: response!.result,
      }),
    ];
    return Buffer.from(`${lines.join('\n')}\n`);
  }

  it('reads an mcp-debug recording: comment lines skipped, times from the wrapper, result paired with the call before it', async () => {
    const records = await parseBytes(mcpDebugRecording());
    expect(records.map((r) => r.position)).toEqual([3, 4, 5]);
    const [header, call, result] = records.flatMap((r) => (r.ok ? r.events : []));
    expect(header).toMatchObject({
      kind: 'other',
      action: 'recording/start',
      actor: { type: 'system', id: 'Dynamic MCP Proxy v1.0.0' },
      time_ns: 1773457445123456789n,
    });
    expect(call).toMatchObject({
      kind: 'tool_call',
      action: 'k8s-pod-exec',
      time_text: '2026-03-14T03:04:06.5Z',
      time_ns: 1773457446500000000n,
      target: { resource: 'pods/exec', name: 'busybox' },
    });
    expect(result).toMatchObject({
      kind: 'tool_result',
      action: 'k8s-pod-exec',
      outcome: 'success',
      actor: { type: 'system', id: 'k8s' },
      target: { resource: 'pods/exec', name: 'busybox' },
    });
  });

  it('reads common wrappers: ts/dir/msg, Unix milliseconds, and the Mcp-Session-Id as conversation', async () => {
    const [request, response] = caseMessages(`${CASES}internal_k8s_apps_v1_deployment_get_deployment_test.yaml`).map(
      (m) => JSON.parse(m.line) as unknown,
    );
    const lines = [
      JSON.stringify({ ts: 1773457446500, dir: 'client_to_server', 'Mcp-Session-Id': 'sess-1', msg: request }),
      JSON.stringify({ ts: 1773457447000, dir: 'server_to_client', 'Mcp-Session-Id': 'sess-1', msg: response }),
    ];
    const [call, result] = await eventsOf(Buffer.from(`${lines.join('\n')}\n`));
    expect(call).toMatchObject({ time_ns: 1773457446500000000n, keys: { jsonrpc_id: '2', conversation_id: 'sess-1' } });
    expect(result).toMatchObject({ kind: 'tool_result', action: 'get-k8s-resource', keys: { jsonrpc_id: '2', conversation_id: 'sess-1' } });
  });

  it('names what is wrong with a bad record, and keeps the rest', async () => {
    const good = caseMessages(`${CASES}internal_k8s_core_v1_pod_pod_exec_test.yaml`)[0]!.line;
    const text = [
      good,
      '{"jsonrpc":"1.0","method":"x"}',
      '{"jsonrpc":"2.0","id":9}',
      '{"ts":"yesterday","direction":"in","message":{"jsonrpc":"2.0","method":"ping","id":1}}',
      '',
    ].join('\n');
    const records = await parseBytes(Buffer.from(text));
    expect(records.map((r) => (r.ok ? 'ok' : r.reason))).toEqual([
      'ok',
      'not JSON-RPC 2.0: jsonrpc is "1.0"',
      'not an MCP JSON-RPC message: neither a method, a result object nor an error',
      'time "yesterday" is not an RFC 3339 time',
    ]);
  });

  it('truncates long tool output in the event text; the raw record keeps it whole', async () => {
    const long = 'x'.repeat(MAX_TEXT + 10);
    const line = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: long }], isError: false } });
    const [event] = await eventsOf(Buffer.from(`${line}\n`));
    expect(event!.text).toBe(`${'x'.repeat(MAX_TEXT)}… [10 more characters in the raw record]`);
  });
});
