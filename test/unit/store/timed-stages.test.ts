// The linker's lean read (store/queries.ts timedStages): each event's stage as the routine rules read it
// from the whole event (core/link/routine.ts leanStageOf), in the same order, and the whole event read
// back by `full` exactly as iterateTimedEvents gives it; for the sample's rows, and for rows a forger or an
// earlier Causa wrote otherwise (a time kept as text, an empty or NULL column, keys that are not an object).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanStageOf } from '../../../src-main/core/link/routine';
import { Workbench } from '../../../src-main/service/workbench';
import { verdictLookup } from '../../../src-main/service/verification';
import { iterateTimedEvents, timedStages } from '../../../src-main/store/queries';
import { SAMPLE, tamper, tempDir } from '../integrity/tamper';

let dir: string;
let casePath: string;

beforeAll(async () => {
  dir = tempDir();
  casePath = join(dir, 'case.causa');
  const wb = Workbench.open(casePath, { create: true });
  await wb.importPaths([SAMPLE]);
  wb.close();
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every event's lean stage, from the whole event and from the lean read, and the whole events both ways. */
function bothWays(): { fromEvents: unknown[]; lean: unknown[]; events: unknown[]; full: unknown[] } {
  const wb = Workbench.open(casePath);
  try {
    const verdicts = verdictLookup(wb.store);
    const events = [...iterateTimedEvents(wb.store, verdicts)];
    const { stages, full } = timedStages(wb.store, verdicts);
    const lean = [...stages];
    return {
      fromEvents: events.map((event) => leanStageOf(event)),
      lean: lean.map((stage) => ({ ...stage })),
      events,
      full: lean.map((stage) => full(stage)),
    };
  } finally {
    wb.close();
  }
}

describe('timedStages', () => {
  it("reads each event's stage as the whole event gives it, and the whole event back", () => {
    const read = bothWays();
    expect(read.lean.length).toBeGreaterThan(100);
    expect(read.lean).toStrictEqual(read.fromEvents);
    expect(read.full).toStrictEqual(read.events);
  });

  it('reads the rows a forger or an earlier Causa wrote otherwise as the whole event reads them', () => {
    tamper(
      casePath,
      (db) => {
        const ids = db.prepare("SELECT id FROM event WHERE kind = 'k8s_api' ORDER BY id LIMIT 13").pluck().all() as number[];
        const set = (column: string, value: unknown, id: number): void => {
          db.prepare(`UPDATE event SET ${column} = ? WHERE id = ?`).run(value, id);
        };
        // A time kept as text (before migration 0030), one that is not a time, and one empty.
        set('time', '2025-04-03T14:31:05.123456789Z', ids[0]!);
        set('time', 'yesterday', ids[1]!);
        set('time', '', ids[2]!);
        // A time_ns that is no integer (its text was left NULL).
        set('time_ns', 'soon', ids[3]!);
        // An actor without its type; an empty decision; keys that are null, a number, a list, escaped.
        set('actor_type', null, ids[4]!);
        set('authz_decision', '', ids[5]!);
        set('keys', 'null', ids[6]!);
        set('keys', 7, ids[7]!);
        set('keys', '["audit_id"]', ids[8]!);
        set('keys', '{"audit_id":"a\\u0062c","owner_uids":["u-1"]}', ids[9]!);
        set('action', null, ids[10]!);
        set('target_name', '', ids[11]!);
        // A row of no source of the case: neither reading has it.
        set('source_id', 999, ids[11]! + 1);
      },
      { foreignKeys: false },
    );
    const read = bothWays();
    expect(read.lean).toStrictEqual(read.fromEvents);
    expect(read.full).toStrictEqual(read.events);
  });
});
