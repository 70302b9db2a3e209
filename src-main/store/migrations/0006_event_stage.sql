-- The stage of an audited API request (RequestReceived, ResponseComplete …) and its stageTimestamp, as
-- normalized columns of the event row like the others (derived from raw by the audit importer), so that
-- grouping stages into calls reads a column instead of parsing every raw record again.
ALTER TABLE event ADD COLUMN stage TEXT;
ALTER TABLE event ADD COLUMN stage_time TEXT;
