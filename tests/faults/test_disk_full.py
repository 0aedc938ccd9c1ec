#!/usr/bin/python3
"""Disk full under the desk database (and under HQ's store when
borderdesk-hq is built): a size-limited tmpfs is mounted, work goes on
until the disk is full, and then:

- the failing command exits with a clear one-line reason and records
  nothing half-way;
- every crossing that was confirmed (exit 0) is there, nothing else is;
- PRAGMA integrity_check says ok and `audit verify` exits 0;
- once the filesystem grows again, work resumes normally.

Needs root (mount); without it the tests are skipped with the reason.
Stdlib only; TAP on stdout.  Binaries: $BORDERDESK_ADMIN, $BORDERDESK_HQ.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from test_cli import td3  # noqa: E402  (the MRZ builder with ICAO check digits)
import faultlib  # noqa: E402  (what was lost, doubled or half-stored between desks and HQ)
import test_sync  # noqa: E402  (desks syncing with a real HQ)

BUILD = os.path.join(os.path.dirname(os.path.dirname(HERE)), "_build")
ADMIN = os.environ.get("BORDERDESK_ADMIN", os.path.join(BUILD, "src/admin/borderdesk-admin"))
HQ = os.environ.get("BORDERDESK_HQ", os.path.join(BUILD, "src/hq/borderdesk-hq"))
PASSWORD = "guard-one-pass"


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def eq(actual, expected, what):
    check(actual == expected, "%s: got %r, expected %r" % (what, actual, expected))


class Mount:
    """A tmpfs of @size under a temporary directory, unmounted at the end."""

    def __init__(self, size):
        self.dir = tempfile.mkdtemp(prefix="bd-full-")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs",
                            self.dir], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            os.rmdir(self.dir)
            raise PermissionError(r.stderr.decode().strip() or "mount failed")

    def grow(self, size):
        subprocess.run(["mount", "-o", "remount,size=%s" % size, self.dir], check=True)

    def close(self):
        subprocess.run(["umount", "-l", self.dir])
        shutil.rmtree(self.dir, ignore_errors=True)


def run(argv, stdin=""):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("BORDERDESK_NOW", None)
    p = subprocess.run(argv, input=stdin.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=120)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def admin(db, *args, stdin=""):
    return run([ADMIN, "--db", db] + list(args), stdin)


def mrz(i):
    return td3("FULLDISK", "TRAVELLER", "F%08d" % i, "DEU", "800101", "M", "310101")


def register(db, i):
    return admin(db, "register", "--username", "g1", "--direction", "entry", "--json",
                 stdin=PASSWORD + "\n" + mrz(i))


def integrity_ok(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


def fill(directory, keep):
    """Leaves about @keep bytes free on @directory's filesystem."""
    st = os.statvfs(directory)
    filler = st.f_bavail * st.f_frsize - keep
    if filler > 0:
        with open(os.path.join(directory, "filler"), "wb") as f:
            f.write(b"\0" * filler)


def desk_disk_full():
    m = Mount("1m")
    try:
        db = os.path.join(m.dir, "desk.db")
        rc, _, err = admin(db, "init", "--post", "UTO-ALP", "--post-name", "Full", "--desk", "1")
        check(rc == 0, "init on 1 MiB: %s" % err)
        rc, _, err = admin(db, "officer", "add", "--username", "g1", "--name", "G One",
                           "--role", "guard", stdin=PASSWORD + "\n")
        check(rc == 0, "officer add: %s" % err)
        # Leave about 160 KiB free, so that a few dozen registrations fill it.
        fill(m.dir, 160 * 1024)
        confirmed = []
        failure = None
        for i in range(20000):
            rc, out, err = register(db, i)
            if rc == 0:
                confirmed.append(json.loads(out)["crossing"])
                continue
            failure = (rc, err.strip())
            break
        check(failure is not None, "the disk never filled")
        rc, err = failure
        check(rc not in (0, 1, 2), "disk full: exit %d (a failure, not a 'no')" % rc)
        check(len(err.splitlines()) == 1 and ("full" in err or "space" in err),
              "disk full: not one clear line: %r" % err)
        check(integrity_ok(db), "integrity_check after disk full")
        rc, _, err = admin(db, "audit", "verify")
        check(rc == 0, "audit verify after disk full: %s" % err)
        rc, out, _ = admin(db, "crossings", "list", "--json")
        listed = [c["id"] for c in json.loads(out)] if rc == 0 else None
        check(listed is not None and sorted(listed) == sorted(confirmed),
              "crossings after disk full: %d listed, %d confirmed"
              % (len(listed or []), len(confirmed)))
        # Space returns: work resumes.
        m.grow("8m")
        rc, out, err = register(db, 99999)
        check(rc == 0, "register once space is back: %s" % err)
        check(integrity_ok(db), "integrity_check after recovery")
        return "%d confirmed before the disk filled; then: %s" % (len(confirmed), failure[1])
    finally:
        m.close()


def post(t, desk, body):
    """POST /v1/batches with @desk's certificate, by curl: (status, headers
    with lower-case names, body)."""
    d = os.path.join(t.dir, desk)
    p = subprocess.run(["curl", "-sS", "-i", "--cacert", os.path.join(t.hq_dir, "ca.crt"),
                        "--cert", os.path.join(d, "desk.crt"), "--key",
                        os.path.join(d, "desk.key"), "-H", "Content-Type: application/jose+json",
                        "--data-binary", "@-", t.url() + "/v1/batches"],
                       input=body.encode(), stdout=subprocess.PIPE, timeout=60)
    head, _, text = p.stdout.decode().partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return int(lines[0].split()[1]), headers, text


