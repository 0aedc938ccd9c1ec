#!/usr/bin/python3
"""Integration tests of borderdesk-hq (CONTRACT.md, DESIGN.md "Sync
protocol, version 1"): the real `serve` on loopback with a throwaway HQ,
curl and openssl s_client as the desks' peers.

  test_hq.py                 the suite on the SQLite store
  test_hq.py --postgresql    the same suite on a PostgreSQL server this
                             script starts in a temporary directory

TAP on stdout; exits non-zero when a test fails.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hqlib  # noqa: E402
from hqlib import HQ, Desk, check, eq, b64u, b64u_decode  # noqa: E402

PG = None


def refused(answer, status, error, what):
    """@answer, a (status, body) pair, is the refusal @status with @error."""
    eq((answer[0], json.loads(answer[1])["error"]), (status, error), what)


def counts(hq):
    r = hq.report()
    return r["crossings"], r["batches"]


def alerts(hq, kind):
    return [a for a in hq.json("alerts") if a["kind"] == kind]


def test_sync_records(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    for i in range(3):
        status, receipt = hq.post(d, d.batch(d.records(100, start=100 * i)))
        eq(status, 200, "batch %d" % (i + 1))
        r = hqlib.verify_receipt(receipt, hq.ca, desk=d.id, seq=i + 1)
        eq(r["records"], 100, "receipt records")
    eq(counts(hq), (300, 3), "crossings and batches")
    rows = hq.report()["rows"]
    eq(sum(r["crossings"] for r in rows), 300, "report rows")
    eq({r["direction"] for r in rows}, {"entry", "exit"}, "directions")
    desks = hq.json("desk", "list")
    eq([(x["id"], x["last_seq"]) for x in desks], [(d.id, 3)], "desk list")
    with open(os.path.join(hq.work, "serve.log")) as f:
        backend = "postgresql" if hq.store else "sqlite"
        check("store=%s" % backend in f.read(), "serve ran on %s" % backend)


def test_sync_again_no_duplicates(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    batches = [d.batch(d.records(50, start=50 * i)) for i in range(3)]
    first = [hq.post(d, b) for b in batches]
    again = [hq.post(d, b) for b in batches]
    eq([s for s, _ in first + again], [200] * 6, "statuses")
    eq([r for _, r in again], [r for _, r in first], "the stored receipts, again")
    eq(counts(hq), (150, 3), "crossings and batches")


def test_tampered_payload(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    jws = json.loads(d.batch(d.records(2), advance=False))
    payload = json.loads(b64u_decode(jws["payload"]))
    payload["records"][0]["decision"] = "refused"
    jws["payload"] = b64u(json.dumps(payload).encode())
    refused(hq.post(d, json.dumps(jws)), 403, "signature", "a tampered payload")
    eq(counts(hq), (0, 0), "nothing stored")


def test_wrong_kid(hq):
    a = Desk(hq, "UTO-ALP/1")
    b = Desk(hq, "UTO-ALP/2")
    hq.start()
    # B's own, valid batch sent over A's connection.
    refused(hq.post(a, b.batch(b.records(2), advance=False)),
            403, "kid", "B's batch over A's cert")
    # A kid that is not the payload's desk.
    refused(hq.post(a, a.batch(a.records(2), kid="UTO-ALP/2", advance=False)),
            400, "invalid", "kid != desk")
    eq(counts(hq), (0, 0), "nothing stored")


def test_revoked_desk(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    eq(hq.post(d, d.batch(d.records(1)))[0], 200, "before revocation")
    hq.cli("desk", "revoke", "--desk", d.id)
    refused(hq.post(d, d.batch(d.records(1, start=1), advance=False)),
            403, "revoked", "after revocation")
    eq(counts(hq), (1, 1), "nothing more stored")
    check(alerts(hq, "revoked-desk"), "an alert for the revoked desk")
    eq(hq.cli("desk", "revoke", "--desk", "UTO-ALP/9", expect=1).returncode, 1, "unknown desk")


def test_other_ca(hq):
    d = Desk(hq, "UTO-ALP/1")
    with hqlib.stranger("UTO-ALP/1") as stranger:
        hq.start()
        status, _ = hq.post(d, stranger.batch(stranger.records(1)), cert=stranger.crt_path,
                            key=stranger.key_path)
        eq(status, 0, "a certificate from another CA fails the handshake")
        eq(hq.post(d, d.batch(d.records(1)))[0], 200, "the real desk still syncs")
        eq(counts(hq), (1, 1), "only the real desk's batch")


def test_no_certificate(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    status, _ = hq.curl(None, "/v1/batches", d.batch(d.records(1), advance=False))
    eq(status, 0, "no certificate: handshake refused")
    eq(counts(hq), (0, 0), "nothing stored")


def s_client(hq, d, *proto):
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % hq.port,
                        "-cert", d.crt_path, "-key", d.key_path, "-CAfile", hq.ca,
                        "-cipher", "DEFAULT@SECLEVEL=0"] + list(proto),
                       input="", capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout + p.stderr


def test_tls_versions(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    rc, out = s_client(hq, d, "-tls1_1")
    # The server's alert, not a client that never offered TLS 1.1.
    check(rc != 0 and "alert protocol version" in out, "TLS 1.1 refused: %s" % out[-400:])
    rc, out = s_client(hq, d, "-tls1_2")
    check("Protocol  : TLSv1.2" in out or "TLSv1.2" in out, "TLS 1.2 accepted: %s" % out[-400:])
    check("ECDHE-ECDSA-AES" in out or "CHACHA20" in out, "an AEAD suite: %s" % out[-400:])
    rc, out = s_client(hq, d, "-tls1_2", "-cipher", "AES128-SHA:@SECLEVEL=0")
    check("Cipher is (NONE)" in out or rc != 0, "CBC without forward secrecy refused")


def test_oversized_body(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    status, _ = hq.post(d, "x" * (9 * 1024 * 1024))
    eq(status, 413, "a 9 MiB body")
    eq(hq.post(d, d.batch(d.records(1)))[0], 200, "then a normal batch")
    eq(counts(hq), (1, 1), "only the normal batch")


def test_malformed(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    for body in ["{not json", "[]", '{"protected":"e30","payload":"e30","signature":""}']:
        status, text = hq.post(d, body)
        eq(status, 400, "status for %r" % body)
        check(json.loads(text)["error"] in ("malformed", "invalid"), "error for %r" % body)
    bad = d.records(1)
    bad[0]["direction"] = "sideways"
    refused(hq.post(d, d.batch(bad, advance=False)), 400, "invalid", "a record off the schema")
    eq(hq.curl(d, "/nowhere")[0], 404, "unknown path")
    eq(counts(hq), (0, 0), "nothing stored")


def test_gap(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    eq(hq.post(d, d.batch(d.records(1)))[0], 200, "seq 1")
    status, text = hq.post(d, d.batch(d.records(1, start=5), seq=3, advance=False))
    eq(status, 409, "seq 3 after 1")
    eq(json.loads(text)["expected_seq"], 2, "expected_seq")
    refused(hq.post(d, d.batch(d.records(1, start=6), prev="1" * 64, advance=False)),
            409, "prev", "a prev that is not seq 1's")
    eq(counts(hq), (1, 1), "only seq 1")


def test_conflict(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    eq(hq.post(d, d.batch(d.records(2)))[0], 200, "seq 1")
    refused(hq.post(d, d.batch(d.records(2, start=10), seq=1, prev=hqlib.ZERO,
                               advance=False)), 409, "conflict", "seq 1 with other records")
    eq(counts(hq), (2, 1), "the first seq 1 only")
    found = alerts(hq, "conflict")
    eq(len(found), 1, "one conflict alert")
    eq(found[0]["desk"], d.id, "alert desk")
    check("conflict" in hq.cli("alerts").stdout, "alerts lists it without --json")


def test_reissue_new_epoch(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    eq(hq.post(d, d.batch(d.records(2)))[0], 200, "epoch 1 seq 1")
    old_crt, old_key = d.crt_path + ".old", d.key_path + ".old"
    os.rename(d.crt_path, old_crt)
    os.rename(d.key_path, old_key)
    old_batch = d.batch(d.records(1, start=50), advance=False)
    d.reissue()
    eq(d.epoch, 2, "new epoch")
    refused(hq.post(d, old_batch, cert=old_crt, key=old_key),
            403, "superseded-certificate", "old certificate")
    refused(hq.post(d, d.batch(d.records(1, start=60), epoch=1, seq=2, advance=False)),
            409, "epoch", "the closed epoch")
    with open(d.crt_path, "rb") as f:
        subject = hqlib.x509.load_pem_x509_certificate(f.read()).subject
    eq([a.value for a in subject.get_attributes_for_oid(hqlib.x509.oid.NameOID.SERIAL_NUMBER)],
       ["2"], "the certificate names its epoch")
    status, receipt = hq.post(d, d.batch(d.records(3, start=70)))
    eq(status, 200, "epoch 2 seq 1")
    eq(hqlib.verify_receipt(receipt, hq.ca)["epoch"], 2, "receipt epoch")
    eq(counts(hq), (5, 2), "both epochs")


def test_audit_backwards(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    eq(hq.post(d, d.batch(d.records(1), audit=40))[0], 200, "audit head 40")
    eq(hq.post(d, d.batch(d.records(1, start=1), audit=12))[0], 200, "audit head 12")
    eq(len(alerts(hq, "audit-backwards")), 1, "an alert for the chain going back")


def test_rate_limit(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start("--rate", "0.5", "--burst", "2")
    statuses = []
    for i in range(3):
        statuses.append(hq.curl(d, "/v1/batches", d.batch(d.records(1, start=i)),
                                extra=["-D", os.path.join(hq.work, "headers")])[0])
    eq(statuses, [200, 200, 429], "statuses")
    with open(os.path.join(hq.work, "headers")) as f:
        check("retry-after:" in f.read().lower(), "Retry-After")
    eq(counts(hq), (2, 2), "two stored")


def test_watchlist(hq):
    d = Desk(hq, "UTO-ALP/1")
    csv = os.path.join(hq.work, "list.csv")
    with open(csv, "w") as f:
        f.write("list,surname,given_names,birth_date,nationality,document_number,"
                "issuing_state,action,reference\n"
                "persons,Doe,John,1970-01-01,UTO,,,deny,P-1\n"
                "documents,,,,,X1234567,UTO,deny,D-1\n")
    hq.cli("watchlist", "import", csv)
    eq(hq.cli("watchlist", "publish").stdout.strip(), "published version 1", "publish")
    hq.cli("watchlist", "remove", "--reference", "P-1")
    eq(hq.cli("watchlist", "publish").stdout.strip(), "published version 2", "publish 2")
    hq.cli("watchlist", "remove", "--reference", "NOPE", expect=1)
    hq.start()
    other = HQ()
    try:
        stranger = Desk(other, "UTO-ALP/1")
        other.start()
        eq(other.curl(stranger, "/v1/watchlist?since=0")[0], 404, "nothing published yet")
        other.cli("watchlist", "export", "--since", "0", "--out",
                  os.path.join(other.work, "x.jws"), expect=1)
    finally:
        other.cleanup()

    def delta(text):
        jws = json.loads(text)
        eq(json.loads(b64u_decode(jws["protected"]))["typ"], "borderdesk-watchlist+jws", "typ")
        return json.loads(b64u_decode(jws["payload"]))

    status, text = hq.curl(d, "/v1/watchlist?since=0")
    eq(status, 200, "since=0")
    p = delta(text)
    eq((p["from"], p["to"], [a["reference"] for a in p["added"]], p["removed"]),
       (0, 2, ["D-1"], []), "the whole list")
    p = delta(hq.curl(d, "/v1/watchlist?since=1")[1])
    eq((p["from"], p["added"], p["removed"]), (1, [], ["P-1"]), "from version 1")
    eq(hq.curl(d, "/v1/watchlist?since=7")[0], 400, "a version HQ never published")
    eq(hq.curl(d, "/v1/watchlist?since=x1")[0], 400, "not a number")
    out = os.path.join(hq.work, "delta.jws")
    hq.cli("watchlist", "export", "--since", "0", "--out", out)
    with open(out) as f:
        eq(delta(f.read())["to"], 2, "exported delta")


def signed_payload(text, typ, ca):
    """The payload of an HQ document after checking it as a desk does."""
    jws = json.loads(text)
    header = json.loads(b64u_decode(jws["protected"]))
    eq(header["typ"], typ, "typ")
    leaf = hqlib.x509.load_der_x509_certificate(hqlib.base64.b64decode(header["x5c"][0]))
    leaf.public_key().verify(b64u_decode(jws["signature"]),
                             (jws["protected"] + "." + jws["payload"]).encode())
    with open(ca, "rb") as f:
        root = hqlib.x509.load_pem_x509_certificate(f.read())
    eq(leaf.issuer, root.subject, "signed under HQ's CA")
    return json.loads(b64u_decode(jws["payload"]))


def test_history_and_open_stays(hq):
    a = Desk(hq, "UTO-ALP/1")
    b = Desk(hq, "UTO-BET/1")
    hq.start()
    entry, refused_one, exit_ = (hqlib.crossing(a.id, 1), hqlib.crossing(a.id, 2),
                                 hqlib.crossing(b.id, 3))
    for c, direction, decision in ((entry, "entry", "admitted"), (refused_one, "entry", "refused"),
                                   (exit_, "exit", "admitted")):
        c["document"]["number"] = "X1234567"
        c["direction"], c["decision"] = direction, decision
    exit_["time"] = "2026-05-09T10:00:00Z"
    eq(hq.post(a, a.batch([entry, refused_one]))[0], 200, "the entry at UTO-ALP/1")
    status, text = hq.curl(a, "/v1/open-stays?since=0")
    p = signed_payload(text, "borderdesk-open-stays+jws", hq.ca)
    eq([(o["document"], o["id"]) for o in p["open"]], [("UTO:X1234567", entry["id"])],
       "in the country after the entry")
    version = p["to"]
    eq(hq.post(b, b.batch([exit_]))[0], 200, "the exit at UTO-BET/1")
    p = signed_payload(hq.curl(b, "/v1/open-stays?since=%d" % version)[1],
                       "borderdesk-open-stays+jws", hq.ca)
    eq((p["from"], p["open"], p["closed"]), (version, [], ["UTO:X1234567"]), "left")
    # An older crossing arriving late does not move the feed.
    late = hqlib.crossing(a.id, 4)
    late["document"]["number"], late["time"] = "X1234567", "2026-04-01T10:00:00Z"
    eq(hq.post(a, a.batch([late]))[0], 200, "a late, older entry")
    p = signed_payload(hq.curl(a, "/v1/open-stays?since=%d" % (version + 1))[1],
                       "borderdesk-open-stays+jws", hq.ca)
    eq((p["open"], p["closed"]), ([], []), "nothing changed")
    eq(hq.curl(a, "/v1/open-stays?since=99")[0], 400, "a version ahead of HQ")

    status, text = hq.curl(a, "/v1/history?document=UTO%3AX1234567")
    eq(status, 200, "history")
    p = signed_payload(text, "borderdesk-history+jws", hq.ca)
    eq([c["id"] for c in p["crossings"]], [late["id"], entry["id"], exit_["id"]],
       "admitted crossings of every desk, oldest first")
    eq(hq.curl(a, "/v1/history?document=nonsense")[0], 400, "not ISSUER:NUMBER")
    eq([c["direction"] for c in hq.json("history", "--document", "UTO:X1234567")["crossings"]],
       ["entry", "entry", "exit"], "history --json")
    with open(os.path.join(hq.work, "serve.log")) as f:
        check("X1234567" not in f.read(), "the document is not in the log")


def test_import_files(hq):
    d = Desk(hq, "UTO-ALP/1")
    files = []
    for i in range(3):
        path = os.path.join(hq.work, "batch-%d.jws" % (i + 1))
        with open(path, "w") as f:
            f.write(d.batch(d.records(10, start=10 * i)))
        files.append(path)
    receipts = os.path.join(hq.work, "receipts")
    # Out of order: the gap refusals are retried once the earlier ones land.
    hq.cli("import", "--receipts", receipts, files[2], files[0], files[1])
    names = sorted(os.listdir(receipts))
    eq(len(names), 3, "one receipt a batch")
    for seq, name in enumerate(names, 1):
        with open(os.path.join(receipts, name)) as f:
            hqlib.verify_receipt(f.read(), hq.ca, desk=d.id, seq=seq)
    hq.cli("import", *files)
    eq(counts(hq), (30, 3), "stored once")
    bad = os.path.join(hq.work, "bad.jws")
    with open(bad, "w") as f:
        f.write(d.batch(d.records(1, start=99), kid="UTO-ALP/2", advance=False))
    p = hq.cli("import", bad, expect=1)
    check("refused" in p.stderr, "the reason on stderr: %r" % p.stderr)


def test_metrics_and_health(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    eq(hq.post(d, d.batch(d.records(4)))[0], 200, "a batch")
    hq.post(d, "{")
    status, text = hq.curl(d, "/metrics")
    eq(status, 200, "metrics")
    check('borderdesk_hq_batches_total{result="stored"} 1' in text, "batches counted")
    check("borderdesk_hq_records_total 4" in text, "records counted")
    check('borderdesk_hq_refusals_total{reason="malformed"} 1' in text, "refusal counted")
    check("borderdesk_hq_batch_seconds_bucket" in text, "latency histogram")
    eq(hq.curl(d, "/healthz"), (200, "ok\n"), "healthz")
    with open(os.path.join(hq.work, "serve.log")) as f:
        log = f.read()
    check("ERIKSSON" not in log and "L0000000" not in log, "no personal data in the log")


def test_sigterm(hq):
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    eq(hq.post(d, d.batch(d.records(1)))[0], 200, "a batch")
    start = time.time()
    eq(hq.stop(signal.SIGTERM), 0, "exit status after SIGTERM")
    check(time.time() - start < 10, "stopped within 10 s")


def tls_context(hq, d):
    import ssl
    ctx = ssl.create_default_context(cafile=hq.ca)
    ctx.load_cert_chain(d.crt_path, d.key_path)
    return ctx


def http_status(tls):
    """The status of the response on @tls, its headers and body read."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = tls.recv(65536)
        check(chunk, "the connection closed before a response")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length:
        body += tls.recv(65536)
    return int(head.split()[1])


