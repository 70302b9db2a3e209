// Issue 17's figures at full size (`npm run bench`): the streamed sample, the end-to-end CLI import against
// a bare insert of the same rows, the case's size against its evidence, and the peak memory of every
// command at a small and a ten times larger size, and the import's ratio at the size the issue names (a
// sealed bundle of 200,000 events) and at the larger one. Each figure is printed against its budget; the
// run fails when one is missed. `BENCH_SCALE_EVENTS=100000,200000,1000000` by default (small, the
// import's, large). At the import's size the ceiling and the import run three times in turn, and the ratio
// judged is the median pair's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeScale, measureScale } from './scale';

const [SMALL, SEALED, LARGE] = (process.env.BENCH_SCALE_EVENTS ?? '100000,200000,1000000').split(',').map(Number) as [
  number,
  number,
  number,
];
/** At the size the import's ratio is the median of this many pairs of ceiling and import (scale.ts). */
const SEALED_PAIRS = 3;
const dir = mkdtempSync(join(tmpdir(), 'causa-bench-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a million events feel like a thousand (issue 17)', () => {
  it(`holds every budget at ${SMALL}, ${SEALED} and ${LARGE} events`, async () => {
    const small = await measureScale(SMALL, join(dir, 'small'));
    process.stdout.write(`\n${JSON.stringify(small)}\n`);
    rmSync(join(dir, 'small'), { recursive: true, force: true });
    const sealed = await measureScale(SEALED, join(dir, 'sealed'), SEALED_PAIRS);
    process.stdout.write(`\n${JSON.stringify(sealed)}\n`);
    rmSync(join(dir, 'sealed'), { recursive: true, force: true });
    const large = await measureScale(LARGE, join(dir, 'large'));
    process.stdout.write(`\n${JSON.stringify(large)}\n`);
    const { lines, missed } = judgeScale(small, large, sealed);
    process.stdout.write(`\nScale (issue 17)\n${lines.join('\n')}\n`);
    expect(missed).toEqual([]);
  }, 7_200_000);
});
