// The linked case kept in the case file (migrations 0028, 0031; issue 17), so that a workbench reopening a
// large case draws its graph at once instead of linking it again. The body is the linked case's header
// (graph, background edges, each group's sizes and the members' SHA-256) as deflated frames of JSON text
// (migration 0032), the members its groups' columns, deflated; the MAC is HMAC-SHA-256 over the key and
// the body's bytes under a key derived from
// this installation's private key (service/trust.ts), and the members are believed when their hash is the
// one the body names. The case file may be edited by someone who wants a different story: a cache
// whose MAC does not verify is ignored, as is one written by another installation (its key is not ours)
// and one whose key is not the case's as it stands. Whoever holds the installation key can forge one, as
// they can the case's own seals.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { GroupMembers, LinkedCase } from '../core/link';
import { internStrings } from '../core/link/intern';
import { z } from 'zod';
import { ChainSummary, Graph, GraphEdge, GraphNode, NodeGroup } from '../shared/graph';
import type { CaseStore } from '../store/case-store';
import { readLinkCache, readLinkCacheMembers, writeLinkCache, type LinkCacheHead, type LinkCacheRow } from '../store/link-cache';
import { installationKey } from './trust';

/** The most the members column inflates to: a cache that claims more is not read (a linked case of 10 M events is ~150 MB). */
const MAX_BODY_BYTES = 1024 * 1024 * 1024;

const macKeys = new Map<string, Buffer>();

/** The MAC key, derived from the installation key (never the key itself), once for each installation. */
function linkCacheMacKey(): Buffer {
  const key = installationKey();
  let derived = macKeys.get(key.path);
  if (!derived) {
    derived = createHash('sha256')
      .update('causa link cache v4\u0000')
      .update(key.privateKey.export({ format: 'der', type: 'pkcs8' }))
      .digest();
    macKeys.set(key.path, derived);
  }
  return derived;
}

/** The MAC of a row's key and body under this installation's link-cache key. */
export function linkCacheMac(key: string, body: string | Buffer): string {
  return createHmac('sha256', linkCacheMacKey()).update(key).update('\u0000').update(body).digest('hex');
}

/** The header; the members column holds each group's columns, in this order. */
interface Header {
  graph: LinkedCase['graph'];
  backgroundEdges: LinkedCase['backgroundEdges'];
  /** Each group's id, how many event ids and how many member starts its columns hold. */
  members: [string, number, number][];
  /** The SHA-256 (hex) of the members column as stored. */
  members_sha256: string;
}

/** The header's lists, which frames after the first extend: the graph's four, then the background edges. */
const LISTS = ['nodes', 'edges', 'groups', 'chains', 'backgroundEdges'] as const;
type ListName = (typeof LISTS)[number];

/** How many items of a list one frame holds. */
const FRAME_ITEMS = 256;

/** The most one frame inflates to (a frame of 256 nodes is about 0.3 MB). */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * The body's bytes from its frames' JSON texts: each frame its deflated length (uint32, little-endian),
 * then its bytes. The first frame is the header as JSON (its lists empty, or holding their first items);
 * each one after it is `[list, items]`, items to append to one of the header's lists (LISTS).
 */
export function framedBody(texts: Iterable<string>): Buffer {
  const parts: Buffer[] = [];
  for (const text of texts) {
    const deflated = deflateRawSync(text, { level: 1 });
    const length = Buffer.alloc(4);
    length.writeUInt32LE(deflated.length);
    parts.push(length, deflated);
  }
  return Buffer.concat(parts);
}

/** The header's JSON texts as framedBody frames them: the header without its lists, then the lists a frame at a time. */
function* headerFrames(header: Header): Generator<string> {
  const { graph, backgroundEdges } = header;
  yield JSON.stringify({ ...header, graph: { ...graph, nodes: [], edges: [], groups: [], chains: [] }, backgroundEdges: [] });
  const lists: Record<ListName, readonly unknown[]> = { ...graph, backgroundEdges };
  for (const name of LISTS) {
    const list = lists[name];
    for (let at = 0; at < list.length; at += FRAME_ITEMS) yield JSON.stringify([name, list.slice(at, at + FRAME_ITEMS)]);
  }
}