def test_connection_cap(hq):
    import socket
    d = Desk(hq, "UTO-ALP/1")
    hq.start("--max-desk-connections", "3")
    ctx = tls_context(hq, d)
    conns = []
    try:
        for _ in range(4):
            tls = ctx.wrap_socket(socket.create_connection(("127.0.0.1", hq.port)),
                                  server_hostname="localhost")
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            conns.append((tls, http_status(tls)))
        eq([s for _, s in conns], [200, 200, 200, 429], "a fourth connection of one desk")
    finally:
        for tls, _ in conns:
            tls.close()
    # Closed connections no longer count.
    deadline = time.time() + 5
    while hq.curl(d, "/healthz")[0] != 200:
        check(time.time() < deadline, "the cap released after the connections closed")
        time.sleep(0.1)


def test_sigterm_in_flight(hq):
    """A batch read before SIGTERM is still stored and answered."""
    import socket
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    body = d.batch(d.records(500)).encode()
    with socket.create_connection(("127.0.0.1", hq.port)) as raw:
        with tls_context(hq, d).wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"POST /v1/batches HTTP/1.1\r\nHost: localhost\r\n"
                        b"Content-Length: %d\r\n\r\n" % len(body) + body)
            hq.proc.send_signal(signal.SIGTERM)
            eq(http_status(tls), 200, "the batch in flight")
    eq(hq.stop(timeout=12), 0, "exit status")
    eq(counts(hq), (500, 1), "stored")


