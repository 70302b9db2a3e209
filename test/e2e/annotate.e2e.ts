// The analyst's annotations end to end on the built-in INC-0047 sample: drag the agent's patch onto Root
// cause, star, tag and comment it, write the story with the event embedded, set the disclosure clock,
// undo and redo, reload, and read it all back from the hash-chained journal. Then add, edit and remove
// recommendations, and export what an incident responder hands on through the Export button: the
// postmortem in Markdown, HTML and PDF (its pages rasterized and read back), the evidence excerpt (checked
// by the built CLI, and a tampered copy refused) and OCSF lines of the timeline's filter.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS, openWorkbenchPage } from './support/browser';
import { pdfText, pdfToPng, rasterizePdf } from './support/pdf';
import { runCausa, serve, ROOT, type Served } from './support/serve';
import { AnnotatePage, ExportMenu, WorkbenchPage } from './pages/workbench';

const ANALYST = 'dana@ir.example';
const PATCH = 'patch deployments production/api-service';
const TITLE = 'INC-0047: api-service OOM after an agent upgrade';
const COMMENT = 'The agent applied v3.2.1-beta, whose memory limit is 256Mi.';
const SAMPLE_KEY = join(ROOT, 'resources', 'keys', 'sample-ed25519.pub.pem');
const RECOMMENDATIONS = {
  pin: 'Pin production images by digest.',
  pinEdited: 'Pin production images by digest and require a change ticket for agent patches.',
  unattended: 'Let the agent patch production unattended.',
  preflight: 'Add a memory-limit pre-flight check to the patch tool.',
};

let browser: Browser;
let served: Served;
let patchNode: string;
let downloads: string;

beforeAll(async () => {
  browser = await launchChromium();
  served = await serve([join(ROOT, 'resources', 'samples', 'inc-0047')], { CAUSA_ANALYST: ANALYST });
  downloads = mkdtempSync(join(tmpdir(), 'causa-e2e-export-'));
});

