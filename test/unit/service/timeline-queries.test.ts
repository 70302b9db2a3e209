// The timeline queries behind the graph view: where an event sits in the filtered timeline, and the
// event-rate histogram of the time-range brush, checked against listEvents on the INC-0047 sample.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';

const SAMPLE = new URL('../../../resources/samples/inc-0047', import.meta.url).pathname;
let workbench: Workbench;

beforeAll(async () => {
  workbench = Workbench.open(join(mkdtempSync(join(tmpdir(), 'causa-timeline-')), 'case.causa'), { create: true });
  await workbench.importPaths([SAMPLE]);
});

afterAll(() => workbench?.close());

describe('locateEvent', () => {
  it('gives each event the index listEvents shows it at, with and without a filter', async () => {
    for (const filter of [{}, { actor: 'james.w' }, { kind: ['k8s_api' as const], since: '2025-04-03T14:31:00Z' }]) {
      const page = await workbench.handlers.listEvents({ filter, offset: 0, limit: 1000 });
      expect(page.events.length).toBeGreaterThan(0);
      for (const index of [0, 1, Math.floor(page.events.length / 2), page.events.length - 1]) {
        const located = await workbench.handlers.locateEvent({ filter, id: page.events[index]!.id });
        expect(located.index).toBe(index);
      }
    }
  });

  it('answers null for an event the filter hides, or one that does not exist', async () => {
    const page = await workbench.handlers.listEvents({ filter: { actor: 'alice.k' }, offset: 0, limit: 1 });
    expect((await workbench.handlers.locateEvent({ filter: { actor: 'james.w' }, id: page.events[0]!.id })).index).toBeNull();
    expect((await workbench.handlers.locateEvent({ filter: {}, id: 10_000_000 })).index).toBeNull();
  });
});

describe('histogram', () => {
  it('counts the same along the time index as by grouping every row, hidden stages, listings and bounds included', async () => {
    // A filter naming every kind narrows nothing, but takes the grouping query: the two must agree.
    const kinds = (await workbench.handlers.caseInfo({})).kinds.map((k) => k.kind);
    for (const filter of [
      {},
      { stages: true },
      { since: '2025-04-03T14:31:00Z', until: '2025-04-03T14:36:30.5Z' },
      { since: '2025-04-03T14:31:00Z', stages: true },
    ]) {
      for (const buckets of [1, 7, 60, 500]) {
        const fast = await workbench.handlers.histogram({ filter, buckets });
        const grouped = await workbench.handlers.histogram({ filter: { ...filter, kind: kinds }, buckets });
        expect(fast, `${JSON.stringify(filter)} in ${buckets}`).toEqual(grouped);
      }
    }
  });

  it('counts every timed event once, over the case span', async () => {
    const info = await workbench.handlers.caseInfo({});
    const histogram = await workbench.handlers.histogram({ filter: {}, buckets: 60 });
    expect(histogram.counts).toHaveLength(60);
    // The rows of the timeline: one per API call (its latest stage), every other event once — but the
    // objects of listings, whose creation times are state, not activity (15 in the sample).
    const listed = info.sources.filter((s) => s.format === 'k8s-resources').reduce((n, s) => n + s.records, 0);
    expect(listed).toBe(15);
    const rows = await workbench.handlers.listEvents({ filter: {}, offset: 0, limit: 1 });
    expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(rows.total - listed);
    const stages = await workbench.handlers.histogram({ filter: { stages: true }, buckets: 60 });
    expect(stages.counts.reduce((a, b) => a + b, 0)).toBe(info.events - listed);
    // The span is the incident's activity, from the first audit record, not the listed objects' creation.
    expect(histogram.start?.slice(0, 16)).toBe('2025-04-03T14:25');
    expect(histogram.end?.slice(0, 23)).toBe(info.last_time?.slice(0, 23));
  });

  it('applies the filter, and its bounds set the span', async () => {
    const filter = { actor: 'james.w', kind: ['k8s_api' as const], since: '2025-04-03T14:30:00Z', until: '2025-04-03T14:40:00Z' };
    const histogram = await workbench.handlers.histogram({ filter, buckets: 10 });
    expect(histogram.start).toBe('2025-04-03T14:30:00.000000000Z');
    expect(histogram.end).toBe('2025-04-03T14:40:00.000000000Z');
    // The MCP server's four requests for james.w: the get and the patch at 14:31 fall in the second
    // minute-long bucket, the list and the patch at 14:35 in the sixth.
    expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(histogram.counts[1]).toBe(2);
    expect(histogram.counts[5]).toBe(2);
  });
});

describe('graph', () => {
  it('is not linked again for a note, a tag or a star, and is for a decision on an edge', async () => {
    const whole = workbench.graph({});
    const node = whole.nodes.find((n) => n.kind === 'tool_call')!;
    await workbench.handlers.record({ action: { type: 'comment', node: node.id, text: 'the agent chose this' } });
    await workbench.handlers.record({ action: { type: 'tag', node: node.id, tag: 'root-cause', on: true } });
    await workbench.handlers.record({ action: { type: 'star', node: node.id, starred: true } });
    expect(workbench.graph({})).toBe(whole);
    const inferred = whole.edges.find((edge) => edge.strength === 'inferred' && edge.status === 'proposed')!;
    await workbench.handlers.record({ action: { type: 'decide_edge', edge: inferred.id, decision: 'rejected' } });
    const decided = workbench.graph({});
    expect(decided).not.toBe(whole);
    expect(decided.edges.find((edge) => edge.id === inferred.id)?.status).toBe('rejected');
    await workbench.handlers.record({ action: { type: 'decide_edge', edge: inferred.id, decision: 'proposed' } });
    expect(workbench.graph({}).edges.find((edge) => edge.id === inferred.id)?.status).toBe('proposed');
  });

  it('links the case once and narrows it for each filter, relinking after an import', async () => {
    const whole = workbench.graph({});
    const narrowed = workbench.graph({ actor: 'james.w' });
    expect(narrowed.nodes.length).toBeGreaterThan(0);
    expect(narrowed.nodes.length).toBeLessThan(whole.nodes.length);
    expect(workbench.graph({})).toBe(whole);
    const before = (await workbench.handlers.caseInfo({})).events;
    const line = JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: '8c1b61f3-3c7e-4d1e-9f4e-3f0c8b2d7a10',
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/production/pods/lone',
      verb: 'delete',
      user: { username: 'mallory@example.com' },
      objectRef: { resource: 'pods', namespace: 'production', name: 'lone', apiVersion: 'v1' },
      responseStatus: { code: 403 },
      requestReceivedTimestamp: '2025-04-03T14:40:00.000000Z',
      stageTimestamp: '2025-04-03T14:40:00.001000Z',
      annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
    });
    await workbench.handlers.importFiles({ files: [{ name: 'late.jsonl', data_base64: Buffer.from(`${line}\n`).toString('base64') }] });
    expect((await workbench.handlers.caseInfo({})).events).toBe(before + 1);
    const relinked = workbench.graph({});
    expect(relinked).not.toBe(whole);
    expect(relinked.nodes.some((node) => node.label === 'delete pods production/lone' && node.outcome === 'denied')).toBe(true);
  });
});
