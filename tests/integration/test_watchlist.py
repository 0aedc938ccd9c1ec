#!/usr/bin/python3
"""Integration tests of `borderdesk-admin watchlist` and `screen` (CONTRACT.md).

Stdlib only.  Prints TAP on stdout; exits non-zero when a test fails.
The binary is $BORDERDESK_ADMIN, else the one in /work/main/_build.
Every test runs in its own temporary directory with its own --db.
The register tests need the watchlist rows in the desk's checks
(bd_watchlist_screen_checks called from bd_checks_run_document).
"""

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

import taplib  # the TAP runner the integration scripts share

BIN = os.environ.get("BORDERDESK_ADMIN",
                     "/work/main/_build/src/admin/borderdesk-admin")
NOW = "2026-05-01T10:00:00Z"
CMD_TIMEOUT = 120
HEADER = ("list,surname,given_names,birth_date,nationality,document_number,issuing_state,"
          "action,reference\n")
PASSWORDS = {"g1": "guard-one-pass", "s1": "super-one-pass"}
ROLES = {"g1": "guard", "s1": "supervisor"}

LIST = HEADER + (
    "persons,Müller,Hans Peter,1970-05-06,DEU,,,deny,P-MUELLER\n"
    "persons,Mohammed,Ali,1980-03-12,EGY,,,refer,P-MOHAMMED\n"
    "persons,Ivanov,Yuri,1975-03-12,RUS,,,notify,P-IVANOV\n"
    "persons,Mustermann,Erika,1964-08-12,DEU,,,deny,P-MUSTERMANN\n"
    "documents,,,,,L898902C3,UTO,deny,D-UTO\n"
)


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def eq(actual, expected, what):
    if actual != expected:
        raise Failure("%s: expected %r, got %r" % (what, expected, actual))


def check_digit(text):
    """ICAO 9303 part 3, 4.9: weights 7, 3, 1; 0-9, A-Z = 10..35, '<' = 0."""
    total = 0
    for i, ch in enumerate(text):
        if ch.isdigit():
            v = ord(ch) - ord("0")
        elif "A" <= ch <= "Z":
            v = ord(ch) - ord("A") + 10
        else:
            v = 0
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)


def td3(surname, given, number, nationality, birth, sex, expiry):
    """A TD3 (passport) MRZ with correct check digits, two lines + LF."""
    name = surname.replace(" ", "<") + "<<" + given.replace(" ", "<")
    l1 = ("P<" + nationality.ljust(3, "<") + name).ljust(44, "<")[:44]
    num = number.ljust(9, "<")
    opt = "<" * 14
    composite = check_digit(num + check_digit(num) + birth + check_digit(birth) + expiry
                            + check_digit(expiry) + opt + check_digit(opt))
    l2 = (num + check_digit(num) + nationality.ljust(3, "<") + birth + check_digit(birth) + sex
          + expiry + check_digit(expiry) + opt + check_digit(opt) + composite)
    return l1 + "\n" + l2 + "\n"


def run_binary(argv, data, env, timeout, cwd):
    """subprocess.run, waiting out a concurrent rebuild of the binary."""
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


