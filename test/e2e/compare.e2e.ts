// Compare cases and saved views in the story (issue 21), in Chromium on the workbench in web mode:
// INC-0047 is opened with the second built-in sample (staging-apollo, written by `causa sample`) beside
// it; the Compare tab lines the two up at their first prompts. Then a saved view is inserted in the story
// and the exported report lists its events. Screenshots at 1440×900 and 1024×700.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './support/browser';
import { ROOT, runCausa, serve, type Served } from './support/serve';

let browser: Browser;
let served: Served;
let dir: string;

async function causa(args: string[]): Promise<void> {
  const run = await runCausa(args);
  if (run.code !== 0 && run.code !== 1) throw new Error(`causa ${args.join(' ')}: ${run.stderr}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-compare-e2e-'));
  await causa(['sample', 'staging-apollo', '-o', join(dir, 'apollo-bundle')]);
  await causa(['import', join(dir, 'apollo-bundle'), '--case', join(dir, 'staging-apollo.causa')]);
  await causa(['import', join(ROOT, 'resources', 'samples', 'inc-0047'), '--case', join(dir, 'inc-0047.causa')]);
  browser = await launchChromium();
  served = await serve([join(dir, 'inc-0047.causa')]);
}, 180_000);

afterAll(async () => {
  await served?.stop();
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('compare cases', () => {
  it('lines INC-0047 up with staging-apollo at their first prompts', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await workbench.total();
    await page.getByTestId('tab-compare').click();
    const select = page.getByTestId('compare-case');
    // The list comes from the main side, which may still be linking the case for the graph.
    await expect.poll(() => select.locator('option').allInnerTexts(), { timeout: 60_000 }).toEqual(['staging-apollo']);
    await page.getByTestId('compare-run').click();
    const rows = page.getByTestId('compare-row');
    await rows.first().waitFor({ timeout: 60_000 });

    // t=0 on both sides: the prompts, matched, two weeks apart.
    const first = rows.first();
    expect(await first.getAttribute('data-status')).toBe('match');
    expect(await first.innerText()).toMatch(
      /\+0\.0s\s+prompt\s*“update api-service image to v3\.2\.1-beta”\s+\+0\.0s\s+prompt\s*“remove unused autoscaler/,
    );
    const head = await page.getByTestId('compare-table').locator('thead').innerText();
    expect(head).toContain('t=0 2025-04-03T14:31:04');
    expect(head).toContain('t=0 2025-04-17T14:03:22');

    // The agent's first API call differs: a get of the Deployment here, a denied cluster-wide list there.
    const differ = rows.filter({ hasText: /API\s*get deployments/ }).first();
    expect(await differ.getAttribute('data-status')).toBe('differ');
    expect(await differ.innerText()).toMatch(
      /\+1\.2s\s+API\s*get deployments\s*production\s+\+3\.1s\s+API\s*list horizontalpodautoscalers\s*denied/i,
    );
    // The delete of the autoscaler happened only in staging-apollo's run, and its offset says when.
    const deleteRow = rows.filter({ hasText: 'delete horizontalpodautoscalers' }).first();
    expect(await deleteRow.innerText()).toContain('+25.0s');
    // The second prompt of INC-0047 has nothing beside it.
    const rollBack = rows.filter({ hasText: 'roll back api-service' });
    expect(await rollBack.getAttribute('data-status')).toBe('only_this');
    expect(await rollBack.innerText()).toContain('+3m57s');

    const statuses = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    const summary = await page.getByTestId('compare-summary').innerText();
    const count = (s: string) => statuses.filter((x) => x === s).length;
    expect(summary).toBe(
      `${count('match')} the same · ${count('differ')} different · ${count('only_this')} only in inc-0047 · ${count('only_other')} only in staging-apollo`,
    );
    // Every step reads whole: verb, resource and namespace are not cut off.
    const cut = await rows.locator('td').evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth + 1).length);
    expect(cut).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-1440.png') });
    expect(errors).toEqual([]);
    await page.close();

    // A 1024×700 window as it first opens (its side panes folded), comparing again.
    const small = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await small.goto(served.url);
    await small.getByTestId('tab-compare').click();
    await expect.poll(() => small.getByTestId('compare-case').locator('option').count(), { timeout: 60_000 }).toBe(1);
    await small.getByTestId('compare-run').click();
    await small.getByTestId('compare-row').first().waitFor({ timeout: 60_000 });
    expect(await small.getByTestId('compare-row').count()).toBe(statuses.length);
    const table = await small.getByTestId('compare-table').boundingBox();
    expect(table!.x + table!.width).toBeLessThanOrEqual(1024);
    await small.screenshot({ path: join(SCREENSHOTS, 'compare-1024.png') });
    await small.close();
  }, 120_000);
});

describe('a saved view in the story', () => {
  it('inserts a saved view and the report lists its events', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await workbench.total();
    const input = page.getByTestId('query-input');
    await input.fill('kind:prompt');
    await input.press('Enter');
    await workbench.waitForTotal(2);
    await page.getByTestId('save-view').click();
    await page.getByTestId('save-view-name').fill('what was asked');
    await page.getByTestId('save-view-confirm').click();
    await page.getByTestId('saved-view').filter({ hasText: 'what was asked' }).waitFor();

    await page.getByTestId('tab-story').click();
    const story = page.getByTestId('story-text');
    await story.fill('The agent was asked twice:');
    await expect.poll(() => page.getByTestId('insert-view-name').inputValue()).toBe('what was asked');
    await page.getByTestId('insert-view').click();
    await expect.poll(() => story.inputValue()).toBe('The agent was asked twice:\n\n[[view:what was asked]]\n\n');
    await page.getByTestId('story-save').click();
    // The preview shows the draft at once; another window sees the story only once the journal holds it.
    await expect.poll(() => page.getByTestId('story-save').innerText(), { timeout: 30_000 }).toBe('Saved');
    const ref = page.getByTestId('story-view-ref');
    await ref.waitFor();
    expect(await ref.innerText()).toMatch(/what was asked\s+kind:prompt/);
    await page.screenshot({ path: join(SCREENSHOTS, 'story-view-1440.png') });
    // A 1024×700 window as it first opens (its side panes folded): the saved story shows the view. The
    // analysis is held back until the Story tab is open, as a slow server may answer: the tab first
    // renders with no analysis (it once looped there, React error #185, and showed nothing).
    const small = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    const smallErrors: string[] = [];
    small.on('pageerror', (error) => smallErrors.push(error.message));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await small.route('**/api/analysis', async (route) => {
      await held;
      await route.continue();
    });
    await small.goto(served.url);
    await small.getByTestId('tab-story').click();
    await small.getByTestId('story-panel').waitFor();
    expect(await small.getByTestId('story-view-ref').count()).toBe(0);
    release();
    await small.getByTestId('story-view-ref').waitFor({ timeout: 60_000 });
    expect(smallErrors).toEqual([]);
    await small.getByTestId('story-view-ref').scrollIntoViewIfNeeded();
    await small.screenshot({ path: join(SCREENSHOTS, 'story-view-1024.png') });
    await small.close();

    // The report, as the Export button gets it in web mode: the view's query, its count and its rows.
    const answer = await fetch(`${served.origin}/api/exportReport`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ format: 'md' }),
    });
    const body = (await answer.json()) as { ok: boolean; value: { data_base64: string } };
    const md = Buffer.from(body.value.data_base64, 'base64').toString('utf8');
    expect(md).toContain('The agent was asked twice:\n\n(saved view “what was asked”, shown below)');
    expect(md).toContain('### Saved view: what was asked\n\nQuery: `kind:prompt`. 2 events match.');
    expect(md).toMatch(/\| prompt \| james\.w@example\.com \| “roll back api-service to previous version” \| success \|/);

    // A click on the view in the preview opens it in the timeline.
    await input.fill('');
    await input.press('Enter');
    await ref.click();
    await workbench.waitForTotal(2);
    expect(await input.inputValue()).toBe('kind:prompt');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
