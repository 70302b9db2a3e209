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

export function appendJournal(store: CaseStore, entry: JournalEntry): void {
  store.db
    .prepare('INSERT INTO journal (seq, at, analyst, action, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)')
    .run(entry.seq, entry.at, entry.analyst, JSON.stringify(entry.action), entry.prev_hash, entry.hash);
}
