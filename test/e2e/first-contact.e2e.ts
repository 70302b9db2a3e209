// What a responder sees first, as `npm run demo` opens it: the built-in INC-0047 bundle served as the demo
// serves it. The workbench must open on the incident (2025-04-03), not on the listings' objects created
// months before it, with the first prompt selected; a filter set and cleared keeps that selection. And the
// analyst's comments are signed with the name they set, not the OS account ("root" in a container).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './support/browser';
import { ROOT, runCausa, serve, type Served } from './support/serve';
import type { WorkbenchPage } from './pages/workbench';

const DEMO_SAMPLE = join(ROOT, 'resources', 'samples', 'inc-0047');
const FIRST_PROMPT = 'update api-service image to v3.2.1-beta';
const INCIDENT_DAY = '2025-04-03';

let browser: Browser;
let served: Served;

beforeAll(async () => {
  browser = await launchChromium();
  served = await serve([DEMO_SAMPLE]);
});

afterAll(async () => {
  await served?.stop();
  await browser?.close();
});

/** The timeline rows wholly inside the timeline's scrolled viewport, top to bottom: what the analyst sees. */
async function visibleRows(page: Page): Promise<{ id: string; time: string; kind: string; selected: boolean }[]> {
  return page.evaluate(() => {
    const body = document.querySelector('[data-testid=timeline]')!.getBoundingClientRect();
    return [...document.querySelectorAll<HTMLElement>('[data-testid=timeline-row]')]
      .map((row) => ({ row, box: row.getBoundingClientRect() }))
      .filter(({ box }) => box.top >= body.top - 1 && box.bottom <= body.bottom + 1)
      .sort((a, b) => a.box.top - b.box.top)
      .map(({ row }) => ({
        id: row.dataset.eventId ?? '',
        time: row.querySelector('.cell.time')?.textContent ?? '',
        kind: row.querySelector('.cell.kind')?.textContent ?? '',
        selected: row.getAttribute('aria-selected') === 'true',
      }));
  });
}

async function selectedRow(workbench: WorkbenchPage) {
  const row = workbench.page.locator('[data-testid=timeline-row][aria-selected=true]');
  await row.waitFor();
  return row;
}

describe('the demo opens on the incident', () => {
  it('selects the first prompt and shows the incident window first; listings are snapshots', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    const total = await workbench.total();
    const row = await selectedRow(workbench);
    expect(await row.locator('.cell.kind').textContent()).toBe('prompt');
    await workbench.rawRecord.waitFor();
    expect(await workbench.rawRecord.textContent()).toContain(FIRST_PROMPT);
    const promptId = await row.getAttribute('data-event-id');

    // The first rows on screen are the prompt and what followed it, all on the incident's day.
    await expect.poll(async () => (await visibleRows(page))[0]?.id).toBe(promptId);
    const shown = await visibleRows(page);
    expect(shown.length).toBeGreaterThan(5);
    for (const r of shown) expect(r.time, `row ${r.id} ${r.kind}`).toMatch(new RegExp(`^${INCIDENT_DAY}`));
    await page.screenshot({ path: join(SCREENSHOTS, 'first-contact-1440.png') });

    // The rows above it are the listings' objects, dated by creation: a kind of their own, not "other".
    await workbench.chooseFilter('kind', ['snapshot']);
    const snapshots = await workbench.total();
    expect(snapshots).toBeGreaterThan(0);
    expect(snapshots).toBeLessThan(total);
    await expect.poll(async () => (await visibleRows(page)).map((r) => r.kind)).not.toContain('other');
    const listed = await visibleRows(page);
    expect(listed.every((r) => r.kind === 'snapshot')).toBe(true);
    expect(
      listed.some((r) => !r.time.startsWith(INCIDENT_DAY)),
      'some objects predate the incident',
    ).toBe(true);
    // The prompt is hidden by this filter but stays the selection, in the inspector.
    expect(await workbench.rawRecord.textContent()).toContain(FIRST_PROMPT);

    // Clearing the filters brings every row back with the prompt still selected and on screen.
    await page.getByTestId('filter-clear').click();
    await workbench.waitForTotal(total);
    await expect.poll(async () => (await visibleRows(page)).find((r) => r.selected)?.id).toBe(promptId);
    expect(await (await selectedRow(workbench)).getAttribute('data-event-id')).toBe(promptId);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a 1024×700 window the same way', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await page.setViewportSize({ width: 1024, height: 700 });
    await workbench.total();
    const row = await selectedRow(workbench);
    expect(await row.textContent()).toContain('prompt');
    await expect.poll(async () => (await visibleRows(page)).some((r) => r.selected)).toBe(true);
    for (const r of await visibleRows(page)) expect(r.time).toMatch(new RegExp(`^${INCIDENT_DAY}`));
    await page.screenshot({ path: join(SCREENSHOTS, 'first-contact-1024.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the analyst signs with a name of their own, not the OS account', () => {
  let home: string;
  let named: Served;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'causa-e2e-home-'));
    // CAUSA_ANALYST empty: the name comes from the setting or the account, as for someone at a desk.
    named = await serve([DEMO_SAMPLE], { CAUSA_HOME: home, CAUSA_ANALYST: '' });
  });

  afterAll(async () => {
    await named?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('sets the name once in the Journal tab; comments, the journal and the report carry it', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, named.url);
    await workbench.total();
    // The first prompt is selected and scrolled to before the analyst leaves the timeline: coming back
    // from the journal must find it where it was (a hidden element loses its scroll position).
    await selectedRow(workbench);
    await page.getByTestId('tab-journal').click();
    const analyst = page.getByTestId('analyst');
    await analyst.waitFor();
    expect(await analyst.getAttribute('data-source')).toBe('account');
    expect(await page.getByTestId('analyst-name').textContent()).toBe(userInfo().username);

    await page.getByTestId('analyst-edit').click();
    await page.getByTestId('analyst-input').fill('Dana Kim, IR team');
    await page.getByTestId('analyst-save').click();
    await page.waitForSelector('[data-testid=analyst][data-source=setting]');
    expect(await page.getByTestId('analyst-name').textContent()).toBe('Dana Kim, IR team');
    expect(JSON.parse(readFileSync(join(home, 'analyst.json'), 'utf8'))).toEqual({ version: 1, name: 'Dana Kim, IR team' });

    // The first prompt is selected on opening: comment on it from the inspector.
    await page.getByTestId('tab-timeline').click();
    await selectedRow(workbench);
    expect(await page.getByTestId('comment-as').textContent()).toContain('as Dana Kim, IR team');
    await page.getByTestId('comment-input').fill('The developer asked for a beta image in production.');
    await page.getByTestId('comment-send').click();
    await expect.poll(() => page.getByTestId('comment-analyst').allTextContents()).toEqual(['Dana Kim, IR team']);

    await page.getByTestId('tab-journal').click();
    await expect.poll(() => page.getByTestId('journal-analyst').allTextContents()).toEqual(['Dana Kim, IR team']);
    await page.screenshot({ path: join(SCREENSHOTS, 'analyst-name-journal.png') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: join(SCREENSHOTS, 'analyst-name-journal-1024.png') });

    const report = join(home, 'postmortem.md');
    const written = await runCausa(['report', named.casePath, '--format', 'md', '-o', report]);
    expect(written.code, written.stderr).toBe(0);
    const text = readFileSync(report, 'utf8');
    expect(text).toContain('Entries signed by: Dana Kim, IR team');
    expect(text).toContain('The developer asked for a beta image in production. — Dana Kim, IR team');
    expect(errors).toEqual([]);
    await page.close();
  });
});
