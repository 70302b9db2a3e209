// The link cache (migration 0028, service/link-cache.ts) is derived data a forger can edit: the graph must
// come from it only when this installation wrote it for the case as it stands. Attacks first: a body
// edited under the old MAC, a cache MACed by another installation, one left from before an import, one
// that is not a linked case at all; each is ignored and the case linked anew. A cache that is genuine is
// what the workbench shows (a planted one with a valid MAC proves the path is taken).
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedLinkedCase, encodeLinkedCase, framedBody, hasLinkCache, linkCacheMac } from '../../../src-main/service/link-cache';
import { linkCase } from '../../../src-main/service/graph';
import { Workbench } from '../../../src-main/service/workbench';
import type { Graph } from '../../../src-main/shared/graph';
import { readLinkCache, type LinkCacheRow } from '../../../src-main/store/link-cache';
import { rewriteRaw, tamper } from './tamper';

const SAMPLE = new URL('../../../resources/samples/inc-0047', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'causa-link-cache-'));
const casePath = join(dir, 'case.causa');
let truth: Graph;
let key: string;

beforeAll(async () => {
  const workbench = Workbench.open(casePath, { create: true });
  await workbench.importPaths([SAMPLE]);
  key = workbench.linkKey().key;
  truth = workbench.graph();
  workbench.close();
});

/** Writes a row into the case as a forger with the file would, then opens it afresh and reads it. */
async function readWith<T>(row: LinkCacheRow | undefined, read: (reader: Workbench) => T | Promise<T>): Promise<T> {
  const forger = new Database(casePath);
  if (row)
    forger
      .prepare('INSERT OR REPLACE INTO link_cache (id, key, body, mac, members) VALUES (1, ?, ?, ?, ?)')
      .run(row.key, row.body, row.mac, row.members);
  else forger.prepare('DELETE FROM link_cache').run();
  forger.close();
  const reader = Workbench.open(casePath, { readOnly: true });
  try {
    return await read(reader);
  } finally {
    reader.close();
  }
}

/**
 * A row laid out as encodeLinkedCase lays it out, MACed with this installation's own key as only this
 * installation could: the header's JSON text as the body's one frame (its members_sha256 filled in when an
 * object has none), then `frames` (JSON texts) after it, the columns' bytes deflated as the members.
 * `body` replaces the body: a text is framed as the one frame, bytes are the body as they are.
 */
function validRow(header: unknown, columns: Buffer = Buffer.alloc(0), body?: string | Buffer, frames: string[] = []): LinkCacheRow {
  const members = deflateRawSync(columns);
  const named =
    typeof header === 'object' && header !== null && !('members_sha256' in header)
      ? { ...header, members_sha256: createHash('sha256').update(members).digest('hex') }
      : header;
  const bytes = Buffer.isBuffer(body) ? body : framedBody([body ?? JSON.stringify(named), ...frames]);
  return { key, body: bytes, members, mac: linkCacheMac(key, bytes) };
}

