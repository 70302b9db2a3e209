-- The linked case as this installation last linked it (issue 17): linking a million audit events takes
-- seconds, and a workbench reopening the case should draw its graph at once. One row: the key of what the
-- links depend on (the events, verdicts, the analyst's decisions and drawn edges, trust: service/workbench.ts
-- linkKey), the linked case as deflated JSON, and an HMAC-SHA-256 over both under a key derived from the
-- installation key (service/link-cache.ts). Derived data, not evidence: replaced whenever the case is
-- linked anew. A row whose key is not the case's, whose MAC does not verify (edited, or written by another
-- installation) is ignored and the case linked again: an edited cache cannot change the graph shown.
CREATE TABLE link_cache (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  key   TEXT NOT NULL,
  body  BLOB NOT NULL,
  mac   TEXT NOT NULL
);
