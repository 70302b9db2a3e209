-- Audit stages grouped into API calls, and the index that finds the same record in another source.
-- Both tables are derived, not evidence: rebuilt from the event rows (rebuildApiCalls) and updated as
-- later stages of a call arrive in later files, so they carry no write-once triggers.

-- One row per audit event row: which call (auditID) and which stage it records. stage_rank orders the
-- stages of one request (RequestReceived 1, ResponseStarted 2, ResponseComplete 3, Panic 4).
CREATE TABLE audit_stage (
  event_id   INTEGER PRIMARY KEY REFERENCES event(id),
  source_id  INTEGER NOT NULL REFERENCES source(id),
  audit_id   TEXT NOT NULL,
  stage      TEXT NOT NULL,
  stage_rank INTEGER NOT NULL,
  stage_time TEXT,                  -- stageTimestamp as the record wrote it
  -- 1 when a listing shows the call's latest stage instead: an earlier stage, or the same record as the
  -- latest (same bytes) from another file. The same auditID and stage with other bytes stays visible:
  -- the Audit-ID is client-controlled, so two different records under one id conflict, they do not merge.
  superseded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX audit_stage_by_call ON audit_stage (audit_id, stage_rank, stage_time);
CREATE INDEX audit_stage_by_source ON audit_stage (source_id);

-- One row per API call: its latest stage (the one whose outcome the call has), first and last stage time,
-- how many distinct stages the case holds, and how many records (the same stage from two files counts twice).
CREATE TABLE api_call (
  audit_id        TEXT PRIMARY KEY,
  latest_event_id INTEGER NOT NULL REFERENCES event(id),
  first_time      TEXT,
  last_time       TEXT,
  stages          INTEGER NOT NULL,
  records         INTEGER NOT NULL
);

CREATE INDEX event_by_raw_sha256 ON event (raw_sha256);
