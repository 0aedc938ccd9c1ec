#!/usr/bin/python3
"""Internationalisation of the desk app (issue 3: French, Spanish, Arabic).

1. Each catalogue in po/ passes `msgfmt --check` with no fuzzy and no
   untranslated message, and still does against a .pot extracted afresh
   from po/POTFILES.in (so a new string without translations fails here).
2. The real app, run under Xvfb and driven through AT-SPI, follows the
   locale: in ar_EG.UTF-8 its widgets carry the Arabic names from the built
   catalogue and lay out right to left; in fr_FR.UTF-8 the French ones, left
   to right; in C.UTF-8 the English names that CONTRACT.md promises.
   Locales missing from the system are compiled with localedef into a
   temporary LOCPATH (needs Debian's `locales` package).
3. The supervisor page (issue 7) in each locale, on demo data: translated,
   mirrored in Arabic, its charts' numbers in their accessible descriptions.

Usage (Debian's /usr/bin/python3, for pyatspi):
    /usr/bin/python3 tests/i18n/test_i18n.py [--desk PATH] [--locale-dir DIR] [--po-dir DIR]
Without an X display or a session bus it runs itself again in its own
Xvfb, under `dbus-run-session` and `timeout`.  Defaults: $BORDERDESK or
_build/src/desk/borderdesk; $BORDERDESK_LOCALEDIR or _build/po (where meson
builds <lang>/LC_MESSAGES/borderdesk.mo); the po/ beside this tests/ folder.
$BORDERDESK_ADMIN is the CLI that sets up the desk databases.  With
$BD_SCREENSHOT_DIR set, login-ar.png, registration-ar.png and
supervisor-ar.png are saved there.  Output is TAP, ending with "# N passed, N failed".
"""

import argparse
import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SRCROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(SRCROOT, "_build")

LANGUAGES = ("fr", "es", "ar")
# The locales the app is run in, with the catalogue each one must pick.
RUNS = (("ar", "ar_EG.UTF-8", "rtl"), ("fr", "fr_FR.UTF-8", "ltr"), (None, "C.UTF-8", "ltr"))
# The shortcuts window (ui/gtk/help-overlay.ui) documents these mnemonics.
MNEMONICS = {"Admit": "a", "Refuse": "r", "Refer": "f"}

# Wider than the window grows to once a zone is typed (about 1450 px in Arabic),
# so that the screenshots hold all of it.
SCREEN = "1600x1200x24"
TOTAL_TIMEOUT = 280          # seconds, the whole re-executed run
STEP_TIMEOUT = 20            # seconds for any one wait
CMD_TIMEOUT = 60             # seconds for one command

# xgettext arguments of meson's i18n.gettext(preset: 'glib').
XGETTEXT_GLIB = [
    "--from-code=UTF-8", "--add-comments",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format",
    "--flag=g_printf:1:c-format", "--flag=g_fprintf:2:c-format",
    "--flag=g_sprintf:2:c-format", "--flag=g_snprintf:3:c-format",
]



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

def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--desk", default=os.environ.get(
        "BORDERDESK", os.path.join(BUILD, "src", "desk", "borderdesk")))
    p.add_argument("--locale-dir", default=os.environ.get(
        "BORDERDESK_LOCALEDIR", os.path.join(BUILD, "po")))
    p.add_argument("--po-dir", default=os.path.join(SRCROOT, "po"))
    p.add_argument("--admin", default=os.environ.get(
        "BORDERDESK_ADMIN", os.path.join(BUILD, "src", "admin", "borderdesk-admin")))
    a = p.parse_args()
    for k in ("desk", "locale_dir", "po_dir", "admin"):
        setattr(a, k, os.path.abspath(getattr(a, k)))
    return a


