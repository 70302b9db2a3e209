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
import { AuditIds, linkCaseEvents, ObjectIndex, objectTableOf, routineStage, type AnalystInput } from '../../../src-main/core/link';
import { quietWrite, RoutineRequests, type StageFields } from '../../../src-main/core/link/routine';
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
  /** Fields merged into the record as they are (a RequestResponse body, an objectRef's uid). */
  extra?: Record<string, unknown>;
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
    ...l.extra,
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
      // A write that changes an object (its scale), of an object the case knows nothing of: quiet.
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
    // routine), the two at one instant, the status update, the Event recorded, the read after the write;
    // and the two writes, to objects nothing in this case names or owns (quiet writes).
    expect(routine).toBe(40 + 1 + 7 + 2);
  });
});

describe('quiet writes', () => {
  /** A pod as a RequestResponse-level record returns it: its uid, and its owner's. */
  const pod = (name: string, uid: string, owner?: { kind: string; name: string; uid: string }) => ({
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace: 'production',
      uid,
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: owner.uid, controller: true }] }
        : {}),
    },
  });
  const event = (name: string, object: { kind: string; name: string; uid: string }, reason: string, at: string) => ({
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name, namespace: 'production', uid: `ev-${name}` },
    involvedObject: { ...object, namespace: 'production', apiVersion: object.kind === 'Pod' ? 'v1' : 'apps/v1' },
    reason,
    message: `${reason} ${object.name}`,
    type: 'Normal',
    source: { component: 'kubelet' },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  });
  const rs = { kind: 'ReplicaSet', name: 'web-rs', uid: 'uid-rs' };

  it('go to the background without a node, and only those the object rules join nothing to', async () => {
    const at = (s: number) => `2025-04-03T14:22:${String(s).padStart(2, '0')}.000000000Z`;
    const person = 'alice@example.com';
    const write = (l: Partial<AuditLine> & { id: string; at: string }) => auditLine({ verb: 'patch', user: person, ...l });
    const audit = [
      // What the identity table learns: pods web-1 and web-2 are owned by the ReplicaSet, which the
      // Deployment owns; pod lone has no owner.
      auditLine({
        id: 'get-1',
        verb: 'get',
        at: at(0),
        name: 'web-1',
        extra: { level: 'RequestResponse', responseObject: pod('web-1', 'uid-web-1', rs) },
      }),
      auditLine({
        id: 'get-2',
        verb: 'get',
        at: at(0),
        name: 'web-2',
        extra: { level: 'RequestResponse', responseObject: pod('web-2', 'uid-web-2', rs) },
      }),
      auditLine({
        id: 'get-4',
        verb: 'get',
        at: at(0),
        name: 'web-4',
        extra: { level: 'RequestResponse', responseObject: pod('web-4', 'uid-web-4', rs) },
      }),
      auditLine({
        id: 'get-3',
        verb: 'get',
        at: at(0),
        name: 'lone',
        extra: { level: 'RequestResponse', responseObject: pod('lone', 'uid-lone') },
      }),
      auditLine({
        id: 'get-rs',
        verb: 'get',
        at: at(0),
        resource: 'replicasets',
        name: 'web-rs',
        extra: {
          level: 'RequestResponse',
          objectRef: { resource: 'replicasets', namespace: 'production', name: 'web-rs', apiGroup: 'apps', apiVersion: 'v1' },
          responseObject: {
            kind: 'ReplicaSet',
            apiVersion: 'apps/v1',
            metadata: {
              name: 'web-rs',
              namespace: 'production',
              uid: 'uid-rs',
              ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-deploy' }],
            },
          },
        },
      }),
      // Quiet: a pod nobody names (by name, not in the table); the pod `lone` by name (no Event names it,
      // it owns nothing, nothing owns it); a ConfigMap by its uid in objectRef; a create in two stages of
      // a name nothing else holds.
      write({ id: 'w-unknown', at: at(1), name: 'nobody-knows' }),
      write({ id: 'w-lone', at: at(2), name: 'lone' }),
      write({
        id: 'w-cm',
        at: at(3),
        resource: 'configmaps',
        name: 'settings',
        extra: { objectRef: { resource: 'configmaps', namespace: 'production', name: 'settings', uid: 'uid-cm', apiVersion: 'v1' } },
      }),
      write({ id: 'w-create', verb: 'create', at: at(4), stage: 'RequestReceived' }),
      write({ id: 'w-create', verb: 'create', at: at(4).replace('.000', '.300'), name: 'fresh' }),
      // Not quiet: web-1 by name (an Event names it: the write is its cause); the ReplicaSet by name (it
      // owns web-2, whose Event has no write of its own: the owner's write is its cause); the Deployment
      // (it owns the ReplicaSet, a write to which follows); web-2 by uid with its owner in its record.
      write({ id: 'w-web-1', at: at(5), name: 'web-1' }),
      write({
        id: 'w-deploy',
        at: at(6),
        resource: 'deployments',
        name: 'web',
        extra: { objectRef: { resource: 'deployments', namespace: 'production', name: 'web', apiGroup: 'apps', apiVersion: 'v1' } },
      }),
      write({
        id: 'w-rs',
        at: at(7),
        resource: 'replicasets',
        name: 'web-rs',
        extra: { objectRef: { resource: 'replicasets', namespace: 'production', name: 'web-rs', apiGroup: 'apps', apiVersion: 'v1' } },
      }),
      write({
        id: 'w-web-2-owned',
        verb: 'update',
        at: at(8),
        name: 'other',
        extra: { level: 'RequestResponse', responseObject: pod('other', 'uid-other', rs) },
      }),
      // web-4 by its uid alone: the table says the ReplicaSet owns it, whose write came before.
      write({
        id: 'w-web-4',
        at: at(8),
        name: 'web-4',
        extra: { objectRef: { resource: 'pods', namespace: 'production', name: 'web-4', uid: 'uid-web-4', apiVersion: 'v1' } },
      }),
      // A pod by its uid, which an Event names (under a name of its own: the uid is what joins them).
      write({
        id: 'w-solo',
        at: at(8),
        name: 'solo',
        extra: { objectRef: { resource: 'pods', namespace: 'production', name: 'solo', uid: 'uid-solo', apiVersion: 'v1' } },
      }),
      // A create whose name only its last stage gives, a name the object of a later Event holds.
      write({ id: 'w-create-web-3', verb: 'create', at: at(9), stage: 'RequestReceived' }),
      write({
        id: 'w-create-web-3',
        verb: 'create',
        at: at(9).replace('.000', '.400'),
        name: 'web-3',
      }),
      // A quiet object's write that failed: notable, shown.
      write({ id: 'w-conflict', at: at(10), name: 'lone', code: 409 }),
    ];
    const events = {
      kind: 'EventList',
      apiVersion: 'v1',
      items: [
        event('web-1.killing', { kind: 'Pod', name: 'web-1', uid: 'uid-web-1' }, 'Killing', at(20)),
        event('web-2.killing', { kind: 'Pod', name: 'web-2', uid: 'uid-web-2' }, 'Killing', at(21)),
        event('solo.killing', { kind: 'Pod', name: 'solo-renamed', uid: 'uid-solo' }, 'Killing', at(23)),
        event('web-3.scheduled', { kind: 'Pod', name: 'web-3', uid: 'uid-web-3' }, 'Scheduled', at(22)),
      ],
    };
    const logPath = join(dir, 'writes.log');
    const eventsPath = join(dir, 'writes-events.json');
    writeFileSync(logPath, `${audit.join('\n')}\n`);
    writeFileSync(eventsPath, JSON.stringify(events));
    const workbench = Workbench.open(join(dir, 'quiet-writes.causa'), { create: true });
    opened.push(workbench);
    const report = await workbench.importPaths([logPath, eventsPath]);
    expect([report.events, report.errors]).toEqual([audit.length + events.items.length, 0]);
    const routine = expectSameGraph(workbench);
    const context = routineContext(workbench.store);
    const requests = new RoutineRequests(context);
    const taken = [...linkEventsOf(workbench.store)].filter((e) => e.action !== 'get' && requests.take(e)).map((e) => e.keys?.audit_id);
    expect(taken).toEqual(['w-unknown', 'w-lone', 'w-cm', 'w-create']);
    // The five reads, and the quiet writes: nobody-knows, lone, the ConfigMap, `fresh` (its first stage is
    // superseded by its last: one event).
    expect(routine).toBe(5 + 4);

    // What made the others matter is in the graph: each joined by the object rules (web-1's, solo's and
    // web-3's writes to their Events, the ReplicaSet's to web-2's Event and to the writes of the pods it owns), or
    // shown as notable. The Deployment's write, not quiet, is joined to nothing (the ReplicaSet's write
    // named it by name only, so it has no owner to follow from) and stays in the background, a node.
    const graph = workbench.graph();
    const shown = graph.nodes.filter((n) => n.kind === 'k8s_api' && !n.label.startsWith('get ')).map((n) => n.keys?.audit_id);
    expect(shown).toEqual(['w-web-1', 'w-rs', 'w-web-2-owned', 'w-web-4', 'w-solo', 'w-create-web-3', 'w-conflict']);
    const edges = graph.edges.filter((edge) => edge.rule !== 'authz-annotation').map((edge) => `${edge.rule} ${edge.strength}`);
    expect(edges.sort()).toEqual([
      'involved-object explicit',
      'involved-object inferred',
      'involved-object inferred',
      'owner-reference inferred',
      'owner-reference inferred',
      'owner-reference inferred',
    ]);
    expect(taken).not.toContain('w-deploy');
  });
});