/** Each frame's text, inflated one at a time; throws when the bytes are not frames. */
function* frameTexts(body: Buffer): Generator<string> {
  let offset = 0;
  while (offset < body.length) {
    if (offset + 4 > body.length) throw new Error('a frame cut off');
    const length = body.readUInt32LE(offset);
    const end = offset + 4 + length;
    if (end > body.length) throw new Error('a frame cut off');
    yield inflateRawSync(body.subarray(offset + 4, end), { maxOutputLength: MAX_FRAME_BYTES }).toString('utf8');
    offset = end;
  }
}

/**
 * A linked case as the cache row holds it: the header in deflated frames of JSON text in the body (a few
 * hundred items a frame, so that neither writing nor reading it holds the whole header as one text: the
 * graph of a million events is 7 MB of it, more than the graph parsed); each group's event ids (float64,
 * little-endian) and member starts (uint32, little-endian), deflated, in the members column. The members
 * are most of a large case's links; as columns they are written and read without a million-number JSON
 * text, and apart from the header they are read only when used.
 */
export function encodeLinkedCase(key: string, linked: LinkedCase): LinkCacheRow {
  const columns = [...linked.members.values()].flatMap((of) => [of.events, of.starts]).map(littleEndian);
  const members = deflateRawSync(Buffer.concat(columns), { level: 1 });
  const header: Header = {
    graph: linked.graph,
    backgroundEdges: linked.backgroundEdges,
    members: [...linked.members].map(([id, of]) => [id, of.events.length, of.starts.length]),
    members_sha256: createHash('sha256').update(members).digest('hex'),
  };
  const body = framedBody(headerFrames(header));
  return { key, body, members, mac: linkCacheMac(key, body) };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A column's bytes, little-endian whatever the machine. */
function littleEndian(column: Float64Array | Uint32Array): Buffer {
  const bytes = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const copy = Buffer.from(bytes);
  return column instanceof Float64Array ? copy.swap64() : copy.swap32();
}

/** `count` values of a column read from `bytes` at `offset` (copied: aligned, and in the machine's order). */
function columnAt<T extends Float64Array | Uint32Array>(kind: new (length: number) => T, bytes: Buffer, offset: number, count: number): T {
  const column = new kind(count);
  const view = Buffer.from(column.buffer);
  bytes.copy(view, 0, offset, offset + view.length);
  if (!LITTLE_ENDIAN && column instanceof Float64Array) view.swap64();
  else if (!LITTLE_ENDIAN) view.swap32();
  return column;
}

/** Whether a group's columns describe members: starts from 0, ascending, within its event ids. */
function wellFormed({ events, starts }: GroupMembers): boolean {
  if (starts.length === 0) return events.length === 0;
  if (starts[0] !== 0) return false;
  for (let i = 1; i < starts.length; i += 1) if (starts[i]! <= starts[i - 1]! || starts[i]! > events.length) return false;
  for (const id of events) if (!Number.isSafeInteger(id) || id <= 0) return false;
  return starts[starts.length - 1]! < events.length;
}

/** A cached linked case whose members cannot be read after all: the workbench links the case anew. */
export class UnreadableLinkCache extends Error {
  constructor() {
    super('the link cache does not hold the members of its groups');
  }
}

type Sizes = [string, number, number][];

/**
 * The groups' members from the cache's members column, read when first asked for: the graph, a report, a
 * chain never need them (only a group expanded, or a filter counting a group's matches, does), and a
 * million events' members are 12 MB of columns and twice that inflated. Reading them checks them as a
 * whole: when they are not the bytes the MACed header names (edited, or a later row's), or do not
 * describe members, every use throws UnreadableLinkCache.
 */
class CachedMembers implements ReadonlyMap<string, GroupMembers> {
  private read: Map<string, GroupMembers> | undefined;

  constructor(
    private readonly load: () => unknown,
    private readonly sha256: string,
    private readonly sizes: Sizes,
  ) {}

  private all(): Map<string, GroupMembers> {
    if (!this.read) {
      const bytes = this.load();
      if (!Buffer.isBuffer(bytes) || createHash('sha256').update(bytes).digest('hex') !== this.sha256) throw new UnreadableLinkCache();
      this.read = membersOf(bytes, this.sizes);
    }
    return this.read;
  }

  get size(): number {
    return this.sizes.length;
  }
  has(id: string): boolean {
    return this.sizes.some(([group]) => group === id);
  }
  get(id: string): GroupMembers | undefined {
    return this.all().get(id);
  }
  forEach(each: (value: GroupMembers, key: string, map: ReadonlyMap<string, GroupMembers>) => void): void {
    this.all().forEach((value, key) => each(value, key, this));
  }
  entries(): MapIterator<[string, GroupMembers]> {
    return this.all().entries();
  }
  keys(): MapIterator<string> {
    return this.all().keys();
  }
  values(): MapIterator<GroupMembers> {
    return this.all().values();
  }
  [Symbol.iterator](): MapIterator<[string, GroupMembers]> {
    return this.all()[Symbol.iterator]();
  }
}

/** Every group's columns from the members column, checked; throws UnreadableLinkCache when they are not members. */
function membersOf(deflated: Buffer, sizes: Sizes): Map<string, GroupMembers> {
  let bytes: Buffer;
  try {
    bytes = inflateRawSync(deflated, { maxOutputLength: MAX_BODY_BYTES });
  } catch {
    throw new UnreadableLinkCache();
  }
  const members = new Map<string, GroupMembers>();
  let offset = 0;
  for (const [id, events, starts] of sizes) {
    if (offset + events * 8 + starts * 4 > bytes.length) throw new UnreadableLinkCache();
    const of = {
      events: columnAt(Float64Array, bytes, offset, events),
      starts: columnAt(Uint32Array, bytes, offset + events * 8, starts),
    };
    offset += events * 8 + starts * 4;
    if (!wellFormed(of)) throw new UnreadableLinkCache();
    members.set(id, of);
  }
  if (offset !== bytes.length) throw new UnreadableLinkCache();
  return members;
}

/**
 * The list as parsed when every item is one `schema` accepts, checked an item at a time: zod's result for
 * the whole list would be a second copy of it (tens of MiB for the graph of a million events), and the peak
 * memory of `causa graph` is that of the graph held twice. Keys a schema does not name are not stripped:
 * the body verified under this installation's MAC, so it is what this installation wrote.
 */
function everyItem<T>(list: unknown, schema: z.ZodType<T>): T[] | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const item of list) if (!schema.safeParse(item).success) return undefined;
  return list as T[];
}

