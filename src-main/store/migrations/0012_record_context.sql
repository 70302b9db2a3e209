-- A document record's context: the values around it that it is read with, kept beside its own bytes (an
-- OTLP span's resource and scope; docs/formats.md). The bytes are a JSON object whose keys are the
-- context values' JSON paths, outermost first, and whose values are those values' bytes exactly as the
-- producer wrote them, so the record can be normalized again from raw + context alone. Many records share
-- one context (every span of a resource), so a context is stored once, by its SHA-256. Write-once.

CREATE TABLE record_context (
  sha256 TEXT PRIMARY KEY,  -- of bytes
  bytes  BLOB NOT NULL
);

CREATE TABLE event_context (
  event_id       INTEGER PRIMARY KEY REFERENCES event(id),
  context_sha256 TEXT NOT NULL REFERENCES record_context(sha256)
);

CREATE TRIGGER record_context_no_update BEFORE UPDATE ON record_context
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: record_context rows cannot be updated'); END;
CREATE TRIGGER record_context_no_delete BEFORE DELETE ON record_context
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: record_context rows cannot be deleted'); END;
CREATE TRIGGER event_context_no_update BEFORE UPDATE ON event_context
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: event_context rows cannot be updated'); END;
CREATE TRIGGER event_context_no_delete BEFORE DELETE ON event_context
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: event_context rows cannot be deleted'); END;
