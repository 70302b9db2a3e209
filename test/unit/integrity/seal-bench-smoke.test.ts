// The seal bench (test/bench/case-seal.bench.ts) at a small size: the same case and the same check, with
// no timing asserted (timings belong to `npm run bench`), so that the bench cannot rot unnoticed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateInc0047Audit } from '../../../src-main/core/sample';
import { verifyCaseSeals } from '../../../src-main/service/case-seal';
import { sealTrustedKeys } from '../../../src-main/service/trust';
import { Workbench } from '../../../src-main/service/workbench';

it('a generated 2,000-event case verifies intact, every record checked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'causa-seal-smoke-'));
  const file = join(dir, 'audit.jsonl');
  writeFileSync(file, `${generateInc0047Audit({ events: 2000 }).join('\n')}\n`);
  const wb = Workbench.open(join(dir, 'c.causa'), { create: true });
  try {
    await wb.importPaths([file]);
    const records = wb.store.db.prepare('SELECT count(*) FROM event WHERE ordinal = 0').pluck().get() as number;
    let advanced = 0;
    const verdict = await verifyCaseSeals(wb.store, 'smoke', {
      trusted: await sealTrustedKeys(),
      pause: () => Promise.resolve(),
      advance: (n) => (advanced += n),
    });
    expect(verdict).toMatchObject({ intact: true, problems: [], sources: [{ verdict: 'intact', records }] });
    expect(advanced).toBe(records);
  } finally {
    wb.close();
  }
});