describe('quietWrite', () => {
  const table = objectTableOf([
    { uid: 'uid-owned', name: 'owned', resource: 'pods', namespace: 'production', seen_ns: 1_000n, owner_uids: ['uid-rs'] },
    // One name, two objects: the first named by an Event, the second, later, by nothing.
    { uid: 'uid-then', name: 'reused', resource: 'pods', namespace: 'production', seen_ns: 1_000n, deleted_ns: 2_000n },
    { uid: 'uid-now', name: 'reused', resource: 'pods', namespace: 'production', seen_ns: 5_000n },
  ]);
  const quiet = { causes: new Set(['uid-event', 'uid-then']), index: new ObjectIndex(table) };
  const patch = (fields: Partial<StageFields>): StageFields => ({
    id: 1,
    kind: 'k8s_api',
    action: 'patch',
    resource: 'pods',
    namespace: 'production',
    timeNs: 6_000n,
    outcome: 'success',
    ...fields,
  });

  it('is false for any object something may follow from or that follows from something, whichever field names it', () => {
    expect(quietWrite(patch({ name: 'nobody' }), quiet)).toBe(true);
    // By uid alone, the table knowing nothing of it.
    expect(quietWrite(patch({ uid: 'uid-event' }), quiet)).toBe(false);
    expect(quietWrite(patch({ keys: { object_uid: 'uid-event' } }), quiet)).toBe(false);
    // Its owners: in its own record, or in the table.
    expect(quietWrite(patch({ name: 'nobody', keys: { owner_uids: ['uid-x'] } }), quiet)).toBe(false);
    expect(quietWrite(patch({ uid: 'uid-owned' }), quiet)).toBe(false);
    // A name whose holder now is quiet, but which an Event's object held before (any time counts).
    expect(quietWrite(patch({ name: 'reused' }), quiet)).toBe(false);
    expect(quietWrite(patch({ name: 'reused', timeNs: 1_500n }), quiet)).toBe(false);
    // A key the record carries that is no uid: not trusted to be quiet.
    expect(quietWrite(patch({ keys: { object_uid: 7 } }), quiet)).toBe(false);
  });

  it('makes a write that changes an object a routine stage only when given, and only when quiet', () => {
    expect(routineStage(patch({ name: 'nobody' }), [], new Set())).toBe(false);
    expect(routineStage(patch({ name: 'nobody' }), [], new Set(), quiet)).toBe(true);
    expect(routineStage(patch({ name: 'nobody', outcome: 'failure' }), [], new Set(), quiet)).toBe(false);
    expect(routineStage(patch({ name: 'reused' }), [], new Set(), quiet)).toBe(false);
    expect(routineStage(patch({ name: 'nobody' }), [5_500n], new Set(), quiet)).toBe(false); // a tool call just before
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
