-- Less derived data a record (issue 17: a case file at most 1.3 × its evidence). Both changes keep what a
-- query can answer; they drop what the case stored twice.
--
-- api_call held, for each auditID, its latest stage and counts nothing read: 160 bytes a call between
-- the table and its index on the 36-character auditID, a sixth of a case's derived data. A call's latest
-- stage is found in audit_stage through audit_stage_by_call, the few stages of one auditID ordered
-- (store/api-calls.ts, latestStageSql); the superseded flags it decided stay as they are.
DROP TABLE api_call;

-- The same record in another source is found by its SHA-256: an index on the first 16 hex digits (64
-- bits) finds the candidates, the full hash compared on the rows decides. A quarter of the index it was.
DROP INDEX event_by_raw_sha256;
CREATE INDEX event_by_raw_prefix ON event (substr(raw_sha256, 1, 16));
