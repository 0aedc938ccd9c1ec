-- 003: the outbox and the signed batches that carry it to HQ
-- (docs/protocol.md).  Crossings, amendments and shift events enter the
-- outbox by trigger in the transaction that writes them, so no writer can
-- forget to queue one.  A batch is cut from the oldest pending outbox rows
-- and stored, signed, before it is sent: a crash never loses or reorders
-- one, and a resend is byte-for-byte the same file.

-- The desk's sync identity.  epoch starts at 1 and grows when a desk that
-- lost its database is re-provisioned (HQ closes the old chain).
CREATE TABLE sync_state (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  epoch          INTEGER NOT NULL DEFAULT 1,
  hq_url         TEXT,
  last_attempt   TEXT,
  last_success   TEXT,
  last_error     TEXT,
  clock_skew     INTEGER        -- seconds, HQ's clock minus the desk's, from the last receipt
);
INSERT INTO sync_state (id) VALUES (1);

CREATE TABLE batches (
  epoch          INTEGER NOT NULL,
  seq            INTEGER NOT NULL CHECK (seq > 0),
  created        TEXT NOT NULL,
  records        INTEGER NOT NULL,
  sha256         TEXT NOT NULL,    -- hex SHA-256 of the decoded payload bytes
  jws            TEXT NOT NULL,    -- the flattened JWS exactly as sent
  receipt        TEXT,             -- HQ's receipt JWS, stored only once verified
  acknowledged   TEXT,             -- HQ's "received" time from that receipt
  PRIMARY KEY (epoch, seq)
);
CREATE INDEX batches_pending ON batches (epoch, seq) WHERE receipt IS NULL;

-- kind: what ref_id names (crossings.id, amendments.id, shifts.id).
-- event: for shifts, which transition ('opened', 'closed', 'signed-off').
CREATE TABLE outbox (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('crossing', 'amendment', 'shift')),
  ref_id         INTEGER NOT NULL,
  event          TEXT NOT NULL DEFAULT '',
  batch_epoch    INTEGER,
  batch_seq      INTEGER,
  FOREIGN KEY (batch_epoch, batch_seq) REFERENCES batches (epoch, seq)
);
CREATE INDEX outbox_unbatched ON outbox (id) WHERE batch_seq IS NULL;
CREATE INDEX outbox_ref ON outbox (kind, ref_id);

-- History imported from a previous system is not this desk's to report.
CREATE TRIGGER outbox_crossing AFTER INSERT ON crossings
WHEN NEW.source <> 'imported'
BEGIN
  INSERT INTO outbox (kind, ref_id) VALUES ('crossing', NEW.id);
END;

CREATE TRIGGER outbox_amendment AFTER INSERT ON amendments
BEGIN
  INSERT INTO outbox (kind, ref_id) VALUES ('amendment', NEW.id);
END;

CREATE TRIGGER outbox_shift_opened AFTER INSERT ON shifts
BEGIN
  INSERT INTO outbox (kind, ref_id, event) VALUES ('shift', NEW.id, 'opened');
END;

CREATE TRIGGER outbox_shift_closed AFTER UPDATE OF closed ON shifts
WHEN OLD.closed IS NULL AND NEW.closed IS NOT NULL
BEGIN
  INSERT INTO outbox (kind, ref_id, event) VALUES ('shift', NEW.id, 'closed');
END;

CREATE TRIGGER outbox_shift_signed_off AFTER UPDATE OF signed_off_by ON shifts
WHEN OLD.signed_off_by IS NULL AND NEW.signed_off_by IS NOT NULL
BEGIN
  INSERT INTO outbox (kind, ref_id, event) VALUES ('shift', NEW.id, 'signed-off');
END;
