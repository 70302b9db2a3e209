// Findings over a million API calls (issue 19: under 10 s). The case is filled by a bare INSERT of the
// synthetic cluster's calls (importing a million records is the import bench's business); the time is
// that of findingsOf: the store's streamed calls through every rule, twice when the rate rule flags
// minutes. Also printed: the heap after the run against before, which must not grow with the calls.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFindings } from '../../src-main/core/analysis/findings';
import { findingsOf } from '../../src-main/service/findings';
import { iterateApiCalls } from '../../src-main/store/attribution';
import { Workbench } from '../../src-main/service/workbench';
import { formatNanos } from '../../src-main/shared/time';
import { AGENT_SA, syntheticCluster } from '../unit/analysis/synthetic-cluster';

const EVENTS = Number(process.env.BENCH_FINDINGS_EVENTS ?? 1_000_000);
const BUDGET_S = 10;
const dir = mkdtempSync(join(tmpdir(), 'causa-findings-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findings', () => {
  it(`computes the findings of ${EVENTS} API calls in under ${BUDGET_S} s`, () => {
    // About 53,000 calls a day at density 1: enough days for the calls asked for.
    const days = Math.max(2, Math.ceil(EVENTS / 53_000));
    const cluster = syntheticCluster({ days, copies: 2, density: EVENTS / (days * 53_000) });
    const workbench = Workbench.open(join(dir, 'million.causa'), { create: true });
    const db = workbench.store.db;
    // The case is written as the store writes: reads run under query_only, a write through writeNow.
    workbench.store.writeNow(() =>
      db.transaction(() => {
        const source = Number(
          db
            .prepare("INSERT INTO source (name, format, sha256, size, imported_at) VALUES ('synthetic', 'k8s-audit', 'bench', 0, 'bench')")
            .run().lastInsertRowid,
        );
        const insert =
          db.prepare(`INSERT INTO event (source_id, position, raw, raw_sha256, time_ns, time, kind, action, actor_type, actor_id, on_behalf_of,
        target_resource, target_namespace, outcome) VALUES (?, ?, ?, ?, ?, ?, 'k8s_api', ?, ?, ?, ?, ?, ?, ?)`);
        for (const c of cluster.calls) {
          const raw = Buffer.from(`{"auditID":"${c.id}"}`);
          const ns = BigInt(c.ms) * 1_000_000n;
          insert.run(
            source,
            c.id,
            raw,
            createHash('sha256').update(raw).digest('hex'),
            ns,
            formatNanos(ns),
            c.verb,
            c.actorType,
            c.actor,
            c.onBehalfOf ?? null,
            c.resource,
            c.namespace ?? null,
            c.outcome,
          );
        }
      })(),
    );
    const calls = cluster.calls.length;
    // The first day is the baseline: the anomalies are injected from the second day on, whatever the span.
    const baselineUntil = cluster.calls.reduce((min, c) => Math.min(min, c.ms), Infinity) + 24 * 3_600_000;
    cluster.calls.length = 0; // the generator's copy is not the run's memory
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    if (process.env.BENCH_FINDINGS_PROFILE) {
      let t = performance.now();
      let n = 0;
      for (const _ of iterateApiCalls(workbench.store)) n += 1;
      console.log(`scan only: ${n} in ${((performance.now() - t) / 1000).toFixed(2)} s`);
      const rows = [...iterateApiCalls(workbench.store)];
      t = performance.now();
      detectFindings(() => rows, { agentIdentities: new Set([AGENT_SA]), baselineUntil: rows[0]!.ms + 3_600_000 });
      console.log(`rules only: ${((performance.now() - t) / 1000).toFixed(2)} s`);
    }
    const start = performance.now();
    const report = findingsOf(workbench.store, new Set([AGENT_SA]), { baselineUntil });
    const seconds = (performance.now() - start) / 1000;
    const heapAfter = process.memoryUsage().heapUsed;
    workbench.close();
    console.log(
      `\nfindings  ${report.calls} API calls in ${seconds.toFixed(2)} s (budget < ${BUDGET_S} s), ${report.findings.length} findings; ` +
        `rules ${[...new Set(report.findings.map((f) => f.rule))].join(', ')}; heap ${(heapBefore / 2 ** 20).toFixed(0)} MiB before, ${(heapAfter / 2 ** 20).toFixed(0)} MiB after\n`,
    );
    expect(report.calls).toBe(calls);
    expect(new Set(report.findings.map((f) => f.rule)).size).toBe(5); // no --like here: every rule but sequence
    expect(seconds).toBeLessThan(BUDGET_S);
  });
});