class Case:
    """One test's world: a temporary directory, a database path, a log."""

    def __init__(self, name):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="bd-wl-")
        self.db = os.path.join(self.dir, "desk.db")
        self.log = []
        self.env = dict(os.environ)
        self.env.pop("BORDERDESK_DB", None)
        self.env.update({
            "LC_ALL": "C.UTF-8",
            "BORDERDESK_NOW": NOW,
            "XDG_DATA_HOME": os.path.join(self.dir, "xdg-data"),
            "HOME": self.dir,
            "GSETTINGS_BACKEND": "memory",
        })

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run(self, *args, stdin="", db=True, timeout=CMD_TIMEOUT):
        argv = [BIN] + (["--db", self.db] if db else []) + list(args)
        p = run_binary(argv, stdin.encode("utf-8"), self.env, timeout, self.dir)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        self.log.append((argv[1:], p.returncode, out, err))
        return p.returncode, out, err

    def ok(self, *args, stdin=""):
        rc, out, err = self.run(*args, stdin=stdin)
        check(rc == 0, "%s: exit %d, expected 0; stderr: %s" % (" ".join(args), rc, err.strip()))
        return out

    def json(self, *args, expect=0, stdin=""):
        rc, out, err = self.run(*args, stdin=stdin)
        check(rc == expect, "%s: exit %d, expected %d; stderr: %s"
              % (" ".join(args), rc, expect, err.strip()))
        try:
            return json.loads(out), err
        except ValueError as exc:
            raise Failure("%s: stdout is not JSON (%s): %r" % (" ".join(args), exc, out[:300]))

    def sql(self, query, params=()):
        con = sqlite3.connect(self.db, timeout=30)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def init(self):
        self.ok("init", "--post", "UTO-ALP", "--post-name", "Alpha Pass", "--desk", "1")

    def officers(self, *names):
        for u in names:
            self.ok("officer", "add", "--username", u, "--name", "Officer " + u,
                    "--role", ROLES[u], stdin=PASSWORDS[u] + "\n")

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def load(self, text=LIST, name="list.csv"):
        return self.run("watchlist", "import", self.write(name, text))

    def screen(self, *args, expect):
        doc, _ = self.json("screen", "--json", *args, expect=expect)
        check(isinstance(doc, dict) and isinstance(doc.get("hits"), list),
              "screen --json is not {\"hits\": [...]}: %r" % (doc,))
        return doc["hits"]

    def register(self, user, mrz, sup=None):
        stdin = PASSWORDS[user] + "\n"
        args = ["register", "--username", user, "--direction", "entry", "--json"]
        if sup is not None:
            args += ["--override-by", sup]
            stdin += PASSWORDS[sup] + "\n"
        rc, out, err = self.run(*args, stdin=stdin + mrz)
        try:
            return rc, json.loads(out), err
        except ValueError:
            raise Failure("register: stdout is not JSON (exit %d): %r; stderr %r"
                          % (rc, out[:300], err))


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def entries(t):
    return t.sql("SELECT count(*) FROM watchlist_entries")[0][0]


# --------------------------------------------------------------------------
# import

@test
def import_then_screen(t):
    t.init()
    rc, out, err = t.load()
    eq(rc, 0, "import (stderr %r)" % err)
    check("version 1" in out and "4 persons" in out and "1 documents" in out,
          "import summary: %r" % out)
    hits = t.screen("--surname", "MULLER", "--given-names", "HANS", "--birth-date", "1970-05-06",
                    "--nationality", "DEU", expect=1)
    eq(len(hits), 1, "hits for MULLER")
    hit = hits[0]
    eq(sorted(hit), ["action", "list", "reasons", "reference", "score"], "hit keys")
    eq((hit["list"], hit["reference"], hit["action"]), ("persons", "P-MUELLER", "deny"), "hit")
    check(isinstance(hit["score"], float) and 0.8 <= hit["score"] <= 1.0,
          "score %r" % hit["score"])
    check(any("transliteration" in r for r in hit["reasons"]), "reasons %r" % hit["reasons"])
    check(any("birth date exact" in r for r in hit["reasons"]), "reasons %r" % hit["reasons"])
    eq(t.screen("--surname", "SCHULZ", "--given-names", "HANS", expect=0), [], "no hit")
    rc, out, _ = t.run("screen", "--surname", "MUHAMMAD", "--given-names", "ALY",
                       "--birth-date", "1980-12-03")
    eq(rc, 1, "text screen exit")
    check("P-MOHAMMED" in out and "variant" in out and "swapped" in out, "text screen: %r" % out)


