// The analyst's control of the causal graph end to end on the built-in INC-0047 sample: reject the
// inferred link from the agent's MCP request to the patch's authorization decision and see it leave the
// graph, undo and accept it, draw an edge of their own by dragging between two nodes and erase it, and
// export the postmortem as HTML.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS, openWorkbenchPage } from './support/browser';
import { runCausa, serve, ROOT, type Served } from './support/serve';
import { GraphPage } from './pages/graph';
import { AnnotatePage } from './pages/workbench';

const TOOL_CALL = 'resources_create_or_update deployments production/api-service';
const PATCH = 'patch deployments production/api-service';

let browser: Browser;
let served: Served;
/** The first chain's MCP request that patched api-service, its inferred edge, and the patch it led to. */
let mcpNode: string;
let inferred: string;
let patchNode: string;

beforeAll(async () => {
  browser = await launchChromium();
  served = await serve([join(ROOT, 'resources', 'samples', 'inc-0047')], { CAUSA_ANALYST: 'dana@ir.example' });
});

afterAll(async () => {
  await served?.stop();
  await browser?.close();
});

async function openGraph(): Promise<{ page: Page; graph: GraphPage; annotate: AnnotatePage; errors: string[] }> {
  const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
  expect(await workbench.total()).toBe(2339);
  const graph = new GraphPage(page);
  await graph.ready();
  return { page, graph, annotate: new AnnotatePage(page), errors };
}

/**
 * Waits for the relinked graph, then shows the whole chain that holds the MCP request (the case opens on a
 * chain's key path, and a decision on an edge renumbers the chains), fitted (React Flow renders only what
 * is on screen).
 */
async function relinked(graph: GraphPage): Promise<void> {
  await graph.ready();
  const out = await runCausa(['graph', served.casePath, '--json']);
  const chain = String((JSON.parse(out.stdout) as { nodes: { id: string; chain?: number }[] }).nodes.find((n) => n.id === mcpNode)?.chain);
  if ((await graph.chainPicker.inputValue()) !== chain) {
    await graph.chainPicker.selectOption(chain);
    await graph.page.waitForSelector(`[data-testid=graph][data-status=ready][data-view="${chain}"]`);
  }
  await graph.fitAll();
}

/** Close enough to the MCP request to read it and the patch it led to, both on screen. */
async function closeUp(graph: GraphPage): Promise<void> {
  await graph.zoomAt(graph.nodeById(mcpNode), 2);
  await expect
    .poll(async () => (await graph.inView(graph.nodeById(mcpNode))) && (await graph.inView(graph.nodeById(patchNode))))
    .toBe(true);
}

