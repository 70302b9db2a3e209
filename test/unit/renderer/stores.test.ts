// The renderer's stores, made fresh for each test by createAppStores with a fake api whose answers the test
// releases one by one, and wired by connectStores as the page wires them: a filter change makes exactly one
// graph request, the node index follows the graph, the selection follows both; a slow answer for an older
// filter is dropped; an import that succeeds reads the case again.
import { afterEach, describe, expect, it } from 'vitest';
import type { Api, ApiResult, EventFilter } from '../../../src-main/shared/contract';
import type { Graph, GraphNode } from '../../../src-main/shared/graph';
import type { EventJson } from '../../../src-main/shared/model';
import { connectStores, createAppStores, type AppStores } from '../../../src-renderer/src/state/app-stores';
import { createCaseDataStore, KEPT_PAGES, PAGE_SIZE, rowAt } from '../../../src-renderer/src/state/case-data';
import { eventOfNode, indexEvents, nodeOfEvent } from '../../../src-renderer/src/state/graph';

/** A promise the test settles when it chooses. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every settled promise's callbacks run (the stores chain a few awaits per answer). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
};

const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });

function node(id: string, eventIds: number[], kind: GraphNode['kind'] = 'k8s_api', chain = 1): GraphNode {
  return {
    id,
    kind,
    lane: kind === 'authz_decision' ? 'authz' : 'api',
    label: `node ${id}`,
    event_ids: eventIds,
    outcome: 'success',
    notable: false,
    chain,
    time: '2025-04-03T14:30:00Z',
  };
}

function graphOf(nodes: GraphNode[]): Graph {
  return { nodes, edges: [], groups: [], chains: [{ id: 1, nodes: nodes.length, notable: 0, label: 'chain 1' }] };
}

const event = (id: number) => ({ id, kind: 'k8s_api', outcome: 'success' }) as unknown as EventJson;

/** A fake api: graph requests wait for the test (by filter), the rest answer at once unless `pages` holds them. */
function fakeApi(pages?: Promise<void>) {
  const graphCalls: { filter: EventFilter; answer: ReturnType<typeof deferred<ApiResult<Graph>>> }[] = [];
  const calls: string[] = [];
  let caseInfoCalls = 0;
  const located = new Map<number, number>();
  const api = {
    caseInfo: async () => {
      caseInfoCalls += 1;
      return ok({ path: '/case', name: 'case', events: 10, kinds: [{ kind: 'k8s_api', count: 10 }], sources: [], verification: [] });
    },
    listEvents: async ({ offset }: { offset: number }) => {
      calls.push(`listEvents ${offset}`);
      await pages;
      return ok({ total: 10, events: offset === 0 ? [event(3), event(4), event(5)] : [] });
    },
    filterValues: async () => ok({}),
    graph: ({ filter }: { filter: EventFilter }) => {
      calls.push('graph');
      const answer = deferred<ApiResult<Graph>>();
      graphCalls.push({ filter, answer });
      return answer.promise;
    },
    groupMembers: async () => ok({ group: 'g', total: 0, offset: 0, nodes: [], edges: [] }),
    getEvent: async ({ id }: { id: number }) => ok({ event: event(id) }),
    locateEvent: async ({ id }: { id: number }) => {
      calls.push('locateEvent');
      return ok({ index: located.get(id) ?? null });
    },
    analysis: async () => ok(undefined),
    openEvidence: async () => {
      calls.push('openEvidence');
      return ok({ sources: [] });
    },
    importProgress: async () => ok({ phase: 'reading' }),
    trustSigner: async () => ok({}),
    cancelImport: async () => ok({}),
  };
  return {
    api: api as unknown as Api,
    graphCalls,
    calls,
    located,
    caseInfoCalls: () => caseInfoCalls,
  };
}

const layout = async (nodes: { id: string }[]) => ({
  width: 100,
  height: 100,
  positions: Object.fromEntries(nodes.map((n, i) => [n.id, { x: i * 10, y: 0 }])),
  lanes: [],
  ticks: [],
});

let stop: (() => void) | undefined;
afterEach(() => stop?.());

