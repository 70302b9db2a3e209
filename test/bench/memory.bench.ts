// Peak memory of import, verify, graph and report as the evidence grows (issues 14 and 17, DESIGN.md
// "Budgets"): the built `causa` command runs under the hostile suite's watchdog for a small and a ten
// times larger bundle of audit events, and prints each run's peak resident set. The graph and the report
// run twice: as the user who imported the case runs them (the import left its links in the case's link
// cache) and as another installation would (the cache is not theirs: the case is linked anew). Memory must not grow with the evidence: the
// larger run may peak at no more than 1.2 × the smaller, and no run may pass the 512 MiB bound.
// `BENCH_MEMORY_EVENTS=100000,1000000` by default; a smoke run passes smaller counts.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateInc0047Audit } from '../../src-main/core/sample';
import { ensureBuilt, MEMORY_BOUND_MIB, runCausa, type CliRun } from '../unit/hostile/watchdog';

const COUNTS = (process.env.BENCH_MEMORY_EVENTS ?? '100000,1000000').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'causa-bench-memory-'));
const template = generateInc0047Audit({ events: 10_000 });
const results: string[] = [];

/** Writes `events` audit lines, the template repeated with fresh audit IDs, a batch at a time. */
function writeAudit(path: string, events: number): void {
  const fd = openSync(path, 'w');
  try {
    for (let copy = 0, written = 0; written < events; copy += 1) {
      const batch: string[] = [];
      for (const line of template) {
        if (written === events) break;
        batch.push(line.replace('"auditID":"', `"auditID":"r${copy}-`));
        written += 1;
      }
      writeSync(fd, `${batch.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

function measured(name: string, events: number, run: CliRun): number {
  expect(run.overBound, `${name} of ${events} events passed ${MEMORY_BOUND_MIB} MiB`).toBe(false);
  expect(run.code, run.stderr).toBe(0);
  results.push(`${name.padEnd(14)} ${String(events).padStart(9)} events   peak ${String(run.peakMiB).padStart(4)} MiB`);
  return run.peakMiB;
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`\nPeak memory (bound ${MEMORY_BOUND_MIB} MiB)\n${results.join('\n')}\n`);
});

describe('peak memory does not grow with the evidence', () => {
  it(`import and verify of ${COUNTS.join(' and ')} events`, async () => {
    ensureBuilt();
    const peaks: Record<string, number[]> = {
      import: [],
      'verify bundle': [],
      'verify case': [],
      graph: [],
      report: [],
      'graph, linked': [],
      'report, linked': [],
    };
    // Another installation: its own home, so the case's link cache is not its to believe.
    const elsewhere = { env: { CAUSA_HOME: mkdtempSync(join(tmpdir(), 'causa-bench-elsewhere-')) } };
    for (const events of COUNTS) {
      const source = join(dir, `src-${events}`);
      const { mkdirSync } = await import('node:fs');
      mkdirSync(source);
      writeAudit(join(source, 'audit.log'), events);
      const bundle = join(dir, `bundle-${events}`);
      const sealed = await runCausa(['seal', source, '-o', bundle], { boundMiB: 64 * 1024 });
      expect(sealed.code, sealed.stderr).toBe(0);
      const casePath = join(dir, `case-${events}.causa`);
      peaks.import!.push(measured('import', events, await runCausa(['import', bundle, '--case', casePath])));
      const bundleRun = await runCausa(['verify', bundle]);
      // Unsigned: exit 1 says the signature is missing, which is not what is measured here.
      peaks['verify bundle']!.push(measured('verify bundle', events, { ...bundleRun, code: bundleRun.code === 1 ? 0 : bundleRun.code }));
      const caseRun = await runCausa(['verify', casePath]);
      peaks['verify case']!.push(measured('verify case', events, { ...caseRun, code: caseRun.code === 1 ? 0 : caseRun.code }));
      peaks.graph!.push(measured('graph', events, await runCausa(['graph', casePath, '--json'])));
      peaks.report!.push(
        measured('report', events, await runCausa(['report', casePath, '--format', 'md', '-o', join(dir, `r-${events}.md`)])),
      );
      peaks['graph, linked']!.push(measured('graph, linked', events, await runCausa(['graph', casePath, '--json'], elsewhere)));
      const elsewhereReport = ['report', casePath, '--format', 'md', '-o', join(dir, `r-${events}-elsewhere.md`)];
      peaks['report, linked']!.push(measured('report, linked', events, await runCausa(elsewhereReport, elsewhere)));
    }
    expect(missedRatios(peaks)).toEqual([]);
  }, 3_600_000);

  it(`import and graph of a log of mostly writes, ${COUNTS.join(' and ')} events`, async () => {
    ensureBuilt();
    const peaks: Record<string, number[]> = { 'import, writes': [], 'graph, writes': [], 'report, writes': [] };
    const elsewhere = { env: { CAUSA_HOME: mkdtempSync(join(tmpdir(), 'causa-bench-elsewhere-')) } };
    for (const events of COUNTS) {
      const log = join(dir, `writes-${events}.log`);
      writeWrites(log, events);
      const casePath = join(dir, `writes-${events}.causa`);
      peaks['import, writes']!.push(measured('import, writes', events, await runCausa(['import', log, '--case', casePath])));
      // Linked anew, the case's link cache not believed: the linker's own peak.
      const graph = await runCausa(['graph', casePath], elsewhere);
      peaks['graph, writes']!.push(measured('graph, writes', events, graph));
      expect(graph.stdout).toMatch(new RegExp(`${events} background events`));
      const report = ['report', casePath, '--format', 'md', '-o', join(dir, `w-${events}.md`)];
      peaks['report, writes']!.push(measured('report, writes', events, await runCausa(report, elsewhere)));
    }
    expect(missedRatios(peaks)).toEqual([]);
  }, 3_600_000);
});

/** Every ratio of the larger run's peak to the smaller's printed; those that miss the budget named. */
function missedRatios(peaks: Record<string, number[]>): string[] {
  const missed: string[] = [];
  for (const [name, [small, large]] of Object.entries(peaks)) {
    if (small === undefined || large === undefined) continue;
    const ratio = large / small;
    results.push(`${name.padEnd(14)} ratio ${ratio.toFixed(2)} (budget ≤ 1.20: ${ratio <= 1.2 ? 'holds' : 'MISSED'})`);
    if (ratio > 1.2) missed.push(`${name}: ${large} MiB for ${COUNTS[1]} events against ${small} MiB for ${COUNTS[0]}`);
  }
  return missed;
}

/**
 * A loose audit log of mostly writes: people and a pipeline getting, listing, updating, patching, deleting
 * and creating pods by name (two thirds writes), ten requests a second, at Metadata level (no bodies, so
 * no uid: the case knows no object and nothing follows from the writes). The shape pull-million.bench.ts
 * loads into ClickHouse; linked as nodes, its million writes took 967 MiB.
 */
function writeWrites(path: string, events: number): void {
  const namespaces = ['prod', 'staging', 'kube-system', 'payments'];
  const users = ['alice@example.com', 'system:serviceaccount:ci:deployer', 'bob@example.com', 'carol@example.com', 'dave@example.com'];
  const verbs = ['get', 'list', 'update', 'patch', 'delete', 'create'];
  const base = Date.UTC(2025, 3, 3, 14, 0, 0);
  const fd = openSync(path, 'w');
  try {
    for (let start = 0; start < events; start += 10_000) {
      const batch: string[] = [];
      for (let i = start; i < Math.min(events, start + 10_000); i += 1) {
        const [ns, user, verb] = [namespaces[i % 4], users[Math.floor(i / 7) % 5], verbs[i % 6]];
        const at = `${new Date(base + Math.floor(i / 10) * 1000).toISOString().slice(0, 19)}.${i % 10}00000Z`;
        batch.push(
          JSON.stringify({
            apiVersion: 'audit.k8s.io/v1',
            kind: 'Event',
            level: 'Metadata',
            auditID: `w-${i}`,
            stage: 'ResponseComplete',
            requestURI: `/api/v1/namespaces/${ns}/pods/web-${i % 100}`,
            verb,
            user: { username: user, groups: ['system:authenticated'] },
            sourceIPs: [`10.0.0.${i % 250}`],
            userAgent: 'kubectl/v1.30.0',
            objectRef: { resource: 'pods', namespace: ns, name: `web-${i % 100}`, apiVersion: 'v1' },
            responseStatus: { metadata: {}, code: 200 },
            requestReceivedTimestamp: at,
            stageTimestamp: at,
          }),
        );
      }
      writeSync(fd, `${batch.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}
