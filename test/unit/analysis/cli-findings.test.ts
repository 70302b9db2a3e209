// `causa actors` and `causa findings` on a built-in sample: the words a reader sees, the JSON a script
// reads, --like against an annotated case, and the errors of bad input.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli';
import { Workbench } from '../../../src-main/service/workbench';
import type { Attribution, FindingsReport } from '../../../src-main/shared/attribution';

const SAMPLES = fileURLToPath(new URL('../../../resources/samples/', import.meta.url));
let dir: string;
let apollo: string;
let reference: string;

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-cli-findings-'));
  process.env.CAUSA_ANALYST = 'dana@ir.example';
  apollo = join(dir, 'apollo.causa');
  reference = join(dir, 'inc-0047.causa');
  for (const [path, sample] of [
    [apollo, 'staging-apollo'],
    [reference, 'inc-0047'],
  ] as const) {
    const w = Workbench.open(path, { create: true });
    await w.importPaths([join(SAMPLES, sample)]);
    if (sample === 'inc-0047') {
      const patch = w.graph().nodes.find((n) => n.kind === 'k8s_api' && n.label.startsWith('patch deployments production/api-service'))!;
      await w.handlers.record({ action: { type: 'assign', node: patch.id, role: 'root_cause' } });
    }
    w.close();
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('causa actors', () => {
  it('prints each chain with its hops and each identity with its destructive calls apart', async () => {
    const { code, stdout } = await run('actors', apollo);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'priya.s@example.com → platform-assistant → kubernetes-mcp-server → system:serviceaccount:mcp-system:kubernetes-mcp-server → ',
    );
    expect(stdout).toMatch(
      /tool server kubernetes-mcp-server → identity system:serviceaccount:mcp-system:kubernetes-mcp-server: tool-target \(inferred/,
    );
    expect(stdout).toContain('DESTRUCTIVE delete: delete horizontalpodautoscalers in staging-apollo ×1');
    const json = JSON.parse((await run('actors', apollo, '--json')).stdout) as Attribution;
    expect(json.chains[0]).toMatchObject({ human: 'priya.s@example.com', agent: 'platform-assistant' });
  });

  it('refuses a missing case and a stray option with a sentence', async () => {
    expect(await run('actors', join(dir, 'nope.causa'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('nope.causa: no such case file'),
    });
    expect(await run('actors', apollo, '--bogus')).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
  });
});

describe('causa findings', () => {
  it('lists the agent’s destructive call and the off-hours rule’s parameters', async () => {
    const { code, stdout } = await run('findings', apollo, '--json', '--hours', '0-24/0-6');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as FindingsReport;
    expect(report.baseline).toBe('before the first prompt');
    const destructive = report.findings.find((f) => f.rule === 'agent_destructive')!;
    expect(destructive.sentence).toContain(
      'Agent identity system:serviceaccount:mcp-system:kubernetes-mcp-server (as priya.s@example.com) deleted: delete horizontalpodautoscalers in staging-apollo',
    );
    // Every hour of every day is working time under these hours.
    expect(report.findings.filter((f) => f.rule === 'off_hours')).toEqual([]);
    const text = (await run('findings', apollo)).stdout;
    expect(text).toMatch(/^\d+ findings over \d+ API calls; baseline before the first prompt \(until /);
    expect(text).toContain('agent_destructive');
  });

  it('matches another case’s root cause with --like, and names a bad --like or --hours', async () => {
    const { stdout } = await run('findings', reference, '--like', reference, '--json');
    const seq = (JSON.parse(stdout) as FindingsReport).findings.find((f) => f.rule === 'sequence')!;
    expect(seq.parameters).toMatchObject({ like: 'inc-0047', steps: 'get deployments → patch deployments' });
    expect(await run('findings', apollo, '--like', apollo)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no root cause is annotated'),
    });
    expect(await run('findings', apollo, '--hours', '18-8')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('the start must be before the end'),
    });
  });
});
