// Audit stages grouped by auditID into API calls, and one record found in two sources. Fixtures: the
// project's generator (inc-0047 writes RequestReceived + ResponseComplete pairs) and the real corpus.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateInc0047Audit } from '../../../src-main/core/sample';
import { main } from '../../../src-main/cli';
import type { EventFilter } from '../../../src-main/shared/contract';
import type { EventJson } from '../../../src-main/shared/model';
import type { Workbench } from '../../../src-main/service/workbench';
import { tempWorkbenches } from '../../support/workbench';
import Database from 'better-sqlite3';
import { groupSourceApiCallsStepwise, latestStageSql, rebuildApiCalls } from '../../../src-main/store/api-calls';
import { rawSql, registerRawFunction } from '../../../src-main/store/raw-blocks';

const FALCO = fileURLToPath(new URL('../../fixtures/corpus/k8s-audit/falco/', import.meta.url));
const EXEC_LOG = fileURLToPath(new URL('../../fixtures/corpus/k8s-audit/crowdsec_k8s-audit-pod-exec-file.log', import.meta.url));

const cases = tempWorkbenches('causa-calls-');
/** Each API call as the grouping makes it: its latest stage, its first and last stage times, its stages and records. */
const CALLS = `SELECT s.audit_id, ${latestStageSql('s')} AS latest_event_id, min(s.stage_time) AS first_time,
  max(s.stage_time) AS last_time, count(DISTINCT s.stage) AS stages, count(*) AS records
  FROM audit_stage s GROUP BY s.audit_id ORDER BY s.audit_id`;
const openBench = (): Workbench => cases.open();

