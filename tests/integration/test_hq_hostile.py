#!/usr/bin/python3
"""Slow and hostile clients against the real `serve` (issue 8, "TLS and
network"): while they do their worst, HQ stays up and answers a
well-behaved desk within BOUND seconds.

  slowloris        desks trickling a head byte a second are closed at the
                   head deadline (--header-timeout), and so are TCP
                   connections that never start TLS; a slow body is not
  big head, body   a head over 16 KiB is refused (400) and closed; a body announced over
                   8 MiB is refused with 413 before it is sent
  desk cap         connections of one desk over --max-desk-connections
                   get 429 and are closed; other desks are unaffected
  global cap       connections over --max-connections are closed before
                   the handshake
  never reads      a client that pipelines requests and never reads its
                   answers is closed after --timeout

Figures go to TAP comments (docs/security.md quotes them).  TAP on
stdout; exits non-zero when a test fails.
"""

import os
import re
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hqlib  # noqa: E402
from hqlib import HQ, Desk, check, eq  # noqa: E402

BOUND = 2.0
HEAD_TIMEOUT = 3


def context(hq, d):
    ctx = ssl.create_default_context(cafile=hq.ca)
    ctx.load_cert_chain(d.crt_path, d.key_path)
    return ctx


def connect(hq, d=None):
    raw = socket.create_connection(("127.0.0.1", hq.port), timeout=10)
    if d is None:
        return raw
    return context(hq, d).wrap_socket(raw, server_hostname="localhost")


def response(sock):
    """(status, head) of the next response on @sock, its body read; (0,
    b"") when the connection closed first."""
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return 0, data
            data += chunk
    except (ssl.SSLError, OSError):
        return 0, data
    head, body = data.split(b"\r\n\r\n", 1)
    m = re.search(rb"(?i)content-length: *(\d+)", head)
    while m and len(body) < int(m.group(1)):
        body += sock.recv(65536)
    return int(head.split()[1]), head


def closed(sock, wait=0.01):
    """True when the peer has closed @sock (end of file or an error)."""
    sock.settimeout(wait)
    try:
        return sock.recv(4096) == b""
    except (socket.timeout, ssl.SSLWantReadError):
        return False
    except (ssl.SSLError, OSError):
        return True


class Probe:
    """The well-behaved desk: a new connection and GET /healthz, timed."""

    def __init__(self, hq, d):
        self.hq, self.d, self.times = hq, d, []

    def __call__(self):
        start = time.monotonic()
        with connect(self.hq, self.d) as tls:
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            status, _ = response(tls)
        took = time.monotonic() - start
        eq(status, 200, "the well-behaved desk's answer")
        check(took < BOUND, "the well-behaved desk waited %.2f s" % took)
        self.times.append(took)

    def report(self, what):
        print("# %s: well-behaved desk, %d requests, slowest %.3f s" %
              (what, len(self.times), max(self.times)))


def serve_log(hq):
    with open(os.path.join(hq.work, "serve.log")) as f:
        return f.read()


def test_slowloris(hq):
    probe = Probe(hq, Desk(hq, "UTO-ALP/99"))
    desks = [Desk(hq, "UTO-ALP/%d" % i) for i in range(1, 5)]
    hq.start("--header-timeout", str(HEAD_TIMEOUT))
    start = time.monotonic()
    slow = []
    for d in desks:
        for _ in range(6):
            tls = connect(hq, d)
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            slow.append(tls)
    idle = [connect(hq) for _ in range(10)]  # TCP, never a TLS byte
    half = []
    for _ in range(5):  # a TLS record header, then nothing
        s = connect(hq)
        s.sendall(b"\x16\x03\x01\x02\x00")
        half.append(s)
    open_at = {}
    while time.monotonic() - start < HEAD_TIMEOUT + 6 and len(open_at) < 39:
        for i, s in enumerate(slow + idle + half):
            if i in open_at:
                continue
            if i < len(slow):
                try:
                    s.sendall(b"X")  # one byte of a header name a second
                except (ssl.SSLError, OSError):
                    open_at[i] = time.monotonic() - start
                    continue
            if closed(s):
                open_at[i] = time.monotonic() - start
        probe()
        time.sleep(max(0, 1 - (time.monotonic() - start) % 1))
    eq(len(open_at), 39, "connections HQ closed (24 slow heads, 10 idle, 5 half handshakes)")
    held = sorted(open_at.values())
    print("# slowloris: 39 connections closed after %.1f to %.1f s (head deadline %d s)"
          % (held[0], held[-1], HEAD_TIMEOUT))
    check(held[0] >= HEAD_TIMEOUT - 0.5, "none closed before the deadline: %.1f s" % held[0])
    # Well before --timeout (30 s), which a byte a second never trips.
    check(held[-1] <= HEAD_TIMEOUT + 4, "all closed at the deadline: %.1f s" % held[-1])
    eq(serve_log(hq).count("reason=header-timeout"), 39, "closes logged")
    probe.report("slowloris")
    for s in slow + idle + half:
        s.close()


