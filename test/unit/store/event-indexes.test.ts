// The event indexes an import leaves pending (store/event-indexes.ts): built in the import's transaction
// only where the rest of the import reads through them, marked in the case for the others, built after on
// a thread of their own while the case is read, and never from anything the case file says but the mark.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';
import { CaseStore, type WriteTransaction } from '../../../src-main/store/case-store';
import { buildEventIndexesInThread, EVENT_INDEXES_PENDING } from '../../../src-main/store/event-indexes';
import { expectedIndexes } from '../../../src-main/store/schema-check';
import { useCaseDir } from './case-dir';

const cases = useCaseDir('causa-event-indexes-');
const track = cases.track;

const eventIndexes = (db: Database.Database): { name: string; sql: string | null }[] =>
  db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' ORDER BY name").all() as {
    name: string;
    sql: string | null;
  }[];

const names = (db: Database.Database): string[] => eventIndexes(db).map((index) => index.name);

function addEvents(tx: WriteTransaction, sourceId: number, count: number): void {
  for (let i = 1; i <= count; i += 1) {
    const raw = `{"n":${i}}`;
    tx.addEvent({
      source_id: sourceId,
      position: i,
      ordinal: 0,
      raw: Buffer.from(raw),
      raw_sha256: createHash('sha256').update(raw).digest('hex'),
      event: { time_ns: BigInt(i), kind: 'k8s_api', outcome: 'success', actor: { type: 'human', id: `user-${i % 97}` } },
    });
  }
}

/** A case whose first import (25,000 events: a bulk load) left the event indexes it does not read pending. */
async function caseLeftPending(): Promise<{ store: CaseStore; all: { name: string; sql: string | null }[] }> {
  const store = track(CaseStore.open(cases.casePath, { create: true }));
  const all = eventIndexes(store.db);
  store.leaveEventIndexes = true;
  await store.write(async (tx) => {
    addEvents(tx, tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'c'.repeat(64), size: 1 }), 25_000);
    tx.finish();
    return { commit: true, value: undefined };
  });
  store.leaveEventIndexes = false;
  return { store, all };
}

const LEFT = expectedIndexes('event')
  .map((index) => index.name)
  .filter((name) => name !== 'event_by_time');

