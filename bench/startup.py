#!/usr/bin/python3
"""bench/run startup: cold start of the desk app to its login window drawn,
and its resident memory after registrations, on a desk database with
BD_BENCH_STARTUP_SIZE crossings (default 1 000 000, filled by bd-bench's
filler and kept in BD_BENCH_DIR).

Runs inside its own Xvfb.  "Drawn" is the moment xdotool sees the window
mapped and visible.  Prints CONTRACT.md's JSON lines on stdout.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, "_build-bench")
APP = os.path.join(BUILD, "src", "desk", "borderdesk")
ADMIN = os.path.join(BUILD, "src", "admin", "borderdesk-admin")
ROUNDS = 9


def emit(metric, value, unit):
    print(json.dumps({"bench": "startup", "metric": metric, "value": round(value, 4),
                      "unit": unit}), flush=True)
    print("startup    %-28s %10.4g %s" % (metric, value, unit), file=sys.stderr)


def wait_window(pid, deadline):
    while time.monotonic() < deadline:
        r = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid),
                            "--name", "borderdesk"], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip():
            return True
        time.sleep(0.005)
    return False


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    size = int(os.environ.get("BD_BENCH_STARTUP_SIZE", "1000000"))
    bench_dir = os.environ.get("BD_BENCH_DIR", "/var/tmp/borderdesk-bench")
    db = os.path.join(bench_dir, "desk-%d.db" % size)
    if not os.path.exists(db):
        # bd-bench fills it as a side effect of a history run at that size.
        subprocess.run([os.path.join(BUILD, "bench", "bd-bench"), "history"],
                       env=dict(os.environ, BD_BENCH_SIZES=str(size)), check=True,
                       stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="bd-startup-")
    copy = os.path.join(work, "desk.db")
    shutil.copy(db, copy)
    env = dict(os.environ, GDK_BACKEND="x11", GSETTINGS_BACKEND="memory", NO_AT_BRIDGE="1",
               LC_ALL="C.UTF-8", XDG_RUNTIME_DIR=work)
    times = []
    for _ in range(ROUNDS):
        # Drop the page cache's copy of the database where we may (root): a
        # cold start reads it from disk.
        try:
            with open("/proc/sys/vm/drop_caches", "w") as f:
                f.write("1")
        except OSError:
            pass
        t0 = time.monotonic()
        p = subprocess.Popen([APP, "--db", copy], env=env, stderr=subprocess.DEVNULL)
        ok = wait_window(p.pid, t0 + 20)
        t1 = time.monotonic()
        p.terminate()
        p.wait()
        if not ok:
            print("startup: the window never appeared", file=sys.stderr)
            return 3
        times.append(t1 - t0)
    emit("cold_start_median_at_%dM" % (size // 1000000) if size >= 1000000
         else "cold_start_median_at_%d" % size, statistics.median(times), "s")
    emit("cold_start_max", max(times), "s")
    p = subprocess.Popen([APP, "--db", copy], env=env, stderr=subprocess.DEVNULL)
    wait_window(p.pid, time.monotonic() + 20)
    time.sleep(0.5)
    emit("rss_at_login_window", rss_kib(p.pid) / 1024.0, "MiB")
    p.terminate()
    p.wait()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if "DISPLAY" not in os.environ:
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24",
                               sys.executable] + sys.argv)
    sys.exit(main())
