import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { targetOfKubectl, targetOfToolArguments } from '../../../src-main/core/ingest/agent-targets';
import { detectFormat, openContent, parseSource, peekContent, type ParsedRecord } from '../../../src-main/core/ingest/index';
import { openaiChat, toolAnswerFailed } from '../../../src-main/core/ingest/openai-chat';
import type { NormalizedEvent } from '../../../src-main/shared/model';

const DIR = new URL('../../fixtures/corpus/agent-transcripts/', import.meta.url);
const BURIED = 'compaction_002_buried_exception.conversation_history.json';
const CASCADING = 'compaction_003_cascading_failure.conversation_history.json';
const MULTIPLE = 'compaction_004_multiple_root_causes.conversation_history.json';

async function parseTranscript(name: string): Promise<Extract<ParsedRecord, { ok: true }>[]> {
  const { head, content } = await peekContent(await openContent(fileURLToPath(new URL(name, DIR))));
  const detected = detectFormat(head);
  if (!detected.ok) throw new Error(detected.reason);
  expect(detected).toMatchObject({ format: { name: 'openai-chat' }, layout: { kind: 'document', patterns: [['*']] } });
  const records = [];
  for await (const record of parseSource(content, detected)) {
    if (!record.ok) throw new Error(`${name} ${record.locator}: ${record.reason}`);
    records.push(record);
  }
  return records;
}

const eventsOf = (records: Extract<ParsedRecord, { ok: true }>[]): NormalizedEvent[] => records.flatMap((r) => r.events);
const count = (events: NormalizedEvent[], kind: string) => events.filter((e) => e.kind === kind).length;

describe('the HolmesGPT transcripts of the corpus', () => {
  for (const [file, messages, toolCalls, prompts, assistants] of [
    [BURIED, 23, 11, 2, 9],
    [CASCADING, 32, 16, 1, 14],
    [MULTIPLE, 40, 22, 1, 16],
  ] as const) {
    it(`${file}: ${messages} messages, ${toolCalls} tool calls each answered by its tool message`, async () => {
      const records = await parseTranscript(file);
      expect(records).toHaveLength(messages);
      expect(records.map((r) => r.locator)).toEqual(records.map((_, i) => `$[${i}]`));
      const events = eventsOf(records);
      expect(count(events, 'tool_call')).toBe(toolCalls);
      expect(count(events, 'tool_result')).toBe(toolCalls);
      expect(count(events, 'prompt')).toBe(prompts);
      expect(count(events, 'model_call')).toBe(assistants);
      expect(count(events, 'other')).toBe(1);
      // Each result names the function of the call it answers, and none reports a failure (logs with
      // ERROR lines are a tool that worked).
      const calls = new Map(events.filter((e) => e.kind === 'tool_call').map((e) => [e.keys!.tool_call_id!, e.action]));
      for (const result of events.filter((e) => e.kind === 'tool_result')) {
        expect(result.action).toBe(calls.get(result.keys!.tool_call_id!));
        expect(result.outcome).toBe('success');
        expect(result.taint).toEqual(['tool_output']);
      }
      // No timestamps: ordered by position only.
      expect(events.every((e) => e.time_ns === null && e.time_text === undefined)).toBe(true);
    });
  }

  it('compaction_002: the prompt, the kubectl call and its result, field by field', async () => {
    const records = await parseTranscript(BURIED);
    const raw = JSON.parse(readFileSync(fileURLToPath(new URL(BURIED, DIR)), 'utf8')) as { content: string }[];
    expect(records[1]!.events).toEqual([
      {
        time_ns: null,
        kind: 'prompt',
        actor: { type: 'human', id: 'user' },
        outcome: 'success',
        taint: ['user'],
        text: "We're experiencing intermittent 500 errors from our payment-service API. Can you investigate what's causing these errors?",
      },
    ]);
    const [model, todo, kubectl] = records[2]!.events;
    expect(model).toEqual({
      time_ns: null,
      kind: 'model_call',
      actor: { type: 'agent', id: 'assistant' },
      outcome: 'success',
      taint: ['model'],
      text: raw[2]!.content,
    });
    expect(todo).toMatchObject({ kind: 'tool_call', action: 'TodoWrite', keys: { tool_call_id: 'call_001' } });
    expect(todo!.target).toBeUndefined();
    expect(kubectl).toEqual({
      time_ns: null,
      kind: 'tool_call',
      action: 'run_bash_command',
      actor: { type: 'agent', id: 'assistant' },
      target: { resource: 'pods', namespace: 'production' },
      outcome: 'unknown',
      keys: { tool_call_id: 'call_002' },
      taint: ['model'],
      text: '{"command": "kubectl get pods -n production -l app=payment-service"}',
    });
    expect(records[4]!.events).toEqual([
      {
        time_ns: null,
        kind: 'tool_result',
        action: 'run_bash_command',
        target: { resource: 'pods', namespace: 'production' },
        outcome: 'success',
        keys: { tool_call_id: 'call_002' },
        taint: ['tool_output'],
        text: raw[4]!.content,
      },
    ]);
    // `kubectl logs` reads the pods/log subresource, as the audit log names it.
    expect(records[8]!.events[1]!.target).toEqual({
      resource: 'pods/log',
      namespace: 'production',
      name: 'payment-service-7d9f8c4b-xk2p9',
    });
    expect(records[0]!.events[0]).toMatchObject({ kind: 'other', action: 'system', taint: ['system'] });
  });

  it('compaction_004: a command whose arguments are not valid JSON still names its pod', async () => {
    const records = await parseTranscript(MULTIPLE);
    const call = eventsOf(records).find((e) => e.keys?.tool_call_id === 'call_019')!;
    expect(() => JSON.parse(call.text!)).toThrow();
    expect(call.target).toEqual({ resource: 'pods/log', namespace: 'production', name: 'api-gateway-5d8f7b9c6-j4k8n' });
  });
});

