/// <reference lib="dom" />
// Issue 18, "the chain on one screen": opening either built-in sample shows the chain from the prompt to
// what went wrong (the failing pods) without a click, at 1920×1080, 1440×900 and 1024×700, every node of it
// inside the window with the telling part of its label drawn whole; a link followed in the inspector
// centres its node; the root cause is annotated in at most three actions. Asserted by element geometry.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphPage } from './pages/graph';
import { WorkbenchPage } from './pages/workbench';
import { launchChromium, SCREENSHOTS } from './support/browser';
import { ROOT, serve, type Served } from './support/serve';

const SIZES = [
  [1920, 1080],
  [1440, 900],
  [1024, 700],
] as const;

/** Each sample's first chain: the prompt, the change the agent made, and the pods that then failed. */
const SAMPLES = {
  'inc-0047': {
    prompt: '“update api-service image to v3.2.1-beta”',
    change: 'patch deployments production/api-service',
    failure: /^Unhealthy api-service-/,
  },
  'staging-apollo': {
    prompt: '“remove unused autoscaler',
    change: 'patch deployments/scale staging-apollo/apollo',
    failure: /^Unhealthy apollo-/,
  },
} as const;

let browser: Browser;
const served: Partial<Record<keyof typeof SAMPLES, Served>> = {};

beforeAll(async () => {
  browser = await launchChromium();
  for (const name of Object.keys(SAMPLES) as (keyof typeof SAMPLES)[])
    served[name] = await serve([join(ROOT, 'resources', 'samples', name)]);
});

afterAll(async () => {
  for (const s of Object.values(served)) await s?.stop();
  await browser?.close();
});

async function open(
  name: keyof typeof SAMPLES,
  width: number,
  height: number,
): Promise<{ page: Page; graph: GraphPage; errors: string[] }> {
  // A fresh context: no pane sizes remembered from another test.
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await new WorkbenchPage(page).open(served[name]!.url);
  const graph = new GraphPage(page);
  await graph.ready();
  await graph.nodes.first().waitFor();
  await settled(page);
  return { page, graph, errors };
}

/** Waits until the canvas's viewport has stopped moving (the opening fit is applied once the stage is measured). */
async function settled(page: Page): Promise<void> {
  const transform = () => page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
  let last = '';
  for (let i = 0; i < 40; i++) {
    const now = await transform();
    if (now === last && now !== '') return;
    last = now;
    await page.waitForTimeout(150);
  }
  throw new Error('the graph viewport never settled');
}

interface NodeGeometry {
  id: string;
  kind: string;
  label: string;
  box: { left: number; top: number; right: number; bottom: number };
  keyClipped: boolean;
  keyText: string;
  /** The label's font size as drawn, after the graph's zoom. */
  fontPx: number;
}

/** Every node the graph draws, with its box and whether its label's key part is cut. */
function geometry(page: Page): Promise<NodeGeometry[]> {
  return page.getByTestId('graph-node').evaluateAll((els) =>
    els.map((el) => {
      const label = el.querySelector('[data-testid=graph-node-label]')!;
      const key = el.querySelector('[data-testid=graph-node-key]')!;
      const [labelBox, keyBox] = [label.getBoundingClientRect(), key.getBoundingClientRect()];
      // The key is whole when it ends inside the label's clipped box (its lines are not hidden by the clamp).
      const rects = [...key.getClientRects()];
      const keyClipped = rects.some((r) => r.bottom > labelBox.bottom + 0.5 || r.right > labelBox.right + 0.5) || keyBox.height === 0;
      const zoom = el.getBoundingClientRect().width / (el as HTMLElement).offsetWidth;
      const box = el.getBoundingClientRect();
      return {
        id: el.getAttribute('data-node-id') ?? '',
        kind: el.getAttribute('data-kind') ?? '',
        label: label.textContent ?? '',
        box: { left: box.left, top: box.top, right: box.right, bottom: box.bottom },
        keyClipped,
        keyText: key.textContent ?? '',
        fontPx: parseFloat(getComputedStyle(label).fontSize) * zoom,
      };
    }),
  );
}