function makeStores(pages?: Promise<void>, storage?: Map<string, string>) {
  const fake = fakeApi(pages);
  const pinStorage = storage && {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => void storage.set(key, value),
    removeItem: (key: string) => void storage.delete(key),
  };
  const stores = createAppStores({ api: fake.api, layout: layout as never, ...(pinStorage ? { storage: pinStorage } : {}) });
  stop = connectStores(stores);
  return { fake, stores };
}

/** Opens the case and answers its first graph request with `graph`. */
async function open({ fake, stores }: { fake: ReturnType<typeof fakeApi>; stores: AppStores }, graph: Graph) {
  await stores.caseData.getState().refresh();
  await settle();
  expect(fake.graphCalls).toHaveLength(1);
  fake.graphCalls[0]!.answer.resolve(ok(graph));
  await settle();
}

describe('one rule for the node of an event', () => {
  it('gives an event to its evidence node, never to the authorization decision that shares it, in either order', () => {
    const request = node('e3', [3, 4, 5]);
    const decision = node('a5', [5], 'authz_decision');
    expect(indexEvents([request, decision]).get(5)).toBe('e3');
    expect(indexEvents([decision, request]).get(5)).toBe('e3');
    // A decision whose request the graph does not hold still names a node for the event.
    expect(indexEvents([decision]).get(5)).toBe('a5');
  });

  it('falls back to the event’s own node id, and selects a request by its latest stage', () => {
    expect(nodeOfEvent({}, 42)).toBe('e42');
    expect(nodeOfEvent({ 42: 'e40' }, 42)).toBe('e40');
    expect(eventOfNode({ e3: { id: 'e3', label: 'x', event_ids: [3, 5, 4] } }, 'e3')).toBe(5);
    expect(eventOfNode({}, 'e9')).toBe(9);
    expect(eventOfNode({}, 'a9')).toBeUndefined();
  });
});

