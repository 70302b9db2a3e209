-- Bundles a case was opened from: the manifest as it was read (its bytes' sha256 and its text), and which
-- of the case's sources came from which bundle path. Write-once, like the evidence it describes.

CREATE TABLE bundle (
  id              INTEGER PRIMARY KEY,
  location        TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL UNIQUE,
  manifest        TEXT NOT NULL,
  signature       TEXT,              -- the signature file's text, when the bundle carried one
  imported_at     TEXT NOT NULL
);

CREATE TABLE bundle_source (
  bundle_id   INTEGER NOT NULL REFERENCES bundle(id),
  source_id   INTEGER NOT NULL REFERENCES source(id),
  bundle_path TEXT NOT NULL,
  PRIMARY KEY (bundle_id, source_id)
);

CREATE TRIGGER bundle_no_update BEFORE UPDATE ON bundle
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: bundle rows cannot be updated'); END;
CREATE TRIGGER bundle_no_delete BEFORE DELETE ON bundle
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: bundle rows cannot be deleted'); END;
CREATE TRIGGER bundle_source_no_update BEFORE UPDATE ON bundle_source
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: bundle_source rows cannot be updated'); END;
CREATE TRIGGER bundle_source_no_delete BEFORE DELETE ON bundle_source
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: bundle_source rows cannot be deleted'); END;