describe('the analyst controls the edges of INC-0047', () => {
  it('finds the inferred tool-target edge from the MCP request to the patch decision', async () => {
    const out = await runCausa(['graph', served.casePath, '--json']);
    const { nodes, edges } = JSON.parse(out.stdout) as {
      nodes: { id: string; label: string; kind: string; chain?: number }[];
      edges: { id: string; from: string; to: string; rule: string; strength: string; status?: string }[];
    };
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const edge = edges.find((e) => e.rule === 'tool-target' && byId.get(e.from)?.label === TOOL_CALL && byId.get(e.from)?.chain === 1);
    expect(edge).toBeDefined();
    expect(edge!.strength).toBe('inferred');
    expect(edge!.status).toBe('proposed');
    expect(byId.get(edge!.to)?.kind).toBe('authz_decision');
    [mcpNode, inferred] = [edge!.from, edge!.id];
    patchNode = edges.find((e) => e.rule === 'authz-annotation' && e.from === edge!.to)!.to;
    expect(byId.get(patchNode)?.label).toBe(PATCH);
  });

  it('rejects the inferred edge, undoes the decision, and accepts it', async () => {
    const { page, graph, annotate, errors } = await openGraph();
    await relinked(graph);
    await graph.nodeById(mcpNode).click();
    await page.waitForSelector(`[data-testid=node-links][data-node-id="${mcpNode}"]`);
    const link = graph.link(inferred);
    expect(await link.getAttribute('data-status')).toBe('proposed');
    expect(await link.getAttribute('data-rule')).toBe('tool-target');
    await expect.poll(() => graph.drawnEdge(inferred).count()).toBe(1);
    await closeUp(graph);
    await link.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'edges-proposed.png') });

    await link.getByTestId('edge-reject').click();
    await annotate.waitForEntries(1);
    // Out of the links the node keeps and out of the graph; listed apart so it can be undone.
    await page.waitForSelector(`[data-testid=rejected-edges] [data-edge-id="${inferred}"][data-status=rejected]`);
    await relinked(graph);
    expect(await graph.drawnEdge(inferred).count()).toBe(0);
    expect(await page.locator(`.node-edges:not(.rejected) [data-edge-id="${inferred}"]`).count()).toBe(0);
    // The agent's side and the API server's are two chains now.
    const out = await runCausa(['graph', served.casePath, '--json']);
    const after = JSON.parse(out.stdout) as { nodes: { id: string; chain?: number }[] };
    const chainOf = (id: string) => after.nodes.find((n) => n.id === id)?.chain;
    expect(chainOf(mcpNode)).not.toBe(chainOf(patchNode));
    await relinked(graph);
    await graph.zoomAt(graph.nodeById(mcpNode), 1);
    await link.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'edges-rejected.png') });

    await link.getByTestId('edge-undecide').click();
    await annotate.waitForEntries(2);
    await page.waitForSelector(`.node-edges:not(.rejected) [data-edge-id="${inferred}"][data-status=proposed]`);
    await relinked(graph);
    expect(await graph.drawnEdge(inferred).count()).toBe(1);

    await link.getByTestId('edge-accept').click();
    await annotate.waitForEntries(3);
    await page.waitForSelector(`[data-testid=node-edge][data-edge-id="${inferred}"][data-status=accepted]`);
    await relinked(graph);
    expect(await graph.drawnEdge(inferred).getAttribute('class')).toContain('edge-accepted');
    await closeUp(graph);
    await link.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'edges-accepted.png') });
    expect(errors).toEqual([]);
  });

  it('draws an edge by dragging from one node onto another, and erases it', async () => {
    const { page, graph, annotate, errors } = await openGraph();
    await annotate.waitForEntries(3);
    await relinked(graph);
    await graph.nodeById(mcpNode).click();
    await page.waitForSelector(`[data-testid=node-links][data-node-id="${mcpNode}"]`);
    await closeUp(graph);

    await graph.dragEdge(graph.nodeById(mcpNode), graph.nodeById(patchNode));
    const prompt = page.getByTestId('draw-edge-prompt');
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain(PATCH);
    await page.screenshot({ path: join(SCREENSHOTS, 'edges-draw-prompt.png') });
    await page.getByTestId('draw-edge-note').fill('the agent’s tool call made this patch');
    await page.getByTestId('draw-edge-save').click();
    await annotate.waitForEntries(4);
    await prompt.waitFor({ state: 'detached' });

    // The journal names a drawn edge by its entry: analyst:<seq>.
    const drawn = graph.link('analyst:4');
    await drawn.waitFor();
    expect(await drawn.getAttribute('data-rule')).toBe('analyst');
    expect(await drawn.getAttribute('data-direction')).toBe('out');
    expect(await drawn.textContent()).toContain('the agent’s tool call made this patch');
    await relinked(graph);
    expect(await graph.drawnEdge('analyst:4').getAttribute('class')).toContain('edge-analyst');
    await closeUp(graph);
    await drawn.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'edges-drawn.png') });

    await drawn.getByTestId('edge-erase').click();
    await annotate.waitForEntries(5);
    await drawn.waitFor({ state: 'detached' });
    await relinked(graph);
    expect(await graph.drawnEdge('analyst:4').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('exports the postmortem as HTML from the case header', async () => {
    const { page, errors } = await openGraph();
    await page.getByTestId('export-button').click();
    await page.screenshot({ path: join(SCREENSHOTS, 'edges-export-menu.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()]);
    expect(download.suggestedFilename()).toMatch(/\.html$/);
    const html = readFileSync((await download.path())!, 'utf8');
    expect(html).toContain('api-service outage');
    expect(html).toContain('<svg');
    await page.waitForSelector('[data-testid=export][data-status=done]');
    expect(await page.getByTestId('export-message').textContent()).toBe(`Downloaded ${download.suggestedFilename()}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'edges-exported.png') });
    expect(errors).toEqual([]);
  });
});
