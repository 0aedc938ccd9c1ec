#!/usr/bin/python3
"""borderdesk-admin for supervisors (issue 7): shift report --json/--csv/--pdf,
shift stats, shift timeline, shift list filters, sign-off and amendments.

Every figure is recomputed here from the database with sqlite3 and Python,
independently of the C code.  The PDF is read back with pdftotext and
pdfinfo (poppler-utils).  Reuses test_cli.py's harness (Case, td3, ...).
Output is TAP.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_cli  # noqa: E402
from test_cli import (Case, Failure, PASSWORDS, TD3_SPECIMEN, DEU_MRZ, check, eq,  # noqa: E402
                      td3)

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def seeded(t):
    """Demo data (three guards' shifts), plus g1's shift with an override
    and a refusal, closed: shift ids of the demo and g1's."""
    t.desk("g1", "s1", "s2", "a1")
    t.ok("demo", "seed", "--crossings", "400", "--seed", "3")
    rc, doc, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "register (stderr %r)" % err)
    rc, doc, err = t.register("g1", TD3_SPECIMEN, sup="s1",
                              extra=["--override-reason", "humanitarian"])
    eq(rc, 0, "override (stderr %r)" % err)
    refused = td3("DOE", "JANE", "Q11122233", "NLD", "091231", "F", "291130")
    rc, doc, err = t.register("g1", refused, extra=["--decision", "refused", "--reason", "C",
                                                    "--reason", "E"])
    eq(rc, 0, "refusal (stderr %r)" % err)
    g1_shift = t.sql("SELECT s.id FROM shifts s JOIN officers o ON o.id = s.officer_id "
                     "WHERE o.username = 'g1'")[0][0]
    t.ok("shift", "close", "--shift", str(g1_shift), "--username", "g1",
         stdin=PASSWORDS["g1"] + "\n", env={"BORDERDESK_NOW": "2026-05-01T12:00:00Z"})
    return g1_shift


def age_band(birth, time):
    try:
        b = datetime.date.fromisoformat(birth)
    except ValueError:
        return "unknown"
    t = datetime.date.fromisoformat(time[:10])
    age = t.year - b.year - ((t.month, t.day) < (b.month, b.day))
    if age < 0:
        return "unknown"
    return "0-17" if age < 18 else "18-34" if age < 35 else "35-59" if age < 60 else "60+"


def bump(d, k, n=1):
    d[k] = d.get(k, 0) + n


def independent(t, where, params):
    """The statistics of the crossings selected by @where, from sqlite3."""
    rows = t.sql("SELECT c.id, c.time, c.direction, c.decision, c.refusal_reasons, "
                 "c.nationality, c.sex, c.birth_date, c.vulnerability, c.checks, c.override_by "
                 "FROM crossings c LEFT JOIN officers o ON o.id = c.officer_id "
                 "WHERE c.shift_id IS NOT NULL AND " + where, params)
    counts = {"total": len(rows)}
    groups = {g: {} for g in ("by_direction", "by_decision", "by_sex", "by_nationality",
                              "by_hour", "by_refusal_reason", "by_age_band", "by_vulnerability",
                              "by_hour_direction", "by_sex_direction")}
    alerts = overrides = 0
    for (_id, time, direction, decision, reasons, nat, sex, birth, vuln, checks,
         override_by) in rows:
        hour = time[11:13]
        bump(groups["by_direction"], direction)
        bump(groups["by_decision"], decision)
        bump(groups["by_sex"], sex)
        bump(groups["by_nationality"], nat)
        bump(groups["by_hour"], hour)
        for letter in reasons:
            bump(groups["by_refusal_reason"], letter)
        bump(groups["by_age_band"], age_band(birth, time))
        for flag in vuln.split(","):
            if flag.strip():
                bump(groups["by_vulnerability"], flag.strip())
        bump(groups["by_hour_direction"].setdefault(hour, {}), direction)
        bump(groups["by_sex_direction"].setdefault(sex, {}), direction)
        if any(c.get("state") == "block" for c in json.loads(checks)):
            alerts += 1
        if override_by is not None:
            overrides += 1
    counts.update(groups)
    ids = [r[0] for r in rows]
    return counts, alerts, overrides, ids


def unsynced_rows(t, crossing_ids, shift_ids):
    pending = t.sql("SELECT o.kind, o.ref_id FROM outbox o LEFT JOIN batches b "
                    "ON b.epoch = o.batch_epoch AND b.seq = o.batch_seq "
                    "WHERE o.batch_seq IS NULL OR b.receipt IS NULL")
    amendments = {a for (a, c) in t.sql("SELECT id, crossing_id FROM amendments")
                  if c in set(crossing_ids)}
    n = 0
    for kind, ref in pending:
        if (kind == "crossing" and ref in crossing_ids) or \
           (kind == "shift" and ref in shift_ids) or \
           (kind == "amendment" and ref in amendments):
            n += 1
    return n


