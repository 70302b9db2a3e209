-- Leaner event rows (issue 17: a case file at most 1.3 × its evidence). Nothing already written changes:
-- a row written before this migration keeps its values where they are, and every reader takes a column
-- through the expression store/event-columns.ts gives it, which reads the old place first.
--
-- The authorization reason is the largest column of an audit event's row (about 110 bytes) and has few
-- values in a log (one per binding that allowed a request): a row written now refers to its text in
-- event_text, written once, and leaves authz_reason NULL. Reasons past the dictionary's bounds (a log with
-- a new reason on every line) stay inline. The row digest of a seal hashes the text the reference reads,
-- so an edited dictionary entry alters every row that uses it, and the seal check names each of them.
CREATE TABLE event_text (
  id   INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);
CREATE TRIGGER event_text_no_update BEFORE UPDATE ON event_text
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: event_text rows cannot be updated'); END;
CREATE TRIGGER event_text_no_delete BEFORE DELETE ON event_text
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: event_text rows cannot be deleted'); END;

ALTER TABLE event ADD COLUMN authz_reason_ref INTEGER REFERENCES event_text(id);

-- The `time` column (RFC 3339, nine fraction digits) is a function of time_ns: a row written now leaves it
-- NULL and readers format time_ns with causa_time (registered on every connection by CaseStore.open, the
-- same formatNanos the importer used). A value a forger writes into it is read, and hashed, instead.
