#!/usr/bin/python3
"""Retention through the real programs: a desk registers, carries its
batches to HQ on removable media (borderdesk-hq import) and takes the
receipts back; with BORDERDESK_NOW moved past the retention period, the
acknowledged crossings leave the desk (by `receipt import` itself, and by
`retention purge`), the unacknowledged one stays, the audit chain still
verifies and the purge's audit event names nobody.

Stdlib only; the harness is test_sync.py's.  Prints TAP."""

import datetime
import json
import os
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_cli import td3  # noqa: E402
import test_sync  # noqa: E402
from test_sync import check, eq  # noqa: E402

PASSWORD = "guard-one-pass\n"
ACKED = ("C01X00T47", "MUSTERMANN")
PENDING = ("C02Y11T58", "SCHNEIDER")


def mrz(number, surname):
    return td3(surname, "ERIKA", number, "DEU", "640812", "F", "350131")


def at(t, when, fn, *args, **kwargs):
    """Runs @fn with the desk's clock pinned to @when (a datetime)."""
    t.env["BORDERDESK_NOW"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        return fn(*args, **kwargs)
    finally:
        t.env.pop("BORDERDESK_NOW")


def register(t, when, direction, doc):
    at(t, when, t.admin, "d1", "register", "--username", "g1", "--direction", direction,
       stdin=PASSWORD + mrz(*doc))


def audit_rows(t):
    with sqlite3.connect(os.path.join(t.dir, "d1", "desk.db")) as db:
        return db.execute("SELECT actor, action, object, details FROM audit "
                          "ORDER BY seq").fetchall()


def retention_purge_after_receipts(t):
    t.init_hq()
    t.desk("d1")
    # From now on: the certificates HQ has just issued are valid from now.
    now = datetime.datetime.utcnow().replace(microsecond=0) + datetime.timedelta(minutes=1)
    t.admin("d1", "officer", "add", "--username", "g1", "--name", "Guard One", "--role",
            "guard", stdin=PASSWORD)
    register(t, now, "entry", ACKED)
    register(t, now + datetime.timedelta(minutes=5), "exit", ACKED)

    usb = os.path.join(t.dir, "usb")
    receipts = os.path.join(t.dir, "receipts")
    os.makedirs(receipts)
    t.admin("d1", "batch", "export", "--out", usb)
    # Registered after the batches were cut: HQ never acknowledges it.
    register(t, now + datetime.timedelta(minutes=10), "entry", PENDING)
    t.hq("import", "--receipts", receipts,
         *[os.path.join(usb, f) for f in sorted(os.listdir(usb))])
    files = [os.path.join(receipts, f) for f in sorted(os.listdir(receipts))]
    check(files, "HQ wrote receipts")
    # Within the period: taking the receipts purges nothing.
    rc, out, _ = at(t, now, t.admin, "d1", "receipt", "import", *files)
    check("purged past retention (180 days): 0 crossings" in out, "first purge: %r" % out)
    eq(len(t.admin_json("d1", "crossings", "list")), 3, "crossings within the period")

    # 200 days on, the receipts come again (as after any sync): the purge
    # is due and runs by itself.
    later = now + datetime.timedelta(days=200)
    rc, out, _ = at(t, later, t.admin, "d1", "receipt", "import", *files)
    check("purged past retention (180 days): 2 crossings" in out, "automatic purge: %r" % out)
    left = at(t, later, t.admin_json, "d1", "crossings", "list")
    eq([c["document"]["number"] for c in left], [PENDING[0]], "what is left")
    at(t, later, t.admin, "d1", "traveller", "export", "--document", "DEU:" + ACKED[0],
       expect=1)
    at(t, later, t.admin, "d1", "traveller", "export", "--document", "DEU:" + PENDING[0])

    # Asked for, years later: nothing more, the unacknowledged one stays.
    doc = at(t, later + datetime.timedelta(days=2000), t.admin_json, "d1", "retention", "purge")
    eq(sorted(doc), sorted(["retention_days", "templates", "crossings", "amendments",
                            "exemptions", "documents", "travellers", "remote_crossings",
                            "remote_answers", "batch_payloads"]), "purge --json members")
    eq((doc["retention_days"], doc["crossings"]), (180, 0), "second purge")
    eq(len(t.admin_json("d1", "crossings", "list")), 1, "unacknowledged crossing kept")

    t.admin("d1", "audit", "verify")
    purges = [r for r in audit_rows(t) if r[1] == "retention.purge"]
    eq(len(purges), 3, "one audit event per purge")
    details = json.loads(purges[1][3])
    eq((details["crossings"], details["documents"]), (2, 1), "counts in the audit event")
    eq(purges[1][0], "cli", "the purge's actor")
    for row in purges:
        for word in ACKED + PENDING + ("ERIKA",):
            check(word not in row[3], "%s in a purge event: %s" % (word, row[3]))
    # Nor in the file's free pages: the purged document's number and name
    # are nowhere in the database files, the kept one's are.
    raw = b""
    for name in ("desk.db", "desk.db-wal"):
        path = os.path.join(t.dir, "d1", name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                raw += f.read()
    check(PENDING[0].encode() in raw and PENDING[1].encode() in raw, "the kept traveller's bytes")
    for word in ACKED:
        check(word.encode() not in raw, "%s still in the database files" % word)
    # No signed copy of an acknowledged batch is left with the records in it.
    with sqlite3.connect(os.path.join(t.dir, "d1", "desk.db")) as db:
        jws = db.execute("SELECT count(*) FROM batches WHERE acknowledged IS NOT NULL "
                         "AND jws <> ''").fetchone()[0]
    eq(jws, 0, "acknowledged batch copies left")


def stay_rule_unchanged_on_demo_data(t):
    """The demo's synthetic months of crossings, all acknowledged (as the
    receipts would mark them), the clock put so that the cutoff falls in the
    middle of them: `stay` answers the same for every document with
    crossings on both sides of the cutoff, before and after the purge."""
    t.desk("d1", enrol=False)
    t.admin("d1", "demo", "seed", "--crossings", "3000", "--travellers", "400", "--batch",
            "500")
    path = os.path.join(t.dir, "d1", "desk.db")
    with sqlite3.connect(path) as db:
        first, last = db.execute("SELECT min(time), max(time) FROM crossings").fetchone()
        db.execute("INSERT INTO batches (epoch, seq, created, records, sha256, jws, receipt, "
                   "acknowledged) VALUES (1, 1, ?, 1, 'h', 'signed', 'r', ?)", (last, last))
        db.execute("UPDATE outbox SET batch_epoch = 1, batch_seq = 1")
    parse = lambda text: datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    cutoff = parse(first) + (parse(last) - parse(first)) / 2
    cutoff = cutoff.replace(hour=0, minute=0, second=0)
    now = cutoff + datetime.timedelta(days=180, hours=12)
    with sqlite3.connect(path) as db:
        docs = [r[0] for r in db.execute(
            "SELECT d.issuing_state || ':' || d.number FROM documents d WHERE "
            "EXISTS (SELECT 1 FROM crossings x WHERE x.document_id = d.id AND x.time < ?1) AND "
            "EXISTS (SELECT 1 FROM crossings x WHERE x.document_id = d.id AND x.time >= ?1) "
            "ORDER BY d.id LIMIT 40", (cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"),))]
    check(len(docs) >= 20, "documents with crossings on both sides: %d" % len(docs))

    def stays():
        return [at(t, now, t.admin_json, "d1", "stay", "--document", d, "--on", day)
                for d in docs for day in (now.strftime("%Y-%m-%d"),
                                          (now + datetime.timedelta(days=45)).strftime("%Y-%m-%d"))]

    before = stays()
    check(sum(1 for s in before if s["days_used"] > 1) >= 10, "stays that count days: %r"
          % before[:4])
    doc = at(t, now, t.admin_json, "d1", "retention", "purge")
    check(doc["crossings"] > 500, "crossings purged: %r" % doc)
    eq(stays(), before, "stay answers after the purge")
    t.admin("d1", "audit", "verify")


def sync_purges_once_a_day(t):
    """`sync` against the real HQ: after a complete round the purge runs,
    at most once a day; its counts are in `sync --json`."""
    t.init_hq()
    t.start_hq()
    t.desk("d1")
    t.admin("d1", "officer", "add", "--username", "g1", "--name", "Guard One", "--role",
            "guard", stdin=PASSWORD)
    now = datetime.datetime.utcnow().replace(microsecond=0) + datetime.timedelta(minutes=1)
    register(t, now, "entry", ACKED)
    register(t, now + datetime.timedelta(minutes=5), "exit", ACKED)
    first = at(t, now + datetime.timedelta(minutes=6), t.admin_json, "d1", "sync")
    check(first["complete"] and first["records_sent"] >= 2, "first round: %r" % first)
    eq(first["retention"]["crossings"], 0, "within the period")
    again = at(t, now + datetime.timedelta(hours=23), t.admin_json, "d1", "sync")
    eq(again["retention"], None, "a second purge the same day")
    later = at(t, now + datetime.timedelta(days=200), t.admin_json, "d1", "sync")
    eq((later["retention"]["crossings"], later["retention"]["documents"]), (2, 1),
       "200 days later")
    eq(len(t.admin_json("d1", "crossings", "list")), 0, "crossings left")
    t.admin("d1", "audit", "verify")


def retention_purge_usage(t):
    t.desk("d1", enrol=False)
    rc, out, err = t.admin("d1", "retention", expect=2)
    check("retention purge" in err, "usage names the command: %r" % err)
    rc, out, err = t.admin("d1", "retention", "purge", "--json", "extra", expect=2)
    check(json.loads(out).get("error"), "a JSON document on exit 2")


if __name__ == "__main__":
    # test_sync.py's runner (TAP, the log of a failed test's last commands).
    test_sync.TESTS[:] = [retention_purge_after_receipts, stay_rule_unchanged_on_demo_data,
                          sync_purges_once_a_day, retention_purge_usage]
    sys.exit(test_sync.main())
