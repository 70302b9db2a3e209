// "Pull from log store…" end to end: two real ClickHouse servers (Debian's 18.16, two shards behind a
// Distributed table, test/support/clickhouse.ts), the real `causa serve` with the reader's credentials in
// its environment, the built renderer in Chromium. The dialog reads the profile, plans the window (the
// server's aggregates as tables), pulls it into a bundle and imports it, and the timeline shows the
// events; no request from the page carries a credential.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditEvents, READER_PASSWORD, startShardedClickHouse, timeOfEvent, type ShardedClickHouse } from '../support/clickhouse';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './support/browser';
import { serve, type Served } from './support/serve';

const LOADED = 4_000;
const WINDOW = 1_200; // events [0, 1200): two minutes, ten events a second
let browser: Browser;
let cluster: ShardedClickHouse;
let served: Served;
let dir: string;
let profilePath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-e2e-pull-'));
  cluster = await startShardedClickHouse();
  await loadAuditEvents(cluster, LOADED);
  profilePath = join(dir, 'audit-profile.json');
  writeFileSync(
    profilePath,
    JSON.stringify({
      name: 'k8s audit, two shards',
      url: cluster.url,
      database: 'causa',
      table: 'audit',
      time_column: 'ts',
      tiebreak_column: 'audit_id',
      raw_column: 'raw',
      format: 'k8s-audit',
      columns: { namespace: 'namespace', user: 'username' },
      credentials: { user_env: 'CAUSA_E2E_CH_USER', password_env: 'CAUSA_E2E_CH_PASSWORD' },
    }),
  );
  served = await serve(['--case', join(dir, 'case.causa')], {
    CAUSA_E2E_CH_USER: 'reader',
    CAUSA_E2E_CH_PASSWORD: READER_PASSWORD,
    CAUSA_HOME: join(dir, 'home'),
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Pull from log store', () => {
  it('reads the profile, plans the window, pulls and imports it into the timeline', async () => {
    const { page, errors } = await openWorkbenchPage(browser, served.url);
    const sent: string[] = [];
    page.on('request', (request) => sent.push(`${request.url()} ${request.postData() ?? ''}`));

    await page.getByTestId('pull-open').click();
    await page.getByTestId('pull-profile-path').fill(profilePath);
    await page.getByTestId('pull-profile-read').click();
    const summary = page.getByTestId('pull-profile-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toBe(
      `k8s audit, two shards: causa.audit on ${cluster.url} · k8s-audit, time ts, tiebreak audit_id · credentials: user from $CAUSA_E2E_CH_USER, password from $CAUSA_E2E_CH_PASSWORD`,
    );
    // The profile names a namespace and a user column: those are the filters offered, and no cluster.
    expect(await page.getByTestId('pull-filter-namespace').count()).toBe(1);
    expect(await page.getByTestId('pull-filter-cluster').count()).toBe(0);

    await page.getByTestId('pull-from').fill(timeOfEvent(0).toISOString());
    await page.getByTestId('pull-to').fill(timeOfEvent(WINDOW).toISOString());
    await page.getByTestId('pull-plan').click();
    await page.getByTestId('pull-plan-result').waitFor();
    expect(await page.getByTestId('pull-plan-rows').innerText()).toBe('1,200 rows');
    expect(await page.locator('[data-testid=pull-plan-hours] tbody tr').allInnerTexts()).toEqual(['2025-04-01 00:00:00\t1,200']);
    // Four namespaces, event i in the (i mod 4)th: 300 each, counted by the server.
    const namespaces = await page.locator('[data-testid=pull-plan-namespaces] tbody tr').allInnerTexts();
    expect(namespaces.sort()).toEqual(['kube-system\t300', 'payments\t300', 'prod\t300', 'staging\t300']);
    expect(await page.locator('[data-testid=pull-plan-users] tbody tr').count()).toBe(5);
    await page.screenshot({ path: join(SCREENSHOTS, 'pull-plan-1440x900.png') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: join(SCREENSHOTS, 'pull-plan-1024x700.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByTestId('pull-start').click();
    const imported = page.getByTestId('pull-imported');
    await imported.waitFor({ timeout: 90_000 });
    expect(await imported.innerText()).toBe('Imported 1,200 events into the case.');
    expect(await page.getByTestId('pull-result').innerText()).toContain('Pulled 1,200 of 1,200 rows');
    await page.screenshot({ path: join(SCREENSHOTS, 'pull-done-1440x900.png') });

    await page.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.getByTestId('case-summary').innerText(), { timeout: 30_000 }).toContain('1,200 events');
    await expect.poll(() => page.locator('[data-testid=timeline-row]').count(), { timeout: 30_000 }).toBeGreaterThan(5);
    const rows = await page.locator('[data-testid=timeline-row]').allInnerTexts();
    expect(rows.some((r) => /web-\d+/.test(r))).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'pull-timeline-1440x900.png') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: join(SCREENSHOTS, 'pull-timeline-1024x700.png') });

    // The page named a path, times and filters; the password never left the main side.
    expect(sent.some((s) => s.includes('/api/pullWindow'))).toBe(true);
    expect(sent.filter((s) => s.includes(READER_PASSWORD))).toEqual([]);
    expect(errors).toEqual([]);
  }, 180_000);
});
