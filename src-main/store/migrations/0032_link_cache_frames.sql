-- The link cache's header in deflated frames (issue 17: memory that does not grow with the case). The body
-- held the header as one JSON text: for a million events 7 MB, read as one string and parsed whole beside
-- it, the largest thing `causa graph` and `causa report` held. It now holds the header as frames of a few
-- hundred items, each deflated (service/link-cache.ts), read and parsed a frame at a time; 0.2 MB for the
-- same million events. The MAC (v4) covers the key and the body's bytes. A row written before this
-- migration does not verify under v4, and the case is linked anew when its graph is first asked for; the
-- row is dropped here so that it is not read for nothing.
DELETE FROM link_cache;