function write(name: string, lines: string[]): string {
  const path = join(cases.dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function list(wb: Workbench, filter: EventFilter = {}): Promise<{ total: number; events: EventJson[] }> {
  const all: EventJson[] = [];
  const totals = new Set<number>();
  for (let offset = 0; ; offset += 1000) {
    const page = await wb.handlers.listEvents({ filter, offset, limit: 1000 });
    totals.add(page.total);
    all.push(...page.events);
    if (page.events.length < 1000) break;
  }
  expect(totals.size).toBe(1);
  expect(all).toHaveLength([...totals][0]!);
  return { total: all.length, events: all };
}

/** getEvent as the transports see it (a handler may answer with a promise). */
async function get(wb: Workbench, id: number) {
  return await wb.handlers.getEvent({ id });
}

const stageOf = (line: string): string => (JSON.parse(line) as { stage: string }).stage;
const auditIdOf = (line: string): string => (JSON.parse(line) as { auditID: string }).auditID;

describe('audit stages grouped into API calls', () => {
  const lines = generateInc0047Audit();
  const calls = new Set(lines.map(auditIdOf));
  const received = lines.filter((l) => stageOf(l) === 'RequestReceived');

  it('lists one row per API call by default, its latest stage, and every stage with stages: true', async () => {
    expect(received.length).toBeGreaterThan(10);
    expect(lines.length).toBe(calls.size + received.length);
    const wb = openBench();
    await wb.importPaths([write('audit.log', lines)]);
    const byCall = await list(wb);
    expect(byCall.total).toBe(calls.size);
    expect(new Set(byCall.events.map((e) => e.keys?.audit_id)).size).toBe(calls.size);
    const everyStage = await list(wb, { stages: true });
    expect(everyStage.total).toBe(lines.length);
    // The row shown for a call is its ResponseComplete, which carries the outcome.
    for (const event of byCall.events.filter((_, i) => i % 10 === 0)) {
      const found = await get(wb, event.id);
      expect(stageOf(found.raw)).toBe('ResponseComplete');
      expect(event.outcome).not.toBe('unknown');
    }
  });

  it('counts what each filter lists, whichever way the count is taken', async () => {
    // countEvents counts the matches less the hidden stages among them, choosing how by which is smaller:
    // no filter (matched minus every hidden stage), a broad filter (hidden stages joined to the filter),
    // a narrow one (event by event). Each total must be the rows the listing pages through.
    const wb = openBench();
    await wb.importPaths([write('audit.log', lines)]);
    wb.store.settleApiCalls(); // derived on first query
    const hidden = wb.store.db.prepare('SELECT count(*) FROM audit_stage WHERE superseded = 1').pluck().get() as number;
    expect(hidden).toBe(received.length);
    const reference = (where: string, ...params: unknown[]) =>
      wb.store.db
        .prepare(
          `SELECT count(*) FROM event e WHERE ${where} AND NOT EXISTS (SELECT 1 FROM audit_stage st WHERE st.event_id = e.id AND st.superseded = 1)`,
        )
        .pluck()
        .get(...params) as number;
    const cases: [EventFilter, number][] = [
      [{}, reference('1')],
      [{ kind: ['k8s_api'] }, reference("e.kind = 'k8s_api'")],
      [{ actor: 'kubernetes-mcp-server' }, reference("e.actor_id LIKE '%kubernetes-mcp-server%'")],
      [{ search: 'api-service' }, reference(`CAST(${rawSql('e')} AS TEXT) LIKE '%api-service%'`)],
    ];
    const broad = cases[1]![1];
    const narrow = cases[2]![1];
    expect(broad).toBeGreaterThan(hidden);
    expect(narrow).toBeLessThan(hidden);
    for (const [filter, expected] of cases) {
      expect(expected, JSON.stringify(filter)).toBeGreaterThan(0);
      expect((await list(wb, filter)).total, JSON.stringify(filter)).toBe(expected);
    }
  });

  it("lists a call's stages, in stage order, for the inspector", async () => {
    const wb = openBench();
    await wb.importPaths([write('audit.log', lines)]);
    const { events } = await list(wb, { stages: true });
    const first = events.find((e) => e.keys?.audit_id === auditIdOf(received[0]!) && e.outcome === 'unknown')!;
    const found = await get(wb, first.id);
    const complete = lines.find((l) => auditIdOf(l) === auditIdOf(received[0]!) && stageOf(l) === 'ResponseComplete')!;
    expect(found.api_call).toEqual({
      audit_id: auditIdOf(received[0]!),
      latest_id: found.api_call!.stages[1]!.id,
      stages: [
        {
          id: first.id,
          stage: 'RequestReceived',
          time: (JSON.parse(received[0]!) as { stageTimestamp: string }).stageTimestamp,
          source_name: 'audit.log',
        },
        {
          id: expect.any(Number) as number,
          stage: 'ResponseComplete',
          time: (JSON.parse(complete) as { stageTimestamp: string }).stageTimestamp,
          source_name: 'audit.log',
        },
      ],
    });
    expect(found.duplicates).toEqual([]);
  });

  it('moves a call to its later stage when that stage arrives in a later file', async () => {
    const wb = openBench();
    await wb.importPaths([write('received.log', received)]);
    const early = await list(wb);
    expect(early.total).toBe(received.length);
    expect(new Set(early.events.map((e) => e.outcome))).toEqual(new Set(['unknown']));
    await wb.importPaths([
      write(
        'complete.log',
        lines.filter((l) => stageOf(l) !== 'RequestReceived'),
      ),
    ]);
    const late = await list(wb);
    expect(late.total).toBe(calls.size);
    expect(late.events.every((e) => e.source === 'complete.log')).toBe(true);
    // The grouping is derived: rebuilt from the evidence rows, it is the same.
    const snapshot = (): unknown[] => wb.store.db.prepare(CALLS).all();
    const before = snapshot();
    rebuildApiCalls(wb.store);
    expect(snapshot()).toEqual(before);
    expect((await list(wb)).total).toBe(calls.size);
  });

  it("groups 30,000 records a client sent under one Audit-ID as one call, each call's latest stage found once", async () => {
    // The Audit-ID header is the client's to set. Found once per stage row, a call's latest stage cost the
    // size of the call each time: these 30,000 took minutes (the test's timeout fails it then).
    const line = lines.find((l) => stageOf(l) === 'ResponseComplete')!;
    const wb = openBench();
    await wb.importPaths([
      write(
        'one-id.log',
        Array.from({ length: 30_000 }, () => line),
      ),
    ]);
    expect((await list(wb)).total).toBe(1);
    expect((await list(wb, { stages: true })).total).toBe(30_000);
  });

  it('keeps the pod a service account token was bound to visible', async () => {
    const wb = openBench();
    await wb.importPaths([write('audit.log', lines)]);
    const agent = (await list(wb, { actor: 'kubernetes-mcp-server' })).events;
    expect(agent.length).toBeGreaterThan(0);
    for (const event of agent) {
      expect(event.actor?.id).toBe('system:serviceaccount:mcp-system:kubernetes-mcp-server');
      expect(event.text).toMatch(/^from pod mcp-system\/kubernetes-mcp-server-6c9d7b5f4-[a-z0-9]{5} on node \S+$/);
    }
  });

  it('prints one line per API call from causa events, every stage with --stages', async () => {
    const casePath = join(cases.dir, 'cli.causa');
    const io = (out: string[]) => ({ stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true } });
    expect(await main(['import', write('audit.log', lines), '--case', casePath], io([]))).toBe(0);
    const count = async (...args: string[]): Promise<number> => {
      const out: string[] = [];
      expect(await main(['events', casePath, '--json', ...args], io(out))).toBe(0);
      return out.join('').trim().split('\n').length;
    };
    expect(await count()).toBe(calls.size);
    expect(await count('--stages')).toBe(lines.length);
  });
});

describe('one record in two sources', () => {
  it('keeps both rows and links them both ways when the bytes are the same', async () => {
    const wb = openBench();
    const exec = readFileSync(EXEC_LOG, 'utf8').trim();
    const configmaps = readFileSync(join(FALCO, 'create_configmap_sensitive_values.json'), 'utf8').trim().split('\n');
    await wb.importPaths([EXEC_LOG, write('collected.jsonl', [...configmaps, exec])]);
    const every = await list(wb, { stages: true });
    expect(every.total).toBe(8);
    const copies = every.events.filter((e) => e.keys?.audit_id === '57a794de-44d3-40ee-a0ad-c0eb096eef6c');
    expect(copies.map((e) => e.source).sort()).toEqual(['collected.jsonl', 'crowdsec_k8s-audit-pod-exec-file.log']);
    expect(copies[0]!.raw_sha256).toBe(copies[1]!.raw_sha256);
    const [a, b] = copies;
    expect((await get(wb, a!.id)).duplicates).toEqual([{ id: b!.id, source_name: b!.source, same_bytes: true }]);
    expect((await get(wb, b!.id)).duplicates).toEqual([{ id: a!.id, source_name: a!.source, same_bytes: true }]);
    // Listed once as an API call: the first imported copy.
    const calls = await list(wb);
    expect(calls.total).toBe(7);
    expect(calls.events.filter((e) => e.keys?.audit_id === '57a794de-44d3-40ee-a0ad-c0eb096eef6c').map((e) => e.source)).toEqual([
      'crowdsec_k8s-audit-pod-exec-file.log',
    ]);
  });

  it('lists two different records under one auditID and stage apart, and links them (the corpus has two such pairs)', async () => {
    const wb = openBench();
    await wb.importPaths([join(FALCO, 'anonymous_creates_namespace_foo.json'), join(FALCO, 'some-user_creates_namespace_foo.json')]);
    const { events } = await list(wb);
    // The Audit-ID is client-controlled: the same id on two different records is a conflict, not one call.
    expect(events.map((e) => [e.keys?.audit_id, e.actor?.id])).toEqual([
      ['841d3e6d-90d2-43df-8da4-684738bee3d5', 'system:anonymous'],
      ['841d3e6d-90d2-43df-8da4-684738bee3d5', 'some-user'],
    ]);
    const found = await get(wb, events[0]!.id);
    expect(found.duplicates).toEqual([{ id: events[1]!.id, source_name: 'some-user_creates_namespace_foo.json', same_bytes: false }]);
    expect(found.api_call?.stages.map((s) => s.source_name)).toEqual([
      'anonymous_creates_namespace_foo.json',
      'some-user_creates_namespace_foo.json',
    ]);
  });
});

describe('grouping as each source is imported', () => {
  it('ends as the whole-case grouping does, calls whose stages are in two sources included', async () => {
    const wb = openBench();
    const lines = generateInc0047Audit({ events: 3000 });
    // Every other line to each file: a call's stages land in both.
    await wb.importPaths([
      write(
        'even.jsonl',
        lines.filter((_, i) => i % 2 === 0),
      ),
      write(
        'odd.jsonl',
        lines.filter((_, i) => i % 2 === 1),
      ),
    ]);
    const snapshot = (db: Database.Database) => ({
      calls: db.prepare(CALLS).all(),
      stages: db.prepare('SELECT * FROM audit_stage ORDER BY event_id').all(),
    });
    const split = wb.store.db
      .prepare('SELECT count(*) FROM (SELECT audit_id FROM audit_stage GROUP BY audit_id HAVING count(DISTINCT source_id) > 1)')
      .pluck()
      .get() as number;
    expect(split).toBeGreaterThan(20);
    const imported = snapshot(wb.store.db);
    expect(imported.stages.some((s) => (s as { superseded: number }).superseded === 1)).toBe(true);
    rebuildApiCalls(wb.store);
    expect(imported).toEqual(snapshot(wb.store.db));
    expect(imported.calls.length).toBeGreaterThan(1000);
  });
});

describe('grouping a step at a time (the import gives the event loop a turn between steps)', () => {
  it('ends as the whole-case grouping does, calls split across steps included', async () => {
    const wb = openBench();
    await wb.importPaths([write('stepped.jsonl', generateInc0047Audit({ events: 3000 }))]);
    const snapshot = (db: Database.Database) => ({
      calls: db.prepare(CALLS).all(),
      stages: db.prepare('SELECT * FROM audit_stage ORDER BY event_id').all(),
    });
    const db = new Database(wb.store.path);
    registerRawFunction(db);
    try {
      const first = db.prepare('SELECT min(id) FROM event').pluck().get() as number;
      // Steps of 7 events: some calls have their stages in two steps.
      const split = db
        .prepare('SELECT count(*) FROM (SELECT audit_id FROM audit_stage GROUP BY audit_id HAVING count(DISTINCT (event_id - ?) / 7) > 1)')
        .pluck()
        .get(first) as number;
      expect(split).toBeGreaterThan(0);
      const indexes = () => db.prepare("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'audit_stage' ORDER BY name").all();
      const schema = indexes();
      expect(schema.length).toBeGreaterThanOrEqual(3);
      const grouped = async (options: Parameters<typeof groupSourceApiCallsStepwise>[3]) => {
        db.exec('BEGIN; DELETE FROM audit_stage;');
        for (const sourceId of db.prepare('SELECT id FROM source').pluck().all() as number[])
          await groupSourceApiCallsStepwise(db, sourceId, async () => undefined, options);
        db.exec('COMMIT');
        return snapshot(db);
      };
      const stepped = await grouped({ step: 7 });
      // A bulk load's grouping: every stage written with the indexes aside, then the calls recomputed.
      const bulk = await grouped({ step: 7, bulk: { sortCacheKib: 2048, cacheKib: 4096 } });
      expect(indexes()).toEqual(schema);
      rebuildApiCalls(wb.store);
      const whole = snapshot(wb.store.db);
      expect(stepped).toEqual(whole);
      expect(bulk).toEqual(whole);
      expect(stepped.calls.length).toBeGreaterThan(1000);
      expect(whole.stages.some((stage) => (stage as { superseded: number }).superseded === 1)).toBe(true);
    } finally {
      db.close();
    }
  });
});
