-- Full-text search by words, replacing 0007's trigram index. The trigram index held every three-character
-- window of every raw byte with its positions: about 2.9 times the evidence on disk and over half of an
-- import's time. This one holds each record's words (runs of letters and digits, folded as FTS5's
-- unicode61 tokenizer folds them) and no positions (detail = none): a search looks up the words it
-- contains, the beginning of its last word as a prefix, and then checks the text on the record itself
-- (store/query-sql.ts). Still contentless and derived: the raw bytes stay the evidence. Cases indexed by
-- the trigram table are indexed again, by the next import or in the background, and scanned meanwhile.
DROP TABLE event_search;
CREATE VIRTUAL TABLE event_search USING fts5(raw, content = '', detail = 'none', columnsize = 0, tokenize = 'unicode61');
DELETE FROM case_meta WHERE key = 'search_indexed_upto';