def test_client_gone(hq):
    """Desks that hang up while HQ verifies their batch: HQ stays up,
    the batch is stored at most once, and the desk's retry gets its
    receipt."""
    import socket
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    ctx = tls_context(hq, d)
    for i in range(10):
        body = d.batch(d.records(300, start=300 * i)).encode()
        with socket.create_connection(("127.0.0.1", hq.port)) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(b"POST /v1/batches HTTP/1.1\r\nHost: localhost\r\n"
                            b"Content-Length: %d\r\n\r\n" % len(body) + body)
        status, receipt = hq.post(d, body.decode())
        eq(status, 200, "the retry of batch %d" % (i + 1))
        hqlib.verify_receipt(receipt, hq.ca, desk=d.id, seq=i + 1)
    eq(hq.curl(d, "/healthz")[0], 200, "still up")
    eq(counts(hq), (3000, 10), "each batch once")


def test_usage(hq):
    eq(hqlib.run([hqlib.HQ_BIN, "--dir", hq.dir, "desk"], expect=2).returncode, 2, "usage")
    eq(hqlib.run([hqlib.HQ_BIN, "--dir", hq.dir, "nonsense"], expect=2).returncode, 2, "unknown")
    hqlib.run([hqlib.HQ_BIN, "serve", "--help"], expect=0)
    p = hqlib.run([hqlib.HQ_BIN, "--dir", hq.dir, "init", "--name", "X", "--host", "h"],
                  expect=3)
    check("already" in p.stderr, "init twice refused")
    for name in ("ca.key", "sign.key", "tls.key"):
        eq(os.stat(os.path.join(hq.dir, name)).st_mode & 0o077, 0, name + " mode")


