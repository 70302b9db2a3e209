// The derived taint labels of migration 0022: events reached by a taint chain, replaced whole.
import type { CaseStore } from './case-store';

/** Derived data, rebuilt whole: a case opened read-only keeps what it has. */
export function replaceDerivedTaint(
  store: CaseStore,
  rows: readonly { event_id: number; labels: readonly string[]; from_event: number }[],
): void {
  const insert = store.db.prepare('INSERT INTO derived_taint (event_id, labels, from_event) VALUES (?, ?, ?)');
  store.writeNow(() =>
    store.db.transaction(() => {
      store.db.prepare('DELETE FROM derived_taint').run();
      for (const row of rows) insert.run(row.event_id, JSON.stringify(row.labels), row.from_event);
    })(),
  );
}

/** How many events carry each derived label that their own record does not. */
export function derivedTaintCounts(store: CaseStore): Map<string, number> {
  const rows = store.db
    .prepare(
      `SELECT t.value AS label, count(*) AS n FROM derived_taint d JOIN event e ON e.id = d.event_id, json_each(d.labels) t
      WHERE NOT EXISTS (SELECT 1 FROM json_each(e.taint) o WHERE o.value = t.value) GROUP BY 1`,
    )
    .all() as { label: string; n: number }[];
  return new Map(rows.map((r) => [r.label, r.n]));
}
