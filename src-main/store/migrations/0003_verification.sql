-- What was verified, when, and with what result, so that a report can say what was checked when. And the
-- sealed per-record hashes of each bundle source, so the records kept in the case can be re-checked
-- against the signed Merkle root long after the bundle itself is gone.

CREATE TABLE sealed_leaves (
  bundle_id   INTEGER NOT NULL REFERENCES bundle(id),
  bundle_path TEXT NOT NULL,
  leaves      TEXT NOT NULL,        -- the bundle's hashes/<path>.leaves file, as read
  PRIMARY KEY (bundle_id, bundle_path)
);

CREATE TABLE verification (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,          -- when the check ran (RFC 3339, UTC)
  subject    TEXT NOT NULL,          -- 'bundle' (the bundle as imported) or 'case' (the records kept here)
  bundle_id  INTEGER REFERENCES bundle(id),
  intact     INTEGER NOT NULL,       -- 1 when nothing invalid was found
  verdict    TEXT NOT NULL           -- the full verdict, JSON
);

CREATE TRIGGER sealed_leaves_no_update BEFORE UPDATE ON sealed_leaves
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: sealed_leaves rows cannot be updated'); END;
CREATE TRIGGER sealed_leaves_no_delete BEFORE DELETE ON sealed_leaves
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: sealed_leaves rows cannot be deleted'); END;
CREATE TRIGGER verification_no_update BEFORE UPDATE ON verification
BEGIN SELECT RAISE(ABORT, 'verification records are write-once'); END;
CREATE TRIGGER verification_no_delete BEFORE DELETE ON verification
BEGIN SELECT RAISE(ABORT, 'verification records are write-once'); END;
