"""Shared by the sync fault tests (test_sync.py, test_hq_faults.py,
tests/faults/test_disk_full.py): the ledger that says what was lost,
doubled or half-stored between real desks and a real HQ, and a proxy
that cuts desk-to-HQ connections at chosen points of an exchange.

Stdlib only.
"""

import base64
import collections
import json
import os
import random
import socket
import sqlite3
import ssl
import subprocess
import threading

PSQL = "/usr/lib/postgresql/15/bin/psql"


def hq_rows(store, sql):
    """Rows of @sql in HQ's store: a path to its SQLite file (opened
    read-only, beside a running HQ), or a postgresql:// URL (through
    psql).  Every value comes back as text."""
    if not store.startswith("postgres"):
        con = sqlite3.connect("file:%s?mode=ro" % store, uri=True)
        try:
            return [tuple(None if v is None else str(v) for v in row)
                    for row in con.execute(sql)]
        finally:
            con.close()
    # One row a line, columns split by a unit separator no value holds.
    p = subprocess.run([PSQL, "-X", "-At", "-F", "\x1f", "-d", store, "-c", sql],
                       capture_output=True, text=True, timeout=120, check=True)
    return [tuple(line.split("\x1f")) for line in p.stdout.splitlines()]


def integrity(store):
    """PRAGMA integrity_check of HQ's SQLite file: "ok" when sound."""
    return hq_rows(store, "PRAGMA integrity_check")[0][0]


def payload_of(jws):
    """The decoded payload of a batch: compact JWS as HQ keeps it, or the
    flattened JSON the desk keeps."""
    part = json.loads(jws)["payload"] if jws.startswith("{") else jws.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def crossing_ids(jws):
    return [r["id"] for r in payload_of(jws)["records"] if r["type"] == "crossing"]


def desk_rows(db, sql):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def ledger(store, desk_dbs):
    """Compares HQ's store with the desks' databases (@desk_dbs: paths).

    lost: crossings in batches a desk holds a receipt for that HQ does not
    hold; doubled: copies beyond the first of a crossing in the batches
    HQ stored (HQ's crossings table keys by id, so a crossing carried by
    two batches would hide there); unknown: crossings at HQ no desk made;
    half: crossings at HQ without their batch, or a stored batch's
    crossings missing from HQ's table; unreceipted: batches a desk holds
    a receipt for that HQ does not hold with that hash; pending: records
    the desks still have to send; unsent: crossings the desks made that
    HQ does not hold (pending ones included)."""
    carried = collections.Counter()
    stored = set()
    for desk, epoch, seq, sha, body in hq_rows(
            store, "SELECT desk, epoch, seq, sha256, body FROM batches"):
        stored.add((desk, int(epoch), int(seq), sha))
        carried.update(crossing_ids(body))
    table = {r[0] for r in hq_rows(store, "SELECT id FROM crossings")}
    orphans = int(hq_rows(store, "SELECT COUNT(*) FROM crossings c WHERE NOT EXISTS"
                                 " (SELECT 1 FROM batches b WHERE b.desk = c.desk AND"
                                 " b.epoch = c.epoch AND b.seq = c.seq)")[0][0])
    made, receipted = set(), set()
    unreceipted = unanswered = pending = 0
    for db in desk_dbs:
        made |= {r[0] for r in desk_rows(db, "SELECT uuid FROM crossings"
                                             " WHERE source <> 'imported'")}
        desk = desk_rows(db, "SELECT code || '/' || desk FROM post")[0][0]
        for epoch, seq, sha, jws, receipt in desk_rows(
                db, "SELECT epoch, seq, sha256, jws, receipt IS NOT NULL FROM batches"):
            if receipt:
                unreceipted += (desk, epoch, seq, sha) not in stored
                receipted.update(crossing_ids(jws))
            else:
                unanswered += (desk, epoch, seq, sha) in stored
        pending += desk_rows(db, "SELECT COUNT(*) FROM outbox o LEFT JOIN batches b ON"
                                 " b.epoch = o.batch_epoch AND b.seq = o.batch_seq"
                                 " WHERE b.receipt IS NULL")[0][0]
    return {
        "crossings": len(made), "at_hq": len(table), "lost": len(receipted - table),
        "doubled": sum(n - 1 for n in carried.values()), "unknown": len(table - made),
        "half": orphans + len(set(carried) ^ table), "unreceipted": unreceipted,
        "unanswered": unanswered, "pending": pending, "unsent": len(made - table),
        "batches": len(stored),
    }


def faults(led, settled=True):
    """The ledger's faults as a sentence, "" when there are none; @settled:
    the desks are meant to have sent everything."""
    keys = ("lost", "doubled", "unknown", "half", "unreceipted")
    bad = ["%s %d" % (k, led[k])
           for k in keys + (("pending", "unsent", "unanswered") if settled else ())
           if led[k]]
    return ", ".join(bad)


def serve_connections(sock, handle):
    """Calls @handle with each connection the listening @sock accepts, each
    in a thread of its own, until @sock is closed."""
    def accept():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()


