// `causa compare A.causa B.causa` (issue 21): the two built-in samples side by side from their prompts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE } from '../../src-main/cli';
import { Workbench } from '../../src-main/service/workbench';
import type { CaseComparison } from '../../src-main/shared/compare';
import { run } from '../support/cli';

const INC_0047 = fileURLToPath(new URL('../../resources/samples/inc-0047', import.meta.url));
const APOLLO = fileURLToPath(new URL('../../resources/samples/staging-apollo', import.meta.url));

let dir: string;
let a: string;
let b: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-cli-compare-'));
  a = join(dir, 'inc-0047.causa');
  b = join(dir, 'staging-apollo.causa');
  for (const [path, sample] of [
    [a, INC_0047],
    [b, APOLLO],
  ] as const) {
    const wb = Workbench.open(path, { create: true });
    await wb.importPaths([sample]);
    wb.close();
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('causa compare', () => {
  it('prints both cases from t=0, one line per aligned step, marked', async () => {
    const { code, stdout } = await run('compare', a, b);
    expect(code).toBe(EXIT_OK);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('inc-0047: t=0 2025-04-03T14:31:04.039737000Z, 10 steps');
    expect(lines[1]).toMatch(/^staging-apollo: t=0 2025-04-17T14:03:22.034403000Z, \d+ steps$/);
    expect(lines[4]).toMatch(/^= +\+0\.0s prompt “update api-service image to v3\.2\.1-beta”\s+\+0\.0s prompt “remove unused autoscaler/);
    expect(stdout).toMatch(/^~ +\+1\.2s api get deployments production +\+3\.1s api list horizontalpodautoscalers \[denied\]$/m);
    expect(stdout).toMatch(/^< +\+3m57s prompt “roll back api-service to previous versi…”$/m);
    expect(stdout).toMatch(/\d+ the same, \d+ different, \d+ only in inc-0047, \d+ only in staging-apollo\n$/);
  }, 60_000);

  it('answers --json with the comparison', async () => {
    const { code, stdout } = await run('compare', b, a, '--json');
    expect(code).toBe(EXIT_OK);
    const c = JSON.parse(stdout) as CaseComparison;
    expect(c.this.name).toBe('staging-apollo');
    expect(c.rows[0]).toMatchObject({ status: 'match', this: { kind: 'prompt' }, other: { kind: 'prompt' } });
  }, 60_000);

  it('names a missing or corrupt second case, and wants exactly two', async () => {
    const missing = await run('compare', a, join(dir, 'nope.causa'));
    expect(missing.code).toBe(EXIT_USAGE);
    expect(missing.stderr).toContain(`nope.causa: no such case file`);
    const bad = join(dir, 'bad.causa');
    writeFileSync(bad, 'not sqlite\n'.repeat(500));
    const corrupt = await run('compare', a, bad);
    expect(corrupt.code).toBe(EXIT_USAGE);
    expect(corrupt.stderr).toMatch(/bad\.causa: not a Causa case file/);
    expect((await run('compare', a)).stderr).toMatch(/compare needs exactly two CASE files/);
  }, 60_000);
});
