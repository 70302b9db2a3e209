// Routine reads (core/link/routine.ts) skip the linker's nodes and go to their background group as event
// ids. The graph must not change: on the built-in sample, on real audit logs of every shape we read, and on
// a log written to tempt every rule (a read in two stages, an audit ID repeated in another file, a read
// denied, failed, or forbidden yet answered, one carrying a trace, one near a tool call, one with no time,
// one an analyst drew an edge to, reads at one instant out of file order), the case linked with routine
// reads set aside equals the case linked the full way, member for member.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditIds, linkCaseEvents, type AnalystInput } from '../../../src-main/core/link';
import { RoutineRequests } from '../../../src-main/core/link/routine';
import { linkCase, linkEventsOf, routineContext } from '../../../src-main/service/graph';
import { Workbench } from '../../../src-main/service/workbench';
import { readObjectTable } from '../../../src-main/store/objects';

const ROOT = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'causa-routine-'));
const opened: Workbench[] = [];
afterAll(() => opened.forEach((w) => w.close()));

async function caseOf(name: string, paths: string[]): Promise<Workbench> {
  const workbench = Workbench.open(join(dir, `${name}.causa`), { create: true });
  opened.push(workbench);
  await workbench.importPaths(paths);
  return workbench;
}

/** Links the case both ways; returns how many reads were routine. */
function expectSameGraph(workbench: Workbench, analyst: AnalystInput = {}): number {
  const { store } = workbench;
  const context = routineContext(store, analyst);
  const requests = new RoutineRequests(context);
  const routine = [...linkEventsOf(store)].filter((event) => requests.take(event)).length;
  const fast = linkCase(store, analyst);
  const full = linkCaseEvents(linkEventsOf(store), analyst, readObjectTable(store));
  expect(fast.graph).toEqual(full.graph);
  expect(new Map([...fast.members].map(([group, m]) => [group, m]))).toEqual(full.members);
  expect(fast.backgroundEdges).toEqual(full.backgroundEdges);
  // Linked for the graph alone (`causa graph`, the report): the same graph, groups counted, no members.
  const graphOnly = linkCase(store, analyst, { members: false });
  expect(graphOnly.graph).toEqual(full.graph);
  expect([graphOnly.members.size, graphOnly.membersLeftOut]).toEqual([0, true]);
  return routine;
}

interface AuditLine {
  id: string;
  verb: string;
  at: string;
  code?: number;
  stage?: string;
  decision?: string;
  user?: string;
  name?: string;
  resource?: string;
  annotations?: Record<string, string>;
}

function auditLine(l: AuditLine): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: l.id,
    stage: l.stage ?? 'ResponseComplete',
    requestURI: `/api/v1/namespaces/production/${l.resource ?? 'pods'}${l.name ? `/${l.name}` : ''}`,
    verb: l.verb,
    user: { username: l.user ?? 'system:serviceaccount:production:reader', groups: ['system:serviceaccounts'] },
    sourceIPs: ['10.0.0.7'],
    objectRef: { resource: l.resource ?? 'pods', namespace: 'production', ...(l.name ? { name: l.name } : {}), apiVersion: 'v1' },
    ...(l.stage === 'RequestReceived' ? {} : { responseStatus: { metadata: {}, code: l.code ?? 200 } }),
    ...(l.at ? { requestReceivedTimestamp: l.at, stageTimestamp: l.at } : {}),
    annotations: {
      'authorization.k8s.io/decision': l.decision ?? 'allow',
      'authorization.k8s.io/reason': 'RBAC: allowed by RoleBinding "reader/production"',
      ...l.annotations,
    },
  });
}

