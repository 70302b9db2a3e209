-- The case's Kubernetes objects, one row per uid, and the kind ↔ resource pairs the evidence states.
-- Derived, not evidence: built at import from the records that name objects (store/objects.ts) and
-- updated as later files add sightings, so they carry no write-once triggers. Times are nanoseconds.

-- One row per object: what it is, its name, and when the evidence shows it. A name is held by one uid at
-- a time; a later object under the same name is another row (names are reused after a delete).
CREATE TABLE k8s_object (
  id             INTEGER PRIMARY KEY,
  uid            TEXT NOT NULL UNIQUE,
  api_group      TEXT,
  kind           TEXT,
  resource       TEXT,             -- as an audit objectRef spells it, when a record said so
  namespace      TEXT,
  name           TEXT NOT NULL,
  first_ns       INTEGER,          -- the earliest and latest record that saw it
  last_ns        INTEGER,
  created_ns     INTEGER,          -- metadata.creationTimestamp
  deleted_ns     INTEGER,          -- a successful delete, or metadata.deletionTimestamp
  owner_uids     TEXT,             -- JSON array, from ownerReferences
  sightings      INTEGER NOT NULL,
  first_event_id INTEGER REFERENCES event(id)
);
CREATE INDEX k8s_object_by_name ON k8s_object (name, namespace);

-- A kind and its resource as a record pairs them: an audit body's kind under its objectRef.resource, a
-- CustomResourceDefinition's spec.names. The first record to say it stands.
CREATE TABLE k8s_kind (
  api_group TEXT NOT NULL,
  kind      TEXT NOT NULL,
  resource  TEXT NOT NULL,
  event_id  INTEGER REFERENCES event(id),
  PRIMARY KEY (api_group, kind)
);

-- A successful delete of a name, with or without the uid it removed (a Metadata-level delete names none):
-- the object that held the name before it held it no longer.
CREATE TABLE k8s_deletion (
  id        INTEGER PRIMARY KEY,
  resource  TEXT NOT NULL,
  namespace TEXT,
  name      TEXT NOT NULL,
  at_ns     INTEGER NOT NULL,
  event_id  INTEGER REFERENCES event(id)
);
CREATE INDEX k8s_deletion_by_name ON k8s_deletion (name, namespace);

-- A case imported before this migration has evidence but no table yet: the workbench builds it once from
-- the records when it opens the case (service/objects.ts), and removes this mark.
INSERT INTO case_meta (key, value) SELECT 'object_identity_pending', '1' WHERE EXISTS (SELECT 1 FROM event);
