#!/usr/bin/env python3
"""Every source file with strings marked for translation is listed in
po/POTFILES.in, and everything listed there exists.

    check-potfiles.py SOURCE-ROOT
"""
import pathlib
import re
import sys

MARK = re.compile(r"\b(?:N?_|C_|NC_|g_dngettext|ngettext)\s*\(\s*\"")
UI_MARK = re.compile(r'translatable="yes"')
SCHEMA_MARK = re.compile(r"<summary>")


def main():
    root = pathlib.Path(sys.argv[1])
    listed = {line.strip() for line in (root / "po" / "POTFILES.in").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    sources = [(path, MARK) for path in (root / "src").rglob("*.c")]
    sources += [(path, UI_MARK) for path in (root / "src").rglob("*.ui")]
    sources += [(path, SCHEMA_MARK) for path in (root / "data").glob("*.gschema.xml")]
    marked = {str(path.relative_to(root)) for path, mark in sorted(sources)
              if mark.search(path.read_text(encoding="utf-8"))}
    missing = sorted(marked - listed)
    stale = sorted(path for path in listed if not (root / path).exists())
    print("1..2")
    for path in missing:
        print(f"# has translatable strings but is not in po/POTFILES.in: {path}")
    print(f"{'not ok' if missing else 'ok'} 1 every marked file is listed")
    for path in stale:
        print(f"# listed in po/POTFILES.in but missing: {path}")
    print(f"{'not ok' if stale else 'ok'} 2 every listed file exists")
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