@test
def screen_documents(t):
    t.init()
    t.load()
    hits = t.screen("--document", "UTO:L898902C3", expect=1)
    eq([h["reference"] for h in hits], ["D-UTO"], "exact document")
    eq(hits[0]["list"], "documents", "list of a document hit")
    hits = t.screen("--document", "uto:L89B9O2C3", expect=1)
    check(any("OCR confusion" in r for r in hits[0]["reasons"]), "reasons %r" % hits[0])
    eq(t.screen("--document", "FRA:L898902C3", expect=0), [], "other issuing state")


@test
def screen_usage_errors_print_json(t):
    t.init()
    t.load()
    for args in (["screen", "--json"],
                 ["screen", "--json", "--surname", "X", "--birth-date", "1970-13-01"],
                 ["screen", "--json", "--surname", "X", "--birth-date", "yesterday"],
                 ["screen", "--json", "--document", "NOCOLON"],
                 ["screen", "--json", "--document", "UTO:"],
                 ["screen", "--json", "--document", "TOOLONG:123"],
                 ["screen", "--json", "--surname", "X", "--nationality", "D3U"],
                 ["screen", "--json", "--surname", "X", "--frobnicate"],
                 ["screen", "--json", "--surname", "X", "extra"],
                 ["screen", "--json", "--surname", "X" * 200]):
        rc, out, err = t.run(*args)
        eq(rc, 2, "%s: exit" % " ".join(args)[:60])
        try:
            doc = json.loads(out)
        except ValueError:
            raise Failure("%s: no JSON on stdout: %r" % (" ".join(args)[:60], out))
        eq(doc.get("hits"), [], "%s: hits" % " ".join(args)[:60])
        check(isinstance(doc.get("error"), str) and err.strip(), "error message: %r" % doc)


@test
def screen_without_database(t):
    rc, out, err = t.run("screen", "--json", "--surname", "X")
    check(rc not in (0, 1), "screen without a database: exit %d" % rc)
    eq(json.loads(out).get("hits"), [], "hits without a database")
    check(err.strip(), "no message on stderr")


@test
def bad_rows_listed_and_nothing_imported(t):
    t.init()
    t.load()
    before = t.sql("SELECT id, reference FROM watchlist_entries ORDER BY id")
    bad = HEADER + ("persons,Good,,,,,,,G1\n"
                    "persons,Bad,,1970-02-30,,,,,G2\n"
                    "persons,Good,,,,,,,G3\n"
                    "nobody,Bad,,,,,,,G4\n")
    rc, out, err = t.load(bad, "bad.csv")
    eq(rc, 2, "import of a file with bad rows")
    check("line 3" in err and "line 5" in err and "nothing imported" in err,
          "error names the lines: %r" % err)
    check("line 2" not in err and "line 4" not in err, "good lines reported: %r" % err)
    eq(t.sql("SELECT id, reference FROM watchlist_entries ORDER BY id"), before, "entries")
    doc, _ = t.json("watchlist", "status", "--json")
    eq([(s["source"], s["version"], s["persons"], s["documents"]) for s in doc],
       [("local", 1, 4, 1)], "status after a refused import")


