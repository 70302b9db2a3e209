// Re-verifying a large case from the workbench: the panel shows a progress bar while the records are
// re-checked (the host keeps answering its polls), then the verdict; a cancelled run records nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './support/browser';
import { runCausa, serve, ROOT, type Served } from './support/serve';
import { cancelWhenOffered, VerificationPanelPage } from './pages/workbench';

let browser: Browser;
let served: Served;
const home = mkdtempSync(join(tmpdir(), 'causa-e2e-verify-home-'));

beforeAll(async () => {
  browser = await launchChromium();
  const trusted = await runCausa(['trust', 'add', join(ROOT, 'resources', 'keys', 'sample-ed25519.pub.pem')], { CAUSA_HOME: home });
  expect(trusted.code, trusted.stderr).toBe(0);
  // INC-0047 scaled up: enough records that re-checking them takes many polls of the progress bar.
  const bundle = join(mkdtempSync(join(tmpdir(), 'causa-e2e-verify-')), 'inc-0047-large');
  const sample = await runCausa(['sample', 'inc-0047', '-o', bundle, '--events', '50000']);
  expect(sample.code, sample.stderr).toBe(0);
  served = await serve([bundle], { CAUSA_HOME: home });
});

afterAll(async () => {
  await served?.stop();
  await browser?.close();
});

describe('re-verifying a large case in the workbench', () => {
  it('shows which source is checked and a rising progress bar, then the verdict; Cancel records nothing', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await workbench.total();
    const verification = new VerificationPanelPage(page);
    const { panel } = verification;
    await panel.getByTestId('bundle-verdict').waitFor();
    expect(await panel.getByTestId('bundle-verdict').textContent()).toContain('bundle checked on import');

    await verification.recordProgress();
    await panel.getByTestId('reverify').click();
    await verification.progress.waitFor();
    await verification.waitForProgressOrEnd();
    // 50,000 records take a while on a loaded machine: the run's end is waited for longer than a click.
    const RUN = { timeout: 100_000 };
    await page.screenshot({ path: join(SCREENSHOTS, 'verification-progress.png') });
    await panel.getByTestId('verify-last').waitFor(RUN);
    const seen = await verification.progressSeen();
    const total = seen[0]!.max;
    expect(
      seen.some((s) => s.now > 0 && s.now < total),
      'a value short of the total, shown while the run went on',
    ).toBe(true);
    expect(seen.every((s) => s.max === total)).toBe(true);
    expect(seen.map((s) => s.now)).toEqual([...seen.map((s) => s.now)].sort((a, b) => a - b));
    // The bundle's 6 sources (3 chained streams, 2 listings and the trace sealed value by value), then the
    // case's own seal of each of them.
    expect(await panel.getByTestId('verify-last').textContent()).toBe(
      `Re-checked ${total.toLocaleString('en')} of ${total.toLocaleString('en')} records in 12 sources.`,
    );
    const verdict = panel.getByTestId('bundle-verdict').first();
    await expect
      .poll(async () => panel.getByTestId('bundle-verdict').allTextContents())
      .toEqual([
        expect.stringMatching(/^Intact records re-checked/),
        expect.stringMatching(/^Intact case's own seals checked/),
        expect.stringMatching(/^Intact analyst journal checked/),
      ]);
    await expect.poll(async () => verdict.textContent()).toContain('records re-checked');
    expect(await verdict.textContent()).toMatch(/^Intact/);
    const checkedAt = await verdict.textContent();
    await page.screenshot({ path: join(SCREENSHOTS, 'verification-done.png') });

    // A second run, cancelled as soon as it can be: the verdict above stays as it was.
    await panel.getByTestId('reverify').click();
    // Cancel is offered once the main side has said what it is doing; the page presses it the moment it
    // is, so that a fast run does not end in the round trip a click from the test would take.
    const shown = await cancelWhenOffered(
      page,
      {
        cancel: '[data-testid=verification-panel] [data-testid=verify-cancel]',
        text: '[data-testid=verification-panel] [data-testid=verify-progress-text]',
      },
      RUN.timeout,
    );
    // The first answer may come before the first source is named.
    expect(shown).toMatch(/^(inc-0047-large · )?([\w-]+\/[\w-]+\.jsonl? · )?source \d+ of 12 · [\d,]+ of [\d,]+ records$/); // the bundle's 6 sources, then their 6 seals
    // On an idle machine the whole run can end before the click reaches the main side; then the run was
    // recorded, as it should be. (test/unit/service/verify-progress.test.ts cancels deterministically.)
    await page.waitForSelector('[data-testid=verify-cancelled], [data-testid=verify-last], [data-testid=verification-panel] .error', RUN);
    expect(await panel.locator('.error').count(), (await panel.textContent()) ?? '').toBe(0);
    if (await panel.getByTestId('verify-cancelled').count()) {
      expect(await panel.getByTestId('verify-cancelled').textContent()).toBe('Cancelled: nothing was recorded; the verdicts above stand.');
      expect(await verdict.textContent()).toBe(checkedAt);
    } else {
      await expect.poll(async () => verdict.textContent()).not.toBe(checkedAt);
      expect(await verdict.textContent()).toMatch(/^Intact/);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'verification-cancelled.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