describe('event indexes left pending by an import', () => {
  it('are marked in the transaction that wrote the evidence, the others built in it; the case opens clean and reads without them', async () => {
    const { store } = await caseLeftPending();
    expect(names(store.db)).toEqual(['event_by_time', 'sqlite_autoindex_event_1']);
    expect(LEFT.length).toBeGreaterThan(5);
    const mark = store.db.prepare('SELECT value FROM case_meta WHERE key = ?').pluck().get(EVENT_INDEXES_PENDING) as string;
    expect(JSON.parse(mark)).toEqual([...LEFT].sort());
    expect(store.eventIndexesPending).toBe(true);
    // Another reader: nothing "dropped" (the mark says why they are missing), and a filter scans for now.
    const reader = track(CaseStore.open(cases.casePath, { readOnly: true }));
    expect(reader.schemaProblems).toEqual([]);
    expect(reader.db.prepare("SELECT count(*) FROM event WHERE actor_id = 'user-5'").pluck().get()).toBe(258);
    const plan = reader.db.prepare("EXPLAIN QUERY PLAN SELECT id FROM event WHERE actor_id = 'user-5'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).not.toContain('event_by_actor');
    // A read-only connection builds nothing.
    reader.buildPendingEventIndexes();
    expect(names(reader.db)).not.toContain('event_by_actor');
  });

  it('are built on a thread and a connection of their own while this one reads, as the migrations define them', async () => {
    const { store, all } = await caseLeftPending();
    const building = store.buildPendingEventIndexesAside();
    // The case is in WAL now: this connection reads while the other writes.
    expect(String(store.db.pragma('journal_mode', { simple: true }))).toBe('wal');
    expect(store.db.prepare("SELECT count(*) FROM event WHERE actor_id = 'user-7'").pluck().get()).toBe(258);
    await building;
    expect(eventIndexes(store.db)).toEqual(all);
    expect(store.eventIndexesPending).toBe(false);
    store.close();
    const reopened = track(CaseStore.open(cases.casePath));
    expect(reopened.schemaProblems).toEqual([]);
    const plan = reopened.db.prepare("EXPLAIN QUERY PLAN SELECT id FROM event WHERE actor_id = 'user-5'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('event_by_actor');
  });

  it("the thread's build commits while another connection holds a read transaction open, which keeps its snapshot", async () => {
    const { store } = await caseLeftPending();
    store.useWal();
    const reader = new Database(cases.casePath, { readonly: true });
    try {
      reader.exec('BEGIN');
      expect(reader.prepare('SELECT count(*) FROM event').pluck().get()).toBe(25_000);
      await buildEventIndexesInThread(cases.casePath, 2048);
      // The reader's snapshot is the one it began with: the indexes are not in it yet...
      expect(eventIndexes(reader).map((index) => index.name)).not.toContain('event_by_actor');
      reader.exec('COMMIT');
      // ...and are once it reads again.
      expect(eventIndexes(reader).map((index) => index.name)).toContain('event_by_actor');
    } finally {
      reader.close();
    }
    expect(store.eventIndexesPending).toBe(false);
  });

  it('left by an import killed before it built them, are built by the next program that opens the case for writing', async () => {
    const { store, all } = await caseLeftPending();
    store.close(); // the import "killed": nothing built, the mark committed with the evidence
    const reader = track(Workbench.open(cases.casePath, { readOnly: true }));
    expect(names(reader.store.db)).not.toContain('event_by_actor');
    reader.close();
    const writer = track(Workbench.open(cases.casePath));
    expect(eventIndexes(writer.store.db)).toEqual(all);
    expect(writer.store.eventIndexesPending).toBe(false);
    expect(writer.store.schemaProblems).toEqual([]);
  });
});

describe('a forged mark of pending event indexes', () => {
  /** A case with a few events, its indexes all built, closed; then edited by hand as a forger would. */
  async function forged(edit: (db: Database.Database) => void): Promise<void> {
    const store = CaseStore.open(cases.casePath, { create: true });
    await store.write(async (tx) => {
      addEvents(tx, tx.addSource({ name: 'a.jsonl', format: 'k8s-audit', sha256: 'd'.repeat(64), size: 1 }), 50);
      tx.finish();
      return { commit: true, value: undefined };
    });
    store.close();
    const db = new Database(cases.casePath);
    try {
      edit(db);
    } finally {
      db.close();
    }
  }

  it('excuses only a missing index of the event table: an altered one, or another table’s dropped one, is still named', async () => {
    await forged((db) => {
      db.prepare('INSERT INTO case_meta (key, value) VALUES (?, ?)').run(EVENT_INDEXES_PENDING, '["event_by_actor"]');
      db.exec('DROP INDEX event_by_actor');
      db.exec('CREATE INDEX event_by_actor ON event (actor_id)');
      const other = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_stage' AND sql IS NOT NULL LIMIT 1")
        .pluck()
        .get() as string;
      db.exec(`DROP INDEX "${other}"`);
      db.exec('DROP INDEX event_by_kind');
    });
    const store = track(CaseStore.open(cases.casePath));
    expect(store.schemaProblems.join('; ')).toContain('index event_by_actor was altered');
    expect(store.schemaProblems.join('; ')).toMatch(/index \S+ is missing \(dropped\)/);
    expect(store.schemaProblems.join('; ')).not.toContain('event_by_kind');
    // A case in that state is not written to: nothing is built, the mark stays.
    store.buildPendingEventIndexes();
    await store.buildPendingEventIndexesAside();
    expect(names(store.db)).not.toContain('event_by_kind');
    expect(store.eventIndexesPending).toBe(true);
  });

  it('builds the migrations’ definitions of what the case lacks, whatever the mark says: SQL in it is never run', async () => {
    const all = expectedIndexes('event');
    await forged((db) => {
      db.prepare('INSERT INTO case_meta (key, value) VALUES (?, ?)').run(
        EVENT_INDEXES_PENDING,
        'DROP TABLE source; CREATE INDEX event_by_kind ON event (raw)',
      );
      db.exec('DROP INDEX event_by_kind');
      db.exec('DROP INDEX event_by_trace');
    });
    const writer = track(Workbench.open(cases.casePath));
    const built = eventIndexes(writer.store.db).filter((index) => index.sql !== null);
    expect(built).toEqual(all);
    expect(writer.store.db.prepare('SELECT count(*) FROM source').pluck().get()).toBe(1);
    expect(writer.store.eventIndexesPending).toBe(false);
    expect(writer.store.schemaProblems).toEqual([]);
  });
});
