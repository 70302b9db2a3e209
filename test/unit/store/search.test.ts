// Full-text search over raw records: the FTS5 index of words (migration 0026) narrows a search to the
// records holding its words, and the text itself is then checked on each; it is built by each import in its
// own transaction (no search ever writes); a case from an earlier Causa, whose index lags its events, is
// caught up in the background and meanwhile scanned.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';
import { searchTerms } from '../../../src-main/store/query-sql';
import { registerRawFunction } from '../../../src-main/store/raw-blocks';
import { PAIR_JOINER as J, searchableBytes, searchableText, wordPairs } from '../../../src-main/store/search-text';

const CORPUS = fileURLToPath(new URL('../../fixtures/corpus/k8s-audit/', import.meta.url));
const EXEC = readFileSync(join(CORPUS, 'crowdsec_k8s-audit-pod-exec-file.log'), 'utf8').trim();
const SAMPLE = fileURLToPath(new URL('../../../resources/samples/inc-0047', import.meta.url));
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

/** A case as an earlier Causa left it: events imported, none of them indexed yet. */
function forgetSearchIndex(workbench: Workbench): void {
  workbench.store.writeNow(() =>
    workbench.store.db.exec(
      "INSERT INTO event_search (event_search) VALUES ('delete-all'); DELETE FROM case_meta WHERE key = 'search_indexed_upto'",
    ),
  );
}

const found = async (search: string) =>
  (await wb.handlers.listEvents({ filter: { search }, offset: 0, limit: 100 })).events.map((e) => e.id);

