// Opening a sealed bundle by dropping it on the window in web mode, in Debian's Chromium: a `.zip` bundle
// dropped as a file, and a bundle folder dropped as a directory, are imported and verified as
// `causa import` does, and the workbench shows their verdicts.
//
// Headless Chromium cannot put a directory into a DataTransfer built by a script (DataTransfer.items.add
// takes only Files), so the folder drop hands the page's drop handler a DataTransfer whose item answers
// webkitGetAsEntry() with a FileSystemDirectoryEntry-shaped tree over real File objects: the same walk
// (src-renderer/src/features/import/dropped-entries.ts) a real directory drop feeds.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './support/browser';
import { runCausa, serve, ROOT, type Served } from './support/serve';
import { VerificationPanelPage } from './pages/workbench';

let browser: Browser;
const home = mkdtempSync(join(tmpdir(), 'causa-e2e-drop-home-'));
const samples = mkdtempSync(join(tmpdir(), 'causa-e2e-drop-'));
const zipPath = join(samples, 'inc-0047.zip');
const folderPath = join(samples, 'inc-0047');

beforeAll(async () => {
  browser = await launchChromium();
  const trusted = await runCausa(['trust', 'add', join(ROOT, 'resources', 'keys', 'sample-ed25519.pub.pem')], { CAUSA_HOME: home });
  expect(trusted.code, trusted.stderr).toBe(0);
  for (const out of [zipPath, folderPath]) {
    const made = await runCausa(['sample', 'inc-0047', '-o', out]);
    expect(made.code, made.stderr).toBe(0);
  }
});

afterAll(async () => {
  await browser?.close();
});

/** Drops one file the way a file manager does: a real DataTransfer carrying a File. */
async function dropFile(page: Page, name: string, data: Buffer): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type: 'application/zip' }));
      return transfer;
    },
    { name, base64: data.toString('base64') },
  );
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
}

/** Drops a folder: one item whose entry is a directory tree over the folder's files (see the top comment). */
async function dropFolder(page: Page, folder: string): Promise<void> {
  const files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .map((path) => ({ path: relative(folder, path).split(sep), base64: readFileSync(path).toString('base64') }));
  const top = folder.split(sep).at(-1)!;
  await page.evaluate(
    ({ top, files }) => {
      type Entry = { name: string; isFile: boolean; isDirectory: boolean; [more: string]: unknown };
      const later = <T>(value: T, callback: (value: T) => void): void => void setTimeout(() => callback(value), 0);
      const directory = (name: string): Entry & { children: Entry[] } => {
        const children: Entry[] = [];
        return {
          name,
          isFile: false,
          isDirectory: true,
          children,
          // Like Chromium's reader: batches (of at most 2 here, to exercise the loop), then an empty one.
          createReader: () => {
            let at = 0;
            return {
              readEntries: (success: (entries: Entry[]) => void) => {
                const batch = children.slice(at, at + 2);
                at += batch.length;
                later(batch, success);
              },
            };
          },
        };
      };
      const root = directory(top);
      for (const file of files) {
        let dir = root;
        for (const part of file.path.slice(0, -1)) {
          let next = dir.children.find((child) => child.name === part) as typeof root | undefined;
          if (!next) {
            next = directory(part);
            dir.children.push(next);
          }
          dir = next;
        }
        const name = file.path.at(-1)!;
        const data = new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], name);
        dir.children.push({ name, isFile: true, isDirectory: false, file: (success: (file: File) => void) => later(data, success) });
      }
      const item = { kind: 'file', type: '', getAsFile: () => null, webkitGetAsEntry: () => root };
      const transfer = { types: ['Files'], files: [] as File[], items: [item] };
      const drop = new DragEvent('drop', { bubbles: true, cancelable: true });
      Object.defineProperty(drop, 'dataTransfer', { value: transfer });
      document.body.dispatchEvent(drop);
    },
    { top, files },
  );
}

async function expectVerified(page: Page, location: string): Promise<void> {
  const { panel } = new VerificationPanelPage(page);
  const verdict = panel.getByTestId('bundle-verdict');
  await verdict.waitFor({ timeout: 60_000 });
  expect(await verdict.textContent()).toMatch(/^Intact/);
  expect(await verdict.textContent()).toContain('bundle checked on import');
  expect(await verdict.locator('[title]').first().getAttribute('title')).toBe(location);
  const badges = await verdict.getByTestId('verdict-badge').evaluateAll((all) => all.map((b) => b.getAttribute('data-verdict')));
  // All six sources are intact: the three record streams by their chains, the two listings and the
  // OTLP trace value by value (bundle format 1.1).
  expect(badges).toEqual(['intact', 'intact', 'intact', 'intact', 'intact', 'intact']);
  // The timeline's rows carry their records' verdicts too.
  await expect.poll(() => page.locator('[data-testid=timeline-row] [data-verdict=intact]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
}

describe('dropping a sealed bundle on the window', () => {
  let served: Served;

  afterAll(async () => {
    await served?.stop();
  });

  it('a dropped .zip bundle is imported and verified, its verdicts shown', async () => {
    served = await serve([], { CAUSA_HOME: home });
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await dropFile(page, 'inc-0047.zip', readFileSync(zipPath));
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('import-report').textContent()).not.toMatch(/NUL bytes/);
    await expect.poll(() => workbench.total(), { timeout: 30_000 }).toBeGreaterThan(100);
    await expectVerified(page, 'inc-0047.zip');
    await page.screenshot({ path: join(SCREENSHOTS, 'drop-bundle-zip-1440.png') });

    // A prompt of the agent's trace: its raw record is its own span, its resource and scope its context.
    await workbench.chooseFilter('kind', ['prompt']);
    await expect.poll(() => workbench.rows.count()).toBeGreaterThan(0);
    await workbench.rows.first().click();
    await workbench.rawRecord.waitFor();
    const raw = (await workbench.rawRecord.textContent()) ?? '';
    expect(JSON.parse(raw)).toHaveProperty('spanId');
    expect(raw).not.toContain('resourceSpans');
    const context = (await page.getByTestId('raw-context').textContent()) ?? '';
    expect(Object.keys(JSON.parse(context) as object)).toEqual(['$.resourceSpans[0].resource', '$.resourceSpans[0].scopeSpans[0].scope']);
    expect(context).toContain('service.name');
    await page.getByTestId('raw-context').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'drop-bundle-span-context-1440.png') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: join(SCREENSHOTS, 'drop-bundle-zip-1024.png') });
    expect(errors).toEqual([]);
    await page.close();
    await served.stop();
  });

  it('a dropped bundle folder is walked, imported and verified, its verdicts shown', async () => {
    served = await serve([], { CAUSA_HOME: home });
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await dropFolder(page, folderPath);
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    await expect.poll(() => workbench.total(), { timeout: 30_000 }).toBeGreaterThan(100);
    await expectVerified(page, 'inc-0047');
    await page.screenshot({ path: join(SCREENSHOTS, 'drop-bundle-folder-1440.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
