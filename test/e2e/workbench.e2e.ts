// The workbench end to end: the real `causa serve` on real evidence, the built renderer, Debian's Chromium.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateInc0047Audit } from '../../src-main/core/sample';
import { launchChromium, SCREENSHOTS, openWorkbenchPage } from './support/browser';
import { runCausa, serve, ROOT, type Served } from './support/serve';
import { cancelWhenOffered, WorkbenchPage } from './pages/workbench';

/** Every API request and response of `page` (`ask caseInfo`, `answer caseInfo`) in the order it saw them. */
function apiTraffic(page: Page): string[] {
  const seen: string[] = [];
  const method = (url: string): string | undefined => /\/api\/(\w+)$/.exec(url)?.[1];
  page.on('request', (request) => {
    const name = method(request.url());
    if (name) seen.push(`ask ${name}`);
  });
  page.on('response', (response) => {
    const name = method(response.url());
    if (name) seen.push(`answer ${name}`);
  });
  return seen;
}

const CORPUS = join(ROOT, 'test', 'fixtures', 'corpus', 'k8s-audit');
const EXEC_LINE = readFileSync(join(CORPUS, 'crowdsec_k8s-audit-pod-exec-file.log'), 'utf8').replace(/\n$/, '');

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function newWorkbench(url: string): Promise<{ page: Page; workbench: WorkbenchPage; errors: string[] }> {
  const { page, workbench, errors } = await openWorkbenchPage(browser, url);
  return { page, workbench, errors };
}

