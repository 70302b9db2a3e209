-- The link cache's members in a column of their own (issue 17: memory that does not grow with the case).
-- A graph, a report or a chain needs the cache's header alone, but the members (a million events' group
-- members are MiBs of columns) were deflated after it in the one body, so every read of the graph read and
-- inflated them too. body now holds the JSON header as text, members the deflated columns; the header
-- names the members' SHA-256, and the MAC (v3) covers the key and the header: the members are read, and
-- checked against that hash, only when a group is expanded or a filter counts its matches. A row written
-- before this migration does not verify under v3 and the case is linked anew.
ALTER TABLE link_cache ADD COLUMN members BLOB;