afterAll(async () => {
  await served?.stop();
  await browser?.close();
  if (downloads) rmSync(downloads, { recursive: true, force: true });
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

    await page.getByTestId('comment-input').fill(COMMENT);
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
    await page.getByTestId('story-title').fill(TITLE);
    await page.getByTestId('story-title').press('Enter');
    await annotate.waitForEntries(5);
    const story = page.getByTestId('story-text');
    await story.fill('At 14:31 the coding agent, acting for james.w, ran ');
    await page.getByTestId('insert-event').click();
    await story.press('End');
    await story.pressSequentially(' and the pods began to fail.');
    await page.getByTestId('story-save').click();
    await annotate.waitForEntries(6);
    expect(await story.inputValue()).toBe(
      `At 14:31 the coding agent, acting for james.w, ran [[${patchNode}]] and the pods began to fail.`,
    );
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
    expect(await page.getByTestId('story-title').inputValue()).toBe(TITLE);
    expect(await page.getByTestId('story-ref').textContent()).toContain(PATCH);
    expect(await annotate.deadline('GDPR Art. 33 notification').textContent()).toContain('due 2025-04-06 14:40 UTC');

    await page.getByTestId('tab-journal').click();
    const entries = page.getByTestId('journal-entry');
    await expect.poll(() => entries.count()).toBe(11);
    expect(new Set(await page.getByTestId('journal-analyst').allTextContents())).toEqual(new Set([ANALYST]));
    expect(await page.getByTestId('journal-verdict').textContent()).toContain('Chain intact · 11 entries');
    const types = await entries.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    expect(types.reverse()).toEqual([
      'assign',
      'star',
      'tag',
      'comment',
      'title',
      'narrative',
      'awareness',
      'undo',
      'redo',
      'undo',
      'redo',
    ]);
    expect(await entries.first().textContent()).toContain('redid entry 7');
    await page.screenshot({ path: join(SCREENSHOTS, 'annotate-journal.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('adds, edits and removes recommendations, each a journal entry of its own', async () => {
    const { page, annotate, errors } = await openWorkbench();
    await annotate.waitForEntries(11);
    await page.getByTestId('tab-story').click();
    const input = page.getByTestId('recommendation-input');
    for (const [n, text] of [RECOMMENDATIONS.pin, RECOMMENDATIONS.unattended, RECOMMENDATIONS.preflight].entries()) {
      await input.fill(text);
      await input.press('Enter');
      await annotate.waitForEntries(12 + n);
    }
    const items = page.getByTestId('recommendation');
    expect(await items.getByTestId('recommendation-text').allTextContents()).toEqual([
      RECOMMENDATIONS.pin,
      RECOMMENDATIONS.unattended,
      RECOMMENDATIONS.preflight,
    ]);
    // A recommendation is named by the journal entry that added it.
    expect(await items.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['12', '13', '14']);

    const pin = page.locator('[data-testid=recommendation][data-id="12"]');
    await pin.getByTestId('recommendation-edit').click();
    await pin.getByTestId('recommendation-edit-input').fill(RECOMMENDATIONS.pinEdited);
    await pin.getByTestId('recommendation-save').click();
    await annotate.waitForEntries(15);
    await items.filter({ hasText: RECOMMENDATIONS.unattended }).getByTestId('recommendation-remove').click();
    await annotate.waitForEntries(16);
    expect(await items.getByTestId('recommendation-text').allTextContents()).toEqual([
      RECOMMENDATIONS.pinEdited,
      RECOMMENDATIONS.preflight,
    ]);
    expect(await items.first().getAttribute('data-edited')).toBe('15');
    await page.screenshot({ path: join(SCREENSHOTS, 'annotate-recommendations.png') });

    // The journal keeps what was first recommended: the edit and the removal are entries naming entry 12 and 13.
    await page.getByTestId('tab-journal').click();
    const entries = page.getByTestId('journal-entry');
    await expect.poll(() => entries.count()).toBe(16);
    const types = await entries.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    expect(types.slice(0, 5).reverse()).toEqual([
      'recommendation',
      'recommendation',
      'recommendation',
      'edit_recommendation',
      'remove_recommendation',
    ]);
    expect(await entries.nth(0).textContent()).toContain('removed the recommendation of entry 13');
    expect(await entries.nth(1).textContent()).toContain('edited the recommendation of entry 12');
    expect(await entries.nth(4).textContent()).toContain(RECOMMENDATIONS.pin);
    expect(await page.getByTestId('journal-verdict').textContent()).toContain('Chain intact · 16 entries');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports the postmortem as Markdown, HTML and PDF through the Export button, with every annotation in it', async () => {
    const { page, errors } = await openWorkbench();
    const exporter = new ExportMenu(page);
    await exporter.open();
    await page.screenshot({ path: join(SCREENSHOTS, 'annotate-export-menu.png') });
    await page.keyboard.press('Escape');
    const files: Record<string, string> = {};
    for (const format of ['md', 'html', 'pdf'] as const) {
      files[format] = join(downloads, `postmortem.${format}`);
      const { name, message } = await exporter.download(format, files[format]);
      expect(name).toBe(
        `${served.casePath
          .split('/')
          .pop()!
          .replace(/\.causa$/, '')}-postmortem.${format}`,
      );
      expect(message).toBe(`Downloaded ${name}`);
    }
    for (const format of ['md', 'html'] as const) {
      const text = readFileSync(files[format]!, 'utf8');
      expect(text, format).toContain(TITLE);
      expect(text).toContain(PATCH);
      expect(text).toContain('v3.2.1-beta, whose memory limit is 256Mi');
      expect(text).toContain('beta-image');
      expect(text).toContain(RECOMMENDATIONS.pinEdited);
      expect(text).toContain(RECOMMENDATIONS.preflight);
      expect(text).not.toContain(RECOMMENDATIONS.unattended);
      expect(text).not.toContain(RECOMMENDATIONS.pin);
      expect(text).not.toContain('No root cause has been assigned');
      expect(text).toMatch(/16 entries, (<span class="ok">)?chain intact/);
      // The story's [[e…]] reads as the event it names; the dragged finding's label is said once.
      expect(text).toContain(`ran “${PATCH}” (2025-04-03T14:31:06.884Z, node ${patchNode}) and the pods began to fail.`);
      expect(text).not.toContain('[[');
      expect(text).not.toMatch(new RegExp(`${PATCH}(\\*\\*|</strong>) — ${PATCH}`));
      // The window is the incident's activity, not the creation time of an object a listing holds.
      expect(text).toContain('Evidence window 2025-04-03T14:');
    }
    expect(readFileSync(files.html!, 'utf8')).toContain('<svg');

    const pdf = files.pdf!;
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const pages = rasterizePdf(pdf, join(downloads, 'pages'));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const p of pages) expect(p.inked, p.file).toBeGreaterThan(300);
    // Kept for a person to look at (test-results/ is not committed).
    mkdirSync(join(SCREENSHOTS, 'postmortem-pdf'), { recursive: true });
    writeFileSync(join(SCREENSHOTS, 'postmortem-pdf', 'postmortem.pdf'), readFileSync(pdf));
    pdfToPng(pdf, join(SCREENSHOTS, 'postmortem-pdf', 'page'));
    const text = pdfText(pdf);
    expect(text).toContain(TITLE);
    expect(text).toContain(PATCH);
    expect(text).toContain('Root cause');
    expect(text).toContain('v3.2.1-beta, whose memory limit is 256Mi');
    expect(text).toContain(RECOMMENDATIONS.pinEdited);
    expect(text).not.toContain(RECOMMENDATIONS.unattended);
    expect(text).toContain('2025-04-06T14:40:00.000Z'); // GDPR Art. 33: 72 h from the awareness set in the UI
    expect(text).toMatch(new RegExp(`Page 1 of ${pages.length}`));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports the evidence excerpt beside the report; the built CLI verifies it and refuses a tampered copy', async () => {
    const { page, errors } = await openWorkbench();
    const file = join(downloads, 'excerpt.json');
    const { name, message } = await new ExportMenu(page).download('excerpt', file);
    expect(name).toMatch(/-excerpt\.json$/);
    expect(message).toMatch(/^Downloaded .*-excerpt\.json: \d+ events with inclusion proofs/);
    const excerpt = JSON.parse(readFileSync(file, 'utf8')) as {
      format: string;
      events: { id: number; source: string; position: number; raw_base64: string }[];
    };
    expect(excerpt.format).toBe('causa-evidence-excerpt');
    // The excerpt proves what the report cites: the patch made the root cause is among its events.
    const patchEvent = Number(patchNode.slice(1));
    expect(excerpt.events.map((e) => e.id)).toContain(patchEvent);

    const verified = await runCausa(['verify', file, '--trust', SAMPLE_KEY]);
    expect(verified.stdout).toContain('INTACT');
    expect(verified.code).toBe(0);

    const tampered = structuredClone(excerpt);
    const target = tampered.events.find((e) => e.id === patchEvent)!;
    const bytes = Buffer.from(target.raw_base64, 'base64');
    bytes[10] = bytes[10]! ^ 1; // one bit of the record the root cause rests on
    target.raw_base64 = bytes.toString('base64');
    const copy = join(downloads, 'excerpt-tampered.json');
    writeFileSync(copy, JSON.stringify(tampered));
    const refused = await runCausa(['verify', copy, '--trust', SAMPLE_KEY]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`event ${patchEvent} (${target.source} record ${target.position}): raw record modified`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports OCSF lines of the timeline filter, with the authorization decision of each call', async () => {
    const { page, workbench, errors } = await openWorkbench();
    await findPatch(page, workbench);
    await workbench.chooseFilter('namespace', ['production']);
    await workbench.waitForTotal(4);
    const exporter = new ExportMenu(page);
    await exporter.open();
    // The menu follows the filter.
    await expect.poll(() => exporter.item('ocsf').textContent()).toBe('OCSF JSON lines: k8s_api · actor james.w · namespace production');
    await page.keyboard.press('Escape');
    const file = join(downloads, 'ocsf.jsonl');
    const { message } = await exporter.download('ocsf', file);
    expect(message).toContain(': 4 OCSF API Activity records (4 Kubernetes API calls, 0 MCP tool calls)');
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            class_uid: number;
            activity_name: string;
            api: { operation: string };
            resources: { namespace: string }[];
            actor: { authorizations: { decision: string; policy: { name: string } }[] };
            unmapped: { causa: { event_id: number; on_behalf_of: string } };
          },
      );
    expect(records.map((r) => r.api.operation)).toEqual(['get', 'patch', 'list', 'patch']);
    for (const r of records) {
      expect(r.class_uid).toBe(6003);
      expect(r.resources[0]!.namespace).toBe('production');
      expect(r.unmapped.causa.on_behalf_of).toBe('james.w@example.com');
      expect(r.actor.authorizations[0]).toMatchObject({ decision: 'allowed', policy: { name: 'RBAC' } });
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'annotate-export-ocsf.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
