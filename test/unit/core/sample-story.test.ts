// Each sample holds its incident, and its sources agree: the same uids, the same tool calls, the same trace
// context, whichever file an investigator starts from.
import { describe, expect, it } from 'vitest';
import { generateInc0047, generateStagingApollo } from '../../../src-main/core/sample';
import { attr, parseSample, type Json, type ParsedSample } from './sample-sources';

const MCP_IDENTITY = 'system:serviceaccount:mcp-system:kubernetes-mcp-server';
const SAMPLES: [string, ParsedSample, string][] = [
  ['inc-0047', parseSample(generateInc0047()), 'production'],
  ['staging-apollo', parseSample(generateStagingApollo()), 'staging-apollo'],
];
const micros = (time: string) => Date.parse(time.slice(0, 19) + 'Z') * 1000 + Number(time.slice(20, 26).padEnd(6, '0'));

describe.each(SAMPLES)('the %s sample is consistent across its sources', (_name, sample, namespace) => {
  const listed = [...sample.listings.values()].flat();
  const listedUids = new Set(listed.map((item) => item.metadata.uid as string));
  const auditUids = new Set(
    sample.audit.flatMap((e) => [e.objectRef?.uid, e.responseObject?.metadata?.uid, e.requestObject?.metadata?.uid]).filter(Boolean),
  );

  it('every Event about the incident’s namespace or a node names an object of the listings, or one the audit log saw before it went', () => {
    const relevant = sample.events
      .map((e) => e.involvedObject ?? e.regarding)
      .filter((o: Json) => o.namespace === namespace || o.kind === 'Node');
    expect(relevant.length).toBeGreaterThan(50);
    // Deleted pods and the deleted HPA are no longer in a listing taken afterwards; the audit log holds them
    // (a create's or a delete's response), or, for pods deleted at Metadata level or created before the
    // log begins, the ReplicaSet's "Deleted pod: …" Event names them.
    const deletedPods = new Set(sample.events.map((e) => /^Deleted pod: (\S+)/.exec(e.message ?? e.note ?? '')?.[1]).filter(Boolean));
    for (const object of relevant) {
      const known = listedUids.has(object.uid) || auditUids.has(object.uid) || (object.kind === 'Pod' && deletedPods.has(object.name));
      expect(known, `${object.kind} ${object.name}`).toBe(true);
    }
    expect(relevant.filter((o: Json) => listedUids.has(o.uid)).length).toBeGreaterThan(relevant.length / 3);
  });

  it('ownerReferences resolve inside the listing (Deployment → ReplicaSet → Pod)', () => {
    const owned = listed.filter((item) => item.metadata.ownerReferences);
    expect(owned.map((item) => item.kind)).toEqual(expect.arrayContaining(['ReplicaSet', 'Pod']));
    for (const item of owned)
      for (const owner of item.metadata.ownerReferences as Json[]) expect(listedUids.has(owner.uid), item.metadata.name).toBe(true);
  });

  it('every tools/call has one result, and its traceparent names the MCP client span of the same tool call id', () => {
    const requests = sample.mcp.filter((e) => e.message.method === 'tools/call');
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const request of requests) {
      const id = request.message.id;
      expect(sample.mcp.filter((e) => e.direction === 'server_to_client' && e.message.id === id)).toHaveLength(1);
      const [, traceId, spanId] = (request.message.params._meta.traceparent as string).split('-');
      const span = sample.spans.find((s) => s.traceId === traceId && s.spanId === spanId)!;
      expect(span).toMatchObject({ name: `tools/call ${request.message.params.name}` });
      expect(attr(span, 'jsonrpc.request.id')).toBe(id);
      const execute = sample.spans.find((s) => s.spanId === span.parentSpanId)!;
      expect(attr(execute, 'gen_ai.tool.call.id')).toBe(id);
      expect(JSON.parse(attr(execute, 'gen_ai.tool.call.arguments') as string)).toEqual(request.message.params.arguments);
    }
  });

  it('every span’s parent is in its trace, and each trace has one invoke_agent root', () => {
    const ids = new Set(sample.spans.map((s) => `${s.traceId}/${s.spanId}`));
    for (const span of sample.spans) if (span.parentSpanId) expect(ids.has(`${span.traceId}/${span.parentSpanId}`)).toBe(true);
    const roots = sample.spans.filter((s) => !s.parentSpanId);
    expect(roots.every((s) => attr(s, 'gen_ai.operation.name') === 'invoke_agent')).toBe(true);
    expect(new Set(roots.map((s) => s.traceId)).size).toBe(roots.length);
  });

  it('the MCP server’s API calls follow each tools/call request by tens to hundreds of milliseconds', () => {
    const agentCalls = sample.audit.filter((e) => e.user.username === MCP_IDENTITY && e.stage === 'ResponseComplete');
    const requests = sample.mcp.filter((e) => e.message.method === 'tools/call');
    expect(agentCalls).toHaveLength(requests.length);
    agentCalls.forEach((call, i) => {
      const lag = micros(call.requestReceivedTimestamp) - micros(requests[i]!.timestamp);
      expect(lag).toBeGreaterThan(10_000);
      expect(lag).toBeLessThan(400_000);
    });
  });
});

