#!/usr/bin/python3
"""Faults around borderdesk-hq, 20 times each (ISSUE 5, TESTING.md
"Faults"): HQ killed with SIGKILL in the middle of a batch; the connection
cut in the middle of the body by a small proxy; then the desk sends again
until it holds a receipt, and HQ must hold every record exactly once.
Two HQ nodes on one PostgreSQL, the same batches offered to both at once:
no duplicates, no gaps; PostgreSQL restarted three times while real desks
(borderdesk-admin) sync through HQ: HQ answers 503 and reconnects, the
desks send again, nothing is lost or doubled (both skipped without
PostgreSQL).

TAP on stdout; exits non-zero when a test fails.
"""

import os
import random
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib  # noqa: E402
import hqlib  # noqa: E402
import test_sync  # noqa: E402
from hqlib import HQ, Desk, Failure, check, eq  # noqa: E402

ROUNDS = 20
RECORDS = 500


def send_until_receipt(hq, desk, body, seq, port=None, tries=30):
    """What the desk does: send again until a receipt for @seq verifies."""
    for _ in range(tries):
        status, text = hq.curl(desk, "/v1/batches", body, port=port)
        if status == 200:
            hqlib.verify_receipt(text, hq.ca, desk=desk.id, seq=seq)
            return
        time.sleep(0.05)
    raise Failure("seq %d: no receipt after %d tries (last %d %s)" % (seq, tries, status, text))


def exactly_once(hq, desks, batches):
    report = hq.report()
    eq(report["crossings"], batches * RECORDS, "crossings")
    eq(report["records"], batches * RECORDS, "records in stored batches")
    eq(report["batches"], batches, "batches")
    seqs = {d["id"]: d["last_seq"] for d in hq.json("desk", "list")}
    eq(seqs, {d.id: d.seq for d in desks}, "last seq per desk")


def test_sigkill_mid_batch(hq):
    d = Desk(hq, "UTO-ALP/1")
    rng = random.Random(5)
    cut = 0
    for i in range(ROUNDS):
        hq.start()
        body = d.batch(d.records(RECORDS, start=RECORDS * i))
        path = os.path.join(hq.work, "batch.jws")
        with open(path, "w") as f:
            f.write(body)
        bg = hqlib.subprocess.Popen(
            ["curl", "-sS", "--cacert", hq.ca, "--cert", d.crt_path, "--key", d.key_path,
             "-o", "/dev/null", "--data-binary", "@" + path, hq.url("/v1/batches")],
            stdout=hqlib.subprocess.DEVNULL, stderr=hqlib.subprocess.DEVNULL)
        # From before the body is read to after the commit: some rounds
        # die in the middle of the transaction, some just after it.
        time.sleep(rng.uniform(0, 0.1))
        hq.stop(signal.SIGKILL)
        cut += bg.wait(timeout=60) != 0
        hq.start()
        send_until_receipt(hq, d, body, d.seq)
        hq.stop()
    print("# %d of %d rounds killed before the receipt" % (cut, ROUNDS))
    exactly_once(hq, [d], ROUNDS)


class CuttingProxy:
    """Forwards TCP to HQ and cuts both sides once @limit bytes went
    upstream."""

    def __init__(self, port):
        self.target = port
        self.limit = None
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        faultlib.serve_connections(self.sock, self.connect)

    def connect(self, client):
        upstream = socket.create_connection(("127.0.0.1", self.target))
        threading.Thread(target=self.pump, args=(upstream, client, None), daemon=True).start()
        self.pump(client, upstream, self.limit)

    @staticmethod
    def pump(src, dst, limit):
        sent = 0
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                if limit is not None and sent + len(data) >= limit:
                    dst.sendall(data[:limit - sent])
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.sock.close()


