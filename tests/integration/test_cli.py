#!/usr/bin/python3
"""Integration tests of the real borderdesk-admin binary (CONTRACT.md).

Stdlib only.  Prints TAP on stdout; exits non-zero when a test fails.
The binary is $BORDERDESK_ADMIN, else the one in /work/main/_build.
Every test runs in its own temporary directory with its own --db.
"""

import datetime
import errno
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time

import taplib  # the TAP runner the integration scripts share

BIN = os.environ.get("BORDERDESK_ADMIN",
                     "/work/main/_build/src/admin/borderdesk-admin")
NOW = "2026-05-01T10:00:00Z"
TODAY = datetime.date(2026, 5, 1)
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CMD_TIMEOUT = 120

# ICAO 9303 specimens.
TD3_SPECIMEN = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10\n")
TD1_SPECIMEN = ("I<UTOD231458907<<<<<<<<<<<<<<<\n"
                "7408122F1204159UTO<<<<<<<<<<<6\n"
                "ERIKSSON<<ANNA<MARIA<<<<<<<<<<\n")

PASSWORDS = {
    "g1": "guard-one-pass",
    "g2": "guard-two-pass",
    "s1": "super-one-pass",
    "s2": "super-two-pass",
    "a1": "admin-one-pass",
}
ROLES = {"g1": "guard", "g2": "guard", "s1": "supervisor", "s2": "supervisor", "a1": "admin"}


class Failure(Exception):
    pass


# --------------------------------------------------------------------------
# MRZ construction (independent of the code under test)

def check_digit(text):
    """ICAO 9303 part 3, 4.9: weights 7, 3, 1; 0-9, A-Z = 10..35, '<' = 0."""
    weights = (7, 3, 1)
    total = 0
    for i, ch in enumerate(text):
        if ch.isdigit():
            v = ord(ch) - ord("0")
        elif "A" <= ch <= "Z":
            v = ord(ch) - ord("A") + 10
        elif ch == "<":
            v = 0
        else:
            raise ValueError("not an MRZ character: %r" % ch)
        total += v * weights[i % 3]
    return str(total % 10)


def td3(surname, given, number, nationality, birth, sex, expiry,
        issuer=None, optional="", code="P"):
    """A TD3 (passport) MRZ with correct check digits, two lines + LF."""
    issuer = issuer or nationality
    name = surname.replace(" ", "<") + "<<" + given.replace(" ", "<")
    l1 = (code.ljust(2, "<") + issuer.ljust(3, "<") + name).ljust(44, "<")[:44]
    num = number.ljust(9, "<")
    opt = optional.ljust(14, "<")
    num_cd, birth_cd, exp_cd = check_digit(num), check_digit(birth), check_digit(expiry)
    opt_cd = check_digit(opt)
    composite = check_digit(num + num_cd + birth + birth_cd + expiry + exp_cd + opt + opt_cd)
    l2 = (num + num_cd + nationality.ljust(3, "<") + birth + birth_cd + sex + expiry + exp_cd
          + opt + opt_cd + composite)
    assert len(l1) == 44 and len(l2) == 44, (l1, l2)
    return l1 + "\n" + l2 + "\n"


# A foreign (DEU) passport valid until 2030, for a post in UTO.
DEU_SURNAME, DEU_GIVEN, DEU_NUMBER = "MUSTERMANN", "ERIKA", "C01X00T47"
DEU_MRZ = td3(DEU_SURNAME, DEU_GIVEN, DEU_NUMBER, "DEU", "640812", "F", "300131")


# --------------------------------------------------------------------------
# Harness

class Case:
    """One test's world: a temporary directory, a database path, a log."""

    def __init__(self, name):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="bd-cli-")
        self.db = os.path.join(self.dir, "desk.db")
        self.log = []
        self.env = dict(os.environ)
        for k in ("BORDERDESK_DB", "BORDERDESK_HQ_DIR"):
            self.env.pop(k, None)
        self.env.update({
            "LC_ALL": "C.UTF-8",
            "BORDERDESK_NOW": NOW,
            "XDG_DATA_HOME": os.path.join(self.dir, "xdg-data"),
            "XDG_CONFIG_HOME": os.path.join(self.dir, "xdg-config"),
            "HOME": self.dir,
            "GSETTINGS_BACKEND": "memory",
        })

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run(self, *args, stdin="", db=True, env=None, timeout=CMD_TIMEOUT):
        return self._run(args, stdin, db, env, timeout)

    def _run(self, args, stdin, db, env, timeout):
        argv = [BIN] + (["--db", self.db] if db else []) + list(args)
        e = dict(self.env)
        if env:
            for k, v in env.items():
                if v is None:
                    e.pop(k, None)
                else:
                    e[k] = v
        p = run_binary(argv, stdin.encode("utf-8"), e, timeout, self.dir)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        self.log.append((argv[1:], p.returncode, out, err))
        return p.returncode, out, err

    def json(self, *args, stdin="", expect=0, **kw):
        rc, out, err = self.run(*args, stdin=stdin, **kw)
        if expect is not None:
            check(rc == expect, "%s: exit %d, expected %d; stderr: %s"
                  % (" ".join(args), rc, expect, err.strip()))
        try:
            return json.loads(out), rc, err
        except ValueError as exc:
            raise Failure("%s: stdout is not JSON (%s): %r" % (" ".join(args), exc, out[:500]))

    def ok(self, *args, stdin="", **kw):
        rc, out, err = self.run(*args, stdin=stdin, **kw)
        check(rc == 0, "%s: exit %d, expected 0; stderr: %s" % (" ".join(args), rc, err.strip()))
        return out

    def sql(self, query, params=()):
        con = sqlite3.connect(self.db, timeout=30)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def sql_write(self, *statements):
        con = sqlite3.connect(self.db, timeout=30)
        try:
            for st in statements:
                if isinstance(st, tuple):
                    con.execute(*st)
                else:
                    con.execute(st)
            con.commit()
        finally:
            con.close()

    # Common set-ups -------------------------------------------------------

    def init(self):
        self.ok("init", "--post", "UTO-ALP", "--post-name", "Alpha Pass", "--desk", "1")

    def add_officers(self, *names):
        for u in names:
            self.ok("officer", "add", "--username", u, "--name", "Officer " + u,
                    "--role", ROLES[u], stdin=PASSWORDS[u] + "\n")

    def desk(self, *names):
        self.init()
        self.add_officers(*(names or ("g1", "s1")))

    def register(self, user, mrz, direction="entry", extra=(), password=None,
                 sup=None, sup_password=None, env=None):
        stdin = (password if password is not None else PASSWORDS[user]) + "\n"
        args = ["register", "--username", user, "--direction", direction, "--json"]
        if sup is not None:
            args += ["--override-by", sup]
            stdin += (sup_password if sup_password is not None else PASSWORDS[sup]) + "\n"
        args += list(extra)
        stdin += mrz
        rc, out, err = self.run(*args, stdin=stdin, env=env)
        try:
            doc = json.loads(out)
        except ValueError:
            raise Failure("register: stdout is not JSON (exit %d): %r; stderr %r"
                          % (rc, out[:300], err))
        return rc, doc, err

    def crossings(self, *extra):
        doc, _, _ = self.json("crossings", "list", "--json", *extra)
        check(isinstance(doc, list), "crossings list --json is not an array: %r" % (doc,))
        return doc

    def import_lines(self, rows, name="history.jsonl"):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write((r if isinstance(r, str) else json.dumps(r)) + "\n")
        return self.run("crossings", "import", path)


def run_binary(argv, data, env, timeout, cwd):
    """subprocess.run, waiting out a concurrent rebuild of the binary (ninja
    replaces it while other work goes on in the tree: EACCES/ETXTBSY/ENOENT)."""
    deadline = time.monotonic() + 120
    while True:
        try:
            return subprocess.run(argv, input=data, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, timeout=timeout, cwd=cwd)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.ETXTBSY, errno.ENOENT) or \
                    time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def eq(actual, expected, what):
    if actual != expected:
        raise Failure("%s: expected %r, got %r" % (what, expected, actual))


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def history_row(time, direction, number="X1234567", state="DEU", surname="SCHMIDT",
                given="HANS", nationality=None, birth="1980-01-02", sex="M",
                decision="admitted", reasons=None, expiry="2031-01-01", post="UTO-ALP"):
    row = {"time": time, "direction": direction, "decision": decision,
           "document": {"code": "P", "issuing_state": state, "number": number,
                        "expiry": expiry},
           "traveller": {"surname": surname, "given_names": given,
                         "nationality": nationality or state, "birth_date": birth,
                         "sex": sex},
           "post": post}
    if reasons is not None:
        row["refusal_reasons"] = reasons
    return row


# --------------------------------------------------------------------------
# Reference stay rule (brute force, for cross-checking latest_exit)

def presence_days(stays, on):
    """stays: list of (entry_date, exit_date or None).  Present on `on`."""
    days = set()
    for a, b in stays:
        end = b if b is not None else on
        d = a
        while d <= end:
            days.add(d)
            d += datetime.timedelta(days=1)
    days.add(on)
    return days


def used_in_window(days, day, window=180):
    start = day - datetime.timedelta(days=window - 1)
    return sum(1 for d in days if start <= d <= day)


def reference_stay(stays, on, limit=90, window=180):
    days = presence_days(stays, on)
    used = used_in_window(days, on, window)
    latest = None
    if used <= limit:
        d = on
        extra = set(days)
        while True:
            nxt = d + datetime.timedelta(days=1)
            extra.add(nxt)
            if used_in_window(extra, nxt, window) > limit:
                break
            d = nxt
        latest = d.isoformat()
    return {"days_used": used, "days_remaining": max(limit - used, 0),
            "latest_exit": latest, "overstay_days": max(used - limit, 0)}


# ==========================================================================
# Tests

@test
def mrz_builder_reproduces_icao_specimen(t):
    eq(check_digit("L898902C3"), "6", "check digit of L898902C3")
    eq(check_digit("740812"), "2", "check digit of 740812")
    eq(check_digit("120415"), "9", "check digit of 120415")
    eq(td3("ERIKSSON", "ANNA MARIA", "L898902C3", "UTO", "740812", "F", "120415",
           optional="ZE184226B"), TD3_SPECIMEN, "TD3 builder on the ICAO specimen")


@test
def init_creates_private_db_and_refuses_second_init(t):
    t.init()
    mode = stat.S_IMODE(os.stat(t.db).st_mode)
    eq(oct(mode), oct(0o600), "database file mode")
    rc, out, err = t.run("init", "--post", "UTO-BET", "--post-name", "Beta", "--desk", "2")
    check(rc != 0, "second init succeeded (exit 0)")
    check(err.strip() != "", "second init: no reason on stderr")
    eq(t.sql("SELECT code, name, desk FROM post"), [("UTO-ALP", "Alpha Pass", 1)],
       "post after refused second init")
    # Missing options: bad usage.
    c2 = os.path.join(t.dir, "other.db")
    rc, _, _ = t.run("--db", c2, "init", "--post", "UTO-ALP", db=False)
    eq(rc, 2, "init without --post-name/--desk")
    # Every file beside the db is private as well.
    for f in os.listdir(t.dir):
        p = os.path.join(t.dir, f)
        if f.startswith("desk.db") and os.path.isfile(p):
            eq(oct(stat.S_IMODE(os.stat(p).st_mode) & 0o077), oct(0), "group/other bits of " + f)


