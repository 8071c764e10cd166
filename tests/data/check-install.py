#!/usr/bin/env python3
"""`meson install` gives a complete installed app: it installs the build
into a temporary DESTDIR and checks that every file the desktop needs is
there, that the desktop file and the metainfo carry their Japanese
translations, that the installed schema compiles and that the installed
programs run.

    check-install.py MESON BUILD-DIR APPLICATION-ID PREFIX BINDIR DATADIR MANDIR LOCALEDIR

The directories are meson's options (prefix absolute, the others relative
to it or absolute). The build is already complete when tests run, so the
install uses --no-rebuild and cannot disturb a parallel build. Prints TAP.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import Tap  # noqa: E402

ENV = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="C")


def under(destdir, prefix, directory):
    path = pathlib.PurePosixPath(prefix) / directory
    return destdir / str(path).lstrip("/")


def main():
    meson, build, app_id, prefix, bindir, datadir, mandir, localedir = sys.argv[1:9]
    tap = Tap()
    with tempfile.TemporaryDirectory(prefix="wc-install-") as tmp:
        destdir = pathlib.Path(tmp) / "root"
        bin_dir = under(destdir, prefix, bindir)
        data_dir = under(destdir, prefix, datadir)
        man_dir = under(destdir, prefix, mandir)
        locale_dir = under(destdir, prefix, localedir)
        expected = {
            "webcollect-login": bin_dir / "webcollect-login",
            "webcollect-otp": bin_dir / "webcollect-otp",
            "webcollect-portal": bin_dir / "webcollect-portal",
            "desktop file": data_dir / "applications" / f"{app_id}.desktop",
            "metainfo": data_dir / "metainfo" / f"{app_id}.metainfo.xml",
            "D-Bus service": data_dir / "dbus-1" / "services" / f"{app_id}.service",
            "schema": data_dir / "glib-2.0" / "schemas" / f"{app_id}.gschema.xml",
            "scalable icon": data_dir / "icons" / "hicolor" / "scalable" / "apps" / f"{app_id}.svg",
            "symbolic icon": data_dir / "icons" / "hicolor" / "symbolic" / "apps" / f"{app_id}-symbolic.svg",
            "Japanese catalogue": locale_dir / "ja" / "LC_MESSAGES" / "webcollect-login.mo",
            "webcollect-otp(1)": man_dir / "man1" / "webcollect-otp.1",
            "webcollect-portal(1)": man_dir / "man1" / "webcollect-portal.1",
        }
        print(f"1..{len(expected) + 6}")

        proc = subprocess.run([meson, "install", "-C", build, "--destdir", str(destdir), "--no-rebuild", "--quiet"],
                              env=ENV, capture_output=True, text=True)
        tap.result(proc.returncode == 0, "meson install --destdir succeeds",
                   [] if proc.returncode == 0 else [proc.stdout, proc.stderr])

        for name, path in expected.items():
            tap.result(path.is_file(), f"installs the {name}",
                       [] if path.is_file() else [f"missing: {path.relative_to(destdir)}"])

        runs = []
        for name in ("webcollect-otp", "webcollect-portal", "webcollect-login"):
            path = expected[name]
            if not os.access(path, os.X_OK):
                runs.append(f"{name} is not installed as an executable")
                continue
            proc = subprocess.run([str(path), "--version"], env=ENV, capture_output=True, text=True)
            if proc.returncode != 0 or name not in proc.stdout:
                runs.append(f"{name} --version: exit {proc.returncode}, {proc.stdout!r} {proc.stderr!r}")
        tap.result(not runs, "the installed programs run (--version)", runs)

        desktop = expected["desktop file"]
        text = desktop.read_text(encoding="utf-8") if desktop.is_file() else ""
        wanted = ["Name[ja]=webコレクト ログイン", "Keywords[ja]=", "Comment[ja]=", "Icon=" + app_id,
                  "DBusActivatable=true"]
        missing = [line for line in wanted if line not in text]
        tap.result(not missing, "the installed desktop file carries the Japanese name, comment and keywords",
                   [f"missing: {line}" for line in missing])

        service = expected["D-Bus service"]
        text = service.read_text(encoding="utf-8") if service.is_file() else ""
        exec_line = f"Exec={pathlib.PurePosixPath(prefix) / bindir / 'webcollect-login'} --gapplication-service"
        wanted = [f"Name={app_id}", exec_line]
        missing = [line for line in wanted if line not in text.splitlines()]
        tap.result(not missing, "the D-Bus service starts the installed app as a GApplication service",
                   [f"missing: {line}" for line in missing])

        metainfo = expected["metainfo"]
        text = metainfo.read_text(encoding="utf-8") if metainfo.is_file() else ""
        wanted = ['<name xml:lang="ja">webコレクト ログイン</name>', '<summary xml:lang="ja">',
                  '<caption xml:lang="ja">']
        missing = [line for line in wanted if line not in text]
        tap.result(not missing, "the installed metainfo carries the Japanese name, summary and captions",
                   [f"missing: {line}" for line in missing])

        compiler = shutil.which("glib-compile-schemas")
        schema_dir = expected["schema"].parent
        if compiler is None:
            tap.count += 1
            print(f"ok {tap.count} # SKIP glib-compile-schemas is not installed")
        else:
            proc = subprocess.run([compiler, "--strict", "--dry-run", str(schema_dir)],
                                  env=ENV, capture_output=True, text=True)
            tap.result(proc.returncode == 0, "the installed schema compiles with --strict",
                       [] if proc.returncode == 0 else [proc.stderr])
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