@test
def stats_of_every_shift_match_sqlite(t):
    g1_shift = seeded(t)
    shifts, _, _ = t.json("shift", "list", "--json")
    check(len(shifts) >= 4, "shift list: %r" % shifts)
    for s in shifts:
        doc, _, _ = t.json("shift", "stats", "--shift", str(s["id"]), "--json")
        counts, alerts, overrides, ids = independent(t, "c.shift_id = ?", (s["id"],))
        eq(doc["counts"], counts, "shift %d counts vs sqlite" % s["id"])
        eq(doc["alerts"], alerts, "shift %d alerts" % s["id"])
        eq(doc["overrides"], overrides, "shift %d overrides" % s["id"])
        eq(doc["unsynced"], unsynced_rows(t, ids, {s["id"]}), "shift %d unsynced" % s["id"])
        eq(doc["shift"]["id"], s["id"], "stats shift")
        # The list's own figures agree.
        eq((s["alerts"], s["overrides"], s["unsynced"], s["crossings"]),
           (alerts, overrides, doc["unsynced"], counts["total"]), "shift list figures")
        # CONTRACT.md's report agrees on what both carry.
        rep, _, _ = t.json("shift", "report", "--shift", str(s["id"]), "--json")
        for k in ("total", "by_direction", "by_decision", "by_sex", "by_nationality", "by_hour"):
            eq(rep["counts"][k], counts[k], "report %s" % k)
    g1, _, _ = t.json("shift", "stats", "--shift", str(g1_shift), "--json")
    eq(g1["alerts"], 1, "g1's alerts")
    eq(g1["overrides"], 1, "g1's overrides")
    eq(g1["counts"]["by_refusal_reason"], {"C": 1, "E": 1}, "refusal reasons")
    eq(g1["counts"]["by_age_band"].get("0-17"), 1, "the refused traveller is a minor")


@test
def stats_of_days_match_sqlite(t):
    seeded(t)
    days = sorted({r[0][:10] for r in t.sql("SELECT time FROM crossings")})
    check(len(days) >= 1, "no days")
    first, last = days[0], days[-1]
    doc, _, _ = t.json("shift", "stats", "--from", first, "--to", last, "--json")
    counts, alerts, _, _ = independent(t, "c.time >= ? AND c.time < ?",
                                       (first + "T00:00:00Z", last + "T99"))
    eq(doc["counts"], counts, "range counts vs sqlite")
    eq(doc["alerts"], alerts, "range alerts")
    eq(doc["shifts"], t.sql("SELECT count(*) FROM shifts")[0][0], "range shifts")
    for day in days:
        doc, _, _ = t.json("shift", "stats", "--day", day, "--json")
        counts, _, _, _ = independent(t, "substr(c.time, 1, 10) = ?", (day,))
        eq(doc["counts"], counts, "day %s" % day)
    doc, _, _ = t.json("shift", "stats", "--day", last, "--officer", "demo.guard2", "--json")
    counts, _, _, _ = independent(t, "substr(c.time, 1, 10) = ? AND o.username = ?",
                                  (last, "demo.guard2"))
    eq(doc["counts"], counts, "one officer's day")
    doc, _, _ = t.json("shift", "stats", "--day", last, "--desk", "UTO-ALP/9", "--json")
    eq(doc["counts"]["total"], 0, "another desk")
    # Bad scopes are bad usage.
    for args in (["--day", "2026-02-30"], ["--from", last], ["--shift", "1", "--day", last],
                 []):
        rc, _, err = t.run("shift", "stats", "--json", *args)
        eq(rc, 2, "shift stats %r (stderr %r)" % (args, err))


