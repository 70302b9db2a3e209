import { describe, expect, it } from 'vitest';
import { bufferContent, detectFormat, parseSource } from '../../../src-main/core/ingest/index';
import { kindOfEventType, kubernautAudit } from '../../../src-main/core/ingest/kubernaut-audit';
import { generateKubernautEvents } from '../../../src-main/core/sample/kubernaut-events';
import type { NormalizedEvent } from '../../../src-main/shared/model';

async function importLines(text: string): Promise<NormalizedEvent[]> {
  const bytes = Buffer.from(text);
  const detected = detectFormat(bytes);
  expect(detected.ok && detected.format.name).toBe('kubernaut-audit');
  if (!detected.ok) return [];
  const events: NormalizedEvent[] = [];
  for await (const record of parseSource(bufferContent(bytes), detected)) {
    expect(record.ok).toBe(true);
    if (record.ok) events.push(...record.events);
  }
  return events;
}

describe('kubernaut-audit (fixtures from the project generator, src-main/core/sample/kubernaut-events.ts)', () => {
  const lines = generateKubernautEvents();
  const raw = lines.map(
    (line) =>
      JSON.parse(line) as {
        correlation_id: string;
        event_type: string;
        event_timestamp: string;
        resource_id: string;
        event_data: Record<string, unknown>;
      },
  );
  const correlation = raw[0]!.correlation_id as string;

  it('generates the same bytes for the same seed, and one correlation_id for the remediation', () => {
    expect(generateKubernautEvents()).toEqual(lines);
    expect(new Set(raw.map((r) => r.correlation_id))).toEqual(new Set([correlation]));
  });

  it('reads JSON lines: kinds by event type, the correlation_id as conversation', async () => {
    const events = await importLines(`${lines.join('\n')}\n`);
    expect(events.map((e) => [raw[events.indexOf(e)]!.event_type, e.kind])).toEqual([
      ['gateway.signal.received', 'alert'],
      ['signalprocessing.enrichment.completed', 'other'],
      ['aianalysis.analysis.completed', 'model_call'],
      ['aianalysis.rego.evaluation', 'policy_decision'],
      ['orchestrator.lifecycle.transitioned', 'other'],
      ['webhook.remediationapprovalrequest.decided', 'human_action'],
      ['aianalysis.approval.decision', 'human_action'],
      ['workflowexecution.execution.started', 'resource_change'],
      ['workflowexecution.execution.completed', 'resource_change'],
      ['effectiveness.assessment.completed', 'other'],
      ['notification.message.sent', 'other'],
    ]);
    expect(events.every((e) => e.keys?.conversation_id === correlation)).toBe(true);
  });

  it('the operator approval: a human, the decision and reason, the approval request as target', async () => {
    const events = await importLines(`${lines.join('\n')}\n`);
    const approval = events[5]!;
    expect(approval).toEqual({
      time_ns: BigInt(Date.parse(raw[5]!.event_timestamp)) * 1_000_000n,
      time_text: raw[5]!.event_timestamp,
      kind: 'human_action',
      action: 'decided',
      actor: { type: 'human', id: 'alice@example.com' },
      target: { resource: 'remediationapprovalrequests', namespace: 'payments', name: raw[5]!.resource_id },
      outcome: 'success',
      authz: { decision: 'approved', reason: 'looks right, memory bump is safe' },
      keys: { conversation_id: correlation },
      text: 'looks right, memory bump is safe',
    });
    const rego = events[3]!;
    expect(rego).toMatchObject({
      kind: 'policy_decision',
      actor: { type: 'agent', id: 'aianalysis' },
      authz: { decision: 'requires_approval', reason: 'production environment requires manual approval' },
    });
    expect(events[2]).toMatchObject({ kind: 'model_call', taint: ['model'], text: raw[2]!.event_data.root_cause });
    expect(events[0]).toMatchObject({ kind: 'alert', actor: { type: 'system', id: 'gateway' }, outcome: 'success' });
  });

  it('reads a JSON array and a {data: […]} query answer as documents', () => {
    expect(detectFormat(Buffer.from(`[\n${lines.join(',\n')}\n]\n`))).toMatchObject({
      ok: true,
      layout: { kind: 'document', patterns: [['*']] },
    });
    expect(
      detectFormat(Buffer.from(`{\n"data": [\n${lines.join(',\n')}\n],\n"pagination": {"total": ${lines.length}}\n}\n`)),
    ).toMatchObject({ ok: true, layout: { kind: 'document', patterns: [['data', '*']] } });
  });

  it('a rejected approval skips the workflow, and the AI analysis approval step fails', async () => {
    const rejected = generateKubernautEvents({ approval: 'rejected' }).map((l) => JSON.parse(l) as { event_type: string });
    expect(rejected.some((r) => r.event_type.startsWith('workflowexecution.'))).toBe(false);
    const events = await importLines(`${generateKubernautEvents({ approval: 'rejected' }).join('\n')}\n`);
    expect(events[6]).toMatchObject({ kind: 'human_action', outcome: 'failure', authz: { decision: 'rejected' } });
  });

  it('names what is missing in a bad record', () => {
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    delete record.correlation_id;
    expect(kubernautAudit.normalize(record)).toEqual({
      ok: false,
      reason: 'not a Kubernaut audit event: "correlation_id" is missing or not a string',
    });
    expect(kubernautAudit.normalize({ ...JSON.parse(lines[0]!), event_timestamp: 'noon' })).toEqual({
      ok: false,
      reason: 'event_timestamp "noon" is not an RFC 3339 time',
    });
    expect(kindOfEventType('remediationworkflow.admitted.denied')).toBe('policy_decision');
  });
});
