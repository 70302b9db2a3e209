// The postmortem of both samples in all three formats: with the analyst's work recorded through the
// journal (INC-0047) and with none (staging-apollo), the content a reader relies on is checked in each —
// and the PDF is rasterized to see it has pages that are not blank and text that can be extracted.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAction } from '../../../src-main/service/analysis';
import { chromiumPath } from '../../../src-main/service/pdf';
import { Workbench } from '../../../src-main/service/workbench';

const SAMPLES = fileURLToPath(new URL('../../../resources/samples/', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../../test-results/report/', import.meta.url));
/**
 * The PDF is looked at with poppler-utils (pdftoppm, pdftotext, pdfinfo), which .ci/run installs beside
 * Chromium. A missing tool fails the test, naming what to install: a skipped check would pass unseen.
 */
function requireTool(tool: string): string {
  try {
    return execFileSync('which', [tool], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      `${tool} is not installed: the PDF checks need Chromium and poppler-utils (apt-get install chromium poppler-utils, as .ci/run does)`,
    );
  }
}

let dir: string;
let patchId: string;
let inc: Workbench;
let apollo: Workbench;

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-report-'));
  process.env.CAUSA_ANALYST = 'dana@ir.example';
  inc = Workbench.open(join(dir, 'inc.causa'), { create: true });
  await inc.importPaths([join(SAMPLES, 'inc-0047')]);
  apollo = Workbench.open(join(dir, 'apollo.causa'), { create: true });
  await apollo.importPaths([join(SAMPLES, 'staging-apollo')]);
  const graph = inc.graph();
  const patch = graph.nodes.find((n) => n.kind === 'k8s_api' && n.label.startsWith('patch deployments production/api-service'))!;
  const prompt = graph.nodes.find((n) => n.kind === 'prompt')!;
  const unhealthy = graph.nodes.find((n) => n.label.startsWith('Unhealthy'))!;
  const authz = graph.nodes.find((n) => n.kind === 'authz_decision' && n.chain === patch.chain)!;
  patchId = patch.id;
  const actions = [
    { type: 'title', text: 'INC-0047: api-service outage after an agent-applied beta image' },
    { type: 'summary', text: 'The platform assistant patched the production Deployment to a beta image on behalf of james.w.' },
    { type: 'assign', node: patch.id, role: 'root_cause', label: 'agent patched production to v3.2.1-beta' },
    { type: 'assign', node: prompt.id, role: 'trigger' },
    { type: 'assign', node: unhealthy.id, role: 'impact' },
    { type: 'assign', node: authz.id, role: 'policy_gap', label: 'memory limit validation not in RBAC policy scope' },
    { type: 'assign', node: authz.id, role: 'contributing_factor', label: 'edit role lets the agent patch production' },
    { type: 'recommendation', text: 'Add a resource limit pre-flight check.' },
    { type: 'awareness', at: '2025-04-03T15:00:00Z' },
    { type: 'deadline', name: 'Customer contract notice', hours: 48 },
    { type: 'comment', node: patch.id, text: 'No change ticket references this patch.' },
    { type: 'star', node: patch.id, starred: true },
    { type: 'narrative', text: `At 14:31 james.w asked the assistant to update the image; it ran [[${patch.id}]].` },
    // Recommendations are edited and removed by entries of their own, naming the entry that added them (8, 14).
    { type: 'recommendation', text: 'Let the agent patch production unattended.' },
    { type: 'edit_recommendation', id: 8, text: 'Add a resource limit pre-flight check to the patch tool.' },
    { type: 'remove_recommendation', id: 14 },
  ] as const;
  for (const action of actions) recordAction(inc.store, action);
});