def test_connection_cut_mid_body(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    proxy = CuttingProxy(hq.port)
    rng = random.Random(7)
    try:
        for i in range(ROUNDS):
            body = d.batch(d.records(RECORDS, start=RECORDS * i))
            proxy.limit = rng.randint(2000, len(body))
            status, _ = hq.curl(d, "/v1/batches", body, port=proxy.port)
            check(status != 200, "round %d: a cut request got a receipt" % i)
            send_until_receipt(hq, d, body, d.seq)
    finally:
        proxy.close()
    exactly_once(hq, [d], ROUNDS)


def test_two_nodes_one_postgresql(hq):
    if not hqlib.pg_available():
        raise hqlib.Skip("PostgreSQL 15 (initdb) or runuser not installed")
    pg = hqlib.Postgres()
    procs = []
    try:
        hq.store = pg.new_database()
        desks = [Desk(hq, "UTO-ALP/%d" % (i + 1)) for i in range(6)]
        nodes = [hq.spawn(log="node%d.log" % n) for n in range(2)]
        procs = [p for p, _, _ in nodes]
        ports = [port for _, port, _ in nodes]
        errors = []

        def desk_main(k, desk):
            try:
                for i in range(ROUNDS // 2):
                    body = desk.batch(desk.records(RECORDS // 10, start=1000 * k + 50 * i))
                    # The same batch offered to both nodes at once: one
                    # stores it, the other answers with the same receipt.
                    results = [None, None]

                    def offer(n):
                        results[n] = hq.curl(desk, "/v1/batches", body, port=ports[n])

                    ts = [threading.Thread(target=offer, args=(n,)) for n in range(2)]
                    for t in ts:
                        t.start()
                    for t in ts:
                        t.join()
                    eq([s for s, _ in results], [200, 200], "%s seq %d" % (desk.id, desk.seq))
                    eq(results[0][1], results[1][1], "one receipt")
            except Exception as exc:  # noqa: BLE001
                errors.append("%s: %s" % (desk.id, exc))

        threads = [threading.Thread(target=desk_main, args=(k, d)) for k, d in enumerate(desks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(not errors, "; ".join(errors))
        report = hq.report()
        eq(report["batches"], 6 * (ROUNDS // 2), "batches")
        eq(report["crossings"], 6 * (ROUNDS // 2) * (RECORDS // 10), "crossings, each once")
        eq({x["id"]: x["last_seq"] for x in hq.json("desk", "list")},
           {d.id: ROUNDS // 2 for d in desks}, "no gaps")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=15)
            p.stdout.close()
        pg.stop()


def test_postgresql_restarted_mid_ingest(hq):
    """Four desks sync in a loop, 300 new crossings a round, while
    PostgreSQL is restarted under HQ (fast shutdown: sessions ended,
    open transactions rolled back) BD_PG_RESTARTS times (default 3)."""
    if not hqlib.pg_available():
        raise hqlib.Skip("PostgreSQL 15 (initdb) or runuser not installed")
    restarts = int(os.environ.get("BD_PG_RESTARTS", "3"))
    pg = hqlib.Postgres()
    t = test_sync.Case("pg-restart")
    desks = ["d%d" % (k + 1) for k in range(4)]
    dbs = [os.path.join(t.dir, d, "desk.db") for d in desks]
    try:
        t.store = pg.new_database()
        t.init_hq()
        for k, d in enumerate(desks):
            t.desk(d, number=k + 1, crossings=1500, seed=k + 1)
        t.start_hq()
        done = threading.Event()
        refusals = {d: [] for d in desks}
        errors = []

        def desk_main(k, d):
            try:
                n = 0
                while not done.is_set():
                    n += 1
                    rc, _, err = t.admin(d, "sync", expect=None)
                    if rc != 0:
                        refusals[d].append(err.strip())
                        time.sleep(0.2)
                        continue
                    t.admin(d, "demo", "seed", "--crossings", "300", "--travellers", "60",
                            "--seed", str(100 * k + n))
            except Exception as exc:  # noqa: BLE001
                errors.append("%s: %s" % (d, exc))

        threads = [threading.Thread(target=desk_main, args=(k, d))
                   for k, d in enumerate(desks)]
        for th in threads:
            th.start()
        try:
            for _ in range(restarts):
                time.sleep(0.5)
                # In the middle of an ingest: once one of HQ's sessions is
                # inside a transaction.
                deadline = time.time() + 60
                while not hqlib.run([faultlib.PSQL, "-X", "-At", "-d", t.store, "-c",
                                     "SELECT pid FROM pg_stat_activity WHERE datname ="
                                     " current_database() AND pid <> pg_backend_pid() AND"
                                     " state IN ('active', 'idle in transaction')"]).stdout:
                    check(not errors, "; ".join(errors))
                    check(time.time() < deadline, "HQ stored nothing for 60 s after a restart")
                pg.restart()
                check(t.server.poll() is None, "HQ exited when PostgreSQL restarted")
            time.sleep(1.0)
        finally:
            done.set()
            for th in threads:
                th.join()
        check(not errors, "; ".join(errors))
        seen = [e for r in refusals.values() for e in r]
        check(seen, "no desk noticed the restarts: they hit no sync")
        # Batches, and the feeds fetched after them: 503, said in one line.
        for e in seen:
            check(len(e.splitlines()) == 1 and "HTTP 503" in e,
                  "a desk's reason while PostgreSQL restarted: %r" % e)
        check(any("try again later" in e for e in seen), "no batch met a restart: %r" % seen)
        # The desks send what is left, as their next rounds would.
        for d in desks:
            t.admin(d, "sync")
        check(t.server.poll() is None, "HQ exited")
        with open(os.path.join(t.dir, "hq.log")) as f:
            log = f.read()
        check("event=store state=unavailable" in log and "event=store state=ok" in log,
              "HQ's log does not tell the outage and the recovery:\n" + log[-1500:])
        led = faultlib.ledger(t.store, dbs)
        bad = faultlib.faults(led)
        check(not bad, "after %d restarts: %s (%r)" % (restarts, bad, led))
        print("# %d restarts: %d crossings in %d batches from %d desks, %d syncs refused "
              "(503), lost %d, doubled %d, pending %d"
              % (restarts, led["at_hq"], led["batches"], len(desks), len(seen),
                 led["lost"] + led["unsent"], led["doubled"], led["pending"]))
    finally:
        t.cleanup()
        pg.stop()


TESTS = [test_sigkill_mid_batch, test_connection_cut_mid_body, test_two_nodes_one_postgresql,
         test_postgresql_restarted_mid_ingest]


def main():
    return hqlib.run_tap(TESTS, sys.argv[1:], HQ)


if __name__ == "__main__":
    sys.exit(main())