@test
def hostile_csv(t):
    t.init()
    cases = [
        ("wrong column count", HEADER + "persons,A,,,,,,,R1\npersons,B,,,,,,R2\n",
         ["line 3", "8 fields"]),
        ("too many columns", HEADER + "persons,A,,,,,,,R1,extra\n", ["line 2", "10 fields"]),
        ("unclosed quote", HEADER + "persons,A,,,,,,,R1\npersons,\"B,,,,,,,R2\npersons,C\n",
         ["line 3", "never closed"]),
        ("quote inside a field", HEADER + "persons,O\"Hara,,,,,,,R1\n", ["line 2", "quote"]),
        ("text after a quote", HEADER + "persons,\"A\"B,,,,,,,R1\n", ["line 2", "closing quote"]),
        ("embedded newline", HEADER + "persons,\"A\nB\",,,,,,,R1\npersons,C,,,,,,x,R2\n",
         ["line 2: surname", "line 4: action"]),
        ("bare CR", HEADER + "persons,A\r,,,,,,,R1\n", ["line 2", "carriage return"]),
        ("not UTF-8", HEADER.encode() + b"persons,M\xfcller,,,,,,,R1\n", ["line 2", "UTF-8"]),
        ("NUL byte", HEADER.encode() + b"persons,A\x00B,,,,,,,R1\n", ["UTF-8"]),
        ("empty file", "", ["empty"]),
        ("no header", "persons,A,,,,,,,R1\n", ["line 1", "header"]),
        ("duplicate reference", HEADER + "persons,A,,,,,,,R1\npersons,B,,,,,,,R1\n",
         ["line 3", "also on line 2"]),
        ("control character", HEADER + "persons,A\x07B,,,,,,,R1\n", ["line 2", "surname"]),
        ("huge field", HEADER + "persons,\"" + "A" * 3000000 + "\",,,,,,,R1\n"
         + "persons,B,,,,,,,R2\n", ["line 2", "longer than"]),
        ("many columns", HEADER + "persons" + ",x" * 100000 + "\n", ["line 2", "fields"]),
        ("future birth", HEADER + "persons,A,,2999-01-01,,,,,R1\n", ["future"]),
    ]
    problems = []
    for label, data, expected in cases:
        started = time.monotonic()
        rc, out, err = t.load(data, "hostile.csv")
        took = time.monotonic() - started
        if rc != 2:
            problems.append("%s: exit %d" % (label, rc))
        missing = [e for e in expected if e not in err]
        if missing:
            problems.append("%s: %r not in %r" % (label, missing, err[:300]))
        if took > 20:
            problems.append("%s: took %.1f s" % (label, took))
    check(not problems, "; ".join(problems))
    eq(entries(t), 0, "entries after hostile files")
    t.run("audit", "verify")
    eq(t.log[-1][1], 0, "audit chain after hostile files")


@test
def tolerated_csv_forms(t):
    """A BOM, CRLF, quoted commas, doubled quotes, blank lines, columns in another order."""
    t.init()
    data = ("\ufeffreference,list,surname,given_names,birth_date,nationality,document_number,"
            "issuing_state,action\r\n"
            "R1,persons,\"O'Brien, Jr\",\"Sean \"\"Shaun\"\"\",1960,IRL,,,refer\r\n"
            "\r\n"
            "R2,documents,,,,,\"X12 345-67\",utO,\r\n"
            ",persons,Ödegård,Åsa,1981-02,NOR,,,\r\n")
    rc, out, err = t.load(data)
    eq(rc, 0, "import (stderr %r)" % err)
    rows = t.sql("SELECT reference, list, surname, given_names, document_number, issuing_state, "
                 "action FROM watchlist_entries ORDER BY id")
    eq(rows, [("R1", "persons", "O'Brien, Jr", 'Sean "Shaun"', "", "", "refer"),
              ("R2", "documents", "", "", "X1234567", "UTO", "deny"),
              ("line-5", "persons", "Ödegård", "Åsa", "", "", "refer")], "stored rows")
    hits = t.screen("--surname", "OBRIEN", "--given-names", "SEAN", "--birth-date", "1960-04-01",
                    expect=1)
    eq(hits[0]["reference"], "R1", "O'Brien found as OBRIEN")
    hits = t.screen("--surname", "OEDEGAARD", "--given-names", "AASA", expect=1)
    eq(hits[0]["reference"], "line-5", "Ödegård found as OEDEGAARD")
    hits = t.screen("--surname", "ODEGARD", "--given-names", "ASA", expect=1)
    eq(hits[0]["reference"], "line-5", "Ödegård found as ODEGARD")
    hits = t.screen("--document", "FRA:X1234567", expect=0)
    hits = t.screen("--document", "UTO:X1234567", expect=1)
    # A header alone empties the local list.
    rc, out, err = t.load(HEADER, "empty.csv")
    eq(rc, 0, "header-only import (stderr %r)" % err)
    eq(entries(t), 0, "entries after a header-only import")


