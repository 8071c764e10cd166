#!/usr/bin/env python3
"""No two access keys (mnemonics, the underlined letter of "_Cancel")
collide where they are visible together, in English or in any language of
po/LINGUAS; and every translation keeps the access key of its English
string.

    check-mnemonics.py SOURCE-ROOT

What is "visible together":
- a .ui template: every mnemonic of the file outside its <menu> elements,
  together with the labels that the file's C code puts on the template's
  own widgets (a function of the same-named .c file that builds no dialog
  and no menu of its own);
- each <menu> of a .ui file;
- each function of a .c file that builds a dialog or a menu (it calls
  adw_message_dialog_*, wc_ui_question_new, add_menu_item, g_menu_* or a
  file chooser): the mnemonics of its own strings.

The catalogues are compiled with msgfmt and read with Python's gettext.

Prints TAP.
"""
import gettext
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap  # noqa: E402

# _("…"), N_("…") and C_("context", "…") in C, with adjacent literals joined.
C_STRING = r'"(?:[^"\\]|\\.)*"'
C_CALL = re.compile(
    r'\b(?:(?P<plain>N?_)\s*\(\s*(?P<text>(?:' + C_STRING + r'\s*)+)\)'
    r'|C_\s*\(\s*(?P<ctx>' + C_STRING + r')\s*,\s*(?P<ctext>(?:' + C_STRING + r'\s*)+)\))')
# A function body: a line that is just "{" up to the next line that is just "}".
C_FUNCTION = re.compile(r'^\{\n(.*?)^\}\n', re.M | re.S)
# The name of a function, at the start of the line that opens its arguments.
FUNCTION_NAME = re.compile(r'^([A-Za-z_]\w*)\s*\(', re.M)
# A function that builds its own dialog or menu.
OWN_SURFACE = re.compile(r'adw_message_dialog_|\bwc_ui_question_new\b|\badd_menu_item\b|\bg_menu_|gtk_file_chooser_native_new'
                         r'|gtk_file_dialog_')
# Translatable properties and attributes that may carry an access key.
MNEMONIC_NAMES = {"label", "title"}