/** A frame as framedBody lays it out: its length, then its bytes. */
function lengthThen(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The graph of the case opened afresh with that row as its link cache. */
function graphWith(row: LinkCacheRow | undefined): Promise<Graph> {
  return readWith(row, (reader) => reader.graph());
}

/** The case's true links with every chain relabelled: what a planted cache would show. */
function planted(label: string): ReturnType<typeof linkCase> {
  const reader = Workbench.open(casePath, { readOnly: true });
  try {
    const linked = linkCase(reader.store, reader.linkKey().analyst);
    return { ...linked, graph: { ...linked.graph, chains: linked.graph.chains.map((chain) => ({ ...chain, label })) } };
  } finally {
    reader.close();
  }
}

afterAll(async () => {
  await graphWith(undefined);
});

describe('the link cache', () => {
  it('is what the graph shows when this installation wrote it for the case as it stands', async () => {
    const row = encodeLinkedCase(key, planted('PLANTED WITH A VALID MAC'));
    expect((await graphWith(row)).chains.map((chain) => chain.label)).toEqual(truth.chains.map(() => 'PLANTED WITH A VALID MAC'));
    // With no cache the links are made again: the true graph.
    expect(await graphWith(undefined)).toEqual(truth);
  });

  it('is what the postmortem reports too: the report links nothing of its own', async () => {
    const label = 'PLANTED FOR THE REPORT';
    const report = (row: LinkCacheRow | undefined) => readWith(row, async (reader) => (await reader.renderReport('md')).toString('utf8'));
    expect(await report(encodeLinkedCase(key, planted(label)))).toContain(label);
    const genuine = encodeLinkedCase(key, planted('genuine'));
    const forged = { ...encodeLinkedCase(key, planted(label)), mac: genuine.mac };
    const honest = await report(forged);
    expect(honest).not.toContain(label);
    expect(honest).toContain(truth.chains[0]!.label);
  });

  it('is ignored when its body was edited under the old MAC', async () => {
    const genuine = encodeLinkedCase(key, planted('genuine'));
    const forged = encodeLinkedCase(key, planted('FORGED'));
    expect(await graphWith({ ...forged, mac: genuine.mac })).toEqual(truth);
    // Nor can the key be moved onto another state of the case.
    expect(await graphWith({ ...genuine, key: `${key} ` })).toEqual(truth);
  });

  it('is taken as there by `causa import`’s linking ahead only when its MAC verifies for the key', async () => {
    const genuine = encodeLinkedCase(key, planted('genuine'));
    const present = (row: LinkCacheRow) => readWith(row, (reader) => hasLinkCache(reader.store, key));
    expect(await present(genuine)).toBe(true);
    expect(await present({ ...encodeLinkedCase(key, planted('FORGED')), mac: genuine.mac })).toBe(false);
    expect(await present({ ...genuine, key: `${key} ` })).toBe(false);
    expect(await present({ ...genuine, body: Buffer.from('not bytes') as Buffer, mac: 'zz' })).toBe(false);
    // A forged row is replaced by the links made anew when the import links ahead.
    await readWith({ ...encodeLinkedCase(key, planted('FORGED')), mac: genuine.mac }, () => undefined);
    const writer = Workbench.open(casePath);
    try {
      await writer.linkAhead();
      expect(hasLinkCache(writer.store, key)).toBe(true);
      expect(cachedLinkedCase(writer.store, key)!.graph).toEqual(truth);
    } finally {
      writer.close();
    }
  });

  it('is ignored when another installation wrote it', async () => {
    const home = process.env.CAUSA_HOME;
    process.env.CAUSA_HOME = mkdtempSync(join(tmpdir(), 'causa-other-installation-'));
    let theirs: LinkCacheRow;
    try {
      theirs = encodeLinkedCase(key, planted('ANOTHER INSTALLATION'));
    } finally {
      process.env.CAUSA_HOME = home;
    }
    expect(await graphWith(theirs)).toEqual(truth);
  });

  it('is ignored when it is not a linked case, even under a valid MAC', async () => {
    // MACed with this installation's own key, as only this installation could: still not believed.
    const empty = { nodes: [], edges: [], groups: [], chains: [] };
    const columns = Buffer.concat([Buffer.from(new Float64Array([4, 5, 6]).buffer), Buffer.from(new Uint32Array([0, 2]).buffer)]);
    // The layout of a real one holds: this reads as an empty linked case (and so is believed).
    const fine = validRow({ graph: empty, backgroundEdges: [], members: [['g', 3, 2]] }, columns);
    expect((await graphWith(fine)).nodes).toEqual([]);
    for (const row of [
      validRow(undefined, undefined, '{"graph": "not a graph"'), // a body that ends inside its JSON
      validRow({ graph: 'not a graph', backgroundEdges: [], members: [] }),
      validRow({ graph: { nodes: 5 }, backgroundEdges: [], members: 7 }),
      validRow(null),
      validRow({ graph: empty, backgroundEdges: [], members: [['g', 2 ** 40, 1]] }), // columns claimed past any body
      validRow({ graph: empty, backgroundEdges: [], members: [], members_sha256: 7 }), // no hash to check the members by
      // Each list is checked an item at a time: one bad item anywhere, or a bad field beside the lists.
      validRow({ graph: { ...empty, nodes: [{ id: 1 }] }, backgroundEdges: [], members: [] }),
      validRow({ graph: { ...empty, chains: [null] }, backgroundEdges: [], members: [] }),
      validRow({ graph: { ...empty, groups: 'none' }, backgroundEdges: [], members: [] }),
      validRow({ graph: empty, backgroundEdges: [{ from: 'a' }], members: [] }),
      validRow({ graph: { ...empty, hidden: { links: { a: -1 }, lanes: {} } }, backgroundEdges: [], members: [] }),
    ]) {
      expect(await graphWith(row)).toEqual(truth);
    }
  });

  it('is read a frame at a time, and ignored when one frame is not what it must be, even under a valid MAC', async () => {
    // A graph of more nodes than a frame holds (256), read back whole and in order.
    const linked = planted('FRAMED');
    const many = Array.from({ length: 700 }, (_, i) => ({ ...linked.graph.nodes[i % linked.graph.nodes.length]!, id: `n${i}` }));
    const large = { ...linked, graph: { ...linked.graph, nodes: many } };
    const row = encodeLinkedCase(key, large);
    expect((await graphWith(row)).nodes).toEqual(many);
    expect(await graphWith(row)).toEqual(large.graph);
    const empty = { nodes: [], edges: [], groups: [], chains: [] };
    const header = { graph: empty, backgroundEdges: [], members: [] };
    const node = JSON.stringify(['nodes', [truth.nodes[0]]]);
    // The layout holds: a later frame's items are appended to their list.
    expect((await graphWith(validRow(header, undefined, undefined, [node]))).nodes).toEqual([truth.nodes[0]]);
    const frame = (text: string): Buffer => framedBody([text]);
    const whole = framedBody([JSON.stringify({ ...header, members_sha256: 'x' }), node]);
    for (const bad of [
      validRow(header, undefined, undefined, [JSON.stringify(['secrets', [truth.nodes[0]]])]), // a list the header has not
      validRow(header, undefined, undefined, [JSON.stringify(['nodes', [{ id: 7 }]])]), // an item that is not a node
      validRow(header, undefined, undefined, [JSON.stringify(['nodes', [truth.nodes[0]], 'more'])]),
      validRow(header, undefined, undefined, [JSON.stringify({ nodes: [truth.nodes[0]] })]),
      validRow(header, undefined, undefined, [JSON.stringify(['backgroundEdges', [truth.nodes[0]]])]), // a node where edges go
      validRow(header, undefined, undefined, ['["nodes", [']), // a frame that ends inside its JSON
      validRow(undefined, undefined, whole.subarray(0, whole.length - 3)), // the last frame cut off
      validRow(undefined, undefined, Buffer.concat([whole, Buffer.from([1, 0])])), // a length cut off after it
      validRow(undefined, undefined, Buffer.concat([frame(JSON.stringify(header)), Buffer.from([4, 0, 0, 0]), Buffer.from('junk')])), // not deflated
      // A frame that inflates past 64 MiB: a bomb, not read.
      validRow(
        undefined,
        undefined,
        Buffer.concat([frame(JSON.stringify(header)), lengthThen(deflateRawSync(Buffer.alloc(65 * 1024 * 1024, 32)))]),
      ),
      validRow(undefined, undefined, Buffer.alloc(0)), // no frame at all
      { ...validRow(header), body: JSON.stringify(header) as unknown as Buffer }, // text where the frames go (an older row's layout)
    ]) {
      expect(await graphWith(bad)).toEqual(truth);
    }
  });

  it('has its members read when first used, and links anew when they are not members, even under a valid MAC', async () => {
    // The graph is read from the header alone; the members (a million events' worth of columns) only when
    // a group is expanded or a filter counts its matches. Members that turn out not to be members then
    // send the workbench to link the case anew: the expansion and the filtered graph are the true ones.
    const group = truth.groups[0]!.id;
    const filter = { namespace: [truth.nodes.find((node) => node.target?.namespace)!.target!.namespace!] };
    const honest = await readWith(undefined, (reader) => ({
      members: reader.groupMembers({ group, filter: {}, offset: 0, limit: 50 }),
      filtered: reader.graph(filter),
    }));
    expect(honest.members.nodes.length).toBeGreaterThan(0);
    const linked = planted('READ FROM THE HEADER');
    /** The real header and columns, with the columns of the first group changed by `change`. */
    const rowWith = (change: (events: number[], starts: number[]) => [number[], number[], number?, number?]): LinkCacheRow => {
      const columns: Buffer[] = [];
      const sizes: [string, number, number][] = [];
      for (const [id, of] of linked.members) {
        let [events, starts, claimedEvents, claimedStarts] = [[...of.events], [...of.starts], of.events.length, of.starts.length];
        if (id === group) {
          const changed = change(events, starts);
          [events, starts] = [changed[0], changed[1]];
          [claimedEvents, claimedStarts] = [changed[2] ?? events.length, changed[3] ?? starts.length];
        }
        sizes.push([id, claimedEvents, claimedStarts]);
        columns.push(Buffer.from(new Float64Array(events).buffer), Buffer.from(new Uint32Array(starts).buffer));
      }
      return validRow({ graph: linked.graph, backgroundEdges: linked.backgroundEdges, members: sizes }, Buffer.concat(columns));
    };
    const wellLaidOut = await readWith(
      rowWith((e, s) => [e, s]),
      (reader) => reader.groupMembers({ group, filter: {}, offset: 0, limit: 50 }),
    );
    expect(wellLaidOut).toEqual(honest.members);
    // The members column edited, or not a column at all, under the header's valid MAC: not the members it names.
    const genuine = rowWith((e, s) => [e, s]);
    const rows = [
      { ...genuine, members: deflateRawSync(Buffer.alloc(64)) },
      { ...genuine, members: Buffer.concat([genuine.members, Buffer.from([0])]) },
      { ...genuine, members: 'members' as unknown as Buffer },
      // Well-formed members, but not these: another row's, whose first member's first event is another.
      { ...genuine, members: rowWith((e, s) => [[e[1]! + 1, ...e.slice(1)], s]).members },
    ];
    for (const change of [
      (e: number[], s: number[]): [number[], number[], number?, number?] => [e, s, e.length, s.length + 1], // more starts claimed than the body holds
      (e: number[], s: number[]): [number[], number[], number?, number?] => [[...e, 7], s, e.length], // bytes left over after the last column
      (e: number[], s: number[]): [number[], number[]] => [e, [1, ...s.slice(1)]], // the first member does not start at 0
      (e: number[], s: number[]): [number[], number[]] => [e, [...s, e.length]], // a member with no event
      (e: number[], s: number[]): [number[], number[]] => [e, [...s.slice(0, -1), e.length + 5]], // a member past the events
      (e: number[], s: number[]): [number[], number[]] => [[0.5, ...e.slice(1)], s], // an event id that is not one
      (e: number[], s: number[]): [number[], number[]] => [[-5, ...e.slice(1)], s],
    ])
      rows.push(rowWith(change));
    for (const row of rows) {
      const seen = await readWith(row, (reader) => ({
        labels: reader.graph().chains.map((chain) => chain.label),
        members: reader.groupMembers({ group, filter: {}, offset: 0, limit: 50 }),
        filtered: reader.graph(filter),
        labelsAfter: reader.graph().chains.map((chain) => chain.label),
      }));
      expect(seen.labels).toEqual(truth.chains.map(() => 'READ FROM THE HEADER'));
      expect(seen.members).toEqual(honest.members);
      expect(seen.filtered).toEqual(honest.filtered);
      expect(seen.labelsAfter).toEqual(truth.chains.map((chain) => chain.label));
    }
  });

  it('holds the members as they were linked: a group expanded from the cache is the group linked anew', async () => {
    const linked = planted('any');
    const row = encodeLinkedCase(key, linked);
    // The members are read from the case when first used: while it is open.
    const cached = await readWith(row, (reader) => {
      const found = cachedLinkedCase(reader.store, key);
      return found && { members: new Map(found.members), backgroundEdges: found.backgroundEdges };
    });
    expect(cached).toBeDefined();
    expect(linked.members.size).toBeGreaterThan(0);
    expect([...cached!.members.keys()]).toEqual([...linked.members.keys()]);
    for (const [id, of] of linked.members) expect(cached!.members.get(id)).toEqual(of);
    expect(cached!.backgroundEdges).toEqual(linked.backgroundEdges);
  });

  it('outlives a verification that finds the case as it was, not one that finds a record changed', async () => {
    const label = 'LINKED BEFORE THE VERIFICATIONS';
    const verifyNow = async () => {
      const writer = Workbench.open(casePath);
      try {
        await writer.handlers.verifyCase({});
      } finally {
        writer.close();
      }
    };
    const row = encodeLinkedCase(key, planted(label));
    await readWith(row, () => undefined);
    // `causa verify CASE` after the import: the same verdicts, so the same links (it used to relink).
    await verifyNow();
    const asItIs = Workbench.open(casePath, { readOnly: true });
    try {
      expect(asItIs.graph().chains.map((chain) => chain.label)).toEqual(truth.chains.map(() => label));
    } finally {
      asItIs.close();
    }
    // A record edited in the file: the verification finds it, the verdicts change, the links are made anew.
    tamper(casePath, (db) => {
      const id = db.prepare("SELECT min(id) FROM event WHERE kind = 'k8s_api'").pluck().get() as number;
      rewriteRaw(db, id, Buffer.from('{"kind":"Event","forged":true}'));
    });
    await verifyNow();
    const after = await readWith(undefined, (reader) => ({ graph: reader.graph(), key: reader.linkKey().key }));
    expect(after.key).not.toBe(key);
    expect(after.graph.chains.map((chain) => chain.label)).not.toContain(label);
  });

  it('is ignored once the case has changed: an import makes it stale', async () => {
    const stale = encodeLinkedCase(key, planted('BEFORE THE IMPORT'));
    const writer = Workbench.open(casePath);
    const late = join(dir, 'late.jsonl');
    writeFileSync(
      late,
      `${JSON.stringify({
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'Metadata',
        auditID: '5e0c3f3e-1b7a-4a43-9d7f-2f5c9c1d0e11',
        stage: 'ResponseComplete',
        requestURI: '/api/v1/namespaces/production/secrets/db',
        verb: 'get',
        user: { username: 'mallory@example.com' },
        objectRef: { resource: 'secrets', namespace: 'production', name: 'db', apiVersion: 'v1' },
        responseStatus: { code: 403 },
        requestReceivedTimestamp: '2025-04-03T14:41:00.000000Z',
        stageTimestamp: '2025-04-03T14:41:00.001000Z',
        annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
      })}\n`,
    );
    await writer.importPaths([late]);
    writer.close();
    const graph = await graphWith(stale);
    expect(graph.chains.some((chain) => chain.label === 'BEFORE THE IMPORT')).toBe(false);
    expect(graph.nodes.some((node) => node.label === 'get secrets production/db' && node.outcome === 'denied')).toBe(true);
    const reader = Workbench.open(casePath, { readOnly: true });
    expect(readLinkCache(reader.store)?.key).toBe(key); // still there, and not believed
    reader.close();
  });
});
