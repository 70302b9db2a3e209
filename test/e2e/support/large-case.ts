/// <reference lib="dom" />
// A large case as a user meets it (issue 17): `causa sample --events N`, `causa import`, `causa serve` on
// the case, then Chromium opens it, searches, filters, waits for the graph and scrolls the timeline, with
// the timings of each step. test/e2e/large-case.e2e.ts runs it small in `npm test` and checks what it
// shows; test/bench/workbench-million.bench.ts runs it at 1,000,000 events against the budgets.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './browser';
import { runCausa, serve } from './serve';
import { GraphPage } from '../pages/graph';

export interface LargeCaseRun {
  events: number;
  /** Wall-clock seconds of `causa sample` and `causa import`. */
  sampleS: number;
  importS: number;
  /**
   * The page's own clock (from the start of its navigation, as a browser's tab counts it): the timeline's
   * first rows, and the graph's first chain drawn.
   */
  firstRowsMs: number;
  graphMs: number;
  /** The same, counting the new browser context the test opens first (a fresh profile, not a user's tab). */
  graphWithContextMs: number;
  /** The graph's first chain drawn when the case is opened again by a new `causa serve` (the link cache). */
  graphReopenedMs: number;
  chains: number;
  /** The API's answer to each request of a page of events, as the browser timed it (no typing delay). */
  searchPageMs: number;
  searchTotal: number;
  filterPageMs: number;
  filterTotal: number;
  /** Scrolling the timeline 10 rows a frame (a fast wheel, 600 rows a second at 60 fps). */
  scroll: ScrollFigures;
  /** A flick: 40 rows a frame, more than a screenful, every row new each frame. */
  flick: ScrollFigures;
  /** The last row, reached by scrolling to the end. */
  lastRowIndex: number;
  total: number;
  /** The case's tool calls, as the API counts them. */
  toolCalls: number;
  errors: string[];
}

export interface ScrollFigures {
  frames: number;
  /** Frames a second over the scroll, and the 95th percentile and longest frame, in ms. */
  fps: number;
  p95FrameMs: number;
  longestFrameMs: number;
  /** Long animation frames (over 50 ms) Chromium's performance timeline reported during the scroll. */
  longFrames: number;
  rowsPassed: number;
  /** Frames in which a row was drawn without its event (its page not come yet: drawn loading, then again). */
  loadingFrames: number;
}

const seconds = (start: number) => (performance.now() - start) / 1000;

const GRAPH_DRAWN = '[data-testid=graph][data-status=ready] [data-testid=graph-node]';

/** The page's clock (ms since its navigation started) when `selector` first matches, checked every frame. */
async function drawnAt(page: Page, selector: string): Promise<number> {
  const at = await page.waitForFunction((sel) => document.querySelector(sel) !== null && performance.now(), selector, {
    polling: 'raf',
    timeout: 600_000,
  });
  return Number(await at.jsonValue());
}

/** How long the API took to answer the latest request of `method` (the browser's resource timing). */
async function lastApiMs(page: Page, method: string): Promise<number> {
  return page.evaluate((name) => {
    const entries = performance.getEntriesByType('resource').filter((e) => e.name.endsWith(`/api/${name}`));
    const last = entries.at(-1) as PerformanceResourceTiming | undefined;
    return last ? last.responseEnd - last.requestStart : Number.NaN;
  }, method);
}

/** Waits until the timeline's total differs from `before` and its first row is drawn; returns the total. */
async function totalAfter(page: Page, before: string | null): Promise<number> {
  await page.waitForFunction(
    (old) => {
      const timeline = document.querySelector('[data-testid=timeline]');
      const total = timeline?.getAttribute('data-total');
      return total !== '' && total !== null && total !== old && (total === '0' || timeline!.querySelector('[data-testid=timeline-row]'));
    },
    before,
    { timeout: 120_000 },
  );
  return Number(await page.getByTestId('timeline').getAttribute('data-total'));
}

