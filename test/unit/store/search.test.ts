// Full-text search over raw records: the FTS5 trigram index answers substring searches of three
// characters or more, is built from the events the first time a search needs it, and follows later imports.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/k8s-audit/', import.meta.url));
const EXEC = readFileSync(join(CORPUS, 'crowdsec_k8s-audit-pod-exec-file.log'), 'utf8').trim();
const PRIV = readFileSync(join(CORPUS, 'crowdsec_k8s-audit-priv-pod-file.log'), 'utf8').trim();

let dir: string;
let wb: Workbench;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-search-'));
  wb = Workbench.open(join(dir, 'case.causa'), { create: true });
});

afterEach(() => {
  wb.close();
  rmSync(dir, { recursive: true, force: true });
});

const found = async (search: string) => (await wb.handlers.listEvents({ filter: { search }, offset: 0, limit: 100 })).events.map((e) => e.id);

describe('full-text search', () => {
  it('finds substrings case-insensitively through the trigram index, and follows later imports', async () => {
    writeFileSync(join(dir, 'a.log'), `${EXEC}\n`);
    await wb.importPaths([join(dir, 'a.log')]);
    expect(await found('TEST-POD-1')).toHaveLength(1);
    expect(await found('privileged')).toEqual([]);
    writeFileSync(join(dir, 'b.log'), `${PRIV}\n`);
    await wb.importPaths([join(dir, 'b.log')]);
    expect(await found('"privileged":true')).toHaveLength(1); // quotes are part of the text searched
    expect(await found('µs')).toHaveLength(1); // two characters: scanned, not indexed
    const indexed = wb.store.db.prepare("SELECT value FROM case_meta WHERE key = 'search_indexed_upto'").pluck().get();
    expect(Number(indexed)).toBe(2);
  });

  it('answers from the index, not by scanning the records', async () => {
    writeFileSync(join(dir, 'a.log'), `${EXEC}\n${PRIV}\n`);
    await wb.importPaths([join(dir, 'a.log')]);
    await found('test-pod');
    const plan = wb.store.db
      .prepare("EXPLAIN QUERY PLAN SELECT e.id FROM event e WHERE e.id IN (SELECT rowid FROM event_search WHERE event_search MATCH '\"test-pod\"')")
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/VIRTUAL TABLE INDEX/);
    // The index is derived: the evidence rows are untouched and the index holds one row per event.
    expect(wb.store.db.prepare('SELECT count(*) FROM event_search').pluck().get()).toBe(2);
  });
});