describe('full-text search', () => {
  it('finds text case-insensitively through the index of words, which each import extends', async () => {
    writeFileSync(join(dir, 'a.log'), `${EXEC}\n`);
    await wb.importPaths([join(dir, 'a.log')]);
    expect(wb.store.searchIndexedUpto()).toBe(1);
    expect(await found('TEST-POD-1')).toHaveLength(1);
    expect(await found('privileged')).toEqual([]);
    writeFileSync(join(dir, 'b.log'), `${PRIV}\n`);
    await wb.importPaths([join(dir, 'b.log')]);
    expect(await found('"privileged":true')).toHaveLength(1); // quotes are part of the text searched
    expect(await found('µs')).toHaveLength(1); // two characters: scanned, not indexed
    expect(wb.store.searchIndexedUpto()).toBe(2);
  });

  it('answers from the index, not by scanning the records', async () => {
    writeFileSync(join(dir, 'a.log'), `${EXEC}\n${PRIV}\n`);
    await wb.importPaths([join(dir, 'a.log')]);
    await wb.indexSearch();
    await found('test-pod');
    const plan = wb.store.db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT e.id FROM event e WHERE e.id IN (SELECT rowid FROM event_search WHERE event_search MATCH \'"test-pod"\')',
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/VIRTUAL TABLE INDEX/);
    // The index is derived and holds every event: each record's words find it.
    const hits = (match: string) =>
      wb.store.db.prepare('SELECT rowid FROM event_search WHERE event_search MATCH ? ORDER BY rowid').pluck().all(match);
    expect(hits('"kind"')).toEqual([1, 2]);
    expect(hits('"privileged"')).toEqual([2]);
  });

  it('gives the same answers whatever part of the case the index covers yet', async () => {
    // A lagging index is caught up a batch at a time; until it is done, what it does not cover is scanned.
    await wb.importPaths([SAMPLE]);
    forgetSearchIndex(wb);
    const last = wb.store.lastEventId();
    expect(last).toBeGreaterThan(1000);
    const searches = ['api-service', 'OOMKilled', 'JAMES.W', 'v3.2.1-beta', 'no such text anywhere'];
    const answers = async () =>
      Promise.all(
        searches.map(async (q) => [
          q,
          (await found(q)).length,
          (await wb.handlers.listEvents({ filter: { search: q }, offset: 0, limit: 1 })).total,
        ]),
      );
    expect(wb.store.searchIndexedUpto()).toBe(0);
    const unindexed = await answers();
    expect(unindexed.filter(([, n]) => (n as number) > 0).length).toBe(4);
    wb.store.indexSearchBatch(Math.floor(last / 3));
    expect(wb.store.searchIndexedUpto()).toBe(Math.floor(last / 3));
    expect(await answers()).toEqual(unindexed);
    expect(wb.store.indexSearchBatch()).toBe(true);
    expect(wb.store.searchIndexedUpto()).toBe(last);
    expect(await answers()).toEqual(unindexed);
  });

  it('catches up in the background for a workbench host, between requests', async () => {
    await wb.importPaths([SAMPLE]);
    forgetSearchIndex(wb);
    wb.close();
    wb = Workbench.open(join(dir, 'case.causa'), { indexInBackground: true });
    // Requests are answered while the index is being built: the first answer comes before it is done.
    const first = (await wb.handlers.listEvents({ filter: { search: 'api-service' }, offset: 0, limit: 10 })).total;
    expect(wb.store.searchIndexedUpto()).toBeLessThan(wb.store.lastEventId());
    await wb.indexSearch();
    expect(wb.store.searchIndexedUpto()).toBe(wb.store.lastEventId());
    expect((await wb.handlers.listEvents({ filter: { search: 'api-service' }, offset: 0, limit: 10 })).total).toBe(first);
  });

  it('finds text that begins a word, through escapes; `*` reaches inside words', async () => {
    const lines = [
      // A request URI with its query percent-encoded: the word after %3D is glued to its digits.
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","requestURI":"/apis/apps/v1/namespaces/web/replicasets?labelSelector=app%3Dnginx-canary","verb":"list","user":{"username":"alice"},"objectRef":{"resource":"replicasets","namespace":"web","apiVersion":"v1"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2025-04-03T14:30:00.000000Z","stageTimestamp":"2025-04-03T14:30:00.100000Z"}',
      // A JSON string escape written with a letter: \n before the word.
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"a2","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/web/configmaps/motd","verb":"update","user":{"username":"bob"},"objectRef":{"resource":"configmaps","namespace":"web","name":"motd","apiVersion":"v1"},"responseStatus":{"code":200},"requestObject":{"data":{"motd":"hello\\nPayloadMarker here"}},"requestReceivedTimestamp":"2025-04-03T14:31:00.000000Z","stageTimestamp":"2025-04-03T14:31:00.100000Z"}',
    ];
    writeFileSync(join(dir, 'c.log'), `${lines.join('\n')}\n`);
    await wb.importPaths([join(dir, 'c.log')]);
    expect(wb.store.searchIndexedUpto()).toBe(2);
    expect(await found('nginx-canary')).toEqual([1]);
    expect(await found('NGINX-CAN')).toEqual([1]); // the last word's beginning
    expect(await found('payloadmarker')).toEqual([2]);
    // Inside a word the index cannot look: the search says so by a `*` and reads the records instead.
    expect(await found('ginx-canary')).toEqual([]);
    const query = async (q: string) =>
      (await wb.handlers.listEvents({ filter: { query: q }, offset: 0, limit: 100 })).events.map((e) => e.id);
    expect(await query('*ginx-canary')).toEqual([1]);
    expect(await query('*loadMarker')).toEqual([2]);
    // Words of the search found apart, in another order, are not the text searched.
    expect(await found('canary nginx')).toEqual([]);
    expect(await found('here payloadmarker')).toEqual([]);
  });

  it('looks words joined by a separator of names up as one pair, rarer than either word', async () => {
    expect(searchTerms('api-service', false)).toEqual([`"api${J}service"*`]);
    // Two hexadecimal words are not a pair (UID segments, dates): each is looked up alone, or left to the check.
    expect(searchTerms('v3.2.1-beta', false)).toEqual([`"v3${J}2"`, `"1${J}beta"*`]);
    expect(searchTerms('3f2a9c1e-4b5d', false)).toEqual(['"3f2a9c1e"', '"4b5d"*']);
    // The pairs the index holds, the same whether the record is all ASCII or not.
    expect(wordPairs('{"name":"api-service","uid":"3f2a9c1e-4b5d","v":"v3.2.1-beta"}').split(' ').filter(Boolean)).toEqual([
      `api${J}service`,
      `v3${J}2`,
      `1${J}beta`,
    ]);
    expect(wordPairs('{"name":"api-service","note":"café-au-lait"}').split(' ').filter(Boolean)).toEqual([
      `api${J}service`,
      `café${J}au`,
      `au${J}lait`,
    ]);
    expect(searchTerms('"privileged":true', false)).toEqual(['"privileged"', '"true"*']);
    // After a `*` the first word may be the end of a longer one: neither it nor its pair is looked up.
    expect(searchTerms('ginx-canary', true)).toEqual(['"canary"*']);
    await wb.importPaths([SAMPLE]);
    const hits = (match: string) =>
      wb.store.db.prepare('SELECT count(*) FROM event_search WHERE event_search MATCH ?').pluck().get(match) as number;
    const pair = hits(`"api${J}service"*`);
    expect(pair).toBeGreaterThan(0);
    expect(pair).toBeLessThan(Math.min(hits('"api"'), hits('"service"*')));
    expect((await found('api-service')).length).toBeGreaterThan(0);
  });
});