@test
def officer_add_list_roles_and_errors(t):
    t.init()
    t.add_officers("g1", "s1", "a1")
    lst, _, _ = t.json("officer", "list", "--json")
    check(isinstance(lst, list), "officer list --json is not an array")
    by = {o["username"]: o for o in lst}
    eq(sorted(by), ["a1", "g1", "s1"], "officers listed")
    for u in ("a1", "g1", "s1"):
        eq(by[u]["role"], ROLES[u], "role of " + u)
        eq(by[u]["name"], "Officer " + u, "name of " + u)
    # bad role
    rc, _, err = t.run("officer", "add", "--username", "x1", "--name", "X", "--role", "king",
                       stdin="secret-pass\n")
    eq(rc, 2, "officer add with a bad role")
    check(err.strip() != "", "bad role: no message on stderr")
    # duplicate
    rc, _, _ = t.run("officer", "add", "--username", "g1", "--name", "Again", "--role", "guard",
                     stdin="secret-pass\n")
    eq(rc, 2, "duplicate officer add")
    # empty stdin and empty first line
    rc, _, _ = t.run("officer", "add", "--username", "e1", "--name", "E", "--role", "guard",
                     stdin="")
    eq(rc, 2, "officer add with empty stdin")
    rc, _, _ = t.run("officer", "add", "--username", "e2", "--name", "E", "--role", "guard",
                     stdin="\nsecond-line\n")
    eq(rc, 2, "officer add with an empty first line")
    # missing options
    rc, _, _ = t.run("officer", "add", "--username", "e3", stdin="secret-pass\n")
    eq(rc, 2, "officer add without --name/--role")
    lst, _, _ = t.json("officer", "list", "--json")
    eq(sorted(o["username"] for o in lst), ["a1", "g1", "s1"], "officers after refused adds")
    # --limit
    lst, _, _ = t.json("officer", "list", "--json", "--limit", "2")
    eq(len(lst), 2, "officer list --limit 2")
    # unknown subcommand
    rc, _, _ = t.run("officer", "fire", "--username", "g1")
    eq(rc, 2, "officer fire (unknown subcommand)")


@test
def officer_hostile_names_round_trip(t):
    t.init()
    names = {
        "q1": 'O\'Brien "Bobby" \\ Tables',
        "q2": "'; DROP TABLE officers; --",
        "q3": "Ñandú Åsa Þór Łukasz 李小龙 Ωμέγα 😀",
        "q4": "<script>alert(1)</script> & %s %n {}",
        "q5": "\u202eRTL override \u200b zero-width",
    }
    for u, n in names.items():
        t.ok("officer", "add", "--username", u, "--name", n, "--role", "guard",
             stdin="p4ss-" + u + "\n")
    lst, _, _ = t.json("officer", "list", "--json")
    got = {o["username"]: o["name"] for o in lst}
    for u, n in names.items():
        eq(got.get(u), n, "name of %s in officer list --json" % u)
    stored = dict(t.sql("SELECT username, full_name FROM officers"))
    for u, n in names.items():
        eq(stored.get(u), n, "stored name of " + u)
    # The plain listing shows the names too, byte for byte.
    out = t.ok("officer", "list")
    for n in names.values():
        check(n in out, "plain officer list lacks %r" % n)
    # A name with a control character or a bad username is bad input.
    rc, _, _ = t.run("officer", "add", "--username", "c1", "--name", "bell\x07name",
                     "--role", "guard", stdin="pass-word\n")
    eq(rc, 2, "name with a control character")
    rc, _, _ = t.run("officer", "add", "--username", "Bad User", "--name", "x",
                     "--role", "guard", stdin="pass-word\n")
    eq(rc, 2, "username with capitals and a space")
    # The hostile officers can still authenticate and act.
    rc, doc, err = t.register("q2", DEU_MRZ, password="p4ss-q2")
    eq(rc, 0, "register by an officer with a hostile name (stderr %r)" % err)


@test
def officer_passwd_and_unlock(t):
    t.desk("g1")
    t.ok("officer", "passwd", "--username", "g1", stdin="brand-new-pass\n")
    rc, doc, _ = t.register("g1", DEU_MRZ)            # old password
    eq(rc, 1, "register with the old password after passwd")
    eq(doc["crossing"], None, "crossing after a failed login")
    rc, doc, err = t.register("g1", DEU_MRZ, password="brand-new-pass")
    eq(rc, 0, "register with the new password (stderr %r)" % err)
    rc, _, _ = t.run("officer", "passwd", "--username", "g1", stdin="")
    eq(rc, 2, "passwd with empty stdin")
    rc, _, _ = t.run("officer", "passwd", "--username", "nobody1", stdin="whatever-pw\n")
    check(rc != 0, "passwd of an unknown officer succeeded")
    rc, _, _ = t.run("officer", "passwd", stdin="whatever-pw\n")
    eq(rc, 2, "passwd without --username")
    rc, _, _ = t.run("officer", "unlock", "--username", "nobody1")
    check(rc != 0, "unlock of an unknown officer succeeded")
    rc, _, _ = t.run("officer", "unlock")
    eq(rc, 2, "unlock without --username")
    t.ok("officer", "unlock", "--username", "g1")     # not locked: harmless


@test
def mrz_parse_td3_specimen(t):
    doc, rc, _ = t.json("mrz", "parse", "--json", stdin=TD3_SPECIMEN, db=False)
    expected = {
        "format": "TD3", "valid": True, "document_code": "P", "issuing_state": "UTO",
        "nationality": "UTO", "surname": "ERIKSSON", "given_names": "ANNA MARIA",
        "name_truncated": False, "document_number": "L898902C3", "birth_date": "740812",
        "expiry_date": "120415", "sex": "F", "optional_data": "ZE184226B",
        "optional_data_2": "",
        "checks": {"document_number": True, "birth_date": True, "expiry_date": True,
                   "optional_data": True, "composite": True},
        "corrections": [], "errors": [], "warnings": [],
    }
    eq(doc, expected, "mrz parse --json on the TD3 specimen")
    # Without --json: exit 0 and some text.
    rc, out, _ = t.run("mrz", "parse", stdin=TD3_SPECIMEN, db=False)
    eq(rc, 0, "mrz parse (text) exit")
    check("ERIKSSON" in out, "text output lacks the surname")


@test
def mrz_parse_td1_specimen(t):
    doc, rc, _ = t.json("mrz", "parse", "--json", stdin=TD1_SPECIMEN, db=False)
    expected = {
        "format": "TD1", "valid": True, "document_code": "I", "issuing_state": "UTO",
        "nationality": "UTO", "surname": "ERIKSSON", "given_names": "ANNA MARIA",
        "name_truncated": False, "document_number": "D23145890", "birth_date": "740812",
        "expiry_date": "120415", "sex": "F", "optional_data": "", "optional_data_2": "",
        "checks": {"document_number": True, "birth_date": True, "expiry_date": True,
                   "optional_data": None, "composite": True},
        "corrections": [], "errors": [], "warnings": [],
    }
    eq(doc, expected, "mrz parse --json on the TD1 specimen")


@test
def mrz_parse_crlf(t):
    for name, spec in (("TD3", TD3_SPECIMEN), ("TD1", TD1_SPECIMEN)):
        lf, _, _ = t.json("mrz", "parse", "--json", stdin=spec, db=False)
        crlf, _, _ = t.json("mrz", "parse", "--json", stdin=spec.replace("\n", "\r\n"),
                            db=False)
        eq(crlf, lf, "%s with CRLF line ends vs LF" % name)
        noeol, _, _ = t.json("mrz", "parse", "--json", stdin=spec.rstrip("\n"), db=False)
        eq(noeol, lf, "%s without a final line end vs LF" % name)


@test
def mrz_parse_corrupted_check_digit(t):
    bad = TD3_SPECIMEN.replace("L898902C36UTO", "L898902C37UTO")
    doc, _, _ = t.json("mrz", "parse", "--json", stdin=bad, db=False, expect=1)
    eq(doc["format"], "TD3", "format of a corrupted TD3")
    eq(doc["valid"], False, "valid of a corrupted TD3")
    eq(doc["checks"]["document_number"], False, "document_number check")
    eq(doc["checks"]["birth_date"], True, "birth_date check")
    eq(doc["checks"]["expiry_date"], True, "expiry_date check")
    check(len(doc["errors"]) > 0, "no errors listed for a bad check digit")
    # A bad birth-date digit in TD1.
    bad1 = TD1_SPECIMEN.replace("7408122F", "7408123F")
    doc, _, _ = t.json("mrz", "parse", "--json", stdin=bad1, db=False, expect=1)
    eq(doc["valid"], False, "valid of a corrupted TD1")
    eq(doc["checks"]["birth_date"], False, "TD1 birth_date check")
    eq(doc["checks"]["document_number"], True, "TD1 document_number check")


@test
def mrz_parse_garbage(t):
    for garbage in ("hello world\n", "", "\n\n\n", "\x00\x01binary\xff junk",
                    "P<UTOERIKSSON\nL898902C3\n"):
        doc, rc, _ = t.json("mrz", "parse", "--json", stdin=garbage, db=False, expect=2)
        eq(doc.get("format", "missing"), None, "format for garbage %r" % garbage)
        eq(doc.get("valid"), False, "valid for garbage %r" % garbage)
    rc, _, _ = t.run("mrz", "parse", "--bogus", stdin=TD3_SPECIMEN, db=False)
    eq(rc, 2, "mrz parse with an unknown option")


@test
def register_valid_foreign_passport(t):
    t.desk("g1")
    rc, doc, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "register exit (stderr %r)" % err)
    eq(sorted(doc), ["checks", "crossing"], "register --json keys")
    cid = doc["crossing"]
    check(isinstance(cid, str) and UUID_RE.match(cid), "crossing id is not a UUID: %r" % cid)
    names = [c["name"] for c in doc["checks"]]
    for c in doc["checks"]:
        eq(sorted(c), ["name", "reason", "state"], "keys of check %r" % c.get("name"))
        check(c["state"] in ("ok", "warning"), "check %s is %s" % (c["name"], c["state"]))
    for n in ("check-digits", "document-validity", "stay-rule"):
        check(n in names, "check %s missing from %r" % (n, names))
    lst = t.crossings()
    eq(len(lst), 1, "crossings after one registration")
    c = lst[0]
    eq(c["id"], cid, "listed crossing id")
    eq(c["direction"], "entry", "direction")
    eq(c["decision"], "admitted", "decision")
    eq(c["officer"], "g1", "officer")
    eq(c["time"], NOW, "time (BORDERDESK_NOW)")
    shifts, _, _ = t.json("shift", "list", "--json")
    eq(len(shifts), 1, "shift opened for the guard")
    eq(c["shift"], shifts[0]["id"], "crossing's shift")
    eq(c["document"], {"code": "P", "issuing_state": "DEU", "number": DEU_NUMBER,
                       "expiry": "2030-01-31"}, "document")
    eq(c["traveller"], {"surname": DEU_SURNAME, "given_names": DEU_GIVEN,
                        "nationality": "DEU", "birth_date": "1964-08-12", "sex": "F"},
       "traveller")
    # A second registration of an exit on the same shift.
    rc, doc2, err = t.register("g1", DEU_MRZ, direction="exit")
    eq(rc, 0, "register exit of the same traveller (stderr %r)" % err)
    check(doc2["crossing"] != cid, "second crossing has the same id")
    eq(len(t.crossings()), 2, "crossings after two registrations")
    shifts, _, _ = t.json("shift", "list", "--json")
    eq(len(shifts), 1, "the open shift is reused")