describe('the graph store and the selection, wired by connectStores', () => {
  it('asks for the graph right after the timeline’s first page is asked for, not once it is answered', async () => {
    const pages = deferred<void>();
    const { fake, stores } = makeStores(pages.promise);
    // The timeline mounts before the case is read, and asks for its first page at once.
    stores.caseData.getState().ensurePage(0);
    await stores.caseData.getState().refresh();
    await settle();
    // The page is still on its way: the graph was asked for beside it, once, and after it; the case's
    // first reading does not ask for either again.
    expect(stores.caseData.getState().total).toBeUndefined();
    expect(fake.calls).toEqual(['listEvents 0', 'graph']);
    // With an event selected, a new filter also asks for its row: after the page and the graph.
    stores.selection.getState().select(4, 1);
    fake.calls.length = 0;
    stores.caseData.getState().setFilter({ actor: 'x' });
    await settle();
    expect(fake.calls).toEqual(['listEvents 0', 'graph', 'locateEvent']);
    expect(fake.graphCalls.map((c) => c.filter)).toEqual([{}, { actor: 'x' }]);
    pages.resolve();
    await settle();
    expect(stores.caseData.getState().total).toBe(10);
    expect(fake.graphCalls).toHaveLength(2);
  });

  it('a filter change makes exactly one graph request; the index and the selection follow the new graph', async () => {
    const made = makeStores();
    const { fake, stores } = made;
    await open(made, graphOf([node('e3', [3, 4, 5]), node('a5', [5], 'authz_decision')]));
    expect(stores.graph.getState().status).toBe('ready');
    expect(stores.graph.getState().byEvent[5]).toBe('e3');

    const focused: string[] = [];
    const scrolled: { index: number; align: string }[] = [];
    stores.commands.on('focusNode', (id) => focused.push(id));
    stores.commands.on('scrollToRow', (row) => scrolled.push(row));
    stores.selection.getState().select(5, 2);
    expect(stores.selection.getState().nodeId).toBe('e3');
    expect(stores.selection.getState().nodeEventIds).toEqual([3, 4, 5]);
    // Focusing the graph is a command sent once, not a counter kept in the selection's state.
    expect(focused).toEqual(['e3']);
    expect(Object.keys(stores.selection.getState())).not.toContain('focusSeq');

    // Under the new filter the event is its own node (its other stages are filtered out), at row 0.
    fake.located.set(5, 0);
    const filter = { kind: ['k8s_api' as const] };
    stores.caseData.getState().setFilter(filter);
    await settle();
    expect(fake.graphCalls).toHaveLength(2);
    expect(fake.graphCalls[1]!.filter).toEqual(filter);
    expect(stores.graph.getState().status).toBe('loading');
    fake.graphCalls[1]!.answer.resolve(ok(graphOf([node('e5', [5])])));
    await settle();

    expect(fake.graphCalls).toHaveLength(2);
    expect(stores.graph.getState().filter).toEqual(filter);
    expect(stores.graph.getState().byEvent[5]).toBe('e5');
    // What was seen under the old filter is still known (labels of annotated nodes outlive a filter).
    expect(stores.graph.getState().summaries.e3?.label).toBe('node e3');
    expect(stores.selection.getState()).toMatchObject({ selectedId: 5, nodeId: 'e5', nodeEventIds: [5], selectedIndex: 0 });
    expect(scrolled).toEqual([{ index: 0, align: 'center' }]);
  });

  it('gives a graph asked for before the case info the case’s pins once the info names the case', async () => {
    const storage = new Map([['causa.graph.pins.v1:/case', JSON.stringify({ e3: { x: 40, y: 90 } })]]);
    const made = makeStores(undefined, storage);
    const { fake, stores } = made;
    // The timeline asks for its first page (and so the graph) before the case info is read.
    stores.caseData.getState().ensurePage(0);
    await settle();
    expect(fake.graphCalls).toHaveLength(1);
    expect(stores.caseData.getState().info).toBeUndefined();
    expect(stores.graph.getState().pins).toEqual({});
    await stores.caseData.getState().refresh();
    await settle();
    expect(stores.graph.getState().pins).toEqual({ e3: { x: 40, y: 90 } });
  });

  it('opens on the first prompt without moving the graph, which opens fitted on its chain', async () => {
    const made = makeStores();
    const { fake, stores } = made;
    const api = fake.api as unknown as Record<string, unknown>;
    api.caseInfo = async () =>
      ok({ path: '/case', name: 'case', events: 10, kinds: [{ kind: 'prompt', count: 1 }], sources: [], verification: [] });
    await open(made, graphOf([node('e3', [3]), node('e4', [4])]));
    const focused: string[] = [];
    stores.commands.on('focusNode', (id) => focused.push(id));
    await stores.selection.getState().openOnIncident();
    expect(stores.selection.getState()).toMatchObject({ selectedId: 3, nodeId: 'e3' });
    expect(focused).toEqual([]);
    // A row chosen afterwards does move it.
    stores.selection.getState().select(4, 1);
    expect(focused).toEqual(['e4']);
  });

  it('drops the answer for an older filter that arrives after the newer one', async () => {
    const made = makeStores();
    const { fake, stores } = made;
    await open(made, graphOf([node('e1', [1])]));

    stores.caseData.getState().setFilter({ actor: 'old' });
    await settle();
    stores.caseData.getState().setFilter({ actor: 'new' });
    await settle();
    expect(fake.graphCalls.map((c) => c.filter.actor)).toEqual([undefined, 'old', 'new']);

    fake.graphCalls[2]!.answer.resolve(ok(graphOf([node('e7', [7])])));
    await settle();
    fake.graphCalls[1]!.answer.resolve(ok(graphOf([node('e6', [6])])));
    await settle();

    const graph = stores.graph.getState();
    expect(graph.filter).toEqual({ actor: 'new' });
    expect(graph.visible.nodes.map((n) => n.id)).toEqual(['e7']);
    expect(graph.nodeOfEvent.has(6)).toBe(false);
    expect(graph.byEvent[6]).toBeUndefined();
  });

  it('an import that succeeds reads the case again, and with it the graph', async () => {
    const made = makeStores();
    const { fake, stores } = made;
    await open(made, graphOf([node('e1', [1])]));
    const generation = stores.caseData.getState().generation;
    expect(fake.caseInfoCalls()).toBe(1);

    await stores.importer.getState().openDialog();
    await settle();

    expect(fake.calls.filter((c) => c === 'openEvidence')).toEqual(['openEvidence']);
    expect(stores.importer.getState()).toMatchObject({ busy: false, report: { sources: [] } });
    expect(fake.caseInfoCalls()).toBe(2);
    expect(stores.caseData.getState().generation).toBe(generation + 1);
    expect(fake.graphCalls).toHaveLength(2);
  });

  it('a trusted key reads the case again with the rows kept on screen until their page is answered', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let hold = false;
    const made = makeStores(
      // Pages answer at once until `hold`, then wait for the test.
      new Proxy(Promise.resolve(), {
        get: (target, key) => (hold ? Reflect.get(held, key).bind(held) : Reflect.get(target, key).bind(target)),
      }),
    );
    const { stores } = made;
    await open(made, graphOf([node('e3', [3])]));
    const before = stores.caseData.getState();
    expect(before.total).toBe(10);
    expect(rowAt(before, 0)?.id).toBe(3);

    hold = true;
    await stores.verify.getState().trust('ab'.repeat(32), 'case');
    await settle();
    const reading = stores.caseData.getState();
    expect(reading.generation).toBe(before.generation + 1);
    expect(reading.pages).toEqual({});
    // Neither blank nor scrolled back to the top: the same count, the same rows, until the page is answered.
    expect(reading.total).toBe(10);
    expect(rowAt(reading, 2)?.id).toBe(5);

    release();
    await settle();
    const after = stores.caseData.getState();
    expect(after.pages[0]?.map((e) => e.id)).toEqual([3, 4, 5]);
    expect(after.stale).toEqual({});

    // A filter changes which rows there are: nothing of the old ones is shown under it.
    hold = false;
    stores.caseData.getState().setFilter({ actor: 'someone' });
    expect(stores.caseData.getState().total).toBeUndefined();
    expect(rowAt(stores.caseData.getState(), 0)).toBeUndefined();
  });

  it('stores made by two calls share nothing', async () => {
    const a = makeStores();
    const b = createAppStores({ api: fakeApi().api, layout: layout as never });
    await open(a, graphOf([node('e1', [1])]));
    expect(a.stores.graph.getState().byEvent[1]).toBe('e1');
    expect(b.graph.getState().byEvent[1]).toBeUndefined();
    expect(b.caseData.getState().generation).toBe(0);
  });
});

