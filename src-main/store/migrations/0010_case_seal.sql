-- The case file as sealed evidence (docs/threat-model.md). Each source imported from now on gets a seal:
-- the canonical JSON of its record count, the RFC 6962 Merkle root over its stored records' raw bytes in
-- position order, the hashes of the per-record leaves, positions and normalized rows, of its import
-- errors and of the bytes between its records, and the importer that made the rows, signed with the
-- installation's Ed25519 key (core/verify/case-seal.ts states the rule). Each journal head is signed too.
-- The seal holds only hashes of the side tables kept here, so a change to any of them breaks the signature.

CREATE TABLE source_seal (
  source_id       INTEGER PRIMARY KEY REFERENCES source(id),
  seal            TEXT NOT NULL,     -- RFC 8785 canonical JSON of the seal: what the signature covers
  leaves          BLOB NOT NULL,     -- RFC 6962 leaf hash of each record's raw bytes, 32 bytes each, in position order
  positions       BLOB NOT NULL,     -- each record's position, uint32 little-endian, in the same order
  rows            BLOB NOT NULL,     -- SHA-256 of each record's normalized event rows, 32 bytes each
  gaps         BLOB,              -- the content bytes between records (and before the first, after the last)
  gap_lengths BLOB,              -- how many of those bytes precede each record and follow the last, uint32 LE
  signature       TEXT NOT NULL      -- the signature file (JSON) over the seal's bytes
);

-- The journal head after each append, signed: a journal rewritten and re-hashed from its first entry no
-- longer meets the heads signed when its entries were written.
CREATE TABLE journal_head (
  seq       INTEGER PRIMARY KEY,
  hash      TEXT NOT NULL,
  signature TEXT NOT NULL
);

-- Where sealing began in this case: sources and journal entries up to these were written by a Causa that
-- did not seal them (verify reports them as unsealed, not as tampered). Every seal repeats these numbers,
-- so moving them breaks every signature.
CREATE TABLE seal_epoch (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  after_source     INTEGER NOT NULL,
  after_journal    INTEGER NOT NULL
);
INSERT INTO seal_epoch (id, after_source, after_journal)
  VALUES (1, (SELECT coalesce(max(id), 0) FROM source), (SELECT coalesce(max(seq), 0) FROM journal));

CREATE TRIGGER source_seal_no_update BEFORE UPDATE ON source_seal
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: source_seal rows cannot be updated'); END;
CREATE TRIGGER source_seal_no_delete BEFORE DELETE ON source_seal
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: source_seal rows cannot be deleted'); END;
CREATE TRIGGER journal_head_no_update BEFORE UPDATE ON journal_head
BEGIN SELECT RAISE(ABORT, 'the analyst journal is append-only: signed heads cannot be updated'); END;
CREATE TRIGGER journal_head_no_delete BEFORE DELETE ON journal_head
BEGIN SELECT RAISE(ABORT, 'the analyst journal is append-only: signed heads cannot be deleted'); END;
CREATE TRIGGER seal_epoch_no_update BEFORE UPDATE ON seal_epoch
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: the seal epoch cannot be updated'); END;
CREATE TRIGGER seal_epoch_no_delete BEFORE DELETE ON seal_epoch
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: the seal epoch cannot be deleted'); END;