describe('routine reads', () => {
  it('leave the graph of the built-in sample as it was, a drawn edge to one of them included', async () => {
    const workbench = await caseOf('sample', [join(ROOT, 'resources', 'samples', 'inc-0047')]);
    const routine = expectSameGraph(workbench);
    // Its controllers' lease renewals (1,695 stages) and its routine lists and gets.
    expect(routine).toBeGreaterThan(1800);
    // An analyst draws an edge from the agent's prompt to a routine read and to another one's decision:
    // both nodes must exist for the edge to stand, in the graph linked either way.
    const graph = workbench.graph();
    const prompt = graph.nodes.find((node) => node.kind === 'prompt')!;
    const background = graph.groups.find((group) => group.id.startsWith('g:api:k8s_api:'))!;
    const [first, second] = background.event_ids;
    const drawn = {
      edges: [
        { id: 'analyst:1', from: prompt.id, to: `e${first}` },
        { id: 'analyst:2', from: prompt.id, to: `a${second}` },
      ],
    };
    expectSameGraph(workbench, drawn);
    const linked = linkCase(workbench.store, drawn);
    expect(linked.graph.edges.filter((edge) => edge.rule === 'analyst').map((edge) => edge.to)).toEqual([`e${first}`, `a${second}`]);
  });

  it.each([
    ['k8s-audit-versions'],
    ['openshift-audit'],
    ['eks-cloudwatch'],
    ['gke-cloud-logging'],
    ['aks-diagnostics'],
    ['corpus/k8s-audit'],
  ])('leave the graph of the real logs in test/fixtures/%s as it was', async (fixture) => {
    const folder = join(ROOT, 'test', 'fixtures', fixture);
    const files = readdirSync(folder)
      .filter((file) => !file.endsWith('.md') && !file.endsWith('.expected.json') && !file.startsWith('.'))
      .map((file) => join(folder, file));
    const workbench = await caseOf(fixture.replace('/', '-'), files);
    expect((await workbench.handlers.caseInfo({})).events).toBeGreaterThan(0);
    expectSameGraph(workbench);
  });

  it('leave the graph as it was on a log that tempts every rule', async () => {
    const reads: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const at = `2025-04-03T14:20:${String(i).padStart(2, '0')}.000000000Z`;
      reads.push(auditLine({ id: `routine-${i}`, verb: i % 3 === 0 ? 'list' : 'get', at, name: i % 3 === 0 ? undefined : `api-${i}` }));
    }
    const tempting = [
      // Two stages of one read: one node, both events.
      auditLine({ id: 'two-stages', verb: 'get', at: '2025-04-03T14:21:00.000000000Z', stage: 'RequestReceived', name: 'api-1' }),
      auditLine({ id: 'two-stages', verb: 'get', at: '2025-04-03T14:21:00.500000000Z', name: 'api-1' }),
      // A read answered, then the same request failing with an error in its last stage.
      auditLine({ id: 'then-error', verb: 'get', at: '2025-04-03T14:21:01.000000000Z', stage: 'RequestReceived', name: 'api-2' }),
      auditLine({ id: 'then-error', verb: 'get', at: '2025-04-03T14:21:01.200000000Z', code: 500, name: 'api-2' }),
      auditLine({
        id: 'denied',
        verb: 'get',
        at: '2025-04-03T14:21:02.000000000Z',
        code: 403,
        decision: 'forbid',
        resource: 'secrets',
        name: 'db',
      }),
      auditLine({ id: 'forbidden-yet-answered', verb: 'get', at: '2025-04-03T14:21:03.000000000Z', decision: 'forbid', name: 'api-3' }),
      auditLine({ id: 'failed', verb: 'get', at: '2025-04-03T14:21:04.000000000Z', code: 404, name: 'gone' }),
      auditLine({ id: 'errored', verb: 'list', at: '2025-04-03T14:21:05.000000000Z', code: 500 }),
      // Reads at one instant, written out of their order in the file.
      auditLine({ id: 'same-instant-b', verb: 'get', at: '2025-04-03T14:21:06.000000000Z', name: 'b' }),
      auditLine({ id: 'same-instant-a', verb: 'get', at: '2025-04-03T14:21:06.000000000Z', name: 'a' }),
      // Bookkeeping writes: a status update in two stages, an Event recorded, a lease renewal that failed.
      auditLine({
        id: 'status',
        verb: 'update',
        at: '2025-04-03T14:21:06.100000000Z',
        stage: 'RequestReceived',
        resource: 'pods/status',
        name: 'api-6',
      }),
      auditLine({ id: 'status', verb: 'update', at: '2025-04-03T14:21:06.200000000Z', resource: 'pods/status', name: 'api-6' }),
      auditLine({ id: 'event', verb: 'create', at: '2025-04-03T14:21:06.300000000Z', resource: 'events' }),
      auditLine({
        id: 'lease-conflict',
        verb: 'update',
        at: '2025-04-03T14:21:06.400000000Z',
        code: 409,
        resource: 'leases',
        name: 'lock',
      }),
      // A write that changes an object (its scale): never routine.
      auditLine({ id: 'scale', verb: 'patch', at: '2025-04-03T14:21:06.500000000Z', resource: 'deployments/scale', name: 'api' }),
      // A write among the reads, of the same actor (its group is the reads' group).
      auditLine({ id: 'write', verb: 'patch', at: '2025-04-03T14:21:07.000000000Z', name: 'api-4' }),
      auditLine({ id: 'read-after-write', verb: 'get', at: '2025-04-03T14:21:07.000000000Z', name: 'api-4' }),
    ];
    // The same audit ID in another file, from someone else (the Audit-ID header is the client's to set):
    // the linker makes one node of the two, and so must the routine path.
    const elsewhere = [auditLine({ id: 'routine-5', verb: 'get', at: '2025-04-03T14:20:05.000000000Z', name: 'api-5', user: 'mallory' })];
    const logA = join(dir, 'tempting-a.log');
    const logB = join(dir, 'tempting-b.log');
    writeFileSync(logA, `${[...reads, ...tempting].join('\n')}\n`);
    writeFileSync(logB, `${elsewhere.join('\n')}\n`);
    const workbench = await caseOf('tempting', [logA, logB]);
    const routine = expectSameGraph(workbench);
    // The 40 reads and the one repeating an audit ID from another file; of the tempting ones, the read in
    // two stages (its first stage is superseded by its last: one event), the one not found (a failed read is
    // routine), the two at one instant, the status update, the Event recorded, the read after the write.
    expect(routine).toBe(40 + 1 + 7);
  });
});

