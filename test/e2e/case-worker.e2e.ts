// The case worker (host/case-worker.ts, host/case-client.ts): the built worker thread that owns the case in
// the workbench's hosts. Its answers are the Workbench's, errors included; the host's thread keeps turning
// while the worker links a case (the in-process Workbench, measured the same way, holds it); a report's PDF
// is printed by the host when the host prints; a case that cannot be opened is refused as before.
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseClient } from '../../src-main/host/case-client';
import { dispatch } from '../../src-main/host/dispatch';
import type { Handlers } from '../../src-main/shared/contract';
import { linkCase } from '../../src-main/service/graph';
import { cachedLinkedCase } from '../../src-main/service/link-cache';
import { Workbench } from '../../src-main/service/workbench';
import { ROOT, runCausa } from './support/serve';

const WORKER = join(ROOT, 'out', 'main', 'case-worker.js');
const SAMPLE = join(ROOT, 'resources', 'samples', 'inc-0047');
const dir = mkdtempSync(join(tmpdir(), 'causa-case-worker-'));
let client: CaseClient;

beforeAll(async () => {
  client = await CaseClient.start(WORKER, { casePath: join(dir, 'worker.causa'), create: true });
  await client.importPaths([SAMPLE]);
});
afterAll(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * How many turns the calling thread's event loop took while `call` ran: a thread that was free turns
 * thousands of times while a case is linked; one that did the linking itself turns at most once.
 */
async function turnsDuring(call: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const spin = (): void => {
    if (!running) return;
    turns += 1;
    setImmediate(spin);
  };
  setImmediate(spin);
  const started = turns;
  await call();
  running = false;
  return turns - started;
}

describe('the case worker', () => {
  it('answers the contract as the Workbench does, errors included', async () => {
    const info = await client.handlers.caseInfo({});
    expect(info.events).toBe(2391);
    expect(info.name).toBe('worker');
    const first = await client.handlers.listEvents({ filter: { kind: ['prompt'] }, offset: 0, limit: 5 });
    expect(first.events[0]?.kind).toBe('prompt');
    // The same case read in this thread gives the same page.
    const copy = join(dir, 'copy.causa');
    // The worker's connection keeps its write-ahead log open: the copy takes it along.
    for (const suffix of ['', '-wal'])
      if (existsSync(join(dir, `worker.causa${suffix}`))) copyFileSync(join(dir, `worker.causa${suffix}`), `${copy}${suffix}`);
    const local = Workbench.open(copy, { readOnly: true });
    try {
      const same = await local.handlers.listEvents({ filter: { kind: ['prompt'] }, offset: 0, limit: 5 });
      expect(first).toEqual(same);
    } finally {
      local.close();
    }
    await expect(client.handlers.getEvent({ id: 999_999 })).rejects.toMatchObject({
      code: 'not_found',
      message: 'no event 999999 in this case',
    });
    // The worker parses the input again: a wrong one is refused there, not run.
    const handlers = { ...client.handlers } as unknown as Handlers;
    const refused = await dispatch(handlers, 'listEvents', { filter: {}, offset: -1, limit: 5 });
    expect(refused).toMatchObject({ ok: false, code: 'invalid_input' });
  });

  it('keeps the host thread turning while the case is linked; the same call in process does not', async () => {
    const inWorker = await turnsDuring(() => client.handlers.graph({ filter: {} }));
    const local = Workbench.open(join(dir, 'copy.causa'), { readOnly: true });
    try {
      const inProcess = await turnsDuring(() => dispatch(local.handlers as unknown as Handlers, 'graph', { filter: {} }));
      process.stdout.write(`\nhost thread's turns while the graph was built: in the worker ${inWorker}, in process ${inProcess}\n`);
      expect(inProcess).toBeLessThanOrEqual(1);
      expect(inWorker).toBeGreaterThan(100);
    } finally {
      local.close();
    }
  });

  it('answers the timeline while a large case is linked, the links made beside it', async () => {
    const bundle = join(dir, 'large-bundle');
    const made = await runCausa(['sample', 'inc-0047', '-o', bundle, '--events', '20000']);
    expect(made.code, made.stderr).toBe(0);
    const large = await CaseClient.start(WORKER, { casePath: join(dir, 'large.causa'), create: true });
    try {
      await large.importPaths([bundle]);
      const order: string[] = [];
      const graph = large.handlers.graph({ filter: {} }).then((g) => (order.push('graph'), g));
      const page = large.handlers.listEvents({ filter: {}, offset: 0, limit: 50 }).then((p) => (order.push('timeline'), p));
      const [linked, listed] = await Promise.all([graph, page]);
      // In the case worker alone, the timeline's page waited for the links (about a second here).
      expect(order).toEqual(['timeline', 'graph']);
      expect(listed.events).toHaveLength(50);
      expect(linked.chains.length).toBeGreaterThan(0);
      // Kept: the next call does not link again, and a star does not make it.
      await large.handlers.record({ action: { type: 'star', node: linked.nodes[0]!.id, starred: true } });
      expect((await large.handlers.graph({ filter: {} })).nodes).toEqual(linked.nodes);
    } finally {
      await large.close();
    }
    // And kept in the case, MACed by this installation, for the next time it is opened (service/link-cache.ts).
    const reader = Workbench.open(join(dir, 'large.causa'), { readOnly: true });
    try {
      const cached = cachedLinkedCase(reader.store, reader.linkKey().key);
      expect(cached?.graph).toEqual(linkCase(reader.store, reader.linkKey().analyst).graph);
      expect(cached!.graph.chains.length).toBeGreaterThan(0);
    } finally {
      reader.close();
    }
  });

  it('links what an import brought as the import ends: the CLI waits for it, the hosts start it at once', async () => {
    const bundle = join(dir, 'linked-bundle');
    expect((await runCausa(['sample', 'inc-0047', '-o', bundle, '--events', '5000'])).code).toBe(0);
    /** The case's link cache holds its links as it stands (and the graph it would link now). */
    const linkedAhead = (casePath: string): boolean => {
      const reader = Workbench.open(casePath, { readOnly: true });
      try {
        const cached = cachedLinkedCase(reader.store, reader.linkKey().key);
        if (cached) expect(cached.graph).toEqual(linkCase(reader.store, reader.linkKey().analyst).graph);
        return cached !== undefined;
      } finally {
        reader.close();
      }
    };
    const byCli = join(dir, 'imported-by-cli.causa');
    const imported = await runCausa(['import', bundle, '--case', byCli]);
    expect(imported.code, imported.stderr).toBe(1); // the sample's key is not trusted here
    expect(linkedAhead(byCli)).toBe(true);
    // The hosts: nothing asks for the graph, the case worker links in its link worker when the import ends.
    const byHost = join(dir, 'imported-by-host.causa');
    const host = await CaseClient.start(WORKER, { casePath: byHost, create: true });
    try {
      await host.importPaths([bundle]);
      const deadline = Date.now() + 60_000;
      while (!linkedAhead(byHost) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(linkedAhead(byHost)).toBe(true);
    } finally {
      await host.close();
    }
  });

  it('asks the host to print a report when the host prints, and hands back its bytes', async () => {
    const printed: { html: string; title: string }[] = [];
    const printing = await CaseClient.start(WORKER, { casePath: join(dir, 'print.causa'), create: true }, async (html, title) => {
      printed.push({ html, title });
      return Buffer.from('%PDF-1.7 printed by the host');
    });
    try {
      await printing.importPaths([SAMPLE]);
      const file = await printing.reportFile('pdf');
      expect(file.data.toString()).toBe('%PDF-1.7 printed by the host');
      expect(file.file_name).toMatch(/\.pdf$/);
      expect(printed).toHaveLength(1);
      expect(printed[0]!.html).toContain('<html');
      expect(await printing.exportFileName('excerpt')).toMatch(/^print/);
    } finally {
      await printing.close();
    }
    // After close the worker is gone: a call says so instead of waiting forever.
    await expect(printing.handlers.caseInfo({})).rejects.toMatchObject({ code: 'internal' });
  });

  it('refuses a file that is not a case, naming it, and leaves no thread behind', async () => {
    const notCase = join(dir, 'notes.causa');
    writeFileSync(notCase, 'not a database, only words\n'.repeat(100));
    await expect(CaseClient.start(WORKER, { casePath: notCase, create: false })).rejects.toMatchObject({
      code: 'io',
      message: expect.stringContaining(notCase),
    });
  });
});
