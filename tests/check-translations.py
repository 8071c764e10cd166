#!/usr/bin/env python3
"""Every language in po/LINGUAS is complete: its .po compiles with
msgfmt --check and has no untranslated or fuzzy string, and it covers every
string that the current sources mark for translation (extracted afresh with
xgettext, the way meson's i18n 'glib' preset does, so a stale .po fails too).

    check-translations.py SOURCE-ROOT

Prints TAP.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap  # noqa: E402

# The arguments of meson's i18n.gettext(preset: 'glib') (mesonbuild/modules/i18n.py),
# plus the ones meson's gettext helper adds itself.
XGETTEXT_ARGS = [
    "--from-code=UTF-8",
    "--add-comments",
    "--keyword=_",
    "--keyword=N_",
    "--keyword=C_:1c,2",
    "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2",
    "--keyword=g_dngettext:2,3",
    "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format",
    "--flag=C_:2:pass-c-format",
    "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format",
    "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format",
    "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format",
    "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format",
    "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format",
    "--flag=g_printerr:1:c-format",
    "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format",
    "--flag=g_sprintf:2:c-format",
    "--flag=g_snprintf:3:c-format",
]

TOOLS = ("msgfmt", "msgmerge", "msgattrib", "xgettext")

# msgfmt's statistics, in the C locale.
STAT = {
    "translated": re.compile(r"(\d+) translated message"),
    "fuzzy": re.compile(r"(\d+) fuzzy translation"),
    "untranslated": re.compile(r"(\d+) untranslated message"),
}


def run(args, cwd=None):
    env = dict(os.environ, LC_ALL="C", LANGUAGE="C", LANG="C")
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8",
                          errors="replace")


def read_linguas(root):
    langs = []
    for line in (root / "po" / "LINGUAS").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        langs.extend(line.split())
    return langs


def statistics(po):
    """msgfmt --check --statistics: (ok, counts, stderr)."""
    proc = run(["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)])
    counts = {}
    for key, pattern in STAT.items():
        match = pattern.search(proc.stderr)
        counts[key] = int(match.group(1)) if match else 0
    return proc.returncode == 0, counts, proc.stderr


def unquote(text):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def list_msgids(po, selector):
    """The msgids msgattrib SELECTOR prints (without the header)."""
    proc = run(["msgattrib", selector, "--no-wrap", "--no-location", str(po)])
    msgids = []
    current = None
    ctxt = None
    target = None
    for line in proc.stdout.splitlines():
        if line.startswith("msgctxt "):
            ctxt, target = unquote(line[9:-1]), "ctxt"
        elif line.startswith("msgid "):
            current, target = unquote(line[7:-1]), "id"
        elif line.startswith('"') and target == "id":
            current += unquote(line[1:-1])
        elif line.startswith('"') and target == "ctxt":
            ctxt += unquote(line[1:-1])
        elif line.startswith("msgid_plural ") or line.startswith("msgstr"):
            if target == "id" and current:
                msgids.append(f"[{ctxt}] {current}" if ctxt else current)
            if line.startswith("msgstr"):
                ctxt = None
            target = None
    return msgids


def report_strings(tap, po, counts):
    if counts["untranslated"]:
        for msgid in list_msgids(po, "--untranslated"):
            tap.diag(f"untranslated: {msgid!r}")
    if counts["fuzzy"]:
        for msgid in list_msgids(po, "--only-fuzzy"):
            tap.diag(f"fuzzy: {msgid!r}")


def check_complete(tap, root, lang):
    po = root / "po" / f"{lang}.po"
    name = f"po/{lang}.po compiles and has no untranslated or fuzzy string"
    if not po.is_file():
        tap.diag(f"po/LINGUAS names {lang}, but po/{lang}.po does not exist")
        tap.result(False, name)
        return
    ok, counts, stderr = statistics(po)
    if not ok:
        tap.diag(stderr)
    tap.diag(f"{lang}: {counts['translated']} translated, {counts['fuzzy']} fuzzy, "
             f"{counts['untranslated']} untranslated")
    report_strings(tap, po, counts)
    tap.result(ok and counts["fuzzy"] == 0 and counts["untranslated"] == 0 and counts["translated"] > 0,
               name)


def extract(tap, root, tmp):
    """A fresh .pot of the current sources, as meson's webcollect-login-pot makes it."""
    files = [line.strip() for line in (root / "po" / "POTFILES.in").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    missing = [path for path in files if not (root / path).is_file()]
    for path in missing:
        tap.diag(f"listed in po/POTFILES.in but missing: {path}")
    listfile = tmp / "POTFILES"
    listfile.write_text("".join(f"{path}\n" for path in files if path not in missing), encoding="utf-8")
    pot = tmp / "sources.pot"
    proc = run(["xgettext", "--package-name=webcollect-login", "-f", str(listfile), "-D", str(root),
                "-k_", "-o", str(pot)] + XGETTEXT_ARGS, cwd=root)
    if proc.returncode != 0 or not pot.is_file():
        tap.diag(proc.stderr)
        return None
    return pot


def check_covers_sources(tap, root, lang, pot, tmp):
    po = root / "po" / f"{lang}.po"
    name = f"po/{lang}.po translates every string of the current sources"
    if pot is None or not po.is_file():
        if pot is None:
            tap.diag("xgettext could not extract the strings of po/POTFILES.in")
        tap.result(False, name)
        return
    merged = tmp / f"{lang}.merged.po"
    proc = run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--no-wrap", "-o", str(merged), str(po), str(pot)])
    if proc.returncode != 0:
        tap.diag(proc.stderr)
        tap.result(False, name)
        return
    # The fresh .pot's flags (c-format …) apply, so the format check is
    # made against the sources as they are now.
    ok, counts, stderr = statistics(merged)
    if not ok:
        tap.diag(stderr)
    if counts["untranslated"] or counts["fuzzy"]:
        tap.diag(f"the sources have {counts['untranslated'] + counts['fuzzy']} string(s) that po/{lang}.po "
                 f"does not translate; run `meson compile webcollect-login-update-po` or msgmerge, then "
                 f"translate them")
    report_strings(tap, merged, counts)
    tap.result(ok and counts["fuzzy"] == 0 and counts["untranslated"] == 0, name)


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    tap = Tap()
    absent = [tool for tool in TOOLS if shutil.which(tool) is None]
    if absent:
        print(f"1..0 # SKIP gettext tools not found: {', '.join(absent)}")
        return 0
    langs = read_linguas(root)
    if not langs:
        print("1..0 # SKIP po/LINGUAS names no language")
        return 0
    print(f"1..{2 * len(langs)}")
    with tempfile.TemporaryDirectory(prefix="check-translations-") as tmpdir:
        tmp = pathlib.Path(tmpdir)
        pot = extract(tap, root, tmp)
        for lang in langs:
            check_complete(tap, root, lang)
            check_covers_sources(tap, root, lang, pot, tmp)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