def test_slow_body_is_not_a_slow_head(hq):
    """The deadline is for the head: a batch whose body takes longer than
    it (a desk on a slow link) is stored, and the next request on the
    connection has its own deadline from the answer."""
    d = Desk(hq, "UTO-ALP/1")
    hq.start("--header-timeout", "2")
    body = d.batch(d.records(20)).encode()
    with connect(hq, d) as tls:
        tls.sendall(b"POST /v1/batches HTTP/1.1\r\nHost: localhost\r\n"
                    b"Content-Type: application/jose+json\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(body))
        start = time.monotonic()
        step = len(body) // 8 + 1
        for i in range(0, len(body), step):
            tls.sendall(body[i:i + step])
            time.sleep(0.5)
        eq(response(tls)[0], 200, "a batch sent over %.1f s" % (time.monotonic() - start))
        tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        eq(response(tls)[0], 200, "the next request on the connection")
        check(closed(tls, 3.5), "closed at the head deadline after the second answer")
    eq(hq.report()["crossings"], 20, "the batch stored")


def test_big_head_and_body(hq):
    d = Desk(hq, "UTO-ALP/1")
    probe = Probe(hq, Desk(hq, "UTO-ALP/99"))
    hq.start()
    # A head over evhttp's 16 KiB: refused (libevent 2.1 answers 400) and closed.
    with connect(hq, d) as tls:
        tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + b"a" * 20000 +
                    b"\r\n\r\n")
        status, _ = response(tls)
        check(status in (0, 400, 413, 431), "a 20 KiB head: status %d" % status)
        print("# 20 KiB head: status %d, closed" % status)
        check(closed(tls, 2), "a 20 KiB head: connection closed")
    probe()
    # A body announced over 8 MiB: 413 as soon as the head is read.
    with connect(hq, d) as tls:
        start = time.monotonic()
        tls.sendall(b"POST /v1/batches HTTP/1.1\r\nHost: localhost\r\n"
                    b"Content-Type: application/jose+json\r\n"
                    b"Content-Length: %d\r\n\r\n" % (9 * 1024 * 1024) + b"{" * 1024)
        status, _ = response(tls)
        took = time.monotonic() - start
        eq(status, 413, "a 9 MiB body announced, 1 KiB sent")
        print("# 9 MiB body announced: 413 after %.3f s, 1 KiB sent" % took)
        check(took < BOUND, "413 before the body: %.2f s" % took)
    probe()
    eq(hq.post(d, d.batch(d.records(1)))[0], 200, "then a normal batch")
    probe.report("big head and body")


def test_desk_connection_cap(hq):
    d = Desk(hq, "UTO-ALP/1")
    probe = Probe(hq, Desk(hq, "UTO-ALP/99"))
    hq.start("--max-desk-connections", "4")
    conns = [connect(hq, d) for _ in range(10)]
    statuses = []
    for tls in conns:
        tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        statuses.append(response(tls)[0])
    eq(statuses, [200] * 4 + [429] * 6, "ten connections of one desk, cap 4")
    eq([closed(tls, 2) for tls in conns[4:]], [True] * 6, "the refused ones closed")
    eq([closed(tls) for tls in conns[:4]], [False] * 4, "the first four kept")
    probe()
    for tls in conns[:4]:
        tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        eq(response(tls)[0], 200, "the desk's own connections still served")
    for tls in conns:
        tls.close()
    deadline = time.monotonic() + 5
    while hq.curl(d, "/healthz")[0] != 200:
        check(time.monotonic() < deadline, "the cap released")
        time.sleep(0.1)
    probe.report("desk cap")


def test_global_cap(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start("--max-connections", "8", "--header-timeout", str(HEAD_TIMEOUT))
    idle = [connect(hq) for _ in range(8)]
    time.sleep(0.2)
    start = time.monotonic()
    try:
        with connect(hq, d) as tls:
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            status = response(tls)[0]
    except (ssl.SSLError, OSError):
        status = 0
    eq(status, 0, "a ninth connection over a cap of 8")
    check(time.monotonic() - start < BOUND, "refused at once")
    check("reason=max-connections" in serve_log(hq), "the refusal logged")
    # The idle ones go at the head deadline, and the desk is served again.
    deadline = time.monotonic() + HEAD_TIMEOUT + 3
    while hq.curl(d, "/healthz")[0] != 200:
        check(time.monotonic() < deadline, "served again once the idle connections went")
        time.sleep(0.2)
    eq([closed(s, 1) for s in idle], [True] * 8, "idle connections closed")
    print("# global cap 8: the ninth refused; served again %.1f s later"
          % (time.monotonic() - start))


def test_never_reads(hq):
    d = Desk(hq, "UTO-ALP/1")
    probe = Probe(hq, Desk(hq, "UTO-ALP/99"))
    hq.start("--timeout", "3", "--header-timeout", str(HEAD_TIMEOUT))
    tls = connect(hq, d)
    tls.settimeout(1)
    start = time.monotonic()
    sent, gone = 0, None
    request = b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n" * 64
    while time.monotonic() - start < 30:
        try:
            tls.sendall(request)
            sent += 64
        except socket.timeout:
            pass  # our side is full too: HQ stopped reading
        except (ssl.SSLError, OSError):
            gone = time.monotonic() - start
            break
        probe()
        time.sleep(0.1)
    tls.close()
    check(gone is not None, "HQ closed a connection that never reads (sent %d requests)" % sent)
    print("# never reads: %d requests pipelined, closed after %.1f s (--timeout 3)"
          % (sent, gone))
    probe.report("never reads")
    eq(hq.curl(d, "/healthz")[0], 200, "the same desk, reading, is served")


TESTS = [test_slowloris, test_slow_body_is_not_a_slow_head, test_big_head_and_body, test_desk_connection_cap, test_global_cap,
         test_never_reads]


def main():
    return hqlib.run_tap(TESTS, sys.argv[1:], HQ)


if __name__ == "__main__":
    sys.exit(main())
