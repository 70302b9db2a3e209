-- Full-text search over the raw records (FTS5 with the trigram tokenizer, so a search is a substring
-- match, case-insensitive, as the filter has always been). Contentless: the text is the event's raw bytes,
-- which stay the evidence; this index is derived, built from the events the first time a search needs it
-- and kept up to date by event id (events are write-once, so nothing is ever removed from it).
CREATE VIRTUAL TABLE event_search USING fts5(raw, content = '', tokenize = 'trigram');
