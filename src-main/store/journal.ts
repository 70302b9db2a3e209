// The analyst journal as the case file keeps it (migrations/0004_analysis.sql).
import type { JournalEntry } from '../shared/analysis';
import type { CaseStore } from './case-store';

interface JournalRow {
  seq: number;
  at: string;
  analyst: string;
  action: string;
  prev_hash: string;
  hash: string;
}

export function readJournal(store: CaseStore): JournalEntry[] {
  const rows = store.db.prepare('SELECT seq, at, analyst, action, prev_hash, hash FROM journal ORDER BY seq').all() as JournalRow[];
  return rows.map((row) => ({ ...row, action: JSON.parse(row.action) as JournalEntry['action'] }));
}

/**
 * Appends one entry and, in the same transaction, its head signed by `signHead` (migration 0010): an entry
 * is never kept without the signature that lets a later check catch it being rewritten. Refused when the
 * case's schema was changed outside Causa.
 */
export function appendJournal(store: CaseStore, entry: JournalEntry, signHead: (head: { seq: number; hash: string }) => string): void {
  store.refuseIfTampered('write to the analyst journal');
  store.writeNow(() =>
    store.db.transaction(() => {
      store.db
        .prepare('INSERT INTO journal (seq, at, analyst, action, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)')
        .run(entry.seq, entry.at, entry.analyst, JSON.stringify(entry.action), entry.prev_hash, entry.hash);
      store.db
        .prepare('INSERT INTO journal_head (seq, hash, signature) VALUES (?, ?, ?)')
        .run(entry.seq, entry.hash, signHead({ seq: entry.seq, hash: entry.hash }));
    })(),
  );
}
