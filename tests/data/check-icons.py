#!/usr/bin/env python3
"""The app icons follow the rules the desktop needs: both SVGs parse as XML,
the scalable one is drawn on a 128x128 canvas, and the symbolic one is 16x16
and paints only in the one colour (#2e3436) that GTK recolours.

    check-icons.py SOURCE-ROOT APPLICATION-ID

Prints TAP.
"""
import os
import pathlib
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import Tap  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
SYMBOLIC_COLOR = "#2e3436"
PAINT_ATTRIBUTES = ("fill", "stroke", "stop-color", "color", "flood-color", "lighting-color")
NO_PAINT = {"none", "currentcolor", "inherit"}


def parse(path):
    try:
        return ET.parse(path).getroot(), None
    except (ET.ParseError, OSError) as error:
        return None, f"{path}: {error}"


def view_box(root):
    values = root.get("viewBox", "").replace(",", " ").split()
    return [float(v) for v in values] if len(values) == 4 else None


def paints(root):
    """Every colour the drawing paints with, from attributes and style=."""
    found = []
    for element in root.iter():
        for name in PAINT_ATTRIBUTES:
            if element.get(name) is not None:
                found.append((element.tag.replace(SVG, ""), name, element.get(name).strip()))
        for declaration in element.get("style", "").split(";"):
            if ":" in declaration:
                name, value = (part.strip() for part in declaration.split(":", 1))
                if name in PAINT_ATTRIBUTES:
                    found.append((element.tag.replace(SVG, ""), name, value))
    return found


def main():
    root_dir = pathlib.Path(sys.argv[1])
    app_id = sys.argv[2]
    icons = root_dir / "data" / "icons" / "hicolor"
    scalable = icons / "scalable" / "apps" / f"{app_id}.svg"
    symbolic = icons / "symbolic" / "apps" / f"{app_id}-symbolic.svg"
    tap = Tap()
    print("1..6")

    svg, error = parse(scalable)
    tap.result(svg is not None and svg.tag == f"{SVG}svg", "the scalable icon is an SVG document",
               [error] if error else [])
    box = view_box(svg) if svg is not None else None
    tap.result(box == [0, 0, 128, 128], "the scalable icon has a 0 0 128 128 viewBox",
               [] if box == [0, 0, 128, 128] else [f"viewBox is {svg.get('viewBox') if svg is not None else None}"])
    external = [] if svg is None else [
        element.get(attribute) for element in svg.iter() for attribute in element.keys()
        if attribute.endswith("href") and not element.get(attribute).startswith("#")]
    tap.result(svg is not None and not external, "the scalable icon draws everything itself (no linked images)",
               [f"links {link}" for link in external])

    sym, error = parse(symbolic)
    tap.result(sym is not None and sym.tag == f"{SVG}svg", "the symbolic icon is an SVG document",
               [error] if error else [])
    box = view_box(sym) if sym is not None else None
    tap.result(box == [0, 0, 16, 16], "the symbolic icon has a 0 0 16 16 viewBox",
               [] if box == [0, 0, 16, 16] else [f"viewBox is {sym.get('viewBox') if sym is not None else None}"])
    wrong = [] if sym is None else [
        f"<{tag}> {name}={value}" for tag, name, value in paints(sym)
        if value.lower() not in NO_PAINT and value.lower() != SYMBOLIC_COLOR]
    unpainted = sym is not None and not any(value.lower() == SYMBOLIC_COLOR for _, _, value in paints(sym))
    if unpainted:
        wrong.append(f"nothing is painted {SYMBOLIC_COLOR}")
    tap.result(sym is not None and not wrong, f"the symbolic icon paints only with {SYMBOLIC_COLOR}", wrong)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
