-- 006: retention (bd-retention.c, docs/security.md "Retention").  Personal
-- data leaves the desk once HQ has acknowledged it and its retention
-- period has passed; the audit log stays whole.

-- running: 1 only inside a purge's own transaction (set and cleared
-- before it commits), so no other connection ever sees it set and a
-- killed purge leaves 0.  last_run: when the purge last ran (the automatic
-- run after a sync round happens at most once a day).
CREATE TABLE retention_state (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  running   INTEGER NOT NULL DEFAULT 0 CHECK (running IN (0, 1)),
  last_run  TEXT
);
INSERT INTO retention_state (id) VALUES (1);

-- Crossings stay append-only for every writer but the purge; and even the
-- purge cannot delete one HQ has not acknowledged (imported history is
-- not this desk's to report: it has no outbox row).
DROP TRIGGER crossings_append_only_delete;
CREATE TRIGGER crossings_append_only_delete BEFORE DELETE ON crossings
WHEN NOT EXISTS (SELECT 1 FROM retention_state WHERE id = 1 AND running = 1)
BEGIN
  SELECT RAISE (ABORT, 'crossings are append-only: record an amendment');
END;
CREATE TRIGGER crossings_purge_acknowledged_only BEFORE DELETE ON crossings
WHEN OLD.source <> 'imported' AND NOT EXISTS (
  SELECT 1 FROM outbox o JOIN batches b ON b.epoch = o.batch_epoch AND b.seq = o.batch_seq
  WHERE o.kind = 'crossing' AND o.ref_id = OLD.id AND b.acknowledged IS NOT NULL)
BEGIN
  SELECT RAISE (ABORT, 'a crossing HQ has not acknowledged is never purged');
END;

-- A template whose carrying crossing was purged keeps what the template
-- purge needs to know about it: HQ acknowledged it (crossing_id is then
-- NULL).
ALTER TABLE finger_templates ADD COLUMN acknowledged INTEGER NOT NULL DEFAULT 0
  CHECK (acknowledged IN (0, 1));

-- A shift's counts outlive its purged crossings (the shift report, CONTRACT.md):
-- per shift, what the purge took away, in the report's dimensions
-- ('total', 'alerts', 'overrides' with key ''; 'by_direction',
-- 'by_decision', 'by_sex', 'by_nationality', 'by_hour' with the value).
CREATE TABLE shift_tallies (
  shift_id   INTEGER NOT NULL REFERENCES shifts (id),
  dimension  TEXT NOT NULL,
  key        TEXT NOT NULL,
  n          INTEGER NOT NULL CHECK (n > 0),
  PRIMARY KEY (shift_id, dimension, key)
) WITHOUT ROWID;

-- What the purge looks things up by.
CREATE INDEX crossings_traveller ON crossings (traveller_id, day);
CREATE INDEX finger_templates_document ON finger_templates (document_id);
CREATE INDEX open_stays_crossing ON open_stays (crossing);
