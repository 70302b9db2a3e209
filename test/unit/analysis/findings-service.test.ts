// Findings through the case file: synthetic audit lines imported as evidence, the rules over the store's
// streamed calls, a dismissal recorded in the journal and undone, and --like against an annotated case.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceSequence } from '../../../src-main/service/findings';
import { Workbench } from '../../../src-main/service/workbench';
import { auditLine, syntheticCluster } from './synthetic-cluster';

const SAMPLES = fileURLToPath(new URL('../../../resources/samples/', import.meta.url));
let dir: string;
const opened: Workbench[] = [];

function open(name: string): Workbench {
  const workbench = Workbench.open(join(dir, `${name}.causa`), { create: true });
  opened.push(workbench);
  return workbench;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-findings-'));
  process.env.CAUSA_ANALYST = 'dana@ir.example';
});
afterAll(() => {
  for (const w of opened) w.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('findings of a case file', () => {
  it('finds the injected anomalies among imported audit events, one call per request', async () => {
    const cluster = syntheticCluster({ days: 2, copies: 1, density: 0.05 });
    const file = join(dir, 'audit.jsonl');
    writeFileSync(file, `${cluster.calls.map(auditLine).join('\n')}\n`);
    const workbench = open('synthetic');
    await workbench.importPaths([file]);
    const report = workbench.findings();
    expect(report.calls).toBe(cluster.calls.length);
    expect(report.baseline).toBe('the first quarter of the case');
    // Event ids in the case follow the lines, so the injected calls keep their ids.
    for (const injected of cluster.injected.filter((i) => i.rule !== 'sequence')) {
      expect(
        report.findings.some((f) => f.rule === injected.rule && f.event_ids.some((id) => injected.ids.has(id))),
        injected.what,
      ).toBe(true);
    }
    const attribution = workbench.attribution();
    const agent = attribution.identities.find((i) => i.id === 'system:serviceaccount:mcp-system:kubernetes-mcp-server')!;
    expect(agent).toMatchObject({ agent: true, humans: ['alice@example.com'] });
    expect(agent.destructive).toEqual([
      expect.objectContaining({ class: 'delete', verb: 'delete', resource: 'deployments', namespace: 'staging', count: 1 }),
    ]);

    // Dismiss: a journal entry; the finding stays listed, marked; undo takes it back.
    const finding = report.findings.find((f) => f.rule === 'agent_destructive')!;
    await workbench.handlers.record({
      action: { type: 'dismiss_finding', finding: finding.id, dismissed: true, reason: 'the agent was asked to' },
    });
    const after = workbench.findings();
    expect(after.findings.find((f) => f.id === finding.id)!.dismissed).toBe(true);
    expect(after.findings.filter((f) => f.dismissed)).toHaveLength(1);
    const journal = await workbench.handlers.journal({});
    expect(journal.entries.at(-1)!.action).toEqual({
      type: 'dismiss_finding',
      finding: finding.id,
      dismissed: true,
      reason: 'the agent was asked to',
    });
    await workbench.handlers.undo({});
    expect(workbench.findings().findings.find((f) => f.id === finding.id)!.dismissed).toBe(false);
  });

  it('matches the steps of another case’s annotated root cause (--like)', async () => {
    const reference = open('reference');
    await reference.importPaths([join(SAMPLES, 'inc-0047')]);
    expect(() => referenceSequence(reference.store, 'INC-0047')).toThrow(/no root cause is annotated/);
    const patch = reference
      .graph()
      .nodes.find((n) => n.kind === 'k8s_api' && n.label.startsWith('patch deployments production/api-service'))!;
    await reference.handlers.record({ action: { type: 'assign', node: patch.id, role: 'root_cause' } });
    const steps = referenceSequence(reference.store, 'INC-0047');
    expect(steps.steps.map((s) => `${s.verb} ${s.resource}`)).toEqual(['get deployments', 'patch deployments']);

    const again = open('again');
    await again.importPaths([join(SAMPLES, 'inc-0047')]);
    const report = again.findings({ like: [steps] });
    expect(report.like).toEqual(['INC-0047']);
    const match = report.findings.find((f) => f.rule === 'sequence')!;
    expect(match.identity).toBe('system:serviceaccount:mcp-system:kubernetes-mcp-server');
    expect(match.sentence).toContain('the same steps as the root cause of INC-0047 (get deployments → patch deployments)');
    // The other sample's agent scaled and deleted an HPA: not these steps.
    const apollo = open('apollo');
    await apollo.importPaths([join(SAMPLES, 'staging-apollo')]);
    expect(apollo.findings({ like: [steps] }).findings.filter((f) => f.rule === 'sequence')).toEqual([]);
  });
});