def pdf_text(path):
    p = subprocess.run(["pdftotext", "-layout", path, "-"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    eq(p.returncode, 0, "pdftotext: %s" % p.stderr.decode(errors="replace"))
    return p.stdout.decode("utf-8", "replace")


def pdf_pages(path):
    p = subprocess.run(["pdfinfo", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    eq(p.returncode, 0, "pdfinfo: %s" % p.stderr.decode(errors="replace"))
    for line in p.stdout.decode().splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise Failure("pdfinfo printed no page count")


@test
def report_pdf_and_csv(t):
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        raise Failure("poppler-utils (pdftotext, pdfinfo) is not installed: tools/install-deps")
    g1_shift = seeded(t)
    t.ok("shift", "signoff", "--shift", str(g1_shift), "--username", "s1", "--note",
         "checked with the team", stdin=PASSWORDS["s1"] + "\n",
         env={"BORDERDESK_NOW": "2026-05-01T13:00:00Z"})
    pdf = os.path.join(t.dir, "shift.pdf")
    csv_path = os.path.join(t.dir, "shift.csv")
    before = t.sql("SELECT count(*) FROM audit WHERE action = 'shift.export'")[0][0]
    t.ok("shift", "report", "--shift", str(g1_shift), "--pdf", pdf, "--csv", csv_path)
    eq(t.sql("SELECT count(*) FROM audit WHERE action = 'shift.export'")[0][0], before + 2,
       "each export audited")
    eq(os.stat(pdf).st_mode & 0o777, 0o600, "PDF mode")
    text = pdf_text(pdf)
    pages = pdf_pages(pdf)
    check(pages >= 2, "%d pages" % pages)
    for needle in ("Shift report", "Alpha Pass (UTO-ALP)", "Desk: UTO-ALP/1", "Officer: g1",
                   "Closed: 2026-05-01T12:00:00Z", "Signed off by s1 at 2026-05-01T13:00:00Z",
                   "Sign-off note: checked with the team", "Crossings per hour (UTC)",
                   "Decisions", "Top nationalities", "Sex by direction", "By refusal reason",
                   "Page 1 of %d" % pages, "Page %d of %d" % (pages, pages)):
        check(needle in text, "PDF lacks %r:\n%s" % (needle, text[:1500]))
    counts, alerts, overrides, _ = independent(t, "c.shift_id = ?", (g1_shift,))
    check("Crossings: %d" % counts["total"] in text and "Overrides: %d" % overrides in text
          and "Alerts: %d" % alerts in text, "PDF figures: %s" % text[:800])
    # CSV: every flat group's rows equal the independent counts.
    with open(csv_path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\r\n")
    eq(lines[0], "group,key,count", "CSV header")
    rows = {}
    for line in lines[1:]:
        if line:
            group, rest = line.split(",", 1)
            key, n = rest.rsplit(",", 1)
            rows.setdefault(group, {})[key.strip('"')] = int(n)
    eq(rows["total"], {"": counts["total"]}, "CSV total")
    for g in ("by_direction", "by_decision", "by_nationality", "by_refusal_reason"):
        eq(rows.get(g, {}), counts[g], "CSV %s" % g)
    # A range report is a PDF too, with its days in the header; a big demo
    # spreads over more pages.
    t.ok("demo", "seed", "--crossings", "600", "--seed", "4")
    days = sorted({r[0][:10] for r in t.sql("SELECT time FROM crossings")})
    range_pdf = os.path.join(t.dir, "days.pdf")
    t.ok("shift", "stats", "--from", days[0], "--to", days[-1], "--pdf", range_pdf)
    text = pdf_text(range_pdf)
    check("Crossing statistics" in text and ("Days: %s to %s" % (days[0], days[-1])) in text,
          "range PDF header: %s" % text[:600])
    # An unwritable path fails with a reason, and nothing is audited.
    audited = t.sql("SELECT count(*) FROM audit WHERE action = 'shift.export'")[0][0]
    rc, _, err = t.run("shift", "report", "--shift", str(g1_shift), "--pdf",
                       os.path.join(t.dir, "no", "such", "dir.pdf"))
    check(rc not in (0, 1, 2) and err.strip(), "unwritable PDF: exit %d %r" % (rc, err))
    eq(t.sql("SELECT count(*) FROM audit WHERE action = 'shift.export'")[0][0], audited,
       "a failed export is not audited")


@test
def report_json_is_still_the_contract(t):
    g1_shift = seeded(t)
    rep, _, _ = t.json("shift", "report", "--shift", str(g1_shift), "--json")
    eq(sorted(rep), sorted(test_cli.REPORT_KEYS), "report keys")
    eq(sorted(rep["counts"]), sorted(["total", "by_direction", "by_decision", "by_sex",
                                      "by_nationality", "by_hour"]), "report counts keys")


@test
def shift_list_filters(t):
    g1_shift = seeded(t)
    all_, _, _ = t.json("shift", "list", "--json")
    n = len(all_)
    by_state = {}
    for s in all_:
        by_state.setdefault(s["state"], []).append(s["id"])
        eq(s["state"], "open" if s["closed"] is None else
           "signed-off" if s["signed_off_by"] else "closed", "state of %d" % s["id"])
    for state in ("open", "closed", "signed-off"):
        lst, _, _ = t.json("shift", "list", "--state", state, "--json")
        eq(sorted(s["id"] for s in lst), sorted(by_state.get(state, [])), "--state " + state)
    lst, _, _ = t.json("shift", "list", "--officer", "g1", "--json")
    eq([s["id"] for s in lst], [g1_shift], "--officer g1")
    lst, _, _ = t.json("shift", "list", "--desk", "UTO-ALP/1", "--json")
    eq(len(lst), n, "--desk")
    day = all_[0]["opened"][:10]
    lst, _, _ = t.json("shift", "list", "--from", day, "--to", day, "--json")
    eq(sorted(s["id"] for s in lst), sorted(s["id"] for s in all_ if s["opened"][:10] == day),
       "--from/--to")
    rc, out, _ = t.run("shift", "list", "--state", "asleep", "--json")
    eq(rc, 2, "--state asleep")
    eq(json.loads(out), [], "the failure document of a list")


@test
def timeline_and_signoff_immutability(t):
    g1_shift = seeded(t)
    tl, _, _ = t.json("shift", "timeline", "--shift", str(g1_shift), "--json")
    kinds = [e["kind"] for e in tl]
    for k in ("login", "shift", "crossing", "alert", "override"):
        check(k in kinds, "no %s in the timeline: %r" % (k, kinds))
    eq(sum(1 for e in tl if e["kind"] in ("crossing", "alert")), 3, "crossings in timeline")
    ov = [e for e in tl if e["kind"] == "override"][0]
    eq(ov["actor"], "s1", "override by")
    check("officer=g1" in ov["detail"], "both officers: %r" % ov["detail"])
    eq([e["time"] for e in tl], sorted(e["time"] for e in tl), "time order")

    uuid = [e["crossing"] for e in tl if e["kind"] == "crossing"][0]
    # Before sign-off the guard corrects their own crossing, with a reason.
    t.ok("crossings", "amend", "--crossing", uuid, "--field", "purpose", "--value", "tourism",
         "--reason", "asked again", "--username", "g1", stdin=PASSWORDS["g1"] + "\n")
    rc, _, err = t.run("crossings", "amend", "--crossing", uuid, "--field", "decision",
                       "--value", "refused", "--reason", "x", "--username", "g1",
                       stdin=PASSWORDS["g1"] + "\n")
    eq(rc, 2, "amending the decision (stderr %r)" % err)
    # Sign-off: not by a guard, not by the shift's officer, then once.
    rc, _, _ = t.run("shift", "signoff", "--shift", str(g1_shift), "--username", "g1",
                     stdin=PASSWORDS["g1"] + "\n")
    eq(rc, 1, "a guard signing off")
    t.ok("shift", "signoff", "--shift", str(g1_shift), "--username", "s1", "--note", "ok",
         stdin=PASSWORDS["s1"] + "\n")
    before = t.sql("SELECT * FROM shifts WHERE id = ?", (g1_shift,))
    crossings_before = t.sql("SELECT * FROM crossings WHERE shift_id = ?", (g1_shift,))
    rc, _, _ = t.run("shift", "signoff", "--shift", str(g1_shift), "--username", "s2",
                     stdin=PASSWORDS["s2"] + "\n")
    eq(rc, 1, "a second sign-off")
    rc, _, err = t.run("crossings", "amend", "--crossing", uuid, "--field", "purpose",
                       "--value", "work", "--reason", "late", "--username", "g1",
                       stdin=PASSWORDS["g1"] + "\n")
    eq(rc, 1, "the guard amending a signed-off shift (stderr %r)" % err)
    rc, _, _ = t.run("crossings", "amend", "--crossing", uuid, "--field", "purpose",
                     "--value", "work", "--reason", "", "--username", "s2",
                     stdin=PASSWORDS["s2"] + "\n")
    eq(rc, 2, "an amendment without a reason")
    t.ok("crossings", "amend", "--crossing", uuid, "--field", "purpose", "--value", "work",
         "--reason", "statement at the second line", "--username", "s2",
         stdin=PASSWORDS["s2"] + "\n")
    eq(t.sql("SELECT * FROM shifts WHERE id = ?", (g1_shift,)), before, "the shift row")
    eq(t.sql("SELECT * FROM crossings WHERE shift_id = ?", (g1_shift,)), crossings_before,
       "the crossings")
    eq(t.sql("SELECT field, old_value, new_value, reason FROM amendments ORDER BY id"),
       [("purpose", "", "tourism", "asked again"),
        ("purpose", "tourism", "work", "statement at the second line")], "amendments")
    tl, _, _ = t.json("shift", "timeline", "--shift", str(g1_shift), "--json")
    amends = [e for e in tl if e["kind"] == "amendment"]
    eq([e["actor"] for e in amends], ["g1", "s2"], "amendments in the timeline")
    check(any(e["kind"] == "shift" and "signoff" in e["detail"] for e in tl), "sign-off shown")
    t.ok("audit", "verify")


def main():
    if not os.access(test_cli.BIN, os.X_OK):
        print("1..0 # SKIP borderdesk-admin not found at %s" % test_cli.BIN)
        return 0
    test_cli.TESTS[:] = TESTS
    return test_cli.main()


if __name__ == "__main__":
    sys.exit(main())
