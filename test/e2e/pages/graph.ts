/// <reference lib="dom" />
// Page object of the graph view: its nodes, the chain picker, the inspector's causal links, and the
// named states to wait for (the graph's data-status, and the filter it was linked for).
import type { Locator, Page } from 'playwright-core';

export class GraphPage {
  readonly root: Locator;
  readonly stage: Locator;
  readonly nodes: Locator;
  readonly chainPicker: Locator;
  readonly links: Locator;
  readonly edges: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('graph');
    this.stage = page.locator('.graph-stage');
    this.nodes = page.getByTestId('graph-node');
    this.chainPicker = page.getByTestId('chain-picker');
    this.links = page.getByTestId('node-links');
    this.edges = page.getByTestId('node-edge');
  }

  /** Waits until the graph for the current filter is linked and laid out. */
  async ready(filterContains = ''): Promise<void> {
    const filter = filterContains ? `[data-filter*=${JSON.stringify(filterContains)}]` : '';
    await this.page.waitForSelector(`[data-testid=graph][data-status=ready]${filter}`);
  }

  /** A node by its graph id (`e<event id>`, `a<id>` for a decision). */
  nodeById(id: string): Locator {
    return this.page.locator(`[data-testid=graph-node][data-node-id="${id}"]`);
  }

  /** The inspector's entry for an edge of the selected node (the links kept, or the rejected ones). */
  link(edgeId: string): Locator {
    return this.page.locator(`[data-testid=node-edge][data-edge-id="${edgeId}"]`);
  }

  /** The edge as the canvas draws it (React Flow's own test id). */
  drawnEdge(edgeId: string): Locator {
    return this.page.getByTestId(`rf__edge-${edgeId}`);
  }

  /** Zooms in on a node with the mouse wheel, as an analyst looks closer at part of a long chain. */
  async zoomAt(node: Locator, steps = 3): Promise<void> {
    for (let i = 0; i < steps; i++) {
      const box = await node.boundingBox();
      if (!box) throw new Error('the node is not on screen');
      await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await this.page.mouse.wheel(0, -400);
    }
  }

  /** Drags from one node's draw handle onto another node, as an analyst drawing an edge by hand. */
  async dragEdge(from: Locator, to: Locator): Promise<void> {
    await from.hover();
    const [handle, target] = [await from.getByTestId('draw-handle').boundingBox(), await to.boundingBox()];
    if (!handle || !target) throw new Error('the nodes to join are not on screen');
    const mouse = this.page.mouse;
    await mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await mouse.down();
    await mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
    await mouse.up();
  }

  node(label: string | RegExp): Locator {
    return this.nodes.filter({ has: this.page.getByTestId('graph-node-label').filter({ hasText: label }) });
  }

  async labels(): Promise<string[]> {
    return this.page.getByTestId('graph-node-label').allTextContents();
  }

  /** How many nodes the view holds (React Flow renders only those on screen, so the DOM may hold fewer). */
  async shownCount(): Promise<number> {
    return Number(await this.root.getAttribute('data-nodes'));
  }

  /** Zooms out until every node of the view is on screen (and so in the DOM), with the fit-view button. */
  async fitAll(): Promise<void> {
    await this.page.getByTestId('graph-fit').click();
    const shown = await this.shownCount();
    await this.page.waitForFunction((n) => document.querySelectorAll('[data-testid=graph-node]').length >= n, shown);
  }

  /**
   * Shows the first whole chain (in the picker's order; a chain's key path is not one) holding a node with
   * this label, fitted to the stage, and says which.
   */
  async showChainWith(label: string): Promise<string> {
    const values = await this.chainPicker.locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    const current = await this.chainPicker.inputValue();
    for (const value of [current, ...values].filter((v) => !v.startsWith('path:'))) {
      if (value !== (await this.chainPicker.inputValue())) {
        await this.chainPicker.selectOption(value);
        await this.page.waitForSelector(`[data-testid=graph][data-status=ready][data-view="${value}"]`);
      }
      await this.fitAll();
      if ((await this.node(label).count()) > 0) return value;
    }
    throw new Error(`no chain holds a node labelled ${label}`);
  }

  /** The first of these nodes that lies wholly inside the visible stage (React Flow also draws some beyond it). */
  async firstInView(nodes: Locator): Promise<Locator> {
    for (let i = 0; i < (await nodes.count()); i++) if (await this.inView(nodes.nth(i))) return nodes.nth(i);
    throw new Error('none of the nodes is in view');
  }

  /** Whether a node's box lies wholly inside the visible stage. */
  async inView(node: Locator): Promise<boolean> {
    const [box, stage] = [await node.boundingBox(), await this.stage.boundingBox()];
    if (!box || !stage) return false;
    return (
      box.x >= stage.x && box.y >= stage.y && box.x + box.width <= stage.x + stage.width && box.y + box.height <= stage.y + stage.height
    );
  }
}
