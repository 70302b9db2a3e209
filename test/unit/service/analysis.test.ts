import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAnalysisJournal } from '../../../src-main/service/analysis';
import { Workbench } from '../../../src-main/service/workbench';
import { JournalReport } from '../../../src-main/shared/analysis';

const SAMPLE = fileURLToPath(new URL('../../../resources/samples/inc-0047', import.meta.url));

let dir: string;
let wb: Workbench;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-analysis-'));
  process.env.CAUSA_ANALYST = 'dana@ir.example';
  wb = Workbench.open(join(dir, 'case.causa'), { create: true });
  await wb.importPaths([SAMPLE]);
});

afterAll(() => {
  wb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the analyst journal in a case file', () => {
  it('records who did what, keeps it apart from the evidence and refuses to rewrite it', async () => {
    const graph = wb.graph();
    const patch = graph.nodes.find((n) => n.kind === 'k8s_api' && n.label.startsWith('patch deployments production/api-service'))!;
    const events = wb.store.db.prepare('SELECT count(*) AS n FROM event').get() as { n: number };
    let state = await wb.handlers.record({ action: { type: 'assign', node: patch.id, role: 'root_cause' } });
    expect(state.roles).toEqual([{ node: patch.id, role: 'root_cause', seq: 1 }]);
    state = await wb.handlers.record({ action: { type: 'comment', node: patch.id, text: 'memory limit 256Mi' } });
    expect(state.comments[0]).toMatchObject({ analyst: 'dana@ir.example', text: 'memory limit 256Mi' });
    expect((wb.store.db.prepare('SELECT count(*) AS n FROM event').get() as { n: number }).n).toBe(events.n);
    // The workbench's connection refuses writes outside its own; another program's meets the triggers.
    expect(() => wb.store.db.prepare("UPDATE journal SET analyst = 'mallory'").run()).toThrow(/readonly/);
    wb.store.db.pragma('query_only = OFF');
    expect(() => wb.store.db.prepare("UPDATE journal SET analyst = 'mallory'").run()).toThrow(/append-only/);
    expect(() => wb.store.db.prepare('DELETE FROM journal').run()).toThrow(/append-only/);
    expect(verifyAnalysisJournal(wb.store)).toMatchObject({ intact: true, entries: 2 });
  });

  it('undoes and redoes through the journal', async () => {
    let state = await wb.handlers.undo({});
    expect(state.comments).toEqual([]);
    state = await wb.handlers.redo({});
    expect(state.comments).toHaveLength(1);
    expect(state.entries).toBe(4);
  });

  it('lists the journal with who did what, undo and redo included, and the verdict on its chain', async () => {
    const report = await wb.handlers.journal({});
    expect(report.entries.map((e) => e.action.type)).toEqual(['assign', 'comment', 'undo', 'redo']);
    expect(report.entries.every((e) => e.analyst === 'dana@ir.example')).toBe(true);
    expect(report.entries[2]!.action).toEqual({ type: 'undo', seq: 2 });
    expect(report.verdict).toEqual({ intact: true, entries: 4, head: report.entries[3]!.hash });
    expect(JournalReport.parse(report)).toEqual(report);
  });

  it('names the first entry that no longer matches its hash when the journal was altered outside Causa', async () => {
    const copy = join(dir, 'altered.causa');
    wb.store.writeNow(() => wb.store.db.prepare('VACUUM INTO ?').run(copy)); // SQLite counts VACUUM INTO as a write
    const altered = Workbench.open(copy);
    try {
      const triggers = altered.store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'journal'").all() as {
        name: string;
      }[];
      altered.store.db.pragma('query_only = OFF'); // as another program's connection may
      for (const { name } of triggers) altered.store.db.exec(`DROP TRIGGER "${name}"`);
      altered.store.db.prepare("UPDATE journal SET analyst = 'mallory' WHERE seq = 2").run();
      const report = await altered.handlers.journal({});
      expect(report.verdict).toMatchObject({ intact: false, entries: 4, first_bad_seq: 2 });
      expect(report.entries[1]!.analyst).toBe('mallory');
    } finally {
      altered.close();
    }
  });

  it('an edge the analyst draws joins two chains in the graph, drawn as analyst', async () => {
    const before = wb.graph();
    const [first, second] = before.chains;
    const from = before.nodes.find((n) => n.chain === first!.id && n.kind === 'k8s_api')!;
    const to = before.nodes.find((n) => n.chain === second!.id && n.kind === 'k8s_api')!;
    await wb.handlers.record({ action: { type: 'draw_edge', from: from.id, to: to.id, note: 'the rollback answers the upgrade' } });
    const after = wb.graph();
    const drawn = after.edges.find((e) => e.strength === 'analyst')!;
    expect(drawn).toMatchObject({ from: from.id, to: to.id, rule: 'analyst', note: 'the rollback answers the upgrade' });
    expect(after.nodes.find((n) => n.id === from.id)!.chain).toBe(after.nodes.find((n) => n.id === to.id)!.chain);
    expect(after.chains.length).toBe(before.chains.length - 1);
  });

  it('edits and removes recommendations as new journal entries, and refuses one that is not in effect', async () => {
    const added = await wb.handlers.record({ action: { type: 'recommendation', text: 'Pin images by digest.' } });
    const id = added.recommendations.at(-1)!.id;
    const before = (await wb.handlers.journal({})).entries;
    const edited = await wb.handlers.record({ action: { type: 'edit_recommendation', id, text: 'Pin production images by digest.' } });
    expect(edited.recommendations.at(-1)).toEqual({ id, text: 'Pin production images by digest.', edited: id + 1 });
    const removed = await wb.handlers.record({ action: { type: 'remove_recommendation', id } });
    expect(removed.recommendations.some((r) => r.id === id)).toBe(false);
    const after = (await wb.handlers.journal({})).entries;
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(-2).map((e) => e.action)).toEqual([
      { type: 'edit_recommendation', id, text: 'Pin production images by digest.' },
      { type: 'remove_recommendation', id },
    ]);
    const count = after.length;
    expect(() => wb.handlers.record({ action: { type: 'edit_recommendation', id, text: 'again' } })).toThrow(
      /no recommendation .* in effect/,
    );
    expect(() => wb.handlers.record({ action: { type: 'remove_recommendation', id: 9999 } })).toThrow(/no recommendation 9999/);
    expect((await wb.handlers.journal({})).entries).toHaveLength(count);
    const { contract } = await import('../../../src-main/shared/contract');
    expect(contract.record.input.safeParse({ action: { type: 'edit_recommendation', id, text: '   ' } }).success).toBe(false);
  });
});
