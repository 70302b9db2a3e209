// Verification of a case's own seals (service/case-seal.ts) against its ceiling: Node's SHA-256 over the
// same records one by one, read from the same case file in position order. Budget (issue 13): at least
// 50 % of the ceiling on a 200,000-event case. `BENCH_EVENTS` sets the size (the unit suite runs a small one
// in test/unit/integrity/seal-bench-smoke.test.ts, without timing assertions).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateInc0047Audit } from '../../src-main/core/sample';
import { verifyCaseSeals } from '../../src-main/service/case-seal';
import { sealTrustedKeys } from '../../src-main/service/trust';
import { Workbench } from '../../src-main/service/workbench';
import { rawSql } from '../../src-main/store/raw-blocks';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'causa-seal-bench-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ceiling and our time (best of `runs`), in ms, for a case of `events` audit events. */
export async function measureSealVerification(
  events: number,
  runs = 3,
): Promise<{ ours: number; ceiling: number; records: number; intact: boolean }> {
  const file = join(dir, `audit-${events}.jsonl`);
  writeFileSync(file, `${generateInc0047Audit({ events }).join('\n')}\n`);
  const wb = Workbench.open(join(dir, `case-${events}.causa`), { create: true });
  try {
    await wb.importPaths([file]);
    // The records as the case keeps them: most in deflated blocks (migration 0027), read through the
    // case's own `causa_raw`. The row's own `raw` alone is empty for those, and hashing nothing is no ceiling.
    const select = wb.store.db
      .prepare(`SELECT ${rawSql('e')} FROM event e WHERE e.source_id = ? AND e.ordinal = 0 ORDER BY e.position`)
      .pluck();
    let ceiling = Infinity;
    let records = 0;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      records = 0;
      let bytes = 0;
      for (const raw of select.iterate(1) as Iterable<Buffer>) {
        createHash('sha256').update(raw).digest();
        records += 1;
        bytes += raw.length;
      }
      // Every record hashed whole: an empty read would make a ceiling no check could reach.
      if (bytes < records * 100) throw new Error(`the ceiling read ${bytes} bytes for ${records} records`);
      ceiling = Math.min(ceiling, performance.now() - start);
    }
    const trusted = await sealTrustedKeys();
    let ours = Infinity;
    let intact = false;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const verdict = await verifyCaseSeals(wb.store, wb.store.path, { trusted, pause: () => Promise.resolve() });
      ours = Math.min(ours, performance.now() - start);
      intact = verdict.intact;
    }
    return { ours, ceiling, records, intact };
  } finally {
    wb.close();
  }
}

describe('case seal verification', () => {
  it('re-checks a case at no less than 50 % of a bare per-record SHA-256 over the same records', async () => {
    const { ours, ceiling, records, intact } = await measureSealVerification(EVENTS);
    const ratio = ceiling / ours;
    console.log(
      `\ncase seals, ${records} records: ${((records / ours) * 1000).toFixed(0)} records/s, ceiling ${((records / ceiling) * 1000).toFixed(0)} records/s, ratio ${(ratio * 100).toFixed(1)} % (budget ≥ 50 %)\n`,
    );
    expect(intact).toBe(true);
    expect(ratio).toBeGreaterThanOrEqual(0.5);
  });
});