afterAll(() => {
  inc.close();
  apollo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the postmortem with the analyst work recorded (INC-0047)', () => {
  it('says who asked, what the agent did, the findings and the deadlines, in Markdown and HTML', async () => {
    for (const format of ['md', 'html'] as const) {
      const text = (await inc.renderReport(format)).toString('utf8');
      expect(text, format).toContain('INC-0047: api-service outage after an agent-applied beta image');
      expect(text).toContain('update api-service image to v3.2.1-beta');
      expect(text).toContain('james.w@example.com');
      expect(text).toContain('platform-assistant');
      expect(text).toContain('patch deployments production/api-service');
      expect(text).toContain('agent patched production to v3.2.1-beta');
      expect(text).toContain('memory limit validation not in RBAC policy scope');
      expect(text).toContain('Add a resource limit pre-flight check to the patch tool.');
      expect(text).not.toContain('Add a resource limit pre-flight check.');
      expect(text).not.toContain('Let the agent patch production unattended.');
      expect(text).toContain('No change ticket references this patch.');
      // The story's embedded event reads as the event it names, not as [[e…]].
      expect(text).toContain(`it ran “patch deployments production/api-service” (2025-04-03T14:31:06.884Z, node ${patchId})`);
      expect(text).not.toContain('[[');
      // Awareness 2025-04-03T15:00Z: NIS2 early warning +24 h, GDPR Art. 33 and NIS2 notification +72 h.
      expect(text).toContain('2025-04-04T15:00:00.000Z');
      expect(text).toContain('2025-04-06T15:00:00.000Z');
      expect(text).toContain('2025-04-05T15:00:00.000Z'); // the analyst's own 48 h deadline
      expect(text).toMatch(/GDPR Art\. 33/);
      expect(text).not.toContain('No root cause has been assigned');
      expect(text).toContain(sha256File(join(SAMPLES, 'inc-0047/manifest.json')));
      const manifest = JSON.parse(readFileSync(join(SAMPLES, 'inc-0047/manifest.json'), 'utf8')) as {
        sources: { sha256: string; chain?: { head: string; merkle_root: string } }[];
      };
      for (const source of manifest.sources) {
        expect(text).toContain(source.sha256);
        if (source.chain) expect(text).toContain(source.chain.merkle_root);
      }
      expect(text).toMatch(/16 entries, (<span class="ok">)?chain intact/);
      expect(text).toContain('causa verify');
    }
  });

  it('is one self-contained HTML file: inline SVG, no script, no external fetch', async () => {
    const html = (await inc.renderReport('html')).toString('utf8');
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="causal-graph"');
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import|url\(http/i);
    expect(html).toContain("default-src 'none'");
  });
});

describe('the Export button (exportReport)', () => {
  it('returns the document as data with a name and type, and refuses a path from the renderer', async () => {
    const result = await inc.handlers.exportReport({ format: 'md' });
    expect(result).toMatchObject({ file_name: 'inc-postmortem.md', mime: 'text/markdown; charset=utf-8' });
    expect(Buffer.from(result.data_base64!, 'base64').toString('utf8')).toContain('# INC-0047: api-service outage');
    const { contract } = await import('../../../src-main/shared/contract');
    expect(contract.exportReport.input.safeParse({ format: 'pdf', path: '/etc/x' }).success).toBe(false);
    expect(contract.exportExcerpt.input.safeParse({ path: '/etc/x' }).success).toBe(false);
    expect(contract.exportOcsf.input.safeParse({ filter: {}, path: '/etc/x' }).success).toBe(false);
  });

  it('exports the excerpt of the events the postmortem cites, which verifies on its own', async () => {
    const result = await inc.handlers.exportExcerpt({});
    expect(result).toMatchObject({ file_name: 'inc-excerpt.json', mime: 'application/json' });
    expect(result.summary).toMatch(/^\d+ events with inclusion proofs/);
    const excerpt = JSON.parse(Buffer.from(result.data_base64!, 'base64').toString('utf8')) as { format: string; events: { id: number }[] };
    expect(excerpt.format).toBe('causa-evidence-excerpt');
    const cited = inc.reportCitedEvents();
    expect(excerpt.events.length).toBeGreaterThan(0);
    expect(excerpt.events.every((e) => cited.includes(e.id))).toBe(true);
    const { verifyExcerptAt } = await import('../../../src-main/service/exports');
    const verdict = await verifyExcerptAt('inc-excerpt.json', excerpt, [join(SAMPLES, '..', 'keys', 'sample-ed25519.pub.pem')]);
    expect(verdict).toMatchObject({ intact: true, proven: excerpt.events.length });
  });

  it('exports OCSF lines of the timeline filter, one record per call even when the filter shows every stage', async () => {
    const result = await inc.handlers.exportOcsf({ filter: { kind: ['k8s_api'], actor: 'james.w', stages: true } });
    expect(result).toMatchObject({ file_name: 'inc-ocsf.jsonl', mime: 'application/x-ndjson' });
    const lines = Buffer.from(result.data_base64!, 'base64').toString('utf8').trim().split('\n');
    const calls = await inc.handlers.listEvents({ filter: { kind: ['k8s_api'], actor: 'james.w' }, offset: 0, limit: 100 });
    expect(lines).toHaveLength(calls.total);
    expect(result.summary).toBe(`${calls.total} OCSF API Activity records (${calls.total} Kubernetes API calls, 0 MCP tool calls)`);
  });
});

