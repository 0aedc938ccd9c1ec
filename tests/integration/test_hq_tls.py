#!/usr/bin/python3
"""HQ's TLS as a peer sees it (issue 8, "TLS and network"): sslscan
against the real `serve` on loopback with a throwaway CA, and clients
without a certificate, or with one from another CA, refused before any
HTTP.  sslscan is required: tools/install-deps installs it, and a
missing sslscan fails the test rather than skipping it.

TAP on stdout; exits non-zero when a test fails.
"""

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hqlib  # noqa: E402
from hqlib import HQ, Desk, check, eq  # noqa: E402

# What HQ accepts, and nothing else (docs/security.md, "TLS on HQ").
TLS13 = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}
TLS12 = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
         "ECDHE-ECDSA-CHACHA20-POLY1305"}
WEAK = ("NULL", "ADH", "AECDH", "anon", "EXP", "RC4", "DES", "MD5", "CBC", "PSK", "SRP",
        "IDEA", "SEED", "CAMELLIA", "ARIA")


def sslscan(hq, desk=None):
    """sslscan's XML report of HQ's port, as @desk (its certificate and
    key) when given."""
    binary = shutil.which("sslscan")
    check(binary is not None, "sslscan is not installed (tools/install-deps installs it)")
    argv = [binary, "--xml=-", "--no-colour", "--show-sigs"]
    if desk is not None:
        argv += ["--certs=" + desk.crt_path, "--pk=" + desk.key_path]
    # SIGPIPE ignored as in this process: HQ closes connections that
    # sslscan still writes to (no certificate, refused suites).
    p = subprocess.run(argv + ["127.0.0.1:%d" % hq.port], capture_output=True, text=True,
                       timeout=120, restore_signals=False)
    eq(p.returncode, 0, "sslscan exit status (stderr %r)" % p.stderr[-400:])
    return ET.fromstring(p.stdout).find("ssltest")


def protocols(test):
    return {"%s%s" % (p.get("type"), p.get("version")): p.get("enabled") == "1"
            for p in test.findall("protocol")}


def check_protocols(test, what):
    eq(protocols(test), {"ssl2": False, "ssl3": False, "tls1.0": False, "tls1.1": False,
                         "tls1.2": True, "tls1.3": True}, what + ": protocols")


def test_scan_as_a_desk(hq):
    """With a desk's certificate sslscan completes handshakes, so it lists
    every suite and group HQ accepts."""
    d = Desk(hq, "UTO-ALP/1")
    hq.start()
    start = time.time()
    test = sslscan(hq, d)
    print("# sslscan as a desk: %.1f s" % (time.time() - start))
    check_protocols(test, "as a desk")
    ciphers = test.findall("cipher")
    by_version = {}
    for c in ciphers:
        name = c.get("cipher")
        by_version.setdefault(c.get("sslversion"), set()).add(name)
        print("# accepted %s %s %s bits, key exchange %s %s bits" % (
            c.get("sslversion"), name, c.get("bits"), c.get("curve"), c.get("ecdhebits")))
        check(int(c.get("bits")) >= 128, "%s: %s bits" % (name, c.get("bits")))
        check(not any(w in name for w in WEAK), "a weak suite accepted: %s" % name)
        check(c.get("strength") in ("strong", "acceptable"), "%s: %s" % (name, c.get("strength")))
        if c.get("sslversion") == "TLSv1.2":
            # Forward secrecy and AEAD: ECDHE key exchange, GCM or ChaCha20-Poly1305.
            check(name.startswith("ECDHE-") and ("GCM" in name or "CHACHA20" in name),
                  "TLS 1.2 suite without forward secrecy or AEAD: %s" % name)
        check(int(c.get("ecdhebits") or 0) >= 253, "%s: key exchange of %s bits"
              % (name, c.get("ecdhebits")))
    eq(by_version, {"TLSv1.3": TLS13, "TLSv1.2": TLS12}, "suites accepted")
    groups = test.findall("group")
    check(groups, "sslscan listed the key-exchange groups")
    for g in groups:
        print("# group %s %s %s bits" % (g.get("sslversion"), g.get("name"), g.get("bits")))
        check(int(g.get("bits")) >= 128 and "ffdhe" not in g.get("name"),
              "a weak group: %s (%s bits)" % (g.get("name"), g.get("bits")))
    for h in test.findall("heartbleed"):
        eq(h.get("vulnerable"), "0", "heartbleed over " + h.get("sslversion"))
    reneg = test.find("renegotiation")
    check(reneg is not None and (reneg.get("supported") == "0" or reneg.get("secure") == "1"),
          "renegotiation refused or secure")
    comp = test.find("compression")
    check(comp is None or comp.get("supported") == "0", "no TLS compression")