/** Counts the records the connection reads out of blocks: `causa_raw` wrapped around its own implementation. */
function countRawReads(workbench: Workbench): () => number {
  let raw: ((id: unknown, bytes: unknown) => unknown) | undefined;
  registerRawFunction({ function: (_name: string, _options: unknown, fn: typeof raw) => (raw = fn) } as never);
  let reads = 0;
  workbench.store.db.function('causa_raw', { deterministic: true }, (id: unknown, bytes: unknown) => {
    reads += 1;
    return raw!(id, bytes);
  });
  return () => reads;
}

describe('a search read once while the case is unchanged', () => {
  it('reads its records once for the count, the page, the histogram, the graph and the selected row', async () => {
    await wb.importPaths([SAMPLE]);
    const reads = countRawReads(wb);
    const filter = { search: 'api-service' };
    const first = await wb.handlers.listEvents({ filter, offset: 0, limit: 50 });
    expect(first.total).toBeGreaterThan(50);
    const once = reads();
    expect(once).toBeGreaterThan(0);
    expect(once).toBeLessThanOrEqual(
      wb.store.db.prepare('SELECT count(*) FROM event_search WHERE event_search MATCH ?').pluck().get(`"api${J}service"*`) as number,
    );
    expect((await wb.handlers.listEvents({ filter, offset: 50, limit: 50 })).total).toBe(first.total);
    const histogram = await wb.handlers.histogram({ filter, buckets: 40 });
    expect(histogram.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await wb.handlers.graph({ filter });
    expect(await wb.handlers.locateEvent({ filter, id: first.events[3]!.id })).toEqual({ index: 3 });
    expect(reads()).toBe(once);
  });

  it('reads again once the case changes: an import here, or another program’s', async () => {
    // The record again, as another API call (one call's stages are listed once).
    const copy = (n: number) => EXEC.replace(/"auditID":"[^"]*"/, `"auditID":"copy-${n}"`);
    expect(copy(2)).not.toBe(EXEC);
    writeFileSync(join(dir, 'a.log'), `${EXEC}\n`);
    await wb.importPaths([join(dir, 'a.log')]);
    const reads = countRawReads(wb);
    expect(await found('test-pod-1')).toEqual([1]);
    expect(await found('test-pod-1')).toEqual([1]);
    const once = reads();
    // This connection imports the record twice more, in a file of its own: the search finds all three.
    writeFileSync(join(dir, 'b.log'), `${copy(2)}\n${copy(3)}\n`);
    await wb.importPaths([join(dir, 'b.log')]);
    expect(await found('test-pod-1')).toEqual([1, 2, 3]);
    expect(reads()).toBeGreaterThan(once);
    // Another program (its own connection) imports another copy: data_version tells this one.
    const other = Workbench.open(join(dir, 'case.causa'));
    try {
      writeFileSync(join(dir, 'c.log'), `${copy(4)}\n${copy(5)}\n${copy(6)}\n`);
      await other.importPaths([join(dir, 'c.log')]);
    } finally {
      other.close();
    }
    expect(await found('test-pod-1')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps nothing while this connection writes: its reads then see rows not yet committed', () => {
    let reads = 0;
    const read = () => ++reads;
    expect([wb.store.memoRead('k', read), wb.store.memoRead('k', read)]).toEqual([1, 1]);
    wb.store.writeNow(() => {
      expect([wb.store.memoRead('k', read), wb.store.memoRead('k', read)]).toEqual([2, 3]);
    });
    // The write ended: what was kept before it is dropped too.
    expect([wb.store.memoRead('k', read), wb.store.memoRead('k', read)]).toEqual([4, 4]);
  });
});

describe('the search text of a record made from its bytes', () => {
  /** Every line of every fixture under `dir` (the real evidence the tests keep), as bytes. */
  function fixtureLines(dir: string): Buffer[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return fixtureLines(path);
      const bytes = readFileSync(path);
      const lines: Buffer[] = [];
      for (let start = 0; start < bytes.length;) {
        const end = bytes.indexOf(0x0a, start);
        lines.push(bytes.subarray(start, end < 0 ? bytes.length : end));
        start = end < 0 ? bytes.length : end + 1;
      }
      return lines;
    });
  }
  const same = (raw: Buffer): boolean =>
    Buffer.from(searchableBytes(raw)).equals(Buffer.from(searchableText(raw.toString('utf8')), 'utf8'));

  it('is, byte for byte, the text the index has always been given, for every line of the real fixtures', () => {
    const lines = fixtureLines(fileURLToPath(new URL('../../fixtures/', import.meta.url)));
    expect(lines.length).toBeGreaterThan(1000);
    expect(lines.filter((raw) => !same(raw)).map((raw) => raw.toString('utf8').slice(0, 120))).toEqual([]);
  });

  it('is the same on the edges: escapes cut short or at the end, hexadecimal pairs, separators, non-ASCII, large records', () => {
    const cases = [
      '',
      '-',
      'a',
      'a-b',
      'a--b',
      '-a-b-',
      'dead-beef',
      'dead-beefy',
      'x%3Dapi-service',
      '%3',
      '%3D',
      'a%4',
      'end\\',
      '\\u12',
      '\\u12345',
      '\\U1234',
      '\\\\napi',
      'line\\nnext\\tcol\\rret\\bb\\ff',
      '"requestURI":"/api/v1/namespaces/kube-system/pods?labelSelector=app%3Dapi-service%2Cv%3D2"',
      'caf\u00e9-au-lait',
      'ünïcödé-name.example/path',
      `${'word-'.repeat(30_000)}end`,
      `{"k":"${'ab/cd:ef@gh_ij.'.repeat(9_000)}"}`,
      `${'a-b %3D '.repeat(40_000)}`, // past the bytes path's limit: the string way
    ];
    expect(cases.filter((text) => !same(Buffer.from(text, 'utf8')))).toEqual([]);
    // Bytes that are not UTF-8 are read as the string path reads them (each a replacement character).
    expect(same(Buffer.from([0x61, 0x2d, 0xff, 0x62, 0x2d, 0x63]))).toBe(true);
  });

  it('is the same for ten thousand records made at random from the characters that matter', () => {
    // A fixed seed: a failure names a record that can be made again.
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const alphabet = [...'aZ09fFgG-./_:@ %\\u"{},=\n\t', '\\n', '\\u00e9', '%3D', 'deadbeef', 'kube-system', '\u00e9'];
    const failed: string[] = [];
    for (let i = 0; i < 10_000; i += 1) {
      let text = '';
      const length = Math.floor(next() * 60);
      for (let j = 0; j < length; j += 1) text += alphabet[Math.floor(next() * alphabet.length)];
      if (!same(Buffer.from(text, 'utf8'))) failed.push(text);
    }
    expect(failed).toEqual([]);
  });
});
