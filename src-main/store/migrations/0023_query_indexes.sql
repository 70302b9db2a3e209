-- The query language (docs/query.md) compares fields exactly, so each field an investigation narrows by
-- gets an index that answers `field = ?` and, being ordered by time after the value, hands back the first
-- page in time order without sorting every match. Derived from the evidence columns; nothing new is stored.
-- (kind, actor_id and on_behalf_of already have theirs: 0001, 0008.)
CREATE INDEX event_by_namespace ON event (target_namespace, time_ns);
CREATE INDEX event_by_target_name ON event (target_name, time_ns);
CREATE INDEX event_by_target_uid ON event (target_uid, time_ns);
CREATE INDEX event_by_action ON event (action, time_ns);
CREATE INDEX event_by_outcome ON event (outcome, time_ns);
-- "Same trace" from any span, tool call or prompt of an agent run.
CREATE INDEX event_by_trace ON event (json_extract(keys, '$.trace_id'), time_ns);
