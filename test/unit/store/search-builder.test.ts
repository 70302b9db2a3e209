// The search index of a case's first large import, built by a worker on a second core and copied into the
// case once the import has committed (store/search-builder.ts). It must be the index the import would have
// written itself, word for word; the importing connection must see it; and a copy that no longer fits the
// case (another program wrote meanwhile, events missing or out of order, an index already there) must be
// refused, leaving the case to be indexed the ordinary way.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateInc0047Audit } from '../../../src-main/core/sample';
import { Workbench } from '../../../src-main/service/workbench';
import { SearchIndexBuilder } from '../../../src-main/store/search-builder';

const dir = mkdtempSync(join(tmpdir(), 'causa-search-builder-'));
// The worker's scratch databases go here, so that what is left of them can be seen.
const scratch = join(dir, 'tmp');
const previousTmp = process.env.TMPDIR;
const log = join(dir, 'audit.log');
let lines: string[];

beforeAll(() => {
  mkdirSync(scratch);
  process.env.TMPDIR = scratch;
  // 12,000 audit events, 12 MB: over the size from which a first import builds its index in a worker.
  lines = generateInc0047Audit({ events: 12_000 });
  writeFileSync(log, `${lines.join('\n')}\n`);
});

afterAll(() => {
  process.env.TMPDIR = previousTmp;
  rmSync(dir, { recursive: true, force: true });
});

/** Every word the index holds, with how many events hold it (FTS5's own vocabulary of the table). */
function vocabulary(path: string): { term: string; doc: number }[] {
  const db = new Database(path, { readonly: true });
  try {
    db.exec("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, 'event_search', 'row')");
    return db.prepare('SELECT term, doc FROM temp.words ORDER BY term').all() as { term: string; doc: number }[];
  } finally {
    db.close();
  }
}

const matching = (wb: Workbench, word: string): number[] =>
  wb.store.db.prepare('SELECT rowid FROM event_search WHERE event_search MATCH ? ORDER BY rowid').pluck().all(word) as number[];