describe('the first chain on one screen, without a click', () => {
  for (const name of Object.keys(SAMPLES) as (keyof typeof SAMPLES)[]) {
    for (const [width, height] of SIZES) {
      it(`${name} at ${width}×${height}`, async () => {
        const { page, graph, errors } = await open(name, width, height);
        const sample = SAMPLES[name];
        // The view is the first chain's key path, and the graph draws every node of it.
        const view = (await graph.root.getAttribute('data-view'))!;
        expect(view).toMatch(/^path:\d+$/);
        const shown = await graph.shownCount();
        // Drawn once the view has settled: on a loaded machine React Flow may take more than poll's default second.
        await expect.poll(() => graph.nodes.count(), { timeout: 10_000 }).toBe(shown);
        const nodes = await geometry(page);
        expect(nodes.length).toBe(shown);
        expect(nodes.find((n) => n.kind === 'prompt')?.label).toContain(sample.prompt);
        expect(nodes.some((n) => n.label === sample.change)).toBe(true);
        expect(nodes.some((n) => sample.failure.test(n.label))).toBe(true);
        expect(nodes.some((n) => n.kind === 'authz_decision')).toBe(true);

        await page.screenshot({ path: join(SCREENSHOTS, `one-screen-${name}-${width}x${height}.png`) });
        const stage = (await graph.stage.boundingBox())!;
        const labels = (await page.locator('.lane-label').first().boundingBox())!;
        for (const node of nodes) {
          // Inside the window and inside the graph's stage, clear of the lane names on its left.
          expect(node.box.left, node.label).toBeGreaterThanOrEqual(labels.x + labels.width);
          expect(node.box.top, node.label).toBeGreaterThanOrEqual(stage.y);
          expect(node.box.right, node.label).toBeLessThanOrEqual(Math.min(width, stage.x + stage.width));
          expect(node.box.bottom, node.label).toBeLessThanOrEqual(Math.min(height, stage.y + stage.height));
          expect(node.keyClipped, `${node.label}: "${node.keyText}" is cut`).toBe(false);
          expect(node.keyText.length).toBeGreaterThan(0);
          // Small but legible: the labels are not shrunk to a strip.
          expect(node.fontPx, node.label).toBeGreaterThanOrEqual(8);
        }
        // The decision's key part is the binding's name.
        const decision = nodes.find((n) => n.kind === 'authz_decision' && n.label.includes('RoleBinding'));
        if (decision) expect(decision.label).toContain(`"${decision.keyText}"`);

        // Every lane's name whole (AUTHORIZATION was cut to AUTHORIZATIO at 114 px), and the legend's
        // items each shown whole or not at all (it was cut through a word when the toolbar was full).
        const cutNames = await page.$$eval('.lane-label:not(.thin) .lane-name', (names) =>
          names.filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent),
        );
        expect(cutNames).toEqual([]);
        const legend = await page.$eval('.graph-legend', (box) => {
          const outer = box.getBoundingClientRect();
          const items = [...box.children].map((item) => item.getBoundingClientRect());
          const inside = (r: DOMRect) => r.left >= outer.left - 0.5 && r.right <= outer.right + 0.5 && r.bottom <= outer.bottom + 0.5;
          const outside = (r: DOMRect) => r.top >= outer.bottom - 0.5 || r.right <= outer.left || r.left >= outer.right;
          const cut = [...box.children].filter((_, i) => !inside(items[i]!) && !outside(items[i]!));
          return {
            shown: items.filter(inside).length,
            cut: cut.map((item) => `${item.textContent} ${JSON.stringify(item.getBoundingClientRect())} in ${JSON.stringify(outer)}`),
          };
        });
        expect(legend.cut).toEqual([]);
        expect(legend.shown).toBeGreaterThanOrEqual(2);

        // The header is one line, whatever the width.
        const header = (await page.locator('.case-header').boundingBox())!;
        expect(header.height).toBeLessThanOrEqual(56);
        // Nothing is wider than the window.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        expect(errors).toEqual([]);
        await page.context().close();
      });
    }
  }
});

