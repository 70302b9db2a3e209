// The link cache's one row (migrations 0028, 0031, 0032): replaced as a whole, read without its members (asked
// for apart, when a group's members are used); service/link-cache.ts says what it holds and whether to
// believe it.
import type { CaseStore } from './case-store';

/** The row without its members: what a graph needs. */
export interface LinkCacheHead {
  key: string;
  /** The header in deflated frames of JSON text (service/link-cache.ts; something else where a forger stored it). */
  body: Buffer;
  mac: string;
}

export interface LinkCacheRow extends LinkCacheHead {
  members: Buffer;
}

export function readLinkCache(store: CaseStore): LinkCacheHead | undefined {
  return store.db.prepare('SELECT key, body, mac FROM link_cache WHERE id = 1').get() as LinkCacheHead | undefined;
}

/** The row's members column as it is now (not a Buffer when a forger stored something else). */
export function readLinkCacheMembers(store: CaseStore): unknown {
  return store.db.prepare('SELECT members FROM link_cache WHERE id = 1').pluck().get();
}

/** Replaces the row; nothing is written on a read-only case or while an import holds the case. */
export function writeLinkCache(store: CaseStore, row: LinkCacheRow): boolean {
  if (store.db.readonly || store.isWriting) return false;
  store.writeNow(() =>
    store.db
      .prepare('INSERT OR REPLACE INTO link_cache (id, key, body, mac, members) VALUES (1, ?, ?, ?, ?)')
      .run(row.key, row.body, row.mac, row.members),
  );
  return true;
}