@test
def signed_delta_refused(t):
    # A signed file is verified against HQ's CA: refused (exit 1) on a desk
    # that has none, and refused as a JWS anyway.  test_sync.py covers the
    # genuine, tampered and replayed files from a real HQ.
    t.init()
    t.load()
    flat = json.dumps({"protected": "eyJhbGciOiJFZERTQSJ9", "payload": "eyJmcm9tIjowfQ",
                       "signature": "c2ln"})
    for label, data in (("flattened", flat), ("compact", "eyJhbGc.eyJmcm9t.c2ln\n")):
        rc, out, err = t.load(data, "delta.jws")
        eq(rc, 1, "%s JWS: exit" % label)
        check("HQ" in err, "%s JWS message: %r" % (label, err))
    eq(entries(t), 5, "entries after a refused delta")


@test
def bad_arguments(t):
    t.init()
    for args in (["watchlist"], ["watchlist", "frobnicate"], ["watchlist", "import"],
                 ["watchlist", "import", "a.csv", "b.csv"],
                 ["watchlist", "import", "/nonexistent/list.csv"],
                 ["watchlist", "import", "/"]):
        rc, out, err = t.run(*args)
        eq(rc, 2, "%s: exit" % " ".join(args))
        check(err.startswith("borderdesk-admin: "), "%s: message %r" % (" ".join(args), err))
    for args in (["watchlist", "--help"], ["watchlist", "import", "--help"],
                 ["screen", "--help"]):
        rc, out, err = t.run(*args)
        eq(rc, 0, "%s: exit" % " ".join(args))
        check(out.strip(), "%s: no help text" % " ".join(args))


@test
def reimport_replaces_and_is_audited(t):
    t.init()
    t.load()
    rc, out, err = t.load(HEADER + "persons,Jones,Mary,1990-01-02,GBR,,,deny,J1\n", "b.csv")
    eq(rc, 0, "second import")
    check("version 2" in out and "replaced 5" in out, "summary: %r" % out)
    eq(t.screen("--surname", "MULLER", "--given-names", "HANS", "--birth-date", "1970-05-06",
                expect=0), [], "the old list is gone")
    eq(len(t.screen("--surname", "JONES", "--given-names", "MARY", expect=1)), 1, "new list")
    rows = t.sql("SELECT actor, action, object, details FROM audit "
                 "WHERE action LIKE 'watchlist.%' ORDER BY seq")
    eq([r[1] for r in rows], ["watchlist.import", "watchlist.import", "watchlist.screen",
                              "watchlist.screen"], "audit actions")
    for actor, action, obj, details in rows:
        eq(actor, "cli", "audit actor")
        for word in ("ller", "Mohammed", "Jones", "MARY", "L898902C3"):
            check(word not in details, "%r in audit details %r" % (word, details))
    d = json.loads(rows[1][3])
    eq((d["source"], d["version"], d["persons"], d["documents"], d["replaced"]),
       ("local", 2, 1, 0, 5), "import details")
    check(len(d["sha256"]) == 64, "sha256 in details")
    eq(t.run("audit", "verify")[0], 0, "audit verify")
    doc, _ = t.json("watchlist", "status", "--json")
    eq([(s["source"], s["version"], s["updated"]) for s in doc], [("local", 2, NOW)], "status")


