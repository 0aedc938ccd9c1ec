-- 005: fingerprint templates and exemptions (docs/architecture.md,
-- "The fingerprint service").  A template is libfprint's serialised print,
-- sealed with AES-256-GCM under the desk data key (data.key beside the
-- database) with the traveller id and the finger as associated data, so a
-- sealed template moved to another traveller or finger does not open.

CREATE TABLE finger_templates (
  id            INTEGER PRIMARY KEY,
  traveller_id  INTEGER NOT NULL REFERENCES travellers (id),
  document_id   INTEGER REFERENCES documents (id),   -- the document shown at enrolment
  finger        TEXT NOT NULL,                       -- 'right-index-finger', ...
  sealed        BLOB NOT NULL,                       -- nonce (12) || ciphertext || tag (16)
  driver        TEXT NOT NULL,                       -- prints are tied to the reader's driver
  quality       TEXT NOT NULL,                       -- 'clean' or 'retried N'
  captured      TEXT NOT NULL,
  crossing_id   INTEGER REFERENCES crossings (id),   -- the crossing that carries it to HQ
  UNIQUE (traveller_id, finger)
);

-- Instead of a capture (EES): children under 12, a finger missing or
-- injured for good, or a temporary impossibility (capture next time).
CREATE TABLE finger_exemptions (
  id            INTEGER PRIMARY KEY,
  traveller_id  INTEGER NOT NULL REFERENCES travellers (id),
  kind          TEXT NOT NULL CHECK (kind IN ('under-12', 'missing', 'injured', 'temporary')),
  reason        TEXT NOT NULL CHECK (reason <> ''),
  consent       INTEGER NOT NULL CHECK (consent IN (0, 1)),
  crossing_id   INTEGER REFERENCES crossings (id),
  recorded      TEXT NOT NULL
);
CREATE INDEX finger_exemptions_traveller ON finger_exemptions (traveller_id);
