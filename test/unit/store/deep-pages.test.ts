// Deep pages of the timeline (store/queries.ts): a page far down a large case is found by the ids of its
// events first, skipping along the time index alone, and from the end backwards when it lies past the
// middle. Whatever the filter, the offset and the limit, it must list exactly the events the plain
// LIMIT/OFFSET query lists, in the same order, untimed events last. And the check that hides an API
// call's earlier stages, read as a list when the case hides few, hides the same events as the lookup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterBounds } from '../../../src-main/service/filter-bounds';
import { Workbench } from '../../../src-main/service/workbench';
import type { EventFilter } from '../../../src-main/shared/contract';
import { LATEST_STAGE_ONLY, latestStageOnly } from '../../../src-main/store/api-calls';
import { countEvents, listEvents } from '../../../src-main/store/queries';

const SAMPLE = new URL('../../../resources/samples/inc-0047', import.meta.url).pathname;
const TRANSCRIPTS = new URL('../../fixtures/corpus/agent-transcripts', import.meta.url).pathname;
let dir: string;
let wb: Workbench;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-deep-'));
  wb = Workbench.open(join(dir, 'case.causa'), { create: true });
  // Chat transcripts have no timestamps: their events are listed last, after the sample's.
  await wb.importPaths([SAMPLE, TRANSCRIPTS]);
});

afterAll(() => {
  wb?.close();
  rmSync(dir, { recursive: true, force: true });
});

const FILTERS: EventFilter[] = [
  {},
  { stages: true },
  { kind: ['k8s_api'] },
  { kind: ['workload_event', 'prompt'] },
  { search: 'api-service' },
  { query: 'ns:production OR kind:workload_event' },
  { since: '2025-04-03T14:30:00Z', until: '2025-04-03T14:50:00Z' },
  { actor: 'system:serviceaccount' },
  { kind: ['tool_call'] },
];

const ids = (filter: EventFilter, offset: number, limit: number, deepFrom: number, total?: number) =>
  listEvents(wb.store, filter, filterBounds(wb.store, filter), { offset, limit }, undefined, {
    deepFrom,
    ...(total === undefined ? {} : { total }),
  }).map((e) => e.id);

describe('deep pages', () => {
  it('list what the plain query lists, for every filter, offset and limit, from either end', () => {
    const untimed = wb.store.db.prepare('SELECT count(*) FROM event WHERE time_ns IS NULL').pluck().get() as number;
    expect(untimed).toBeGreaterThan(40);
    let compared = 0;
    for (const filter of FILTERS) {
      const total = countEvents(wb.store, filter, filterBounds(wb.store, filter));
      expect(total, JSON.stringify(filter)).toBeGreaterThan(0);
      const offsets = [
        0,
        1,
        199,
        200,
        Math.floor(total / 2) - 1,
        Math.floor(total / 2) + 1,
        total - 200,
        total - 7,
        total - 1,
        total,
        total + 5,
      ];
      for (const offset of offsets.filter((o) => o >= 0))
        for (const limit of [1, 50, 200]) {
          const plain = ids(filter, offset, limit, Number.POSITIVE_INFINITY);
          expect(plain.length).toBe(Math.max(0, Math.min(limit, total - offset)));
          expect(ids(filter, offset, limit, 0, total), `${JSON.stringify(filter)} ${offset} ${limit}`).toEqual(plain);
          expect(ids(filter, offset, limit, 0), `${JSON.stringify(filter)} ${offset} ${limit} (no total)`).toEqual(plain);
          compared += 1;
        }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('walk the whole listing page by page from the end to the same rows as from the start', () => {
    const filter = {};
    const total = countEvents(wb.store, filter, filterBounds(wb.store, filter));
    const forward: number[] = [];
    const deep: number[] = [];
    for (let offset = 0; offset < total; offset += 150) {
      forward.push(...ids(filter, offset, 150, Number.POSITIVE_INFINITY));
      deep.push(...ids(filter, offset, 150, 0, total));
    }
    expect(forward).toHaveLength(total);
    expect(new Set(forward).size).toBe(total);
    expect(deep).toEqual(forward);
    // Untimed events are the last rows.
    const untimed = new Set(wb.store.db.prepare('SELECT id FROM event WHERE time_ns IS NULL').pluck().all() as number[]);
    const firstUntimed = forward.findIndex((id) => untimed.has(id));
    expect(forward.slice(firstUntimed).every((id) => untimed.has(id))).toBe(true);
  });
});

describe('hiding earlier stages', () => {
  it('reads the few hidden stages as a list, and hides exactly what the lookup hides', () => {
    const hidden = wb.store.db.prepare('SELECT count(*) FROM audit_stage WHERE superseded = 1').pluck().get() as number;
    expect(hidden).toBeGreaterThan(0);
    const condition = latestStageOnly(wb.store);
    expect(condition).toMatch(/NOT IN/);
    const shown = (sql: string) => wb.store.db.prepare(`SELECT e.id FROM event e WHERE ${sql} ORDER BY e.id`).pluck().all();
    const listed = shown(condition);
    expect(listed).toEqual(shown(LATEST_STAGE_ONLY));
    expect(listed.length).toBe((wb.store.db.prepare('SELECT count(*) FROM event').pluck().get() as number) - hidden);
  });
});