@test
def traveller_export_holds_everything_and_is_audited(t):
    t.desk("g1")
    rc, first, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "register (stderr %r)" % err)
    rc, second, err = t.register("g1", DEU_MRZ, direction="exit")
    eq(rc, 0, "register exit (stderr %r)" % err)
    doc, _, _ = t.json("traveller", "export", "--document", "DEU:" + DEU_NUMBER)
    eq(sorted(doc), ["amendments", "crossings", "documents", "sync", "traveller"], "keys")
    eq(doc["traveller"]["surname"], DEU_SURNAME, "surname")
    eq([c["id"] for c in doc["crossings"]], [first["crossing"], second["crossing"]],
       "every crossing, oldest first")
    eq(doc["documents"], [{"code": "P", "issuing_state": "DEU", "number": DEU_NUMBER,
                           "expiry": "2030-01-31"}], "documents")
    eq(doc["sync"], {"crossings_at_hq": 0, "crossings_pending": 2}, "sync state")
    # Audited, without the person's name or document number in the log.
    con = sqlite3.connect(t.db)
    rows = con.execute("SELECT object, details FROM audit WHERE action = 'traveller.export'"
                       ).fetchall()
    con.close()
    eq(len(rows), 1, "audit events for the export")
    check(DEU_SURNAME not in rows[0][1] and DEU_NUMBER not in rows[0][1],
          "personal data in the audit details: %r" % (rows[0],))
    rc, out, err = t.run("traveller", "export", "--document", "DEU:NOSUCH1")
    eq(rc, 1, "unknown document: exit")
    eq(json.loads(out).get("error") is not None, True, "unknown document: JSON error")
    rc, out, err = t.run("traveller", "export", "--document", "nonsense")
    eq(rc, 2, "malformed document: exit")


@test
def key_file_readable_by_others_refused_at_start(t):
    t.desk("g1")
    key = os.path.join(t.dir, "desk.key")
    eq(stat.S_IMODE(os.stat(key).st_mode), 0o600, "desk.key mode after init")
    os.chmod(key, 0o640)
    rc, out, err = t.run("crossings", "list", "--json")
    eq(rc, 3, "a command with a group-readable desk.key: exit")
    check("chmod 600" in err, "the message says how to fix it: %r" % err)
    os.chmod(key, 0o600)
    rc, out, err = t.run("crossings", "list", "--json")
    eq(rc, 0, "after chmod 600 (stderr %r)" % err)


@test
def register_bad_input(t):
    t.desk("g1")
    rc, doc, _ = t.register("g1", "this is no mrz\n")
    eq(rc, 2, "register with garbage MRZ")
    eq(doc.get("crossing", "missing"), None, "crossing for garbage")
    rc, _, _ = t.run("register", "--username", "g1", "--direction", "sideways",
                     stdin=PASSWORDS["g1"] + "\n" + DEU_MRZ)
    eq(rc, 2, "register with a bad direction")
    rc, _, _ = t.run("register", "--username", "g1", stdin=PASSWORDS["g1"] + "\n" + DEU_MRZ)
    eq(rc, 2, "register without --direction")
    rc, _, _ = t.run("register", "--username", "g1", "--direction", "entry", "--decision",
                     "maybe", stdin=PASSWORDS["g1"] + "\n" + DEU_MRZ)
    eq(rc, 2, "register with a bad decision")
    rc, _, _ = t.run("register", "--username", "g1", "--direction", "entry", stdin="")
    eq(rc, 2, "register with empty stdin")
    rc, doc, _ = t.register("nosuchuser", DEU_MRZ, password="whatever")
    eq(rc, 1, "register by an unknown officer")
    eq(t.crossings(), [], "crossings after bad input")


@test
def register_expired_specimen_blocked(t):
    t.desk("g1", "s1")
    rc, doc, err = t.register("g1", TD3_SPECIMEN)
    eq(rc, 1, "register an expired passport (stderr %r)" % err)
    eq(doc["crossing"], None, "crossing of a blocked registration")
    by = {c["name"]: c for c in doc["checks"]}
    check("document-validity" in by, "no document-validity check: %r" % doc["checks"])
    eq(by["document-validity"]["state"], "block", "document-validity state")
    eq(t.crossings(), [], "crossings after a block")
    eq(t.sql("SELECT count(*) FROM crossings"), [(0,)], "crossings rows after a block")


@test
def register_override_by_supervisor(t):
    t.desk("g1", "s1")
    rc, doc, err = t.register("g1", TD3_SPECIMEN, sup="s1",
                              extra=["--override-reason", "humanitarian"])
    eq(rc, 0, "override by a supervisor (stderr %r)" % err)
    cid = doc["crossing"]
    check(isinstance(cid, str) and UUID_RE.match(cid), "crossing id %r" % cid)
    states = {c["name"]: c["state"] for c in doc["checks"]}
    eq(states.get("document-validity"), "block", "the blocking check is still reported")
    lst = t.crossings()
    eq([c["id"] for c in lst], [cid], "crossings after an override")
    rows = t.sql("SELECT o.username FROM crossings c JOIN officers o ON o.id = c.override_by")
    eq(rows, [("s1",)], "override_by recorded")


@test
def register_override_refused(t):
    t.desk("g1", "g2", "s1")
    # By a guard.
    rc, doc, err = t.register("g1", TD3_SPECIMEN, sup="g2")
    check(rc != 0, "override by a guard accepted")
    eq(doc["crossing"], None, "crossing of an override by a guard")
    # With the supervisor's wrong password.
    rc, doc, err = t.register("g1", TD3_SPECIMEN, sup="s1", sup_password="wrong-password")
    check(rc != 0, "override with a wrong supervisor password accepted")
    # A supervisor overriding their own registration.
    rc, doc, err = t.register("s1", TD3_SPECIMEN, sup="s1")
    check(rc != 0, "a supervisor overriding their own registration was accepted")
    eq(t.crossings(), [], "crossings after refused overrides")


@test
def register_lockout_and_unlock(t):
    t.desk("g1")
    for i in range(5):
        rc, doc, err = t.register("g1", DEU_MRZ, password="wrong-%d" % i)
        eq(rc, 1, "wrong password #%d" % (i + 1))
        eq(doc["crossing"], None, "crossing with a wrong password")
    rc, doc, err = t.register("g1", DEU_MRZ)
    eq(rc, 1, "right password on a locked account")
    eq(doc["crossing"], None, "crossing on a locked account")
    lst, _, _ = t.json("officer", "list", "--json")
    eq(lst[0].get("locked"), True, "officer list shows locked")
    eq(t.crossings(), [], "crossings while locked")
    t.ok("officer", "unlock", "--username", "g1")
    lst, _, _ = t.json("officer", "list", "--json")
    eq(lst[0].get("locked"), False, "officer list after unlock")
    rc, doc, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "right password after unlock (stderr %r)" % err)
    eq(len(t.crossings()), 1, "crossings after unlock")


@test
def register_lock_expires(t):
    t.desk("g1")
    for i in range(5):
        rc, _, _ = t.register("g1", DEU_MRZ, password="wrong-%d" % i)
        eq(rc, 1, "wrong password #%d" % (i + 1))
    rc, _, _ = t.register("g1", DEU_MRZ, env={"BORDERDESK_NOW": "2026-05-01T10:04:00Z"})
    eq(rc, 1, "right password 4 minutes later (default lock: 300 s)")
    rc, doc, err = t.register("g1", DEU_MRZ, env={"BORDERDESK_NOW": "2026-05-01T10:05:30Z"})
    eq(rc, 0, "right password after the lock expired (stderr %r)" % err)


@test
def register_concurrent_same_guard(t):
    t.desk("g1")
    procs = []
    for i in range(6):
        p = subprocess.Popen([BIN, "--db", t.db, "register", "--username", "g1", "--direction",
                              "entry" if i % 2 == 0 else "exit", "--json"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=t.env, cwd=t.dir)
        procs.append(p)
    ids = []
    for p in procs:
        out, err = p.communicate((PASSWORDS["g1"] + "\n" + DEU_MRZ).encode(), timeout=CMD_TIMEOUT)
        eq(p.returncode, 0, "a concurrent register (stderr %r)" % err.decode())
        ids.append(json.loads(out)["crossing"])
    eq(sorted(c["id"] for c in t.crossings()), sorted(ids), "all concurrent crossings listed")
    eq(len(t.json("shift", "list", "--json")[0]), 1, "one shift for concurrent registrations")
    t.ok("audit", "verify")


@test
def register_lockout_counts_reset_on_success(t):
    t.desk("g1")
    for i in range(4):
        rc, _, _ = t.register("g1", DEU_MRZ, password="wrong-%d" % i)
        eq(rc, 1, "wrong password #%d" % (i + 1))
    rc, _, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "right password after 4 failures (stderr %r)" % err)
    rc, _, _ = t.register("g1", DEU_MRZ, password="wrong-again")
    eq(rc, 1, "one more wrong password")
    rc, _, err = t.register("g1", DEU_MRZ, direction="exit")
    eq(rc, 0, "not locked: the counter was reset by the success (stderr %r)" % err)


@test
def register_refused_decision(t):
    t.desk("g1")
    rc, doc, err = t.register("g1", DEU_MRZ, extra=["--decision", "refused", "--reason", "C"])
    eq(rc, 0, "refused with reason C (stderr %r)" % err)
    lst = t.crossings()
    eq([(c["decision"], c["direction"]) for c in lst], [("refused", "entry")], "refusal listed")
    eq(t.sql("SELECT refusal_reasons FROM crossings"), [("C",)], "stored reasons")
    rc, doc, err = t.register("g1", DEU_MRZ, extra=["--decision", "refused"])
    eq(rc, 2, "refused without a reason")
    eq(doc.get("crossing", "missing"), None, "crossing of a refusal without reason")
    rc, doc, err = t.register("g1", DEU_MRZ, extra=["--decision", "refused", "--reason", "Z"])
    eq(rc, 2, "refused with reason Z")
    rc, _, _ = t.run("register", "--username", "g1", "--direction", "entry", "--decision",
                     "refused", "--reason", "CD", stdin=PASSWORDS["g1"] + "\n" + DEU_MRZ)
    eq(rc, 2, "refused with a two-letter --reason")
    rc, doc, err = t.register("g1", DEU_MRZ, extra=["--reason", "C"])
    eq(rc, 2, "admitted with a refusal reason")
    eq(len(t.crossings()), 1, "crossings after refused refusals")
    # A refusal of an expired document is not blocked: nothing is admitted.
    rc, doc, err = t.register("g1", TD3_SPECIMEN,
                              extra=["--decision", "refused", "--reason", "B"])
    eq(rc, 0, "refusing an expired passport (stderr %r)" % err)
    rc, doc, err = t.register("g1", DEU_MRZ, extra=["--decision", "referred"])
    eq(rc, 0, "referred (stderr %r)" % err)
    eq(sorted(c["decision"] for c in t.crossings()), ["referred", "refused", "refused"],
       "decisions listed")


@test
def register_by_supervisor_and_crlf_password(t):
    t.init()
    t.ok("officer", "add", "--username", "s1", "--name", "S", "--role", "supervisor",
         stdin=PASSWORDS["s1"] + "\r\n")
    # Password and MRZ lines with CRLF.
    rc, _, _ = t.run("register", "--username", "s1", "--direction", "entry",
                     stdin=(PASSWORDS["s1"] + "\n" + DEU_MRZ).replace("\n", "\r\n"))
    eq(rc, 0, "a supervisor registers, CRLF stdin")
    eq([c["officer"] for c in t.crossings()], ["s1"], "officer of the crossing")


