// No read ever writes (issue 17): API-call grouping and the search index are built by the import, in the
// transaction that writes the evidence, so every read method of the workbench answers from a case file
// the analyst may only read (chmod 0400, and opened read-only, since root ignores the mode), and gives
// the same answers as from the writable case.
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';

const SAMPLE = fileURLToPath(new URL('../../../resources/samples/inc-0047', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'causa-read-only-'));
const writable = join(dir, 'case.causa');
const readOnly = join(dir, 'read-only.causa');

/** Every read method of the contract, in the order the workbench calls them, with what each answered. */
async function readEverything(wb: Workbench): Promise<Record<string, unknown>> {
  const h = wb.handlers;
  const page = await h.listEvents({ filter: {}, offset: 0, limit: 50 });
  const patch = page.events.find((e) => e.action === 'patch') ?? page.events[0]!;
  const graph = await wb.handlers.graph({ filter: {} });
  const group = graph.groups[0];
  const { path: _path, ...info } = await h.caseInfo({});
  return {
    info,
    page: page.total,
    search: (await h.listEvents({ filter: { search: 'OOMKilled' }, offset: 0, limit: 10 })).total,
    shortSearch: (await h.listEvents({ filter: { search: 'µs' }, offset: 0, limit: 10 })).total,
    actor: (await h.listEvents({ filter: { actor: 'james.w@example.com' }, offset: 0, limit: 10 })).total,
    allStages: (await h.listEvents({ filter: { stages: true }, offset: 0, limit: 10 })).total,
    event: (await h.getEvent({ id: patch.id })).api_call,
    graph: [graph.nodes.length, graph.edges.length, graph.chains.length],
    filteredGraph: (await h.graph({ filter: { search: 'api-service' } })).nodes.length,
    group: group ? (await h.groupMembers({ group: group.id, filter: {}, offset: 0, limit: 5 })).total : 0,
    filterValues: await h.filterValues({}),
    analysis: await h.analysis({}),
    journal: (await h.journal({})).verdict,
    locate: await h.locateEvent({ filter: {}, id: patch.id }),
    histogram: await h.histogram({ filter: {}, buckets: 20 }),
    report: (await h.exportReport({ format: 'md' })).bytes > 0,
    excerpt: (await h.exportExcerpt({})).bytes > 0,
    ocsf: (await h.exportOcsf({ filter: {} })).bytes > 0,
    progress: [(await h.importProgress({})).active, (await h.verifyProgress({})).active],
  };
}

let fromWritable: Record<string, unknown>;

beforeAll(async () => {
  const wb = Workbench.open(writable, { create: true });
  try {
    await wb.importPaths([SAMPLE]);
    fromWritable = await readEverything(wb);
  } finally {
    wb.close();
  }
  copyFileSync(writable, readOnly);
  chmodSync(readOnly, 0o400);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a case file opened read-only after import', () => {
  it('answers every read method of the workbench, as the writable case does', async () => {
    const wb = Workbench.open(readOnly, { readOnly: true });
    try {
      expect(wb.store.searchIndexedUpto()).toBe(wb.store.lastEventId());
      expect(wb.store.meta('api_calls_pending')).toBeUndefined();
      expect(await readEverything(wb)).toEqual(fromWritable);
    } finally {
      wb.close();
    }
  });

  it('still refuses to write, naming why', async () => {
    const wb = Workbench.open(readOnly, { readOnly: true });
    try {
      await expect(Promise.resolve().then(() => wb.handlers.record({ action: { type: 'narrative', text: 'x' } }))).rejects.toThrow(
        /readonly|read-only/i,
      );
    } finally {
      wb.close();
    }
  });
});