/** Scrolls the timeline `rowsPerFrame` rows each animation frame for `frames` frames, timing every frame. */
async function scrollTimeline(page: Page, frames: number, rowsPerFrame: number): Promise<ScrollFigures> {
  return page.evaluate(
    async ({ frames, rowsPerFrame }) => {
      const body = document.querySelector<HTMLElement>('[data-testid=timeline]')!;
      const rowHeight = document.querySelector<HTMLElement>('[data-testid=timeline-row]')?.offsetHeight ?? 30;
      let longFrames = 0;
      const observer = new PerformanceObserver((list) => {
        longFrames += list.getEntries().length;
      });
      try {
        observer.observe({ type: 'long-animation-frame', buffered: false });
      } catch {
        observer.observe({ type: 'longtask', buffered: false });
      }
      const stamps: number[] = [];
      const startTop = body.scrollTop;
      let loadingFrames = 0;
      await new Promise<void>((resolve) => {
        const step = (now: number) => {
          stamps.push(now);
          if (body.querySelector('.timeline-row.loading')) loadingFrames += 1;
          if (stamps.length > frames) return resolve();
          body.scrollTop += rowsPerFrame * rowHeight;
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      });
      // The observer reports a frame after it ends.
      await new Promise((resolve) => setTimeout(resolve, 100));
      observer.disconnect();
      const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
      const sorted = [...gaps].sort((a, b) => a - b);
      return {
        frames: gaps.length,
        fps: (gaps.length * 1000) / (stamps.at(-1)! - stamps[0]!),
        p95FrameMs: sorted[Math.floor(sorted.length * 0.95)]!,
        longestFrameMs: sorted.at(-1)!,
        longFrames,
        rowsPassed: Math.round((body.scrollTop - startTop) / rowHeight),
        loadingFrames,
      };
    },
    { frames, rowsPerFrame },
  );
}

/** The whole run; `dir` receives the bundle and the case, `label` names the screenshots. */
export async function runLargeCase(events: number, dir: string, label: string): Promise<LargeCaseRun> {
  const bundle = join(dir, 'bundle');
  const casePath = join(dir, 'large.causa');
  let start = performance.now();
  const made = await runCausa(['sample', 'inc-0047', '-o', bundle, '--events', String(events)]);
  if (made.code !== 0) throw new Error(`causa sample failed: ${made.stderr}`);
  const sampleS = seconds(start);
  start = performance.now();
  const imported = await runCausa(['import', bundle, '--case', casePath]);
  // The sample is signed by the sample key, which this machine does not trust: exit 1, everything imported.
  if (imported.code > 1 || !/no errors/.test(imported.stdout)) throw new Error(`causa import failed: ${imported.stdout}${imported.stderr}`);
  const importS = seconds(start);

  const served = await serve([casePath]);
  let browser: Browser | undefined;
  try {
    const info = (await (
      await fetch(`${served.origin}/api/caseInfo`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      })
    ).json()) as { value: { kinds: { kind: string; count: number }[] } };
    const toolCalls = info.value.kinds.find((k) => k.kind === 'tool_call')?.count ?? 0;
    browser = await launchChromium();
    start = performance.now();
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    const firstRowsMs = await drawnAt(page, '[data-testid=timeline-row]');
    const total = await workbench.total();
    const graph = new GraphPage(page);
    const graphMs = await drawnAt(page, GRAPH_DRAWN);
    const graphWithContextMs = performance.now() - start;
    const chains = (await graph.chainPicker.locator('option').count()) - 1;
    await page.screenshot({ path: join(SCREENSHOTS, `${label}-opened.png`) });

    let before = await workbench.timeline.getAttribute('data-total');
    await workbench.search('api-service');
    const searchTotal = await totalAfter(page, before);
    const searchPageMs = await lastApiMs(page, 'listEvents');
    await page.screenshot({ path: join(SCREENSHOTS, `${label}-search.png`) });

    before = await workbench.timeline.getAttribute('data-total');
    await workbench.search('');
    await totalAfter(page, before);
    before = await workbench.timeline.getAttribute('data-total');
    await workbench.chooseFilter('kind', ['tool_call']);
    const filterTotal = await totalAfter(page, before);
    const filterPageMs = await lastApiMs(page, 'listEvents');

    // The whole case again, scrolled as fast as a flick of the wheel, then to its very end.
    await page.close();
    const reopened = await openWorkbenchPage(browser, served.url);
    errors.push(...reopened.errors);
    await reopened.page.getByTestId('timeline-row').first().waitFor({ timeout: 120_000 });
    // Once the graph has opened its first chain (which selects a node and scrolls the timeline to it).
    const regraphed = new GraphPage(reopened.page);
    await regraphed.ready();
    await regraphed.nodes.first().waitFor({ timeout: 600_000 });
    // The graph lays out and fits its first chain over the next moments: the scroll is measured after,
    // as an analyst scrolls a page that has settled.
    await reopened.page.waitForTimeout(1500);
    const scroll = await scrollTimeline(reopened.page, 240, 10);
    const flick = await scrollTimeline(reopened.page, 120, 40);
    await reopened.page.evaluate(() => {
      const body = document.querySelector<HTMLElement>('[data-testid=timeline]')!;
      body.scrollTop = body.scrollHeight;
    });
    const last = reopened.page.locator(`[data-testid=timeline-row][data-index="${total - 1}"]`);
    await last.waitFor({ timeout: 120_000 });
    const lastRowIndex = Number(await last.getAttribute('data-index'));
    await reopened.page.screenshot({ path: join(SCREENSHOTS, `${label}-end.png`) });
    await reopened.page.close();

    // The case opened again by a new `causa serve`: the graph comes from the case's link cache.
    await served.stop();
    const again = await serve([casePath]);
    let graphReopenedMs: number;
    try {
      const third = await openWorkbenchPage(browser, again.url);
      errors.push(...third.errors);
      graphReopenedMs = await drawnAt(third.page, GRAPH_DRAWN);
      await third.page.close();
    } finally {
      await again.stop();
    }
    return {
      events,
      sampleS,
      importS,
      firstRowsMs,
      graphMs,
      graphWithContextMs,
      graphReopenedMs,
      chains,
      searchPageMs,
      searchTotal,
      filterPageMs,
      filterTotal,
      scroll,
      flick,
      lastRowIndex,
      total,
      toolCalls,
      errors,
    };
  } finally {
    await browser?.close();
    await served.stop();
  }
}