@test
def register_expiry_and_birth_dates(t):
    t.desk("g1")
    # Expires today: still valid; expired yesterday: blocked.
    today = td3("TODAY", "EXPIRES", "T00000001", "FRA", "300101", "M", "260501")
    rc, doc, err = t.register("g1", today)
    eq(rc, 0, "a passport expiring today (stderr %r)" % err)
    c = [c for c in t.crossings() if c["document"]["number"] == "T00000001"][0]
    eq(c["document"]["expiry"], "2026-05-01", "expiry")
    eq(c["traveller"]["birth_date"], "1930-01-01", "a two-digit birth year 30 is 1930")
    yesterday = td3("YESTER", "DAY", "T00000002", "FRA", "010101", "F", "260430")
    rc, doc, err = t.register("g1", yesterday)
    eq(rc, 1, "a passport expired yesterday")
    eq({c["name"]: c["state"] for c in doc["checks"]}.get("document-validity"), "block",
       "document-validity of a passport expired yesterday")
    young = td3("YOUNG", "KID", "T00000003", "FRA", "200229", "F", "300101")
    rc, doc, err = t.register("g1", young)
    eq(rc, 0, "a child born 2020-02-29 (stderr %r)" % err)
    c = [c for c in t.crossings() if c["document"]["number"] == "T00000003"][0]
    eq(c["traveller"]["birth_date"], "2020-02-29", "birth date of a child")
    # A bad check digit blocks (and is not admitted without an override).
    bad = DEU_MRZ[:45] + DEU_MRZ[45:54] + str((int(DEU_MRZ[54]) + 1) % 10) + DEU_MRZ[55:]
    rc, doc, err = t.register("g1", bad)
    eq(rc, 1, "a bad document number check digit")
    eq({c["name"]: c["state"] for c in doc["checks"]}.get("check-digits"), "block",
       "check-digits state")
    eq(len(t.crossings()), 2, "crossings recorded")


@test
def register_td1_id_card(t):
    t.desk("g1")
    num = "D23145890734"                     # a long TD1 number (ICAO 9303 part 5)
    l1 = ("I<NLD" + num[:9] + "<" + num[9:] + check_digit(num)).ljust(30, "<")
    birth, exp = "740812", "300415"
    l2 = birth + check_digit(birth) + "F" + exp + check_digit(exp) + "NLD" + "<" * 11
    l2 += check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    l3 = "DE<JONG<<ANNA<MARIA".ljust(30, "<")
    mrz = l1 + "\n" + l2 + "\n" + l3 + "\n"
    doc, _, _ = t.json("mrz", "parse", "--json", stdin=mrz, db=False)
    eq((doc["format"], doc["valid"], doc["document_number"], doc["surname"]),
       ("TD1", True, num, "DE JONG"), "parse of a long-number TD1")
    rc, reg, err = t.register("g1", mrz)
    eq(rc, 0, "register a TD1 card (stderr %r)" % err)
    c = t.crossings()[0]
    eq(c["document"], {"code": "I", "issuing_state": "NLD", "number": num,
                       "expiry": "2030-04-15"}, "TD1 document")
    eq(c["traveller"]["given_names"], "ANNA MARIA", "TD1 given names")


@test
def mrz_parse_fillers_td2_and_etd(t):
    def td2(code, issuer, name, num, nat, birth, sex, exp, opt=""):
        l1 = (code.ljust(2, "<") + issuer + name).ljust(36, "<")[:36]
        n, o = num.ljust(9, "<"), opt.ljust(7, "<")
        l2 = n + check_digit(n) + nat + birth + check_digit(birth) + sex + exp + \
            check_digit(exp) + o
        l2 += check_digit(n + check_digit(n) + birth + check_digit(birth) + exp +
                          check_digit(exp) + o)
        return l1 + "\n" + l2 + "\n"
    doc, _, _ = t.json("mrz", "parse", "--json", db=False,
                       stdin=td2("I", "UTO", "ERIKSSON<<ANNA<MARIA", "D23145890", "UTO",
                                 "740812", "F", "120415", opt="AB12"))
    eq((doc["format"], doc["valid"], doc["document_number"], doc["optional_data"]),
       ("TD2", True, "D23145890", "AB12"), "TD2")
    doc, _, _ = t.json("mrz", "parse", "--json", db=False,
                       stdin=td2("PE", "UTO", "ERIKSSON<<ANNA", "E1234567", "UTO",
                                 "740812", "F", "300415"))
    eq((doc["format"], doc["document_code"]), ("TD2", "PE"), "emergency travel document")
    doc, _, _ = t.json("mrz", "parse", "--json", db=False,
                       stdin=td3("VAN DER BERG", "JAN  PIETER", "AB<12<3", "D", "800101", "M",
                                 "300101"))
    eq((doc["surname"], doc["given_names"], doc["document_number"], doc["issuing_state"],
        doc["nationality"]), ("VAN DER BERG", "JAN PIETER", "AB<12<3", "D", "D"),
       "filler rules")
    doc, rc, _ = t.json("mrz", "parse", "--json", db=False,
                        stdin=td3("NO", "EXPIRY", "AB1234567", "UTO", "800101", "M", "<<<<<<"))
    eq((rc, doc["valid"], doc["expiry_date"], doc["errors"]), (0, True, "<<<<<<", []),
       "expiry with '<' is a warning only")
    check(len(doc["warnings"]) >= 1, "no warning for an expiry with '<'")
    doc, _, _ = t.json("mrz", "parse", "--json", db=False,
                       stdin=td3("A" * 30, "B" * 20, "AB1234567", "UTO", "800101", "M",
                                 "300101"))
    eq(doc["name_truncated"], True, "name_truncated of a full name field")


@test
def register_keeps_identity_of_earlier_crossings(t):
    """A crossing lists the traveller who crossed: a later document with the
    same ISSUER:NUMBER but another holder must not rewrite earlier crossings."""
    t.desk("g1")
    rc, first, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "register the holder (stderr %r)" % err)
    other = td3("IMPOSTOR", "EVE", DEU_NUMBER, "DEU", "900101", "M", "300131")
    rc, second, err = t.register("g1", other)
    eq(rc, 1, "second holder with another birth date and sex is blocked (stderr %r)" % err)
    eq(second["crossing"], None, "nothing recorded for the second holder")
    holder = [c for c in second["checks"] if c["name"] == "document-holder"]
    eq([c["state"] for c in holder], ["block"], "document-holder check")
    c = [c for c in t.crossings() if c["id"] == first["crossing"]][0]
    eq(c["traveller"], {"surname": DEU_SURNAME, "given_names": DEU_GIVEN, "nationality": "DEU",
                        "birth_date": "1964-08-12", "sex": "F"},
       "traveller of the first crossing after another holder used the same document number")


@test
def register_admin_cannot(t):
    t.desk("a1", "s1")
    rc, doc, err = t.register("a1", DEU_MRZ)
    check(rc != 0, "an admin registered a crossing")
    eq(doc.get("crossing", "missing"), None, "crossing by an admin")
    check(err.strip() != "", "no reason on stderr")
    eq(t.crossings(), [], "crossings after an admin's attempt")


@test
def stay_from_imported_history(t):
    t.desk("g1")
    rc, out, err = t.import_lines([
        history_row("2026-03-01T08:15:00Z", "entry"),
        history_row("2026-03-10T17:40:00Z", "exit"),
    ])
    eq(rc, 0, "import (stderr %r)" % err)
    doc, _, _ = t.json("stay", "--document", "DEU:X1234567", "--on", "2026-05-01", "--json")
    expected = {"rule": {"days": 90, "window": 180}, "on": "2026-05-01", "days_used": 11,
                "days_remaining": 79, "latest_exit": "2026-07-19", "overstay_days": 0}
    eq(doc, expected, "stay --json")
    ref = reference_stay([(datetime.date(2026, 3, 1), datetime.date(2026, 3, 10))], TODAY)
    for k, v in ref.items():
        eq(doc[k], v, "stay %s vs brute-force reference" % k)
    # A day late in the window: the March days have partly left it.
    on = datetime.date(2026, 8, 30)
    doc, _, _ = t.json("stay", "--document", "DEU:X1234567", "--on", on.isoformat(), "--json")
    ref = reference_stay([(datetime.date(2026, 3, 1), datetime.date(2026, 3, 10))], on)
    for k, v in ref.items():
        eq(doc[k], v, "stay on %s: %s vs reference" % (on, k))
    # An unknown document has no history.
    doc, _, _ = t.json("stay", "--document", "DEU:NOSUCH123", "--on", "2026-05-01", "--json")
    eq((doc["days_used"], doc["days_remaining"], doc["latest_exit"], doc["overstay_days"]),
       (1, 89, "2026-07-29", 0), "stay of an unknown document")
    doc, _, _ = t.json("stay", "--document", "DEU:X1234567", "--json")
    eq(doc["on"], "2026-05-01", "stay without --on is today (BORDERDESK_NOW)")
    eq(doc["days_used"], 11, "days_used without --on")
    rc, _, _ = t.run("stay", "--document", "X1234567", "--on", "2026-05-01", "--json")
    eq(rc, 2, "stay --document without ISSUER:")
    rc, _, _ = t.run("stay", "--document", "DEU:X1234567", "--on", "2026-13-45", "--json")
    eq(rc, 2, "stay --on with a bad date")


@test
def stay_window_boundary(t):
    t.desk("g1")
    # The window of 180 days ending on 2026-05-01 starts on 2025-11-03.
    rc, _, err = t.import_lines([
        history_row("2025-11-02T12:00:00Z", "entry", number="OUT000001"),
        history_row("2025-11-02T18:00:00Z", "exit", number="OUT000001"),
        history_row("2025-11-03T12:00:00Z", "entry", number="IN0000001"),
        history_row("2025-11-03T18:00:00Z", "exit", number="IN0000001"),
        history_row("2025-11-01T12:00:00Z", "entry", number="SPAN00001"),
        history_row("2025-11-05T18:00:00Z", "exit", number="SPAN00001"),
    ])
    eq(rc, 0, "import (stderr %r)" % err)
    for number, used in (("OUT000001", 1), ("IN0000001", 2), ("SPAN00001", 4)):
        doc, _, _ = t.json("stay", "--document", "DEU:" + number, "--on", "2026-05-01",
                           "--json")
        eq(doc["days_used"], used, "days_used of %s" % number)


