/// <reference lib="dom" />
// Issue 18, the graph's tools on the built-in INC-0047 sample: search and highlight, expanding a node's
// neighbours, moving and pinning nodes, exporting the graph as SVG and PNG, dragging a node onto the
// Findings board, and folding lanes. Each test drives the built workbench in web mode, as an analyst does,
// and takes screenshots at 1440×900 and 1024×700.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphPage } from './pages/graph';
import { WorkbenchPage } from './pages/workbench';
import { launchChromium, SCREENSHOTS, openWorkbenchPage } from './support/browser';
import { ROOT, serve, type Served } from './support/serve';

const PATCH = 'patch deployments production/api-service';

let browser: Browser;
let served: Served;

beforeAll(async () => {
  browser = await launchChromium();
  served = await serve([join(ROOT, 'resources', 'samples', 'inc-0047')]);
});

afterAll(async () => {
  await served?.stop();
  await browser?.close();
});

async function openGraph(): Promise<{ page: Page; workbench: WorkbenchPage; graph: GraphPage; errors: string[] }> {
  const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
  const graph = new GraphPage(page);
  await graph.ready();
  await page.getByTestId('graph-node').first().waitFor();
  return { page, workbench, graph, errors };
}

/** Folds (or unfolds) the side panes, as a first visit on a small window has them. */
async function foldPanes(page: Page, folded: boolean): Promise<void> {
  for (const pane of ['sidebar', 'inspector']) {
    if ((await page.getByTestId(`pane-${pane}`).getAttribute('data-collapsed')) !== String(folded))
      await page.getByTestId(`${pane}-toggle`).click();
  }
}

/**
 * The page at 1440×900 and at 1024×700 (side panes folded, as a first visit there has them), saved as
 * `<name>-1440.png` and `<name>-1024.png`; back to 1440×900 with the panes open after.
 */
