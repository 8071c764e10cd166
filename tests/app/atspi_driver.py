"""Driving webcollect-login from outside, as a person or a screen reader
does: through the accessibility bus (python3-pyatspi) and real X keyboard
input (xdotool), never through the app's code. Shared by the AT-SPI tests.

GTK 4.8 sets no "showing" state and keeps the pages of a stack that are
not shown in the tree, so what is on screen is told from the visible and
sensitive states and the extents inside the window.
"""
import os
import re
import subprocess
import time

# libatspi warns when a bus peer is slow to set up its cache, which
# G_DEBUG=fatal-warnings would turn into a crash of the driver; the app
# under test still gets G_DEBUG from the environment passed to it.
_g_debug = os.environ.pop("G_DEBUG", None)
import pyatspi  # noqa: E402
if _g_debug is not None:
    os.environ["G_DEBUG"] = _g_debug

BUTTONS = (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_PAGE_TAB)
TEXTS = (pyatspi.ROLE_ENTRY, pyatspi.ROLE_PASSWORD_TEXT, pyatspi.ROLE_TEXT)


def find_app(pid, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for app in pyatspi.Registry.getDesktop(0):
            if app is None:
                continue
            try:
                if app.get_process_id() == pid and app.childCount > 0:
                    return app
            except Exception:
                pass
        time.sleep(0.2)
    return None


def windows(app):
    """The app's top-level windows (the main one, the wizard, dialogs)."""
    found = []
    for i in range(app.childCount):
        child = app.getChildAtIndex(i)
        if child is not None and child.getRole() in (pyatspi.ROLE_FRAME, pyatspi.ROLE_WINDOW,
                                                     pyatspi.ROLE_DIALOG):
            found.append(child)
    return found


def walk(node, depth=0):
    yield node, depth
    for i in range(node.childCount):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            child = None
        if child is not None:
            yield from walk(child, depth + 1)


def label_of(node):
    """The name, or the name a labelled-by relation gives."""
    try:
        if node.name:
            return node.name
        for relation in node.getRelationSet():
            if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
                target = relation.getTarget(0)
                if target is not None and target.name:
                    return target.name
    except Exception:
        pass
    return ""


def names(root):
    return [label_of(node) for node, _ in walk(root)]


def wait_for(predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:
            value = None
        if value:
            return value
        time.sleep(0.2)
    return None


def on_screen(node):
    """Visible, with extents of its own (a page not shown has none)."""
    try:
        state = node.getState()
        if not state.contains(pyatspi.STATE_VISIBLE):
            return False
        extents = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        return extents.width > 0 and extents.height > 0
    except Exception:
        return False


def find(root, roles, name, usable=True):
    """The first control of @roles named @name (on screen and sensitive
    when @usable)."""
    for node, _ in walk(root):
        try:
            if node.getRole() not in roles or label_of(node) != name:
                continue
            if usable and not (on_screen(node) and node.getState().contains(pyatspi.STATE_SENSITIVE)):
                continue
            return node
        except Exception:
            continue
    return None


def press(root, name, timeout=20):
    """Presses the button @name once it is usable; False if it never is."""
    node = wait_for(lambda: find(root, BUTTONS, name), timeout)
    if node is None:
        return False
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "activate", "press", "select"):
            return action.doAction(i)
    parent = node.parent
    if parent is not None and parent.getRole() == pyatspi.ROLE_PAGE_TAB_LIST:
        return parent.querySelection().selectChild(node.getIndexInParent())
    return False


def type_into(root, name, text, timeout=20):
    """Puts @text into the field @name (EditableText: CJK safe)."""
    node = wait_for(lambda: find(root, TEXTS, name), timeout)
    if node is None:
        return False
    return node.queryEditableText().setTextContents(text)


def x_window(window):
    """The X window of the top-level @window (GTK 4.8 gives no screen
    positions over AT-SPI, only positions inside the window)."""
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{re.escape(window.name)}$"],
                           capture_output=True, text=True).stdout.split()
    return found[-1] if found else None