def hq_store_disk_full():
    """HQ's directory (its SQLite store) on a small tmpfs; three desks
    sync until the store is full.  HQ must refuse the batch it cannot
    store with 507 and Retry-After, say so in its log, keep running and
    keep nothing of that batch; the desk keeps those records pending and
    says why; once the tmpfs grows, everything arrives exactly once."""
    m = Mount("32m")
    t = test_sync.Case("hq-disk-full")
    desks = ["d1", "d2", "d3"]
    dbs = [os.path.join(t.dir, d, "desk.db") for d in desks]
    try:
        t.hq_dir = os.path.join(m.dir, "hq")
        t.init_hq()
        for k, d in enumerate(desks):
            t.desk(d, number=k + 1, crossings=600, seed=k + 1)
        t.start_hq()
        store = os.path.join(t.hq_dir, "hq.db")
        fill(m.dir, 10 * 1024 * 1024)
        failures = []
        rounds = 0
        while not failures and rounds < 30:
            rounds += 1
            # All at once: HQ's committer stores their batches in groups.
            results = {}
            threads = [threading.Thread(target=lambda d=d: results.__setitem__(
                d, t.admin(d, "sync", expect=None))) for d in desks]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            failures = [(d, rc, err.strip()) for d, (rc, _, err) in sorted(results.items())
                        if rc != 0]
            for k, d in enumerate(desks):
                t.admin(d, "demo", "seed", "--crossings", "300", "--travellers", "60",
                        "--seed", str(10 * rounds + k))
        check(failures, "HQ's store never filled")
        check(t.server.poll() is None, "HQ exited on a full disk:\n" + t.hq_log())
        for d, rc, err in failures:
            check(rc not in (0, 2), "%s sync on a full HQ: exit %d" % (d, rc))
            check(len(err.splitlines()) == 1 and "HTTP 507" in err and "full" in err,
                  "%s sync on a full HQ, not one clear line: %r" % (d, err))
            check(t.status(d)["pending_records"] > 0, "%s: records marked synced" % d)
        # What a desk sees on the wire: 507, Retry-After, the JSON error.
        d = failures[0][0]
        jws = faultlib.desk_rows(dbs[desks.index(d)], "SELECT jws FROM batches"
                                 " WHERE receipt IS NULL ORDER BY epoch, seq")[0][0]
        status, headers, body = post(t, d, jws)
        eq(status, 507, "HTTP status of a batch to a full HQ")
        eq(headers.get("retry-after"), "60", "Retry-After of a 507")
        eq(json.loads(body)["error"], "store-full", "error code of a 507")
        log = t.hq_log().splitlines()
        check([line for line in log if "status=507" in line], "HQ logged no 507:\n" + t.hq_log())
        # One line when HQ starts refusing (again, after a smaller batch
        # still fitted), with SQLite's reason.
        full = [line for line in log if "event=store state=full" in line]
        check(full and all("disk is full" in line for line in full),
              "HQ's log does not say its store is full:\n" + "\n".join(log[-10:]))
        ok = faultlib.integrity(store)
        check(ok == "ok", "HQ's integrity_check on a full disk: %s" % ok)
        led = faultlib.ledger(store, dbs)
        bad = faultlib.faults(led, settled=False)
        check(not bad, "on a full disk: %s (%r)" % (bad, led))
        check(led["pending"] > 0, "nothing pending on a full disk: %r" % led)
        eq(led["unanswered"], 0, "batches HQ stored while it answered 507")
        before = led
        # Space returns: the next sync of every desk completes.
        m.grow("256m")
        for d in desks:
            t.admin(d, "sync")
        t.stop_hq()
        ok = faultlib.integrity(store)
        check(ok == "ok", "HQ's integrity_check after space returned: %s" % ok)
        led = faultlib.ledger(store, dbs)
        bad = faultlib.faults(led)
        check(not bad, "after space returned: %s (%r)" % (bad, led))
        check(any("event=store state=ok" in line for line in t.hq_log().splitlines()),
              "HQ did not log that its store works again")
        return ("round %d: %d crossings in %d batches at HQ, %d pending, %d of %d desks "
                "refused (%s); once space returned: %d crossings, lost %d, doubled %d, "
                "pending %d" % (rounds, before["at_hq"], before["batches"], before["pending"],
                                len(failures), len(desks), failures[0][2], led["at_hq"],
                                led["lost"] + led["unsent"], led["doubled"], led["pending"]))
    finally:
        t.cleanup()
        m.close()


def main():
    if not os.access(ADMIN, os.X_OK):
        print("1..0 # SKIP borderdesk-admin not built")
        return 0
    try:
        Mount("64k").close()
    except (PermissionError, FileNotFoundError) as exc:
        print("1..0 # SKIP cannot mount a size-limited tmpfs here: %s" % exc)
        return 0
    tests = [("desk database on a full disk", desk_disk_full)]
    if os.access(HQ, os.X_OK):
        tests.append(("HQ store on a full disk", hq_store_disk_full))
    print("1..%d" % len(tests))
    failed = 0
    for n, (name, fn) in enumerate(tests, 1):
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - every failure as TAP
            failed += 1
            print("not ok %d - %s" % (n, name))
            msg = str(exc) if isinstance(exc, Failure) else traceback.format_exc()
            for line in msg.splitlines():
                print("# " + line)
        else:
            print("ok %d - %s # %s" % (n, name, result))
        sys.stdout.flush()
    print("# %d passed, %d failed" % (len(tests) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
