// The analyst's annotations end to end on the built-in INC-0047 sample: drag the agent's patch onto Root
// cause, star, tag and comment it, write the story with the event embedded, set the disclosure clock,
// undo and redo, reload, and read it all back from the hash-chained journal.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS, openWorkbenchPage } from './support/browser';
import { runCausa, serve, ROOT, type Served } from './support/serve';
import { AnnotatePage, WorkbenchPage } from './pages/workbench';

const ANALYST = 'dana@ir.example';
const PATCH = 'patch deployments production/api-service';

let browser: Browser;
let served: Served;
let patchNode: string;

beforeAll(async () => {
  browser = await launchChromium();
  served = await serve([join(ROOT, 'resources', 'samples', 'inc-0047')], { CAUSA_ANALYST: ANALYST });
});

afterAll(async () => {
  await served?.stop();
  await browser?.close();
});

async function openWorkbench(): Promise<{ page: Page; workbench: WorkbenchPage; annotate: AnnotatePage; errors: string[] }> {
  const { page, workbench, errors } = await openWorkbenchPage(browser, served.url);
  expect(await workbench.total()).toBe(2339);
  return { page, workbench, annotate: new AnnotatePage(page), errors };
}

/** The agent's patch of api-service, filtered to as an analyst would: the developer's API calls. */
async function findPatch(page: Page, workbench: WorkbenchPage) {
  await workbench.chooseFilter('kind', ['k8s_api']);
  await page.getByTestId('filter-actor').fill('james.w');
  await workbench.waitForTotal(4);
  const row = workbench.row('14:31:06.884').filter({ hasText: 'patch' }).last();
  await expect.poll(() => row.count()).toBe(1);
  return row;
}