@test
def many_rows(t):
    t.init()
    rows = [HEADER]
    for i in range(20000):
        rows.append("persons,Name%s,Given%s,19%02d-01-01,DEU,,,refer,R%d\n"
                    % (chr(65 + i % 26) * (1 + i % 5), chr(65 + (i // 26) % 26), i % 100, i))
    started = time.monotonic()
    rc, out, err = t.load("".join(rows))
    eq(rc, 0, "20000-row import (stderr %r)" % err[:300])
    check(time.monotonic() - started < 60, "20000-row import took too long")
    eq(entries(t), 20000, "entries")


# --------------------------------------------------------------------------
# The checks of a registration

MUSTERMANN = td3("MUSTERMANN", "ERIKA", "C01X00T47", "DEU", "640812", "F", "300131")
OTHER = td3("SCHULZ", "PETRA", "C01X00T55", "DEU", "710304", "F", "300131")
LOST = td3("SCHULZ", "PETRA", "L898902C3", "UTO", "710304", "F", "300131")


@test
def register_without_list_warns(t):
    t.init()
    t.officers("g1")
    rc, doc, err = t.register("g1", OTHER)
    eq(rc, 0, "register without a list (stderr %r)" % err)
    by = {c["name"]: c for c in doc["checks"]}
    eq(by.get("watchlist", {}).get("state"), "warning", "watchlist row without a list")
    eq(by.get("lost-stolen", {}).get("state"), "warning", "lost-stolen row without a list")


@test
def register_blocked_by_hit_and_overridden(t):
    t.init()
    t.officers("g1", "s1")
    t.load()
    rc, doc, err = t.register("g1", MUSTERMANN)
    eq(rc, 1, "register of a listed person")
    by = {c["name"]: c for c in doc["checks"]}
    eq(by["watchlist"]["state"], "block", "watchlist row")
    check("P-MUSTERMANN" in by["watchlist"]["reason"] and "deny" in by["watchlist"]["reason"],
          "reason %r" % by["watchlist"]["reason"])
    eq(by["watchlist-age"]["state"], "ok", "watchlist-age row")
    eq(t.sql("SELECT count(*) FROM crossings"), [(0,)], "nothing recorded")
    rc, doc, err = t.register("g1", MUSTERMANN, sup="s1")
    eq(rc, 0, "override by a supervisor (stderr %r)" % err)
    stored = t.sql("SELECT checks FROM crossings")
    check("P-MUSTERMANN" in stored[0][0], "hit stored with the crossing: %r" % stored)
    over = t.sql("SELECT details FROM audit WHERE action = 'crossing.override'")
    check(over and "watchlist" in over[0][0], "override audited: %r" % over)
    rc, doc, err = t.register("g1", OTHER)
    eq(rc, 0, "an unlisted traveller (stderr %r)" % err)
    by = {c["name"]: c for c in doc["checks"]}
    eq((by["watchlist"]["state"], by["lost-stolen"]["state"]), ("ok", "ok"), "rows of no hit")


@test
def register_lost_document_blocked(t):
    t.init()
    t.officers("g1")
    t.load()
    rc, doc, err = t.register("g1", LOST)
    eq(rc, 1, "register with a lost document")
    by = {c["name"]: c for c in doc["checks"]}
    eq(by["lost-stolen"]["state"], "block", "lost-stolen row")
    check("D-UTO" in by["lost-stolen"]["reason"], "reason %r" % by["lost-stolen"]["reason"])


@test
def stale_list_warns(t):
    t.init()
    t.officers("g1")
    t.load()
    t.env["BORDERDESK_NOW"] = "2026-05-12T10:00:00Z"
    rc, doc, err = t.register("g1", OTHER)
    eq(rc, 0, "register with a stale list (stderr %r)" % err)
    by = {c["name"]: c for c in doc["checks"]}
    eq(by["watchlist-age"]["state"], "warning", "watchlist-age row")
    check("11 days" in by["watchlist-age"]["reason"], "reason %r" % by["watchlist-age"]["reason"])


# --------------------------------------------------------------------------

def main():
    if not os.access(BIN, os.X_OK):
        print("1..0 # SKIP borderdesk-admin not found at %s" % BIN)
        return 0
    return taplib.run(TESTS, Case, Failure, taplib.admin_argv)


if __name__ == "__main__":
    sys.exit(main())
