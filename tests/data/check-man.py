#!/usr/bin/env python3
"""A manual page says what the program's --help says: every command listed
by `PROGRAM --help` is a COMMANDS entry of the page and back, and every long
option (--foo) printed by `PROGRAM --help` and `PROGRAM COMMAND --help` is in
the page and back. Then the page is checked by groff and man for warnings,
when they are installed.

    check-man.py PROGRAM MANPAGE

Runs under LC_ALL=C.UTF-8 LANGUAGE=C, so --help is in English. Prints TAP.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import Tap  # noqa: E402

ENV = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="C", LANG="C.UTF-8")
LONG_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def run(args):
    return subprocess.run(args, env=ENV, capture_output=True, text=True, encoding="utf-8", errors="replace")


def help_commands(text):
    """The names in the Commands: section of the top-level --help, as word lists."""
    commands = []
    inside = False
    for line in text.splitlines():
        if line.strip() == "Commands:":
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            name = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
            commands.append(name.split())
    return commands


def roff_text(page):
    """The page without comments, with roff's \\- turned into plain hyphens."""
    lines = [line for line in page.splitlines() if not line.startswith('.\\"')]
    text = "\n".join(lines)
    return text.replace("\\-", "-").replace("\\&", "")


def section(text, name):
    match = re.search(rf"^\.SH {re.escape(name)}\s*$(.*?)(?=^\.SH |\Z)", text, re.M | re.S)
    return match.group(1) if match else ""


def man_commands(text):
    """The headings of the COMMANDS section's .TP items, as word lists."""
    commands = []
    lines = section(text, "COMMANDS").splitlines()
    for i, line in enumerate(lines):
        if line.startswith(".TP") and i + 1 < len(lines):
            heading = re.sub(r"^\.[A-Z]+\s*", "", lines[i + 1])
            words = re.findall(r"[A-Za-z][\w-]*", heading.replace('"', " ").replace("|", " "))
            commands.append(words)
    return commands


def main():
    program, manpage = sys.argv[1], sys.argv[2]
    name = os.path.basename(program)
    tap = Tap()
    print("1..6")

    top = run([program, "--help"])
    commands = help_commands(top.stdout)
    outputs = {"--help": top.stdout}
    problems = [] if top.returncode == 0 else [f"{name} --help exited {top.returncode}: {top.stderr}"]
    for words in commands:
        proc = run([program, words[0], "--help"])
        outputs[f"{words[0]} --help"] = proc.stdout
        if proc.returncode != 0:
            problems.append(f"{name} {words[0]} --help exited {proc.returncode}: {proc.stderr}")
    if not commands:
        problems.append(f"{name} --help lists no commands")
    tap.result(not problems, f"{name} --help and every command's --help run", problems)

    with open(manpage, encoding="utf-8") as handle:
        text = roff_text(handle.read())
    documented = man_commands(text)

    first_words = {words[0] for words in documented if words}
    missing = [" ".join(words) for words in commands if words[0] not in first_words]
    for words in commands:
        heading = next((d for d in documented if d and d[0] == words[0]), None)
        if heading is not None and not set(words) <= set(heading):
            missing.append(f"{' '.join(words)} (the COMMANDS entry reads {' '.join(heading)!r})")
    tap.result(not missing, f"every command of {name} --help is in the COMMANDS section",
               [f"not in the page: {command}" for command in missing])

    listed = {words[0] for words in commands}
    extra = sorted(word for word in first_words if word not in listed)
    tap.result(not extra, "every command in the COMMANDS section is in --help",
               [f"not in --help: {command}" for command in extra])

    help_options = {option for output in outputs.values() for option in LONG_OPTION.findall(output)}
    page_options = set(LONG_OPTION.findall(text))
    undocumented = sorted(help_options - page_options)
    tap.result(not undocumented, "every long option in --help is in the page",
               [f"not in the page: {option}" for option in undocumented])

    # --version is answered by every program but listed by no --help.
    version = run([program, "--version"])
    known = help_options | ({"--version"} if version.returncode == 0 and name in version.stdout else set())
    unknown = sorted(page_options - known)
    tap.result(not unknown, "every long option in the page is in --help",
               [f"not in any --help: {option}" for option in unknown])

    lint = []
    tools = []
    if shutil.which("groff"):
        tools.append("groff")
        proc = run(["groff", "-man", "-ww", "-z", "-Tutf8", manpage])
        lint += [line for line in (proc.stderr.splitlines()) if line.strip()]
        if proc.returncode != 0:
            lint.append(f"groff exited {proc.returncode}")
    if shutil.which("man"):
        tools.append("man")
        proc = run(["man", "--warnings", "-l", manpage])
        lint += [line for line in proc.stderr.splitlines() if line.strip()]
        if proc.returncode != 0:
            lint.append(f"man exited {proc.returncode}")
    if tools:
        tap.result(not lint, f"{' and '.join(tools)} find nothing to warn about", lint)
    else:
        tap.count += 1
        print(f"ok {tap.count} # SKIP neither groff nor man is installed")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
