// The link cache's one row (migration 0028): read and replaced as a whole; service/link-cache.ts says
// what it holds and whether to believe it.
import type { CaseStore } from './case-store';

export interface LinkCacheRow {
  key: string;
  body: Buffer;
  mac: string;
}

export function readLinkCache(store: CaseStore): LinkCacheRow | undefined {
  return store.db.prepare('SELECT key, body, mac FROM link_cache WHERE id = 1').get() as LinkCacheRow | undefined;
}

/** Replaces the row; nothing is written on a read-only case or while an import holds the case. */
export function writeLinkCache(store: CaseStore, row: LinkCacheRow): boolean {
  if (store.db.readonly || store.isWriting) return false;
  store.writeNow(() =>
    store.db.prepare('INSERT OR REPLACE INTO link_cache (id, key, body, mac) VALUES (1, ?, ?, ?)').run(row.key, row.body, row.mac),
  );
  return true;
}