async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-1440.png`) });
  await page.setViewportSize({ width: 1024, height: 700 });
  await foldPanes(page, true);
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-1024.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
  await foldPanes(page, false);
}

describe('the graph tools on INC-0047', () => {
  it('finds nodes: matches lit and the rest dimmed, Enter steps through them and centres each', async () => {
    const { page, graph, errors } = await openGraph();
    await graph.showChainWith(PATCH);
    const search = page.getByTestId('graph-search');
    const count = page.getByTestId('graph-search-count');
    await search.fill('create pods');
    await expect.poll(async () => (await count.textContent()) ?? '').toMatch(/^\d+ matches$/);
    const total = Number((await count.textContent())!.split(' ')[0]);
    expect(total).toBeGreaterThanOrEqual(3);
    // The whole chain is on screen (fitted): every node is a match or dimmed, the count is the matches',
    // the pod creates are among them and the nodes that are no create (the patch, its decision) are dimmed.
    const states = await graph.nodes.evaluateAll((els) =>
      els.map((el) => [el.getAttribute('data-search'), el.querySelector('[data-testid=graph-node-label]')?.textContent ?? '']),
    );
    expect(states.length).toBe(await graph.shownCount());
    expect(states.filter(([state]) => state === 'hit')).toHaveLength(total);
    for (const [state, label] of states) {
      expect(['hit', 'dim']).toContain(state);
      if (/^create pods/.test(label!)) expect(state, label ?? '').toBe('hit');
      if (!/create|Created/i.test(label!)) expect(state, label ?? '').toBe('dim');
    }
    await expect.poll(() => page.locator('.graph-stage.searching').count()).toBe(1);

    // Enter steps to the first match, selects it and centres it; again, to the second.
    await search.press('Enter');
    await expect.poll(() => count.textContent()).toBe(`1 of ${total}`);
    const current = page.locator('[data-testid=graph-node][data-search=current]');
    await expect.poll(() => current.count()).toBe(1);
    const first = await current.getAttribute('data-node-id');
    expect(await current.getAttribute('data-selected')).toBe('true');
    expect(await current.textContent()).toMatch(/create pods/);
    await expect.poll(() => graph.inView(current)).toBe(true);
    await search.press('Enter');
    await expect.poll(() => count.textContent()).toBe(`2 of ${total}`);
    await expect.poll(() => current.getAttribute('data-node-id')).not.toBe(first);
    await expect.poll(() => graph.inView(current)).toBe(true);
    // Shift+Enter steps back; past the first it wraps to the last.
    await search.press('Shift+Enter');
    await expect.poll(() => count.textContent()).toBe(`1 of ${total}`);
    await search.press('Shift+Enter');
    await expect.poll(() => count.textContent()).toBe(`${total} of ${total}`);
    await shoot(page, 'graph-search');

    await search.fill('no-such-node-anywhere');
    await expect.poll(() => count.textContent()).toBe('no match');
    await search.press('Escape');
    await expect.poll(() => page.locator('[data-testid=graph-node][data-search]').count()).toBe(0);
    expect(await page.locator('.graph-stage.searching').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('expands the neighbours of a node into the key path, from its menu and with N', async () => {
    const { page, graph, errors } = await openGraph();
    // The case opens on the first chain's key path: a handful of nodes, the patch among them.
    expect(await graph.chainPicker.inputValue()).toMatch(/^path:/);
    const before = await graph.shownCount();
    const patch = graph.node(PATCH).first();
    await patch.click({ button: 'right' });
    const item = page.getByTestId('expand-neighbours');
    await expect.poll(async () => (await item.textContent()) ?? '').toMatch(/^Expand neighbours \(\d+\)$/);
    const hidden = Number(/\((\d+)\)/.exec((await item.textContent())!)![1]);
    expect(hidden).toBeGreaterThanOrEqual(1);
    await item.click();
    await expect.poll(() => graph.shownCount()).toBe(before + hidden);
    await graph.ready();
    expect(Number(await graph.root.getAttribute('data-added'))).toBe(hidden);
    // The patch's ReplicaSet create (one hop along ownerReferences) is now drawn, still on the key path view.
    expect(await graph.chainPicker.inputValue()).toMatch(/^path:/);
    await graph.fitAll();
    expect((await graph.labels()).some((l) => /^create replicasets production\/api-service-/.test(l))).toBe(true);
    // Its menu now says every neighbour is shown.
    await patch.click({ button: 'right' });
    await expect.poll(() => item.textContent()).toBe('Every neighbour shown');
    expect(await item.isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('node-role-menu').count()).toBe(0);
    await shoot(page, 'graph-neighbours');

    // N on the graph expands the selected node's neighbours: the ReplicaSet's pods.
    const rs = graph.node(/^create replicasets production\/api-service-/).first();
    await rs.click();
    const shown = await graph.shownCount();
    await graph.stage.focus();
    await page.keyboard.press('n');
    await expect.poll(() => graph.shownCount()).toBeGreaterThan(shown);
    await graph.ready();
    // Another view drops what was added by hand.
    await graph.chainPicker.selectOption({ index: 1 });
    await graph.ready();
    expect(await graph.root.getAttribute('data-added')).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('moves a node by dragging and pins it there, across views and a reload, until the layout is reset', async () => {
    const { page, graph, errors } = await openGraph();
    const patch = graph.node(PATCH).first();
    const id = (await patch.getAttribute('data-node-id'))!;
    // Where the layout put it, in the graph's own coordinates (React Flow's transform of the node).
    const placed = () => page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => (el as HTMLElement).style.transform);
    // The stage settles (the key path is fitted once the stage is measured) before the analyst grabs a node.
    await graph.ready();
    await page.waitForTimeout(400);
    const laid = await placed();
    const box = (await patch.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 90, { steps: 10 });
    await page.mouse.up();
    await expect.poll(() => patch.getAttribute('data-pinned')).toBe('true');
    const pinned = await placed();
    expect(pinned).not.toBe(laid);
    const moved = (await patch.boundingBox())!;
    expect(moved.y - box.y).toBeGreaterThan(60);
    expect(await patch.getByTestId('pin-mark').isVisible()).toBe(true);
    expect(await page.getByTestId('reset-layout').textContent()).toBe('Reset layout (1)');
    await shoot(page, 'graph-pinned');

    // Another view, and back: the node is where the analyst left it.
    await graph.chainPicker.selectOption({ index: 1 });
    await graph.ready();
    await graph.fitAll();
    await expect.poll(placed).toBe(pinned);
    await graph.chainPicker.selectOption({ index: 0 });
    await graph.ready();
    await expect.poll(placed).toBe(pinned);
    // A reload of the same case keeps the pin.
    await page.reload();
    await graph.ready();
    await patch.waitFor();
    await expect.poll(placed).toBe(pinned);
    expect(await patch.getAttribute('data-pinned')).toBe('true');

    // Reset layout: back where the layout puts it, the pin gone.
    await page.getByTestId('reset-layout').click();
    await expect.poll(placed).toBe(laid);
    expect(await patch.getAttribute('data-pinned')).toBeNull();
    expect(await page.getByTestId('reset-layout').count()).toBe(0);
    // A click on a node selects it and pins nothing.
    await patch.click();
    await expect.poll(() => patch.getAttribute('data-selected')).toBe('true');
    expect(await patch.getAttribute('data-pinned')).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports the view as an SVG holding every node and as a PNG', async () => {
    const { page, graph, errors } = await openGraph();
    await graph.showChainWith(PATCH);
    const shown = await graph.shownCount();
    const labels = await graph.labels();

    const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('graph-export-svg').click()]);
    expect(svgDownload.suggestedFilename()).toMatch(/^inc-0047.*\.svg$/);
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // One group per node of the view, each titled with its whole label; the lanes named.
    expect(svg.match(/<g data-node-id=/g)?.length).toBe(shown);
    expect(svg).toContain(`<title>${PATCH}</title>`);
    for (const label of labels.slice(0, 10))
      expect(svg).toContain(
        `<title>${label.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</title>`,
      );
    expect(svg).toContain('API requests');
    expect(svg).toContain('marker-end="url(#arrow-explicit)"');
    // The browser itself reads it as an image of the size it declares.
    const size = await page.evaluate(async (text) => {
      const image = new Image();
      image.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
      await image.decode();
      return [image.naturalWidth, image.naturalHeight];
    }, svg);
    expect(size[0]).toBeGreaterThan(600);
    expect(size[1]).toBeGreaterThan(200);

    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('graph-export-png').click()]);
    expect(pngDownload.suggestedFilename()).toMatch(/^inc-0047.*\.png$/);
    const png = readFileSync((await pngDownload.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    // Twice the SVG's size (sharp text), and far more than a blank image's bytes.
    expect(png.readUInt32BE(16)).toBe(Math.round(size[0]! * 2));
    expect(png.readUInt32BE(20)).toBe(Math.round(size[1]! * 2));
    expect(png.length).toBeGreaterThan(50_000);
    writeFileSync(join(SCREENSHOTS, 'graph-export-file.png'), png);
    await shoot(page, 'graph-export');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('drags a node onto the Findings board, as a timeline row is dragged', async () => {
    const { page, graph, errors } = await openGraph();
    const patch = graph.node(PATCH).first();
    const id = (await patch.getAttribute('data-node-id'))!;
    const box = await patch.boundingBox();
    await page.getByTestId('tab-findings').click();
    const rootCause = page.getByTestId('role-root_cause');
    await rootCause.waitFor();
    await patch.getByTestId('node-grip').dragTo(rootCause);
    const item = rootCause.getByTestId('role-item');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.getAttribute('data-node-id')).toBe(id);
    expect(await item.textContent()).toContain(PATCH);
    // The drag was onto the board: the node stayed where it was, unpinned.
    expect(await patch.getAttribute('data-pinned')).toBeNull();
    expect((await patch.boundingBox())!.y).toBeCloseTo(box!.y, 0);
    await shoot(page, 'graph-drag-finding');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('folds a lane to a thin band with its count when its name is clicked, and remembers it', async () => {
    const { page, graph, errors } = await openGraph();
    await graph.showChainWith(PATCH);
    const workload = page.locator('[data-testid=lane-label][data-lane=workload]');
    const count = Number(await workload.locator('.lane-count').textContent());
    expect(count).toBeGreaterThan(5);
    const tall = (await workload.boundingBox())!.height;
    const workloadNodes = page.locator('[data-testid=graph-node].lane-workload');
    expect(await workloadNodes.count()).toBeGreaterThan(0);

    await workload.click();
    await graph.ready();
    await expect.poll(() => workload.getAttribute('data-folded')).toBe('true');
    expect(await workload.getAttribute('aria-expanded')).toBe('false');
    // A thin band that still says how many nodes it holds; none of them drawn, the other lanes' nodes still are.
    expect(await workload.locator('.lane-count').textContent()).toBe(String(count));
    expect(await page.locator('.lane-band.folded .lane-folded-note').textContent()).toBe(`${count} nodes folded`);
    await page.getByTestId('graph-fit').click();
    expect(await workloadNodes.count()).toBe(0);
    await expect.poll(() => graph.node(PATCH).count()).toBe(1);
    expect((await workload.boundingBox())!.height).toBeLessThan(tall / 2);
    await shoot(page, 'graph-lane-folded');

    // Remembered: a reload (and another view) keeps it folded; a click unfolds it.
    await page.reload();
    await graph.ready();
    await page.locator('[data-testid=lane-label][data-lane=workload]').waitFor();
    await expect.poll(() => workload.getAttribute('data-folded')).toBe('true');
    await workload.click();
    await graph.ready();
    await expect.poll(() => workload.getAttribute('data-folded')).toBeNull();
    await expect.poll(() => workloadNodes.count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
