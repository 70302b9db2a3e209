// The query language compiled to SQL, against a real case (the built-in sample incident): each construct
// returns exactly the events a plain predicate over every event picks; values that try to break out of
// their parameter (SQL, FTS5 syntax, GLOB and LIKE specials) are only ever text; and the fields with an
// index are answered through it, not by a scan of the event table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../../src-main/core/query';
import type { EventJson } from '../../../src-main/shared/model';
import { compileQuery } from '../../../src-main/store/query-sql';
import { Workbench } from '../../../src-main/service/workbench';
import { rawSql } from '../../../src-main/store/raw-blocks';

const SAMPLE = fileURLToPath(new URL('../../../resources/samples/inc-0047', import.meta.url));

let dir: string;
let wb: Workbench;
let all: EventJson[];
let raw: Map<number, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-query-'));
  wb = Workbench.open(join(dir, 'case.causa'), { create: true });
  await wb.importPaths([SAMPLE]);
  await wb.indexSearch();
  all = [...wb.events({ stages: true })];
  raw = new Map(
    wb.store.db
      .prepare(`SELECT e.id, CAST(${rawSql('e')} AS TEXT) AS r FROM event e`)
      .all()
      .map((row) => [(row as { id: number }).id, (row as { r: string }).r]),
  );
}, 60_000);

