// The built-in sample, opened as a new user would: its valid signature is by a key they have not
// trusted, which is a question for them (amber, one click to trust), not a fault in the evidence (red).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './support/browser';
import { ROOT, serve, type Served } from './support/serve';

const SAMPLE = join(ROOT, 'resources', 'samples', 'inc-0047');
const SAMPLE_KEY = join(ROOT, 'resources', 'keys', 'sample-ed25519.pub.pem');
const AMBER = 'rgb(229, 163, 61)';
const GREEN = 'rgb(63, 178, 127)';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Every verdict the timeline's loaded rows show, and whether anything in the page is drawn as broken. */
async function verdictsShown(page: Page): Promise<{ rows: string[]; red: number }> {
  const rows = await page
    .getByTestId('timeline-row')
    .evaluateAll((els) => els.map((el) => el.querySelector('[data-testid=verdict-badge]')!.getAttribute('data-verdict')!));
  const red = await page.locator('.verdict-broken, .bundle-verdict.bad, [data-testid=verification-problem]').count();
  return { rows: [...new Set(rows)].sort(), red };
}

/**
 * The verdicts once the timeline shows rows: opening on the incident scrolls it to the first prompt, and
 * the rows there are read anew, so a look taken just then can find none.
 */
async function settledVerdicts(page: Page): Promise<{ rows: string[]; red: number }> {
  let shown = await verdictsShown(page);
  await expect.poll(async () => (shown = await verdictsShown(page)).rows.length, { timeout: 20_000 }).toBeGreaterThan(0);
  return shown;
}

describe('the sample, signed by a key the analyst has not trusted', () => {
  let served: Served;

  beforeAll(async () => {
    served = await serve([SAMPLE], { CAUSA_HOME: mkdtempSync(join(tmpdir(), 'causa-e2e-trust-home-')) });
  });

  afterAll(async () => {
    await served?.stop();
  });

  it('opens amber with no red, and one click trusts the key for this case: then green', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await workbench.total();
    const panel = page.getByTestId('verification-panel');
    const verdict = panel.getByTestId('bundle-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-status')).toBe('untrusted');
    const headline = verdict.getByTestId('bundle-verdict-headline');
    expect(await headline.textContent()).toBe('Signed by a key you have not trusted');
    expect(await headline.evaluate((el) => getComputedStyle(el).color)).toBe(AMBER);
    expect(await verdict.getByTestId('bundle-verdict-sentence').textContent()).toContain('the key that made it is not one you trust');
    expect(await panel.getByTestId('trust-signer').textContent()).toContain(
      'says that this key speaks for whoever you believe sealed the evidence',
    );
    await expect.poll(() => page.getByTestId('timeline-row').count(), { timeout: 20_000 }).toBeGreaterThan(10);
    const before = await settledVerdicts(page);
    expect(before.red).toBe(0);
    expect(
      before.rows.every((v) => v === 'untrusted'),
      before.rows.join(),
    ).toBe(true);
    const badge = page.locator('[data-testid=timeline-row] [data-verdict=untrusted]').first();
    expect(await badge.getAttribute('title')).toContain('signed by a key you have not trusted');
    await page.screenshot({ path: join(SCREENSHOTS, 'trust-untrusted-1440.png') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: join(SCREENSHOTS, 'trust-untrusted-1024.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    await panel.getByTestId('trust-case').click();
    // The case is read again after the click (caseInfo, then the timeline's pages): give a loaded machine time.
    const SETTLE = { timeout: 20_000 };
    await expect.poll(() => verdict.getAttribute('data-status'), SETTLE).toBe('intact');
    expect(await headline.textContent()).toBe('Intact');
    expect(await verdict.evaluate((el) => getComputedStyle(el).borderLeftColor)).toBe(GREEN);
    expect(await panel.getByTestId('trust-signer').count()).toBe(0);
    await expect.poll(async () => (await verdictsShown(page)).rows.join(), SETTLE).toBe('intact');
    expect((await verdictsShown(page)).red).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'trust-trusted-1440.png') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: join(SCREENSHOTS, 'trust-trusted-1024.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the demo command trusts the sample key for the demo case', () => {
  it('says so when it starts', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'causa.js'), 'serve', SAMPLE, '--trust', SAMPLE_KEY], {
      cwd: ROOT,
      env: { ...process.env, CAUSA_HOME: mkdtempSync(join(tmpdir(), 'causa-e2e-demo-says-')) },
    });
    let stdout = '';
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('Open http')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`causa serve exited with ${code}`)));
      });
    } finally {
      child.kill('SIGINT');
    }
    expect(stdout).toContain(
      `Trusted key 8fa1015f76523d02cd9b1c77852a2b0d035c266225be8ad75207c3edd564cae3 (${SAMPLE_KEY}) for this case only.`,
    );
    // Trusted before the import, so the import's own check already counts it: nothing to report.
    expect(stdout).not.toContain('UNTRUSTED');
  });

  let served: Served;

  beforeAll(async () => {
    served = await serve([SAMPLE, '--trust', SAMPLE_KEY], { CAUSA_HOME: mkdtempSync(join(tmpdir(), 'causa-e2e-demo-home-')) });
  });

  afterAll(async () => {
    await served?.stop();
  });

  it('opens green: intact, nothing amber or red', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await workbench.total();
    const verdict = page.getByTestId('verification-panel').getByTestId('bundle-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-status')).toBe('intact');
    await expect.poll(() => page.getByTestId('timeline-row').count(), { timeout: 20_000 }).toBeGreaterThan(10);
    expect(await settledVerdicts(page)).toEqual({ rows: ['intact'], red: 0 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
