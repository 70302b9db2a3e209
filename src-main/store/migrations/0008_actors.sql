-- The actor filter is a substring of a name ("james.w" finds james.w@example.com as actor or as the
-- principal an agent acted for). A case holds few distinct names among many events, so the substring is
-- matched against this short list and the events are then found through the two indexes, instead of
-- scanning every event. Derived data: the import adds the names of the events it writes.
CREATE TABLE actor (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO actor (name) SELECT actor_id FROM event WHERE actor_id IS NOT NULL;
INSERT OR IGNORE INTO actor (name) SELECT on_behalf_of FROM event WHERE on_behalf_of IS NOT NULL;
CREATE INDEX event_by_actor ON event (actor_id, time_ns);
CREATE INDEX event_by_principal ON event (on_behalf_of, time_ns);
