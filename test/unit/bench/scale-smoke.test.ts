// The scale bench (test/bench/scale.bench.ts) at a small size, so that its code paths cannot rot: the
// built command writes, imports and verifies three small samples and every figure is measured and judged.
// No budget is asserted here (timings and ratios belong to `npm run bench`), only that each figure exists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { judgeScale, measureScale } from '../../bench/scale';

const dir = mkdtempSync(join(tmpdir(), 'causa-scale-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('measures and judges every figure of the scale bench on 2,000, 3,000 and 4,000 events', async () => {
  const small = await measureScale(2000, join(dir, 'small'));
  const sealed = await measureScale(3000, join(dir, 'sealed'), 3);
  const large = await measureScale(4000, join(dir, 'large'));
  for (const f of [small, sealed, large]) {
    expect(f.evidenceBytes).toBeGreaterThan(f.events * 200);
    expect(f.caseBytes).toBeGreaterThan(0);
    for (const ms of [f.sampleMs, f.importMs, f.ceilingMs]) expect(ms).toBeGreaterThan(0);
    for (const peak of Object.values(f.peakMiB)) expect(peak).toBeGreaterThan(10);
  }
  // Three pairs of ceiling and import at the size, and the median pair's ratio is the figure.
  expect(sealed.pairs).toHaveLength(3);
  expect(small.pairs).toEqual([{ ceilingMs: small.ceilingMs, importMs: small.importMs }]);
  const ratios = sealed.pairs.map((p) => p.ceilingMs / p.importMs).sort((a, b) => a - b);
  expect(sealed.ceilingMs / sealed.importMs).toBe(ratios[1]);
  const { lines } = judgeScale(small, large, sealed);
  expect(lines.find((line) => line.includes('import 3000 events'))).toMatch(/\(the median of 3 pairs: [^)]*, [^)]*, [^)]*\)/);
  // Three sizes × (two import figures, size, four peaks) and the four growth figures.
  expect(lines).toHaveLength(3 * 7 + 4);
  // The import's ratio is judged at the size and the large one, and only printed at the small one.
  expect(
    lines
      .filter((line) => /^(ok |MISS) +import \d+ events end to end .*\(budget ≥ 0\.60\)$/.test(line))
      .map((line) => /import (\d+)/.exec(line)![1]),
  ).toEqual(['3000', '4000']);
  expect(lines.filter((line) => /import 2000 events end to end .*\(no budget at this size\)$/.test(line))).toHaveLength(1);
  // Ready to search and group within 2.5 × the bare insert: judged at the large size (the 1,000,000).
  expect(
    lines
      .filter((line) => /^(ok |MISS) +ready to search and group (\d+) events .*\(budget ≤ 2\.5\)$/.test(line))
      .map((line) => /group (\d+)/.exec(line)![1]),
  ).toEqual(['4000']);
  expect(lines.filter((line) => /ready to search and group \d+ events .*\(no budget at this size\)$/.test(line))).toHaveLength(2);
}, 300_000);
