-- Taint labels an event carries because a taint chain reached it (issue 20, core/analysis/taint): derived,
-- not evidence, so replaced whole each time the case's chains are computed again (after an import). The
-- event's own labels stay in event.taint; the taint filter matches either. No foreign keys: derived rows
-- must never stand in the way of the tamper checks that remove evidence rows to show they are caught.
CREATE TABLE derived_taint (
  event_id   INTEGER PRIMARY KEY,  -- the event reached
  labels     TEXT NOT NULL,        -- JSON array
  from_event INTEGER NOT NULL      -- the tool result the chain started from
);
