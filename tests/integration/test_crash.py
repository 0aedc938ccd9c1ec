#!/usr/bin/python3
"""Crash test: SIGKILL a process that registers crossings, many times over.

A worker process runs `borderdesk-admin register` in a loop and prints the
crossing id it got back whenever register exits 0: those crossings are
confirmed.  The test kills the worker and its process group (so the register
in flight dies too) at random moments: half the rounds after a uniform random
delay, half in the last few milliseconds of a register, where it writes,
commits and checkpoints (the moment is calibrated on three registrations).
After every kill each confirmed crossing must be in `crossings list --json`.
At the end PRAGMA integrity_check must say ok and `audit verify` exit 0.

Env: BORDERDESK_ADMIN (the binary), BD_CRASH_ROUNDS (default 50),
BD_CRASH_SEED (default 1).  Stdlib only; TAP on stdout.
"""

import errno
import json
import os
import queue
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback

BIN = os.environ.get("BORDERDESK_ADMIN",
                     "/work/main/_build/src/admin/borderdesk-admin")
ROUNDS = int(os.environ.get("BD_CRASH_ROUNDS", "50"))
SEED = int(os.environ.get("BD_CRASH_SEED", "1"))
NOW = "2026-05-01T10:00:00Z"
PASSWORD = "crash-guard-pass"
CMD_TIMEOUT = 120


def check_digit(text):
    """ICAO 9303 part 3: weights 7, 3, 1; 0-9, A-Z = 10..35, '<' = 0."""
    total = 0
    for i, ch in enumerate(text):
        if ch.isdigit():
            v = ord(ch) - 48
        elif "A" <= ch <= "Z":
            v = ord(ch) - 55
        else:
            v = 0
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)


def td3(surname, given, number, nationality, birth, sex, expiry):
    l1 = ("P<" + nationality + surname + "<<" + given).ljust(44, "<")[:44]
    num, opt = number.ljust(9, "<"), "<" * 14
    parts = [num + check_digit(num), birth + check_digit(birth),
             expiry + check_digit(expiry), opt + check_digit(opt)]
    l2 = (parts[0] + nationality + parts[1] + sex + parts[2] + parts[3]
          + check_digit(parts[0] + parts[1] + parts[2] + parts[3]))
    assert len(l1) == 44 and len(l2) == 44
    return l1 + "\n" + l2 + "\n"


# The worker: registers crossings one after another; prints "START" as it
# launches each register and "ID <uuid>" after each register that exited 0.
# Its argv: BIN DB ROUND DIR-OF-THIS-FILE; the password comes on stdin.
WORKER = r'''
import json, subprocess, sys
sys.path.insert(0, sys.argv[4])
from test_crash import td3
bin_, db, rnd = sys.argv[1], sys.argv[2], int(sys.argv[3])
password = sys.stdin.readline().rstrip("\n")
i = 0
while True:
    number = "C%03dN%04d" % (rnd % 1000, i % 10000)
    mrz = td3("CRASH", "TEST", number, "DEU", "800101", "M", "300101")
    sys.stdout.write("START\n")
    sys.stdout.flush()
    p = subprocess.run([bin_, "--db", db, "register", "--username", "g1",
                        "--direction", "entry" if i % 2 == 0 else "exit", "--json"],
                       input=(password + "\n" + mrz).encode(), stdout=subprocess.PIPE)
    if p.returncode == 0:
        sys.stdout.write("ID %s\n" % json.loads(p.stdout)["crossing"])
    else:
        sys.stdout.write("FAIL %d\n" % p.returncode)
    sys.stdout.flush()
    i += 1
'''


