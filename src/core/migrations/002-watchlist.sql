-- 002: watchlists (persons of interest, lost and stolen documents) and
-- their index.  A screen reads only index rows that share a key with the
-- traveller, then the few entries they name: its cost does not grow with
-- the list (bd-watchlist-screen.c).

-- One row per listed person or document.  source: 'local' for a CSV
-- imported on this desk (a new import replaces the previous local list),
-- 'hq' for the signed deltas from HQ.  Empty fields are '' (CONTRACT.md,
-- Watchlist CSV), never NULL.
CREATE TABLE watchlist_entries (
  id               INTEGER PRIMARY KEY,
  list             TEXT NOT NULL CHECK (list IN ('persons', 'documents')),
  source           TEXT NOT NULL CHECK (source IN ('local', 'hq')),
  surname          TEXT NOT NULL DEFAULT '',
  given_names      TEXT NOT NULL DEFAULT '',
  birth_date       TEXT NOT NULL DEFAULT '',     -- YYYY-MM-DD, YYYY-MM, YYYY or ''
  nationality      TEXT NOT NULL DEFAULT '',
  document_number  TEXT NOT NULL DEFAULT '',     -- upper case, without spaces, '-' and '<'
  issuing_state    TEXT NOT NULL DEFAULT '',
  action           TEXT NOT NULL CHECK (action IN ('deny', 'refer', 'notify')),
  reference        TEXT NOT NULL,
  imported         TEXT NOT NULL,                -- UTC time the row arrived on this desk
  version          INTEGER NOT NULL,             -- the list version that brought it
  UNIQUE (source, reference)
);

-- Name index: one row per distinct key text of a listed person's name
-- units (token, joined tokens, token without its article): each unit's
-- phonetic skeleton and the skeleton's first three letters.
-- key = 56 bits of FNV-1a over the text, shifted left by 8, plus the
-- birth year code (year - 1870, clamped to 1..255; 0: no birth date), so a
-- screen reads the years it can match as one range per text.  birth
-- is YYYYMMDD with 00 for unknown parts (0: none): dates that contradict
-- are discarded before any entry row is read.  Rows are deleted by
-- recomputing an entry's keys (bd-watchlist.c), so no second index on
-- entry_id is needed.
CREATE TABLE watchlist_name_keys (
  key       INTEGER NOT NULL,
  entry_id  INTEGER NOT NULL,
  birth     INTEGER NOT NULL,
  PRIMARY KEY (key, entry_id)
) WITHOUT ROWID;

-- Document index: NUMBER:STATE with the number's OCR-confusable
-- characters folded (O->0, I->1, B->8, S->5, Z->2); STATE '' when the
-- list does not name one.
CREATE TABLE watchlist_document_keys (
  key       TEXT NOT NULL,
  entry_id  INTEGER NOT NULL,
  PRIMARY KEY (key, entry_id)
) WITHOUT ROWID;

-- One row per loaded source: the version it is at, when it was last
-- updated (the "stale list" warning compares this with the clock), its
-- counts, and the SHA-256 of the file or delta that brought it.
CREATE TABLE watchlist_meta (
  source     TEXT PRIMARY KEY CHECK (source IN ('local', 'hq')),
  version    INTEGER NOT NULL,
  updated    TEXT NOT NULL,
  persons    INTEGER NOT NULL,
  documents  INTEGER NOT NULL,
  sha256     TEXT NOT NULL
);

-- The version of the key algorithm the index rows were computed with;
-- a build with another one rebuilds the index before using it.
CREATE TABLE watchlist_index (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  version  INTEGER NOT NULL
);
