#!/usr/bin/python3
"""borderdesk-admin reader/finger against libfprint's virtual_image driver,
driven as CONTRACT.md's acceptance checks do: FP_VIRTUAL_IMAGE,
FP_DRIVERS_WHITELIST=virtual_image, G_MESSAGES_DEBUG=libfprint-image_device,
and the next synthetic image sent only when libfprint's debug log says the
device awaits a finger.  Every command is its own process, so templates
must survive restarts.  Prints TAP."""

import json
import os
import re
import select
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

ADMIN = os.environ["BORDERDESK_ADMIN"]
GEN = os.environ["BD_FINGERGEN"]
results = []


def check(cond, what):
    what = " ".join(str(what).split())[:300]   # one TAP line
    results.append((bool(cond), what))
    print("%s %d - %s" % ("ok" if cond else "not ok", len(results), what), flush=True)


class Desk:
    def __init__(self, tmp):
        self.tmp = tmp
        self.db = os.path.join(tmp, "desk.db")
        self.sock = os.path.join(tmp, "virtual-image.sock")
        self.env = dict(os.environ, FP_VIRTUAL_IMAGE=self.sock,
                        FP_DRIVERS_WHITELIST="virtual_image",
                        G_MESSAGES_DEBUG="libfprint-image_device", LC_ALL="C.UTF-8")
        self.env.pop("G_DEBUG", None)

    def image(self, seed, impression):
        path = os.path.join(self.tmp, "f%d-%d.packet" % (seed, impression))
        if not os.path.exists(path):
            subprocess.run([GEN, str(seed), str(impression), "--packet", path], check=True)
        with open(path, "rb") as f:
            return f.read()

    def run(self, args, images=(), timeout=120):
        """Runs the CLI; sends @images (bytes) one per 'awaits a finger'."""
        proc = subprocess.Popen([ADMIN, "--db", self.db] + args, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        images = list(images)
        conn = None
        err = b""
        buf = b""
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 0.2)
            if not ready:
                continue
            chunk = os.read(proc.stderr.fileno(), 65536)
            if not chunk:
                continue
            err += chunk
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if b"to FPI_IMAGE_DEVICE_STATE_AWAIT_FINGER_ON" in line and images:
                    if conn is None:
                        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                        conn.connect(self.sock)
                    conn.sendall(images.pop(0))
        if proc.poll() is None:
            proc.kill()
        out, rest = proc.communicate()
        err += rest
        if conn is not None:
            conn.close()
        doc = None
        try:
            doc = json.loads(out) if out.strip() else None
        except ValueError:
            pass
        return proc.returncode, doc, err.decode(errors="replace")

    def enroll(self, document, seed, finger="right-index-finger"):
        return self.run(["finger", "enroll", "--document", document, "--finger", finger,
                         "--json"], [self.image(seed, i) for i in range(5)])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        d = Desk(tmp)
        rc = subprocess.run([ADMIN, "--db", d.db, "init", "--post", "UTO-ALP", "--post-name",
                             "Alpha", "--desk", "1"], env=d.env, capture_output=True).returncode
        check(rc == 0, "init")
        key = os.path.join(tmp, "data.key")
        check(os.path.exists(key) and os.stat(key).st_mode & 0o777 == 0o600
              and os.path.getsize(key) == 32, "init makes data.key, 32 bytes, 0600")

        rc, doc, err = d.run(["reader", "list", "--json"])
        check(rc == 0 and doc == [{"id": doc[0]["id"], "driver": "virtual_image",
                                   "name": doc[0]["name"], "kind": "image",
                                   "enroll_stages": 5, "identify": True}],
              "reader list --json: %r" % (doc,))
        check("AWAIT_FINGER_ON" not in err, "no capture during reader list")

        rc, doc, err = d.enroll("UTO:L898902C3", 101)
        check(rc == 0 and doc["finger"] == "right-index-finger" and doc["stages"] == 5,
              "enroll an unknown document (rc %d, %r, %s)" % (rc, doc, err[-300:]))
        check("libfprint-image_device-DEBUG" in err,
              "GLib's default log writer still prints libfprint's debug log")
        rows = sqlite3.connect(d.db).execute(
            "SELECT d.issuing_state, d.number FROM documents d").fetchall()
        check(rows == [("UTO", "L898902C3")], "enroll created the document record")
        rc, doc, err = d.enroll("UTO:X1234567", 102)
        check(rc == 0, "enroll a second traveller")

        # A restart later: the genuine finger matches, an impostor does not.
        rc, doc, err = d.run(["finger", "verify", "--document", "UTO:L898902C3", "--json"],
                             [d.image(101, 6)])
        check(rc == 0 and doc["match"] is True, "verify genuine: %r %s" % (doc, err[-200:]))
        rc, doc, err = d.run(["finger", "verify", "--document", "UTO:L898902C3", "--json"],
                             [d.image(103, 6)])
        check(rc == 1 and doc["match"] is False, "verify impostor: rc %d %r" % (rc, doc))

        rc, doc, err = d.run(["finger", "identify", "--json"], [d.image(102, 7)])
        check(rc == 0 and doc["match"] is True and doc["document"] == "UTO:X1234567"
              and doc["finger"] == "right-index-finger", "identify: %r" % (doc,))
        rc, doc, err = d.run(["finger", "identify", "--json"], [d.image(104, 7)])
        check(rc == 1 and doc["match"] is False and doc["document"] is None,
              "identify a stranger: rc %d %r" % (rc, doc))

        rc, doc, err = d.run(["finger", "verify", "--document", "UTO:NOPE123", "--json"])
        check(rc == 2 and "error" in doc, "verify an unknown document: rc %d %r" % (rc, doc))
        rc, doc, err = d.run(["finger", "enroll", "--document", "UTO:L898902C3", "--json"])
        check(rc == 2, "enroll without --finger is bad usage")

        # No template bytes in clear in any database file.
        db = sqlite3.connect(d.db)
        sealed = db.execute("SELECT sealed FROM finger_templates").fetchall()
        check(len(sealed) == 2, "two templates stored")
        db.close()
        raw = b""
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(d.db + suffix):
                with open(d.db + suffix, "rb") as f:
                    raw += f.read()
        # libfprint's serialised prints are GVariants naming their driver and
        # the NBIS minutiae; in clear they would carry these strings.
        check(b"virtual_image" in raw, "the driver column is stored in clear (sanity)")
        # A print in clear starts with its magic, "FP1", and names its driver
        # a few bytes on; three bytes alone turn up in ciphertext by chance.
        plain_print = re.compile(rb"FP1.{0,16}virtual_image", re.S)
        check(raw.count(b"NBIS") == 0 and plain_print.search(raw) is None,
              "no serialised print in clear in the database files")

        # The key must not be readable by others.
        os.chmod(key, 0o644)
        rc, doc, err = d.run(["finger", "verify", "--document", "UTO:L898902C3", "--json"])
        check(rc == 3 and "others" in err and "chmod 600" in err, "a world-readable data.key is refused")
        os.chmod(key, 0o600)

        rc, doc, err = d.run(["finger", "exempt", "--document", "UTO:C0000001", "--kind",
                              "under-12", "--reason", "born 2019", "--consent", "--json"])
        check(rc == 0 and doc["kind"] == "under-12", "exemption recorded")
        rc, doc, err = d.run(["finger", "purge", "--json"])
        check(rc == 0 and doc["purged"] == 0, "nothing acknowledged by HQ: nothing purged")
        rc, out = subprocess.run([ADMIN, "--db", d.db, "audit", "verify"], env=d.env,
                                 capture_output=True).returncode, None
        check(rc == 0, "audit chain verifies after fingerprint events")
    print("1..%d" % len(results))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