class Env:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bd-crash-")
        self.db = os.path.join(self.dir, "desk.db")
        self.env = dict(os.environ)
        self.env.pop("BORDERDESK_DB", None)
        self.env.update({"LC_ALL": "C.UTF-8", "BORDERDESK_NOW": NOW, "HOME": self.dir,
                         "XDG_DATA_HOME": os.path.join(self.dir, "xdg"),
                         "GSETTINGS_BACKEND": "memory"})

    def run(self, *args, stdin=""):
        deadline = time.monotonic() + 120
        while True:
            try:
                p = subprocess.run([BIN, "--db", self.db] + list(args),
                                   input=stdin.encode(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=self.env, timeout=CMD_TIMEOUT,
                                   cwd=self.dir)
                return (p.returncode, p.stdout.decode("utf-8", "replace"),
                        p.stderr.decode("utf-8", "replace"))
            except OSError as exc:  # the binary being relinked by a concurrent build
                if exc.errno not in (errno.EACCES, errno.ETXTBSY, errno.ENOENT) or \
                        time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def listed_ids(self):
        rc, out, err = self.run("crossings", "list", "--json")
        if rc != 0:
            raise AssertionError("crossings list exit %d: %s" % (rc, err.strip()))
        return [c["id"] for c in json.loads(out)]


def one_round(env, rnd, rng, register_time):
    """Start a worker, SIGKILL its process group at a random moment.

    Even rounds kill after a uniform random delay (mostly while a register
    hashes the password or starts up); odd rounds wait for the k-th register
    to start and kill it in its last stretch, where it writes and commits.
    Returns (confirmed ids, failures seen, description of the moment)."""
    here = os.path.dirname(os.path.abspath(__file__))
    p = subprocess.Popen([sys.executable, "-c", WORKER, BIN, env.db, str(rnd), here],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env.env, cwd=env.dir,
                         start_new_session=True)
    confirmed, failures = [], []
    starts = queue.Queue()

    def reader():
        for line in p.stdout:
            line = line.decode().strip()
            if line == "START":
                starts.put(time.monotonic())
            elif line.startswith("ID "):
                confirmed.append(line[3:])
            elif line.startswith("FAIL "):
                failures.append(line[5:])

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    p.stdin.write((PASSWORD + "\n").encode())
    p.stdin.close()
    if rnd % 2 == 0:
        delay = rng.uniform(0.05, 0.7)
        time.sleep(delay)
        moment = "after %.2f s" % delay
    else:
        k = rng.randrange(1, 4)
        back = rng.uniform(0.0, min(0.025, register_time / 2))
        try:
            for _ in range(k):
                started = starts.get(timeout=30)
            time.sleep(max(0.0, started + register_time - back - time.monotonic()))
            moment = "%.3f s before register #%d would end" % (back, k)
        except queue.Empty:
            moment = "(worker never started a register)"
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait(timeout=30)
    th.join(timeout=30)
    # Nothing of the group may run on (a stray register would race the check).
    # Killed orphans may linger as zombies until init reaps them: ignore those.
    for _ in range(200):
        if not live_members(p.pid):
            break
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    return confirmed, failures, moment


def live_members(pgid):
    """Processes of process group pgid that are not zombies (from /proc)."""
    live = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            live.append(int(entry))
    return live


def main():
    if not os.access(BIN, os.X_OK):
        print("1..0 # SKIP borderdesk-admin not found at %s" % BIN)
        return 0
    rng = random.Random(SEED)
    n_tests = ROUNDS + 4
    print("1..%d" % n_tests)
    sys.stdout.flush()
    env = Env()
    failed = 0
    n = 0

    def report(ok, name, diag=()):
        nonlocal n, failed
        n += 1
        if not ok:
            failed += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", n, name))
        for line in diag:
            for sub in str(line).splitlines():
                print("# " + sub)
        sys.stdout.flush()

    try:
        rc1, _, e1 = env.run("init", "--post", "UTO-ALP", "--post-name", "Crash", "--desk", "1")
        rc2, _, e2 = env.run("officer", "add", "--username", "g1", "--name", "Crash Guard",
                             "--role", "guard", stdin=PASSWORD + "\n")
        report(rc1 == 0 and rc2 == 0, "set up a desk and a guard",
               [] if rc1 == 0 and rc2 == 0 else [e1, e2])
        if rc1 != 0 or rc2 != 0:
            print("Bail out! cannot set up the desk")
            return 1

        # How long one register takes here, start to exit (for the odd rounds).
        samples = []
        for i in range(3):
            t0 = time.monotonic()
            rc, _, err = env.run("register", "--username", "g1", "--direction",
                                 "entry" if i % 2 == 0 else "exit",
                                 stdin=PASSWORD + "\n" + td3("CALIB", "RATE", "CAL%06d" % i,
                                                             "DEU", "800101", "M", "300101"))
            samples.append(time.monotonic() - t0)
            if rc != 0:
                print("Bail out! register fails before any kill: %s" % err.strip())
                return 1
        register_time = sorted(samples)[1]
        print("# one register takes about %.3f s" % register_time)

        all_confirmed = []
        total_failures = 0
        start = time.monotonic()
        for rnd in range(ROUNDS):
            try:
                confirmed, failures, moment = one_round(env, rnd, rng, register_time)
                all_confirmed.extend(confirmed)
                total_failures += len(failures)
                listed = set(env.listed_ids())
                missing = [c for c in all_confirmed if c not in listed]
                diag = []
                if missing:
                    diag.append("%d confirmed crossings missing after the kill: %s"
                                % (len(missing), ", ".join(missing[:5])))
                if failures:
                    diag.append("register failed in the worker with exit %s"
                                % ", ".join(failures))
                report(not missing and not failures,
                       "round %d: killed %s; %d confirmed this round, all %d present"
                       % (rnd + 1, moment, len(confirmed), len(all_confirmed)), diag)
            except Exception:  # noqa: BLE001
                report(False, "round %d" % (rnd + 1), [traceback.format_exc()])
        elapsed = time.monotonic() - start

        con = sqlite3.connect(env.db, timeout=30)
        try:
            integrity = con.execute("PRAGMA integrity_check").fetchall()
            rows = con.execute("SELECT count(*), count(DISTINCT uuid) FROM crossings").fetchone()
            open_shifts = con.execute("SELECT count(*) FROM shifts WHERE closed IS NULL"
                                      ).fetchone()[0]
        finally:
            con.close()
        report(integrity == [("ok",)], "PRAGMA integrity_check is ok",
               [] if integrity == [("ok",)] else [repr(integrity[:5])])

        rc, out, err = env.run("audit", "verify")
        report(rc == 0, "audit verify exits 0 after %d kills" % ROUNDS,
               [] if rc == 0 else ["exit %d; stdout %r; stderr %r" % (rc, out, err)])

        # The desk still works: one more registration, then everything adds up.
        rc, out, err = env.run("register", "--username", "g1", "--direction", "entry", "--json",
                               stdin=PASSWORD + "\n" + td3("AFTER", "CRASH", "AFTER0001",
                                                           "DEU", "800101", "F", "300101"))
        listed = env.listed_ids()
        diag = []
        if rc != 0:
            diag.append("register after the kills: exit %d, %s" % (rc, err.strip()))
        if rows[0] != rows[1] or len(listed) != rows[0] + (1 if rc == 0 else 0):
            diag.append("crossings rows %d, distinct uuids %d, listed %d"
                        % (rows[0], rows[1], len(listed)))
        if open_shifts > 1:
            diag.append("%d open shifts for one guard" % open_shifts)
        if len(set(all_confirmed)) != len(all_confirmed):
            diag.append("a crossing id was confirmed twice")
        diag.append("%d crossings confirmed in %d rounds, %d in the database, %.1f s"
                    % (len(all_confirmed), ROUNDS, rows[0], elapsed))
        report(len(diag) == 1, "the desk works after the kills and nothing is doubled", diag)
    finally:
        shutil.rmtree(env.dir, ignore_errors=True)
    while n < n_tests:
        report(False, "not run")
    print("# %d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
