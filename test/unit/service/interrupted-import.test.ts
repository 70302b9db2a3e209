// An import killed in the middle of writing (SIGKILL: no handler runs, no rollback is sent) leaves the case
// as it was before that source: nothing of the source half-visible, its derived data (API-call grouping,
// search index) neither, and everything imported before it intact and sealed.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateInc0047Audit } from '../../../src-main/core/sample';
import { Workbench } from '../../../src-main/service/workbench';
import { expectedIndexes } from '../../../src-main/store/schema-check';
import { ensureBuilt, runCausa } from '../hostile/watchdog';

const dir = mkdtempSync(join(tmpdir(), 'causa-interrupted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 120_000);

function counts(casePath: string): Record<string, number> {
  const db = new Database(casePath, { readonly: true });
  try {
    const n = (sql: string) => db.prepare(sql).pluck().get() as number;
    return {
      sources: n('SELECT count(*) FROM source'),
      events: n('SELECT count(*) FROM event'),
      stages: n('SELECT count(*) FROM audit_stage'),
      calls: n('SELECT count(DISTINCT audit_id) FROM audit_stage'),
      orphanStages: n('SELECT count(*) FROM audit_stage WHERE event_id NOT IN (SELECT id FROM event)'),
      seals: n('SELECT count(*) FROM source_seal'),
    };
  } finally {
    db.close();
  }
}

/** `causa import FILE --case CASE`, killed with SIGKILL as soon as `due` says so (it must be, before the import ends). */
async function importKilledWhen(file: string, casePath: string, due: () => boolean): Promise<void> {
  let killedMidWrite = false;
  const run = await runCausa(['import', file, '--case', casePath], {
    onSpawn: (child) => {
      const watch = setInterval(() => {
        if (!due()) return;
        killedMidWrite = true;
        child.kill('SIGKILL');
        clearInterval(watch);
      }, 5);
      child.on('close', () => clearInterval(watch));
    },
  });
  expect(killedMidWrite, `the import ended (exit ${run.code}) before it could be killed`).toBe(true);
  expect(run.code).toBeNull();
}

it('a source killed mid-import is not in the case at all, derived data included; the case verifies intact', async () => {
  const casePath = join(dir, 'case.causa');
  const first = join(dir, 'first.jsonl');
  writeFileSync(first, `${generateInc0047Audit({ events: 2000 }).join('\n')}\n`);
  const big = join(dir, 'big.jsonl');
  writeFileSync(big, `${generateInc0047Audit({ events: 30_000, seed: 9 }).join('\n')}\n`);
  expect((await runCausa(['import', first, '--case', casePath])).code).toBe(0);
  const before = counts(casePath);
  expect(before).toMatchObject({ sources: 1, orphanStages: 0, seals: 1 });
  expect(before.calls).toBeGreaterThan(0);

  // Killed once the big source's transaction has written a few MiB to the WAL: surely mid-source.
  await importKilledWhen(big, casePath, () => {
    const wal = `${casePath}-wal`;
    return existsSync(wal) && statSync(wal).size > 4 * 2 ** 20;
  });

  expect(counts(casePath)).toEqual(before);
  const wb = Workbench.open(casePath);
  try {
    expect(wb.store.searchIndexedUpto()).toBe(wb.store.lastEventId());
    const verdicts = await wb.handlers.verifyCase({});
    const seal = verdicts.find((v) => v.subject === 'seal');
    expect(seal?.verdict.intact, JSON.stringify(seal?.verdict.problems)).toBe(true);
    // The same source imports whole afterwards.
    const again = await wb.importPaths([big]);
    expect(again.files[0]).toMatchObject({ status: 'imported' });
    expect(wb.store.searchIndexedUpto()).toBe(wb.store.lastEventId());
  } finally {
    wb.close();
  }
}, 240_000);

it('a first import into a new case, killed mid-write, leaves a case that opens whole, turns to WAL and imports again', async () => {
  const casePath = join(dir, 'new.causa');
  const big = join(dir, 'big-first.jsonl');
  writeFileSync(big, `${generateInc0047Audit({ events: 30_000, seed: 11 }).join('\n')}\n`);
  // A new case is written through a rollback journal while its first import runs: its pages go straight
  // into the file, which grows. Killed once a few MiB are there: surely mid-source.
  await importKilledWhen(
    big,
    casePath,
    () => existsSync(`${casePath}-journal`) && existsSync(casePath) && statSync(casePath).size > 4 * 2 ** 20,
  );
  expect(existsSync(`${casePath}-wal`)).toBe(false);

  // The next program to open it rolls the half-written source back: nothing of it is there.
  const wb = Workbench.open(casePath);
  try {
    expect(wb.store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(wb.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(counts(casePath)).toEqual({ sources: 0, events: 0, stages: 0, calls: 0, orphanStages: 0, seals: 0 });
    const again = await wb.importPaths([big]);
    expect(again.files[0]).toMatchObject({ status: 'imported' });
    expect(wb.store.searchIndexedUpto()).toBe(wb.store.lastEventId());
    const verdicts = await wb.handlers.verifyCase({});
    const seal = verdicts.find((v) => v.subject === 'seal');
    expect(seal?.verdict.intact, JSON.stringify(seal?.verdict.problems)).toBe(true);
  } finally {
    wb.close();
  }
  expect(existsSync(`${casePath}-journal`)).toBe(false);
}, 240_000);

it('a first import through the CLI builds the event indexes it left for its end: the case holds them all, and its links', async () => {
  const casePath = join(dir, 'indexed.causa');
  const big = join(dir, 'big-indexed.jsonl');
  writeFileSync(big, `${generateInc0047Audit({ events: 30_000, seed: 13 }).join('\n')}\n`);
  expect((await runCausa(['import', big, '--case', casePath])).code).toBe(0);
  const db = new Database(casePath, { readonly: true });
  try {
    const indexes = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' AND sql IS NOT NULL ORDER BY name")
      .all();
    expect(indexes).toEqual(expectedIndexes('event'));
    expect(db.prepare("SELECT count(*) FROM case_meta WHERE key = 'event_indexes_pending'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM link_cache').pluck().get()).toBe(1);
  } finally {
    db.close();
  }
}, 240_000);