describe('annotating the INC-0047 sample', () => {
  it('finds the node the graph shows for the patch, which annotations name', async () => {
    const graph = await runCausa(['graph', served.casePath, '--json']);
    const nodes = (JSON.parse(graph.stdout) as { nodes: { id: string; label: string; time?: string; event_ids: number[] }[] }).nodes;
    const patch = nodes.filter((n) => n.label === PATCH && n.time?.startsWith('2025-04-03T14:31:06.884'));
    expect(patch).toHaveLength(1);
    patchNode = patch[0]!.id;
    // A node is named after its event, or for an API request with several stages, its smallest stage id.
    expect(patchNode).toBe(`e${Math.min(...patch[0]!.event_ids)}`);
  });

  it('drags the patch onto Root cause, stars, tags and comments it', async () => {
    const { page, workbench, annotate, errors } = await openWorkbench();
    const row = await findPatch(page, workbench);
    await page.waitForSelector(`[data-testid=timeline-row][data-node-id="${patchNode}"]`);

    await page.getByTestId('tab-findings').click();
    await row.dragTo(annotate.role('root_cause'));
    const item = annotate.role('root_cause').getByTestId('role-item');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.getAttribute('data-node-id')).toBe(patchNode);
    expect(await item.textContent()).toContain(PATCH);
    expect(await item.textContent()).toContain('14:31:06');
    await annotate.waitForEntries(1);

    await row.click();
    await page.getByTestId('annotations').waitFor();
    expect(await page.getByTestId('annotations').getAttribute('data-node-id')).toBe(patchNode);
    expect(await page.getByTestId('assigned-role').textContent()).toContain('Root cause');
    await page.getByTestId('star-toggle').click();
    await annotate.waitForEntries(2);
    expect(await page.getByTestId('star-toggle').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => row.getByTestId('row-star').count()).toBe(1);

    await page.getByTestId('tag-input').fill('beta-image');
    await page.getByTestId('tag-input').press('Enter');
    await annotate.waitForEntries(3);
    expect(await page.getByTestId('tag-chip').allTextContents()).toEqual(['beta-image×']);

    await page.getByTestId('comment-input').fill('The agent applied v3.2.1-beta, whose memory limit is 256Mi.');
    await page.getByTestId('comment-send').click();
    await annotate.waitForEntries(4);
    expect(await page.getByTestId('comment').textContent()).toContain('v3.2.1-beta');
    expect(await page.getByTestId('comment-analyst').textContent()).toBe(ANALYST);
    await page.screenshot({ path: join(SCREENSHOTS, 'annotate-findings.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('writes the story with the patch embedded, and sets the disclosure clock', async () => {
    const { page, workbench, annotate, errors } = await openWorkbench();
    await annotate.waitForEntries(4);
    const row = await findPatch(page, workbench);
    await row.click();
    await page.getByTestId('annotations').waitFor();

    await page.getByTestId('tab-story').click();
    await page.getByTestId('story-title').fill('INC-0047: api-service OOM after an agent upgrade');
    await page.getByTestId('story-title').press('Enter');
    await annotate.waitForEntries(5);
    const story = page.getByTestId('story-text');
    await story.fill('At 14:31 the coding agent, acting for james.w, ran ');
    await page.getByTestId('insert-event').click();
    await story.press('End');
    await story.pressSequentially(' and the pods began to fail.');
    await page.getByTestId('story-save').click();
    await annotate.waitForEntries(6);
    expect(await story.inputValue()).toBe(`At 14:31 the coding agent, acting for james.w, ran [[${patchNode}]] and the pods began to fail.`);
    const reference = page.getByTestId('story-ref');
    expect(await reference.getAttribute('data-node-id')).toBe(patchNode);
    expect(await reference.textContent()).toContain(PATCH);

    await page.getByTestId('awareness-input').fill('2025-04-03T14:40');
    await page.getByTestId('awareness-set').click();
    await annotate.waitForEntries(7);
    expect(await annotate.deadline('GDPR Art. 33 notification').textContent()).toContain('due 2025-04-06 14:40 UTC');
    expect(await annotate.deadline('NIS2 early warning').textContent()).toContain('due 2025-04-04 14:40 UTC');
    await page.screenshot({ path: join(SCREENSHOTS, 'annotate-story.png') });

    // Ctrl+Z outside a text field undoes the last journal action (the awareness time), the button redoes it.
    await page.getByTestId('disclosure-clock').click({ position: { x: 4, y: 4 } });
    await page.keyboard.press('Control+z');
    await annotate.waitForEntries(8);
    expect(await annotate.deadline('GDPR Art. 33 notification').textContent()).toContain('set the awareness time');
    expect(await page.getByTestId('redo').isEnabled()).toBe(true);
    await page.getByTestId('redo').click();
    await annotate.waitForEntries(9);
    expect(await annotate.deadline('GDPR Art. 33 notification').textContent()).toContain('due 2025-04-06 14:40 UTC');
    // … and Ctrl+Shift+Z after another undo.
    await page.keyboard.press('Control+z');
    await annotate.waitForEntries(10);
    await page.keyboard.press('Control+Shift+z');
    await annotate.waitForEntries(11);
    expect(await annotate.deadline('GDPR Art. 33 notification').textContent()).toContain('due 2025-04-06 14:40 UTC');

    await reference.click();
    await page.getByTestId('annotations').waitFor();
    expect(await page.getByTestId('annotations').getAttribute('data-node-id')).toBe(patchNode);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps everything after a reload, and the journal names the analyst for every entry', async () => {
    const { page, workbench, annotate, errors } = await openWorkbench();
    await annotate.waitForEntries(11);
    await page.getByTestId('tab-findings').click();
    expect(await annotate.role('root_cause').getByTestId('role-item').textContent()).toContain(PATCH);
    await annotate.role('root_cause').getByTestId('role-item').getByRole('button', { name: /patch/ }).click();
    await page.getByTestId('annotations').waitFor();
    expect(await page.getByTestId('star-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('tag-chip').allTextContents()).toEqual(['beta-image×']);
    expect(await page.getByTestId('comment-analyst').textContent()).toBe(ANALYST);
    const row = await findPatch(page, workbench);
    await expect.poll(() => row.getByTestId('row-star').count()).toBe(1);

    await page.getByTestId('tab-story').click();
    expect(await page.getByTestId('story-title').inputValue()).toBe('INC-0047: api-service OOM after an agent upgrade');
    expect(await page.getByTestId('story-ref').textContent()).toContain(PATCH);
    expect(await annotate.deadline('GDPR Art. 33 notification').textContent()).toContain('due 2025-04-06 14:40 UTC');

    await page.getByTestId('tab-journal').click();
    const entries = page.getByTestId('journal-entry');
    await expect.poll(() => entries.count()).toBe(11);
    expect(new Set(await page.getByTestId('journal-analyst').allTextContents())).toEqual(new Set([ANALYST]));
    expect(await page.getByTestId('journal-verdict').textContent()).toContain('Chain intact · 11 entries');
    const types = await entries.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    expect(types.reverse()).toEqual(['assign', 'star', 'tag', 'comment', 'title', 'narrative', 'awareness', 'undo', 'redo', 'undo', 'redo']);
    expect(await entries.first().textContent()).toContain('redid entry 7');
    await page.screenshot({ path: join(SCREENSHOTS, 'annotate-journal.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
