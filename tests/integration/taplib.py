"""taplib.py: the TAP runner the integration scripts share (stdlib only)."""

import sys
import traceback


def run(tests, new_case, failure, show_argv, after_failure=None):
    """Runs every fn(case) of @tests, or those named on the command line,
    each with a fresh new_case(name), and prints TAP.  A failure prints its
    message (a traceback for anything but @failure), the case's last three
    commands as show_argv(argv) with their exit status and first stderr
    lines, then the lines after_failure(case) gives.  Every case is cleaned
    up.  Returns the exit status: 1 when anything failed."""
    only = sys.argv[1:]
    tests = [f for f in tests if not only or f.__name__ in only]
    print("1..%d" % len(tests))
    sys.stdout.flush()
    failed = 0
    for n, fn in enumerate(tests, 1):
        t = new_case(fn.__name__)
        try:
            fn(t)
        except Exception as exc:  # noqa: BLE001 - report every failure as TAP
            failed += 1
            print("not ok %d - %s" % (n, fn.__name__))
            if isinstance(exc, failure):
                msg = str(exc)
            else:
                msg = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            for line in msg.splitlines():
                print("# " + line)
            for argv, rc, out, err in t.log[-3:]:
                print("#   $ %s  -> exit %d" % (show_argv(argv), rc))
                for line in (err.strip().splitlines())[:5]:
                    print("#     stderr: " + line)
            for line in (after_failure(t) if after_failure is not None else []):
                print("# " + line)
        else:
            print("ok %d - %s" % (n, fn.__name__))
        finally:
            t.cleanup()
        sys.stdout.flush()
    print("# %d passed, %d failed" % (len(tests) - failed, failed))
    return 1 if failed else 0


def admin_argv(argv):
    """A borderdesk-admin command line, long arguments cut short."""
    return "borderdesk-admin " + " ".join(a if len(a) <= 60 else a[:57] + "..." for a in argv)
