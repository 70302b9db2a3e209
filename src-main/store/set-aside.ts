// A table's indexes set aside for a bulk load and built again after it, in the same transaction (so a
// failure or a crash rolls the drop back with the rows; readers on other connections keep the indexes of
// the snapshot they read). Kept up row by row, an index on a random key (an actor, a hash, an auditID)
// costs a page read for each row once it outgrows the page cache; built again, it is one sorted pass.
import type Database from 'better-sqlite3';

export interface SetAsideIndex {
  name: string;
  sql: string;
}

/**
 * Drops `table`'s indexes (those with a definition: not a primary key's or a UNIQUE constraint's) and
 * returns their definitions. A partial index (`WHERE`) is kept when `keepPartial`: rows that fall outside
 * it cost it nothing.
 */
export function setIndexesAside(db: Database.Database, table: string, { keepPartial = false } = {}): SetAsideIndex[] {
  const indexes = (
    db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name")
      .all(table) as SetAsideIndex[]
  ).filter((index) => !(keepPartial && /\bWHERE\b/i.test(index.sql)));
  for (const index of indexes) db.exec(`DROP INDEX "${index.name.replaceAll('"', '""')}"`);
  return indexes;
}

/**
 * Builds the indexes again from their definitions. SQLite sorts an index's keys in memory up to the page
 * cache's size, and the allocator keeps what the sort took for the rest of the command: the sort runs
 * with `sortCacheKib` (spilling to a temporary file past it), and the cache is `cacheKib` again after.
 */
export function buildIndexes(db: Database.Database, indexes: readonly SetAsideIndex[], sortCacheKib: number, cacheKib: number): void {
  if (indexes.length === 0) return;
  db.pragma(`cache_size = -${sortCacheKib}`);
  try {
    for (const index of indexes) db.exec(index.sql);
  } finally {
    db.pragma(`cache_size = -${cacheKib}`);
  }
}
