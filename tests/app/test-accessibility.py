#!/usr/bin/python3
"""Black-box check of webcollect-login through the accessibility bus, as a
screen reader sees it: every input, button, switch and code label has a
meaningful name, and a token's code and time left can be read aloud.

    test-accessibility.py WEBCOLLECT-LOGIN WEBCOLLECT-OTP

Runs inside tests/run-in-session. Uses Debian's python3-pyatspi, hence
/usr/bin/python3.
"""
import os
import re
import subprocess
import sys
import time

# libatspi warns when a bus peer is slow to set up its cache, which
# G_DEBUG=fatal-warnings would turn into a crash of this driver; the app
# under test still gets G_DEBUG from the environment passed to it.
_g_debug = os.environ.pop("G_DEBUG", None)
import pyatspi  # noqa: E402
if _g_debug is not None:
    os.environ["G_DEBUG"] = _g_debug

URI = ("otpauth://totp/Kuroneko%20Web%20Collect:tanaka%40123456789"
       "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Kuroneko%20Web%20Collect")
NAMED_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT, pyatspi.ROLE_TEXT, pyatspi.ROLE_SWITCH if hasattr(pyatspi, "ROLE_SWITCH") else -1,
    pyatspi.ROLE_CHECK_BOX, pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_COMBO_BOX,
}
results = []


def check(ok, what):
    results.append((bool(ok), what))


def find_app(pid, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            if app is None:
                continue
            try:
                if app.get_process_id() == pid and app.childCount > 0:
                    return app
            except Exception:
                pass
        time.sleep(0.2)
    return None


def walk(node, depth=0):
    yield node, depth
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is not None:
            yield from walk(child, depth + 1)


# GTK falls back to the type name when a widget has no accessible name.
TYPE_NAME = re.compile(r"^(Gtk|Adw|Wc)[A-Z][A-Za-z]+$")
# A mnemonic read aloud ("_Log In"), or a label read twice ("Log In Log In").
MNEMONIC = re.compile(r"(^|\s)_\w")


def doubled(name):
    half = len(name) // 2
    return len(name) > 2 and name[half] == " " and name[:half] == name[half + 1:]


def label_of(node):
    """The name, or the name a labelled-by relation gives."""
    if node.name:
        return node.name
    for relation in node.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            target = relation.getTarget(0)
            if target is not None and target.name:
                return target.name
    return ""


def unnamed_controls(window):
    """Controls without a name, or with one a screen reader garbles.
    GTK 4.8 sets no "showing" state, so hidden pages are checked too."""
    wrong = []
    for node, _ in walk(window):
        if node.getRole() not in NAMED_ROLES:
            continue
        name = label_of(node).strip()
        if not name or TYPE_NAME.match(name) or MNEMONIC.search(name) or doubled(name):
            parent = label_of(node.parent) if node.parent else "?"
            wrong.append(f"{node.getRoleName()} {name!r} in {parent!r}")
    return wrong


def names(window):
    return [label_of(node) for node, _ in walk(window)]


def wait_for(predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


def press(window, name):
    for node, _ in walk(window):
        if node.getRole() in (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON,
                              pyatspi.ROLE_PAGE_TAB) and label_of(node) == name:
            try:
                action = node.queryAction()
            except NotImplementedError:
                action = None
            for i in range(action.nActions if action else 0):
                if action.getName(i) in ("click", "activate", "press", "select"):
                    action.doAction(i)
                    return True
            # A tab without actions is chosen through its tab list.
            parent = node.parent
            if parent is not None and parent.getRole() == pyatspi.ROLE_PAGE_TAB_LIST:
                parent.querySelection().selectChild(node.getIndexInParent())
                return True
    return False


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
        window = wait_for(lambda: next((accessible.getChildAtIndex(i) for i in range(accessible.childCount)
                                         if accessible.getChildAtIndex(i) is not None
                                         and accessible.getChildAtIndex(i).getRole() in (pyatspi.ROLE_FRAME, pyatspi.ROLE_WINDOW)), None))
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
