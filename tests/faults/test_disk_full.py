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
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from test_cli import td3  # noqa: E402  (the MRZ builder with ICAO check digits)

BUILD = os.path.join(os.path.dirname(os.path.dirname(HERE)), "_build")
ADMIN = os.environ.get("BORDERDESK_ADMIN", os.path.join(BUILD, "src/admin/borderdesk-admin"))
HQ = os.environ.get("BORDERDESK_HQ", os.path.join(BUILD, "src/hq/borderdesk-hq"))
PASSWORD = "guard-one-pass"


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


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
        st = os.statvfs(m.dir)
        filler = st.f_bavail * st.f_frsize - 160 * 1024
        if filler > 0:
            with open(os.path.join(m.dir, "filler"), "wb") as f:
                f.write(b"\0" * filler)
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
