#!/usr/bin/python3
"""End-to-end test of the borderdesk desk app through AT-SPI (issue 3, "Tests").

A guard logs in, opens a shift, admits a traveller from a typed MRZ, refuses
a second one with reason C, and admits an expired passport with a
supervisor's override typed into the dialog on the spot.  The guard
closes the shift and logs out; the supervisor logs in, opens "Supervisor"
and signs the shift off with a note and a password (issue 7).  Then
`borderdesk-admin crossings list --json` must show exactly those three
crossings with the right decisions, and `borderdesk-admin audit verify`
must exit 0.  Screenshots of the login page and of the registration page
with a filled MRZ and its checks go to $BD_SCREENSHOT_DIR (default: a new
temporary directory, printed) as login.png and registration.png.

Run it (TESTING.md):
    xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- \\
        /usr/bin/python3 tests/ui/test_desk_atspi.py
or simply `/usr/bin/python3 tests/ui/test_desk_atspi.py`: without an X
display or a session bus it re-executes itself under xvfb-run and
dbus-run-session (and `timeout`).  Debian's /usr/bin/python3 is needed for
pyatspi.

Environment: BORDERDESK (the app), BORDERDESK_ADMIN (the CLI), default the
binaries in /work/main/_build; BD_SCREENSHOT_DIR; BD_KEEP=1 keeps the
temporary directory.  Output is TAP, ending with "N passed, N failed"; the
exit status is non-zero when anything failed.  The whole run is bounded
(< 2 minutes): every wait has a deadline.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(os.path.dirname(HERE)), "_build")
APP = os.environ.get("BORDERDESK", os.path.join(BUILD, "src", "desk", "borderdesk"))
ADMIN = os.environ.get("BORDERDESK_ADMIN", os.path.join(BUILD, "src", "admin", "borderdesk-admin"))

TOTAL_BUDGET = 150          # seconds for the whole inner run
STEP_TIMEOUT = 20           # seconds for any one wait
CMD_TIMEOUT = 30            # seconds for one CLI command

PASSWORDS = {"g1": "guard-one-pass", "s1": "super-one-pass"}


def reexec_if_needed(script=None):
    """Run @script (default: this file) inside Xvfb and a private session
    bus, under a hard timeout."""
    if os.environ.get("DISPLAY") and os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return
    if os.environ.get("BD_ATSPI_REEXEC"):
        print("Bail out! re-executed under xvfb-run/dbus-run-session but still no "
              "DISPLAY or DBUS_SESSION_BUS_ADDRESS")
        sys.exit(2)
    for tool in ("timeout", "xvfb-run", "dbus-run-session"):
        if shutil.which(tool) is None:
            print("Bail out! %s is not installed (see TESTING.md)" % tool)
            sys.exit(2)
    env = dict(os.environ, BD_ATSPI_REEXEC="1")
    # xvfb-run -a starts looking at :99; parallel runs (other test suites on
    # the same machine) race for it.  Start somewhere else.
    first = str(100 + (os.getpid() % 800))
    argv = ["timeout", "-k", "5", "118",
            "xvfb-run", "-a", "-n", first, "-s", "-screen 0 1280x1024x24 -noreset",
            "dbus-run-session", "--", "/usr/bin/python3",
            os.path.abspath(script or __file__)]
    sys.stdout.flush()
    sys.exit(run_filtered(argv, env))



def run_filtered(argv, env):
    """Runs @argv and passes its TAP through; anything else (the session
    bus's daemons print to the stdout they inherit) becomes a comment, so
    the TAP stays valid.  Returns the exit status."""
    p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True, errors="replace")
    for line in p.stdout:
        if not (line.startswith(("ok ", "not ok ", "1..", "#", "Bail out!")) or not line.strip()):
            line = "# " + line
        sys.stdout.write(line)
        sys.stdout.flush()
    return p.wait()

# --------------------------------------------------------------------------
# MRZs, built independently of the code under test (ICAO 9303 part 3).

def check_digit(text):
    weights = (7, 3, 1)
    total = 0
    for i, ch in enumerate(text):
        if ch.isdigit():
            v = ord(ch) - ord("0")
        elif "A" <= ch <= "Z":
            v = ord(ch) - ord("A") + 10
        elif ch == "<":
            v = 0
        else:
            raise ValueError("not an MRZ character: %r" % ch)
        total += v * weights[i % 3]
    return str(total % 10)


def td3(surname, given, number, nationality, birth, sex, expiry, issuer=None, code="P"):
    issuer = issuer or nationality
    name = surname.replace(" ", "<") + "<<" + given.replace(" ", "<")
    l1 = (code.ljust(2, "<") + issuer.ljust(3, "<") + name).ljust(44, "<")[:44]
    num = number.ljust(9, "<")
    opt = "<" * 14
    num_cd, birth_cd, exp_cd, opt_cd = (check_digit(num), check_digit(birth),
                                        check_digit(expiry), check_digit(opt))
    composite = check_digit(num + num_cd + birth + birth_cd + expiry + exp_cd + opt + opt_cd)
    l2 = (num + num_cd + nationality.ljust(3, "<") + birth + birth_cd + sex + expiry + exp_cd
          + opt + opt_cd + composite)
    assert len(l1) == 44 and len(l2) == 44
    return l1 + "\n" + l2


ADMITTED = dict(surname="MUSTERMANN", given="ERIKA", number="C01X00T47", nationality="DEU",
                birth="640812", sex="F", expiry="350131")
REFUSED = dict(surname="DUPONT", given="JEAN", number="F12345678", nationality="FRA",
               birth="750303", sex="M", expiry="341231")
EXPIRED = dict(surname="SCHMIDT", given="HANS", number="D98765432", nationality="DEU",
               birth="800101", sex="M", expiry="250131")


# --------------------------------------------------------------------------
# TAP

class Failure(Exception):
    pass


class Tap:
    """Numbered steps.  A failed *critical* step (no app, no login...) stops
    the run: later steps are reported as not run, and count as failed.
    Other failures are reported and the run goes on."""

    def __init__(self, world):
        self.world = world
        self.n = 0
        self.passed = 0
        self.failed = 0
        self.broken = None

    def step(self, name, fn, critical=False):
        self.n += 1
        if self.broken is not None or self.world.remaining() < 5:
            why = ("step %d failed" % self.broken if self.broken is not None
                   else "out of time")
            self.failed += 1
            print("not ok %d - %s # not run: %s" % (self.n, name, why))
            sys.stdout.flush()
            return None
        t0 = time.monotonic()
        try:
            result = fn(self.world)
        except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
            self.failed += 1
            if critical:
                self.broken = self.n
            print("not ok %d - %s" % (self.n, name))
            for line in ("%s: %s" % (type(e).__name__, e)).splitlines():
                print("# " + line)
            if not isinstance(e, Failure):
                for line in traceback.format_exc().splitlines():
                    print("# " + line)
            sys.stdout.flush()
            return None
        self.passed += 1
        print("ok %d - %s (%.1f s)" % (self.n, name, time.monotonic() - t0))
        sys.stdout.flush()
        return result


def check(cond, msg):
    if not cond:
        raise Failure(msg)


# --------------------------------------------------------------------------
# The world: a temporary directory, a database, the app

class World:
    def __init__(self):
        self.start = time.monotonic()
        self.dir = tempfile.mkdtemp(prefix="bd-atspi-")
        self.db = os.path.join(self.dir, "desk.db")
        self.runtime = os.path.join(self.dir, "runtime")
        os.mkdir(self.runtime, 0o700)
        self.shots = os.environ.get("BD_SCREENSHOT_DIR") or os.path.join(self.dir, "screenshots")
        os.makedirs(self.shots, exist_ok=True)
        self.app_log = os.path.join(self.dir, "borderdesk.log")
        self.proc = None
        self.app = None
        self.env = dict(os.environ)
        for k in ("BORDERDESK_DB", "BORDERDESK_NOW", "NO_AT_BRIDGE", "GTK_MODULES"):
            self.env.pop(k, None)
        self.env.update({
            "LC_ALL": "C.UTF-8",
            "LANGUAGE": "",
            "GDK_BACKEND": "x11",
            "GSETTINGS_BACKEND": "memory",
            "XDG_RUNTIME_DIR": self.runtime,
            "XDG_DATA_HOME": os.path.join(self.dir, "data"),
            "XDG_CONFIG_HOME": os.path.join(self.dir, "config"),
            "XDG_CACHE_HOME": os.path.join(self.dir, "cache"),
            "HOME": self.dir,
        })

    def remaining(self):
        return TOTAL_BUDGET - (time.monotonic() - self.start)

    def cli(self, *args, stdin="", expect=0):
        argv = [ADMIN, "--db", self.db] + list(args)
        p = subprocess.run(argv, input=stdin.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=self.env, cwd=self.dir,
                           timeout=min(CMD_TIMEOUT, max(1, self.remaining())))
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        if expect is not None and p.returncode != expect:
            raise Failure("borderdesk-admin %s: exit %d, expected %d; stderr: %s"
                          % (" ".join(args), p.returncode, expect, err.strip()))
        return p.returncode, out, err

    def start_app(self):
        log = open(self.app_log, "wb")
        self.proc = subprocess.Popen([APP, "--db", self.db], env=self.env, cwd=self.dir,
                                     stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()

    def stop_app(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def app_output(self):
        try:
            with open(self.app_log, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def output_tail(self):
        """The app's last lines, for a failure report."""
        return self.app_output().strip().splitlines()[-40:]

    def cleanup(self):
        self.stop_app()
        if os.environ.get("BD_KEEP"):
            print("# kept %s" % self.dir)
            return
        if self.shots.startswith(self.dir + os.sep):
            # The screenshots are the point of a default run: keep them.
            keep = tempfile.mkdtemp(prefix="bd-screenshots-")
            for name in os.listdir(self.shots):
                shutil.move(os.path.join(self.shots, name), os.path.join(keep, name))
            self.shots = keep
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------
# AT-SPI helpers (imported after re-exec: they need the session bus)

pyatspi = None
Atspi = None


def import_atspi():
    global pyatspi, Atspi
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi as _Atspi
    import pyatspi as _pyatspi
    Atspi = _Atspi
    pyatspi = _pyatspi
    # A call to an app that does not answer fails after 3 s (not dbind's
    # 25 s), so every wait keeps its deadline.  Leave libatspi's cache
    # alone: with Atspi.Cache.NONE its own event handlers make D-Bus calls
    # from inside dispatch and deadlock the client.
    Atspi.set_timeout(3000, 15000)


def wait_for(what, fn, timeout=STEP_TIMEOUT, interval=0.1):
    """Polls fn() until it returns something true; returns that."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = fn()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - objects come and go while the UI changes
            last_exc = e
        if time.monotonic() > deadline:
            raise Failure("timed out after %.0f s waiting for %s%s"
                          % (timeout, what, " (last error: %s)" % last_exc if last_exc else ""))
        time.sleep(interval)


def walk(acc, depth=0, max_depth=40):
    """Every descendant of acc, depth first."""
    if acc is None or depth > max_depth:
        return
    yield acc
    try:
        n = acc.childCount
    except Exception:  # noqa: BLE001
        return
    for i in range(n):
        try:
            c = acc.getChildAtIndex(i)
        except Exception:  # noqa: BLE001
            continue
        yield from walk(c, depth + 1, max_depth)


def showing(acc):
    try:
        return acc.getState().contains(pyatspi.STATE_SHOWING)
    except Exception:  # noqa: BLE001
        return False


def sensitive(acc):
    try:
        return acc.getState().contains(pyatspi.STATE_SENSITIVE)
    except Exception:  # noqa: BLE001
        return False


def find(root, role, name, visible=True):
    for acc in walk(root):
        try:
            if acc.getRole() == role and acc.name == name and (not visible or showing(acc)):
                return acc
        except Exception:  # noqa: BLE001
            continue
    return None


def find_all(root, role, visible=True):
    out = []
    for acc in walk(root):
        try:
            if acc.getRole() == role and (not visible or showing(acc)):
                out.append(acc)
        except Exception:  # noqa: BLE001
            continue
    return out


def find_app(name="borderdesk"):
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        try:
            a = desktop.getChildAtIndex(i)
        except Exception:  # noqa: BLE001
            continue
        if a is not None and a.name == name:
            return a
    return None


def wait_widget(world, role, name, timeout=STEP_TIMEOUT):
    return wait_for("%s %r" % (role, name),
                    lambda: find(world.app, role, name), timeout)


def set_text(acc, text):
    check(acc.queryEditableText().setTextContents(text), "setTextContents refused")


def text_of(acc):
    t = acc.queryText()
    return t.getText(0, t.characterCount)


def press(acc):
    """The accessible's first action ("click" for buttons, "toggle"...)."""
    label = acc.name
    action = acc.queryAction()
    check(action.nActions > 0, "%r has no action" % label)
    name = action.getName(0)
    try:
        done = action.doAction(0)
    except Exception as e:  # noqa: BLE001 - GLib.GError from dbind
        raise Failure("doAction(%s) on %r: %s" % (name, label, e))
    # The object may be gone once the action ran (a dialog's button).
    check(done, "doAction(%s) on %r refused" % (name, label))


def responsive(world):
    """Whether the app still answers AT-SPI calls."""
    try:
        return world.app.childCount >= 0 and world.app.getChildAtIndex(0).name is not None
    except Exception:  # noqa: BLE001 - a timeout from dbind
        return False


def check_rows(world):
    """The names of the rows of the "Checks" panel."""
    panel = find(world.app, pyatspi.ROLE_LIST_BOX, "Checks")
    if panel is None:
        return []
    return [a.name for a in walk(panel) if a.getRole() == pyatspi.ROLE_LABEL and a.name]


def status(world):
    label = find(world.app, pyatspi.ROLE_LABEL, "Status")
    return label.description if label is not None else None


def wait_status(world, prefix, timeout=STEP_TIMEOUT):
    return wait_for("Status starting with %r" % prefix,
                    lambda: (status(world) or "").startswith(prefix) and status(world), timeout)


def screenshot(world, name):
    path = os.path.join(world.shots, name)
    # Let pending redraws land, then grab the whole screen (xwd draws dialogs black).
    subprocess.run(["xdotool", "sync"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=5, check=False)
    time.sleep(0.3)
    p = subprocess.run(["import", "-window", "root", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    check(p.returncode == 0, "import failed: %s" % p.stderr.decode(errors="replace"))
    check(os.path.getsize(path) > 10000, "%s is suspiciously small" % path)
    return path


def wait_painted(world, title="borderdesk"):
    def visible():
        p = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=5)
        return p.returncode == 0 and p.stdout.strip()
    return wait_for("a visible window named %r" % title, visible)


# --------------------------------------------------------------------------
# Steps

def step_setup_db(world):
    world.cli("init", "--post", "UTO-ALP", "--post-name", "Alpha Pass", "--desk", "1")
    world.cli("officer", "add", "--username", "g1", "--name", "Gina Guard", "--role", "guard",
              stdin=PASSWORDS["g1"] + "\n")
    world.cli("officer", "add", "--username", "s1", "--name", "Sam Supervisor",
              "--role", "supervisor", stdin=PASSWORDS["s1"] + "\n")


def x_server_state():
    """A line on the X server, for failure messages."""
    try:
        p = subprocess.run(["xdotool", "getdisplaygeometry"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=5)
        return "DISPLAY=%s: %s" % (os.environ.get("DISPLAY"),
                                  p.stdout.decode(errors="replace").strip() or p.returncode)
    except (OSError, subprocess.SubprocessError) as e:
        return "DISPLAY=%s: %s" % (os.environ.get("DISPLAY"), e)


def step_start_app(world):
    world.start_app()

    def app_up():
        if world.proc.poll() is not None:
            raise Failure("borderdesk exited with %d: %s [X server: %s]"
                          % (world.proc.returncode, world.app_output().strip(),
                             x_server_state()))
        return find_app()
    world.app = wait_for('the application "borderdesk" on the accessibility bus', app_up)
    wait_widget(world, pyatspi.ROLE_TEXT, "Username")
    wait_painted(world)


def step_login_screenshot(world):
    screenshot(world, "login.png")


def log_in(world, then_role, then_name, user="g1"):
    set_text(wait_widget(world, pyatspi.ROLE_TEXT, "Username"), user)
    set_text(wait_widget(world, pyatspi.ROLE_PASSWORD_TEXT, "Password"), PASSWORDS[user])
    press(wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Log in"))
    wait_widget(world, then_role, then_name)


def step_login(world):
    log_in(world, pyatspi.ROLE_PUSH_BUTTON, "Open shift")


def restart_app(world):
    """After the app stopped answering: a fresh instance, the guard logged
    in again (the shift is still open, so straight to registration)."""
    world.stop_app()
    world.app = None
    step_start_app(world)
    log_in(world, pyatspi.ROLE_TEXT, "MRZ")


def step_open_shift(world):
    press(wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Open shift"))
    wait_widget(world, pyatspi.ROLE_TEXT, "MRZ")
    for name in ("Admit", "Refuse", "Refer"):
        wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, name)
    direction = wait_widget(world, pyatspi.ROLE_COMBO_BOX, "Direction")
    check(direction is not None, "no Direction combo box")


def type_mrz(world, mrz, row_name):
    mrz_view = wait_widget(world, pyatspi.ROLE_TEXT, "MRZ")
    set_text(mrz_view, mrz)
    check(text_of(mrz_view).strip("\n") == mrz, "MRZ view holds %r" % text_of(mrz_view))
    return wait_for("a %s row in the Checks panel" % row_name,
                    lambda: [r for r in check_rows(world) if ("  %s: " % row_name) in r])


def field(world, name):
    acc = find(world.app, pyatspi.ROLE_TEXT, name)
    return text_of(acc) if acc is not None else None


def step_admit_valid(world):
    rows = type_mrz(world, td3(**ADMITTED), "stay-rule")
    rows = check_rows(world)
    for r in rows:
        print("# check row: %s" % r)
    for name in ("check-digits", "document-validity", "country-codes", "stay-rule"):
        check(any(r.startswith("OK  %s: " % name) for r in rows),
              "no OK row for %s in %r" % (name, rows))
    check(field(world, "Surname") == "MUSTERMANN", "Surname is %r" % field(world, "Surname"))
    check(field(world, "Document number") == "C01X00T47",
          "Document number is %r" % field(world, "Document number"))
    days_used = find(world.app, pyatspi.ROLE_LABEL, "Days used")
    check(days_used is not None and days_used.queryText().getText(0, -1).strip() == "1",
          "Days used does not show 1")
    wait_painted(world)
    screenshot(world, "registration.png")
    press(wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Admit"))
    st = wait_status(world, "Recorded: ")
    check_recorded(st, "entry", "admitted")
    mrz_view = wait_widget(world, pyatspi.ROLE_TEXT, "MRZ")
    wait_for("an empty MRZ after the decision", lambda: text_of(mrz_view) == "")
    check(mrz_view.getState().contains(pyatspi.STATE_FOCUSED), "MRZ does not have the focus")


def step_refuse(world):
    type_mrz(world, td3(**REFUSED), "stay-rule")
    problem = None
    try:
        press(wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Refuse"))
        record = wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Record refusal", timeout=10)
    except Failure as e:
        problem = e
    if problem is not None:
        if responsive(world):
            raise problem
        # Say what happened; restart the app so the remaining steps still run.
        try:
            restart_app(world)
            after = "Restarted the app to go on."
        except Failure as e:
            after = "Restarting the app failed too: %s" % e
        raise Failure('after doAction on "Refuse" the app stopped answering AT-SPI (%s): the '
                      'button\'s "clicked" handler runs gtk_dialog_run(), a nested main loop, '
                      'inside atk-bridge\'s D-Bus DoAction call, so no AT-SPI request is '
                      'served until the dialog closes.  %s' % (problem, after))
    check(not sensitive(record), '"Record refusal" is sensitive before a reason is ticked')
    reason = wait_widget(world, pyatspi.ROLE_CHECK_BOX, "C: has no valid visa or residence permit")
    press(reason)
    wait_for("reason C ticked", lambda: reason.getState().contains(pyatspi.STATE_CHECKED))
    wait_for('"Record refusal" sensitive', lambda: sensitive(record))
    note = find(world.app, pyatspi.ROLE_TEXT, "Refusal note")
    if note is not None:
        set_text(note, "no visa")
    press(record)
    st = wait_status(world, "Recorded: ")
    check_recorded(st, "entry", "refused")
    wait_for("the refusal dialog to close",
             lambda: find(world.app, pyatspi.ROLE_PUSH_BUTTON, "Record refusal") is None)


def step_override(world):
    type_mrz(world, td3(**EXPIRED), "document-validity")
    rows = check_rows(world)
    check(any(r.startswith("Block  document-validity: ") for r in rows),
          "no Block row for document-validity in %r" % rows)
    press(wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Admit"))
    set_text(wait_widget(world, pyatspi.ROLE_TEXT, "Supervisor username"), "s1")
    set_text(wait_widget(world, pyatspi.ROLE_PASSWORD_TEXT, "Supervisor password"),
             PASSWORDS["s1"])
    set_text(wait_widget(world, pyatspi.ROLE_TEXT, "Override reason"), "humanitarian grounds")
    press(wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Admit with override"))
    st = wait_status(world, "Recorded: ")
    check_recorded(st, "entry", "admitted")


def step_supervisor_signoff(world):
    """The guard closes the shift and logs out; the supervisor logs in, opens
    "Supervisor" and signs the shift off with a note and their password."""
    press(wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Close shift"))
    # The summary's "Close", not the header bar's (which closes the window).
    summary = wait_for("the shift summary", lambda: [a for a in find_all(world.app,
                                                                         pyatspi.ROLE_ALERT)])
    press(wait_for('"Close" in the summary',
                   lambda: find(summary[0], pyatspi.ROLE_PUSH_BUTTON, "Close")))
    wait_for("the summary to close", lambda: not find_all(world.app, pyatspi.ROLE_ALERT))
    press(wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Log out"))
    log_in(world, pyatspi.ROLE_PUSH_BUTTON, "Open shift", user="s1")
    press(wait_widget(world, pyatspi.ROLE_TOGGLE_BUTTON, "Supervisor"))
    wait_widget(world, pyatspi.ROLE_TABLE, "Shifts")
    sign_off = wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Sign off")
    # The newest shift, the guard's closed one, is shown: it can be signed.
    wait_for('"Sign off" sensitive', lambda: sensitive(sign_off))
    press(sign_off)
    set_text(wait_widget(world, pyatspi.ROLE_TEXT, "Sign-off note"), "reviewed on screen")
    set_text(wait_widget(world, pyatspi.ROLE_PASSWORD_TEXT, "Sign-off password"),
             PASSWORDS["s1"])
    press(wait_widget(world, pyatspi.ROLE_PUSH_BUTTON, "Confirm sign-off"))

    def signed():
        _, out, _ = world.cli("shift", "list", "--json")
        shifts = json.loads(out)
        return len(shifts) == 1 and shifts[0]["signed_off_by"] == "s1" and shifts[0]
    shift = wait_for("the shift signed off by s1 in the database", signed)
    check(shift["signoff_note"] == "reviewed on screen", "note %r" % shift["signoff_note"])
    wait_for('"Sign off" no longer sensitive', lambda: not sensitive(sign_off))


def check_recorded(st, direction, decision):
    """ "Recorded: entry, admitted": the wording may change, the words not."""
    check(st.startswith("Recorded: ") and direction in st and decision in st,
          "status %r, expected an %s %s" % (st, direction, decision))


def step_quit_app(world):
    check(world.proc.poll() is None, "borderdesk died: %s" % world.app_output().strip())
    world.stop_app()


def step_database(world):
    _, out, _ = world.cli("crossings", "list", "--json")
    crossings = json.loads(out)
    check(isinstance(crossings, list), "crossings list --json is not an array")
    summary = ["%s:%s %s %s%s" % (c["document"]["issuing_state"], c["document"]["number"],
                                  c["direction"], c["decision"],
                                  " by %s" % c.get("override_by") if c.get("override_by") else "")
               for c in crossings]
    check(len(crossings) == 3, "%d crossings, expected 3: %s" % (len(crossings), summary))
    by_number = {c["document"]["number"]: c for c in crossings}
    check(sorted(by_number) == sorted([ADMITTED["number"], REFUSED["number"], EXPIRED["number"]]),
          "documents %r" % sorted(by_number))
    a, r, o = (by_number[ADMITTED["number"]], by_number[REFUSED["number"]],
               by_number[EXPIRED["number"]])
    for c in crossings:
        check(c["officer"] == "g1", "officer %r" % c["officer"])
        check(c["direction"] == "entry", "direction %r" % c["direction"])
    check(a["decision"] == "admitted" and not a.get("override_by"),
          "first traveller: %r / override %r" % (a["decision"], a.get("override_by")))
    check(r["decision"] == "refused", "second traveller: %r" % r["decision"])
    check(r.get("refusal_reasons") == ["C"], "refusal reasons %r" % r.get("refusal_reasons"))
    check(o["decision"] == "admitted", "expired passport: %r" % o["decision"])
    check(o.get("override_by") == "s1", "override by %r" % o.get("override_by"))
    check(o["document"]["expiry"] == "2025-01-31", "expiry %r" % o["document"]["expiry"])
    check(len({c["shift"] for c in crossings}) == 1, "not one shift: %r"
          % [c["shift"] for c in crossings])


def step_audit(world):
    rc, out, err = world.cli("audit", "verify", expect=None)
    check(rc == 0, "audit verify exit %d: %s %s" % (rc, out.strip(), err.strip()))


def main(run=None, script=None):
    """Re-executes @script (default: this file) under Xvfb and a session
    bus if needed, then calls @run (default: run_steps) holding the display."""
    reexec_if_needed(script)
    for path, what in ((APP, "the desk app"), (ADMIN, "borderdesk-admin")):
        if not os.access(path, os.X_OK):
            print("Bail out! %s not built: %s" % (what, path))
            return 2
    # Xvfb resets (dropping and refusing connections for a moment) whenever
    # its last client leaves, unless started with -noreset.  Clients come
    # and go here (the accessibility bus launcher, xdotool, import), and a
    # reset as the app starts makes it fail with "cannot open display".
    # Hold one connection for the whole run so the server never resets.
    keeper = subprocess.Popen(["xdotool", "sleep", str(TOTAL_BUDGET + 30)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return (run or run_steps)()
    finally:
        keeper.kill()
        keeper.wait()


def run_steps():
    import_atspi()
    world = World()
    # (name, function, critical: later steps make no sense without it)
    steps = [
        ("set up a desk database with the CLI (guard g1, supervisor s1)", step_setup_db, True),
        ("the app starts and shows the login page over AT-SPI", step_start_app, True),
        ("screenshot of the login page", step_login_screenshot, False),
        ("log in as the guard", step_login, True),
        ("open a shift: the registration page follows", step_open_shift, True),
        ("type a valid MRZ, see the checks, Admit", step_admit_valid, False),
        ("refuse a traveller with reason C", step_refuse, False),
        ("admit an expired passport with a supervisor's override", step_override, False),
        ("a supervisor opens \"Supervisor\" and signs the closed shift off",
         step_supervisor_signoff, False),
        ("the app is still running and quits", step_quit_app, False),
        ("the database holds exactly the three crossings", step_database, False),
        ("audit verify exits 0", step_audit, False),
    ]
    return run_tap(world, steps)


def run_tap(world, steps):
    """Runs @steps, (name, function, critical) triples, as TAP in @world;
    cleans @world up.  Returns the exit status."""
    t0 = time.monotonic()
    tap = Tap(world)
    print("1..%d" % len(steps))
    sys.stdout.flush()
    try:
        for name, fn, critical in steps:
            tap.step(name, fn, critical)
    finally:
        if tap.failed:
            out = world.output_tail()
            if out:
                print("# borderdesk output:")
                for line in out:
                    print("#   " + line)
        world.cleanup()
        print("# screenshots in %s" % world.shots)
        print("# %.1f s" % (time.monotonic() - t0))
        print("# %d passed, %d failed" % (tap.passed, tap.failed))
        sys.stdout.flush()
    return 0 if tap.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
