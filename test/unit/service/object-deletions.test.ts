// The deletes of names an audit log records (a successful delete: the name is free from then on) go to the
// case's identity table as the records are read, a batch at a time, in the source's transaction: a log of
// a million requests, a sixth of them deletes, held every one of them in memory to its end (20 MB). They
// are still all there, in order, each with its event; and a source that is cancelled leaves none behind.
// A case imported before the table existed has it built when opened, its deletes written likewise.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DELETION_BATCH } from '../../../src-main/service/objects';
import { Workbench } from '../../../src-main/service/workbench';
import { readObjectTable } from '../../../src-main/store/objects';
import { everyTurn } from '../../support/every-turn';

/** How many deletes each write of the table's rebuild (upgradeObjectIdentity) was handed. */
const rebuildWrites: number[] = [];
vi.mock('../../../src-main/store/objects', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src-main/store/objects')>();
  return {
    ...original,
    rebuildObjectTable: (...[store, fill]: Parameters<typeof original.rebuildObjectTable>) =>
      original.rebuildObjectTable(store, (record) =>
        fill((db, objects, kinds, deletions) => {
          const list = [...deletions];
          rebuildWrites.push(list.length);
          record(db, objects, kinds, list);
        }),
      ),
  };
});

let dir: string;
let wb: Workbench;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-deletions-'));
  wb = Workbench.open(join(dir, 'case.causa'), { create: true });
});

afterEach(() => {
  wb.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An audit log of `requests` requests to pods by name, every third a successful delete. */
function writeLog(path: string, requests: number): void {
  const lines: string[] = [];
  for (let i = 0; i < requests; i += 1) {
    const at = `2025-04-03T14:${String(Math.floor(i / 6000) % 60).padStart(2, '0')}:${String(Math.floor(i / 100) % 60).padStart(2, '0')}.${String(i % 100).padStart(2, '0')}0000000Z`;
    const verb = i % 3 === 0 ? 'delete' : 'patch';
    lines.push(
      JSON.stringify({
        apiVersion: 'audit.k8s.io/v1',
        kind: 'Event',
        level: 'Metadata',
        auditID: `r-${i}`,
        stage: 'ResponseComplete',
        requestURI: `/api/v1/namespaces/prod/pods/web-${i % 50}`,
        verb,
        user: { username: 'alice@example.com', groups: ['system:authenticated'] },
        objectRef: { resource: 'pods', namespace: 'prod', name: `web-${i % 50}`, apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: 200 },
        requestReceivedTimestamp: at,
        stageTimestamp: at,
      }),
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const deletionCount = (): number => wb.store.db.prepare('SELECT count(*) FROM k8s_deletion').pluck().get() as number;

describe('deletes of names', () => {
  it('are written as the source is read, and all of them, in order, each with its event', async () => {
    const log = join(dir, 'audit.log');
    writeLog(log, 30_000);
    let writtenWhileRead = 0;
    const stop = everyTurn(() => {
      const p = wb.imports.snapshot();
      if (p.active && p.events > 0 && p.events < 25_000) writtenWhileRead = Math.max(writtenWhileRead, deletionCount());
    });
    const report = await wb.importPaths([log]);
    stop();
    expect([report.events, report.errors]).toEqual([30_000, 0]);
    // Some were in the case (the import's transaction) before the source's last records were read.
    expect(writtenWhileRead).toBeGreaterThan(0);
    const deletions = wb.store.db
      .prepare(
        "SELECT d.name, json_extract(e.keys, '$.audit_id') AS request FROM k8s_deletion d JOIN event e ON e.id = d.event_id ORDER BY d.id",
      )
      .all() as { name: string; request: string }[];
    expect(deletions).toHaveLength(10_000);
    const wrong = deletions.filter((d, n) => d.name !== `web-${(n * 3) % 50}` || d.request !== `r-${n * 3}`);
    expect(wrong).toEqual([]);
    // The linker is handed only the deletes of names some object held: here none (no record names a uid).
    expect(readObjectTable(wb.store).deletions).toEqual([]);
  });

  it('are handed to the linker only for names some object held', async () => {
    const log = join(dir, 'audit.log');
    writeLog(log, 3_000);
    // One record that names web-0's uid: the table holds that object, and the deletes of its name count.
    const sighting = JSON.stringify({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Event',
      level: 'Metadata',
      auditID: 'uid-of-web-0',
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/prod/pods/web-0',
      verb: 'get',
      user: { username: 'alice@example.com', groups: ['system:authenticated'] },
      objectRef: { resource: 'pods', namespace: 'prod', name: 'web-0', uid: 'uid-web-0', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 200 },
      requestReceivedTimestamp: '2025-04-03T13:00:00.000000000Z',
      stageTimestamp: '2025-04-03T13:00:00.000000000Z',
    });
    const other = join(dir, 'sighting.log');
    writeFileSync(other, `${sighting}\n`);
    await wb.importPaths([log, other]);
    const { deletions } = readObjectTable(wb.store);
    // web-0 is deleted at every request numbered a multiple of 150 (every third request, every 50th name).
    expect(deletions!.map((d) => d.name)).toEqual(Array.from({ length: 20 }, () => 'web-0'));
    expect(deletions!.every((d) => d.namespace === 'prod' && d.resource === 'pods')).toBe(true);
  });

  it('are rolled back with the source when its import is cancelled', async () => {
    const log = join(dir, 'audit.log');
    writeLog(log, 30_000);
    let seen = 0;
    const stop = everyTurn(() => {
      const p = wb.imports.snapshot();
      if (!p.active || p.events < 20_000) return;
      seen = deletionCount();
      wb.imports.cancel();
    });
    const report = await wb.importPaths([log]);
    stop();
    expect(report.cancelled).toBe(true);
    expect(seen).toBeGreaterThan(0);
    expect([deletionCount(), (await wb.handlers.caseInfo({})).events]).toEqual([0, 0]);
  });

  it('of a case imported before the identity table are written a batch at a time when it is built', async () => {
    const log = join(dir, 'audit.log');
    writeLog(log, 30_000);
    await wb.importPaths([log]);
    const table = (): unknown[] =>
      wb.store.db.prepare('SELECT resource, namespace, name, at_ns, event_id FROM k8s_deletion ORDER BY id').all();
    const imported = table();
    expect(imported).toHaveLength(10_000);
    // What a case file written before migration 0016 looks like once migrated: evidence, no table, the mark.
    wb.store.db.pragma('query_only = OFF');
    wb.store.db.exec(
      "DELETE FROM k8s_object; DELETE FROM k8s_kind; DELETE FROM k8s_deletion; INSERT INTO case_meta (key, value) VALUES ('object_identity_pending', '1')",
    );
    wb.close();
    rebuildWrites.length = 0;
    wb = Workbench.open(join(dir, 'case.causa'));
    expect(table()).toEqual(imported);
    // Never more held than a batch: every write of the rebuild had at most DELETION_BATCH of them.
    expect(rebuildWrites.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Math.max(...rebuildWrites)).toBeLessThanOrEqual(DELETION_BATCH);
  });
});
