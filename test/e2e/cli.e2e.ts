// The built command line, as the README's examples run it after `npm run build`: a sample bundle, its
// verification, a case, the graph, a report and an excerpt. The unit tests call the CLI in-process from
// the sources; this runs bin/causa.js on the bundled output, where resource paths and chunks differ.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCausa } from './support/serve';

describe('the built causa command', () => {
  it('writes a sample, verifies it, imports it, links it, reports it and excerpts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causa-e2e-cli-'));
    const bundle = join(dir, 'staging-apollo');
    const sample = await runCausa(['sample', 'staging-apollo', '-o', bundle]);
    expect(sample.code, sample.stderr).toBe(0);
    const verify = await runCausa(['verify', bundle, '--trust', join(ROOT, 'resources', 'keys', 'sample-ed25519.pub.pem')]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);

    const casePath = join(dir, 'case.causa');
    const imported = await runCausa(['import', bundle, '--case', casePath, '--json'], {
      CAUSA_HOME: mkdtempSync(join(tmpdir(), 'causa-e2e-cli-home-')),
    });
    // Imported whole; exit 1 says that the sample's signer is not one this user trusts.
    expect(imported.code, imported.stderr).toBe(1);
    const importReport = JSON.parse(imported.stdout) as { events: number; integrity?: { status: string }[] };
    expect(importReport.events).toBeGreaterThan(2500);
    expect(importReport.integrity?.map((i) => i.status)).toEqual(['untrusted']);

    const graph = await runCausa(['graph', casePath]);
    expect(graph.code, graph.stderr).toBe(0);
    expect(graph.stdout).toMatch(/chain \d+: “remove unused autoscaler in staging-apollo/);
    expect(graph.stdout).toMatch(/validate hpa-protect: not enforced \(Audit\)\s+-\[admission-annotation, explicit/);

    const report = join(dir, 'postmortem.html');
    const written = await runCausa(['report', casePath, '--format', 'html', '-o', report]);
    expect(written.code, written.stderr).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('staging-apollo autoscaler removal');
    expect(html).toContain('<svg');

    const excerpt = join(dir, 'excerpt.json');
    const cited = await runCausa(['excerpt', casePath, '--cited', '-o', excerpt]);
    expect(cited.code, cited.stderr).toBe(0);
    const checked = await runCausa(['verify', excerpt, '--trust', join(ROOT, 'resources', 'keys', 'sample-ed25519.pub.pem')]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  });
});
