// Issue 18 end to end on the built-in INC-0047 sample: the span waterfall beside the graph shows the
// selected event's trace nested by parent with duration bars, a subtree folds and unfolds, a row selects
// its span (the graph and the timeline follow), and the inspector reads the model span as a conversation
// with tool calls, results and its tokens and latency, the raw record still below it.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './support/browser';
import { serve, ROOT, type Served } from './support/serve';
import { GraphPage } from './pages/graph';

let browser: Browser;
let served: Served;

beforeAll(async () => {
  browser = await launchChromium();
  served = await serve([join(ROOT, 'resources', 'samples', 'inc-0047')]);
});

afterAll(async () => {
  await served?.stop();
  await browser?.close();
});

async function openWaterfall(page: Page): Promise<void> {
  await new GraphPage(page).ready();
  await page.getByTestId('tab-spans').click();
  await page.getByTestId('waterfall-row').first().waitFor();
}

const rowNames = (page: Page) => page.locator('[data-testid=waterfall-row] .waterfall-name').allTextContents();

describe('the span waterfall and the conversation view', () => {
  it('nests the trace, folds a subtree, selects a span and shows its conversation', async () => {
    const { page, errors } = await openWorkbenchPage(browser, served.url);
    await openWaterfall(page);
    const rows = page.getByTestId('waterfall-row');

    // The case opens on its first prompt; the waterfall shows that prompt's trace: the agent run first,
    // its model and tool calls under it, every bar inside the track.
    const names = await rowNames(page);
    expect(names[0]).toMatch(/^invoke_agent /);
    expect(await rows.first().getAttribute('aria-level')).toBe('1');
    expect(names.some((n) => n.startsWith('chat '))).toBe(true);
    expect(names.some((n) => n.startsWith('execute_tool '))).toBe(true);
    const levels = await rows.evaluateAll((els) => els.map((el) => Number(el.getAttribute('aria-level'))));
    expect(levels.slice(1).every((l) => l >= 2)).toBe(true);
    const bars = await page.locator('.waterfall-bar').evaluateAll((els) =>
      els.map((el) => {
        const bar = el.getBoundingClientRect();
        const track = el.parentElement!.getBoundingClientRect();
        return { left: bar.left - track.left, right: track.right - bar.right, width: bar.width };
      }),
    );
    for (const bar of bars) {
      expect(bar.left).toBeGreaterThanOrEqual(-0.5);
      expect(bar.right).toBeGreaterThanOrEqual(-0.5);
      expect(bar.width).toBeGreaterThanOrEqual(2);
    }
    // The root's bar spans the whole track: the trace's time scale is the agent run's.
    expect(bars[0]!.left).toBeLessThan(1);
    expect(bars[0]!.right).toBeLessThan(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'spans-waterfall.png') });

    // Fold the deepest subtree that has children, then unfold it.
    const total = await rows.count();
    const index = await toggleRowIndex(page);
    const spanId = await rows.nth(index).getAttribute('data-span');
    const parentRow = page.locator(`[data-testid=waterfall-row][data-span="${spanId}"]`);
    expect(await parentRow.getAttribute('aria-expanded')).toBe('true');
    await parentRow.getByTestId('waterfall-toggle').click();
    await expect.poll(() => rows.count()).toBeLessThan(total);
    expect(await parentRow.getAttribute('aria-expanded')).toBe('false');
    const hidden = total - (await rows.count());
    expect(await parentRow.locator('.tab-badge').textContent()).toBe(`+${hidden}`);
    await parentRow.getByTestId('waterfall-toggle').click();
    await expect.poll(() => rows.count()).toBe(total);

    // Fold the agent run whole: one row left; by keyboard too (ArrowLeft folds, ArrowRight unfolds).
    await rows.first().getByTestId('waterfall-toggle').click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByTestId('waterfall-toggle').click();
    await expect.poll(() => rows.count()).toBe(total);
    await rows.first().focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => rows.count()).toBe(1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => rows.count()).toBe(total);

    // Select a model call that asked for a tool: the row, the graph node and the inspector follow.
    const chatRows = rows.filter({ has: page.locator('.waterfall-name', { hasText: /^chat / }) });
    await chatRows.first().click();
    await expect.poll(() => chatRows.first().getAttribute('aria-selected')).toBe('true');
    const chat = page.getByTestId('span-chat');
    await chat.waitFor();
    await expect.poll(() => page.locator('[data-testid=graph-node][data-selected=true]').count()).toBe(1);
    const roles = await chat.getByTestId('chat-message').evaluateAll((els) => els.map((el) => el.getAttribute('data-role')));
    expect(roles[0]).toBe('system');
    expect(roles).toContain('user');
    expect(roles).toContain('assistant');
    const usage = await page.getByTestId('span-usage').textContent();
    expect(usage).toMatch(/^claude-[\w.-]+ · \d[\d,]* in · \d[\d,]* out · [\d,]+ tokens · [\d.]+ (ms|s)$/);
    // The output asked for a tool: a card with its name and indented arguments, not escaped JSON.
    const call = chat.getByTestId('chat-tool-call').last();
    await call.waitFor();
    const args = await call.locator('pre').textContent();
    expect(args).toMatch(/^\{\n {2}"/);
    expect(args).not.toContain('\\"');
    // The raw record is still there, exact bytes with the escaped messages.
    expect(await page.getByTestId('raw-record').textContent()).toContain('gen_ai.input.messages');
    await page.screenshot({ path: join(SCREENSHOTS, 'spans-chat.png') });
    await call.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'spans-chat-cards.png') });

    // A later turn's chat holds the tool's result as read back by the model.
    for (const i of [...Array(await chatRows.count()).keys()].reverse()) {
      await chatRows.nth(i).click();
      await chat.waitFor();
      if ((await chat.getByTestId('chat-tool-result').count()) > 0) break;
    }
    expect(await chat.getByTestId('chat-tool-result').count()).toBeGreaterThan(0);

    // A tool span reads as its call and its result.
    await rows
      .filter({ has: page.locator('.waterfall-name', { hasText: /^execute_tool / }) })
      .first()
      .click();
    await expect.poll(() => chat.getByTestId('chat-tool-call').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a 1024x700 window', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await page.goto(served.url);
    await new GraphPage(page).ready();
    const workspace = page.getByTestId('workspace');
    const before = (await workspace.boundingBox())!;
    await openWaterfall(page);
    // The timeline hidden under the waterfall gives the workspace no height of its own: it keeps its place
    // under the filters and fills the window to the bottom.
    expect(await workspace.boundingBox()).toEqual(before);
    expect(before.y + before.height).toBeCloseTo(700, 0);
    const row = page.getByTestId('waterfall-row').first();
    const box = (await row.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    // Every duration label stays inside the waterfall.
    const waterfall = (await page.getByTestId('span-waterfall').boundingBox())!;
    const labels = await page
      .locator('.waterfall-duration')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    for (const label of labels) expect(label.right).toBeLessThanOrEqual(waterfall.x + waterfall.width + 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'spans-1024.png') });
    await page.close();
  });
});

/** The index of the last row that has a toggle (a span with children). */
async function toggleRowIndex(page: Page): Promise<number> {
  return page.getByTestId('waterfall-row').evaluateAll((els) =>
    els
      .map((el, i) => (el.querySelector('[data-testid=waterfall-toggle]') ? i : -1))
      .filter((i) => i >= 0)
      .at(-1)!,
  );
}
