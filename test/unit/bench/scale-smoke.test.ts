// The scale bench (test/bench/scale.bench.ts) at a small size, so that its code paths cannot rot: the
// built command writes, imports and verifies two small samples and every figure is measured and judged.
// No budget is asserted here (timings and ratios belong to `npm run bench`), only that each figure exists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { judgeScale, measureScale } from '../../bench/scale';

const dir = mkdtempSync(join(tmpdir(), 'causa-scale-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('measures and judges every figure of the scale bench on 2,000 and 4,000 events', async () => {
  const small = await measureScale(2000, join(dir, 'small'));
  const large = await measureScale(4000, join(dir, 'large'));
  for (const f of [small, large]) {
    expect(f.evidenceBytes).toBeGreaterThan(f.events * 200);
    expect(f.caseBytes).toBeGreaterThan(0);
    for (const ms of [f.sampleMs, f.importMs, f.ceilingMs]) expect(ms).toBeGreaterThan(0);
    for (const peak of Object.values(f.peakMiB)) expect(peak).toBeGreaterThan(10);
  }
  const { lines } = judgeScale(small, large);
  // Two sizes × (two import figures, size, four peaks) and the four growth figures.
  expect(lines).toHaveLength(2 * 7 + 4);
}, 300_000);
