// Saved views embedded in the story (issue 21): [[view:NAME]] in the narrative puts the view's query and
// the events it matches (the first 25, with the count) in the Markdown, HTML and PDF report; a name no
// view has any more is said so, not dropped.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';

const SAMPLE = fileURLToPath(new URL('../../../resources/samples/inc-0047', import.meta.url));
let dir: string;
let wb: Workbench;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-report-views-'));
  wb = Workbench.open(join(dir, 'inc.causa'), { create: true });
  await wb.importPaths([SAMPLE]);
  for (const view of [
    { name: 'agent prompts', query: 'kind:prompt' },
    { name: 'production patches', query: 'verb:patch', filter: { namespace: ['production'] } },
    { name: 'every API call', query: 'kind:k8s_api' },
  ])
    await wb.handlers.record({ action: { type: 'save_view', view } });
  await wb.handlers.record({
    action: {
      type: 'narrative',
      text: 'What james.w asked:\n\n[[view:agent prompts]]\n\nWhat changed: [[view:production patches]] and [[view:gone]].\n\n[[view:every API call]]',
    },
  });
}, 120_000);

afterAll(() => {
  wb?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a saved view in the story', () => {
  it('is in the Markdown report: its query, how many events match, and their rows', async () => {
    const md = (await wb.renderReport('md')).toString('utf8');
    expect(md).toContain('What james.w asked:\n\n(saved view “agent prompts”, shown below)');
    const section = md.slice(md.indexOf('### Saved view: agent prompts'), md.indexOf('### Saved view: production patches'));
    expect(section).toContain('Query: `kind:prompt`. 2 events match.');
    expect(section).toMatch(
      /\| 2025-04-03T14:31:04\.039Z \| prompt \| james\.w@example\.com \| “update api-service image to v3\.2\.1-beta” \| success \| \d+ \|/,
    );
    expect(section).toMatch(/“roll back api-service to previous version”/);
    const patches = md.slice(md.indexOf('### Saved view: production patches'), md.indexOf('### Saved view: gone'));
    expect(patches).toContain('Query: `verb:patch`; namespace production.');
    expect(patches).toMatch(/\| patch deployments production\/api-service \| success \|/);
    expect(md).toContain('### Saved view: gone\n\n> No saved view is named “gone” (it was removed or renamed).');
    // Capped: the count says how many, the table lists the first 25.
    const all = md.slice(md.indexOf('### Saved view: every API call'), md.indexOf('## Analyst notes'));
    const total = Number(/(\d+) events match; the first 25 are listed\./.exec(all)?.[1]);
    expect(total).toBe((await wb.handlers.listEvents({ filter: { query: 'kind:k8s_api' }, offset: 0, limit: 1 })).total);
    expect(total).toBeGreaterThan(25);
    expect(all.split('\n').filter((l) => /^\| 20\d\d-/.test(l))).toHaveLength(25);
  }, 60_000);

  it('is in the HTML report as a table', async () => {
    const html = (await wb.renderReport('html')).toString('utf8');
    expect(html).toContain('<h3>Saved view: agent prompts</h3>');
    expect(html).toMatch(
      /<table class="saved-view">.*<td>prompt<\/td><td>james\.w@example\.com<\/td><td>“update api-service image to v3\.2\.1-beta”<\/td>/s,
    );
    expect(html).toContain('No saved view is named “gone”');
  }, 60_000);

  it('is in the PDF', async () => {
    const pdf = join(dir, 'report.pdf');
    writeFileSync(pdf, await wb.renderReport('pdf'));
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('Saved view: production patches');
    expect(text).toMatch(/update api-service image to v3\.2\.1-beta/);
  }, 120_000);
});
