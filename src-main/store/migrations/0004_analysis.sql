-- The analyst journal: what analysts did to the case (annotations, edge decisions, drawn edges, notes,
-- the story, the disclosure clock), apart from the evidence. Append-only and hash-chained: each entry's
-- hash covers the one before it (core/analysis/journal.ts states the rule), so the analysis has a chain of
-- custody of its own. Undo and redo are entries too.

CREATE TABLE journal (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  analyst   TEXT NOT NULL,
  action    TEXT NOT NULL,   -- JSON of the action
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the analyst journal is append-only: entries cannot be updated'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the analyst journal is append-only: entries cannot be deleted'); END;
