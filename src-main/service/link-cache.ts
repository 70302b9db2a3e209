// The linked case kept in the case file (migration 0028, issue 17), so that a workbench reopening a large
// case draws its graph at once instead of linking it again. The body is the linked case as deflated JSON;
// the MAC is HMAC-SHA-256 over the key and the body under a key derived from this installation's private
// key (service/trust.ts). The case file may be edited by someone who wants a different story: a cache
// whose MAC does not verify is ignored, as is one written by another installation (its key is not ours)
// and one whose key is not the case's as it stands. Whoever holds the installation key can forge one, as
// they can the case's own seals.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { GroupMembers, LinkedCase } from '../core/link';
import { z } from 'zod';
import { Graph, GraphEdge } from '../shared/graph';
import type { CaseStore } from '../store/case-store';
import { readLinkCache, writeLinkCache, type LinkCacheRow } from '../store/link-cache';
import { installationKey } from './trust';

/** The largest body inflated: a cache that claims more is not read (a linked case of 10 M events is ~150 MB). */
const MAX_BODY_BYTES = 1024 * 1024 * 1024;

const macKeys = new Map<string, Buffer>();

/** The MAC key, derived from the installation key (never the key itself), once for each installation. */
function linkCacheMacKey(): Buffer {
  const key = installationKey();
  let derived = macKeys.get(key.path);
  if (!derived) {
    derived = createHash('sha256')
      .update('causa link cache v1\u0000')
      .update(key.privateKey.export({ format: 'der', type: 'pkcs8' }))
      .digest();
    macKeys.set(key.path, derived);
  }
  return derived;
}

/** The MAC of a row's key and body under this installation's link-cache key. */
export function linkCacheMac(key: string, body: Buffer): string {
  return createHmac('sha256', linkCacheMacKey()).update(key).update('\u0000').update(body).digest('hex');
}

interface Encoded {
  graph: LinkedCase['graph'];
  members: [string, GroupMembers][];
  backgroundEdges: LinkedCase['backgroundEdges'];
}

/** A linked case as the cache row holds it. */
export function encodeLinkedCase(key: string, linked: LinkedCase): LinkCacheRow {
  const encoded: Encoded = { graph: linked.graph, members: [...linked.members], backgroundEdges: linked.backgroundEdges };
  const body = deflateRawSync(Buffer.from(JSON.stringify(encoded)), { level: 1 });
  return { key, body, mac: linkCacheMac(key, body) };
}

/** The linked case a row holds, when its MAC verifies under this installation's key; undefined otherwise. */
export function decodeLinkedCase(row: LinkCacheRow): LinkedCase | undefined {
  const expected = Buffer.from(linkCacheMac(row.key, row.body), 'hex');
  const given = Buffer.from(row.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const encoded = JSON.parse(inflateRawSync(row.body, { maxOutputLength: MAX_BODY_BYTES }).toString('utf8')) as Encoded;
    // Only this installation writes a body that verifies, but it is read as if it might not be a linked case.
    const graph = Graph.safeParse(encoded.graph);
    const edges = z.array(GraphEdge).safeParse(encoded.backgroundEdges);
    if (!graph.success || !edges.success || !Array.isArray(encoded.members)) return undefined;
    const members = new Map<string, GroupMembers>();
    for (const entry of encoded.members) {
      const [id, of] = entry as [unknown, Partial<GroupMembers> | null];
      if (typeof id !== 'string' || !Array.isArray(of?.events) || !Array.isArray(of.starts)) return undefined;
      members.set(id, { events: of.events, starts: of.starts });
    }
    return { graph: graph.data, members, backgroundEdges: edges.data };
  } catch {
    return undefined;
  }
}

/** The cached linked case for `key`, when the case holds one this installation wrote for it. */
export function cachedLinkedCase(store: CaseStore, key: string): LinkedCase | undefined {
  const row = readLinkCache(store);
  return row && row.key === key ? decodeLinkedCase(row) : undefined;
}

/** Keeps a row in the case (not on a read-only case, nor while an import writes); whether it was kept. */
export function keepLinkCache(store: CaseStore, row: LinkCacheRow): boolean {
  return writeLinkCache(store, row);
}