describe('the timeline’s rows in memory', () => {
  it('keeps the pages nearest the latest one asked for, however far the analyst scrolls, and asks again for a page dropped', async () => {
    const TOTAL = 1_000_000;
    const asked: number[] = [];
    const api = {
      caseInfo: async () => ok({ path: '/case', name: 'case', events: TOTAL, kinds: [], sources: [], verification: [] }),
      filterValues: async () => ok({}),
      listEvents: async ({ offset, limit }: { offset: number; limit: number }) => {
        asked.push(offset / PAGE_SIZE);
        return ok({ total: TOTAL, events: Array.from({ length: limit }, (_, i) => event(offset + i + 1)) });
      },
    };
    const store = createCaseDataStore(api as unknown as Api);
    // Scrolled from the first row to the 600th page, a page at a time.
    for (let page = 0; page <= 600; page += 1) {
      store.getState().ensurePage(page);
      await settle();
    }
    const kept = Object.keys(store.getState().pages).map(Number);
    expect(kept).toHaveLength(KEPT_PAGES);
    expect(Math.min(...kept)).toBe(600 - KEPT_PAGES + 1);
    expect(rowAt(store.getState(), 600 * PAGE_SIZE + 7)?.id).toBe(600 * PAGE_SIZE + 8);
    expect(rowAt(store.getState(), 7)).toBeUndefined();
    // Back to the top: the first page is asked for again.
    store.getState().ensurePage(0);
    await settle();
    expect(asked.filter((p) => p === 0)).toHaveLength(2);
    expect(rowAt(store.getState(), 7)?.id).toBe(8);
    expect(Object.keys(store.getState().pages)).toHaveLength(KEPT_PAGES);
  });
});