describe('web mode on real Kubernetes audit logs', () => {
  let served: Served;

  beforeAll(async () => {
    served = await serve([CORPUS]);
  });

  afterAll(async () => {
    await served?.stop();
  });

  it('reports the malformed corpus record when serving, and still serves the rest', () => {
    expect(served.stderr()).toContain('falco/fal_01_003.json:1: no line is a record of any format Causa reads');
  });

  it("asks for the event-rate histogram once, after the case's first reading, and the graph before it", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const seen = apiTraffic(page);
    try {
      await new WorkbenchPage(page).open(served.url);
      await page.locator('[data-testid=time-brush]:not(.empty)').waitFor();
      await expect.poll(() => seen.includes('answer graph')).toBe(true);
      expect(seen.filter((s) => s === 'ask histogram')).toHaveLength(1);
      expect(seen.indexOf('ask histogram')).toBeGreaterThan(seen.indexOf('answer caseInfo'));
      expect(seen.indexOf('ask graph')).toBeLessThan(seen.indexOf('ask histogram'));
      expect(seen.indexOf('ask listEvents')).toBeLessThan(seen.indexOf('ask histogram'));
    } finally {
      await page.close();
    }
  });

  it("asks for the timeline's first page and the graph at once, without waiting for the case's first reading", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const seen = apiTraffic(page);
    // The case's first reading (its counts over every event) is the slowest answer of a large case: held
    // here for a moment, so that anything that waits for it is seen waiting.
    await page.route('**/api/caseInfo', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.continue();
    });
    try {
      await new WorkbenchPage(page).open(served.url);
      await expect.poll(() => seen.includes('answer caseInfo'), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => seen.includes('ask graph'), { timeout: 10_000 }).toBe(true);
      expect(seen.indexOf('ask listEvents')).toBeGreaterThan(-1);
      expect(seen.indexOf('ask listEvents')).toBeLessThan(seen.indexOf('answer caseInfo'));
      expect(seen.indexOf('ask graph')).toBeLessThan(seen.indexOf('answer caseInfo'));
    } finally {
      await page.close();
    }
  });

  it('shows the events, and a clicked row opens the inspector with its untouched raw record', async () => {
    const { page, workbench, errors } = await newWorkbench(served.url);
    expect(await workbench.total()).toBe(53);
    await expect.poll(() => workbench.rows.count()).toBeGreaterThan(20);
    await expect.poll(() => page.getByTestId('source-item').count()).toBe(48);

    // The timeline shares the window with the graph: find the exec (the newest event) by its auditID.
    await workbench.search('57a794de-44d3-40ee-a0ad-c0eb096eef6c');
    await workbench.waitForTotal(1);
    const row = workbench.row('2023-05-17 15:08:22.763');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('pods/exec foo/test-pod-1');
    await row.click();
    await workbench.rawRecord.waitFor();
    expect(await workbench.rawRecord.textContent()).toBe(EXEC_LINE);
    const fields = page.getByTestId('normalized-fields');
    expect(await fields.textContent()).toContain('minikube-user (human)');
    expect(await fields.textContent()).toContain('57a794de-44d3-40ee-a0ad-c0eb096eef6c');
    expect(await row.getAttribute('aria-selected')).toBe('true');
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline-inspector.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('filters the timeline by text in the raw records', async () => {
    const { page, workbench } = await newWorkbench(served.url);
    await workbench.total();
    const cli = await runCausa(['events', served.casePath, '--search', 'secret', '--json']);
    const expected = cli.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: number }).id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(53);
    await workbench.search('secret');
    await workbench.waitForTotal(expected.length);
    await expect.poll(() => workbench.rows.count()).toBe(expected.length);
    const shown = await workbench.rows.evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-event-id'))));
    expect(shown).toEqual(expected);
    await page.close();
  });

  it('imports files dropped on the window, naming every rejected record', async () => {
    const { page, workbench } = await newWorkbench(served.url);
    expect(await workbench.total()).toBe(53);
    const sample = generateInc0047Audit().slice(0, 3);
    const dropped = `${sample[0]}\n{"kind":"Event","auditID":\n${sample[1]}\n${sample[2]}\n`;
    await workbench.dropFiles([{ name: 'dropped-audit.log', content: dropped }]);
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.textContent()).toContain('Imported 3 events, 1 record rejected');
    expect(await page.getByTestId('import-record-error').textContent()).toMatch(/dropped-audit\.log:2 invalid JSON/);
    await workbench.waitForTotal(56);
    await page.screenshot({ path: join(SCREENSHOTS, 'drop-import.png') });

    // The same bytes again add nothing.
    await workbench.dropFiles([{ name: 'dropped-audit.log', content: dropped }]);
    await expect.poll(async () => (await page.getByTestId('import-report').textContent()) ?? '').toContain('already in this case');
    await workbench.waitForTotal(56);
    await page.close();
  });

  it('shows a large import’s progress and cancels it, keeping the case as it was', async () => {
    const { page, workbench } = await newWorkbench(served.url);
    const before = await workbench.total();
    // What the panel says before the main side has the file: watched from the page, as it is brief.
    await page.evaluate(() => {
      const seen: { text: string; position: number }[] = [];
      (window as unknown as { sendingSeen: typeof seen }).sendingSeen = seen;
      new MutationObserver(() => {
        const sending = document.querySelector('[data-testid=import-sending]');
        const bar = document.querySelector<HTMLProgressElement>('[data-testid=import-progress]');
        if (sending && bar) seen.push({ text: sending.textContent ?? '', position: bar.position });
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    // 120,000 copies of a real audit record: about 110 MiB, read a MiB at a time.
    await workbench.dropGenerated('big-audit.log', EXEC_LINE, 120_000);
    // The analyst's click comes the moment the panel shows the file's progress: the page itself watches
    // the text and presses Cancel, so that a fast import cannot finish in the time a round trip from the
    // test takes.
    const shown = await cancelWhenOffered(
      page,
      {
        cancel: '[data-testid=import-cancel]',
        text: '[data-testid=import-progress-text]',
        pattern: String.raw`big-audit\.log · file 1 of 1 · [\d.]+ MiB of 1\d\d\.\d MiB · [\d,]+ events`,
      },
      60_000,
    );
    expect(shown).toMatch(/ MiB of 1\d\d\.\d MiB /);
    // Handing over, the bar was indeterminate (position -1), not the figures of the import before.
    const sending = await page.evaluate(() => (window as unknown as { sendingSeen: { text: string; position: number }[] }).sendingSeen);
    expect(sending.length).toBeGreaterThan(0);
    expect(sending[0]).toEqual({
      text: `Handing over 1 file, ${(((Buffer.byteLength(EXEC_LINE) + 1) * 120_000) / 2 ** 20).toFixed(1)} MiB…`,
      position: -1,
    });
    const report = page.getByTestId('import-report');
    await report.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'import-cancelled.png') });
    expect(await report.textContent()).toContain('Cancelled. Imported 0 events');
    expect(await report.textContent()).toContain('big-audit.log cancelled: nothing of it imported');
    await workbench.waitForTotal(before);
    await page.close();
  });

  it('answers 401 to an API call without the token, even from the page itself', async () => {
    const { page } = await newWorkbench(served.url);
    const status = await page.evaluate(async () => (await fetch('/api/caseInfo', { method: 'POST', body: '{}' })).status);
    expect(status).toBe(401);
    await page.close();
  });
});