def start_xvfb():
    """Starts Xvfb; returns (process, ":n") once it accepts clients, or (None, None).

    Xvfb picks a free display itself (-displayfd), which `xvfb-run -a` does not
    do atomically when other test runs start servers at the same time.
    -noreset: otherwise the server resets whenever its last client leaves
    (pyatspi's look-up of the bus, an app that quits) and refuses the next
    app's connection while it does."""
    rfd, wfd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", SCREEN,
                             "-nolisten", "tcp", "-noreset"], pass_fds=(wfd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(wfd)
    with os.fdopen(rfd) as r:
        number = r.readline().strip()
    if not number.isdigit():
        xvfb.kill()
        xvfb.wait()
        return None, None
    return xvfb, ":" + number


def reexec_if_needed():
    """Runs the test again inside its own Xvfb and session bus, under a hard timeout."""
    if os.environ.get("DISPLAY") and os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return
    if os.environ.get("BD_I18N_REEXEC"):
        print("Bail out! re-executed but still no DISPLAY or DBUS_SESSION_BUS_ADDRESS")
        sys.exit(2)
    for tool in ("timeout", "Xvfb", "dbus-run-session"):
        if shutil.which(tool) is None:
            print("Bail out! %s is not installed (see TESTING.md)" % tool)
            sys.exit(2)
    env = dict(os.environ, BD_I18N_REEXEC="1")
    xvfb = None
    if not env.get("DISPLAY"):
        xvfb, env["DISPLAY"] = start_xvfb()
        if xvfb is None:
            print("Bail out! Xvfb did not start")
            sys.exit(2)
        env.pop("XAUTHORITY", None)
    sys.stdout.flush()
    try:
        rc = run_filtered(["timeout", "-k", "5", str(TOTAL_TIMEOUT), "dbus-run-session", "--",
                           "/usr/bin/python3", os.path.abspath(__file__)] + sys.argv[1:], env)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    sys.exit(rc)


# --------------------------------------------------------------------------
# TAP

class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


class Tap:
    def __init__(self):
        self.n = self.passed = self.failed = 0

    def step(self, name, fn, *args):
        """Runs one test; returns its result, or None when it failed."""
        self.n += 1
        t0 = time.monotonic()
        try:
            result = fn(*args)
        except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
            self.failed += 1
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
        return result if result is not None else True

    def skip(self, name, why):
        self.n += 1
        self.passed += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why))
        sys.stdout.flush()


def run(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=CMD_TIMEOUT, **kw)


# --------------------------------------------------------------------------
# Catalogues

def statistics(po):
    """msgfmt --check --statistics: (translated, fuzzy, untranslated)."""
    p = run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po],
            env=dict(os.environ, LC_ALL="C"))
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 0, "msgfmt --check %s failed:\n%s" % (po, err.strip()))
    counts = {}
    for n, what in re.findall(r"(\d+) (translated|fuzzy|untranslated) messages?", err):
        counts[what] = int(n)
    return counts.get("translated", 0), counts.get("fuzzy", 0), counts.get("untranslated", 0)


def step_catalogue(args, lang):
    po = os.path.join(args.po_dir, lang + ".po")
    check(os.path.isfile(po), "%s is missing" % po)
    translated, fuzzy, untranslated = statistics(po)
    check(translated > 0, "%s: nothing translated" % po)
    check(fuzzy == 0 and untranslated == 0, "%s: %d fuzzy, %d untranslated"
          % (po, fuzzy, untranslated))
    with open(po, encoding="utf-8") as f:
        header = f.read(4000)
    check(re.search(r'"Language: %s\\n"' % lang, header), "%s: no Language: %s header"
          % (po, lang))
    if lang == "ar":
        check("nplurals=6;" in header, "ar.po: Arabic has six plural forms")
    print("# %s: %d translated, 0 fuzzy, 0 untranslated" % (lang, translated))


def fresh_pot(args, tmp):
    pot = os.path.join(tmp, "fresh.pot")
    if os.path.exists(pot):
        return pot
    p = run(["xgettext", "--files-from=" + os.path.join(args.po_dir, "POTFILES.in"),
             "--directory=" + SRCROOT, "--output=" + pot,
             "--package-name=borderdesk"] + XGETTEXT_GLIB)
    check(p.returncode == 0 and os.path.isfile(pot),
          "xgettext failed: %s" % p.stderr.decode("utf-8", "replace").strip())
    return pot


def step_catalogue_current(args, tmp, lang):
    """Merged with what the sources hold today, nothing is missing."""
    pot = fresh_pot(args, tmp)
    merged = os.path.join(tmp, lang + ".merged.po")
    p = run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--output-file=" + merged,
             os.path.join(args.po_dir, lang + ".po"), pot])
    check(p.returncode == 0, "msgmerge failed: %s" % p.stderr.decode("utf-8", "replace"))
    translated, fuzzy, untranslated = statistics(merged)
    if fuzzy or untranslated:
        p = run(["msgattrib", "--only-fuzzy", "--no-wrap", merged])
        q = run(["msgattrib", "--untranslated", "--no-wrap", merged])
        missing = re.findall(r'^msgid "(.+)"$', (p.stdout + q.stdout).decode("utf-8"),
                             re.MULTILINE)
        raise Failure("po/%s.po lacks %d string(s) of the sources (run `meson compile "
                      "borderdesk-update-po` and translate): %s"
                      % (lang, fuzzy + untranslated, "; ".join(missing[:10])))


