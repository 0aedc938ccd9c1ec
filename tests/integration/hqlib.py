"""Shared by the borderdesk-hq tests and benchmarks: a throwaway HQ
directory, desks with keys and certificates, signed batches, a real
`serve` on loopback, curl as the client, and a PostgreSQL server in a
temporary directory.

Stdlib plus Debian's python3-cryptography (Ed25519 signing, receipt
checks).  $BORDERDESK_HQ is the binary, else the one in ../../_build.
"""

import base64
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import sys
import time
import traceback
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

HERE = os.path.dirname(os.path.abspath(__file__))
HQ_BIN = os.environ.get("BORDERDESK_HQ",
                        os.path.join(HERE, "..", "..", "_build", "src", "hq", "borderdesk-hq"))
ZERO = "0" * 64
PG_BIN = "/usr/lib/postgresql/15/bin"


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def eq(actual, expected, what):
    if actual != expected:
        raise Failure("%s: expected %r, got %r" % (what, expected, actual))


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def run(argv, expect=0, timeout=120, stdin=None, env=None):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, input=stdin,
                       env=env)
    if expect is not None and p.returncode != expect:
        raise Failure("%s: exit %d (expected %d)\nstdout: %s\nstderr: %s"
                      % (" ".join(argv), p.returncode, expect, p.stdout[-2000:],
                         p.stderr[-2000:]))
    return p