describe('navigation and annotation', () => {
  it('a link followed in the inspector centres its node, in the whole chain when it is off the path', async () => {
    const { page, graph, errors } = await open('inc-0047', 1440, 900);
    await graph.node(SAMPLES['inc-0047'].change).click();
    await graph.links.waitFor();
    // The ReplicaSet the patch made is in the chain but not on the path to the failing pods.
    const link = graph.edges
      .filter({ hasText: /→ create replicasets production\/api-service-/ })
      .first()
      .locator('.link-button');
    await link.click();
    const selected = page.locator('[data-testid=graph-node][data-selected=true]');
    await expect.poll(async () => (await selected.textContent()) ?? '').toMatch(/create replicasets production\/api-service-/);
    expect(await graph.root.getAttribute('data-view')).toMatch(/^\d+$/);
    const centred = async () => {
      const [box, stage] = [(await selected.boundingBox())!, (await graph.stage.boundingBox())!];
      return Math.hypot(box.x + box.width / 2 - (stage.x + stage.width / 2), box.y + box.height / 2 - (stage.y + stage.height / 2));
    };
    await expect.poll(centred, { timeout: 5000 }).toBeLessThanOrEqual(24);
    await page.screenshot({ path: join(SCREENSHOTS, 'one-screen-link-centred.png') });

    // A link back along the chain, to a node on screen: centred as well.
    await graph.edges.and(page.locator('[data-direction=in][data-rule=owner-reference]')).first().locator('.link-button').click();
    await expect.poll(async () => (await selected.textContent()) ?? '').toContain(SAMPLES['inc-0047'].change);
    await expect.poll(centred, { timeout: 5000 }).toBeLessThanOrEqual(24);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  for (const name of Object.keys(SAMPLES) as (keyof typeof SAMPLES)[]) {
    it(`${name}: the root cause is annotated in two actions from opening, at 1024×700`, async () => {
      const { page, graph, errors } = await open(name, 1024, 700);
      let actions = 0;
      const change = graph.node(SAMPLES[name].change);
      await change.click({ button: 'right' });
      actions++;
      const menu = page.getByTestId('node-role-menu');
      await page.screenshot({ path: join(SCREENSHOTS, `one-screen-root-cause-menu-${name}.png`) });
      await menu.locator('[data-role=root_cause]').click();
      actions++;
      expect(actions).toBeLessThanOrEqual(3);
      await expect.poll(() => menu.count()).toBe(0);

      // Checked where the analyst would look (the folded sidebar's Findings board), after the count.
      await page.getByTestId('sidebar-toggle').click();
      await page
        .getByRole('tab', { name: /Findings/ })
        .or(page.locator('.sidebar .tabs button', { hasText: 'Findings' }))
        .first()
        .click();
      const item = page.getByTestId('role-root_cause').getByTestId('role-item');
      await expect.poll(async () => (await item.allTextContents()).join('\n')).toContain(SAMPLES[name].change);
      await page.screenshot({ path: join(SCREENSHOTS, `one-screen-root-cause-${name}.png`) });
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  it('the keyboard: the graph is one tab stop with arrows along edges and Enter, the timeline pages, ? lists it all', async () => {
    const { page, graph, errors } = await open('inc-0047', 1024, 700);
    const selected = page.locator('[data-testid=graph-node][data-selected=true]');
    await expect.poll(() => selected.getAttribute('data-kind')).toBe('prompt');
    await graph.stage.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await selected.textContent()) ?? '').toContain('invoke_agent platform-assistant');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => selected.getAttribute('data-kind')).toBe('tool_call');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await selected.textContent()) ?? '').toContain('invoke_agent platform-assistant');
    // Enter opens the node in the inspector, folded at this size.
    expect(await page.getByTestId('pane-inspector').getAttribute('data-collapsed')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('pane-inspector').getAttribute('data-collapsed')).toBe('false');
    const agentId = await selected.getAttribute('data-node-id');
    await expect.poll(() => page.getByTestId('node-links').getAttribute('data-node-id')).toBe(agentId);
    expect(await page.getByTestId('pane-inspector').isVisible()).toBe(true);

    // The timeline: Home, PageDown, End.
    const row = page.locator('[data-testid=timeline-row][aria-selected=true]');
    await row.click();
    await page.keyboard.press('Home');
    await expect.poll(() => row.getAttribute('data-index')).toBe('0');
    await page.keyboard.press('PageDown');
    await expect.poll(async () => Number(await row.getAttribute('data-index'))).toBeGreaterThan(1);
    // End scrolls to the last row, which loads its page; once it is there, End selects it.
    const total = Number(await page.getByTestId('timeline').getAttribute('data-total'));
    await page.keyboard.press('End');
    await page.locator(`[data-testid=timeline-row][data-index="${total - 1}"]`).waitFor();
    await page.keyboard.press('End');
    await expect.poll(() => row.getAttribute('data-index'), { timeout: 10_000 }).toBe(String(total - 1));

    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor();
    for (const key of ['PageUp / PageDown', 'Home / End', '→ / ←', 'Enter', 'Right-click', 'Ctrl+Z', 'Span waterfall', 'Enter / Space'])
      expect(await help.textContent()).toContain(key);
    await page.screenshot({ path: join(SCREENSHOTS, 'one-screen-shortcuts.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the panes fold and resize, and keep their sizes on the next visit', async () => {
    const { page, graph, errors } = await open('inc-0047', 1440, 900);
    const inspector = page.getByTestId('pane-inspector');
    expect(await inspector.getAttribute('data-collapsed')).toBe('false');
    const before = (await inspector.boundingBox())!.width;
    const handle = (await page.getByTestId('inspector-handle').boundingBox())!;
    await page.mouse.move(handle.x + 2, handle.y + 200);
    await page.mouse.down();
    await page.mouse.move(handle.x + 82, handle.y + 200, { steps: 5 });
    await page.mouse.up();
    const narrower = (await inspector.boundingBox())!.width;
    expect(narrower).toBeLessThan(before - 60);
    const stageBefore = (await graph.stage.boundingBox())!.width;
    await page.getByTestId('inspector-toggle').click();
    expect(await inspector.getAttribute('data-collapsed')).toBe('true');
    expect((await graph.stage.boundingBox())!.width).toBeGreaterThan(stageBefore + narrower - 40);

    await page.reload();
    await graph.ready();
    expect(await page.getByTestId('pane-inspector').getAttribute('data-collapsed')).toBe('true');
    await page.getByTestId('inspector-toggle').click();
    expect(Math.abs((await page.getByTestId('pane-inspector').boundingBox())!.width - narrower)).toBeLessThanOrEqual(2);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
