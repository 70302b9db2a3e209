-- A bundle source's sealed per-record hashes (its hashes/<path>.leaves file) kept as 32-byte leaves, a
-- block of up to 32,768 at a time, instead of the file's hex text in one value: a million records were
-- 65 MB of text read whole at import and again, split into a million strings, at every verification.
-- The leaves of a (bundle, path) are its sealed_leaves text (cases made before this migration), then its
-- blocks in seq order. They prove nothing alone: a verification folds them into the Merkle root the
-- bundle's signed manifest names, so a block altered, cut or re-ordered is a root that differs.
CREATE TABLE sealed_leaf_block (
  bundle_id   INTEGER NOT NULL REFERENCES bundle(id),
  bundle_path TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  leaves      BLOB NOT NULL,
  PRIMARY KEY (bundle_id, bundle_path, seq)
) WITHOUT ROWID;

CREATE TRIGGER sealed_leaf_block_no_update BEFORE UPDATE ON sealed_leaf_block
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: sealed_leaf_block rows cannot be updated'); END;
CREATE TRIGGER sealed_leaf_block_no_delete BEFORE DELETE ON sealed_leaf_block
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: sealed_leaf_block rows cannot be deleted'); END;
