#!/usr/bin/python3
"""The merchant's first run, end to end, through the real window: the way
a person walks it, by keyboard and through the accessibility bus, never
through the app's code.

    test-journey.py WEBCOLLECT-LOGIN

On the demo portal: log in with the initial password, choose a new one
(the current one is not asked again), go straight on to the key, which the
built-in authenticator receives and activates, create one child user of
each role (一般, 出荷), and finish with the new login. Then the logged-in
page, the users list and the authenticator are checked. Runs in the
language of $LANGUAGE (English, or Japanese with the build's catalogue in
$WC_LOCALEDIR); with $WC_SCREENSHOT_DIR a PNG of every step is left there.

Runs inside tests/run-in-session, with metacity for the popovers.
"""
import gettext
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atspi_driver as d  # noqa: E402

NEW_PASSWORD = "Merchant-2026-pass"
TABLET_PASSWORD = "Tablet-2026-pass"
MERCHANT = "123456789"
results = []


def check(ok, what):
    results.append((bool(ok), what))
    print(f"# {'ok' if ok else 'FAILED'}: {what}", flush=True)
    return bool(ok)


def catalogue():
    language = os.environ.get("LANGUAGE", "")
    if language.startswith("ja"):
        return gettext.translation("webcollect-login", os.environ["WC_LOCALEDIR"], languages=["ja"])
    return gettext.NullTranslations()


T = catalogue().gettext
SHOT_PREFIX = "journey-ja-" if os.environ.get("LANGUAGE", "").startswith("ja") else "journey-en-"


def shot(name, *windows):
    """A screenshot of the step, and every control in @windows named so
    that a screen reader can say it."""
    time.sleep(0.5)
    d.screenshot(SHOT_PREFIX + name)
    for window in windows:
        wrong = d.unnamed_controls(window)
        check(not wrong, f"{name}: every control has a usable name" + (f": {wrong}" if wrong else ""))


def pressed(root, label, what, timeout=30):
    """Presses @label's button; on failure, lists what there is."""
    if check(d.press(root, button(label), timeout), what):
        return True
    for line in d.describe(root):
        print(f"#   {line}")
    return False


def button(label):
    return d.shown_name(T(label))


def wizard_of(app):
    return d.wait_for(lambda: next((w for w in d.windows(app) if w.name == T("Switch to the New Login")), None), 30)


