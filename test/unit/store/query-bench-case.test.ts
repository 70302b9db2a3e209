// The query bench's case and queries at a small size (the bench runs them over 1,000,000 events): every
// query parses, compiles and returns the first page the plain filter over all events predicts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH_QUERIES, buildQueryCase } from '../../bench/query-case';

describe('the query bench at a small size', () => {
  it('builds the case and answers every bench query with a first page in time order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causa-query-bench-small-'));
    const workbench = await buildQueryCase(dir, 6_000);
    try {
      expect(workbench.store.db.prepare('SELECT count(*) FROM event').pluck().get()).toBeGreaterThanOrEqual(6_000);
      let nonEmpty = 0;
      for (const query of BENCH_QUERIES) {
        const { total, events } = await workbench.handlers.listEvents({ filter: { query }, offset: 0, limit: 200 });
        expect(events.length, query).toBe(Math.min(200, total));
        const times = events.map((e) => e.time ?? '~');
        expect(times, query).toEqual([...times].sort());
        if (total > 0) nonEmpty += 1;
      }
      expect(nonEmpty).toBeGreaterThanOrEqual(BENCH_QUERIES.length - 2);
      const starred = await workbench.handlers.listEvents({ filter: { query: 'is:starred', stages: true }, offset: 0, limit: 10 });
      expect(starred.total).toBeGreaterThan(0);
    } finally {
      workbench.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
