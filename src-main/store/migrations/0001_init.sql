-- The case file's first schema. Evidence tables (source, event, import_error) are write-once: triggers
-- refuse UPDATE and DELETE, so nothing in Causa, nor a bug in it, can alter evidence once recorded.

CREATE TABLE case_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE source (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  format      TEXT NOT NULL,
  sha256      TEXT NOT NULL UNIQUE,   -- of the file's bytes as received (before any gunzip)
  size        INTEGER NOT NULL,
  imported_at TEXT NOT NULL
);

CREATE TABLE event (
  id               INTEGER PRIMARY KEY,
  source_id        INTEGER NOT NULL REFERENCES source(id),
  position         INTEGER NOT NULL,   -- 1-based line, or element number, of the record in its source
  locator          TEXT,               -- where the record sits when not a whole line, e.g. $.items[3]
  ordinal          INTEGER NOT NULL DEFAULT 0, -- which of the events derived from one record (0, 1, …)
  raw              BLOB NOT NULL,      -- the record's bytes exactly as the producer wrote them
  raw_sha256       TEXT NOT NULL,
  -- Everything below is derived from raw by the importer of the source's format.
  time_ns          INTEGER,            -- nanoseconds since the Unix epoch, UTC
  time             TEXT,               -- the same, as fixed-width RFC 3339 with nine fraction digits
  time_text        TEXT,               -- the time string as the record wrote it
  kind             TEXT NOT NULL,
  action           TEXT,
  actor_type       TEXT,
  actor_id         TEXT,
  on_behalf_of     TEXT,
  target_api_group TEXT,
  target_resource  TEXT,
  target_namespace TEXT,
  target_name      TEXT,
  target_uid       TEXT,
  outcome          TEXT NOT NULL,
  authz_decision   TEXT,
  authz_reason     TEXT,
  keys             TEXT,               -- JSON object of correlation keys
  taint            TEXT,               -- JSON array of taint labels
  text             TEXT,
  UNIQUE (source_id, position, ordinal)
);

CREATE INDEX event_by_time ON event (time_ns, id);
CREATE INDEX event_by_kind ON event (kind, time_ns);

CREATE TABLE import_error (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES source(id),
  line      INTEGER NOT NULL,
  locator   TEXT,
  reason    TEXT NOT NULL
);

CREATE TRIGGER source_no_update BEFORE UPDATE ON source
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: source rows cannot be updated'); END;
CREATE TRIGGER source_no_delete BEFORE DELETE ON source
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: source rows cannot be deleted'); END;
CREATE TRIGGER event_no_update BEFORE UPDATE ON event
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: event rows cannot be updated'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: event rows cannot be deleted'); END;
CREATE TRIGGER import_error_no_update BEFORE UPDATE ON import_error
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: import_error rows cannot be updated'); END;
CREATE TRIGGER import_error_no_delete BEFORE DELETE ON import_error
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: import_error rows cannot be deleted'); END;
