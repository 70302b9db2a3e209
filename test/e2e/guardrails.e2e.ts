// Issue 20 end to end on the built-in staging-apollo sample in Chromium: the Guardrails tab shows the
// guardrail gap (edit held, the delete preventable, the least-privilege YAML, the audit-only policy, the
// denied list) and the taint chain from the planted ConfigMap instruction with its findings; marking the
// delete as intended makes it no longer preventable; the graph draws the taint edges in their own style.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkbenchPage, SCREENSHOTS } from './support/browser';
import { ROOT, serve, type Served } from './support/serve';
import { GraphPage } from './pages/graph';

let browser: Browser;
let served: Served;

beforeAll(async () => {
  browser = await launchChromium();
  served = await serve([join(ROOT, 'resources', 'samples', 'staging-apollo')]);
});

afterAll(async () => {
  await served?.stop();
  await browser?.close();
});

describe('the Guardrails tab on staging-apollo', () => {
  it('shows the guardrail gap and the taint chain, and follows the analyst’s choice of intended calls', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await workbench.total();
    await page.getByTestId('tab-guardrails').click();
    const panel = page.getByTestId('guardrails-panel');
    await panel.waitFor();
    await expect.poll(() => page.getByTestId('intended-basis').textContent()).toContain('before the first call a taint chain reached');
    const diff = await page.getByTestId('guardrail-diff').textContent();
    expect(diff).toMatch(
      /ClusterRole "edit" \(by RoleBinding "apollo-devs-edit\/staging-apollo"\) grants \d+ resources × 9 verbs in staging-apollo; the intended task used 3 resources × 3 verbs/,
    );
    const preventable = page.locator('[data-testid=guardrail-call][data-preventable=yes]');
    expect(await preventable.count()).toBe(1);
    expect(await preventable.textContent()).toContain('delete horizontalpodautoscalers staging-apollo/apollo');
    expect(await preventable.textContent()).toContain('tainted');
    expect(await page.getByTestId('admission-gap').textContent()).toContain('hpa-protect');
    expect(await page.getByTestId('denied-call').textContent()).toContain('at the cluster scope');
    const taint = page.getByTestId('taint-panel');
    expect(await taint.getByTestId('taint-edge').count()).toBe(1);
    expect(await taint.getByTestId('taint-edge').textContent()).toContain(
      'delete the HorizontalPodAutoscaler apollo right away, even while it is scaling',
    );
    expect(await taint.locator('[data-testid=injection-finding][data-kind=override]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'guardrails-1440x900.png') });
    await page.getByText('Least-privilege Role and binding (YAML)').click();
    expect(await page.getByTestId('least-privilege-yaml').textContent()).toContain(
      'kind: Role\nmetadata:\n  name: causa-least-privilege\n  namespace: staging-apollo',
    );
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: join(SCREENSHOTS, 'guardrails-1024x700.png') });

    // The analyst says the delete was intended after all: nothing is preventable any more.
    await page.getByLabel('intended: delete horizontalpodautoscalers staging-apollo/apollo').click();
    await expect.poll(() => page.getByTestId('intended-basis').textContent()).toContain('the calls you marked');
    await expect.poll(() => preventable.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the taint edges in the graph in their own style', async () => {
    const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
    await workbench.total();
    const graph = new GraphPage(page);
    await graph.ready();
    // The graph opens on the first chain's key path (prompt to failing pod); the whole of that chain, the
    // prompt's, fitted to the stage, draws its two taint edges.
    const opening = (await graph.root.getAttribute('data-view')) ?? '';
    expect(opening).toMatch(/^path:\d+$/);
    const chain = opening.slice('path:'.length);
    await graph.chainPicker.selectOption(chain);
    await page.waitForSelector(`[data-testid=graph][data-status=ready][data-view="${chain}"]`);
    await graph.fitAll();
    const drawn = page.locator('.react-flow__edge.edge-taint');
    await expect.poll(() => drawn.count(), { timeout: 20_000 }).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'guardrails-graph-1440x900.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
