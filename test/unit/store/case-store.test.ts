import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { CaseFileError, CaseStore } from '../../../src-main/store/case-store';
import { migrate, MIGRATIONS } from '../../../src-main/store/migrate';
import { RAW_BLOCK_EVENTS, rawSql } from '../../../src-main/store/raw-blocks';
import { useCaseDir } from './case-dir';

const MIGRATIONS_DIR = new URL('../../../src-main/store/migrations/', import.meta.url);
/** "CAUS" */
const CAUSA_APPLICATION_ID = 0x43415553;

const cases = useCaseDir('causa-store-', 'incident.causa');
const track = cases.track;

/**
 * A case whose connection may write rows directly, as another program's could: these tests write evidence
 * and schema rows by hand to see what the triggers and the open-time checks make of them.
 */
function openCase(options: { create?: boolean } = { create: true }): CaseStore {
  const store = track(CaseStore.open(cases.casePath, options));
  store.db.pragma('query_only = OFF');
  return store;
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function insertSource(store: CaseStore, sha = 'a'.repeat(64)): number {
  const result = store.db
    .prepare('INSERT INTO source (name, format, sha256, size, imported_at) VALUES (?, ?, ?, ?, ?)')
    .run('audit.jsonl', 'k8s-audit', sha, 10, '2025-01-01T00:00:00.000Z');
  return Number(result.lastInsertRowid);
}

function insertEvent(store: CaseStore, sourceId: number, position = 1): number {
  const raw = Buffer.from('{"kind":"Event"}');
  const result = store.db
    .prepare('INSERT INTO event (source_id, position, raw, raw_sha256, kind, outcome) VALUES (?, ?, ?, ?, ?, ?)')
    .run(sourceId, position, raw, sha256Hex(raw), 'k8s_api', 'success');
  return Number(result.lastInsertRowid);
}

function insertImportError(store: CaseStore, sourceId: number): number {
  const result = store.db.prepare('INSERT INTO import_error (source_id, line, reason) VALUES (?, ?, ?)').run(sourceId, 3, 'invalid JSON');
  return Number(result.lastInsertRowid);
}

function count(store: CaseStore, table: string): number {
  return (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('a new case file', () => {
  it('is a WAL database marked with the Causa application id', () => {
    const store = openCase();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('application_id', { simple: true })).toBe(CAUSA_APPLICATION_ID);
    expect(store.meta('name')).toBe('incident');
    store.close();

    // The marks are in the file, not only in this connection.
    const raw = track(new Database(cases.casePath, { readonly: true }));
    expect(raw.pragma('application_id', { simple: true })).toBe(CAUSA_APPLICATION_ID);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('records one schema_migration row per migration file, with the sha256 of its text', () => {
    const store = openCase();
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    expect(MIGRATIONS.map((m) => m.name)).toEqual(files);

    const rows = store.db.prepare('SELECT version, name, sha256 FROM schema_migration ORDER BY version').all();
    expect(rows).toEqual(
      files.map((file) => ({
        version: Number(file.slice(0, 4)),
        name: file,
        sha256: sha256Hex(readFileSync(new URL(file, MIGRATIONS_DIR))),
      })),
    );
  });

  it('refuses to open a missing file unless asked to create it', () => {
    expect(() => CaseStore.open(cases.casePath)).toThrow(CaseFileError);
    expect(() => CaseStore.open(cases.casePath)).toThrow(/no such case file/);
    expect(readdirSync(cases.dir)).toEqual([]);
  });

  it('reopens with its data and without applying migrations twice', () => {
    const store = openCase();
    insertSource(store);
    store.close();
    const again = openCase({});
    expect(count(again, 'source')).toBe(1);
    expect(count(again, 'schema_migration')).toBe(MIGRATIONS.length);
  });
});

describe("the store's connection", () => {
  it('refuses any change outside write and writeNow, so that no read can write', async () => {
    const store = track(CaseStore.open(cases.casePath, { create: true }));
    expect(() => insertSource(store)).toThrow(/readonly/);
    expect(() => store.db.exec("INSERT INTO case_meta (key, value) VALUES ('x', 'y')")).toThrow(/readonly/);
    expect(store.writeNow(() => insertSource(store))).toBe(1);
    await store.write(async (tx) => {
      tx.addSource({ name: 'b.jsonl', format: 'k8s-audit', sha256: 'b'.repeat(64), size: 1 });
      return { commit: true, value: undefined };
    });
    expect(() => insertSource(store, 'c'.repeat(64))).toThrow(/readonly/);
    expect(count(store, 'source')).toBe(2);
  });
});

describe('evidence tables are write-once', () => {
  let store: CaseStore;
  let sourceId: number;
  let eventId: number;
  let errorId: number;

  beforeEach(() => {
    store = openCase();
    sourceId = insertSource(store);
    eventId = insertEvent(store, sourceId);
    errorId = insertImportError(store, sourceId);
  });

  it('accepts INSERT into source, event and import_error', () => {
    insertEvent(store, sourceId, 2);
    insertImportError(store, sourceId);
    insertSource(store, 'b'.repeat(64));
    expect(count(store, 'source')).toBe(2);
    expect(count(store, 'event')).toBe(2);
    expect(count(store, 'import_error')).toBe(2);
  });

  it.each([
    ['source', () => `UPDATE source SET name = 'renamed.jsonl' WHERE id = ${sourceId}`],
    ['event', () => `UPDATE event SET outcome = 'denied' WHERE id = ${eventId}`],
    ['import_error', () => `UPDATE import_error SET reason = 'nothing to see' WHERE id = ${errorId}`],
  ])('refuses UPDATE on %s', (table, sql) => {
    expect(() => store.db.exec(sql())).toThrow(`evidence is write-once: ${table} rows cannot be updated`);
  });

  it.each([
    ['import_error', () => `DELETE FROM import_error WHERE id = ${errorId}`],
    ['event', () => `DELETE FROM event WHERE id = ${eventId}`],
    ['source', () => `DELETE FROM source WHERE id = ${sourceId}`],
  ])('refuses DELETE on %s', (table, sql) => {
    expect(() => store.db.exec(sql())).toThrow(`evidence is write-once: ${table} rows cannot be deleted`);
    expect(count(store, table)).toBe(1);
  });

  it('keeps the rows as they were after the refused statements', () => {
    expect(() => store.db.exec("UPDATE event SET raw = x'00'")).toThrow(/write-once/);
    expect(() => store.db.exec('DELETE FROM event')).toThrow(/write-once/);
    const row = store.db.prepare('SELECT raw, outcome FROM event WHERE id = ?').get(eventId) as { raw: Buffer; outcome: string };
    expect(row.raw.toString()).toBe('{"kind":"Event"}');
    expect(row.outcome).toBe('success');
  });

  // SQLite fires DELETE triggers on REPLACE only with PRAGMA recursive_triggers = ON; without it an
  // evidence row could be overwritten in place.
  it('refuses INSERT OR REPLACE over an existing event row (a delete in disguise)', () => {
    const forged = Buffer.from('{"kind":"Event","forged":true}');
    const replace = () =>
      store.db
        .prepare('INSERT OR REPLACE INTO event (id, source_id, position, raw, raw_sha256, kind, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(eventId, sourceId, 1, forged, sha256Hex(forged), 'k8s_api', 'denied');
    let refused = false;
    try {
      replace();
    } catch {
      refused = true;
    }
    const row = store.db.prepare('SELECT raw, outcome FROM event WHERE id = ?').get(eventId) as { raw: Buffer; outcome: string };
    expect(row.raw.toString(), 'the evidence row after INSERT OR REPLACE').toBe('{"kind":"Event"}');
    expect(refused).toBe(true);
  });
});

describe('migrations', () => {
  it('are applied all or none: one that fails leaves the case at the version it was', () => {
    const db = new Database(':memory:');
    const migration = (version: number, sql: string) => ({ version, name: `${version}_m.sql`, sql, sha256: sha256Hex(sql) });
    const first = migration(1, 'CREATE TABLE one (x);');
    migrate(db, [first]);
    const failing = [
      first,
      migration(2, 'CREATE TABLE two (x);'),
      migration(3, 'CREATE TABLE broken (x'),
      migration(4, 'CREATE TABLE four (x);'),
    ];
    expect(() => migrate(db, failing)).toThrow();
    expect(db.prepare('SELECT version FROM schema_migration').pluck().all()).toEqual([1]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('one', 'two', 'four')").pluck().all()).toEqual([
      'one',
    ]);
    db.close();
  });
});

describe('opening a file that is not this version of a Causa case', () => {
  it('fails when a recorded migration sha256 differs, naming the migration', () => {
    const store = openCase();
    store.db.prepare('UPDATE schema_migration SET sha256 = ? WHERE version = 1').run('0'.repeat(64));
    store.close();
    const name = MIGRATIONS[0]!.name;
    expect(() => CaseStore.open(cases.casePath)).toThrow(CaseFileError);
    expect(() => CaseStore.open(cases.casePath)).toThrow(`migration ${name} was changed after this case file applied it`);
  });

  it('fails for a case written by a newer version (an unknown migration recorded)', () => {
    const store = openCase();
    store.db
      .prepare('INSERT INTO schema_migration (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)')
      .run(9999, '9999_from_the_future.sql', 'f'.repeat(64), '2030-01-01T00:00:00.000Z');
    store.close();
    expect(() => CaseStore.open(cases.casePath)).toThrow(CaseFileError);
    expect(() => CaseStore.open(cases.casePath)).toThrow(/newer Causa.*9999_from_the_future\.sql/);
  });

  it('refuses the SQLite database of another program and leaves it untouched', () => {
    const other = new Database(cases.casePath);
    other.exec("CREATE TABLE bookmarks (url TEXT); INSERT INTO bookmarks VALUES ('https://example.com')");
    other.close();
    const before = readFileSync(cases.casePath);
    expect(() => CaseStore.open(cases.casePath)).toThrow(CaseFileError);
    expect(() => CaseStore.open(cases.casePath, { create: true })).toThrow(/not a Causa case file/);
    expect(readFileSync(cases.casePath).equals(before)).toBe(true);
    expect(readdirSync(cases.dir)).toEqual(['incident.causa']);
  });

  it('refuses a file that is not SQLite at all and leaves it untouched', () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      Buffer.from('IHDR'),
      Buffer.alloc(600, 0x5a),
    ]);
    writeFileSync(cases.casePath, png);
    expect(() => CaseStore.open(cases.casePath)).toThrow(CaseFileError);
    expect(() => CaseStore.open(cases.casePath, { create: true })).toThrow(/not a Causa case file/);
    expect(readFileSync(cases.casePath).equals(png)).toBe(true);
  });
});

describe('write transactions', () => {
  const eventIndexes = (store: CaseStore): unknown[] =>
    store.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' ORDER BY name").all();
  const addEvents = (tx: import('../../../src-main/store/case-store').WriteTransaction, sourceId: number, count: number): void => {
    for (let i = 1; i <= count; i += 1)
      tx.addEvent({
        source_id: sourceId,
        position: i,
        ordinal: 0,
        raw: Buffer.from(`{"n":${i}}`),
        raw_sha256: sha256Hex(`{"n":${i}}`),
        event: { time_ns: BigInt(i), kind: 'k8s_api', outcome: 'success', actor: { type: 'human', id: `user-${i % 97}` } },
      });
  };

  it('sets the event indexes aside for a bulk load and builds them again before the import commits', async () => {
    const store = openCase();
    const before = eventIndexes(store);
    expect(before.length).toBeGreaterThan(10);
    let during: unknown[] = [];
    await store.write(async (tx) => {
      const sourceId = tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'c'.repeat(64), size: 1 });
      addEvents(tx, sourceId, 25_000);
      during = eventIndexes(store);
      tx.finish();
      return { commit: true, value: undefined };
    });
    // Set aside while the rows went in (a load of 25,000 into an empty case), but for the unique key's...
    expect(during).toEqual([{ name: 'sqlite_autoindex_event_1', sql: null }]);
    // ...and the same indexes, the same definitions, once committed; the case opens clean and queries use them.
    expect(eventIndexes(store)).toEqual(before);
    store.close();
    const reopened = track(CaseStore.open(cases.casePath));
    expect(reopened.schemaProblems).toEqual([]);
    const plan = reopened.db.prepare("EXPLAIN QUERY PLAN SELECT id FROM event WHERE actor_id = 'user-5'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('event_by_actor');
    expect(reopened.db.prepare("SELECT count(*) FROM event WHERE actor_id = 'user-5'").pluck().get()).toBe(258);
  });

  it('keeps the indexes when a bulk load fails half-way, and row by row for a load smaller than the case', async () => {
    const store = openCase();
    const before = eventIndexes(store);
    await expect(
      store.write(async (tx) => {
        const sourceId = tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'd'.repeat(64), size: 1 });
        addEvents(tx, sourceId, 25_000);
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow('disk on fire');
    expect(eventIndexes(store)).toEqual(before);
    expect(count(store, 'event')).toBe(0);
    await store.write(async (tx) => {
      addEvents(tx, tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'e'.repeat(64), size: 1 }), 30_000);
      tx.finish();
      return { commit: true, value: undefined };
    });
    // A second load of 25,000 into a case of 30,000: cheaper to keep the indexes up than to build them again.
    let during: unknown[] = [];
    await store.write(async (tx) => {
      addEvents(tx, tx.addSource({ name: 'b.jsonl', format: 'k8s-audit', sha256: 'f'.repeat(64), size: 1 }), 25_000);
      during = eventIndexes(store);
      tx.finish();
      return { commit: true, value: undefined };
    });
    expect(during).toEqual(before);
    expect(eventIndexes(store)).toEqual(before);
  });

  // Raw records of ~400 bytes: a block (256 records) fills every 256 events.
  const recordOf = (i: number): Buffer => Buffer.from(JSON.stringify({ n: i, pad: `${i}-`.repeat(60 + (i % 40)) }));
  const addRecords = (
    tx: import('../../../src-main/store/case-store').WriteTransaction,
    sourceId: number,
    from: number,
    to: number,
  ): void => {
    for (let i = from; i <= to; i += 1)
      tx.addEvent({
        source_id: sourceId,
        position: i,
        ordinal: 0,
        raw: recordOf(i),
        raw_sha256: sha256Hex(recordOf(i)),
        event: { time_ns: BigInt(i), kind: 'k8s_api', outcome: 'success' },
      });
  };
  const rawOfEvents = (store: CaseStore): Buffer[] =>
    store.db
      .prepare(`SELECT ${rawSql('e')} FROM event e ORDER BY e.id`)
      .pluck()
      .all() as Buffer[];
  const later = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('deflates full blocks of raw records in the background and writes them in the transaction, each record read back', async () => {
    const store = openCase();
    let right = -1;
    let afterAWhile = -1;
    await store.write(async (tx) => {
      const sourceId = tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'c'.repeat(64), size: 1 });
      addRecords(tx, sourceId, 1, 1024); // four full blocks
      right = count(store, 'raw_block'); // not one written yet: they are deflating on the thread pool
      await later(200);
      afterAWhile = count(store, 'raw_block');
      for (let from = 1025; from <= 3000; from += 250) {
        addRecords(tx, sourceId, from, Math.min(from + 249, 3000));
        await later(1);
      }
      tx.finish();
      return { commit: true, value: undefined };
    });
    expect(right).toBe(0);
    expect(afterAWhile).toBe(4);
    expect(count(store, 'raw_block')).toBe(Math.ceil(3000 / RAW_BLOCK_EVENTS));
    const raw = rawOfEvents(store);
    expect(raw).toHaveLength(3000);
    raw.forEach((bytes, i) => expect(bytes.equals(recordOf(i + 1)), `event ${i + 1}`).toBe(true));
  });

  it('writes at commit the blocks still deflating, and the late results add nothing', async () => {
    const store = openCase();
    await store.write(async (tx) => {
      addRecords(tx, tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'c'.repeat(64), size: 1 }), 1, 2000);
      tx.finish(); // at once: no result has come back yet
      return { commit: true, value: undefined };
    });
    await later(200);
    expect(count(store, 'raw_block')).toBe(Math.ceil(2000 / RAW_BLOCK_EVENTS));
    rawOfEvents(store).forEach((bytes, i) => expect(bytes.equals(recordOf(i + 1)), `event ${i + 1}`).toBe(true));
  });

  it('gains no block from a rolled-back import whose background deflates come back after the rollback', async () => {
    const store = openCase();
    await expect(
      store.write(async (tx) => {
        addRecords(tx, tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'c'.repeat(64), size: 1 }), 1, 2000);
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow('disk on fire');
    expect(count(store, 'event')).toBe(0);
    // The next import, at once: the first one's blocks come back while it writes (its events take the
    // same ids), and must not go into it.
    await store.write(async (tx) => {
      addRecords(tx, tx.addSource({ name: 'b.jsonl', format: 'k8s-audit', sha256: 'd'.repeat(64), size: 1 }), 1, 600);
      await later(200);
      tx.finish();
      return { commit: true, value: undefined };
    });
    await later(200);
    expect(count(store, 'raw_block')).toBe(Math.ceil(600 / RAW_BLOCK_EVENTS));
    rawOfEvents(store).forEach((bytes, i) => expect(bytes.equals(recordOf(i + 1)), `event ${i + 1}`).toBe(true));
  });

  it('commits what the callback wrote', async () => {
    const store = openCase();
    const id = await store.write(async (tx) => {
      const sourceId = tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'c'.repeat(64), size: 1 });
      tx.addError(sourceId, 1, 'invalid JSON');
      return { commit: true, value: sourceId };
    });
    expect(store.findSourceBySha('c'.repeat(64))?.id).toBe(id);
    expect(count(store, 'import_error')).toBe(1);
  });

  it('leaves nothing behind when the callback throws, and the store stays usable', async () => {
    const store = openCase();
    const failure = new Error('disk on fire');
    await expect(
      store.write(async (tx) => {
        const sourceId = tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'd'.repeat(64), size: 1 });
        tx.addEvent({
          source_id: sourceId,
          position: 1,
          ordinal: 0,
          raw: Buffer.from('{}'),
          raw_sha256: sha256Hex('{}'),
          event: { time_ns: 1n, kind: 'k8s_api', outcome: 'success' },
        });
        tx.addError(sourceId, 2, 'invalid JSON');
        await Promise.resolve();
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(store.db.inTransaction).toBe(false);
    expect(count(store, 'source')).toBe(0);
    expect(count(store, 'event')).toBe(0);
    expect(count(store, 'import_error')).toBe(0);

    await store.write(async (tx) => {
      tx.addSource({ name: 'b.jsonl', format: 'k8s-audit', sha256: 'e'.repeat(64), size: 1 });
      return { commit: true, value: undefined };
    });
    expect(count(store, 'source')).toBe(1);
  });

  it('rolls back when the callback returns commit: false, still returning its value', async () => {
    const store = openCase();
    const value = await store.write(async (tx) => {
      const sourceId = tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'f'.repeat(64), size: 1 });
      tx.addError(sourceId, 1, 'not a Kubernetes audit event');
      return { commit: false, value: 'nothing kept' };
    });
    expect(value).toBe('nothing kept');
    expect(store.db.inTransaction).toBe(false);
    expect(count(store, 'source')).toBe(0);
    expect(count(store, 'import_error')).toBe(0);
  });

  it('refuses a second writer while one is writing', async () => {
    const store = openCase();
    let release!: () => void;
    const first = store.write(async (tx) => {
      tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: '1'.repeat(64), size: 1 });
      await new Promise<void>((resolve) => (release = resolve));
      return { commit: true, value: undefined };
    });
    await expect(store.write(async () => ({ commit: true, value: undefined }))).rejects.toThrow(/another import is still writing/);
    release();
    await first;
    expect(count(store, 'source')).toBe(1);
  });

  // Another process holding the write lock makes a writer wait (saying so), never fail with "database is
  // locked"; it goes on once the lock is released.
  it('waits while another connection holds the write lock, says so once, and writes once it is released', async () => {
    const store = openCase();
    const other = track(new Database(cases.casePath));
    other.exec('BEGIN IMMEDIATE');
    let waits = 0;
    const pending = store.write(
      async (tx) => {
        tx.addSource({ name: 'waited.jsonl', format: 'k8s-audit', sha256: '3'.repeat(64), size: 1 });
        return { commit: true, value: 'written' };
      },
      { onWait: () => (waits += 1) },
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(waits).toBe(1);
    expect(count(store, 'source')).toBe(0);
    other.exec('ROLLBACK');
    await expect(pending).resolves.toBe('written');
    expect(count(store, 'source')).toBe(1);
  });

  // A wait given up (a cancel while another process holds the write lock) must not leave the store marked as writing.
  it("can write again after a wait for another connection's lock was given up", async () => {
    const store = openCase();
    const other = track(new Database(cases.casePath));
    other.exec('BEGIN IMMEDIATE');
    let cancelled = false;
    const check = (): void => {
      if (cancelled) throw new Error('cancelled while waiting');
    };
    await expect(
      store.write(async () => ({ commit: true, value: undefined }), { onWait: () => (cancelled = true), check }),
    ).rejects.toThrow(/cancelled while waiting/);
    other.exec('ROLLBACK');
    other.close();

    await store.write(async (tx) => {
      tx.addSource({ name: 'later.jsonl', format: 'k8s-audit', sha256: '2'.repeat(64), size: 1 });
      return { commit: true, value: undefined };
    });
    expect(count(store, 'source')).toBe(1);
  });
});