# Where a cut lands in a batch exchange.
PHASES = ("mid-body", "after-request", "after-headers", "mid-response")


class CuttingProxy:
    """A TLS proxy between desks and HQ that cuts POST /v1/batches
    exchanges where it is told.  It ends TLS with HQ's own certificate
    (the desks trust HQ's CA and name its host) and calls HQ with the
    calling desk's certificate (desk.crt and desk.key beside each desk's
    database, in @desk_dirs), so that it cuts at a point of the HTTP
    exchange rather than at a byte offset of ciphertext:

    - mid-body: HQ gets the head and part of the body, then the end of
      the connection; the desk a reset;
    - after-request: the desk's connection is reset once HQ has the whole
      request; HQ stores and answers into the void;
    - after-headers, mid-response: the desk gets HQ's answer head, or
      the head and part of the receipt, then the end of the connection.

    Either side's connection ends without TLS's close_notify, as when a
    link drops: a reset where nothing is left to deliver, else a FIN
    right after the data (a reset could discard it).

    arm(phase, skip): the batch exchange after the next @skip ones is cut
    at @phase; cuts made are counted by phase in @cuts."""

    def __init__(self, hq_dir, hq_port, desk_dirs, seed=1):
        self.hq_dir = hq_dir
        self.hq_port = hq_port
        self.desk_dirs = desk_dirs
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.armed = None
        self.skip = 0
        self.cuts = collections.Counter()
        self.server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.server_ctx.load_cert_chain(os.path.join(hq_dir, "tls.crt"),
                                        os.path.join(hq_dir, "tls.key"))
        self.server_ctx.verify_mode = ssl.CERT_REQUIRED
        self.server_ctx.load_verify_locations(os.path.join(hq_dir, "ca.crt"))
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        serve_connections(self.sock, self.serve)

    def arm(self, phase, skip=0):
        with self.lock:
            self.armed, self.skip = phase, skip

    def close(self):
        self.sock.close()

    def client_context(self, der):
        """A client context with the certificate of the desk that sent @der."""
        for d in self.desk_dirs:
            with open(os.path.join(d, "desk.crt")) as f:
                if ssl.PEM_cert_to_DER_cert(f.read()) == der:
                    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                    ctx.load_verify_locations(os.path.join(self.hq_dir, "ca.crt"))
                    ctx.check_hostname = False
                    ctx.load_cert_chain(os.path.join(d, "desk.crt"), os.path.join(d, "desk.key"))
                    return ctx
        raise ValueError("a certificate of no known desk")

    @staticmethod
    def reset(s):
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            s.close()
        except OSError:
            pass

    @staticmethod
    def hang_up(s):
        try:
            s.shutdown(socket.SHUT_RDWR)
            s.close()
        except OSError:
            pass

    def serve(self, raw):
        socks = [raw]
        try:
            down = self.server_ctx.wrap_socket(raw, server_side=True)
            socks.append(down)
            ctx = self.client_context(down.getpeercert(binary_form=True))
            up = ctx.wrap_socket(socket.create_connection(("127.0.0.1", self.hq_port)))
            socks.append(up)
            self.relay(down, up)
        except (OSError, ssl.SSLError, ValueError):
            pass
        for s in socks:
            self.reset(s)

    @staticmethod
    def read_message(src, buf):
        """One HTTP message from @src, @buf read already: (head, body, rest)."""
        while b"\r\n\r\n" not in buf:
            data = src.recv(65536)
            if not data:
                raise ValueError("closed in the head")
            buf += data
        head, buf = buf.split(b"\r\n\r\n", 1)
        head += b"\r\n\r\n"
        n = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                n = int(value)
        while len(buf) < n:
            data = src.recv(65536)
            if not data:
                raise ValueError("closed in the body")
            buf += data
        return head, buf[:n], buf[n:]

    def take(self, head):
        """The phase at which to cut the exchange that starts with @head."""
        if not head.startswith(b"POST /v1/batches "):
            return None
        with self.lock:
            if self.armed is not None and self.skip > 0:
                self.skip -= 1
                return None
            phase, self.armed = self.armed, None
            if phase is not None:
                self.cuts[phase] += 1
            return phase

    def relay(self, down, up):
        """Exchanges one after the other (curl may keep the connection)."""
        buf = b""
        while True:
            head, body, buf = self.read_message(down, buf)
            phase = self.take(head)
            if phase == "mid-body":
                up.sendall(head + body[:self.rng.randint(1, max(1, len(body) - 1))])
                self.hang_up(up)
                return
            up.sendall(head + body)
            if phase == "after-request":
                self.reset(down)
            rhead, rbody, _ = self.read_message(up, b"")
            if phase == "after-request":
                return
            if phase is not None:
                keep = 0
                if phase == "mid-response":
                    keep = self.rng.randint(1, max(1, len(rbody) - 1))
                down.sendall(rhead + rbody[:keep])
                self.hang_up(down)
                return
            down.sendall(rhead + rbody)