/** What each list's items must be. */
const ITEM_SCHEMAS: Record<ListName, z.ZodType<unknown>> = {
  nodes: GraphNode,
  edges: GraphEdge,
  groups: NodeGroup,
  chains: ChainSummary,
  backgroundEdges: GraphEdge,
};

/** The graph's own lists (the rest of LISTS is beside the graph in the header). */
const GRAPH_LISTS = ['nodes', 'edges', 'groups', 'chains'] as const satisfies readonly ListName[];

/** The graph as parsed, when it is one (checked a part at a time, as everyItem checks a list). */
function checkedGraph(value: unknown): Graph | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const graph = value as Record<string, unknown>;
  const parts = GRAPH_LISTS.map((name) => everyItem(graph[name], ITEM_SCHEMAS[name]));
  if (parts.includes(undefined)) return undefined;
  return Graph.safeParse({ ...graph, nodes: [], edges: [], groups: [], chains: [] }).success ? (value as Graph) : undefined;
}

/**
 * The header the body's frames hold, when they hold one: the first frame's header, each later frame's
 * items checked and appended to its list; every string held once (core/link/intern.ts).
 */
function headerOf(body: Buffer): Partial<Header> | undefined {
  const seen = new Map<string, string>();
  const frames = frameTexts(body);
  const first = frames.next();
  if (first.done) return undefined;
  const header = JSON.parse(first.value) as Partial<Header> | null;
  if (typeof header !== 'object' || header === null) return undefined;
  const graph = checkedGraph(header.graph);
  const backgroundEdges = everyItem(header.backgroundEdges, GraphEdge);
  if (!graph || !backgroundEdges) return undefined;
  internStrings(header, seen);
  const lists: Record<ListName, unknown[]> = { ...graph, backgroundEdges };
  for (const text of frames) {
    const frame = JSON.parse(text) as unknown;
    if (!Array.isArray(frame) || frame.length !== 2 || !LISTS.includes(frame[0] as ListName)) return undefined;
    const name = frame[0] as ListName;
    const items = everyItem(frame[1], ITEM_SCHEMAS[name]);
    if (!items) return undefined;
    internStrings(items, seen);
    for (const item of items) lists[name].push(item);
  }
  return header;
}