# --------------------------------------------------------------------------
# Locales

def locale_available(name, env):
    p = run(["locale"], env=dict(env, LC_ALL=name))
    return p.returncode == 0 and b"Cannot set" not in p.stderr


def step_locales(args, tmp, envs):
    """Finds or builds ar_EG.UTF-8 and fr_FR.UTF-8; fills envs[locale]."""
    locpath = os.path.join(tmp, "locales")
    for _, name, _ in RUNS:
        if locale_available(name, os.environ):
            envs[name] = {}
            continue
        base = name.split(".")[0]
        check(os.path.exists("/usr/share/i18n/locales/" + base),
              "locale %s is not installed and its sources are missing: install Debian's "
              "`locales` package" % name)
        os.makedirs(locpath, exist_ok=True)
        p = run(["localedef", "-i", base, "-f", "UTF-8", os.path.join(locpath, name)])
        env = {"LOCPATH": locpath}
        check(locale_available(name, dict(os.environ, **env)),
              "localedef %s failed: %s" % (name, p.stderr.decode("utf-8", "replace").strip()))
        envs[name] = env
        print("# %s compiled into %s" % (name, locpath))


# --------------------------------------------------------------------------
# AT-SPI

pyatspi = None


def import_atspi():
    """pyatspi needs the session bus: imported once the test runs inside one."""
    global pyatspi
    import pyatspi as _pyatspi
    pyatspi = _pyatspi


def wait_for(what, fn, timeout=STEP_TIMEOUT, interval=0.1):
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = fn()
            if value:
                return value
        except Failure:
            raise
        except Exception as e:  # noqa: BLE001 - objects come and go while the UI changes
            last = e
        if time.monotonic() > deadline:
            raise Failure("timed out after %.0f s waiting for %s%s"
                          % (timeout, what, " (last error: %s)" % last if last else ""))
        time.sleep(interval)


def walk(acc, depth=0):
    if acc is None or depth > 40:
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
        yield from walk(c, depth + 1)


def showing(acc):
    try:
        return acc.getState().contains(pyatspi.STATE_SHOWING)
    except Exception:  # noqa: BLE001
        return False


def find(root, role, name):
    for acc in walk(root):
        try:
            if acc.getRole() == role and acc.name == name and showing(acc):
                return acc
        except Exception:  # noqa: BLE001
            continue
    return None


def visible_names(root, roles):
    out = []
    for acc in walk(root):
        try:
            if acc.getRole() in roles and acc.name and showing(acc):
                out.append(acc.name)
        except Exception:  # noqa: BLE001
            continue
    return out


def press(acc):
    action = acc.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "press", "activate"):
            check(action.doAction(i), "doAction(%s) refused" % action.getName(i))
            return
    check(action.nActions > 0 and action.doAction(0), "%r cannot be pressed" % acc.name)


def set_text(acc, text):
    check(acc.queryEditableText().setTextContents(text), "setTextContents refused")


def text_direction(acc):
    attrs = acc.queryText().getDefaultAttributes()
    m = re.search(r"(?:^|;)\s*direction:(\w+)", attrs)
    check(m, "no direction in the text attributes of %r: %s" % (acc.name, attrs))
    return m.group(1)


def centre_x(acc):
    e = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    return e.x + e.width / 2.0


def mnemonic(acc):
    """The keysym of a button's mnemonic, lower case, or '' (GTK: "<Alt>a",
    "<Alt>Arabic_qaf")."""
    action = acc.queryAction()
    for i in range(action.nActions):
        kb = action.getKeyBinding(i) or ""
        m = re.search(r"<Alt>(\w+)", kb.split(";")[0])
        if m:
            return m.group(1).lower()
    return ""


def td3(surname, given, number, nationality, birth, sex, expiry):
    """A valid TD3 zone (ICAO 9303 part 4), built independently of the app."""
    def cd(text):
        v = {"<": 0, **{str(d): d for d in range(10)},
             **{chr(65 + i): 10 + i for i in range(26)}}
        return str(sum(v[c] * (7, 3, 1)[i % 3] for i, c in enumerate(text)) % 10)
    l1 = ("P<" + nationality + surname + "<<" + given).ljust(44, "<")
    num, opt = number.ljust(9, "<"), "<" * 14
    body = num + cd(num) + nationality + birth + cd(birth) + sex + expiry + cd(expiry)
    l2 = body + opt + cd(opt)
    l2 += cd(num + cd(num) + birth + cd(birth) + expiry + cd(expiry) + opt + cd(opt))
    return l1 + "\n" + l2


