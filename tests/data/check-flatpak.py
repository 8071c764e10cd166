#!/usr/bin/env python3
"""What can be checked of the Flatpak manifest without its runtime: it
parses (and flatpak-builder --show-manifest accepts it without unknown keys,
when flatpak-builder is installed), every downloaded source is pinned by a
sha256, the sandbox gets exactly the permissions it needs and no access to
the Secret Service, the bundle includes the modules the app links, and the
app id is the same in the manifest, the desktop file, the metainfo and the
GSettings schema.

    check-flatpak.py SOURCE-ROOT APPLICATION-ID

Prints TAP.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import Tap  # noqa: E402

FINISH_ARGS = {"--share=network", "--socket=wayland", "--socket=fallback-x11", "--device=dri", "--share=ipc"}
MODULES = ["oath-toolkit", "qrencode", "zbar", "libargon2"]
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def all_modules(modules):
    for module in modules:
        if isinstance(module, dict):
            yield module
            yield from all_modules(module.get("modules", []))


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    app_id = sys.argv[2]
    path = root / "flatpak" / f"{app_id}.json"
    tap = Tap()
    print("1..9")

    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        problems = []
    except (OSError, ValueError) as error:
        manifest = {}
        problems = [f"{path}: {error}"]
    tap.result(not problems, "the manifest parses as JSON", problems)

    builder = shutil.which("flatpak-builder")
    if builder is None:
        tap.skip("flatpak-builder --show-manifest accepts the manifest", "flatpak-builder is not installed")
    else:
        env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="C")
        proc = subprocess.run([builder, "--show-manifest", str(path)], env=env, capture_output=True, text=True,
                              cwd=path.parent)
        complaints = [line for line in proc.stderr.splitlines() if "WARNING" in line or "rror" in line]
        tap.result(proc.returncode == 0 and not complaints,
                   "flatpak-builder --show-manifest accepts the manifest without unknown keys",
                   complaints + ([f"exit {proc.returncode}: {proc.stderr}"] if proc.returncode else []))

    problems = []
    for key, value in (("runtime", "org.gnome.Platform"), ("sdk", "org.gnome.Sdk"), ("command", "webcollect-login")):
        if manifest.get(key) != value:
            problems.append(f"{key} is {manifest.get(key)!r}, not {value!r}")
    if not re.fullmatch(r"\d+", str(manifest.get("runtime-version", ""))):
        problems.append(f"runtime-version {manifest.get('runtime-version')!r} is not a GNOME release number")
    tap.result(not problems, "it builds webcollect-login on a GNOME runtime", problems)

    args = manifest.get("finish-args", [])
    problems = []
    if sorted(args) != sorted(FINISH_ARGS) or len(args) != len(FINISH_ARGS):
        problems.append(f"finish-args are {args}, not exactly {sorted(FINISH_ARGS)}")
    tap.result(not problems, "finish-args are exactly network, wayland, fallback-x11, dri and ipc", problems)

    secrets = [arg for arg in args if "org.freedesktop.secrets" in arg]
    tap.result(not secrets, "no finish-arg talks to org.freedesktop.secrets",
               [f"found: {arg}" for arg in secrets])

    modules = list(all_modules(manifest.get("modules", [])))
    names = [module.get("name") for module in modules]
    missing = [name for name in MODULES if name not in names]
    app = modules[-1] if modules else {}
    problems = [f"no module {name}" for name in missing]
    if app.get("name") != "webcollect-login" or app.get("buildsystem") != "meson":
        problems.append("the last module is not webcollect-login built with meson")
    if not any(source.get("type") == "dir" and source.get("path") == ".." for source in app.get("sources", [])):
        problems.append("the app module does not build this tree (a dir source with path ..)")
    tap.result(not problems, "it builds liboath, qrencode, zbar and libargon2, then the app from this tree", problems)

    problems = []
    for module in modules:
        for source in module.get("sources", []):
            if not isinstance(source, dict):
                problems.append(f"{module.get('name')}: a source given by file name cannot be checked")
                continue
            kind = source.get("type")
            if kind in ("archive", "file"):
                if not SHA256.match(str(source.get("sha256", ""))):
                    problems.append(f"{module.get('name')}: {source.get('url') or source.get('path')} has no sha256")
                if "url" in source and not str(source["url"]).startswith("https://"):
                    problems.append(f"{module.get('name')}: {source['url']} is not https")
            elif kind == "git":
                if not re.fullmatch(r"[0-9a-f]{40}", str(source.get("commit", ""))):
                    problems.append(f"{module.get('name')}: git source without a pinned commit")
            elif kind != "dir":
                problems.append(f"{module.get('name')}: source type {kind!r} is not checked here")
    tap.result(not problems, "every downloaded source is pinned by https and sha256", problems)

    ids = {"manifest id": manifest.get("id") or manifest.get("app-id")}
    desktop = sorted((root / "data").glob("*.desktop.in"))
    ids["desktop file"] = desktop[0].name[:-len(".desktop.in")] if len(desktop) == 1 else f"{len(desktop)} desktop files"
    try:
        metainfo = ET.parse(root / "data" / f"{app_id}.metainfo.xml.in").getroot()
        ids["metainfo <id>"] = metainfo.findtext("id")
        launchable = metainfo.findtext("launchable") or ""
        ids["metainfo <launchable>"] = launchable[:-len(".desktop")] if launchable.endswith(".desktop") else launchable
    except (OSError, ET.ParseError) as error:
        ids["metainfo"] = str(error)
    try:
        schema = ET.parse(root / "data" / f"{app_id}.gschema.xml").getroot()
        ids["schema id"] = [element.get("id") for element in schema.iter("schema")][0]
    except (OSError, ET.ParseError, IndexError) as error:
        ids["schema"] = str(error)
    wrong = [f"{where}: {value!r}" for where, value in ids.items() if value != app_id]
    tap.result(not wrong, f"the app id is {app_id} in the manifest, desktop file, metainfo and schema", wrong)

    desktop_exec = ""
    if len(desktop) == 1:
        match = re.search(r"^Exec=(\S+)", desktop[0].read_text(encoding="utf-8"), re.M)
        desktop_exec = match.group(1) if match else ""
    tap.result(desktop_exec == manifest.get("command"), "the desktop file starts the manifest's command",
               [] if desktop_exec == manifest.get("command") else [f"Exec={desktop_exec}"])
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
