// The findings rules on a synthetic cluster: over 100,000 calls of ordinary traffic with every kind of
// anomaly injected twice. Prints precision and recall; every injected anomaly must be found by its own
// rule (recall 1.0) with precision at least 0.9. A finding counts as true when one of its supporting
// events is an injected one.
import { describe, expect, it } from 'vitest';
import { detectFindings } from '../../../src-main/core/analysis/findings';
import { AGENT_SA, REFERENCE_STEPS, syntheticCluster } from './synthetic-cluster';

describe('findings on a synthetic cluster', () => {
  const cluster = syntheticCluster({ days: 2, copies: 2 });
  const injectedIds = new Set(cluster.injected.flatMap((i) => [...i.ids]));

  it('finds every injected anomaly with precision ≥ 0.9 among more than 100,000 calls', () => {
    expect(cluster.calls.length).toBeGreaterThan(100_000);
    const { findings, calls } = detectFindings(() => cluster.calls, {
      baselineUntil: cluster.baselineUntil,
      baselineReason: 'the first quarter of the case',
      agentIdentities: new Set([AGENT_SA]),
      sequences: [{ name: 'INC-REF', steps: REFERENCE_STEPS }],
    });
    expect(calls).toBe(cluster.calls.length);
    const truePositives = findings.filter((f) => f.event_ids.some((id) => injectedIds.has(id)));
    const precision = truePositives.length / findings.length;
    const missed = cluster.injected.filter(
      (inj) => !findings.some((f) => f.rule === inj.rule && f.event_ids.some((id) => inj.ids.has(id))),
    );
    const recall = (cluster.injected.length - missed.length) / cluster.injected.length;
    console.log(
      `findings on ${cluster.calls.length} synthetic calls: ${findings.length} findings, ${truePositives.length} on injected events; ` +
        `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (${cluster.injected.length} injected anomalies)`,
    );
    for (const f of findings.filter((x) => !truePositives.includes(x))) console.log(`  false positive: ${f.rule} ${f.sentence}`);
    expect(missed.map((m) => `${m.rule}: ${m.what}`)).toEqual([]);
    expect(recall).toBe(1);
    expect(precision).toBeGreaterThanOrEqual(0.9);
  });

  it('gives every finding its rule, parameters, a score, supporting events and a sentence', () => {
    const { findings } = detectFindings(() => cluster.calls, {
      baselineUntil: cluster.baselineUntil,
      agentIdentities: new Set([AGENT_SA]),
      sequences: [{ name: 'INC-REF', steps: REFERENCE_STEPS }],
    });
    const byRule = new Map(findings.map((f) => [f.rule, f]));
    expect([...byRule.keys()].sort()).toEqual(['agent_destructive', 'denial_burst', 'first_seen', 'off_hours', 'rate', 'sequence']);
    for (const f of findings) {
      expect(f.score).toBeGreaterThan(0);
      expect(f.score).toBeLessThanOrEqual(1);
      expect(f.event_ids.length).toBeGreaterThan(0);
      expect(f.event_count).toBeGreaterThanOrEqual(f.event_ids.length);
      expect(Object.keys(f.parameters).length).toBeGreaterThan(0);
      expect(f.sentence).toMatch(/\.$/);
    }
    const rate = byRule.get('rate')!;
    expect(rate.identity).toBe('system:serviceaccount:monitoring:prometheus-k8s');
    expect(rate.parameters).toMatchObject({ z_threshold: 6, min_excess: 20 });
    expect(rate.sentence).toMatch(/against its usual \d+(\.\d+)? a minute/);
    expect(byRule.get('denial_burst')!.sentence).toMatch(/was denied 8 times in 35 s/);
    expect(byRule.get('agent_destructive')!.sentence).toContain(
      `Agent identity ${AGENT_SA} (as alice@example.com) deleted: delete deployments in staging`,
    );
    expect(byRule.get('off_hours')!.parameters.working_hours).toBe('Mon–Fri 08:00–18:00 UTC');
    expect(byRule.get('sequence')!.sentence).toContain('list secrets → create pods/exec → delete pods');
  });

  it('stays quiet on the ordinary traffic alone', () => {
    const quiet = syntheticCluster({ days: 2, copies: 0 });
    const { findings } = detectFindings(() => quiet.calls, {
      baselineUntil: quiet.baselineUntil,
      agentIdentities: new Set([AGENT_SA]),
      sequences: [{ name: 'INC-REF', steps: REFERENCE_STEPS }],
    });
    expect(findings.map((f) => f.sentence)).toEqual([]);
  });

  it('reads the calls at most twice, one at a time', () => {
    let scans = 0;
    detectFindings(
      function* scan() {
        scans += 1;
        yield* cluster.calls;
      },
      { baselineUntil: cluster.baselineUntil },
    );
    expect(scans).toBe(2); // the second pass collects the flagged minutes' calls
  });
});
