// The linker reads each event's time as the integer the case keeps (iterateTimedEvents), not as text
// formatted by SQLite and parsed again. The graph must be the one the text gives, whatever a row holds: a
// time of its own as text (a case from before migration 0030, or a forger's text that disagrees with
// time_ns), a time before 1970, no time, or a time_ns a forger made a real number or text.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkCaseEvents, type LinkEvent } from '../../../src-main/core/link';
import { linkCase, linkEventsOf, routineContext } from '../../../src-main/service/graph';
import { verdictLookup } from '../../../src-main/service/verification';
import { Workbench } from '../../../src-main/service/workbench';
import { readObjectTable } from '../../../src-main/store/objects';
import { iterateEvents, iterateTimedEvents, listSources } from '../../../src-main/store/queries';
import type { CaseStore } from '../../../src-main/store/case-store';
import { parseRfc3339Nanos } from '../../../src-main/shared/time';
import { SAMPLE, tamper, tempDir } from '../integrity/tamper';

const opened: Workbench[] = [];
afterAll(() => opened.forEach((w) => w.close()));

/** Every event with its time as text (causa_time), as the linker read them before. */
function* textTimedEvents(store: CaseStore): Generator<LinkEvent> {
  const formats = new Map(listSources(store).map((source) => [source.name, source.format]));
  for (const event of iterateEvents(store, {}, {}, verdictLookup(store))) yield { ...event, format: formats.get(event.source) };
}

async function importedSample(): Promise<string> {
  const path = join(tempDir(), 'times.causa');
  const workbench = Workbench.open(path, { create: true });
  await workbench.importPaths([SAMPLE]);
  workbench.close();
  return path;
}

function open(path: string): Workbench {
  const workbench = Workbench.open(path);
  opened.push(workbench);
  return workbench;
}

function expectTheTextsGraph(store: CaseStore): void {
  const timed = linkCase(store);
  // Linked as linkCase links, routine reads set aside by the same context, the events read as text.
  const texted = linkCaseEvents(textTimedEvents(store), {}, readObjectTable(store), routineContext(store));
  expect(timed.graph).toEqual(texted.graph);
  expect(new Map(timed.members)).toEqual(texted.members);
  expect(timed.backgroundEdges).toEqual(texted.backgroundEdges);
}

describe('the linker’s times', () => {
  it('are each event’s time_ns, the same graph as its text gives, on the built-in sample', async () => {
    const { store } = open(await importedSample());
    const events = [...iterateTimedEvents(store)];
    const texts = [...iterateEvents(store, {}, {})];
    expect(events.map((e) => e.id)).toEqual(texts.map((e) => e.id));
    // A row written now keeps its time as time_ns alone: the reader gives the integer, and no text.
    expect(events.every((e) => e.time === undefined && typeof e.timeNs === 'bigint')).toBe(true);
    expect(events.map((e) => e.timeNs)).toEqual(texts.map((e) => (e.time ? parseRfc3339Nanos(e.time) : null)));
    expectTheTextsGraph(store);
  });

  it('keep what a row says of its own, and the graph its text gives, whatever a forger wrote', async () => {
    const path = await importedSample();
    const ids = (() => {
      const { store } = open(path);
      const audit = store.db.prepare("SELECT id FROM event WHERE kind = 'k8s_api' ORDER BY id LIMIT 6").pluck().all() as number[];
      opened.pop()!.close();
      return audit;
    })();
    const [ownText, otherText, before1970, noTime, realTime, textTime] = ids as [number, number, number, number, number, number];
    tamper(path, (db) => {
      db.prepare('UPDATE event SET time = causa_time(time_ns) WHERE id = ?').run(ownText);
      db.prepare("UPDATE event SET time = '2030-01-02T03:04:05.123456789Z' WHERE id = ?").run(otherText);
      db.prepare('UPDATE event SET time_ns = -86400000000001 WHERE id = ?').run(before1970);
      db.prepare('UPDATE event SET time_ns = NULL WHERE id = ?').run(noTime);
      db.prepare('UPDATE event SET time_ns = 1.5 WHERE id = ?').run(realTime);
      db.prepare("UPDATE event SET time_ns = 'yesterday' WHERE id = ?").run(textTime);
    });
    const { store } = open(path);
    const byId = new Map([...iterateTimedEvents(store)].map((e) => [e.id, e]));
    const texts = new Map([...iterateEvents(store, {}, {})].map((e) => [e.id, e.time]));
    // A row's own text is read as text, as before, and nothing else: the linker parses it.
    expect([byId.get(ownText)!.time, byId.get(ownText)!.timeNs]).toEqual([texts.get(ownText), undefined]);
    expect([byId.get(otherText)!.time, byId.get(otherText)!.timeNs]).toEqual(['2030-01-02T03:04:05.123456789Z', undefined]);
    // Before 1970: the integer exactly (its text is 1969-12-30T23:59:59.999999999Z).
    expect(texts.get(before1970)).toBe('1969-12-30T23:59:59.999999999Z');
    expect([byId.get(before1970)!.time, byId.get(before1970)!.timeNs]).toEqual([undefined, -86_400_000_000_001n]);
    // No time, and a time_ns that is no integer: no time, as causa_time gives none.
    for (const id of [noTime, realTime, textTime]) {
      expect(texts.get(id)).toBeUndefined();
      expect([byId.get(id)!.time, byId.get(id)!.timeNs]).toEqual([undefined, null]);
    }
    expectTheTextsGraph(store);
  });

  it('place the events a forger left with no time last, linked the full way or with routine reads set aside', async () => {
    const path = await importedSample();
    tamper(path, (db) => {
      // Reads of the busiest reader, early in the case: a time_ns made NULL, a real number, a text.
      const reads = db
        .prepare("SELECT id FROM event WHERE kind = 'k8s_api' AND action IN ('get', 'list', 'watch') ORDER BY id LIMIT 3")
        .pluck()
        .all() as number[];
      db.prepare('UPDATE event SET time_ns = NULL WHERE id = ?').run(reads[0]);
      db.prepare('UPDATE event SET time_ns = 1.5 WHERE id = ?').run(reads[1]);
      db.prepare("UPDATE event SET time_ns = 'yesterday' WHERE id = ?").run(reads[2]);
    });
    const { store } = open(path);
    const timeless = [...iterateTimedEvents(store)].filter((event) => event.timeNs === null).map((event) => event.id);
    expect(timeless).toHaveLength(3);
    // The linker reads them after every timed event; each is a node (a routine read is told by its time),
    // ordered last among the nodes too, so that a group's members come in one order either way.
    const full = linkCaseEvents(linkEventsOf(store), {}, readObjectTable(store));
    const linked = linkCase(store);
    expect(linked.graph).toEqual(full.graph);
    expect(new Map(linked.members)).toEqual(full.members);
    const group = [...linked.members].find(([, members]) => members.events.includes(timeless[0]!))!;
    const events = Array.from(group[1].events);
    expect(events.slice(-timeless.length).sort((a, b) => a - b)).toEqual(
      timeless.filter((id) => events.includes(id)).sort((a, b) => a - b),
    );
  });
});