/** Whether this installation wrote the row's body for its key (its MAC verifies under this installation's key). */
function macVerifies(row: LinkCacheHead): row is LinkCacheHead & { body: Buffer } {
  if (!Buffer.isBuffer(row.body) || typeof row.mac !== 'string') return false;
  const expected = Buffer.from(linkCacheMac(row.key, row.body), 'hex');
  const given = Buffer.from(row.mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The linked case a row holds, when its MAC verifies under this installation's key; undefined otherwise.
 * Only this installation writes a body that verifies, but it is read as if it might not be a linked case:
 * the graph and edges are checked when read, the members when first used (CachedMembers).
 */
export function decodeLinkedCase(row: LinkCacheHead, loadMembers: () => unknown): LinkedCase | undefined {
  if (!macVerifies(row)) return undefined;
  try {
    const header = headerOf(row.body);
    const sizes = z.array(z.tuple([z.string(), z.number().int().nonnegative(), z.number().int().nonnegative()])).safeParse(header?.members);
    const sha256 = header?.members_sha256;
    if (!header?.graph || !header.backgroundEdges || !sizes.success || typeof sha256 !== 'string') return undefined;
    const columns = sizes.data.reduce((sum, [, events, starts]) => sum + events * 8 + starts * 4, 0);
    if (columns > MAX_BODY_BYTES) return undefined;
    return { graph: header.graph, members: new CachedMembers(loadMembers, sha256, sizes.data), backgroundEdges: header.backgroundEdges };
  } catch {
    return undefined;
  }
}

/** The cached linked case for `key`, when the case holds one this installation wrote for it. */
export function cachedLinkedCase(store: CaseStore, key: string): LinkedCase | undefined {
  const row = readLinkCache(store);
  return row && row.key === key ? decodeLinkedCase(row, () => readLinkCacheMembers(store)) : undefined;
}

/**
 * Whether the case holds a row this installation wrote for `key`, without reading it: the MAC alone is
 * checked, so a body that verifies yet is not a linked case (only this installation's own fault could make
 * one) is found when the graph reads it, and linked anew then.
 */
export function hasLinkCache(store: CaseStore, key: string): boolean {
  const row = readLinkCache(store);
  return row !== undefined && row.key === key && macVerifies(row);
}

/** Keeps a row in the case (not on a read-only case, nor while an import writes); whether it was kept. */
export function keepLinkCache(store: CaseStore, row: LinkCacheRow): boolean {
  return writeLinkCache(store, row);
}