function scrolled(name: string, s: ScrollFigures): string {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  return `${name}: ${s.frames} frames over ${s.rowsPassed} rows, ${s.fps.toFixed(1)} fps, p95 frame ${ms(s.p95FrameMs)}, longest ${ms(s.longestFrameMs)}, ${s.longFrames} long frames, ${s.loadingFrames} frames with rows drawn before their page came`;
}

/** The run's figures, one a line. */
export function describeRun(run: LargeCaseRun): string {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  return [
    `${run.events} events: sample ${run.sampleS.toFixed(1)} s, import ${run.importS.toFixed(1)} s`,
    `  after navigation: timeline's first rows ${ms(run.firstRowsMs)}; graph's first chain drawn ${ms(run.graphMs)} (${run.chains} chains; ` +
      `${ms(run.graphWithContextMs)} counting the new browser context), ${ms(run.graphReopenedMs)} when opened again by a new server`,
    `  search "api-service": ${run.searchTotal} events, page answered in ${ms(run.searchPageMs)}`,
    `  filter kind tool_call: ${run.filterTotal} events, page answered in ${ms(run.filterPageMs)}`,
    `  ${scrolled('scroll', run.scroll)}`,
    `  ${scrolled('flick', run.flick)}; last row ${run.lastRowIndex + 1} of ${run.total} reached`,
  ].join('\n');
}