def crossing(desk, n, day="2026-05-01"):
    post = desk.split("/")[0]
    return {
        "type": "crossing", "id": str(uuid.uuid4()),
        "time": "%sT%02d:%02d:%02dZ" % (day, (n // 3600) % 24, (n // 60) % 60, n % 60),
        "direction": "entry" if n % 2 == 0 else "exit",
        "decision": "admitted", "shift": 1, "officer": "g1", "post": post, "desk": desk,
        "document": {"code": "P", "issuing_state": "UTO", "number": "L%07d" % n,
                     "expiry": "2030-01-01"},
        "traveller": {"surname": "ERIKSSON", "given_names": "ANNA MARIA",
                      "nationality": "UTO", "birth_date": "1974-08-12", "sex": "F"},
        "refusal_reasons": [], "source": "mrz-reader", "vulnerability": "", "override_by": None,
    }


class Desk:
    """A desk: its Ed25519 key (PEM, 0600), certificate from HQ, and its
    batch chain (epoch, seq, prev)."""

    def __init__(self, hq, desk_id, issue=True):
        self.hq = hq
        self.id = desk_id
        safe = desk_id.replace("/", "_")
        self.key_path = os.path.join(hq.work, safe + ".key")
        self.csr_path = os.path.join(hq.work, safe + ".csr")
        self.crt_path = os.path.join(hq.work, safe + ".crt")
        self.epoch = 0
        self.seq = 0
        self.prev = ZERO
        self.audit = 0
        if issue:
            self.reissue()

    def reissue(self):
        self.key = ed25519.Ed25519PrivateKey.generate()
        with open(os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                  "wb") as f:
            f.write(self.key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(
            [x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, self.id)])).sign(self.key, None)
        with open(self.csr_path, "wb") as f:
            f.write(csr.public_bytes(serialization.Encoding.PEM))
        out = self.hq.cli("desk", "issue", "--csr", self.csr_path, "--out", self.crt_path).stdout
        self.epoch = int(out.split("(epoch ")[1].split(")")[0])
        self.seq = 0
        self.prev = ZERO

    def batch(self, records, seq=None, prev=None, epoch=None, kid=None, audit=None,
              advance=True):
        """A signed batch (flattened JWS text) of @records after the desk's
        last one; @advance: count it as sent."""
        seq = self.seq + 1 if seq is None else seq
        self.audit = self.audit + len(records) if audit is None else audit
        payload = json.dumps({
            "desk": self.id, "epoch": self.epoch if epoch is None else epoch, "seq": seq,
            "prev": self.prev if prev is None else prev, "created": "2026-05-01T12:00:00Z",
            "audit_head": {"seq": self.audit, "hash": hashlib.sha256(
                str(self.audit).encode()).hexdigest()},
            "records": records,
        }, separators=(",", ":")).encode()
        text = sign(self.key, kid or self.id, "borderdesk-batch+jws", payload)
        if advance:
            self.seq = seq
            self.prev = hashlib.sha256(payload).hexdigest()
        return text

    def records(self, n, start=0):
        return [crossing(self.id, start + i) for i in range(n)]


@contextlib.contextmanager
def stranger(desk_id):
    """A desk @desk_id certified by another HQ's CA: a throwaway HQ,
    removed after."""
    other = HQ(name="Other")
    try:
        yield Desk(other, desk_id)
    finally:
        other.cleanup()


def sign(key, kid, typ, payload):
    header = json.dumps({"alg": "EdDSA", "kid": kid, "typ": typ}, separators=(",", ":"))
    signing_input = b64u(header.encode()) + "." + b64u(payload)
    sig = key.sign(signing_input.encode())
    return json.dumps({"protected": b64u(header.encode()), "payload": b64u(payload),
                       "signature": b64u(sig)})


def verify_receipt(text, ca_path, desk=None, seq=None):
    """Checks a receipt as a desk must: x5c leaf chains to the CA (P-256
    signature), carries id-kp-documentSigning, and signed the JWS."""
    jws = json.loads(text)
    header = json.loads(b64u_decode(jws["protected"]))
    eq(header["alg"], "EdDSA", "receipt alg")
    eq(header["typ"], "borderdesk-receipt+jws", "receipt typ")
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    with open(ca_path, "rb") as f:
        ca = x509.load_pem_x509_certificate(f.read())
    ca.public_key().verify(leaf.signature, leaf.tbs_certificate_bytes,
                           ec.ECDSA(leaf.signature_hash_algorithm))
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    check(any(o.dotted_string == "1.3.6.1.5.5.7.3.36" for o in eku), "receipt EKU")
    leaf.public_key().verify(b64u_decode(jws["signature"]),
                             (jws["protected"] + "." + jws["payload"]).encode())
    payload = json.loads(b64u_decode(jws["payload"]))
    if desk is not None:
        eq(payload["desk"], desk, "receipt desk")
    if seq is not None:
        eq(payload["seq"], seq, "receipt seq")
    return payload


class HQ:
    """A throwaway HQ directory, and `serve` when started."""

    def __init__(self, name="Test HQ", host="localhost"):
        self.work = tempfile.mkdtemp(prefix="bd-hq-test-")
        self.dir = os.path.join(self.work, "hq")
        self.proc = None
        self.port = None
        self.store = None
        self.cli("init", "--name", name, "--host", host)
        self.ca = os.path.join(self.dir, "ca.crt")

    def cli(self, *args, expect=0, store=True):
        argv = [HQ_BIN, "--dir", self.dir] + list(args)
        if store and self.store and args[0] in ("desk", "import", "alerts", "report",
                                                 "watchlist", "history"):
            argv += ["--store", self.store]
        return run(argv, expect=expect)

    def json(self, *args):
        return json.loads(self.cli(*args, "--json").stdout)

    def spawn(self, *extra, store=None, listen="127.0.0.1:0", log="serve.log"):
        """Starts one `serve`; returns (process, port, log file)."""
        argv = [HQ_BIN, "--dir", self.dir, "serve", "--listen", listen]
        if store or self.store:
            argv += ["--store", store or self.store]
        logf = open(os.path.join(self.work, log), "ab")
        proc = subprocess.Popen(argv + list(extra), stdout=subprocess.PIPE, stderr=logf)
        line = proc.stdout.readline().decode()
        check(line.startswith("listening on "), "serve printed %r" % line)
        return proc, int(line.strip().rsplit(":", 1)[1]), logf

    def start(self, *extra, **kw):
        self.proc, self.port, self.log = self.spawn(*extra, **kw)
        return self.proc

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
            self.log.close()
            self.proc = None
        return rc

    def url(self, path):
        return "https://localhost:%d%s" % (self.port, path)

    def curl(self, desk, path, body=None, cert=None, key=None, extra=(), port=None):
        """(status, body) as curl sees them; status 0 when TLS failed."""
        # Files of its own: desks call from several threads at once.
        fd, out = tempfile.mkstemp(dir=self.work, suffix=".out")
        os.close(fd)
        argv = ["curl", "-sS", "--max-time", "60", "--cacert", self.ca, "-o", out,
                "-w", "%{http_code}"]
        if desk is not None or cert is not None:
            argv += ["--cert", cert or desk.crt_path, "--key", key or desk.key_path]
        if body is not None:
            fd, path_body = tempfile.mkstemp(dir=self.work, suffix=".jws")
            with os.fdopen(fd, "w") as f:
                f.write(body)
            argv += ["-H", "Content-Type: application/jose+json",
                     "--data-binary", "@" + path_body]
        url = self.url(path) if port is None else "https://localhost:%d%s" % (port, path)
        p = subprocess.run(argv + list(extra) + [url], capture_output=True, text=True,
                           timeout=90)
        if body is not None:
            os.unlink(path_body)
        status = int(p.stdout or "0")
        text = ""
        if os.path.exists(out):
            with open(out) as f:
                text = f.read()
            os.unlink(out)
        return status, text

    def post(self, desk, body, **kw):
        return self.curl(desk, "/v1/batches", body, **kw)

    def report(self):
        return self.json("report")

    def cleanup(self):
        self.stop(signal.SIGKILL)
        shutil.rmtree(self.work, ignore_errors=True)


class Postgres:
    """A PostgreSQL 15 server in a temporary directory, on a Unix socket,
    run as an unprivileged user (nobody when we are root)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bd-pg-")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        self.port = 54000 + os.getpid() % 1000
        self.user = []
        if os.getuid() == 0:
            shutil.chown(self.dir, "nobody", "nogroup")
            self.user = ["runuser", "-u", "nobody", "--"]
        run(self.user + [PG_BIN + "/initdb", "-D", self.data, "-A", "trust", "-U", "hq",
                         "--no-sync"], timeout=180)
        self.start()
        self.n = 0

    def start(self):
        with open(os.path.join(self.dir, "pg.log"), "ab") as log:
            self.proc = subprocess.Popen(
                self.user + [PG_BIN + "/postgres", "-D", self.data, "-k", self.dir, "-p",
                             str(self.port), "-c", "listen_addresses=", "-c",
                             "max_connections=300", "-c", "fsync=on"],
                stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.time() + 60
        while run([PG_BIN + "/pg_isready", "-h", self.dir, "-p", str(self.port)],
                  expect=None).returncode != 0:
            check(time.time() < deadline and self.proc.poll() is None, "postgres did not start")
            time.sleep(0.05)

    def shutdown(self):
        """A fast shutdown: every session is ended and open transactions
        are rolled back.  By pg_ctl, which signals the postmaster itself
        (runuser, its parent here, would not pass a SIGINT on)."""
        if self.proc.poll() is None:
            run(self.user + [PG_BIN + "/pg_ctl", "stop", "-D", self.data, "-m", "fast", "-w"],
                expect=None, timeout=60)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def restart(self):
        self.shutdown()
        self.start()

    def new_database(self):
        """A fresh database's URL."""
        self.n += 1
        name = "hq%d" % self.n
        run(self.user + [PG_BIN + "/../bin/createdb", "-h", self.dir, "-p", str(self.port),
                         "-U", "hq", name])
        return "postgresql://hq@/%s?host=%s&port=%d" % (name, self.dir, self.port)

    def stop(self):
        self.shutdown()
        shutil.rmtree(self.dir, ignore_errors=True)


def pg_available():
    return os.access(PG_BIN + "/initdb", os.X_OK) and (
        os.getuid() != 0 or shutil.which("runuser") is not None)


def run_tap(tests, only, make_hq):
    """Runs each test function with a fresh HQ from @make_hq (@only: names
    to keep), printing TAP; returns the exit status."""
    if not os.access(HQ_BIN, os.X_OK):
        print("1..0 # SKIP borderdesk-hq not found at %s" % HQ_BIN)
        return 0
    tests = [f for f in tests if not only or f.__name__ in only]
    print("1..%d" % len(tests))
    sys.stdout.flush()
    failed = 0
    for n, fn in enumerate(tests, 1):
        hq = make_hq()
        try:
            fn(hq)
        except Skip as exc:
            print("ok %d - %s # SKIP %s" % (n, fn.__name__, exc))
        except Exception as exc:  # noqa: BLE001 - every failure becomes TAP
            failed += 1
            print("not ok %d - %s" % (n, fn.__name__))
            msg = str(exc) if isinstance(exc, Failure) else "".join(
                traceback.format_exception(type(exc), exc, exc.__traceback__))
            for line in msg.splitlines():
                print("# " + line)
            log = os.path.join(hq.work, "serve.log")
            if os.path.exists(log):
                with open(log) as f:
                    for line in f.read().splitlines()[-5:]:
                        print("#   serve: " + line)
        else:
            print("ok %d - %s" % (n, fn.__name__))
        finally:
            hq.cleanup()
        sys.stdout.flush()
    print("# %d passed, %d failed" % (len(tests) - failed, failed))
    return 1 if failed else 0