def test_scan_without_certificate(hq):
    """What anyone on the network sees: the same protocols, no suite
    completes a TLS 1.2 handshake without a client certificate."""
    Desk(hq, "UTO-ALP/1")
    hq.start()
    test = sslscan(hq)
    check_protocols(test, "without a certificate")
    eq({c.get("cipher") for c in test.findall("cipher") if c.get("sslversion") == "TLSv1.2"},
       set(), "TLS 1.2 suites completing without a client certificate")


def context(hq, cert=None, key=None, version=None):
    ctx = ssl.create_default_context(cafile=hq.ca)
    if cert is not None:
        ctx.load_cert_chain(cert, key)
    if version is not None:
        ctx.minimum_version = ctx.maximum_version = version
    return ctx


def attempt(hq, ctx):
    """Connects with @ctx and sends a request; returns (where it failed,
    the bytes received).  In TLS 1.3 the client's side of the handshake
    ends before HQ has checked its certificate, so HQ's refusal (an
    alert) arrives on the first read."""
    raw = socket.create_connection(("127.0.0.1", hq.port), timeout=10)
    try:
        tls = ctx.wrap_socket(raw, server_hostname="localhost")
    except (ssl.SSLError, OSError) as exc:
        raw.close()
        return "handshake: %s" % exc, b""
    data = b""
    try:
        # Read first: a request sent into a connection HQ is closing
        # would meet a reset that hides HQ's alert.
        tls.settimeout(3)
        try:
            data = tls.recv(4096)
        except socket.timeout:
            tls.settimeout(10)
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            data = tls.recv(4096)
        while data:
            chunk = tls.recv(4096)
            if not chunk:
                break
            data += chunk
        return "closed", data
    except (ssl.SSLError, OSError) as exc:
        return "read: %s" % exc, data
    finally:
        tls.close()


def check_refused(hq, ctx, what):
    where, data = attempt(hq, ctx)
    eq(data, b"", what + ": bytes received (%s)" % where)
    print("# %s: %s" % (what, where))
    return where


def test_client_certificates(hq):
    d = Desk(hq, "UTO-ALP/1")
    v12, v13 = ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3
    with hqlib.stranger("UTO-ALP/1") as stranger:
        hq.start()
        for version in (v12, v13):
            name = version.name
            where = check_refused(hq, context(hq, version=version), "no certificate, " + name)
            where_other = check_refused(hq, context(hq, stranger.crt_path, stranger.key_path,
                                                    version), "another CA, " + name)
            # TLS 1.2: the client's handshake itself fails; TLS 1.3: HQ's alert
            # comes on the first read.
            check(where.startswith("handshake" if version == v12 else "read"), where)
            check(("HANDSHAKE_FAILURE" if version == v12 else "CERTIFICATE_REQUIRED") in where,
                  "%s without a certificate: HQ's alert, got %s" % (name, where))
            check("UNKNOWN_CA" in where_other,
                  "%s, another CA: HQ's alert, got %s" % (name, where_other))
    # The same desk, properly certified, is served over both.
    for version in (v12, v13):
        tls = context(hq, d.crt_path, d.key_path, version).wrap_socket(
            socket.create_connection(("127.0.0.1", hq.port), timeout=10),
            server_hostname="localhost")
        with tls:
            eq(tls.version(), {v12: "TLSv1.2", v13: "TLSv1.3"}[version], "version")
            eq(tls.compression(), None, "TLS compression")
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            check(tls.recv(4096).startswith(b"HTTP/1.1 200"), "a desk served over " +
                  version.name)


TESTS = [test_scan_as_a_desk, test_scan_without_certificate, test_client_certificates]


def main():
    return hqlib.run_tap(TESTS, sys.argv[1:], HQ)


if __name__ == "__main__":
    sys.exit(main())
