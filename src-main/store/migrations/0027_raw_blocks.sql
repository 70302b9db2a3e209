-- Raw records compressed, a block of consecutive events at a time. An event's raw bytes were stored
-- whole in its row: 94 MiB of audit records took 196 MiB of event rows (two ~1.4 KB rows fit a 4 KiB page).
-- An import now writes an empty raw into the row and the bytes into a block: the raw records of events
-- first_event, first_event + 1, … (at most 64 events or about 32 KiB of records), compressed together with
-- raw DEFLATE (RFC 1951), about a tenth of their size. The block's inflated bytes are, big-endian: the
-- first event's id (6 bytes), the number of events n (4 bytes), n lengths (4 bytes each), then the n
-- records one after another.
-- Readers go through store/raw-blocks.ts (rawSql), which gives an event's raw from its row when it has
-- one (cases from earlier Causa) and from its block otherwise; every check that hashes raw bytes reads
-- them the same way, so an altered block is an altered record. Evidence: write-once like the rows.
CREATE TABLE raw_block (
  first_event INTEGER PRIMARY KEY,
  bytes       BLOB NOT NULL
);

CREATE TRIGGER raw_block_no_update BEFORE UPDATE ON raw_block
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: raw_block rows cannot be updated'); END;
CREATE TRIGGER raw_block_no_delete BEFORE DELETE ON raw_block
BEGIN SELECT RAISE(ABORT, 'evidence is write-once: raw_block rows cannot be deleted'); END;