@test
def stay_matches_reference_on_random_histories(t):
    import random
    rnd = random.Random(20260501)
    t.init()
    rows, cases = [], []
    start = datetime.date(2025, 9, 1)
    for k in range(40):
        number = "R%08d" % k
        stays = []
        d = start + datetime.timedelta(days=rnd.randrange(0, 40))
        for _ in range(rnd.randrange(1, 5)):
            length = rnd.randrange(0, 70)
            end = d + datetime.timedelta(days=length)
            if end > datetime.date(2026, 4, 25):
                break
            stays.append((d, end))
            d = end + datetime.timedelta(days=rnd.randrange(1, 60))
        if not stays:
            stays.append((datetime.date(2026, 1, 10), datetime.date(2026, 1, 20)))
        open_last = rnd.random() < 0.3
        for i, (a, b) in enumerate(stays):
            rows.append(history_row("%sT%02d:%02d:00Z" % (a, rnd.randrange(24), rnd.randrange(60)),
                                    "entry", number=number))
            if open_last and i == len(stays) - 1:
                stays[i] = (a, None)
            else:
                rows.append(history_row("%sT%02d:%02d:00Z" % (b, rnd.randrange(24),
                                                              rnd.randrange(60)),
                                        "exit", number=number))
        # Refused and referred crossings never count.
        for _ in range(rnd.randrange(0, 3)):
            day = start + datetime.timedelta(days=rnd.randrange(0, 230))
            if rnd.random() < 0.5:
                rows.append(history_row("%sT06:00:00Z" % day, "entry", number=number,
                                        decision="refused", reasons=["E"]))
            else:
                rows.append(history_row("%sT06:00:00Z" % day, "entry", number=number,
                                        decision="referred"))
        rows.sort(key=lambda r: r["time"])
        last = max(b or a for a, b in stays)
        for on in (TODAY, last + datetime.timedelta(days=rnd.randrange(0, 120))):
            if on >= max(last, datetime.date(2026, 4, 26)):
                cases.append((number, stays, on))
    rnd.shuffle(rows)
    rc, out, err = t.import_lines(rows)
    eq(rc, 0, "import of %d random rows (stderr %r)" % (len(rows), err))
    problems = []
    for number, stays, on in cases:
        doc, _, _ = t.json("stay", "--document", "DEU:" + number, "--on", on.isoformat(),
                           "--json")
        ref = reference_stay(stays, on)
        got = {k: doc.get(k) for k in ref}
        if got != ref:
            problems.append("%s on %s (stays %s): got %r, expected %r"
                            % (number, on, [(str(a), str(b)) for a, b in stays], got, ref))
    check(len(cases) >= 40, "too few random cases: %d" % len(cases))
    check(not problems, "%d of %d differ; first: %s" % (len(problems), len(cases),
                                                         "; ".join(problems[:3])))


@test
def stay_counts_registered_crossings(t):
    t.desk("g1")
    rc, _, err = t.register("g1", DEU_MRZ, env={"BORDERDESK_NOW": "2026-04-01T09:00:00Z"})
    eq(rc, 0, "register entry on 1 April (stderr %r)" % err)
    doc, _, _ = t.json("stay", "--document", "DEU:" + DEU_NUMBER, "--on", "2026-05-01", "--json")
    eq((doc["days_used"], doc["days_remaining"], doc["latest_exit"]), (31, 59, "2026-06-29"),
       "stay after a registered entry on 1 April")
    rc, _, err = t.register("g1", DEU_MRZ, direction="exit",
                            env={"BORDERDESK_NOW": "2026-04-10T09:00:00Z"})
    eq(rc, 0, "register exit on 10 April (stderr %r)" % err)
    doc, _, _ = t.json("stay", "--document", "DEU:" + DEU_NUMBER, "--on", "2026-05-01", "--json")
    eq(doc["days_used"], 11, "stay after entry 1 April, exit 10 April")
    # A refusal does not count.
    rc, _, err = t.register("g1", DEU_MRZ, extra=["--decision", "refused", "--reason", "E"],
                            env={"BORDERDESK_NOW": "2026-04-20T09:00:00Z"})
    eq(rc, 0, "register a refusal (stderr %r)" % err)
    doc, _, _ = t.json("stay", "--document", "DEU:" + DEU_NUMBER, "--on", "2026-05-01", "--json")
    eq(doc["days_used"], 11, "stay after a refused entry")


@test
def stay_refused_crossings_do_not_count(t):
    t.desk("g1")
    rc, _, err = t.import_lines([
        history_row("2026-03-01T08:15:00Z", "entry"),
        history_row("2026-03-10T17:40:00Z", "exit"),
        history_row("2026-01-05T08:00:00Z", "entry", decision="refused", reasons=["C"]),
        history_row("2026-01-06T08:00:00Z", "entry", decision="referred"),
    ])
    eq(rc, 0, "import (stderr %r)" % err)
    doc, _, _ = t.json("stay", "--document", "DEU:X1234567", "--on", "2026-05-01", "--json")
    eq(doc["days_used"], 11, "days_used: refused and referred entries do not count")


@test
def stay_overstay_and_exit_blocked(t):
    t.desk("g1", "s1")
    number = "OVR123456"
    rc, _, err = t.import_lines([
        history_row("2026-01-15T09:00:00Z", "entry", number=number, surname=DEU_SURNAME,
                    given=DEU_GIVEN, birth="1964-08-12", sex="F", expiry="2030-01-31"),
    ])
    eq(rc, 0, "import (stderr %r)" % err)
    doc, _, _ = t.json("stay", "--document", "DEU:" + number, "--on", "2026-05-01", "--json")
    # 15 Jan .. 1 May: 17 + 28 + 31 + 30 + 1 = 107 days.
    expected = {"rule": {"days": 90, "window": 180}, "on": "2026-05-01", "days_used": 107,
                "days_remaining": 0, "latest_exit": None, "overstay_days": 17}
    eq(doc, expected, "stay --json of an overstayer")
    mrz = td3(DEU_SURNAME, DEU_GIVEN, number, "DEU", "640812", "F", "300131")
    rc, doc, err = t.register("g1", mrz, direction="exit")
    eq(rc, 1, "exit of an overstayer (stderr %r)" % err)
    eq(doc["crossing"], None, "crossing of a blocked exit")
    states = {c["name"]: c["state"] for c in doc["checks"]}
    eq(states.get("stay-rule"), "block", "stay-rule state for the overstayer's exit")
    eq(len(t.crossings()), 1, "only the imported crossing")
    # Another entry is blocked as well.
    rc, doc, err = t.register("g1", mrz, direction="entry")
    eq(rc, 1, "entry of an overstayer")
    # The supervisor lets the overstayer leave.
    rc, doc, err = t.register("g1", mrz, direction="exit", sup="s1")
    eq(rc, 0, "exit of an overstayer with an override (stderr %r)" % err)
    eq(len(t.crossings()), 2, "crossings after the override")


@test
def import_bad_line_imports_nothing(t):
    t.desk("g1")
    good = [history_row("2026-03-0%dT08:00:00Z" % d, "entry", number="N%08d" % d)
            for d in range(1, 5)]
    bad_variants = [
        "{not json",
        json.dumps(dict(history_row("2026-03-05T08:00:00Z", "sideways"))),
        json.dumps(dict(history_row("2026-03-05T08:00:00Z", "entry", decision="maybe"))),
        json.dumps(dict(history_row("yesterday", "entry"))),
        json.dumps({"time": "2026-03-05T08:00:00Z", "direction": "entry"}),
        json.dumps(dict(history_row("2026-03-05T08:00:00Z", "entry", decision="refused"))),
    ]
    for bad in bad_variants:
        rows = good[:2] + [bad] + good[2:]
        rc, out, err = t.import_lines(rows)
        eq(rc, 2, "import with a bad line %r" % bad[:60])
        check(re.search(r"\b3\b", err), "stderr does not name line 3: %r" % err)
        eq(t.crossings(), [], "crossings after a failed import")
    eq(t.sql("SELECT count(*) FROM crossings"), [(0,)], "rows after failed imports")
    eq(t.sql("SELECT count(*) FROM audit WHERE action LIKE '%import%'"), [(0,)],
       "import audit events after failed imports")
    rc, _, _ = t.run("crossings", "import", os.path.join(t.dir, "missing.jsonl"))
    check(rc != 0, "import of a missing file succeeded")
    rc, _, _ = t.run("crossings", "import")
    eq(rc, 2, "import without a file")


@test
def import_and_list_filters(t):
    t.desk("g1")
    rows = [
        history_row("2026-03-01T08:15:00Z", "entry", number="AAA111111", surname="ALPHA",
                    given="ANN", state="DEU", sex="F", birth="1970-01-01"),
        history_row("2026-03-02T09:00:00Z", "entry", number="BBB222222", surname="BRAVO",
                    given="BEN", state="FRA", sex="M", birth="1980-02-02"),
        history_row("2026-03-05T10:30:00Z", "exit", number="AAA111111", surname="ALPHA",
                    given="ANN", state="DEU", sex="F", birth="1970-01-01"),
        history_row("2026-03-06T11:45:00Z", "entry", number="CCC333333", surname="CHARLIE",
                    given="CAT", state="ITA", sex="F", birth="1990-03-03", decision="refused",
                    reasons=["C", "E"]),
        history_row("2026-03-07T12:00:00Z", "exit", number="BBB222222", surname="BRAVO",
                    given="BEN", state="FRA", sex="M", birth="1980-02-02"),
    ]
    rc, out, err = t.import_lines(rows)
    eq(rc, 0, "import of a good file (stderr %r)" % err)
    lst = t.crossings()
    eq(len(lst), 5, "crossings imported")
    for c in lst:
        for k in ("id", "time", "direction", "decision", "shift", "officer", "document",
                  "traveller"):
            check(k in c, "crossing lacks %s: %r" % (k, c))
        check(UUID_RE.match(c["id"] or ""), "crossing id not a UUID: %r" % c["id"])
        eq(sorted(set(("code", "issuing_state", "number", "expiry")) - set(c["document"])), [],
           "document fields")
        eq(sorted(set(("surname", "given_names", "nationality", "birth_date", "sex"))
                  - set(c["traveller"])), [], "traveller fields")
    # Content of every imported row, matched by time.
    by_time = {c["time"]: c for c in lst}
    eq(sorted(by_time), sorted(r["time"] for r in rows), "times listed")
    for r in rows:
        c = by_time[r["time"]]
        eq(c["direction"], r["direction"], "direction of %s" % r["time"])
        eq(c["decision"], r["decision"], "decision of %s" % r["time"])
        eq({k: c["document"][k] for k in r["document"]}, r["document"], "document of " + r["time"])
        eq({k: c["traveller"][k] for k in r["traveller"]}, r["traveller"],
           "traveller of " + r["time"])
    # Newest first.
    eq([c["time"] for c in lst], sorted((r["time"] for r in rows), reverse=True),
       "crossings list order (newest first)")
    eq(sorted(t.sql("SELECT source FROM crossings")), [("imported",)] * 5, "source")
    eq(t.sql("SELECT refusal_reasons FROM crossings WHERE refusal_reasons <> ''"), [("CE",)],
       "refusal reasons stored")
    # --document
    a = t.crossings("--document", "AAA111111")
    eq(sorted(c["time"] for c in a), ["2026-03-01T08:15:00Z", "2026-03-05T10:30:00Z"],
       "--document AAA111111")
    eq(t.crossings("--document", "NOPE00000"), [], "--document of an unknown number")
    # --since (inclusive)
    s = t.crossings("--since", "2026-03-05T10:30:00Z")
    eq(sorted(c["time"] for c in s),
       ["2026-03-05T10:30:00Z", "2026-03-06T11:45:00Z", "2026-03-07T12:00:00Z"], "--since")
    eq(t.crossings("--since", "2027-01-01T00:00:00Z"), [], "--since in the future")
    # --limit: the newest N
    eq([c["time"] for c in t.crossings("--limit", "2")],
       ["2026-03-07T12:00:00Z", "2026-03-06T11:45:00Z"], "--limit 2")
    # combined
    eq([c["time"] for c in t.crossings("--document", "BBB222222", "--since",
                                       "2026-03-03T00:00:00Z")],
       ["2026-03-07T12:00:00Z"], "--document with --since")
    # Imported as one audit event.
    n = t.sql("SELECT count(*) FROM audit WHERE action LIKE '%import%'")[0][0]
    eq(n, 1, "audit events for one import")
    # Plain output works.
    out = t.ok("crossings", "list")
    eq(len([l for l in out.splitlines() if l.strip()]), 5, "lines of crossings list")