class Desk:
    """One run of the app in one locale, with its own database."""

    def __init__(self, args, tmp, lang, locale_name, locale_env):
        self.args = args
        self.lang = lang
        self.locale = locale_name
        self.dir = tempfile.mkdtemp(prefix="desk-%s-" % (lang or "C"), dir=tmp)
        self.db = os.path.join(self.dir, "desk.db")
        self.log = os.path.join(self.dir, "borderdesk.log")
        self.proc = None
        self.app = None
        if lang is None:
            self._ = lambda s: s
        else:
            self._ = gettext.translation("borderdesk", args.locale_dir, languages=[lang]).gettext
        runtime = os.path.join(self.dir, "runtime")
        os.mkdir(runtime, 0o700)
        self.env = dict(os.environ)
        for k in ("BORDERDESK_DB", "NO_AT_BRIDGE", "GTK_MODULES", "LOCPATH", "LANG"):
            self.env.pop(k, None)
        self.env.update(locale_env)
        self.env.update({
            "LC_ALL": locale_name,
            "LANGUAGE": "",
            "BORDERDESK_LOCALEDIR": args.locale_dir,
            "GDK_BACKEND": "x11",
            "GSETTINGS_BACKEND": "memory",
            "XDG_RUNTIME_DIR": runtime,
            "XDG_DATA_HOME": os.path.join(self.dir, "data"),
            "XDG_CONFIG_HOME": os.path.join(self.dir, "config"),
            "HOME": self.dir,
        })

    def tr(self, english):
        """What the app must show for english in this locale."""
        text = self._(english)
        if self.lang is not None:
            check(text != english, "the %s catalogue has no translation of %r"
                  % (self.lang, english))
        return text

    def admin(self, *argv, stdin=""):
        env = dict(self.env, LC_ALL="C.UTF-8")
        env.pop("LOCPATH", None)
        p = run([self.args.admin, "--db", self.db] + list(argv), input=stdin.encode(), env=env)
        check(p.returncode == 0, "borderdesk-admin %s: exit %d: %s"
              % (" ".join(argv), p.returncode, p.stderr.decode("utf-8", "replace").strip()))

    def start(self, init=True):
        if init:
            self.admin("init", "--post", "UTO-ALP", "--post-name", "Alpha Pass", "--desk", "1")
            self.admin("officer", "add", "--username", "g1", "--name", "Gina Guard",
                       "--role", "guard", stdin="guard-one-pass\n")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([self.args.desk, "--db", self.db], env=self.env,
                                         cwd=self.dir, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)

        def up():
            if self.proc.poll() is not None:
                raise Failure("borderdesk exited with %d: %s" % (self.proc.returncode,
                                                                 self.output()))
            desktop = pyatspi.Registry.getDesktop(0)
            for i in range(desktop.childCount):
                a = desktop.getChildAtIndex(i)
                if a is not None and a.name == "borderdesk":
                    try:
                        if a.get_process_id() != self.proc.pid:
                            continue
                    except Exception:  # noqa: BLE001 - older libatspi: trust the name
                        pass
                    return a
            return None
        self.app = wait_for("borderdesk on the accessibility bus", up)

    def widget(self, role, english):
        name = self.tr(english)
        return wait_for("%s %r (%r)" % (str(role), name, english),
                        lambda: find(self.app, role, name))

    def frame(self):
        return wait_for("the window", lambda: [a for a in walk(self.app)
                                               if a.getRole() == pyatspi.ROLE_FRAME][0])

    def output(self):
        try:
            with open(self.log, "rb") as f:
                return f.read().decode("utf-8", "replace").strip()[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def screenshot(name):
    """The app's window into $BD_SCREENSHOT_DIR/name, when that is set."""
    shots = os.environ.get("BD_SCREENSHOT_DIR")
    if not shots:
        return
    os.makedirs(shots, exist_ok=True)
    path = os.path.join(shots, name)
    ids = wait_for("a visible borderdesk window", lambda: run(
        ["xdotool", "search", "--onlyvisible", "--name", "^borderdesk$"]).stdout.split())
    run(["xdotool", "sync"])
    time.sleep(0.3)          # the last redraw after a page change
    p = run(["import", "-window", ids[0].decode(), path])
    check(p.returncode == 0 and os.path.getsize(path) > 10000,
          "import %s failed: %s" % (path, p.stderr.decode("utf-8", "replace").strip()))
    print("# screenshot %s" % path)


def step_login_page(desk, direction):
    desk.start()
    user = desk.widget(pyatspi.ROLE_TEXT, "Username")
    desk.widget(pyatspi.ROLE_PASSWORD_TEXT, "Password")
    button = desk.widget(pyatspi.ROLE_PUSH_BUTTON, "Log in")
    if desk.lang == "ar":
        check(re.search("[\u0600-\u06ff]", button.name), "%r is not Arabic" % button.name)
    got = text_direction(user)
    check(got == direction, "the Username entry's text direction is %s, expected %s"
          % (got, direction))
    title = desk.widget(pyatspi.ROLE_LABEL, "Log in to this desk")
    check(text_direction(title) == direction, "the title label is not %s" % direction)
    print("# %s: login button %r, direction %s" % (desk.locale, button.name, got))
    if desk.lang == "ar":
        screenshot("login-ar.png")


def step_registration_page(desk, direction):
    set_text(desk.widget(pyatspi.ROLE_TEXT, "Username"), "g1")
    set_text(desk.widget(pyatspi.ROLE_PASSWORD_TEXT, "Password"), "guard-one-pass")
    press(desk.widget(pyatspi.ROLE_PUSH_BUTTON, "Log in"))
    press(desk.widget(pyatspi.ROLE_PUSH_BUTTON, "Open shift"))
    mrz = desk.widget(pyatspi.ROLE_TEXT, "MRZ")
    desk.widget(pyatspi.ROLE_COMBO_BOX, "Direction")
    desk.widget(pyatspi.ROLE_PUSH_BUTTON, "Refer")
    buttons = {}
    for english in MNEMONICS:
        buttons[english] = desk.widget(pyatspi.ROLE_PUSH_BUTTON, english)
    check(find(desk.app, pyatspi.ROLE_PANEL, desk.tr("Registration")) or
          desk.tr("Registration") in visible_names(desk.app, (pyatspi.ROLE_PANEL,
                                                              pyatspi.ROLE_FILLER)),
          "no page named %r" % desk.tr("Registration"))
    # The mnemonics stay those the shortcuts window lists, in every language.
    for english, key in MNEMONICS.items():
        got = mnemonic(buttons[english])
        check(got == key, "%r: mnemonic Alt+%s, the shortcuts window says Alt+%s"
              % (buttons[english].name, got or "(none)", key))
    # Mirrored in right-to-left: the MRZ column on the right, Admit left of Refuse.
    window = centre_x(desk.frame())
    on_right = centre_x(mrz) > window
    admit_left = centre_x(buttons["Admit"]) < centre_x(buttons["Refuse"])
    if direction == "rtl":
        check(on_right and admit_left, "the registration page is not mirrored: MRZ at x=%.0f "
              "(window centre %.0f), Admit at x=%.0f, Refuse at x=%.0f"
              % (centre_x(mrz), window, centre_x(buttons["Admit"]),
                 centre_x(buttons["Refuse"])))
    else:
        check(not on_right and not admit_left, "the registration page is mirrored in %s"
              % desk.locale)
    check(text_direction(mrz) == direction, "the MRZ's text direction is not %s" % direction)
    if desk.lang == "ar":
        set_text(mrz, td3("MUSTERMANN", "ERIKA", "C01X00T47", "DEU", "640812", "F", "350131"))
        surname = desk.widget(pyatspi.ROLE_TEXT, "Surname")
        wait_for("the form filled from the MRZ", lambda: surname.queryText().getText(0, -1)
                 == "MUSTERMANN")
        screenshot("registration-ar.png")
    check(desk.proc.poll() is None, "borderdesk died: %s" % desk.output())


def step_supervisor_page(desk, direction):
    """The supervisor page in this locale (issue 7): its names translated, the
    shifts list on the reading side's start, the charts' numbers in their
    accessible descriptions.  On demo data, as the demo supervisor."""
    desk.stop()
    desk.admin("demo", "seed", "--crossings", "300")
    desk.start(init=False)
    set_text(desk.widget(pyatspi.ROLE_TEXT, "Username"), "demo.super")
    set_text(desk.widget(pyatspi.ROLE_PASSWORD_TEXT, "Password"), "borderdesk-demo")
    press(desk.widget(pyatspi.ROLE_PUSH_BUTTON, "Log in"))
    press(desk.widget(pyatspi.ROLE_TOGGLE_BUTTON, "Supervisor"))
    shifts = desk.widget(pyatspi.ROLE_TABLE, "Shifts")
    timeline = desk.widget(pyatspi.ROLE_TABLE, "Timeline")
    desk.widget(pyatspi.ROLE_PUSH_BUTTON, "Sign off")
    desk.widget(pyatspi.ROLE_PUSH_BUTTON, "Export PDF")
    if direction == "rtl":
        check(centre_x(shifts) > centre_x(timeline), "the shifts list is not on the right")
    else:
        check(centre_x(shifts) < centre_x(timeline), "the shifts list is not on the left")
    tab = desk.widget(pyatspi.ROLE_PAGE_TAB, "Statistics")
    tab.parent.querySelection().selectChild(tab.getIndexInParent())
    charts = wait_for("the four charts", lambda: len([a for a in walk(desk.app) if a.getRole()
                                                      == pyatspi.ROLE_CHART]) == 4 and
                      [a for a in walk(desk.app) if a.getRole() == pyatspi.ROLE_CHART])
    title = desk.tr("Decisions")
    decisions = [c for c in charts if c.name == title]
    check(decisions, "no chart named %r among %r" % (title, [c.name for c in charts]))
    wait_for("the decisions chart on screen with its numbers",
             lambda: showing(decisions[0]) and re.search(r"\d", decisions[0].description))
    print("# %s: %s" % (desk.locale, decisions[0].description))
    check(desk.tr("Admitted") in decisions[0].description, "the chart's description is not in "
          "the locale: %r" % decisions[0].description)
    if desk.lang == "ar":
        screenshot("supervisor-ar.png")
    check(desk.proc.poll() is None, "borderdesk died: %s" % desk.output())


def main():
    args = parse_args()
    reexec_if_needed()
    t0 = time.monotonic()
    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="bd-i18n-")
    try:
        for lang in LANGUAGES:
            tap.step("po/%s.po: msgfmt --check, no fuzzy, no untranslated message" % lang,
                     step_catalogue, args, lang)
        for lang in LANGUAGES:
            tap.step("po/%s.po translates every string of po/POTFILES.in" % lang,
                     step_catalogue_current, args, tmp, lang)

        app_ok = True
        for path, what in ((args.desk, "the desk app"), (args.admin, "borderdesk-admin")):
            if not os.access(path, os.X_OK):
                print("# %s is not built: %s" % (what, path))
                app_ok = False
        for lang, _, _ in RUNS:
            mo = os.path.join(args.locale_dir, lang or "", "LC_MESSAGES", "borderdesk.mo")
            if lang is not None and not os.path.isfile(mo):
                print("# %s is not built" % mo)
                app_ok = False
        envs = {}
        if not (app_ok and tap.step("locales %s available (system or localedef)"
                                    % ", ".join(r[1] for r in RUNS), step_locales,
                                    args, tmp, envs)):
            app_ok = False
        if app_ok:
            import_atspi()
        for lang, name, direction in RUNS:
            what = ("%s: " % name) + ("the English names of CONTRACT.md" if lang is None
                                      else "the %s catalogue" % lang)
            if not app_ok:
                tap.skip(what + ", login page", "no app, catalogue or locale")
                tap.skip(what + ", registration page", "no app, catalogue or locale")
                tap.skip(what + ", supervisor page", "no app, catalogue or locale")
                continue
            desk = Desk(args, tmp, lang, name, envs[name])
            try:
                if tap.step("%s, %s login page" % (what, direction),
                            step_login_page, desk, direction):
                    tap.step("%s, %s registration page and mnemonics" % (what, direction),
                             step_registration_page, desk, direction)
                    tap.step("%s, %s supervisor page and its charts" % (what, direction),
                             step_supervisor_page, desk, direction)
                else:
                    tap.skip(what + ", registration page", "the login page failed")
                    tap.skip(what + ", supervisor page", "the login page failed")
            finally:
                if tap.failed and desk.output():
                    print("# borderdesk (%s) said:" % name)
                    for line in desk.output().splitlines()[-20:]:
                        print("#   " + line)
                desk.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        print("1..%d" % tap.n)
        print("# %.1f s" % (time.monotonic() - t0))
        print("# %d passed, %d failed" % (tap.passed, tap.failed))
        sys.stdout.flush()
    return 0 if tap.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
