-- The earlier stages a listing hides are few beside the events shown, so a count of what a filter shows
-- is the count of what it matches less the hidden ones it matches, found through this index (see
-- store/queries.ts countEvents), instead of a look-up in audit_stage for every matching event.
CREATE INDEX audit_stage_superseded ON audit_stage (event_id) WHERE superseded = 1;