@test
def json_printed_on_exit_1_and_2(t):
    """CONTRACT.md: --json prints one JSON document on stdout, also when the
    exit status is 1 or 2 (an array for list commands, an object otherwise)."""
    t.desk("g1")
    pw = PASSWORDS["g1"] + "\n"
    reg = ["register", "--username", "g1", "--json"]
    cases = [
        (reg + ["--direction", "sideways"], pw + DEU_MRZ, dict),
        (reg + ["--direction", "entry", "--decision", "maybe"], pw + DEU_MRZ, dict),
        (reg + ["--direction", "entry", "--decision", "refused", "--reason", "CD"],
         pw + DEU_MRZ, dict),
        (reg + ["--direction", "entry"], "", dict),
        (reg + ["--direction", "entry"], "wrong-password\n" + DEU_MRZ, dict),
        (reg + ["--direction", "entry", "--decision", "refused"], pw + DEU_MRZ, dict),
        (["stay", "--json", "--document", "NOCOLON", "--on", "2026-05-01"], "", dict),
        (["stay", "--json", "--document", "DEU:X1", "--on", "someday"], "", dict),
        (["crossings", "list", "--json", "--since", "not-a-time"], "", list),
        (["shift", "report", "--json"], "", dict),
        (["shift", "report", "--json", "--shift", "4242"], "", dict),
        (["mrz", "parse", "--json"], "garbage\n", dict),
    ]
    problems = []
    for args, stdin, kind in cases:
        rc, out, err = t.run(*args, stdin=stdin)
        label = " ".join(args)
        if rc not in (1, 2):
            problems.append("%s: exit %d (expected 1 or 2)" % (label, rc))
            continue
        try:
            doc = json.loads(out)
        except ValueError:
            problems.append("%s: exit %d with no JSON on stdout (%r)" % (label, rc, out[:80]))
            continue
        if not isinstance(doc, kind):
            problems.append("%s: JSON is a %s, expected %s" % (label, type(doc).__name__,
                                                               kind.__name__))
    check(not problems, "; ".join(problems))


@test
def crossings_list_bad_options(t):
    t.desk("g1")
    rc, out, _ = t.run("crossings", "list", "--json", "--since", "not-a-date")
    eq(rc, 2, "crossings list --since garbage")
    rc, out, _ = t.run("crossings", "list", "--json", "--limit", "many")
    eq(rc, 2, "crossings list --limit garbage")
    rc, out, _ = t.run("crossings", "frobnicate")
    eq(rc, 2, "crossings frobnicate")


@test
def shift_list_close_signoff(t):
    t.desk("g1", "g2", "s1", "a1")
    rc, doc, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "register (stderr %r)" % err)
    shifts, _, _ = t.json("shift", "list", "--json")
    eq(len(shifts), 1, "shifts after one registration")
    s = shifts[0]
    for k in ("id", "officer", "desk", "opened", "closed", "signed_off_by"):
        check(k in s, "shift lacks %s: %r" % (k, s))
    eq(s["officer"], "g1", "shift officer")
    eq(s["closed"], None, "closed of an open shift")
    eq(s["signed_off_by"], None, "signed_off_by of an open shift")
    eq(s["opened"], NOW, "opened")
    check(isinstance(s["desk"], str) and s["desk"] != "", "desk: %r" % s["desk"])
    sid = str(s["id"])
    # Signing off an open shift.
    rc, _, _ = t.run("shift", "signoff", "--shift", sid, "--username", "s1",
                     stdin=PASSWORDS["s1"] + "\n")
    eq(rc, 1, "signoff of an open shift")
    # Someone else's shift cannot be closed by a guard.
    rc, _, _ = t.run("shift", "close", "--shift", sid, "--username", "g2",
                     stdin=PASSWORDS["g2"] + "\n")
    check(rc != 0, "a guard closed another guard's shift")
    t.ok("shift", "close", "--shift", sid, "--username", "g1", stdin=PASSWORDS["g1"] + "\n")
    shifts, _, _ = t.json("shift", "list", "--json")
    check(shifts[0]["closed"] is not None, "closed after shift close")
    eq(shifts[0]["signed_off_by"], None, "signed_off_by after close")
    rc, _, _ = t.run("shift", "close", "--shift", sid, "--username", "g1",
                     stdin=PASSWORDS["g1"] + "\n")
    check(rc != 0, "closing a closed shift succeeded")
    # A guard's signoff.
    rc, _, _ = t.run("shift", "signoff", "--shift", sid, "--username", "g2",
                     stdin=PASSWORDS["g2"] + "\n")
    eq(rc, 1, "a guard's signoff")
    # The shift's own officer.
    rc, _, _ = t.run("shift", "signoff", "--shift", sid, "--username", "g1",
                     stdin=PASSWORDS["g1"] + "\n")
    eq(rc, 1, "signoff by the shift's own guard")
    # Wrong password.
    rc, _, _ = t.run("shift", "signoff", "--shift", sid, "--username", "s1",
                     stdin="not-the-password\n")
    eq(rc, 1, "signoff with a wrong password")
    t.ok("shift", "signoff", "--shift", sid, "--username", "s1", "--note", "all fine",
         stdin=PASSWORDS["s1"] + "\n")
    shifts, _, _ = t.json("shift", "list", "--json")
    eq(shifts[0]["signed_off_by"], "s1", "signed_off_by after signoff")
    rc, _, _ = t.run("shift", "signoff", "--shift", sid, "--username", "s1",
                     stdin=PASSWORDS["s1"] + "\n")
    eq(rc, 1, "signing twice")
    rc, _, _ = t.run("shift", "signoff", "--shift", sid, "--username", "a1",
                     stdin=PASSWORDS["a1"] + "\n")
    eq(rc, 1, "an admin signing an already signed shift")
    # Unknown shift, missing options.
    rc, _, _ = t.run("shift", "signoff", "--shift", "999", "--username", "s1",
                     stdin=PASSWORDS["s1"] + "\n")
    check(rc != 0, "signoff of an unknown shift succeeded")
    rc, _, _ = t.run("shift", "signoff", "--username", "s1", stdin=PASSWORDS["s1"] + "\n")
    eq(rc, 2, "signoff without --shift")
    rc, _, _ = t.run("shift", "signoff", "--shift", sid, "--username", "s1", stdin="")
    eq(rc, 2, "signoff with empty stdin")
    # A new registration opens a new shift; the list is newest first.
    rc, doc, err = t.register("g1", DEU_MRZ, direction="exit")
    eq(rc, 0, "register after close (stderr %r)" % err)
    shifts, _, _ = t.json("shift", "list", "--json")
    eq(len(shifts), 2, "shifts after a new registration")
    eq(shifts[1]["id"], s["id"], "older shift second")
    eq(shifts[0]["closed"], None, "the new shift is open")
    eq(len(t.json("shift", "list", "--json", "--limit", "1")[0]), 1, "shift list --limit 1")
    # An admin signs off a closed shift of someone else.
    t.ok("shift", "close", "--shift", str(shifts[0]["id"]), "--username", "g1",
         stdin=PASSWORDS["g1"] + "\n")
    t.ok("shift", "signoff", "--shift", str(shifts[0]["id"]), "--username", "a1",
         stdin=PASSWORDS["a1"] + "\n")


def independent_counts(t, sid):
    rows = t.sql("SELECT c.direction, c.decision, tr.sex, tr.nationality, c.time, c.checks, "
                 "c.override_by FROM crossings c JOIN travellers tr ON tr.id = c.traveller_id "
                 "WHERE c.shift_id = ?", (sid,))
    counts = {"total": len(rows), "by_direction": {}, "by_decision": {}, "by_sex": {},
              "by_nationality": {}, "by_hour": {}}

    def bump(group, key):
        counts[group][key] = counts[group].get(key, 0) + 1

    alerts = overrides = 0
    for direction, decision, sex, nat, when, checks, override_by in rows:
        bump("by_direction", direction)
        bump("by_decision", decision)
        bump("by_sex", sex)
        bump("by_nationality", nat)
        bump("by_hour", when[11:13])
        if any(c.get("state") == "block" for c in json.loads(checks)):
            alerts += 1
        if override_by is not None:
            overrides += 1
    return counts, alerts, overrides


@test
def shift_report_matches_database(t):
    t.desk("g1", "s1")
    travellers = [
        td3("MUELLER", "ANNA", "D10000001", "DEU", "800101", "F", "310101"),
        td3("DUPONT", "JEAN", "F20000002", "FRA", "750505", "M", "290909"),
        td3("ROSSI", "MARIO", "I30000003", "ITA", "660606", "M", "280808"),
        td3("SMITH", "ALEX", "G40000004", "GBR", "900909", "<", "301212"),
        td3("NOWAK", "JAN", "P50000005", "POL", "010101", "X", "320101"),
    ]
    plan = [  # (traveller, direction, decision extra, hour, override)
        (0, "entry", [], "10", False),
        (1, "entry", [], "10", False),
        (2, "entry", ["--decision", "refused", "--reason", "A", "--reason", "C"], "11", False),
        (3, "entry", ["--decision", "referred"], "11", False),
        (4, "entry", [], "13", False),
        (0, "exit", [], "14", False),
        (None, "entry", [], "15", True),      # expired specimen, overridden
    ]
    for idx, direction, extra, hour, override in plan:
        mrz = TD3_SPECIMEN if idx is None else travellers[idx]
        rc, doc, err = t.register("g1", mrz, direction=direction, extra=extra,
                                  sup="s1" if override else None,
                                  env={"BORDERDESK_NOW": "2026-05-01T%s:20:00Z" % hour})
        eq(rc, 0, "register %s/%s (stderr %r)" % (idx, direction, err))
    # A blocked attempt leaves no trace in the counts.
    rc, _, _ = t.register("g1", TD3_SPECIMEN)
    eq(rc, 1, "blocked registration")
    shifts, _, _ = t.json("shift", "list", "--json")
    eq(len(shifts), 1, "one shift")
    sid = shifts[0]["id"]
    rep, _, _ = t.json("shift", "report", "--shift", str(sid), "--json")
    for k in REPORT_KEYS:
        check(k in rep, "shift report lacks %s" % k)
    eq(sorted(rep["counts"]), sorted(["total", "by_direction", "by_decision", "by_sex",
                                      "by_nationality", "by_hour"]), "counts keys")
    eq(rep["shift"], sid, "report shift")
    eq(rep["officer"], "g1", "report officer")
    eq(rep["desk"], shifts[0]["desk"], "report desk")
    eq(rep["opened"], shifts[0]["opened"], "report opened")
    eq(rep["closed"], None, "report closed of an open shift")
    eq(rep["signed_off_by"], None, "report signed_off_by")
    counts, alerts, overrides = independent_counts(t, sid)
    eq(rep["counts"], counts, "report counts vs sqlite")
    eq(rep["alerts"], alerts, "report alerts vs sqlite")
    eq(rep["overrides"], overrides, "report overrides vs sqlite")
    # And against what we registered.
    eq(rep["counts"]["total"], 7, "total")
    eq(rep["counts"]["by_direction"], {"entry": 6, "exit": 1}, "by_direction")
    eq(rep["counts"]["by_decision"], {"admitted": 5, "refused": 1, "referred": 1}, "by_decision")
    eq(rep["counts"]["by_hour"], {"10": 2, "11": 2, "13": 1, "14": 1, "15": 1}, "by_hour")
    eq(rep["overrides"], 1, "overrides")
    # by_sex keys are the traveller.sex values of crossing objects.
    listed = {}
    for c in t.crossings():
        listed[c["traveller"]["sex"]] = listed.get(c["traveller"]["sex"], 0) + 1
    eq(rep["counts"]["by_sex"], listed, "by_sex vs traveller.sex in crossings list")
    # After close and signoff the report shows them.
    t.ok("shift", "close", "--shift", str(sid), "--username", "g1",
         stdin=PASSWORDS["g1"] + "\n", env={"BORDERDESK_NOW": "2026-05-01T18:00:00Z"})
    t.ok("shift", "signoff", "--shift", str(sid), "--username", "s1",
         stdin=PASSWORDS["s1"] + "\n", env={"BORDERDESK_NOW": "2026-05-01T18:05:00Z"})
    rep2, _, _ = t.json("shift", "report", "--shift", str(sid), "--json")
    eq(rep2["closed"], "2026-05-01T18:00:00Z", "report closed")
    eq(rep2["signed_off_by"], "s1", "report signed_off_by")
    eq(rep2["counts"], rep["counts"], "counts unchanged by close/signoff")
    # CSV
    csv_path = os.path.join(t.dir, "report.csv")
    t.ok("shift", "report", "--shift", str(sid), "--csv", csv_path)
    with open(csv_path, encoding="utf-8") as f:
        text = f.read()
    check("total" in text and ",7" in text, "CSV lacks the total: %r" % text[:200])
    # Errors
    rc, _, _ = t.run("shift", "report", "--shift", "4242", "--json")
    check(rc != 0, "report of an unknown shift succeeded")
    rc, _, _ = t.run("shift", "report", "--json")
    eq(rc, 2, "report without --shift")


