// The actor filter matches a substring against the case's distinct actor and principal names (kept by
// the import beside the events it writes) and finds the events through indexes, not by scanning them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';

const CORPUS = fileURLToPath(new URL('../../fixtures/corpus/k8s-audit/', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../../resources/samples/inc-0047', import.meta.url));

let dir: string;
let wb: Workbench;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-actors-'));
  wb = Workbench.open(join(dir, 'case.causa'), { create: true });
});

afterEach(() => {
  wb.close();
  rmSync(dir, { recursive: true, force: true });
});

const names = () => wb.store.db.prepare('SELECT name FROM actor ORDER BY name').pluck().all();
const distinct = () =>
  wb.store.db
    .prepare(
      'SELECT actor_id FROM event WHERE actor_id IS NOT NULL UNION SELECT on_behalf_of FROM event WHERE on_behalf_of IS NOT NULL ORDER BY 1',
    )
    .pluck()
    .all();

describe('the actor lookup', () => {
  it('holds exactly the distinct actor and principal names of the events, import after import', async () => {
    await wb.importPaths([join(CORPUS, 'crowdsec_k8s-audit-pod-exec-file.log')]);
    expect(names()).toEqual(distinct());
    expect(names().length).toBeGreaterThan(0);
    await wb.importPaths([SAMPLE]);
    expect(names()).toEqual(distinct());
    expect(names()).toContain('james.w@example.com');
  });

  it('finds an agent by its name and the person it acted for by theirs, through the indexes', async () => {
    await wb.importPaths([SAMPLE]);
    const byActor = async (actor: string) =>
      (await wb.handlers.listEvents({ filter: { actor }, offset: 0, limit: 10_000 })).events.map((e) => e.actor);
    const forJames = await byActor('JAMES.W');
    expect(forJames.length).toBeGreaterThan(0);
    for (const actor of forJames) expect(`${actor?.id} ${actor?.on_behalf_of}`.toLowerCase()).toContain('james.w');
    // The MCP server's calls on james.w's behalf are found by the principal, not by the actor.
    expect(forJames.some((a) => a?.id.includes('kubernetes-mcp-server') && a.on_behalf_of === 'james.w@example.com')).toBe(true);
    // What the lookup finds is what a scan of every event finds.
    const scanned = wb.store.db
      .prepare("SELECT count(*) FROM event WHERE (lower(actor_id) LIKE '%james.w%' OR lower(on_behalf_of) LIKE '%james.w%')")
      .pluck()
      .get() as number;
    const listed = (await wb.handlers.listEvents({ filter: { actor: 'james.w', stages: true }, offset: 0, limit: 1 })).total;
    expect(listed).toBe(scanned);
    expect(await byActor('no-such-actor-anywhere')).toEqual([]);
    const plan = wb.store.db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT e.id FROM event e WHERE e.actor_id IN (SELECT name FROM actor WHERE name LIKE '%x%') OR e.on_behalf_of IN (SELECT name FROM actor WHERE name LIKE '%x%')",
      )
      .all() as { detail: string }[];
    const detail = plan.map((p) => p.detail).join('\n');
    expect(detail).toMatch(/USING INDEX event_by_actor/);
    expect(detail).toMatch(/USING INDEX event_by_principal/);
  });
});