afterAll(() => {
  wb.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ids(query: string, stages = true): Promise<number[]> {
  const page = await wb.handlers.listEvents({ filter: { query, ...(stages ? { stages: true } : {}) }, offset: 0, limit: 100_000 });
  expect(page.total).toBe(page.events.length);
  return page.events.map((e) => e.id);
}

const where = (test: (e: EventJson) => boolean) => all.filter(test).map((e) => e.id);
const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
const timeNs = (e: EventJson) =>
  e.time ? BigInt(Date.parse(e.time.slice(0, 23) + 'Z')) * 1_000_000n + BigInt(e.time.slice(23, 29)) : undefined;

describe('compiled queries pick exactly the events a predicate picks', () => {
  const cases: [string, (e: EventJson) => boolean][] = [
    ['kind:tool_call', (e) => e.kind === 'tool_call'],
    ['ns:production', (e) => e.target?.namespace === 'production'],
    ['verb:list', (e) => e.action === 'list'],
    ['actor:james.w', (e) => [e.actor?.id, e.actor?.on_behalf_of].some((a) => a?.toLowerCase().includes('james.w'))],
    ['actor:JAMES.W', (e) => [e.actor?.id, e.actor?.on_behalf_of].some((a) => a?.toLowerCase().includes('james.w'))],
    ['actor:system:node:*', (e) => [e.actor?.id, e.actor?.on_behalf_of].some((a) => a?.startsWith('system:node:'))],
    ['actor.id:kubelet', (e) => e.actor?.id === 'kubelet'],
    ['actor.type:agent', (e) => e.actor?.type === 'agent'],
    ['name:api-service-*', (e) => e.target?.name?.startsWith('api-service-') === true],
    ['keys.trace_id:59c1836d02aa845d665daf778e854974', (e) => e.keys?.trace_id === '59c1836d02aa845d665daf778e854974'],
    ['source:*mcp*', (e) => e.source.includes('mcp')],
    ['format:k8s-events', (e) => e.source.endsWith('k8s-events/events.jsonl')],
    ['taint:tool_output', (e) => e.taint?.includes('tool_output') === true],
    ['outcome:denied OR outcome:failure', (e) => e.outcome === 'denied' || e.outcome === 'failure'],
    ['kind:k8s_api ns:payments', (e) => e.kind === 'k8s_api' && e.target?.namespace === 'payments'],
    ['kind:k8s_api AND NOT ns:kube-system', (e) => e.kind === 'k8s_api' && e.target?.namespace !== 'kube-system'],
    // NOT keeps the events that have no namespace at all.
    ['-ns:kube-system', (e) => e.target?.namespace !== 'kube-system'],
    [
      '(kind:prompt OR kind:tool_call) -actor.type:agent',
      (e) => (e.kind === 'prompt' || e.kind === 'tool_call') && e.actor?.type !== 'agent',
    ],
    ['time>=2025-04-03T14:30Z', (e) => timeNs(e) !== undefined && timeNs(e)! >= ns('2025-04-03T14:30:00Z')],
    ['time>2025-04-03T14:30Z', (e) => timeNs(e) !== undefined && timeNs(e)! >= ns('2025-04-03T14:31:00Z')],
    ['time<2025-04-03T14:30Z', (e) => timeNs(e) !== undefined && timeNs(e)! < ns('2025-04-03T14:30:00Z')],
    ['time:2025-04-03', (e) => e.time?.startsWith('2025-04-03') === true],
    ['id<=10', (e) => e.id <= 10],
    ['secrets', (e) => raw.get(e.id)!.toLowerCase().includes('secrets')],
    ['"delete"', (e) => raw.get(e.id)!.toLowerCase().includes('delete')],
    ['pa*ts', (e) => /pa[\s\S]*ts/i.test(raw.get(e.id)!)],
    ['ok', (e) => raw.get(e.id)!.toLowerCase().includes('ok')], // two characters: scanned
  ];
  it.each(cases)('%s', async (query, test) => {
    const expected = where(test);
    expect(await ids(query)).toEqual(expected);
  });

  it('has queries that match something and something less than everything (the table above tests)', async () => {
    for (const [query, test] of cases.slice(0, 12)) {
      const n = where(test).length;
      expect(n, query).toBeGreaterThan(0);
      expect(n, query).toBeLessThan(all.length);
    }
  });

  it('combines with the other filter fields, and hides earlier stages by default like every listing', async () => {
    const both = await wb.handlers.listEvents({
      filter: { query: 'ns:payments', kind: ['k8s_api'], stages: true },
      offset: 0,
      limit: 10_000,
    });
    expect(both.events.map((e) => e.id)).toEqual(where((e) => e.kind === 'k8s_api' && e.target?.namespace === 'payments'));
    const latest = await ids('ns:payments', false);
    const plain = (await wb.handlers.listEvents({ filter: { namespace: ['payments'] }, offset: 0, limit: 10_000 })).events.map((e) => e.id);
    expect(latest).toEqual(plain);
  });
});

describe("the analyst's marks", () => {
  it('finds starred, tagged, commented and assigned events, with every stage of a marked request', async () => {
    const pod = all.find((e) => e.kind === 'k8s_api' && e.target?.namespace === 'payments')!;
    const prompt = all.find((e) => e.kind === 'prompt')!;
    expect(await ids('is:starred')).toEqual([]);
    wb.handlers.record({ action: { type: 'star', node: `e${prompt.id}`, starred: true } });
    wb.handlers.record({ action: { type: 'tag', node: `e${pod.id}`, tag: 'suspicious', on: true } });
    wb.handlers.record({ action: { type: 'comment', node: `e${prompt.id}`, text: 'the instruction' } });
    wb.handlers.record({ action: { type: 'assign', node: `a${pod.id}`, role: 'root_cause' } });
    expect(await ids('is:starred')).toEqual([prompt.id]);
    expect(await ids('has:comment')).toEqual([prompt.id]);
    const stages = wb.store.db
      .prepare(
        'SELECT b.event_id FROM audit_stage a JOIN audit_stage b ON b.audit_id = a.audit_id WHERE a.event_id = ? ORDER BY b.event_id',
      )
      .pluck()
      .all(pod.id) as number[];
    const podIds = [...new Set([pod.id, ...stages])].sort((a, b) => a - b);
    expect((await ids('tag:suspicious')).sort((a, b) => a - b)).toEqual(podIds);
    expect((await ids('finding:root_cause')).sort((a, b) => a - b)).toEqual(podIds);
    expect(await ids('tag:other')).toEqual([]);
    expect((await ids('is:starred OR tag:suspicious')).length).toBe(podIds.length + 1);
    // Without stages, the request is its one latest row.
    expect(await ids('tag:suspicious', false)).toHaveLength(1);
    wb.handlers.record({ action: { type: 'star', node: `e${prompt.id}`, starred: false } });
    expect(await ids('is:starred')).toEqual([]);
  });
});

describe('values are only ever values (attack tests)', () => {
  const hostile = [
    `x' OR '1'='1`,
    `x"; DROP TABLE event; --`,
    `'); DELETE FROM journal; --`,
    `production' --`,
    `%`,
    `_`,
    `\\`,
    `[a-z]*`,
    `?`,
    `" OR "1"="1`,
    `NEAR(a b)`,
    `a" OR raw:"b`,
    `*`,
  ];
  it.each(hostile)('%s', async (value) => {
    const before = wb.store.db.prepare('SELECT count(*) FROM event').pluck().get();
    const quoted = `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    // As a field value: an exact comparison with the text itself; no namespace is spelled like this.
    expect(await ids(`ns:${quoted}`)).toEqual([]);
    expect(await ids(`name:${quoted}`)).toEqual([]);
    // As a phrase: a substring of the raw record, exactly as a plain substring test finds it.
    expect(await ids(quoted)).toEqual(where((e) => raw.get(e.id)!.toLowerCase().includes(value.toLowerCase())));
    expect(wb.store.db.prepare('SELECT count(*) FROM event').pluck().get()).toBe(before);
  });

  it('keeps GLOB specials literal around a wildcard, and never puts a value into the SQL text', () => {
    const node = parseQuery(`name:"'[x]?"* ns:a'--`)!;
    const compiled = compileQuery(wb.store, node, () => []);
    expect(compiled.sql).not.toContain("'[x]");
    expect(compiled.sql).not.toContain("a'--");
    expect(compiled.params).toContain("a'--");
  });
});

describe('indexes answer the indexed fields', () => {
  function plan(query: string): string {
    const compiled = compileQuery(wb.store, parseQuery(query)!, () => [1, 2]);
    const rows = wb.store.db
      .prepare(`EXPLAIN QUERY PLAN SELECT e.id FROM event e WHERE ${compiled.sql} ORDER BY e.time_ns, e.id LIMIT 100`)
      .all(...compiled.params) as { detail: string }[];
    return rows.map((r) => r.detail).join('\n');
  }
  it.each([
    ['kind:k8s_api', 'event_by_kind'],
    ['ns:production', 'event_by_namespace'],
    ['name:payments-api', 'event_by_target_name'],
    ['name:api-service-*', 'event_by_target_name'],
    ['uid:abc', 'event_by_target_uid'],
    ['verb:delete', 'event_by_action'],
    ['outcome:denied', 'event_by_outcome'],
    ['actor.id:kubelet', 'event_by_actor'],
    ['principal:james.w@example.com', 'event_by_principal'],
    ['actor:james', 'event_by_actor'],
    ['keys.trace_id:59c1836d02aa845d665daf778e854974', 'event_by_trace'],
    ['time>=2025-04-03T14:30Z', 'event_by_time'],
    ['is:starred', 'INTEGER PRIMARY KEY'],
    ['secrets', 'VIRTUAL TABLE INDEX'],
    ['ns:production OR verb:delete', 'event_by_action'],
  ])('%s uses %s and no full scan of the events', (query, index) => {
    const detail = plan(query);
    expect(detail).toContain(index);
    expect(detail).not.toMatch(/SCAN e\b(?! USING INDEX event_by_time)/);
    expect(detail).not.toMatch(/^SCAN e$/m);
  });
});

describe('errors', () => {
  it('answers invalid_input naming the column through the API', async () => {
    let error: unknown;
    try {
      await wb.handlers.listEvents({ filter: { query: 'kind:k8s_api (ns:a' }, offset: 0, limit: 10 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'invalid_input', message: 'query: column 14: unclosed parenthesis: the "(" here has no ")"' });
  });
});

describe('checkQuery', () => {
  it('answers where and why a query does not read, as data', async () => {
    expect(await wb.handlers.checkQuery({ query: 'ns:payments' })).toEqual({ valid: true });
    expect(await wb.handlers.checkQuery({ query: '' })).toEqual({ valid: true });
    expect(await wb.handlers.checkQuery({ query: 'a OR' })).toEqual({
      valid: false,
      column: 3,
      reason: 'OR has nothing after it (found the end of the query)',
    });
  });

  it('lists the fields with their values and aliases for autocomplete', async () => {
    const fields = await wb.handlers.queryFields({});
    expect(fields.find((f) => f.name === 'namespace')).toMatchObject({ aliases: ['ns'] });
    expect(fields.find((f) => f.name === 'outcome')?.values).toContain('denied');
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['time', 'is', 'tag', 'finding', 'keys.trace_id']));
  });
});
