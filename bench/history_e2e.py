#!/usr/bin/python3
"""bench/run history-remote, end to end (issue 9): a desk asks the real
borderdesk-hq serve on loopback for a document's history, over mutual TLS,
as `borderdesk-admin stay` does before every stay figure (connect, TLS
handshake, query, signed answer, verification, kept in the desk database).

The figure is the time `stay` takes with HQ's answer minus the time
`stay --local` takes in the same run (the same process start, database
open and stay computation, without the question to HQ): p50 and p99 over
200 alternating runs.  Target: < 100 ms.

Usage: history_e2e.py BUILD_DIR   JSON lines on stdout, a summary on stderr.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUILD = os.path.abspath(sys.argv[1])
ADMIN = os.path.join(BUILD, "src", "admin", "borderdesk-admin")
HQ = os.path.join(BUILD, "src", "hq", "borderdesk-hq")
RUNS = int(os.environ.get("BD_BENCH_HISTORY_RUNS", "200"))


def run(*argv, stdin=""):
    return subprocess.run(argv, input=stdin.encode(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=True, timeout=120)


def percentile(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(p * len(v)))]


def emit(metric, value, baseline):
    line = {"bench": "history-remote", "metric": metric, "value": round(value, 3),
            "unit": "ms", "baseline": round(baseline, 3),
            "ratio": round(value / baseline, 3) if baseline > 0 else None}
    print(json.dumps(line))
    sys.stderr.write("history-remote %-32s %8.2f ms   stay --local %8.2f ms\n"
                     % (metric, value, baseline))


def main():
    work = tempfile.mkdtemp(prefix="bd-bench-e2e-")
    hq_dir = os.path.join(work, "hq")
    db = os.path.join(work, "desk", "desk.db")
    server = None
    try:
        os.makedirs(os.path.dirname(db))
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        run(HQ, "--dir", hq_dir, "init", "--name", "Bench HQ", "--host", "127.0.0.1")
        run(ADMIN, "--db", db, "init", "--post", "UTO-ALP", "--post-name", "Bench", "--desk", "1")
        run(ADMIN, "--db", db, "demo", "seed", "--crossings", "200", "--travellers", "40")
        run(ADMIN, "--db", db, "enroll-request", "--out", os.path.join(work, "d.csr"))
        run(HQ, "--dir", hq_dir, "desk", "issue", "--csr", os.path.join(work, "d.csr"),
            "--out", os.path.join(work, "d.crt"))
        run(ADMIN, "--db", db, "enroll-install", "--cert", os.path.join(work, "d.crt"),
            "--hq-ca", os.path.join(hq_dir, "ca.crt"), "--hq-url", "https://127.0.0.1:%d" % port)
        server = subprocess.Popen([HQ, "--dir", hq_dir, "serve", "--listen",
                                   "127.0.0.1:%d" % port], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        time.sleep(1)
        run(ADMIN, "--db", db, "sync")
        doc = json.loads(run(ADMIN, "--db", db, "crossings", "list", "--json", "--limit",
                             "1").stdout)[0]["document"]
        ref = "%s:%s" % (doc["issuing_state"], doc["number"])
        merged, local = [], []
        for i in range(RUNS):
            for sample, extra in ((merged, []), (local, ["--local"])):
                t0 = time.monotonic()
                out = run(ADMIN, "--db", db, "stay", "--document", ref, *extra).stdout.decode()
                sample.append((time.monotonic() - t0) * 1000)
                if not extra and "all posts" not in out:
                    raise SystemExit("HQ did not answer: %r" % out)
        for p, name in ((0.5, "e2e_query_p50"), (0.99, "e2e_query_p99")):
            total, base = percentile(merged, p), percentile(local, p)
            emit(name, max(total - base, 0.0), base)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