describe('the search index of a first import, built on a second core', () => {
  it('is the index the import would have written, seen at once by the connection that imported', async () => {
    const path = join(dir, 'worker.causa');
    const wb = Workbench.open(path, { create: true });
    // A search before the import: this connection has read the (empty) index and must not keep it.
    expect((await wb.handlers.listEvents({ filter: { search: 'api-service' }, offset: 0, limit: 5 })).events).toEqual([]);
    const copy = vi.spyOn(SearchIndexBuilder.prototype, 'copyInto');
    await wb.importPaths([log]);
    // The worker built the index, and it was copied.
    expect(copy).toHaveBeenCalledTimes(1);
    expect(await copy.mock.results[0]!.value).toBeUndefined();
    copy.mockRestore();
    expect(wb.store.searchIndexedUpto()).toBe(12_000);
    const indexed = matching(wb, 'replicasets');
    expect(indexed.length).toBeGreaterThan(0);
    const listed = await wb.handlers.listEvents({ filter: { search: 'replicasets' }, offset: 0, limit: 10_000 });
    expect(listed.events.length).toBeGreaterThan(0);
    expect(listed.events.every((e) => indexed.includes(e.id))).toBe(true);
    // The same case indexed again from its rows, as a case from an earlier Causa is: the same words, each
    // in the same events.
    const again = join(dir, 'again.causa');
    await wb.store.db.backup(again);
    wb.close();
    const inline = Workbench.open(again);
    inline.store.writeNow(() =>
      inline.store.db.exec(
        "INSERT INTO event_search (event_search) VALUES ('delete-all'); DELETE FROM case_meta WHERE key = 'search_indexed_upto'",
      ),
    );
    expect(vocabulary(again)).toEqual([]);
    while (!inline.store.indexSearchBatch(5000));
    inline.close();
    const words = vocabulary(path);
    expect(words.length).toBeGreaterThan(1000);
    expect(words).toEqual(vocabulary(again));
    // Nothing is left of the worker's scratch database.
    expect(readdirSync(scratch)).toEqual([]);
  }, 60_000);

  it('is built from the rows by the import when the worker’s index cannot be copied in', async () => {
    const path = join(dir, 'refused.causa');
    const wb = Workbench.open(path, { create: true });
    const copy = vi.spyOn(SearchIndexBuilder.prototype, 'copyInto').mockResolvedValue('the case was indexed meanwhile');
    try {
      await wb.importPaths([log]);
      expect(copy).toHaveBeenCalledTimes(1);
    } finally {
      copy.mockRestore();
    }
    // Ready to search all the same: every event indexed, the same words as the worker's index.
    expect(wb.store.searchIndexedUpto()).toBe(12_000);
    expect(matching(wb, 'replicasets').length).toBeGreaterThan(0);
    wb.close();
    expect(vocabulary(path)).toEqual(vocabulary(join(dir, 'worker.causa')));
    expect(readdirSync(scratch)).toEqual([]);
  }, 60_000);

  it('is completed from the rows when the worker fails half-way through the import', async () => {
    const path = join(dir, 'failed.causa');
    const wb = Workbench.open(path, { create: true });
    // The worker takes the first 5,000 events, then fails (as a worker that died would be seen).
    const original = SearchIndexBuilder.prototype.add;
    let given = 0;
    const add = vi.spyOn(SearchIndexBuilder.prototype, 'add').mockImplementation(function (this: SearchIndexBuilder, id, text) {
      given += 1;
      return given <= 5000 ? original.call(this, id, text) : false;
    });
    const failed = vi
      .spyOn(SearchIndexBuilder.prototype, 'failed', 'get')
      .mockImplementation(() => (given > 5000 ? 'the worker died' : undefined));
    const copy = vi.spyOn(SearchIndexBuilder.prototype, 'copyInto');
    try {
      await wb.importPaths([log]);
      expect(given).toBeGreaterThan(5000);
      expect(copy).not.toHaveBeenCalled();
    } finally {
      add.mockRestore();
      failed.mockRestore();
      copy.mockRestore();
    }
    // The events the worker had are indexed from the rows, the rest as they were written: the same index.
    expect(wb.store.searchIndexedUpto()).toBe(12_000);
    wb.close();
    expect(vocabulary(path)).toEqual(vocabulary(join(dir, 'worker.causa')));
    expect(readdirSync(scratch)).toEqual([]);
  }, 60_000);

  /** A builder for the case at `path` given the texts of events `ids`, then asked to copy up to `last`. */
  async function copied(path: string, ids: number[], last: number): Promise<string | undefined> {
    const db = new Database(path, { readonly: true });
    const definition = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'event_search'").pluck().get() as string;
    db.close();
    const builder = new SearchIndexBuilder(path, definition, 1);
    try {
      for (const id of ids) expect(builder.add(id, Buffer.from(lines[id - 1]!))).toBe(true);
      return await builder.copyInto(last);
    } finally {
      builder.close();
    }
  }

  it('takes the batches it is behind on from a spill file, and is the same index', async () => {
    // The worker's case again, its index gone: what a first import leaves before the copy.
    const source = Workbench.open(join(dir, 'worker.causa'), { readOnly: true });
    const path = join(dir, 'spilled.causa');
    await source.store.db.backup(path);
    source.close();
    const db = new Database(path);
    db.exec("INSERT INTO event_search (event_search) VALUES ('delete-all'); DELETE FROM case_meta WHERE key = 'search_indexed_upto'");
    const definition = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'event_search'").pluck().get() as string;
    db.close();
    expect(vocabulary(path)).toEqual([]);
    // A backlog of 0: every batch goes to the file; of 1, some go to the file and some are handed over; of
    // 4, most or all are handed over.
    for (const maxBacklog of [0, 1, 4]) {
      const builder = new SearchIndexBuilder(path, definition, 1, { maxBacklog });
      try {
        for (const [i, line] of lines.entries()) {
          expect(builder.add(i + 1, Buffer.from(line))).toBe(true);
          // With the larger backlog, the worker catches up now and then: its buffers are then free again.
          if (maxBacklog === 4 && i % 1000 === 999) await vi.waitUntil(() => builder.behind === 0, { timeout: 30_000 });
        }
        expect(await builder.copyInto(lines.length)).toBeUndefined();
        if (maxBacklog < 4) expect(builder.spilledBatches).toBeGreaterThan(1);
        // The batches handed over share a few buffers, each used again once the worker has indexed its
        // batch (one made afresh for each cost a page fault every 4 KiB): never more than the backlog's.
        const { handedOver, buffers } = builder.sharedBatches;
        expect(buffers).toBeLessThanOrEqual(maxBacklog + 1);
        if (maxBacklog === 4) expect(handedOver).toBeGreaterThan(2 * buffers);
      } finally {
        builder.close();
      }
      expect(vocabulary(path)).toEqual(vocabulary(join(dir, 'worker.causa')));
      expect(readdirSync(scratch)).toEqual([]);
      // Emptied for the next round (the copy refuses a case that has an index).
      const again = new Database(path);
      again.exec("INSERT INTO event_search (event_search) VALUES ('delete-all'); DELETE FROM case_meta WHERE key = 'search_indexed_upto'");
      again.close();
    }
  }, 60_000);

  it("yields the cores to the import's thread: the worker runs at a lower priority", async () => {
    // Each thread of this process with its nice value (Linux: field 19 of /proc/…/task/TID/stat).
    const niceOf = (stat: string): number => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const threads = (): Map<string, number> =>
      new Map(
        readdirSync('/proc/self/task').flatMap((tid) => {
          try {
            return [[tid, niceOf(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'))] as const];
          } catch {
            return []; // a thread that ended meanwhile
          }
        }),
      );
    const before = threads();
    const mine = niceOf(readFileSync('/proc/thread-self/stat', 'utf8'));
    const path = join(dir, 'nice.causa');
    Workbench.open(path, { create: true }).close();
    const db = new Database(path, { readonly: true });
    const definition = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'event_search'").pluck().get() as string;
    db.close();
    const builder = new SearchIndexBuilder(path, definition, 1);
    try {
      // The worker's thread: the one this process did not have before, at a nice value above this thread's.
      await vi.waitUntil(() => [...threads()].some(([tid, nice]) => !before.has(tid) && nice > mine), { timeout: 10_000 });
      const added = [...threads()].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
      expect(added).toContain(mine + 10);
      // The import's own thread keeps the priority it had before the worker started (the worker lowers its
      // own thread's, not the process's).
      expect(niceOf(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(mine);
    } finally {
      builder.close();
    }
  });

  it("makes each record's search text in the worker as the import's thread makes it, whatever the record", async () => {
    // Records that take every way of search-text.ts: plain ASCII, escapes (JSON and percent), letters
    // beyond ASCII, hexadecimal pairs, and a record over the size whose text is made as a string.
    const annotated = (i: number, note: string): string => {
      const event = JSON.parse(lines[i]!) as { annotations?: Record<string, string> };
      event.annotations = { ...event.annotations, note };
      return JSON.stringify(event);
    };
    const tricky = [
      lines[0]!,
      annotated(1, 'line one\nline two %3Dapi-service\tend'),
      annotated(2, 'Zürich café naïve-résumé 東京/サーバー ✓'),
      annotated(3, 'deadbeef-0123 cafe:babe v3.2.1-beta kube_system@prod'),
      annotated(4, `${'big-word.'.repeat(40_000)} é`),
      annotated(5, `${'x_y '.repeat(80_000)}`),
    ];
    const path = join(dir, 'tricky.causa');
    writeFileSync(join(dir, 'tricky.log'), `${tricky.join('\n')}\n`);
    const wb = Workbench.open(path, { create: true });
    await wb.importPaths([join(dir, 'tricky.log')]);
    expect(wb.store.db.prepare('SELECT count(*) FROM event').pluck().get()).toBe(tricky.length);
    wb.close();
    // A case this small is indexed by the import's thread: that index is the one to match.
    const byImport = vocabulary(path);
    expect(byImport.map((w) => w.term)).toEqual(expect.arrayContaining(['3dapi', 'zurich', 'big\uE000word', 'x\uE000y']));
    const db = new Database(path);
    db.exec("INSERT INTO event_search (event_search) VALUES ('delete-all'); DELETE FROM case_meta WHERE key = 'search_indexed_upto'");
    const definition = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'event_search'").pluck().get() as string;
    db.close();
    expect(vocabulary(path)).toEqual([]);
    const builder = new SearchIndexBuilder(path, definition, 1);
    try {
      for (const [i, line] of tricky.entries()) expect(builder.add(i + 1, Buffer.from(line))).toBe(true);
      expect(await builder.copyInto(tricky.length)).toBeUndefined();
    } finally {
      builder.close();
    }
    expect(vocabulary(path)).toEqual(byImport);
  }, 60_000);

  it('is not copied into a case it no longer fits', async () => {
    // A case of 3 events whose index is gone (a case as an earlier Causa left it).
    const path = join(dir, 'small.causa');
    writeFileSync(join(dir, 'three.log'), `${lines.slice(0, 3).join('\n')}\n`);
    const wb = Workbench.open(path, { create: true });
    await wb.importPaths([join(dir, 'three.log')]);
    wb.store.writeNow(() =>
      wb.store.db.exec(
        "INSERT INTO event_search (event_search) VALUES ('delete-all'); DELETE FROM case_meta WHERE key = 'search_indexed_upto'",
      ),
    );
    wb.close();
    // An event missing from what the worker was given, or given out of order: refused.
    expect(await copied(path, [1, 3], 3)).toMatch(/event 3 came after event 1/);
    expect(await copied(path, [2, 1, 3], 3)).toMatch(/came after/);
    // The import wrote more events than the worker indexed, or the case holds others: refused.
    expect(await copied(path, [1, 2], 3)).toMatch(/the import wrote events up to 3, the index holds them up to 2/);
    expect(await copied(path, [1, 2, 3, 4], 4)).toMatch(/the case holds other events than the import wrote/);
    expect(vocabulary(path)).toEqual([]);
    // It fits: copied, and the case's index then holds the three events' words.
    expect(await copied(path, [1, 2, 3], 3)).toBeUndefined();
    expect(vocabulary(path).length).toBeGreaterThan(10);
    // Now that the case has an index, another is not copied over it.
    expect(await copied(path, [1, 2, 3], 3)).toMatch(/indexed meanwhile/);
    expect(readdirSync(scratch)).toEqual([]);
  }, 60_000);
});