const messagesOf = (sample: ParsedSample, operation: string) =>
  sample.spans
    .filter((s) => attr(s, 'gen_ai.operation.name') === operation)
    .map((s) => JSON.parse(attr(s, 'gen_ai.input.messages') as string) as Json[]);

describe('the stories are inside', () => {
  it('INC-0047: two prompts, the beta applied and rolled back by the MCP identity for james.w, OOMKilled', () => {
    const [, sample] = SAMPLES[0]!;
    const prompts = messagesOf(sample, 'invoke_agent').map((m) => m[0]!.parts[0].content);
    expect(prompts).toEqual(['update api-service image to v3.2.1-beta', 'roll back api-service to previous version']);
    const invoke = sample.spans.filter((s) => attr(s, 'gen_ai.operation.name') === 'invoke_agent');
    expect(invoke.every((s) => attr(s, 'user.id') === 'james.w@example.com')).toBe(true);
    const applies = sample.audit.filter((e) => e.verb === 'patch' && e.user.username === MCP_IDENTITY && e.stage === 'ResponseComplete');
    expect(applies.map((e) => e.requestObject.spec.template.spec.containers[0].image)).toEqual([
      'registry.example.com/platform/api-service:v3.2.1-beta',
      'registry.example.com/platform/api-service:v3.2.0',
    ]);
    expect(applies.every((e) => e.impersonatedUser.username === 'james.w@example.com')).toBe(true);
    expect(sample.events.filter((e) => e.reason === 'OOMKilling').length).toBeGreaterThanOrEqual(9);
    const backOff = sample.events.filter((e) => e.reason === 'BackOff');
    expect(Math.max(...backOff.map((e) => e.count as number))).toBeGreaterThanOrEqual(5);
    expect(sample.events.some((e) => e.apiVersion === 'events.k8s.io/v1')).toBe(true);
  });

  it('staging-apollo: the prompt, a 403 from RBAC, the HPA deleted mid scale-up with hpa-protect only auditing', () => {
    const [, sample] = SAMPLES[1]!;
    expect(messagesOf(sample, 'invoke_agent')[0]![0]!.parts[0].content).toMatch(/^remove unused autoscaler/);
    const denied = sample.audit.find((e) => e.annotations?.['authorization.k8s.io/decision'] === 'forbid')!;
    expect(denied).toMatchObject({
      verb: 'list',
      user: { username: MCP_IDENTITY },
      impersonatedUser: { username: 'priya.s@example.com' },
      responseStatus: { code: 403, reason: 'Forbidden' },
    });
    expect(denied.responseStatus.message).toBe(
      'horizontalpodautoscalers.autoscaling is forbidden: User "priya.s@example.com" cannot list resource "horizontalpodautoscalers" in API group "autoscaling" at the cluster scope',
    );
    expect(sample.mcp.find((e) => e.message.result?.isError)?.message.result.content[0].text).toContain('is forbidden');
    const deletion = sample.audit.find(
      (e) => e.verb === 'delete' && e.stage === 'ResponseComplete' && e.objectRef.resource === 'horizontalpodautoscalers',
    )!;
    expect(deletion.annotations['authorization.k8s.io/decision']).toBe('allow');
    const failure = JSON.parse(deletion.annotations['validation.policy.admission.k8s.io/validation_failure'] as string) as Json[];
    expect(failure).toEqual([
      expect.objectContaining({ policy: 'hpa-protect', binding: 'hpa-protect-binding', validationActions: ['Audit'] }),
    ]);
    const deletedAt = micros(deletion.requestReceivedTimestamp);
    const eventTime = (e: Json) => Date.parse(e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime) * 1000;
    expect(sample.events.filter((e) => e.reason === 'SuccessfulRescale' && eventTime(e) < deletedAt)).toHaveLength(2);
    expect(sample.events.filter((e) => e.reason === 'Unhealthy' && eventTime(e) > deletedAt).length).toBeGreaterThan(20);
    expect(sample.events.some((e) => e.series?.count > 1)).toBe(true);
    const binding = sample.listings.get('k8s-resources/cluster.json')!.find((i) => i.kind === 'ValidatingAdmissionPolicyBinding')!;
    expect(binding.spec.validationActions).toEqual(['Audit']);
    // The signal must be found: most of the audit log and the Events are about something else.
    expect(sample.audit.filter((e) => e.objectRef?.namespace !== 'staging-apollo').length).toBeGreaterThan(sample.audit.length / 2);
    expect(sample.events.filter((e) => e.metadata.namespace !== 'staging-apollo').length).toBeGreaterThan(50);
  });

  it('--events scales the audit log of either sample with the story unchanged', () => {
    for (const generate of [generateInc0047, generateStagingApollo]) {
      const scaled = parseSample(generate({ events: 6000 }));
      expect(scaled.audit.length).toBeGreaterThanOrEqual(6000);
      expect(scaled.audit.filter((e) => e.user.username === MCP_IDENTITY).length).toBe(
        parseSample(generate()).audit.filter((e) => e.user.username === MCP_IDENTITY).length,
      );
    }
  });
});
