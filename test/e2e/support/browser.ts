// Debian's Chromium driven by playwright-core: no browser download, as these machines allow none.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WorkbenchPage } from '../pages/workbench';
import { ROOT } from './serve';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'e2e');

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * Every pane open at its full width (sources 264 px, inspector 420 px), as a wide screen first shows them:
 * the tests of what the panes hold drive them so. The default for a smaller window (panes folded so the
 * graph gets the room) is what one-screen.e2e.ts checks, on pages opened without this.
 */
export const ALL_PANES_OPEN = JSON.stringify({ sidebar: { width: 264, collapsed: false }, inspector: { width: 420, collapsed: false } });

/**
 * A new 1440×900 page on the workbench at `url` with every pane open, collecting the page's uncaught
 * errors and console errors (a test ends by expecting none).
 */
export async function openWorkbenchPage(
  browser: Browser,
  url: string,
): Promise<{ page: Page; workbench: WorkbenchPage; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript((panes) => {
    if (window.localStorage.getItem('causa.panes.v1') === null) window.localStorage.setItem('causa.panes.v1', panes);
  }, ALL_PANES_OPEN);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const workbench = new WorkbenchPage(page);
  await workbench.open(url);
  return { page, workbench, errors };
}
