// The link cache (migration 0028, service/link-cache.ts) is derived data a forger can edit: the graph must
// come from it only when this installation wrote it for the case as it stands. Attacks first: a body
// edited under the old MAC, a cache MACed by another installation, one left from before an import, one
// that is not a linked case at all; each is ignored and the case linked anew. A cache that is genuine is
// what the workbench shows (a planted one with a valid MAC proves the path is taken).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedLinkedCase, encodeLinkedCase, linkCacheMac } from '../../../src-main/service/link-cache';
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
  if (row) forger.prepare('INSERT OR REPLACE INTO link_cache (id, key, body, mac) VALUES (1, ?, ?, ?)').run(row.key, row.body, row.mac);
  else forger.prepare('DELETE FROM link_cache').run();
  forger.close();
  const reader = Workbench.open(casePath, { readOnly: true });
  try {
    return await read(reader);
  } finally {
    reader.close();
  }
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
    const valid = (bytes: Buffer): LinkCacheRow => {
      const body = deflateRawSync(bytes);
      return { key, body, mac: linkCacheMac(key, body) };
    };
    /** A body as the encoder lays it out: the header's length, the header, then the columns' bytes. */
    const laidOut = (header: unknown, ...columns: (Float64Array | Uint32Array)[]): Buffer => {
      const json = Buffer.from(JSON.stringify(header));
      const length = Buffer.alloc(4);
      length.writeUInt32BE(json.length);
      return Buffer.concat([length, json, ...columns.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))]);
    };
    const empty = { nodes: [], edges: [], groups: [], chains: [] };
    const one = (events: number[], starts: number[]) =>
      laidOut(
        { graph: empty, backgroundEdges: [], members: [['g', events.length, starts.length]] },
        new Float64Array(events),
        new Uint32Array(starts),
      );
    // The layout of a real one holds: this reads as an empty linked case (and so is believed).
    const fine = valid(one([4, 5, 6], [0, 2]));
    expect((await graphWith(fine)).nodes).toEqual([]);
    for (const bytes of [
      Buffer.from('{"graph": "not a graph"'), // JSON with no header length
      laidOut({ graph: 'not a graph', backgroundEdges: [], members: [] }),
      laidOut({ graph: { nodes: 5 }, backgroundEdges: [], members: 7 }),
      laidOut(null),
      Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from('{}')]), // a header longer than the body
      Buffer.concat([Buffer.from([0, 0, 0, 200]), Buffer.from('{"graph"')]), // a body that ends inside its header
      laidOut({ graph: empty, backgroundEdges: [], members: [['g', 2 ** 40, 1]] }), // columns claimed past any body
      // Each list is checked an item at a time: one bad item anywhere, or a bad field beside the lists.
      laidOut({ graph: { ...empty, nodes: [{ id: 1 }] }, backgroundEdges: [], members: [] }),
      laidOut({ graph: { ...empty, chains: [null] }, backgroundEdges: [], members: [] }),
      laidOut({ graph: { ...empty, groups: 'none' }, backgroundEdges: [], members: [] }),
      laidOut({ graph: empty, backgroundEdges: [{ from: 'a' }], members: [] }),
      laidOut({ graph: { ...empty, hidden: { links: { a: -1 }, lanes: {} } }, backgroundEdges: [], members: [] }),
    ]) {
      expect(await graphWith(valid(bytes))).toEqual(truth);
    }
    const notDeflated = Buffer.from('plain bytes');
    expect(await graphWith({ key, body: notDeflated, mac: linkCacheMac(key, notDeflated) })).toEqual(truth);
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
    const valid = (bytes: Buffer): LinkCacheRow => {
      const body = deflateRawSync(bytes);
      return { key, body, mac: linkCacheMac(key, body) };
    };
    /** The real header and columns, with the columns of the first group changed by `change`. */
    const bodyWith = (change: (events: number[], starts: number[]) => [number[], number[], number?, number?]): Buffer => {
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
      const json = Buffer.from(JSON.stringify({ graph: linked.graph, backgroundEdges: linked.backgroundEdges, members: sizes }));
      const length = Buffer.alloc(4);
      length.writeUInt32BE(json.length);
      return Buffer.concat([length, json, ...columns]);
    };
    const wellLaidOut = await readWith(valid(bodyWith((e, s) => [e, s])), (reader) =>
      reader.groupMembers({ group, filter: {}, offset: 0, limit: 50 }),
    );
    expect(wellLaidOut).toEqual(honest.members);
    for (const change of [
      (e: number[], s: number[]): [number[], number[], number?, number?] => [e, s, e.length, s.length + 1], // more starts claimed than the body holds
      (e: number[], s: number[]): [number[], number[], number?, number?] => [[...e, 7], s, e.length], // bytes left over after the last column
      (e: number[], s: number[]): [number[], number[]] => [e, [1, ...s.slice(1)]], // the first member does not start at 0
      (e: number[], s: number[]): [number[], number[]] => [e, [...s, e.length]], // a member with no event
      (e: number[], s: number[]): [number[], number[]] => [e, [...s.slice(0, -1), e.length + 5]], // a member past the events
      (e: number[], s: number[]): [number[], number[]] => [[0.5, ...e.slice(1)], s], // an event id that is not one
      (e: number[], s: number[]): [number[], number[]] => [[-5, ...e.slice(1)], s],
    ]) {
      const seen = await readWith(valid(bodyWith(change)), (reader) => ({
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
    const cached = await readWith(row, (reader) => cachedLinkedCase(reader.store, key));
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