def journey(app, window):
    # 1. The first login, with the demo's initial password filled in.
    # (GTK 4.8 gives no text of an entry row over AT-SPI: the demo card
    # shows what the form was filled with.)
    check(d.wait_for(lambda: d.shows(window, T("Initial password")) and d.shows(window, MERCHANT)
                     and d.find(window, d.BUTTONS, button("_Log In")), 60),
          "the demo portal is up, its merchant and initial password filled in")
    shot("1-login", window)
    check(d.focus(window, T("Password")), "the password field takes the focus")
    d.key("Return")

    # 2. A new password; the current one came with the login.
    if not check(d.wait_for(lambda: d.find(window, d.TEXTS, T("New password")), 30), "the first login asks for a new password"):
        for line in d.describe(window):
            print(f"#   {line}")
    check(d.find(window, d.TEXTS, T("Current password")) is None, "the current password is not asked again")
    d.type_into(window, T("New password"), NEW_PASSWORD)
    d.type_into(window, T("Repeat new password"), NEW_PASSWORD)
    shot("2-new-password", window)
    check(d.focus(window, T("Repeat new password")), "the repeat field takes the focus")
    d.key("Return")

    # 3. Straight on to the key: the page's main button.
    pressed(window, "Set _Up the One-Time Password Key", "after the change the page's main button sets up the key")
    shot("3-next-action", window)
    wizard = wizard_of(app)
    if not check(wizard is not None, "the switch opens"):
        return
    active = T("Your secret key is active and kept in the keyring. The built-in authenticator now makes your one-time passwords.")
    check(d.wait_for(lambda: d.shows(wizard, active), 60), "the key is issued into the authenticator and activated")
    shot("4-key", wizard)
    pressed(wizard, "_Next", "Next goes on to the users")

    # 4. One user of each role. The login with the new key comes first,
    # with a code of the next 30-second step.
    check(d.wait_for(lambda: d.find(wizard, d.TEXTS, T("User ID")), 60), "the users form is shown after the login with the new key")
    d.type_into(wizard, T("User ID"), "tanaka")
    d.type_into(wizard, T("Display name"), "田中")
    pressed(wizard, "_Add Another User", "another user can be added")
    time.sleep(0.5)
    forms = [node for node, _ in d.walk(wizard) if node.getRole() in d.TEXTS
             and d.label_of(node) == T("User ID") and d.on_screen(node)]
    check(len(forms) == 2, f"a second form is there ({len(forms)})")
    if len(forms) == 2:
        forms[1].queryEditableText().setTextContents("sato")
        names = [node for node, _ in d.walk(wizard) if node.getRole() in d.TEXTS
                 and d.label_of(node) == T("Display name") and d.on_screen(node)]
        names[1].queryEditableText().setTextContents("佐藤")
        # The role, by keyboard: from the name, Tab to the combo row, open
        # it, and take the second role.
        d.click(wizard, names[1])
        d.key("Tab")
        d.key("Return")
        time.sleep(0.5)
        d.key("Down")
        d.key("Return")
        time.sleep(0.5)
    # A third, filled in and then removed again.
    pressed(wizard, "_Add Another User", "a third user can be added")
    time.sleep(0.5)
    forms = [node for node, _ in d.walk(wizard) if node.getRole() in d.TEXTS
             and d.label_of(node) == T("User ID") and d.on_screen(node)]
    if len(forms) == 3:
        forms[2].queryEditableText().setTextContents("yamada")
    remove = T("Remove %s") % (T("New User %u") % 3)
    check(d.press(wizard, remove), "a user form can be removed")
    check(d.wait_for(lambda: len([node for node, _ in d.walk(wizard) if node.getRole() in d.TEXTS
                                  and d.label_of(node) == T("User ID") and d.on_screen(node)]) == 2, 10),
          "the removed form is gone")
    shot("5-users", wizard)

    # Next with users filled in but not created asks first.
    pressed(wizard, "_Next", "Next with users not created yet")
    question = d.wait_for(lambda: next((w for w in d.windows(app) if d.shows(w, T("Create the Users You Entered?"))), None), 20)
    if check(question is not None, "Next asks what to do with the users not created yet"):
        shot("6-question", question)
        pressed(question, "C_reate and Go On", "they are created, and the switch goes on")
    check(d.wait_for(lambda: d.shows(wizard, T("First New Login")), 60), "the last step follows once they are created")
    pressed(wizard, "_Back", "Back shows the users again")
    check(d.wait_for(lambda: d.shows(wizard, "tanaka") and d.shows(wizard, "sato")
                     and d.shows(wizard, T("Initial Passwords")), 30), "both users are created, with initial passwords")
    check(not d.shows(wizard, "yamada"), "the removed user was not created")
    shot("7-created", wizard)
    pressed(wizard, "_Next", "Next goes on to the first new login")

    # 5. The first new login: one click.
    shot("8-final", wizard)
    pressed(wizard, "_Log In", "one click logs in with the new login")
    check(d.wait_for(lambda: wizard_of_gone(app), 60), "the switch closes when done")

    # 6. The logged-in page, the users, the authenticator.
    check(d.wait_for(lambda: d.shows(window, T("New login")), 30), "the page shows the new login")
    check(d.wait_for(lambda: d.shows(window, "田中") and d.shows(window, "佐藤"), 30),
          "the users list shows both users at once")
    check(d.wait_for(lambda: d.shows(window, T("Shipping")), 10), "the shipping role is shown")
    check(not d.find(window, d.BUTTONS, button("Set _Up the One-Time Password Key")), "no next action is left")
    shot("9-logged-in", window)

    # The old (tablet) password is still the demo's first one: it is said
    # so, and renewed right here from the new login.
    check(d.wait_for(lambda: d.shows(window, T("Still the first password: the tablet (iPad) login refuses it until it is changed. Change it with “Change the Old Password”.")), 20),
          "the old password is shown as still the first one")
    pressed(window, "C_hange…", "the old password can be changed from the new login")
    dialog = d.wait_for(lambda: next((w for w in d.windows(app) if w.name == T("Change the Old Password")), None), 20)
    if check(dialog is not None, "the tablet password form opens"):
        d.type_into(dialog, T("Your login password"), NEW_PASSWORD)
        d.type_into(dialog, T("New password"), TABLET_PASSWORD)
        d.type_into(dialog, T("Repeat new password"), TABLET_PASSWORD)
        shot("9b-tablet-password", dialog)
        # Enter in a field sends a complete form (the repeat field may be
        # below the fold of the dialog in Japanese).
        check(d.focus(dialog, T("New password")), "the new password field takes the focus")
        d.key("Return")
        check(d.wait_for(lambda: all(w.name != T("Change the Old Password") for w in d.windows(app)), 30),
              "the form closes once the portal took the password")
    check(d.wait_for(lambda: not d.shows(window, T("Still the first password")[:20]), 30),
          "the old password is no longer shown as the first one")
    check(d.press(window, T("Authenticator")), "the Authenticator tab")
    code = d.wait_for(lambda: next((n for n in d.names(window) if f"{MERCHANT}@{MERCHANT}" in n
                                    and any(c.isdigit() for c in n)), None), 20)
    check(code, f"the authenticator holds the key ({code!r})")
    shot("10-authenticator", window)

    # Add Token opens with the focus in its first field and closes on
    # Escape, as every dialog does.
    pressed(window, "_Add Token…", "Add Token opens the dialog")
    adding = d.wait_for(lambda: next((w for w in d.windows(app) if w.name == T("Add Token")), None), 20)
    if check(adding is not None, "the Add Token dialog is there"):
        # GTK 4.8 does not say over AT-SPI which entry row has the focus:
        # what is typed at once goes into the link field, and Enter gives
        # the dialog's answer to it.
        time.sleep(0.5)
        d.key("x")
        d.key("Return")
        check(d.wait_for(lambda: d.shows(adding, "otpauth://"), 10),
              "it opens with the focus in the link field: typing and Enter check the link")
        shot("10b-add-token", adding)
        d.key("Escape")
        check(d.wait_for(lambda: all(w.name != T("Add Token") for w in d.windows(app)), 10),
              "Escape closes it")

    # Logged out, the switch is no longer offered: it is done.
    check(d.press(window, T("Login")), "back to the Login tab")
    pressed(window, "_Log Out", "Log Out")
    check(d.wait_for(lambda: d.find(window, d.BUTTONS, button("_Log In")), 20), "the login page is back")
    time.sleep(1)
    check(not d.find(window, d.BUTTONS, T("Switch to the new login")), "the finished switch is no longer offered")
    shot("11-logged-out", window)

    # The keyboard goes along with a tab: after Alt+2 it is in the
    # authenticator, not on the Login tab.
    d.key("alt+2")
    check(d.wait_for(lambda: d.focused(window) is not None
                     and d.focused(window).name not in (T("Login"), T("Authenticator")), 10),
          f"after Alt+2 the focus is inside the page ({d.describe_node(d.focused(window))})")
    d.key("alt+1")
    check(d.wait_for(lambda: d.find(window, d.BUTTONS, button("_Log In")), 10), "Alt+1 is back on the login page")

    # A forgotten old password: asked first, then the demo portal's "mail".
    check(d.press(window, T("Use the old login")), "the old login")
    check(d.press(window, T("Forgot your password?")), "Forgot your password?")
    question = d.wait_for(lambda: next((w for w in d.windows(app) if d.shows(w, T("Reset the Old Password?"))), None), 20)
    if check(question is not None, "the reset asks first"):
        check(d.shows(question, T("This is the demo portal: it sends no mail. Its message waits in the portal's outbox, and this app shows it to you.")[:30]),
              "it says where the temporary password goes")
        shot("12-reset-question", question)
        pressed(question, "_Send a Temporary Password", "the reset is confirmed")
    pressed(window, "Show the Demo Portal's _Mail", "the demo portal's mail can be opened")
    mail = d.wait_for(lambda: next((w for w in d.windows(app) if d.shows(w, T("Mail from the Demo Portal"))), None), 20)
    if check(mail is not None, "the demo mail is shown"):
        check(T("Temporary password") in d.names(mail), "it holds the temporary password")
        shot("13-demo-mail", mail)
        pressed(mail, "_Fill It In", "the temporary password is filled in")
        check(d.wait_for(lambda: not any(d.shows(w, T("Mail from the Demo Portal")) for w in d.windows(app)), 10),
              "the mail closes")
    check(d.press(window, T("Back to the new login")), "back to the new login")


def wizard_of_gone(app):
    return all(w.name != T("Switch to the New Login") for w in d.windows(app))


def main():
    app_path = sys.argv[1]
    env = dict(os.environ, GTK_A11Y="atspi", NO_AT_BRIDGE="0")
    wm = subprocess.Popen(["metacity", "--replace"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    app = subprocess.Popen([app_path, "--demo"], env=env)
    try:
        accessible = d.find_app(app.pid)
        if not check(accessible is not None, "the app is on the accessibility bus"):
            return
        window = d.wait_for(lambda: next(iter(d.windows(accessible)), None))
        if not check(window is not None, "the window is there"):
            return
        journey(accessible, window)
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
        wm.terminate()
        wm.wait(10)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a crash is a failure, not a missing plan
        import traceback
        for line in traceback.format_exc().splitlines():
            print(f"# {line}")
        check(False, f"unexpected error: {error!r}")
    print(f"1..{len(results)}")
    for number, (ok, what) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {number} {what}")
    sys.exit(0 if all(ok for ok, _ in results) else 1)