REPORT_KEYS = ["shift", "officer", "desk", "opened", "closed", "signed_off_by", "counts",
               "alerts", "overrides"]


@test
def shift_report_exact_keys(t):
    """CONTRACT.md: `shift report --json` *is* the object it shows, key for key."""
    t.desk("g1", "s1")
    rc, _, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "register (stderr %r)" % err)
    sid = t.json("shift", "list", "--json")[0][0]["id"]
    t.ok("shift", "close", "--shift", str(sid), "--username", "g1", "--note", "quiet day",
         stdin=PASSWORDS["g1"] + "\n")
    t.ok("shift", "signoff", "--shift", str(sid), "--username", "s1", "--note", "seen",
         stdin=PASSWORDS["s1"] + "\n")
    rep, _, _ = t.json("shift", "report", "--shift", str(sid), "--json")
    extra = sorted(set(rep) - set(REPORT_KEYS))
    missing = sorted(set(REPORT_KEYS) - set(rep))
    check(not extra and not missing,
          "shift report --json keys: extra %r, missing %r" % (extra, missing))


@test
def shift_bad_input_is_exit_2(t):
    """CONTRACT.md: 2 is bad usage or input; 1 is the operation's answer "no"."""
    t.desk("g1", "s1")
    pw = PASSWORDS["g1"] + "\n"
    problems = []
    rc, _, _ = t.run("shift", "open", "--username", "g1", "--lane", "L" * 40, stdin=pw)
    if rc != 2:
        problems.append("shift open --lane (40 bytes): exit %d" % rc)
    rc, _, _ = t.run("register", "--username", "g1", "--direction", "entry", "--lane", "L" * 40,
                     stdin=pw + DEU_MRZ)
    if rc != 2:
        problems.append("register --lane (40 bytes): exit %d" % rc)
    t.ok("shift", "open", "--username", "g1", stdin=pw)
    sid = str(t.json("shift", "list", "--json")[0][0]["id"])
    rc, _, _ = t.run("shift", "close", "--shift", sid, "--username", "g1", "--note", "n" * 5000,
                     stdin=pw)
    if rc != 2:
        problems.append("shift close --note (5000 bytes): exit %d" % rc)
    t.ok("shift", "close", "--shift", sid, "--username", "g1", stdin=pw)
    rc, _, _ = t.run("shift", "signoff", "--shift", sid, "--username", "s1", "--note", "n" * 5000,
                     stdin=PASSWORDS["s1"] + "\n")
    if rc != 2:
        problems.append("shift signoff --note (5000 bytes): exit %d" % rc)
    rc, _, _ = t.run("shift", "close", "--shift", "abc", "--username", "g1", stdin=pw)
    if rc != 2:
        problems.append("shift close --shift abc: exit %d" % rc)
    check(not problems, "; ".join(problems))


@test
def shift_report_of_empty_shift(t):
    t.desk("g1")
    out = t.ok("shift", "open", "--username", "g1", stdin=PASSWORDS["g1"] + "\n")
    check("opened" in out, "shift open output: %r" % out)
    shifts, _, _ = t.json("shift", "list", "--json")
    eq(len(shifts), 1, "one shift after shift open")
    rep, _, _ = t.json("shift", "report", "--shift", str(shifts[0]["id"]), "--json")
    eq(rep["counts"], {"total": 0, "by_direction": {}, "by_decision": {}, "by_sex": {},
                       "by_nationality": {}, "by_hour": {}}, "counts of an empty shift")
    eq((rep["alerts"], rep["overrides"]), (0, 0), "alerts/overrides of an empty shift")
    rc, _, _ = t.run("shift", "open", "--username", "g1", stdin=PASSWORDS["g1"] + "\n")
    check(rc != 0, "a second open shift for the same guard")


def audit_rows(t):
    return t.sql("SELECT seq, time, actor, action, object, details FROM audit ORDER BY seq")