def click(window, node):
    """A real mouse click in the middle of @node (GTK 4.8 does not take
    Component.grabFocus)."""
    wid = x_window(window)
    if wid is None:
        return False
    extents = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    subprocess.run(["xdotool", "mousemove", "--window", wid, str(extents.x + extents.width // 2),
                    str(extents.y + extents.height // 2), "click", "1"], check=True)
    return True


def focus(window, name, roles=TEXTS, timeout=20):
    """Puts the keyboard focus in the field @name, by clicking it."""
    node = wait_for(lambda: find(window, roles, name), timeout)
    return node is not None and click(window, node)


def focused(root):
    """The node under @root that has the keyboard focus, or None."""
    for node, _ in walk(root):
        try:
            if node.getState().contains(pyatspi.STATE_FOCUSED):
                return node
        except Exception:
            continue
    return None


def describe_node(node):
    """A node's role and name, for a failure's diagnosis."""
    if node is None:
        return "nothing focused"
    try:
        return f"{node.getRoleName()} {label_of(node)!r}"
    except Exception:
        return "?"


def key(*keys):
    """Real X key presses, as a keyboard makes them."""
    subprocess.run(["xdotool", "key", "--clearmodifiers", *keys], check=True)


def shows(root, text):
    """Some label on screen holds @text."""
    for node, _ in walk(root):
        try:
            if text in label_of(node) and on_screen(node):
                return True
        except Exception:
            continue
    return False


def screenshot(name):
    """The whole screen as DIR/NAME.png when $WC_SCREENSHOT_DIR is set."""
    directory = os.environ.get("WC_SCREENSHOT_DIR")
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    subprocess.run(["import", "-window", "root", os.path.join(directory, name + ".png")], check=True)


# Controls a screen reader must be able to name.
NAMED_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT, pyatspi.ROLE_TEXT, pyatspi.ROLE_SWITCH if hasattr(pyatspi, "ROLE_SWITCH") else -1,
    pyatspi.ROLE_CHECK_BOX, pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_COMBO_BOX,
}
# GTK falls back to the type name when a widget has no accessible name.
TYPE_NAME = re.compile(r"^(Gtk|Adw|Wc)[A-Z][A-Za-z]+$")
# An access key read aloud: "_Log In", "C_hange", or in Japanese "戻る(B)".
MNEMONIC = re.compile(r"(^|\s)_\w|(^|\s)[A-Z][a-z]*_[a-z]|\(_?[A-Z0-9]\)")


def doubled(name):
    """A label read twice: "Log In Log In", or "C_hange Change"."""
    half = len(name) // 2
    for first, second in ((name[:half], name[half + 1:]), (name[:half + 1], name[half + 2:])):
        if len(name) > 2 and name[len(first)] == " " and first.replace("_", "") == second:
            return True
    return False


def unnamed_controls(window):
    """Controls without a name, or with one a screen reader garbles.
    GTK 4.8 sets no "showing" state, so hidden pages are checked too."""
    wrong = []
    for node, _ in walk(window):
        try:
            if node.getRole() not in NAMED_ROLES:
                continue
            name = label_of(node).strip()
        except Exception:
            continue
        if not name or TYPE_NAME.match(name) or MNEMONIC.search(name) or doubled(name):
            parent = label_of(node.parent) if node.parent else "?"
            wrong.append(f"{node.getRoleName()} {name!r} in {parent!r}")
    return wrong


MNEMONIC_MARK = re.compile(r"\s*\(_[A-Za-z0-9]\)|_")


def shown_name(label):
    """A button's accessible name for its (translated) label: the app names
    it without its access key ("C_hange" → "Change", "戻る(_B)" → "戻る")."""
    return MNEMONIC_MARK.sub("", label)


def describe(root):
    """The named controls under @root, for a failure's diagnosis."""
    lines = []
    for node, depth in walk(root):
        try:
            role = node.getRole()
            if role in TEXTS or role in BUTTONS:
                state = node.getState()
                lines.append(f"{node.getRoleName()} {label_of(node)!r} visible={state.contains(pyatspi.STATE_VISIBLE)} "
                             f"sensitive={state.contains(pyatspi.STATE_SENSITIVE)} on_screen={on_screen(node)}")
        except Exception:
            continue
    return lines
