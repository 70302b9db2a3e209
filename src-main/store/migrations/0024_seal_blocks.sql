-- The side tables of a seal (leaves, positions, row digests: 68 bytes a record) written a block at a time
-- while the source is imported, so that sealing a million records keeps one block in memory, not 68 MB.
-- A side table's bytes are its column in source_seal followed by its blocks in seq order (a case made
-- before this migration has them all in the column, and no blocks). The seal signs each table's SHA-256,
-- so how the bytes are cut into blocks proves nothing and changes nothing.
CREATE TABLE source_seal_block (
  source_id INTEGER NOT NULL REFERENCES source(id),
  kind      TEXT NOT NULL CHECK (kind IN ('leaves', 'positions', 'rows')),
  seq       INTEGER NOT NULL,
  bytes     BLOB NOT NULL,
  PRIMARY KEY (source_id, kind, seq)
) WITHOUT ROWID;

CREATE TRIGGER source_seal_block_no_update BEFORE UPDATE ON source_seal_block
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: source_seal_block rows cannot be updated'); END;
CREATE TRIGGER source_seal_block_no_delete BEFORE DELETE ON source_seal_block
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: source_seal_block rows cannot be deleted'); END;
