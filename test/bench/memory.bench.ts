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
    // Every ratio printed, then every one that misses its budget named.
    const missed: string[] = [];
    for (const [name, [small, large]] of Object.entries(peaks)) {
      if (small === undefined || large === undefined) continue;
      const ratio = large / small;
      results.push(`${name.padEnd(14)} ratio ${ratio.toFixed(2)} (budget ≤ 1.20: ${ratio <= 1.2 ? 'holds' : 'MISSED'})`);
      if (ratio > 1.2) missed.push(`${name}: ${large} MiB for ${COUNTS[1]} events against ${small} MiB for ${COUNTS[0]}`);
    }
    expect(missed).toEqual([]);
  }, 3_600_000);
});
