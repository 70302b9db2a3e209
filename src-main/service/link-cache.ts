// The linked case kept in the case file (migrations 0028, 0031; issue 17), so that a workbench reopening a
// large case draws its graph at once instead of linking it again. The body is the linked case's header as
// JSON text (graph, background edges, each group's sizes and the members' SHA-256), the members its
// groups' columns, deflated; the MAC is HMAC-SHA-256 over the key and the body under a key derived from
// this installation's private key (service/trust.ts), and the members are believed when their hash is the
// one the body names. The case file may be edited by someone who wants a different story: a cache
// whose MAC does not verify is ignored, as is one written by another installation (its key is not ours)
// and one whose key is not the case's as it stands. Whoever holds the installation key can forge one, as
// they can the case's own seals.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { GroupMembers, LinkedCase } from '../core/link';
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
      .update('causa link cache v3\u0000')
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

/** The body, as JSON; the members column holds each group's columns, in this order. */
interface Header {
  graph: LinkedCase['graph'];
  backgroundEdges: LinkedCase['backgroundEdges'];
  /** Each group's id, how many event ids and how many member starts its columns hold. */
  members: [string, number, number][];
  /** The SHA-256 (hex) of the members column as stored. */
  members_sha256: string;
}

/**
 * A linked case as the cache row holds it: the header as JSON text in the body (read as one string: the
 * graph of a million events is a few MB of text, and inflated it passed through twice as many buffers
 * first); each group's event ids (float64, little-endian) and member starts (uint32, little-endian),
 * deflated, in the members column. The members are most of a large case's links; as columns they are
 * written and read without a million-number JSON text, and apart from the header they are read only when
 * used.
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
  const body = JSON.stringify(header);
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

/** The graph as parsed, when it is one (checked a part at a time, as everyItem checks a list). */
function checkedGraph(value: unknown): Graph | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const graph = value as Record<string, unknown>;
  const parts = [
    everyItem(graph.nodes, GraphNode),
    everyItem(graph.edges, GraphEdge),
    everyItem(graph.groups, NodeGroup),
    everyItem(graph.chains, ChainSummary),
  ];
  if (parts.includes(undefined)) return undefined;
  return Graph.safeParse({ ...graph, nodes: [], edges: [], groups: [], chains: [] }).success ? (value as Graph) : undefined;
}

/**
 * The linked case a row holds, when its MAC verifies under this installation's key; undefined otherwise.
 * Only this installation writes a body that verifies, but it is read as if it might not be a linked case:
 * the graph and edges are checked when read, the members when first used (CachedMembers).
 */
export function decodeLinkedCase(row: LinkCacheHead, loadMembers: () => unknown): LinkedCase | undefined {
  const expected = Buffer.from(linkCacheMac(row.key, row.body), 'hex');
  const given = Buffer.from(row.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    if (typeof row.body !== 'string') return undefined;
    const header = JSON.parse(row.body) as Partial<Header> | null;
    const graph = checkedGraph(header?.graph);
    const edges = everyItem(header?.backgroundEdges, GraphEdge);
    const sizes = z.array(z.tuple([z.string(), z.number().int().nonnegative(), z.number().int().nonnegative()])).safeParse(header?.members);
    const sha256 = header?.members_sha256;
    if (!graph || !edges || !sizes.success || typeof sha256 !== 'string') return undefined;
    const columns = sizes.data.reduce((sum, [, events, starts]) => sum + events * 8 + starts * 4, 0);
    if (columns > MAX_BODY_BYTES) return undefined;
    return { graph, members: new CachedMembers(loadMembers, sha256, sizes.data), backgroundEdges: edges };
  } catch {
    return undefined;
  }
}

/** The cached linked case for `key`, when the case holds one this installation wrote for it. */
export function cachedLinkedCase(store: CaseStore, key: string): LinkedCase | undefined {
  const row = readLinkCache(store);
  return row && row.key === key ? decodeLinkedCase(row, () => readLinkCacheMembers(store)) : undefined;
}

/** Keeps a row in the case (not on a read-only case, nor while an import writes); whether it was kept. */
export function keepLinkCache(store: CaseStore, row: LinkCacheRow): boolean {
  return writeLinkCache(store, row);
}