def test_store_suite(hq):
    """The C store suite (tests/test-hq-store.c) on this PostgreSQL."""
    binary = os.environ.get("BORDERDESK_HQ_STORE_TEST", os.path.join(
        os.path.dirname(hqlib.HQ_BIN), "..", "..", "tests", "test-hq-store"))
    env = dict(os.environ, BD_HQ_TEST_STORE=hq.store)
    p = hqlib.run([binary, "--tap"], expect=None, env=env)
    check(p.returncode == 0 and "not ok" not in p.stdout,
          "test-hq-store on PostgreSQL:\n%s%s" % (p.stdout[-1500:], p.stderr[-1500:]))
    check(p.stdout.count("\nok ") >= 7, "every store test ran: %s" % p.stdout)


TESTS = [test_sync_records, test_sync_again_no_duplicates, test_tampered_payload,
         test_wrong_kid, test_revoked_desk, test_other_ca, test_no_certificate,
         test_tls_versions, test_oversized_body, test_malformed, test_gap, test_conflict,
         test_reissue_new_epoch, test_audit_backwards, test_rate_limit, test_watchlist,
         test_history_and_open_stays,
         test_import_files, test_metrics_and_health, test_sigterm, test_sigterm_in_flight, test_connection_cap,
         test_client_gone, test_usage]


def main():
    global PG
    args = sys.argv[1:]
    postgres = "--postgresql" in args
    if postgres and not hqlib.pg_available():
        print("1..0 # SKIP PostgreSQL 15 (initdb) or runuser not installed")
        return 0
    tests = TESTS + ([test_store_suite] if postgres else [])

    def make_hq():
        hq = HQ()
        if PG is not None:
            hq.store = PG.new_database()
        return hq

    if postgres and os.access(hqlib.HQ_BIN, os.X_OK):
        PG = hqlib.Postgres()
    try:
        return hqlib.run_tap(tests, [a for a in args if not a.startswith("--")], make_hq)
    finally:
        if PG is not None:
            PG.stop()


if __name__ == "__main__":
    sys.exit(main())