@test
def audit_verify_detects_edit(t):
    t.desk("g1", "s1")
    for d in ("entry", "exit"):
        rc, _, err = t.register("g1", DEU_MRZ, direction=d)
        eq(rc, 0, "register (stderr %r)" % err)
    rc, out, err = t.run("audit", "verify")
    eq(rc, 0, "audit verify on an intact chain (stdout %r stderr %r)" % (out, err))
    doc, _, _ = t.json("audit", "verify", "--json")
    eq(doc.get("intact"), True, "audit verify --json intact")
    rows = audit_rows(t)
    check(len(rows) >= 6, "expected several audit events, got %d" % len(rows))
    seq, details = rows[len(rows) // 2][0], rows[len(rows) // 2][5]
    try:
        d = json.loads(details) if details else {}
    except ValueError:
        d = {}
    if isinstance(d, dict):
        d["tampered"] = True
        new = json.dumps(d)
    else:
        new = details + " "
    t.sql_write(("UPDATE audit SET details = ? WHERE seq = ?", (new, seq)))
    rc, out, err = t.run("audit", "verify")
    eq(rc, 1, "audit verify after an edit")
    first = out.strip().split()[0].rstrip(":") if out.strip() else ""
    eq(first, str(seq), "seq named first on stdout (%r)" % out.strip())
    doc, _, _ = t.json("audit", "verify", "--json", expect=1)
    eq(doc.get("first_bad"), seq, "audit verify --json first_bad")


@test
def audit_verify_detects_edit_of_every_column(t):
    t.desk("g1")
    rc, _, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "register (stderr %r)" % err)
    cols = [r[1] for r in t.sql("PRAGMA table_info(audit)")]
    rows = t.sql("SELECT * FROM audit ORDER BY seq")
    row = rows[len(rows) // 2]
    seq = row[cols.index("seq")]
    for i, col in enumerate(cols):
        if col == "seq":
            continue
        orig = row[i]
        t.sql_write(("UPDATE audit SET %s = ? WHERE seq = ?" % col,
                     ((orig or "") + "0", seq)))
        rc, out, _ = t.run("audit", "verify")
        eq(rc, 1, "audit verify after editing %s of seq %d" % (col, seq))
        eq(out.strip().split()[0].rstrip(":") if out.strip() else "", str(seq),
           "seq named after editing %s (%r)" % (col, out.strip()))
        t.sql_write(("UPDATE audit SET %s = ? WHERE seq = ?" % col, (orig, seq)))
        rc, out, _ = t.run("audit", "verify")
        eq(rc, 0, "audit verify after restoring %s (%r)" % (col, out.strip()))


@test
def audit_verify_detects_delete(t):
    t.desk("g1", "s1")
    for d in ("entry", "exit"):
        rc, _, _ = t.register("g1", DEU_MRZ, direction=d)
        eq(rc, 0, "register")
    rows = audit_rows(t)
    mid = rows[len(rows) // 2][0]
    t.sql_write(("DELETE FROM audit WHERE seq = ?", (mid,)))
    rc, out, err = t.run("audit", "verify")
    eq(rc, 1, "audit verify after deleting seq %d (stdout %r)" % (mid, out))
    check(out.strip() != "", "no bad event named on stdout")


@test
def audit_verify_detects_delete_of_last(t):
    t.desk("g1", "s1")
    rc, _, _ = t.register("g1", DEU_MRZ)
    eq(rc, 0, "register")
    # Truncating the tail cannot be seen from the chain alone unless the head is
    # anchored (sign-off); delete the first row instead, which must be seen.
    rows = audit_rows(t)
    t.sql_write(("DELETE FROM audit WHERE seq = ?", (rows[0][0],)))
    rc, out, err = t.run("audit", "verify")
    eq(rc, 1, "audit verify after deleting the first event (stdout %r)" % out)


@test
def audit_verify_detects_swap(t):
    t.desk("g1", "s1")
    for d in ("entry", "exit"):
        rc, _, _ = t.register("g1", DEU_MRZ, direction=d)
        eq(rc, 0, "register")
    rows = t.sql("SELECT seq, time, actor, action, object, details, prev, hash FROM audit "
                 "ORDER BY seq")
    i = len(rows) // 2
    a, b = rows[i], rows[i + 1]
    cols = ("time", "actor", "action", "object", "details", "prev", "hash")
    upd = "UPDATE audit SET " + ", ".join("%s = ?" % c for c in cols) + " WHERE seq = ?"
    t.sql_write((upd, tuple(b[1:]) + (a[0],)), (upd, tuple(a[1:]) + (b[0],)))
    rc, out, err = t.run("audit", "verify")
    eq(rc, 1, "audit verify after swapping seq %d and %d (stdout %r)" % (a[0], b[0], out))
    # Swapping the content but not prev/hash.
    t2 = Case("swap2")
    try:
        t2.desk("g1", "s1")
        for d in ("entry", "exit"):
            rc, _, _ = t2.register("g1", DEU_MRZ, direction=d)
        rows = t2.sql("SELECT seq, time, actor, action, object, details FROM audit ORDER BY seq")
        i = len(rows) // 2
        a, b = rows[i], rows[i + 1]
        cols = ("time", "actor", "action", "object", "details")
        upd = "UPDATE audit SET " + ", ".join("%s = ?" % c for c in cols) + " WHERE seq = ?"
        t2.sql_write((upd, tuple(b[1:]) + (a[0],)), (upd, tuple(a[1:]) + (b[0],)))
        rc, out, err = t2.run("audit", "verify")
        eq(rc, 1, "audit verify after swapping the contents (not hashes) of two rows")
        eq(out.strip().split()[0].rstrip(":"), str(a[0]), "first bad seq after a content swap")
    finally:
        t2.cleanup()


@test
def demo_seed_twice(t):
    t.init()
    t.ok("demo", "seed", "--crossings", "300", timeout=600)
    n1 = len(t.crossings())
    eq(n1, 300, "crossings after one demo seed")
    lst, _, _ = t.json("officer", "list", "--json")
    names = {o["username"]: o["role"] for o in lst}
    for u in ("demo.guard1", "demo.guard2", "demo.guard3"):
        eq(names.get(u), "guard", "demo officer " + u)
    eq(names.get("demo.super"), "supervisor", "demo.super")
    shifts, _, _ = t.json("shift", "list", "--json")
    check(len(shifts) >= 2, "demo seed made %d shifts" % len(shifts))
    eq(shifts[0]["closed"], None, "the newest shift is open")
    for s in shifts[1:]:
        check(s["closed"] is not None, "an earlier shift %r is open" % s["id"])
    t.ok("audit", "verify")
    t.ok("demo", "seed", "--crossings", "300", timeout=600)
    eq(len(t.crossings()), 600, "crossings after a second demo seed")
    lst2, _, _ = t.json("officer", "list", "--json")
    eq(len(lst2), len(lst), "officers reused by a second seed")
    eq(len(t.sql("SELECT id FROM crossings")), 600, "crossing rows")
    open_shifts = t.sql("SELECT count(*) FROM shifts WHERE closed IS NULL")[0][0]
    check(open_shifts >= 1, "no open shift after the second seed")
    rc, out, err = t.run("audit", "verify")
    eq(rc, 0, "audit verify after two seeds (stdout %r)" % out)
    eq(t.sql("PRAGMA integrity_check"), [("ok",)], "integrity_check")
    # Every crossing's shift and officer exist.
    dangling = t.sql("SELECT count(*) FROM crossings c LEFT JOIN shifts s ON s.id = c.shift_id "
                     "WHERE c.shift_id IS NOT NULL AND s.id IS NULL")[0][0]
    eq(dangling, 0, "crossings with a missing shift")


@test
def demo_seed_is_deterministic(t):
    def summary(db):
        rc, out, err = t.run("--db", db, "crossings", "list", "--json", db=False)
        eq(rc, 0, "crossings list (stderr %r)" % err)
        return [(c["time"], c["direction"], c["decision"], c["officer"],
                 c["document"]["issuing_state"], c["document"]["number"],
                 c["traveller"]["surname"], c["traveller"]["birth_date"])
                for c in json.loads(out)]
    dbs = [os.path.join(t.dir, "a.db"), os.path.join(t.dir, "b.db")]
    for db in dbs:
        t.ok("--db", db, "init", "--post", "UTO-ALP", "--post-name", "A", "--desk", "1",
             db=False)
        t.ok("--db", db, "demo", "seed", "--crossings", "60", "--seed", "7", db=False)
    a, b = summary(dbs[0]), summary(dbs[1])
    eq(len(a), 60, "crossings of a seeded database")
    check(a == b, "the same seed gave different data")


@test
def demo_seed_rerun_keeps_shifts_consistent(t):
    """A re-run adds data that still makes sense: an officer is never on two
    shifts at once, and every crossing lies inside its shift."""
    t.init()
    t.ok("demo", "seed", "--crossings", "300", timeout=600)
    t.ok("demo", "seed", "--crossings", "300", timeout=600)
    shifts = t.sql("SELECT s.id, o.username, s.opened, coalesce(s.closed, '9999') "
                   "FROM shifts s JOIN officers o ON o.id = s.officer_id ORDER BY s.opened")
    overlaps = []
    for i, (ida, ua, oa, ca) in enumerate(shifts):
        for idb, ub, ob, cb in shifts[i + 1:]:
            if ua == ub and ob < ca and oa < cb:
                overlaps.append("%s: shift %d (%s..%s) and shift %d (%s..%s)"
                                % (ua, ida, oa, ca, idb, ob, cb))
    outside = t.sql("SELECT count(*) FROM crossings c JOIN shifts s ON s.id = c.shift_id "
                    "WHERE c.time < s.opened OR (s.closed IS NOT NULL AND c.time > s.closed)")
    eq(outside, [(0,)], "crossings outside their shift")
    future = t.sql("SELECT count(*) FROM crossings WHERE time > ?", (NOW,))
    eq(future, [(0,)], "crossings after BORDERDESK_NOW")
    check(not overlaps, "%d overlapping shifts of one officer after a re-run, e.g. %s"
          % (len(overlaps), "; ".join(overlaps[:2])))


@test
def demo_seed_bad_usage(t):
    t.init()
    rc, _, _ = t.run("demo", "seed", "--crossings", "-5")
    eq(rc, 2, "demo seed --crossings -5")
    rc, _, _ = t.run("demo", "grow")
    eq(rc, 2, "demo grow")


@test
def help_everywhere(t):
    groups = [["--help"], ["init", "--help"], ["officer", "add", "--help"],
              ["officer", "list", "--help"], ["officer", "unlock", "--help"],
              ["officer", "passwd", "--help"], ["mrz", "parse", "--help"],
              ["register", "--help"], ["crossings", "list", "--help"],
              ["crossings", "import", "--help"], ["stay", "--help"],
              ["audit", "verify", "--help"], ["shift", "list", "--help"],
              ["shift", "report", "--help"], ["shift", "signoff", "--help"],
              ["shift", "open", "--help"], ["shift", "close", "--help"],
              ["demo", "seed", "--help"], ["officer", "--help"], ["crossings", "--help"],
              ["shift", "--help"], ["mrz", "--help"], ["audit", "--help"], ["demo", "--help"]]
    for args in groups:
        rc, out, err = t.run(*args, db=False)
        eq(rc, 0, "%s exit" % " ".join(args))
        check((out + err).strip() != "", "%s prints nothing" % " ".join(args))
        check(not os.path.exists(t.db), "%s created a database" % " ".join(args))
    # --help never touches a database, even a missing one.
    rc, _, _ = t.run("--db", os.path.join(t.dir, "nope", "x.db"), "register", "--help",
                     db=False)
    eq(rc, 0, "register --help with a missing database")


@test
def unknown_command_and_options(t):
    rc, _, err = t.run("frobnicate", db=False)
    eq(rc, 2, "unknown command")
    check(err.strip() != "", "unknown command: no message")
    rc, _, _ = t.run(db=False)
    eq(rc, 2, "no command")
    rc, _, _ = t.run("--frob", "init", db=False)
    eq(rc, 2, "unknown global option")
    rc, _, _ = t.run("officer", "list", "--frob", db=False)
    eq(rc, 2, "unknown command option")


@test
def db_path_resolution(t):
    # --db beats $BORDERDESK_DB, which beats $XDG_DATA_HOME.
    env_db = os.path.join(t.dir, "env.db")
    rc, _, err = t.run("init", "--post", "UTO-ALP", "--post-name", "A", "--desk", "3",
                       db=False, env={"BORDERDESK_DB": env_db})
    eq(rc, 0, "init via $BORDERDESK_DB (stderr %r)" % err)
    check(os.path.exists(env_db), "$BORDERDESK_DB not used")
    rc, _, err = t.run("init", "--post", "UTO-ALP", "--post-name", "A", "--desk", "4", db=False)
    eq(rc, 0, "init via $XDG_DATA_HOME (stderr %r)" % err)
    xdg = os.path.join(t.dir, "xdg-data", "borderdesk", "desk.db")
    check(os.path.exists(xdg), "$XDG_DATA_HOME/borderdesk/desk.db not created")
    t.ok("init", "--post", "UTO-ALP", "--post-name", "A", "--desk", "5",
         env={"BORDERDESK_DB": env_db})
    eq(t.sql("SELECT desk FROM post"), [(5,)], "--db wins over $BORDERDESK_DB")


@test
def missing_database_is_an_error(t):
    rc, out, err = t.run("officer", "list", "--json")
    check(rc != 0, "officer list on a missing database succeeded")
    check(err.strip() != "", "no reason on stderr")
    check(not os.path.exists(t.db), "officer list created a database")


@test
def newer_database_refused(t):
    t.desk("g1")
    t.sql_write("PRAGMA user_version = 999")
    for args in (["officer", "list", "--json"], ["crossings", "list", "--json"],
                 ["audit", "verify"]):
        rc, out, err = t.run(*args)
        check(rc != 0, "%s on a newer database: exit 0" % " ".join(args))
        check(err.strip() != "", "%s: no reason on stderr" % " ".join(args))
        eq(len(err.strip().splitlines()), 1, "%s: one-line reason (%r)" % (" ".join(args), err))
        check(re.search(r"version|newer", err, re.I), "%s: unclear reason %r"
              % (" ".join(args), err))
    rc, doc, err = t.register("g1", DEU_MRZ)
    check(rc != 0, "register on a newer database succeeded")
    eq(t.sql("PRAGMA user_version"), [(999,)], "user_version left alone")
    eq(t.sql("SELECT count(*) FROM crossings"), [(0,)], "nothing written")


@test
def not_a_database_refused(t):
    with open(t.db, "wb") as f:
        f.write(b"this is not sqlite at all\n" * 100)
    rc, out, err = t.run("officer", "list", "--json")
    check(rc != 0, "officer list on a junk file succeeded")
    check(err.strip() != "", "no reason on stderr")


@test
def no_personal_data_in_audit(t):
    t.desk("g1", "s1")
    rc, _, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "register (stderr %r)" % err)
    rc, _, err = t.register("g1", TD3_SPECIMEN, sup="s1")
    eq(rc, 0, "override (stderr %r)" % err)
    rc, _, err = t.register("g1", DEU_MRZ, direction="exit",
                            extra=["--decision", "refused", "--reason", "C"])
    eq(rc, 0, "refusal (stderr %r)" % err)
    rc, _, err = t.import_lines([history_row("2026-03-01T08:00:00Z", "entry",
                                             number="HIST99887", surname="GEHEIMNIS")])
    eq(rc, 0, "import (stderr %r)" % err)
    rows = t.sql("SELECT seq, actor, action, object, details FROM audit")
    check(len(rows) > 0, "empty audit table")
    secrets = [DEU_SURNAME, DEU_GIVEN, DEU_NUMBER, "ERIKSSON", "L898902C3", "ANNA",
               "HIST99887", "GEHEIMNIS", "1964-08-12", "640812"]
    for seq, actor, action, obj, details in rows:
        for s in secrets:
            for col, val in (("actor", actor), ("action", action), ("object", obj),
                             ("details", details)):
                check(s.lower() not in (val or "").lower(),
                      "audit seq %s %s contains %r: %r" % (seq, col, s, val))
    # Passwords are never stored or logged in clear.
    dump = "\n".join(str(r) for r in t.sql("SELECT * FROM audit")) + \
        "\n".join(str(r) for r in t.sql("SELECT * FROM officers"))
    for pw in PASSWORDS.values():
        check(pw not in dump, "a password appears in the database")


@test
def register_is_audited_and_chain_intact(t):
    t.desk("g1")
    rc, doc, err = t.register("g1", DEU_MRZ)
    eq(rc, 0, "register")
    objs = [r[0] for r in t.sql("SELECT object FROM audit")]
    check(("crossing:" + doc["crossing"]) in objs,
          "no audit event for crossing %s: %r" % (doc["crossing"], objs))
    t.ok("audit", "verify")


@test
def sex_unspecified_round_trip(t):
    t.desk("g1")
    mrz = td3("DOE", "SAM", "Q11122233", "NLD", "851231", "<", "291130")
    rc, doc, err = t.register("g1", mrz)
    eq(rc, 0, "register sex '<' (stderr %r)" % err)
    c = t.crossings()[0]
    shifts, _, _ = t.json("shift", "list", "--json")
    rep, _, _ = t.json("shift", "report", "--shift", str(shifts[0]["id"]), "--json")
    eq(rep["counts"]["by_sex"], {c["traveller"]["sex"]: 1},
       "by_sex key is the traveller.sex of the crossing object")


# --------------------------------------------------------------------------

def main():
    if not os.access(BIN, os.X_OK):
        print("1..0 # SKIP borderdesk-admin not found at %s" % BIN)
        return 0
    return taplib.run(TESTS, Case, Failure, taplib.admin_argv)


if __name__ == "__main__":
    sys.exit(main())