describe('RoutineRequests', () => {
  it('keeps each request’s actor however many actors read: one byte each, widened past 256 and 65,536', () => {
    const context = { auditIds: new AuditIds(0), toolCallTimes: [], analystEvents: new Set<number>() };
    const requests = new RoutineRequests(context);
    const actors = 70_000;
    for (let i = 0; i < actors; i += 1) {
      const read = {
        id: i + 1,
        source: 'audit.log',
        position: i + 1,
        raw_sha256: '0'.repeat(64),
        kind: 'k8s_api' as const,
        action: 'get',
        time: '2025-04-03T14:20:00.000000000Z',
        actor: { type: 'service_account' as const, id: `reader-${i}` },
        outcome: 'success' as const,
      };
      expect(requests.take(read)).toBe(true);
    }
    expect(requests.length).toBe(actors);
    const wrong = [0, 255, 256, 257, 65_535, 65_536, 65_537, actors - 1].filter(
      (i) => requests.actorNames[requests.actorOf(i)] !== `reader-${i}`,
    );
    expect(wrong).toEqual([]);
  });
});

describe('RoutineRequests keeping a sample (a graph without members)', () => {
  it('keeps each actor’s first requests with every stage, and counts the others’ requests and stages', () => {
    const auditIds = new AuditIds(1000);
    const read = (id: number, audit: string, actor: string, stage: number) => ({
      id,
      source: 'audit.log',
      position: id,
      raw_sha256: '0'.repeat(64),
      kind: 'k8s_api' as const,
      action: 'get',
      time: `2025-04-03T14:20:00.${String(stage).padStart(9, '0')}Z`,
      actor: { type: 'service_account' as const, id: actor },
      target: { resource: 'pods', namespace: 'production', name: 'api' },
      outcome: 'success' as const,
      keys: { audit_id: audit },
    });
    const events = [];
    for (let r = 0; r < 12; r += 1) {
      const actor = r % 3 === 0 ? 'quiet' : 'busy'; // busy: 8 requests, quiet: 4
      for (let stage = 1; stage <= 2; stage += 1) events.push(read(events.length + 1, `req-${r}`, actor, stage));
    }
    for (const event of events) auditIds.add(event.keys.audit_id, true);
    const requests = new RoutineRequests({ auditIds, toolCallTimes: [], analystEvents: new Set() }, 5);
    for (const event of events) expect(requests.take(event)).toBe(true);
    expect([requests.length, requests.keptLength]).toEqual([12, 9]); // busy: 5 kept of 8; quiet: 4 of 4
    const busy = requests.actorNames.indexOf('busy');
    const quiet = requests.actorNames.indexOf('quiet');
    expect([requests.unkeptRequests[busy], requests.unkeptEvents[busy]]).toEqual([3, 6]);
    expect([requests.unkeptRequests[quiet], requests.unkeptEvents[quiet]]).toEqual([0, 0]);
    // The kept requests: their numbers in arrival order, both stages each.
    const ids = requests.eventIds();
    const kept = Array.from({ length: requests.keptLength }, (_, i) => [requests.numberOf(i), ids.of(i)]);
    expect(kept).toEqual([
      [0, [1, 2]],
      [1, [3, 4]],
      [2, [5, 6]],
      [3, [7, 8]],
      [4, [9, 10]],
      [5, [11, 12]],
      [6, [13, 14]],
      [7, [15, 16]],
      [9, [19, 20]],
    ]);
  });
});

describe('AuditIds', () => {
  it('never counts an ID below the events that carry it, however full its table', () => {
    const table = new AuditIds(10); // sized for 10 IDs, given 100,000: it grows, and forgets no count
    const ids = Array.from({ length: 100_000 }, (_, i) => `id-${i}`);
    for (const id of ids) table.add(id, true);
    for (const id of ids.slice(0, 50_000)) table.add(id, true); // the first half twice
    expect(ids.slice(0, 50_000).filter((id) => table.routineCount(id) < 2)).toEqual([]);
    expect(ids.slice(50_000).filter((id) => table.routineCount(id) < 1)).toEqual([]);
    // Counted exactly but for 32-bit hash collisions (about one pair in 100,000 IDs): a request whose
    // count is too high waits in the pending map to the end, and a million of those would cost memory.
    const sizedForThem = new AuditIds(100_000);
    for (const id of ids) sizedForThem.add(id, true);
    for (const sized of [sizedForThem, table]) {
      const exact = ids.filter((id, i) => sized.routineCount(id) === (sized === table && i < 50_000 ? 2 : 1)).length;
      expect(exact).toBeGreaterThanOrEqual(ids.length - 10);
    }
    expect(new AuditIds(100).routineCount('never added')).toBe(0);
  });

  it('says 0 for an ID one of whose events is not a routine stage, whichever came first', () => {
    const table = new AuditIds(100);
    table.add('first-denied', false);
    table.add('first-denied', true);
    table.add('then-denied', true);
    table.add('then-denied', false);
    table.add('clean', true);
    table.add('clean', true);
    expect([table.routineCount('first-denied'), table.routineCount('then-denied'), table.routineCount('clean')]).toEqual([0, 0, 2]);
  });
});