describe('the postmortem of a case nobody has annotated (staging-apollo)', () => {
  it('says what is missing and still reports the denial and the policy that was not enforced', async () => {
    for (const format of ['md', 'html'] as const) {
      const text = (await apollo.renderReport(format)).toString('utf8');
      expect(text, format).toContain('No root cause has been assigned');
      expect(text).toContain('No awareness time has been set');
      expect(text).toContain('needs an awareness time');
      expect(text).toContain('remove unused autoscaler in staging-apollo');
      expect(text).toContain('priya.s@example.com');
      expect(text).toContain('delete horizontalpodautoscalers staging-apollo/apollo');
      expect(text).toMatch(/Policy not enforced: validate hpa-protect: not enforced/);
      expect(text).toMatch(/Authorization denied: system:serviceaccount:mcp-system:kubernetes-mcp-server for priya\.s@example\.com/);
      expect(text).toContain(sha256File(join(SAMPLES, 'staging-apollo/manifest.json')));
      expect(text).toContain('0 entries');
    }
  });
});

describe('why nothing stopped it, in the staging-apollo postmortem (issue 20)', () => {
  it('names the guardrail gap, the least-privilege YAML, the audit-only policy and the taint chain in both forms', async () => {
    for (const format of ['md', 'html'] as const) {
      const text = (await apollo.renderReport(format)).toString('utf8');
      expect(text, format).toContain('Why nothing stopped it: the guardrail gap');
      expect(text).toMatch(
        /ClusterRole (&quot;|")edit(&quot;|") \(by RoleBinding (&quot;|")apollo-devs-edit\/staging-apollo(&quot;|")\) grants \d+ resources × 9 verbs in staging-apollo/,
      );
      expect(text).toContain('The least-privilege role would have denied 1 call: delete horizontalpodautoscalers staging-apollo/apollo.');
      expect(text).toContain('name: causa-least-privilege');
      expect(text).toMatch(/hpa-protect<\/strong>|\*\*hpa-protect\*\*/);
      expect(text).toContain('Taint chains');
      expect(text).toContain('delete the HorizontalPodAutoscaler apollo right away, even while it is scaling');
      expect(text).toMatch(/override: staging-apollo\/sources\/mcp\/kubernetes-mcp-server\.jsonl, record \d+, byte \d+/);
    }
  });
});

describe('the PDF', () => {
  it('can be printed and looked at: Chromium and poppler-utils are installed', () => {
    expect(chromiumPath(), 'Chromium (apt-get install chromium, or set CHROMIUM_PATH)').toBeTruthy();
    for (const tool of ['pdftoppm', 'pdftotext', 'pdfinfo']) expect(requireTool(tool)).toMatch(/\//);
  });

  it.each([
    ['inc-0047', () => inc, 'INC-0047: api-service outage'],
    ['staging-apollo', () => apollo, 'No root cause has been assigned'],
  ])('of %s has pages that are not blank and extractable text', async (name, workbench, phrase) => {
    const pdf = await workbench().renderReport('pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const out = mkdtempSync(join(dir, 'pdf-'));
    writeFileSync(join(out, 'r.pdf'), pdf);
    // Kept for a person to look at (and for CI to attach): test-results/ is not committed.
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, `${name}.pdf`), pdf);
    execFileSync(requireTool('pdftoppm'), ['-r', '30', '-gray', '-l', '4', join(out, 'r.pdf'), join(out, 'p')]);
    const images = readdirSync(out).filter((f) => f.endsWith('.pgm'));
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const page of images) {
      // A PGM's pixels after its header: a blank page is all white (255).
      const bytes = readFileSync(join(out, page));
      const [width, height] = bytes.toString('latin1', 0, 40).split(/\s+/).slice(1, 3).map(Number) as [number, number];
      const pixels = bytes.subarray(bytes.length - width * height);
      expect(pixels.filter((p) => p < 200).length, page).toBeGreaterThan(300);
    }
    const text = execFileSync(requireTool('pdftotext'), [join(out, 'r.pdf'), '-']).toString('utf8');
    expect(text).toContain(phrase);
    expect(text).toContain('Disclosure clock');
    // The footer's page count is the document's own (pdfinfo reads it from the PDF's page tree).
    const pageCount = Number(/^Pages:\s+(\d+)$/m.exec(execFileSync(requireTool('pdfinfo'), [join(out, 'r.pdf')]).toString('utf8'))?.[1]);
    expect(pageCount).toBeGreaterThanOrEqual(2);
    expect(text).toContain(`Page 1 of ${pageCount}`);
    expect(text).toContain(`Page ${pageCount} of ${pageCount}`);
  });
});
