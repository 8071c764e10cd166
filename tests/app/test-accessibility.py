#!/usr/bin/python3
"""Black-box check of webcollect-login through the accessibility bus, as a
screen reader sees it: every input, button, switch and code label has a
meaningful name, and a token's code and time left can be read aloud.

    test-accessibility.py WEBCOLLECT-LOGIN WEBCOLLECT-OTP

Runs inside tests/run-in-session. Uses Debian's python3-pyatspi, hence
/usr/bin/python3.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atspi_driver import find_app, names, press, unnamed_controls, wait_for, windows  # noqa: E402

URI = ("otpauth://totp/Kuroneko%20Web%20Collect:tanaka%40123456789"
       "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Kuroneko%20Web%20Collect")
results = []


def check(ok, what):
    results.append((bool(ok), what))


def main():
    app_path, otp_path = sys.argv[1], sys.argv[2]
    env = dict(os.environ, GTK_A11Y="atspi", NO_AT_BRIDGE="0")

    # A token in the keyring, so that the authenticator shows a code.
    subprocess.run([otp_path, "add"], input=URI.encode(), check=True, env=env,
                   stdout=subprocess.DEVNULL)

    app = subprocess.Popen([app_path, "--demo"], env=env)
    try:
        accessible = find_app(app.pid)
        check(accessible is not None, "the app is on the accessibility bus")
        if accessible is None:
            return
        window = wait_for(lambda: next(iter(windows(accessible)), None))
        check(window is not None and window.name, f"the window has a name ({window.name if window else None!r})")

        # The login page once the demo portal is up.
        shown = wait_for(lambda: "User ID" in names(window) and "Password" in names(window), 60)
        check(shown, "the login page shows named fields: Merchant code, User ID, Password")
        for name in ("Merchant code", "User ID", "Password", "One-time password (filled in for you)",
                     "Remember password in the keyring", "Log In", "Main Menu", "Show or hide the password"):
            check(name in names(window), f"“{name}” is named")
        missing = unnamed_controls(window)
        check(not missing, "every control of the login page has a name" + (f": missing {missing}" if missing else ""))

        # The authenticator: the code and the time left can be read.
        check(press(window, "Authenticator"), "the Authenticator tab can be pressed")
        code = wait_for(lambda: next((n for n in names(window) if n.startswith("Code ")), None))
        check(code and "Kuroneko Web Collect" in code and "tanaka@123456789" in code,
              f"the code label reads the code and whose it is ({code!r})")
        left = wait_for(lambda: next((n for n in names(window) if n.endswith("seconds left") or n.endswith("second left")), None))
        check(left, f"the countdown reads the time left ({left!r})")
        missing = unnamed_controls(window)
        check(not missing, "every control of the authenticator has a name" + (f": missing {missing}" if missing else ""))
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a crash is a failure, not a missing plan
        check(False, f"unexpected error: {error!r}")
    print(f"1..{len(results)}")
    for number, (ok, what) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {number} {what}")
    sys.exit(0 if all(ok for ok, _ in results) else 1)
