-- 004: a traveller's history beyond this desk (docs/protocol.md, sections
-- 8 and 9).  What HQ answered about a document, and HQ's open-stays feed,
-- kept so that the stay rule, the default direction and the overstay
-- check see crossings made at other desks and posts, also while the link
-- to HQ is down.  Only admitted entries and exits are kept: they are all
-- the stay rule counts.

-- Admitted crossings HQ reported for a document (any post, any desk,
-- this desk's own included: those are recognised by uuid and not counted
-- twice).  Replaced whole for a document at each answer.
CREATE TABLE remote_crossings (
  uuid           TEXT PRIMARY KEY,
  issuing_state  TEXT NOT NULL,
  number         TEXT NOT NULL,
  time           TEXT NOT NULL,
  day            INTEGER NOT NULL,
  direction      TEXT NOT NULL CHECK (direction IN ('entry', 'exit')),
  post           TEXT NOT NULL,
  desk           TEXT NOT NULL
);
CREATE INDEX remote_crossings_document ON remote_crossings (issuing_state, number);

-- When HQ last answered for a document ("all posts, as of ...").
CREATE TABLE remote_history (
  issuing_state  TEXT NOT NULL,
  number         TEXT NOT NULL,
  as_of          TEXT NOT NULL,
  PRIMARY KEY (issuing_state, number)
);

-- HQ's open-stays feed: travellers in the country by their last admitted
-- entry, applied as signed deltas like the watchlist.
CREATE TABLE open_stays (
  issuing_state  TEXT NOT NULL,
  number         TEXT NOT NULL,
  crossing       TEXT NOT NULL,      -- the entry's uuid
  time           TEXT NOT NULL,
  day            INTEGER NOT NULL,
  post           TEXT NOT NULL,
  desk           TEXT NOT NULL,
  PRIMARY KEY (issuing_state, number)
);

CREATE TABLE open_stays_meta (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  version    INTEGER NOT NULL DEFAULT 0,
  published  TEXT,
  applied    TEXT
);
INSERT INTO open_stays_meta (id) VALUES (1);

-- The supervisor's shift timeline reads the audit log by time and by
-- object; without these it scans the whole log.
CREATE INDEX audit_time ON audit (time);
CREATE INDEX audit_object ON audit (object) WHERE object <> '';