describe('a timeline of 100,000 events', () => {
  let served: Served;
  const EVENTS = 100_000;
  /** The timeline shows one row per API call: a call's RequestReceived and ResponseComplete are one row. */
  let calls = 0;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causa-e2e-'));
    const log = join(dir, 'inc-0047-scaled.jsonl');
    const lines = generateInc0047Audit({ events: EVENTS });
    calls = new Set(lines.map((line) => (JSON.parse(line) as { auditID: string }).auditID)).size;
    writeFileSync(log, `${lines.join('\n')}\n`);
    const casePath = join(dir, 'scaled.causa');
    const imported = await runCausa(['import', log, '--case', casePath]);
    expect(imported.code, imported.stderr).toBe(0);
    served = await serve([casePath]);
  }, 300_000);

  afterAll(async () => {
    await served?.stop();
  });

  it('renders only the rows on screen and scrolls to the last one', async () => {
    const { page, workbench, errors } = await newWorkbench(served.url);
    const total = await workbench.total();
    expect(total).toBe(calls);
    expect(total).toBeGreaterThan(EVENTS * 0.99);
    await expect.poll(() => workbench.rows.count()).toBeGreaterThan(10);
    expect(await page.locator('.timeline-row').count()).toBeLessThan(150);

    await workbench.timeline.evaluate((el) => (el.scrollTop = el.scrollHeight));
    const last = page.locator(`[data-testid=timeline-row][data-index="${total - 1}"]`);
    await last.waitFor();
    expect(await page.locator('.timeline-row').count()).toBeLessThan(150);

    await workbench.timeline.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.locator(`[data-testid=timeline-row][data-index="${Math.floor(total / 2)}"]`).waitFor();
    await workbench.rows.first().click();
    await workbench.rawRecord.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline-100k.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the built-in INC-0047 sample (what `npm run demo` opens)', () => {
  let served: Served;

  beforeAll(async () => {
    served = await serve([join(ROOT, 'resources', 'samples', 'inc-0047')]);
  });

  afterAll(async () => {
    await served?.stop();
  });

  it('finds the agent acting on the developer’s behalf', async () => {
    const { page, workbench, errors } = await newWorkbench(served.url);
    // Every source in one timeline: 2036 audit records as 1984 API calls (52 requests also left their
    // RequestReceived stage), 307 Events, 15 listed objects, 13 MCP messages, 20 OTel events.
    expect(await workbench.total()).toBe(2339);
    // The timeline may show its first page before the case's own reading (its name) arrives.
    await expect.poll(() => page.getByTestId('case-name').textContent()).toBe('inc-0047');
    await page.getByTestId('filter-actor').fill('james.w');
    // The developer's two prompts, and everything the agent and its MCP server did for him.
    await workbench.waitForTotal(24);
    await workbench.chooseFilter('kind', ['k8s_api']);
    await workbench.waitForTotal(4);
    const patch = workbench.row('14:31:06.884').filter({ hasText: 'patch' }).last();
    await patch.click();
    await workbench.rawRecord.waitFor();
    expect(await workbench.rawRecord.textContent()).toContain('"image":"registry.example.com/platform/api-service:v3.2.1-beta"');
    expect(await page.getByTestId('normalized-fields').textContent()).toContain('james.w@example.com');
    await page.screenshot({ path: join(SCREENSHOTS, 'sample-inc-0047.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('verification verdicts in the workbench', () => {
  let served: Served;
  const home = mkdtempSync(join(tmpdir(), 'causa-e2e-home-'));

  beforeAll(async () => {
    // The analyst trusts the sample key, then opens a copy of the sample whose record 340 was altered.
    const trusted = await runCausa(['trust', 'add', join(ROOT, 'resources', 'keys', 'sample-ed25519.pub.pem')], { CAUSA_HOME: home });
    expect(trusted.code, trusted.stderr).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'causa-e2e-tampered-'));
    const bundle = join(dir, 'inc-0047-tampered');
    cpSync(join(ROOT, 'resources', 'samples', 'inc-0047'), bundle, { recursive: true });
    const source = join(bundle, 'sources', 'k8s-audit', 'audit.jsonl');
    const lines = readFileSync(source, 'utf8').split('\n');
    lines[339] = lines[339]!.replace('v3.2.1-beta', 'v3.2.0');
    writeFileSync(source, lines.join('\n'));
    served = await serve([bundle], { CAUSA_HOME: home });
  });

  afterAll(async () => {
    await served?.stop();
  });

  it('names the altered record and marks it and every record after it', async () => {
    const { page, workbench, errors } = await newWorkbench(served.url);
    expect(await workbench.total()).toBe(2339);
    const panel = page.getByTestId('verification-panel');
    await panel.getByTestId('bundle-verdict').waitFor();
    const problems = await panel.getByTestId('verification-problem').allTextContents();
    expect(problems).toContain('sources/k8s-audit/audit.jsonl: chain broken at record 340: record modified');
    expect(await panel.textContent()).toContain('valid, key 8fa1015f76');
    await workbench.chooseFilter('kind', ['k8s_api']);
    await page.getByTestId('filter-actor').fill('james.w');
    await workbench.waitForTotal(4);
    const verdicts = await page
      .getByTestId('timeline-row')
      .evaluateAll((rows) => rows.map((row) => row.querySelector('[data-testid=verdict-badge]')!.getAttribute('data-verdict')));
    // One row per API call: the agent's get precedes the break; the patch is shown by its ResponseComplete
    // (record 340, altered; its RequestReceived, record 339, is intact), and everything after it is broken.
    expect(verdicts).toEqual(['intact', 'broken', 'broken', 'broken']);
    // Every stage: the patch's RequestReceived (record 339) precedes the break and stays intact.
    await page.getByTestId('filter-stages').check();
    await workbench.waitForTotal(6);
    const stageVerdicts = await page
      .getByTestId('timeline-row')
      .evaluateAll((rows) => rows.map((row) => row.querySelector('[data-testid=verdict-badge]')!.getAttribute('data-verdict')));
    expect(stageVerdicts).toEqual(['intact', 'intact', 'broken', 'broken', 'broken', 'broken']);
    await workbench.row('14:31:06.884').filter({ hasText: 'patch' }).last().click();
    await workbench.rawRecord.waitFor();
    expect(await page.getByTestId('normalized-fields').textContent()).toContain('broken: at or after the first record');
    await page.screenshot({ path: join(SCREENSHOTS, 'verification-broken.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