describe('reading kubectl command lines and tool arguments', () => {
  it('names the object of common kubectl verbs in the audit spelling', () => {
    expect(targetOfKubectl("kubectl get deployment payment-service -n production -o yaml | grep -A 5 'env:'")).toEqual({
      api_group: 'apps',
      resource: 'deployments',
      namespace: 'production',
      name: 'payment-service',
    });
    expect(targetOfKubectl('kubectl top pods -n production -l app=api-gateway')).toEqual({
      api_group: 'metrics.k8s.io',
      resource: 'pods',
      namespace: 'production',
    });
    expect(targetOfKubectl('kubectl -n prod scale deploy/web --replicas=0')).toEqual({
      api_group: 'apps',
      resource: 'deployments',
      namespace: 'prod',
      name: 'web',
    });
    expect(targetOfKubectl('kubectl delete cm app-config --namespace=prod')).toEqual({
      resource: 'configmaps',
      namespace: 'prod',
      name: 'app-config',
    });
    expect(targetOfKubectl('kubectl exec -it web-1 -n prod -- sh')).toEqual({ resource: 'pods/exec', namespace: 'prod', name: 'web-1' });
    expect(targetOfKubectl('kubectl rollout restart statefulset db -n data')).toEqual({
      api_group: 'apps',
      resource: 'statefulsets',
      namespace: 'data',
      name: 'db',
    });
    expect(targetOfKubectl('ls -la /tmp')).toBeUndefined();
  });

  it('reads Kubernetes MCP server arguments and manifests', () => {
    expect(
      targetOfToolArguments('resources_scale', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'prod', scale: 0 }),
    ).toEqual({ api_group: 'apps', resource: 'deployments', namespace: 'prod', name: 'web' });
    expect(targetOfToolArguments('pods_exec', '{"name":"web-1","namespace":"prod","command":["ls"]}')).toEqual({
      resource: 'pods',
      namespace: 'prod',
      name: 'web-1',
    });
    expect(
      targetOfToolArguments('apply', { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' } } }),
    ).toEqual({ resource: 'configmaps', namespace: 'n', name: 'c' });
    expect(targetOfToolArguments('get_weather', '{"location":"Tokyo, Japan"}')).toBeUndefined();
  });
});

describe('tool answers and bad messages', () => {
  it('counts a tool answer as failed only when it starts as an error report', () => {
    expect(toolAnswerFailed('Error from server (NotFound): pods "web-1" not found')).toBe(true);
    expect(toolAnswerFailed('error: the server doesn\'t have a resource type "deploymnt"')).toBe(true);
    expect(toolAnswerFailed('{"error": "permission denied"}')).toBe(true);
    expect(toolAnswerFailed('2025-10-08 15:30:15.234 ERROR [http-nio-8080-exec-15] Gateway timeout')).toBe(false);
    expect(toolAnswerFailed('{"error": null, "items": []}')).toBe(false);
  });

  it('says what is wrong with a record that is not a chat message', () => {
    expect(openaiChat.normalize('hello')).toEqual({ ok: false, reason: 'not a chat message: not a JSON object' });
    expect(openaiChat.normalize({ content: 'x' })).toEqual({ ok: false, reason: 'not a chat message: "role" is missing or not a string' });
    expect(openaiChat.normalize({ role: 'robot', content: 'x' })).toEqual({
      ok: false,
      reason: 'not a chat message: role "robot" is not system, developer, user, assistant or tool',
    });
    expect(openaiChat.normalize({ role: 'assistant', tool_calls: [{ id: 'c' }] })).toEqual({
      ok: false,
      reason: 'chat message: tool_calls[0] has no function name',
    });
  });
});
