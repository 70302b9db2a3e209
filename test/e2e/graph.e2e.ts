// The causal graph end to end on the built-in INC-0047 sample: the chain from the agent's patch of the
// api-service Deployment down to the controllers' ReplicaSet and Pod creates, kept in step with the
// timeline and the inspector, and narrowed by the same filters. Assertions hold as more evidence (Events,
// traces, MCP transcripts) joins the sample: they look for this chain's nodes, never count the whole graph.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS, openWorkbenchPage } from './support/browser';
import { serve, ROOT, type Served } from './support/serve';
import { GraphPage } from './pages/graph';
import { WorkbenchPage } from './pages/workbench';

const PATCH = 'patch deployments production/api-service';
const RS_CREATE = /^create replicasets production\/api-service-/;
const POD_CREATE = /^create pods production\/api-service-/;
const CONTROLLERS = 'system:kube-controller-manager';

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

async function openGraph(url = served.url): Promise<{ page: Page; workbench: WorkbenchPage; graph: GraphPage; errors: string[] }> {
  const { page, workbench, errors } = await openWorkbenchPage(browser, url);
  const graph = new GraphPage(page);
  await graph.ready();
  return { page, workbench, graph, errors };
}

describe('the causal graph of INC-0047', () => {
  it('opens on a chain, lists every chain, and draws the patch with the creates it caused', async () => {
    const { page, graph, errors } = await openGraph();
    const options = await graph.chainPicker.locator('option').allTextContents();
    expect(options.length).toBeGreaterThanOrEqual(3);
    // The first chain's key path (its prompt to the first failing pod) first, then the chain whole.
    expect(options[0]).toMatch(/^Chain \d+ · prompt → Unhealthy api-service-.+ · \d+ of \d+ nodes$/);
    expect(options[1]).toMatch(/^Chain \d+ · .+ · \d+ nodes · \d+ notable$/);
    expect(options.at(-1)).toMatch(/^All nodes \(\d+\)$/);
    expect(await graph.chainPicker.inputValue()).not.toBe('all');
    await page.getByTestId('graph-node').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'graph.png') });

    await graph.showChainWith(PATCH);
    const labels = await graph.labels();
    expect(labels.some((l) => RS_CREATE.test(l))).toBe(true);
    expect(labels.filter((l) => POD_CREATE.test(l)).length).toBeGreaterThanOrEqual(3);

    // Every lane is named, and the lanes that hold this chain's nodes say how many.
    const lanes = await page
      .getByTestId('lane-label')
      .evaluateAll((els) => els.map((el) => [el.getAttribute('data-lane'), el.textContent]));
    expect(lanes.map(([lane]) => lane)).toEqual(['prompt', 'agent', 'tool', 'authz', 'api', 'workload', 'other']);
    expect(lanes.find(([lane]) => lane === 'api')?.[1]).toMatch(/^API requests\d+$/);

    // No two nodes on screen overlap, and the patch's edges are drawn.
    const boxes = await graph.nodes.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
        expect(overlap, JSON.stringify([a, b])).toBe(false);
      }
    }
    const patchId = await graph.node(PATCH).first().getAttribute('data-node-id');
    await expect.poll(() => page.locator(`.react-flow__edge[data-id*="${patchId}->"]`).count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-chain-fitted.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('selecting a node shows its edges in the inspector and selects its timeline row', async () => {
    const { page, workbench, graph, errors } = await openGraph();
    await workbench.total();
    await graph.showChainWith(PATCH);
    const patch = graph.node(PATCH).first();
    await patch.click();
    await expect.poll(() => patch.getAttribute('data-selected')).toBe('true');

    await graph.links.waitFor();
    const out = graph.edges.and(page.locator('[data-direction=out][data-rule=owner-reference]'));
    await expect.poll(() => out.count()).toBeGreaterThanOrEqual(2);
    expect(await out.first().textContent()).toContain('ownerReferences[].uid');
    expect(await out.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/→ create replicasets production\/api-service-/)]),
    );
    const decision = graph.edges.and(page.locator('[data-direction=in][data-rule=authz-annotation]'));
    expect(await decision.textContent()).toContain('RBAC: allowed');
    expect(await page.getByTestId('normalized-fields').textContent()).toContain('james.w@example.com');
    expect(await workbench.rawRecord.textContent()).toContain('"verb":"patch"');

    // The timeline scrolled to the node's event and selected it.
    const selectedRow = page.locator('[data-testid=timeline-row][aria-selected=true]');
    await selectedRow.waitFor();
    expect(await selectedRow.textContent()).toContain('patch');
    expect(await selectedRow.textContent()).toContain('deployments production/api-service');
    const [row, timeline] = [await selectedRow.boundingBox(), await workbench.timeline.boundingBox()];
    expect(row!.y).toBeGreaterThanOrEqual(timeline!.y);
    expect(row!.y + row!.height).toBeLessThanOrEqual(timeline!.y + timeline!.height);
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-node-selected.png') });

    // A timeline row selects and centers its node: a pod the ReplicaSet created, a few rows further down.
    const podRow = workbench.rows.filter({ hasText: 'create' }).filter({ hasText: 'pods production/api-service-' }).first();
    await podRow.click();
    const selectedNode = page.locator('[data-testid=graph-node][data-selected=true]');
    await expect.poll(async () => (await selectedNode.textContent()) ?? '').toMatch(/create pods production\/api-service-/);
    await expect.poll(() => graph.inView(selectedNode)).toBe(true);
    expect(await graph.edges.and(page.locator('[data-direction=in][data-rule=owner-reference]')).textContent()).toMatch(
      /← create replicasets production\/api-service-/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-row-selected.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a filter narrows the graph and the timeline alike', async () => {
    const { page, workbench, graph, errors } = await openGraph();
    const before = await workbench.total();
    await graph.showChainWith(PATCH);
    const nodesBefore = await graph.shownCount();

    await page.getByTestId('filter-actor').fill('james.w');
    await graph.ready('james.w');
    await expect.poll(() => workbench.total()).toBeLessThan(before);
    const actors = await workbench.rows.evaluateAll((rows) =>
      rows.map((row) => row.querySelector('.cell.actor')?.getAttribute('title') ?? ''),
    );
    expect(actors.length).toBeGreaterThan(0);
    for (const actor of actors) expect(actor).toContain('james.w');

    await graph.showChainWith(PATCH);
    const labels = await graph.labels();
    expect(labels.some((l) => RS_CREATE.test(l) || POD_CREATE.test(l))).toBe(false);
    const nodesAfter = await graph.shownCount();
    expect(nodesAfter).toBeLessThan(nodesBefore);
    // The picker says how much of the chain the filter leaves.
    const picked = await graph.chainPicker.locator('option:checked').textContent();
    expect(picked).toMatch(new RegExp(`· ${nodesAfter} of ${nodesBefore} nodes ·`));
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-filtered.png') });

    // A row whose node is in another chain (in the sample today; more evidence may join the two) switches
    // the graph to the node's chain and selects it there.
    const otherPatch = workbench.rows.filter({ hasText: 'patch' }).filter({ hasText: 'success' }).last();
    await otherPatch.click();
    const chosen = page.locator('[data-testid=graph-node][data-selected=true]');
    await expect.poll(async () => (await chosen.textContent()) ?? '').toContain(PATCH);
    expect(await chosen.getAttribute('data-time')).toBe(await otherPatch.locator('.cell.time').getAttribute('title'));
    await expect.poll(() => graph.inView(chosen)).toBe(true);

    // A background group, opened, lists its events in the timeline through the same filter.
    await page.getByTestId('filter-actor').fill('');
    await graph.ready('{}');
    await page.getByTestId('background-groups').locator('summary').click();
    const group = page.getByTestId('background-group').first();
    const groupLabel = (await group.locator('.group-label').textContent())!;
    const actor = groupLabel.replace(/^\S+ by /, '');
    await group.getByTestId('group-list').click();
    await graph.ready(actor);
    expect(await page.getByTestId('filter-actor').inputValue()).toBe(actor);
    await expect
      .poll(() => workbench.total())
      .toBeGreaterThanOrEqual(Number((await group.locator('.group-count').textContent())!.replace(/,/g, '')));
    const groupActors = await workbench.rows.evaluateAll((rows) =>
      rows.map((row) => row.querySelector('.cell.actor')?.getAttribute('title') ?? ''),
    );
    for (const who of groupActors) expect(who).toContain(actor);
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-background-group.png') });

    expect(errors).toEqual([]);
    await page.close();
  });

  it('says what a filter hides: the links of the selected node, and the nodes of each lane', async () => {
    const { page, workbench, graph, errors } = await openGraph();
    await workbench.chooseFilter('kind', ['k8s_api']);
    await graph.ready('"kind":["k8s_api"]');
    await graph.showChainWith(PATCH);
    // The prompts and tool calls that led to the patch are hidden: the toolbar says how many, lane by lane.
    const hidden = page.getByTestId('graph-hidden');
    await expect.poll(async () => (await hidden.textContent()) ?? '').toMatch(/^\d+ hidden by the filter$/);
    expect(await hidden.getAttribute('title')).toMatch(/^Hidden by the current filter: .*\d+ in Prompts.*\d+ in Tool calls/i);
    // The patch's link to the tool call that made it leads out of the filter: the inspector says so.
    await graph.node(PATCH).first().click();
    const said = page.getByTestId('links-hidden');
    await said.waitFor();
    expect(await said.textContent()).toMatch(/^\d+ links? hidden by the current filter/);
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-hidden-by-filter.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a background group expands into the graph on demand, a page at a time, and its nodes select like any', async () => {
    const { page, workbench, graph, errors } = await openGraph();
    const before = await workbench.total();
    const nodesBefore = await graph.shownCount();
    await page.getByTestId('background-groups').locator('summary').click();
    // The controller manager's routine requests: over a thousand events, far more than one page.
    const group = page.locator(`[data-testid=background-group][data-group-id="g:api:k8s_api:${CONTROLLERS}"]`);
    const status = group.getByTestId('group-status');
    await group.getByTestId('group-expand').click();
    await page.waitForSelector('[data-testid=background-group][data-expanded=true] [data-testid=group-status][data-shown="100"]');
    await graph.ready();
    expect(Number(await status.getAttribute('data-total'))).toBeGreaterThan(200);
    expect(await status.textContent()).toMatch(/^100 of [\d,]+ drawn/);
    expect(await page.getByTestId('expanded-groups').getAttribute('data-members')).toBe('100');
    // Each request brings its authorization decision; the chain on screen stays.
    const withPage = await graph.shownCount();
    expect(withPage).toBeGreaterThanOrEqual(nodesBefore + 100);
    expect(await graph.chainPicker.inputValue()).not.toBe('all');

    // "Show more" draws the next page, still laid out in the worker.
    await group.getByTestId('group-more').click();
    await page.waitForSelector('[data-testid=group-status][data-shown="200"]');
    await graph.ready();
    expect(await graph.shownCount()).toBeGreaterThanOrEqual(withPage + 100);
    expect(await page.getByTestId('expanded-groups').getAttribute('data-members')).toBe('200');

    // The view moved to the new page's first member: in the API lane, drawn as background.
    const members = graph.nodes.and(page.locator('[data-background=true][data-kind=k8s_api]'));
    await members.first().waitFor();
    const memberId = (await (await graph.firstInView(members)).getAttribute('data-node-id'))!;
    const member = graph.nodeById(memberId);
    const apiLane = page.locator('[data-testid=lane-label][data-lane=api]');
    const [box, lane] = [(await member.boundingBox())!, (await apiLane.boundingBox())!];
    expect(box.y).toBeGreaterThanOrEqual(lane.y - 1);
    expect(box.y + box.height).toBeLessThanOrEqual(lane.y + lane.height + 1);
    expect(
      await graph
        .node(/^allow: RBAC/)
        .and(page.locator('[data-background=true]'))
        .count(),
    ).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-group-expanded.png') });

    // Selecting a member selects its row in the timeline (scrolled to it) and shows it in the inspector.
    await member.click();
    await expect.poll(() => member.getAttribute('data-selected')).toBe('true');
    const selectedRow = page.locator('[data-testid=timeline-row][aria-selected=true]');
    await selectedRow.waitFor();
    expect(`e${await selectedRow.getAttribute('data-event-id')}`).toBe(memberId);
    expect(await selectedRow.locator('.cell.actor').getAttribute('title')).toBe(CONTROLLERS);
    const [row, timeline] = [(await selectedRow.boundingBox())!, (await workbench.timeline.boundingBox())!];
    expect(row.y).toBeGreaterThanOrEqual(timeline.y);
    expect(row.y + row.height).toBeLessThanOrEqual(timeline.y + timeline.height);
    await expect.poll(() => graph.links.getAttribute('data-node-id')).toBe(memberId);
    expect(await graph.links.textContent()).toContain('in no chain');
    expect(await graph.edges.and(page.locator('[data-direction=in][data-rule=authz-annotation]')).textContent()).toContain('RBAC: allowed');
    expect(await page.getByTestId('normalized-fields').textContent()).toContain(CONTROLLERS);
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-group-member-selected.png') });

    // A timeline row of another member selects its node in the graph.
    const otherRow = page.locator('[data-testid=timeline-row][aria-selected=false]').filter({ hasText: 'kube-controller-manager' }).first();
    const otherId = (await otherRow.getAttribute('data-node-id'))!;
    await otherRow.click();
    await expect.poll(() => graph.nodeById(otherId).getAttribute('data-selected')).toBe('true');

    // Two kinds at once: the timeline lists both and only them; the graph keeps the group, narrowed alike.
    await workbench.chooseFilter('kind', ['k8s_api', 'workload_event']);
    await graph.ready('"kind":["k8s_api","workload_event"]');
    await expect.poll(() => workbench.total()).toBe(1984 + 307);
    // The timeline draws only the rows on screen: each of them is of one of the two kinds, and the total
    // is both kinds' counts (1,984 API calls and 307 Events).
    const kindsShown = () =>
      workbench.rows.evaluateAll((rows) => [...new Set(rows.map((r) => r.querySelector('.cell.kind')?.textContent ?? ''))]);
    for (const kind of await kindsShown()) expect(['k8s api', 'workload event']).toContain(kind);
    expect(
      (await graph.root.getAttribute('data-kinds'))!.split(',').every((k) => ['k8s_api', 'workload_event', 'authz_decision'].includes(k)),
    ).toBe(true);
    expect(await status.getAttribute('data-shown')).toBe('200');
    expect(Number(await graph.root.getAttribute('data-members'))).toBeGreaterThanOrEqual(200);
    await page.getByTestId('filter-kind-button').click();
    await page.getByTestId('filter-kind-menu').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'filter-bar-kinds.png') });
    await page.keyboard.press('Escape');

    // A kind the group does not hold collapses it: its members are no longer drawn.
    await page.getByTestId('filter-kind-button').click();
    await page.getByTestId('filter-kind-menu').locator('[data-value=k8s_api]').uncheck();
    await page.getByTestId('filter-kind-menu').locator('[data-value=tool_call]').check();
    await page.keyboard.press('Escape');
    await graph.ready('"kind":["workload_event","tool_call"]');
    await expect.poll(() => workbench.total()).toBe(307 + 12);
    for (const kind of await kindsShown()) expect(['workload event', 'tool call']).toContain(kind);
    expect((await graph.root.getAttribute('data-kinds'))!.split(',').every((k) => ['tool_call', 'workload_event'].includes(k))).toBe(true);
    expect(await graph.root.getAttribute('data-members')).toBe('0');
    expect(await page.getByTestId('expanded-groups').count()).toBe(0);

    await page.getByTestId('filter-clear').click();
    await expect.poll(() => workbench.total()).toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('dragging across the event-rate histogram narrows both to that time window', async () => {
    const { page, workbench, graph, errors } = await openGraph();
    const before = await workbench.total();
    const brush = page.getByTestId('time-brush');
    const [start, end] = [Date.parse((await brush.getAttribute('data-start'))!), Date.parse((await brush.getAttribute('data-end'))!)];
    const box = (await brush.locator('svg').boundingBox())!;
    const xAt = (time: string) => box.x + ((Date.parse(time) - start) / (end - start)) * box.width;
    await page.mouse.move(xAt('2025-04-03T14:30:30Z'), box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(xAt('2025-04-03T14:32:00Z'), box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();

    await graph.ready('"since"');
    const since = await page.getByTestId('filter-since').inputValue();
    const until = await page.getByTestId('filter-until').inputValue();
    expect(since.slice(0, 16)).toBe('2025-04-03T14:30');
    expect(until.slice(0, 16)).toMatch(/^2025-04-03T14:3[12]$/);
    await expect.poll(() => workbench.total()).toBeLessThan(before);
    const times = await workbench.rows.evaluateAll((rows) =>
      rows.map((row) => row.querySelector('.cell.time')?.getAttribute('title') ?? ''),
    );
    for (const time of times) expect(time >= since && time <= until, time).toBe(true);

    await graph.chainPicker.selectOption('all');
    await graph.ready('"since"');
    // React Flow draws only what is on screen: fit the whole view first.
    await graph.fitAll();
    const nodeTimes = await graph.nodes.evaluateAll((els) => els.map((el) => el.getAttribute('data-time') ?? ''));
    for (const time of nodeTimes) expect(time >= since && time <= until, time).toBe(true);
    expect(await graph.node(PATCH).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-time-window.png') });

    await page.getByTestId('filter-clear').click();
    await expect.poll(() => workbench.total()).toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a denied request', () => {
  let denied: Served;

  beforeAll(async () => {
    // The agent's patch as the sample has it, and the same service account refused a delete.
    const lines = readFileSync(join(ROOT, 'resources', 'samples', 'inc-0047', 'sources', 'k8s-audit', 'audit.jsonl'), 'utf8').split('\n');
    const patch = lines.filter((line) => line.includes('"verb":"patch"') && line.includes('james.w@example.com')).slice(0, 2);
    const refused = JSON.parse(patch[1]!) as Record<string, unknown>;
    Object.assign(refused, {
      auditID: '0d6c2b8e-5a0c-4d7e-9a51-2f7e1c1d4e01',
      verb: 'delete',
      requestURI: '/apis/apps/v1/namespaces/production/deployments/api-service',
      responseStatus: { metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403 },
      requestReceivedTimestamp: '2025-04-03T14:33:00.100000Z',
      stageTimestamp: '2025-04-03T14:33:00.104000Z',
      annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
    });
    delete refused.requestObject;
    delete refused.responseObject;
    const dir = mkdtempSync(join(tmpdir(), 'causa-e2e-denied-'));
    writeFileSync(join(dir, 'audit.jsonl'), `${[...patch, JSON.stringify(refused)].join('\n')}\n`);
    denied = await serve([join(dir, 'audit.jsonl')]);
  });

  afterAll(async () => {
    await denied?.stop();
  });

  it('stands out in red with a denied tag, among the nodes in no chain', async () => {
    const { page, graph, errors } = await openGraph(denied.url);
    const options = await graph.chainPicker.locator('option').allTextContents();
    const unlinked = options.find((o) => o.startsWith('In no chain'));
    expect(unlinked).toMatch(/· [1-9]\d* notable$/);
    await graph.chainPicker.selectOption('unlinked');
    await page.waitForSelector('[data-testid=graph][data-status=ready][data-view=unlinked]');
    const refused = graph.nodes.and(page.locator('[data-outcome=denied]'));
    await expect.poll(() => refused.count()).toBeGreaterThanOrEqual(1);
    const request = graph.node('delete deployments production/api-service');
    expect(await request.getAttribute('data-outcome')).toBe('denied');
    expect(await request.getByTestId('denied-tag').textContent()).toBe('denied');
    expect(await request.evaluate((el) => getComputedStyle(el).borderTopColor)).toBe('rgb(240, 89, 107)');
    await request.click();
    await expect.poll(async () => (await graph.links.textContent()) ?? '').toContain('authz-annotation');
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-denied.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
