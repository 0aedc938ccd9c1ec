-- 001: the desk's first schema.
-- Times are UTC ISO 8601 text ('YYYY-MM-DDTHH:MM:SSZ'); days for the stay
-- rule are Julian day numbers (GDate), stored beside the time so history
-- queries need no date parsing.

CREATE TABLE post (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  code         TEXT NOT NULL,
  name         TEXT NOT NULL,
  country      TEXT NOT NULL,
  desk         INTEGER NOT NULL CHECK (desk > 0),
  stay_days    INTEGER NOT NULL DEFAULT 90,
  stay_window  INTEGER NOT NULL DEFAULT 180,
  created      TEXT NOT NULL
);

-- Tunables with built-in defaults in the code (bd-post.c).
CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

CREATE TABLE officers (
  id              INTEGER PRIMARY KEY,
  username        TEXT NOT NULL UNIQUE,
  full_name       TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('guard', 'supervisor', 'admin')),
  password_hash   TEXT NOT NULL,
  failed_logins   INTEGER NOT NULL DEFAULT 0,
  locked_until    INTEGER NOT NULL DEFAULT 0,   -- unix seconds; 0: not locked
  created         TEXT NOT NULL
);

CREATE TABLE shifts (
  id               INTEGER PRIMARY KEY,
  officer_id       INTEGER NOT NULL REFERENCES officers (id),
  desk             TEXT NOT NULL,
  lane             TEXT,
  opened           TEXT NOT NULL,
  closed           TEXT,
  close_note       TEXT,
  signed_off_by    INTEGER REFERENCES officers (id),
  signed_off_at    TEXT,
  signoff_note     TEXT,
  CHECK (signed_off_by IS NULL OR closed IS NOT NULL)
);
-- An officer has at most one open shift.
CREATE UNIQUE INDEX shifts_one_open ON shifts (officer_id) WHERE closed IS NULL;

CREATE TABLE travellers (
  id           INTEGER PRIMARY KEY,
  surname      TEXT NOT NULL,
  given_names  TEXT NOT NULL,
  nationality  TEXT NOT NULL,
  birth_date   TEXT NOT NULL,   -- YYYY-MM-DD, or partial YYYY-MM / YYYY, or '' unknown
  sex          TEXT NOT NULL,   -- F, M, X, or '<' unspecified
  created      TEXT NOT NULL
);

CREATE TABLE documents (
  id             INTEGER PRIMARY KEY,
  traveller_id   INTEGER NOT NULL REFERENCES travellers (id),
  code           TEXT NOT NULL,
  issuing_state  TEXT NOT NULL,
  number         TEXT NOT NULL,
  expiry         TEXT NOT NULL,  -- YYYY-MM-DD or '' unknown
  UNIQUE (issuing_state, number)
);
CREATE INDEX documents_number ON documents (number);
CREATE INDEX documents_traveller ON documents (traveller_id);

-- Append-only: a correction is an amendment row.  Each crossing keeps the
-- document and traveller details as read at that crossing (doc_* and the
-- traveller columns): the travellers row holds only the newest reading.
CREATE TABLE crossings (
  id               INTEGER PRIMARY KEY,
  uuid             TEXT NOT NULL UNIQUE,
  document_id      INTEGER NOT NULL REFERENCES documents (id),
  traveller_id     INTEGER NOT NULL REFERENCES travellers (id),
  doc_code         TEXT NOT NULL,
  doc_expiry       TEXT NOT NULL,
  surname          TEXT NOT NULL,
  given_names      TEXT NOT NULL,
  nationality      TEXT NOT NULL,
  birth_date       TEXT NOT NULL,
  sex              TEXT NOT NULL,
  shift_id         INTEGER REFERENCES shifts (id),    -- NULL for imported history
  officer_id       INTEGER REFERENCES officers (id),  -- NULL for imported history
  post             TEXT NOT NULL,
  desk             TEXT,
  time             TEXT NOT NULL,
  day              INTEGER NOT NULL,
  direction        TEXT NOT NULL CHECK (direction IN ('entry', 'exit')),
  decision         TEXT NOT NULL CHECK (decision IN ('admitted', 'refused', 'referred')),
  refusal_reasons  TEXT NOT NULL DEFAULT '',   -- letters A..I, sorted, no separators
  source           TEXT NOT NULL CHECK (source IN ('mrz-reader', 'typed-mrz', 'manual', 'chip', 'imported')),
  transport        TEXT,
  vehicle          TEXT,
  purpose          TEXT,
  visa             TEXT,
  vulnerability    TEXT NOT NULL DEFAULT '',   -- comma-separated flags
  note             TEXT,
  checks           TEXT NOT NULL DEFAULT '[]', -- JSON array of check results at decision time
  override_by      INTEGER REFERENCES officers (id),
  override_reason  TEXT,
  CHECK (decision = 'refused' OR refusal_reasons = '')
);
CREATE INDEX crossings_document_time ON crossings (document_id, time);
CREATE INDEX crossings_shift ON crossings (shift_id);
CREATE INDEX crossings_time ON crossings (time);

CREATE TRIGGER crossings_append_only_update BEFORE UPDATE ON crossings
BEGIN
  SELECT RAISE (ABORT, 'crossings are append-only: record an amendment');
END;
CREATE TRIGGER crossings_append_only_delete BEFORE DELETE ON crossings
BEGIN
  SELECT RAISE (ABORT, 'crossings are append-only: record an amendment');
END;

CREATE TABLE amendments (
  id           INTEGER PRIMARY KEY,
  crossing_id  INTEGER NOT NULL REFERENCES crossings (id),
  officer_id   INTEGER REFERENCES officers (id),
  time         TEXT NOT NULL,
  field        TEXT NOT NULL,
  old_value    TEXT,
  new_value    TEXT,
  reason       TEXT NOT NULL CHECK (reason <> '')
);
CREATE INDEX amendments_crossing ON amendments (crossing_id);

-- Hash-chained audit log (bd-audit.c states the encoding).
CREATE TABLE audit (
  seq      INTEGER PRIMARY KEY,
  time     TEXT NOT NULL,
  actor    TEXT NOT NULL,    -- 'officer:ID' or 'cli'
  action   TEXT NOT NULL,
  object   TEXT NOT NULL,    -- 'crossing:UUID', 'shift:ID', ... or ''
  details  TEXT NOT NULL,    -- JSON object of ids and codes, never names or document numbers
  prev     TEXT NOT NULL,
  hash     TEXT NOT NULL
);
