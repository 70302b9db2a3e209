// The report's chains-of-responsibility and anomaly sections, in Markdown and HTML: the agent's chain
// with its evidence, open findings, and a dismissed one listed apart with the analyst's reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';

const SAMPLES = fileURLToPath(new URL('../../../resources/samples/', import.meta.url));
let dir: string;
let workbench: Workbench;
let dismissedSentence: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-report-sections-'));
  process.env.CAUSA_ANALYST = 'dana@ir.example';
  workbench = Workbench.open(join(dir, 'apollo.causa'), { create: true });
  await workbench.importPaths([join(SAMPLES, 'staging-apollo')]);
  const first = workbench.findings().findings.find((f) => f.rule === 'first_seen')!;
  dismissedSentence = first.sentence;
  await workbench.handlers.record({ action: { type: 'dismiss_finding', finding: first.id, dismissed: true, reason: 'routine <read>' } });
}, 120_000);
afterAll(() => {
  workbench.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report sections of issue 19', () => {
  it('Markdown: the chain with its hops, the open findings, the dismissed one apart', async () => {
    const md = (await workbench.renderReport('md')).toString('utf8');
    const chains = md.slice(md.indexOf('## Chains of responsibility'), md.indexOf('## Anomaly findings'));
    expect(chains).toContain(
      '| priya.s@example.com → platform-assistant → kubernetes-mcp-server → system:serviceaccount:mcp-system:kubernetes-mcp-server |',
    );
    expect(chains).toContain('kubernetes-mcp-server → system:serviceaccount:mcp-system:kubernetes-mcp-server: tool-target (inferred');
    expect(chains).toContain(
      'system:serviceaccount:mcp-system:kubernetes-mcp-server: delete — delete horizontalpodautoscalers in staging-apollo ×1',
    );
    const anomalies = md.slice(md.indexOf('## Anomaly findings'), md.indexOf('## Findings'));
    expect(anomalies).toMatch(/Baseline: before the first prompt \(until 20\d\d-/);
    expect(anomalies).toContain(
      '| agent_destructive | 0.90 | Agent identity system:serviceaccount:mcp-system:kubernetes-mcp-server (as priya.s@example.com) deleted',
    );
    const [open, dismissed] = anomalies.split('### Dismissed by the analyst');
    expect(open).not.toContain(dismissedSentence);
    expect(dismissed).toContain(`- first_seen: ${dismissedSentence} — dismissed: “routine <read>”`);
  });

  it('HTML: the same, escaped', async () => {
    const html = (await workbench.renderReport('html')).toString('utf8');
    expect(html).toContain('<h2>Chains of responsibility</h2>');
    expect(html).toContain('<h2>Anomaly findings</h2>');
    expect(html).toContain('<h3>Dismissed by the analyst</h3>');
    expect(html).toContain('dismissed: “routine &lt;read&gt;”');
  });
});
