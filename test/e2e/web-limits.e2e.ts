// A drop larger than web mode's request body limit, in Chromium: the server refuses it before reading
// it whole, the page says why (naming the limit and the option that raises it), and the case is as it was.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './support/browser';
import { serve, ROOT, type Served } from './support/serve';

const EVIDENCE = join(ROOT, 'test', 'fixtures', 'corpus', 'k8s-audit', 'crowdsec_k8s-audit-pod-exec-file.log');

let browser: Browser;
let served: Served;

beforeAll(async () => {
  browser = await launchChromium();
  served = await serve([EVIDENCE, '--max-body', '1']);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('web mode with --max-body 1', () => {
  it('refuses a 3 MiB drop with a message naming the limit, and imports nothing of it', async () => {
    const { page, workbench } = await openWorkbenchPage(browser, served.url);
    expect(await workbench.total()).toBe(1);
    await workbench.dropGenerated('big.log', `{"kind":"Event","padding":"${'x'.repeat(1000)}"}`, 3 * 1024);
    const error = page.getByTestId('import-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/request body too large: 3\.0 MiB declared; the limit is 1 MiB \(causa serve --max-body\)/);
    await page.screenshot({ path: join(SCREENSHOTS, 'web-limits-refused.png') });
    // Nothing of it was imported, and the workbench goes on answering.
    expect(Number(await workbench.timeline.getAttribute('data-total'))).toBe(1);
    const status = await page.evaluate(
      async (token) =>
        (
          await fetch('/api/caseInfo', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: '{}',
          })
        ).status,
      served.token,
    );
    expect(status).toBe(200);
    await page.close();
  });
});
