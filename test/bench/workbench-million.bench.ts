// Issue 17's workbench figures at full size: 1,000,000 audit events (BENCH_WORKBENCH_EVENTS) sampled,
// imported and opened in Chromium through `causa serve`, as test/e2e/large-case.e2e.ts does at a small
// size (test/e2e/support/large-case.ts). Budgets: a page of a search or a filter answered in under 100 ms,
// the graph's first chain drawn within 2 s of opening (the page's own clock, from the start of its
// navigation: what a browser's tab counts; the new browser context the test makes first is printed too), the timeline scrolled at 60 fps (10 rows a frame):
// 95 % of frames within one refresh of a 60 Hz screen (the mean is printed too; a dropped frame or two
// in 240 is the machine, not the timeline).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../unit/hostile/watchdog';
import { describeRun, runLargeCase } from '../e2e/support/large-case';

const EVENTS = Number(process.env.BENCH_WORKBENCH_EVENTS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'causa-bench-workbench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a million events in the workbench (issue 17)', () => {
  it(`opens, searches, filters, graphs and scrolls ${EVENTS} events`, async () => {
    ensureBuilt();
    const run = await runLargeCase(EVENTS, dir, 'bench-million');
    const verdict = (ok: boolean) => (ok ? 'holds' : 'MISSED');
    const budgets = {
      search: run.searchPageMs < 100,
      filter: run.filterPageMs < 100,
      graph: run.graphMs < 2000,
      reopened: run.graphReopenedMs < 2000,
      scroll: run.scroll.p95FrameMs <= 17.5,
    };
    process.stdout.write(
      `\nThe workbench on ${EVENTS} events (issue 17)\n${describeRun(run)}\n` +
        `  budgets: search page < 100 ms ${verdict(budgets.search)}; filter page < 100 ms ${verdict(budgets.filter)}; ` +
        `first chain < 2 s ${verdict(budgets.graph)} (opened again ${verdict(budgets.reopened)}); scroll at 60 fps (p95 frame ≤ 17.5 ms) ${verdict(budgets.scroll)}\n`,
    );
    expect(run.errors).toEqual([]);
    expect(run.lastRowIndex).toBe(run.total - 1);
    expect(budgets).toEqual({ search: true, filter: true, graph: true, reopened: true, scroll: true });
  }, 3_600_000);
});
