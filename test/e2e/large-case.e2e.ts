// A large case opened in the workbench as a user opens one (issue 17), at a size `npm test` can afford
// (CAUSA_E2E_LARGE_EVENTS, 20,000 audit events by default; test/bench/workbench-million.bench.ts runs the
// same at 1,000,000 against the budgets): the timeline shows the first rows, the graph draws its chains,
// a search and a filter narrow the timeline, and scrolling reaches the last row. The timings are printed;
// what is checked is what the analyst sees.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, runLargeCase } from './support/large-case';

const EVENTS = Number(process.env.CAUSA_E2E_LARGE_EVENTS ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'causa-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a large case in the workbench', () => {
  it(`opens ${EVENTS} audit events, searches, filters, draws the graph and scrolls to the end`, async () => {
    const run = await runLargeCase(EVENTS, dir, 'large-case');
    process.stdout.write(`\n${describeRun(run)}\n`);
    // The sample's story (its agent's traces and transcripts) comes on top of the audit events.
    expect(run.total).toBeGreaterThan(EVENTS);
    expect(run.chains).toBeGreaterThan(0);
    expect(run.searchTotal).toBeGreaterThan(0);
    expect(run.searchTotal).toBeLessThan(run.total);
    expect(run.toolCalls).toBeGreaterThan(0);
    expect(run.filterTotal).toBe(run.toolCalls);
    expect([run.scroll.frames, run.flick.frames]).toEqual([240, 120]);
    expect(run.scroll.rowsPassed + run.flick.rowsPassed).toBeGreaterThan(7000);
    // The pages ahead are asked for before their rows are drawn: scrolling 10 rows a frame crosses a page
    // every 20 frames, and a row drawn before its page is asked for would be drawn loading at each (12 in
    // all); a page is asked for 20 frames early, so only a page slower than that shows one.
    expect(run.scroll.loadingFrames).toBeLessThan(4);
    expect(run.lastRowIndex).toBe(run.total - 1);
    expect(run.errors).toEqual([]);
  }, 900_000);
});
