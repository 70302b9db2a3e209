// Attribution and anomaly findings in the workbench (issue 19) on the built-in staging-apollo sample: the
// Actors & anomalies view shows the agent's chain of responsibility and the findings; a finding jumps to
// its events in the timeline (narrowed to its identity and span, its first event selected); dismissing it
// is a journal entry that moves it apart, and undo brings it back. Screenshots at 1440×900 and 1024×700.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './support/browser';
import { ROOT, serve, type Served } from './support/serve';

const MCP_SA = 'system:serviceaccount:mcp-system:kubernetes-mcp-server';
let browser: Browser;
let served: Served;

beforeAll(async () => {
  browser = await launchChromium();
  served = await serve([join(ROOT, 'resources', 'samples', 'staging-apollo')], { CAUSA_ANALYST: 'dana@ir.example' });
});

afterAll(async () => {
  await served?.stop();
  await browser?.close();
});

describe('actors and anomalies', () => {
  it('opens Actors, a finding, jumps to its events, dismisses it and undoes the dismissal', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await workbench.total();
    await page.getByTestId('tab-actors').click();
    await page.waitForSelector('[data-testid=actors-panel]');
    const chain = page.getByTestId('actors-chain').first();
    await expect
      .poll(() => chain.locator('.party').allTextContents())
      .toEqual(['priya.s@example.com', 'platform-assistant', 'kubernetes-mcp-server', MCP_SA]);
    expect(await chain.getByTestId('actors-hop').count()).toBe(4);
    expect(await page.getByTestId('actors-destructive').first().textContent()).toContain(
      'delete: delete horizontalpodautoscalers in staging-apollo ×1',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'findings-1440.png') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: join(SCREENSHOTS, 'findings-1024.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    // Each open finding is a tick on the time brush.
    const open = await page.locator('[data-testid=finding][data-dismissed=false]').count();
    expect(open).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=finding-markers] line').count()).toBe(open);

    const finding = page.locator('[data-testid=finding][data-rule=agent_destructive]');
    expect(await finding.textContent()).toContain('deleted: delete horizontalpodautoscalers in staging-apollo');
    await finding.getByTestId('finding-jump').click();
    // The timeline shows the finding's events: the agent identity's HPA delete, selected.
    await page.waitForSelector('[data-testid=timeline-row][aria-selected=true]');
    expect(await page.getByTestId('filter-actor').inputValue()).toBe(MCP_SA);
    const selected = page.locator('[data-testid=timeline-row][aria-selected=true]');
    expect(await selected.textContent()).toContain('horizontalpodautoscalers');
    expect(await workbench.total()).toBeLessThanOrEqual(2);
    // The graph marks the node whose event supports the finding.
    await expect
      .poll(() => page.locator('[data-testid=graph-node][data-kind=k8s_api] [data-testid=finding-badge]').count())
      .toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'findings-jump-1440.png') });

    await page.getByTestId('tab-actors').click();
    await page.locator('[data-testid=finding][data-rule=agent_destructive] [data-testid=finding-dismiss]').click();
    await page.waitForSelector('[data-testid=findings-dismissed] [data-testid=finding][data-rule=agent_destructive]');
    expect(await page.locator('[data-testid=finding][data-rule=agent_destructive]').getAttribute('data-dismissed')).toBe('true');
    await expect.poll(() => page.locator('[data-testid=finding-markers] line').count()).toBe(open - 1);
    await page.getByTestId('tab-journal').click();
    await expect.poll(() => page.getByTestId('journal-entry').first().getAttribute('data-type')).toBe('dismiss_finding');
    await page.keyboard.press('Control+z');
    await page.getByTestId('tab-actors').click();
    await page.waitForSelector('[data-testid=finding][data-rule=agent_destructive][data-dismissed=false]');
    expect(await page.getByTestId('findings-dismissed').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