def c_literal(text):
    """The value of adjacent C string literals."""
    parts = re.findall(C_STRING, text)
    return "".join(bytes(p[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
                   for p in parts)


def access_key(text):
    """The access key of @text, lower-cased, or None. "__" is a literal
    underscore."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "_":
            if text[i + 1] == "_":
                i += 2
                continue
            if text[i + 1].isalnum():
                return text[i + 1].lower()
        i += 1
    return None


def bare(text):
    """@text without its access key and its trailing ellipsis."""
    text = re.sub(r"\(_[A-Za-z0-9]\)", "", text)
    return text.replace("_", "").rstrip("…").strip()


class Entry:
    def __init__(self, where, msgid, context=None):
        self.where = where
        self.msgid = msgid
        self.context = context


def ui_groups(path, rel):
    """{group name: [Entry]} of a .ui file."""
    tree = ET.parse(path)
    template = []
    menus = {}
    in_menu = set()
    for menu in tree.iter("menu"):
        name = f"{rel} <menu id={menu.get('id')}>"
        menus[name] = []
        for node in menu.iter():
            in_menu.add(node)
            if node.tag == "attribute" and node.get("translatable") == "yes" and node.get("name") == "label":
                menus[name].append(Entry(f"{rel}: menu {menu.get('id')}", node.text or "", node.get("context")))
    for node in tree.iter():
        if node in in_menu or node.tag != "property" or node.get("translatable") != "yes":
            continue
        if node.get("name") in MNEMONIC_NAMES:
            template.append(Entry(rel, node.text or "", node.get("context")))
    groups = {f"{rel} (template)": template}
    groups.update(menus)
    return groups


def c_groups(path, rel):
    """({group name: [Entry]} of dialogs and menus, [Entry] for the
    template) of a .c file."""
    source = path.read_text(encoding="utf-8")
    functions = []
    for match in C_FUNCTION.finditer(source):
        body = match.group(1)
        line = source.count("\n", 0, match.start()) + 1
        names = FUNCTION_NAME.findall(source, 0, match.start())
        entries = []
        for call in C_CALL.finditer(body):
            if call.group("plain"):
                entries.append(Entry(f"{rel}:{line}", c_literal(call.group("text"))))
            else:
                entries.append(Entry(f"{rel}:{line}", c_literal(call.group("ctext")), c_literal(call.group("ctx"))))
        entries = [e for e in entries if access_key(e.msgid)]
        functions.append((names[-1] if names else f"line {line}", body, entries))

    surfaces = {name: entries for name, body, entries in functions if OWN_SURFACE.search(body)}
    own = {}
    template = []
    for name, body, entries in functions:
        helpers = [h for h in surfaces if h != name and re.search(r"\b" + re.escape(h) + r"\s*\(", body)]
        if name in surfaces:
            if entries:
                own[f"{rel}: {name} ()"] = list(entries)
        elif helpers:
            # Its labels go on the dialog that the helper builds.
            for helper in helpers:
                own[f"{rel}: {name} () through {helper} ()"] = entries + surfaces[helper]
        else:
            template.extend(entries)
    return own, template


def catalogues(root, work):
    langs = [l.strip() for l in (root / "po" / "LINGUAS").read_text().splitlines()
             if l.strip() and not l.startswith("#")]
    result = {"en": None}
    for lang in langs:
        mo = work / f"{lang}.mo"
        subprocess.run(["msgfmt", "-o", str(mo), str(root / "po" / f"{lang}.po")], check=True)
        with open(mo, "rb") as f:
            result[lang] = gettext.GNUTranslations(f)
    return result


def translate(catalogue, entry):
    if catalogue is None:
        return entry.msgid
    if entry.context is not None:
        return catalogue.pgettext(entry.context, entry.msgid)
    return catalogue.gettext(entry.msgid)


def main():
    root = pathlib.Path(sys.argv[1])
    app = root / "src" / "app"
    tap = Tap()

    groups = {}
    for ui in sorted(app.glob("*.ui")):
        groups.update(ui_groups(ui, ui.relative_to(root).as_posix()))
    for c in sorted(app.glob("*.c")):
        rel = c.relative_to(root).as_posix()
        own, template = c_groups(c, rel)
        groups.update(own)
        ui = c.with_suffix(".ui")
        if template:
            key = f"{ui.relative_to(root).as_posix()} (template)" if ui.exists() else f"{rel} (widgets)"
            groups.setdefault(key, []).extend(template)

    with tempfile.TemporaryDirectory() as tmp:
        cats = catalogues(root, pathlib.Path(tmp))

    total = sum(1 for g in groups.values() for e in g if access_key(e.msgid))
    tap.result(total > 20, f"the sources hold access keys ({total} found)")

    for lang, catalogue in cats.items():
        # Every translation keeps an access key where the English has one.
        lost = []
        for group in groups.values():
            for entry in group:
                if access_key(entry.msgid) and not access_key(translate(catalogue, entry)):
                    lost.append(f"{entry.where}: {entry.msgid!r} → {translate(catalogue, entry)!r}")
        if lang != "en":
            for line in sorted(set(lost)):
                tap.diag(line)
            tap.result(not lost, f"{lang}: every translated label keeps its access key")

        # One action, one key: the same words have the same key everywhere
        # ("_Delete" in the dialog, "_Delete…" in the menu).
        keys = {}
        for group in groups.values():
            for entry in group:
                text = translate(catalogue, entry)
                key = access_key(text)
                if key is not None:
                    keys.setdefault(bare(text), {}).setdefault(key, text)
        differ = {words: found for words, found in keys.items() if len(found) > 1}
        for words, found in sorted(differ.items()):
            tap.diag(f"{words!r}: " + ", ".join(repr(t) for t in found.values()))
        tap.result(not differ, f"{lang}: the same words have the same access key everywhere")

        for name, group in sorted(groups.items()):
            seen = {}
            clashes = []
            for entry in group:
                text = translate(catalogue, entry)
                key = access_key(text)
                if key is None:
                    continue
                other = seen.get(key)
                if other is not None and other != text:
                    clashes.append(f"Alt+{key.upper()}: {other!r} and {text!r}")
                seen.setdefault(key, text)
            for line in clashes:
                tap.diag(line)
            tap.result(not clashes, f"{lang}: no access key twice in {name}")

    print(f"1..{tap.count}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
