#!/usr/bin/python3
"""HQ benchmarks (bench/run ingest, bench/run desks), against the real
borderdesk-hq serve on loopback; the load comes from bd-bench-hq-load.

  ingest  records/s end to end (batching, signing, TLS, verification,
          store) beside the raw insert rate of the same store measured in
          the same run: SQLite, then PostgreSQL (a server started in a
          temporary directory, skipped without initdb).
  desks   500 desks at once against one HQ (SQLite): errors, p50/p99
          batch latency.

Usage: hq.py BUILD_DIR ingest|desks...   JSON lines on stdout.
"""

import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

BUILD = os.path.abspath(sys.argv[1])
os.environ.setdefault("BORDERDESK_HQ", os.path.join(BUILD, "src", "hq", "borderdesk-hq"))
import hqlib  # noqa: E402

LOAD = os.path.join(BUILD, "bench", "bd-bench-hq-load")
INGEST_DESKS = int(os.environ.get("BD_BENCH_INGEST_DESKS", "4"))
INGEST_BATCHES = int(os.environ.get("BD_BENCH_INGEST_BATCHES", "10"))
RECORDS = 500
DESKS = int(os.environ.get("BD_BENCH_DESKS", "500"))
# A sync round: every desk sends what it registered since the last one.
DESK_BATCHES = int(os.environ.get("BD_BENCH_DESK_BATCHES", "2"))
DESK_RECORDS = int(os.environ.get("BD_BENCH_DESK_RECORDS", "20"))


def make_desks(hq, n):
    d = os.path.join(hq.work, "desks")
    os.makedirs(d)
    for i in range(n):
        desk = hqlib.Desk(hq, "BENCH-%d/%d" % (i // 1000, i % 1000 + 1))
        os.symlink(desk.key_path, os.path.join(d, "desk-%d.key" % i))
        os.symlink(desk.crt_path, os.path.join(d, "desk-%d.crt" % i))
    return d


def raw_rate(url, n):
    p = hqlib.run([LOAD, "raw", "--store", url, "--records", str(n)])
    return float(p.stdout.strip())


def load(hq, bench, prefix, desks_dir, desks, batches, records, baseline=0.0):
    argv = [LOAD, "load", "--bench", bench, "--metric-prefix", prefix, "--port", str(hq.port),
            "--ca", hq.ca, "--desks-dir", desks_dir, "--desks", str(desks), "--batches",
            str(batches), "--records", str(records)]
    if baseline:
        argv += ["--baseline", "%.1f" % baseline]
    return subprocess.run(argv, timeout=1800).returncode


def server_side(hq, bench, prefix):
    """HQ's own view from its log: request in to answer out, per batch
    (what a desk's latency is once the shared CPU's queueing is out)."""
    with open(os.path.join(hq.work, "serve.log")) as f:
        ms = sorted(float(m) for m in re.findall(r"event=batch .* ms=([0-9.]+)", f.read()))
    for q, name in ((0.5, "p50"), (0.99, "p99")):
        value = ms[min(len(ms) - 1, int(q * (len(ms) - 1) + 0.5))] if ms else 0
        print(json.dumps({"bench": bench, "metric": "%s_server_batch_%s" % (prefix, name),
                          "value": round(value, 3), "unit": "ms"}), flush=True)
        print("%-10s %-34s %12.4g ms" % (bench, "%s_server_batch_%s" % (prefix, name), value),
              file=sys.stderr)


def ingest_one(label, store_url=None):
    hq = hqlib.HQ(name="Bench")
    try:
        hq.store = store_url
        desks_dir = make_desks(hq, INGEST_DESKS)
        raw_url = store_url or "sqlite:" + os.path.join(hq.work, "raw.db")
        raw = raw_rate(raw_url, INGEST_DESKS * INGEST_BATCHES * RECORDS)
        hq.start()
        status = load(hq, "ingest", label, desks_dir, INGEST_DESKS, INGEST_BATCHES, RECORDS, raw)
        server_side(hq, "ingest", label)
        return status
    finally:
        hq.cleanup()


def ingest():
    status = ingest_one("sqlite")
    if not hqlib.pg_available():
        print("ingest: PostgreSQL not installed, skipped", file=sys.stderr)
        return status
    pg = hqlib.Postgres()
    try:
        return ingest_one("postgresql", pg.new_database()) or status
    finally:
        pg.stop()


def desks():
    hq = hqlib.HQ(name="Bench")
    try:
        desks_dir = make_desks(hq, DESKS)
        hq.start()
        status = load(hq, "desks", "desks_%d" % DESKS, desks_dir, DESKS, DESK_BATCHES,
                      DESK_RECORDS)
        server_side(hq, "desks", "desks_%d" % DESKS)
        return status
    finally:
        hq.cleanup()


def main():
    status = 0
    for name in sys.argv[2:]:
        status = {"ingest": ingest, "desks": desks}[name]() or status
    return status


if __name__ == "__main__":
    sys.exit(main())
