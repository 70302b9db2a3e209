// Migration 0030: an event row keeps its authorization reason as a reference into event_text and its time
// as a function of time_ns. The attacks a forger with the SQLite file would try on that storage, each
// named by the seal check; and what a reader sees is what the importer derived.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';
import { CaseStore } from '../../../src-main/store/case-store';
import { EVENT_TEXT_LIMIT, EventTextWriter } from '../../../src-main/store/event-columns';
import { tamper, tempDir, writeAuditFixture } from './tamper';

type Problem = { reason: string; position?: number; nature?: string };

let casePath: string;
let workbench: Workbench | undefined;

beforeEach(async () => {
  casePath = join(tempDir(), 'c.causa');
  const wb = Workbench.open(casePath, { create: true });
  try {
    await wb.importPaths([writeAuditFixture(join(casePath, '..'))]);
  } finally {
    wb.close();
  }
});
afterEach(() => {
  workbench?.close();
  workbench = undefined;
});

async function sealProblems(): Promise<{ intact: boolean; problems: Problem[] }> {
  workbench = Workbench.open(casePath);
  const seal = (await workbench.handlers.verifyCase({})).find((v) => v.subject === 'seal')!;
  workbench.close();
  workbench = undefined;
  return { intact: seal.verdict.intact, problems: seal.verdict.problems };
}

function read<T>(sql: string, ...params: unknown[]): T[] {
  const store = CaseStore.open(casePath, { readOnly: true });
  try {
    return store.db.prepare(sql).all(...params) as T[];
  } finally {
    store.close();
  }
}

/** The positions whose reason is the dictionary's entry `id`. */
function positionsOf(id: number): number[] {
  return read<{ position: number }>('SELECT position FROM event WHERE authz_reason_ref = ? ORDER BY position', id).map((r) => r.position);
}

const CONTROLLER_REASON =
  'RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"';

describe('what is stored', () => {
  it('keeps each reason once and no time text, and reads back what the importer derived', async () => {
    const texts = read<{ id: number; text: string }>('SELECT id, text FROM event_text ORDER BY id');
    expect(texts.map((t) => t.text)).toContain(CONTROLLER_REASON);
    expect(texts).toHaveLength(new Set(texts.map((t) => t.text)).size);
    // Nothing inline, no stored time: the row holds a reference and time_ns alone.
    expect(read('SELECT id FROM event WHERE authz_reason IS NOT NULL OR time IS NOT NULL')).toEqual([]);
    const controller = texts.find((t) => t.text === CONTROLLER_REASON)!;
    expect(positionsOf(controller.id).length).toBeGreaterThan(10);
    // A listing shows the reason and time the record wrote.
    workbench = Workbench.open(casePath);
    const page = await workbench.handlers.listEvents({
      filter: { query: 'authz.reason:"system:kube-controller-manager"', stages: true },
      offset: 0,
      limit: 1000,
    });
    expect(page.events.length).toBe(positionsOf(controller.id).length);
    for (const event of page.events) {
      expect(event.authz?.reason).toBe(CONTROLLER_REASON);
      expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    }
    const seal = (await workbench.handlers.verifyCase({ rederive: true })).find((v) => v.subject === 'seal')!;
    expect(seal.verdict.problems).toEqual([]);
  });

  it('leaves short reasons inline and stops taking texts at its bound', () => {
    const store = CaseStore.open(join(tempDir(), 'd.causa'), { create: true });
    try {
      store.writeNow(() => {
        const writer = new EventTextWriter(store.db);
        expect(writer.idOf('RBAC: allowed')).toBeUndefined(); // 13 characters: a reference saves nothing
        expect(writer.idOf('x'.repeat(5000))).toBeUndefined();
        const insert = store.db.prepare('INSERT INTO event_text (text) VALUES (?)');
        for (let i = 0; i < EVENT_TEXT_LIMIT - 1; i += 1) insert.run(`reason number ${String(i).padStart(8, '0')}`);
        const last = writer.idOf('the last reason the dictionary takes');
        expect(last).toBe(EVENT_TEXT_LIMIT);
        expect(writer.idOf('the last reason the dictionary takes')).toBe(last);
        expect(writer.idOf('a reason past the bound of the dictionary')).toBeUndefined();
        // Known texts still refer to their entry.
        expect(writer.idOf('reason number 00000007')).toBe(8);
      });
    } finally {
      store.close();
    }
  });
});

describe('a forger', () => {
  it('who edits a dictionary entry alters every row that uses it, each named', async () => {
    const id = read<{ id: number }>('SELECT id FROM event_text WHERE text = ?', CONTROLLER_REASON)[0]!.id;
    const positions = positionsOf(id);
    tamper(casePath, (db) =>
      db.prepare('UPDATE event_text SET text = ? WHERE id = ?').run(CONTROLLER_REASON.replace('kube-controller-manager"', 'admin"'), id),
    );
    const { intact, problems } = await sealProblems();
    expect(intact).toBe(false);
    expect(problems.map((p) => p.position)).toEqual(positions);
    expect(problems.every((p) => p.nature === 'modified')).toBe(true);
  });

  it('who points a row at another entry has that row named', async () => {
    const ids = read<{ id: number }>('SELECT id FROM event_text ORDER BY id').map((r) => r.id);
    const [first, other] = ids as [number, number];
    const position = positionsOf(first)[0]!;
    tamper(casePath, (db) => db.prepare('UPDATE event SET authz_reason_ref = ? WHERE position = ?').run(other, position));
    const { problems } = await sealProblems();
    expect(problems).toEqual([expect.objectContaining({ position, nature: 'modified' })]);
  });

  it('who writes a reason inline over the reference has that row named', async () => {
    const id = read<{ id: number }>('SELECT id FROM event_text WHERE text = ?', CONTROLLER_REASON)[0]!.id;
    const position = positionsOf(id)[2]!;
    tamper(casePath, (db) =>
      db.prepare("UPDATE event SET authz_reason = 'RBAC: allowed by nothing at all' WHERE position = ?").run(position),
    );
    const { problems } = await sealProblems();
    expect(problems).toEqual([expect.objectContaining({ position, nature: 'modified', reason: expect.stringContaining('authz_reason') })]);
  });

  it('who deletes a dictionary entry (foreign keys off) has every row that used it named', async () => {
    const id = read<{ id: number }>('SELECT id FROM event_text WHERE text = ?', CONTROLLER_REASON)[0]!.id;
    const positions = positionsOf(id);
    tamper(casePath, (db) => db.prepare('DELETE FROM event_text WHERE id = ?').run(id), { foreignKeys: false });
    const { problems } = await sealProblems();
    expect(problems.map((p) => p.position)).toEqual(positions);
  });

  it('who writes a time into the empty time column has that row named', async () => {
    tamper(casePath, (db) => db.prepare("UPDATE event SET time = '2020-01-01T00:00:00.000000000Z' WHERE position = 6").run());
    const { problems } = await sealProblems();
    expect(problems).toEqual([expect.objectContaining({ position: 6, nature: 'modified', reason: expect.stringContaining('time is') })]);
  });

  it('who shifts time_ns has that row named', async () => {
    tamper(casePath, (db) => db.prepare('UPDATE event SET time_ns = time_ns - 3600000000000 WHERE position = 8').run());
    const { problems } = await sealProblems();
    expect(problems).toEqual([expect.objectContaining({ position: 8, nature: 'modified' })]);
  });
});
