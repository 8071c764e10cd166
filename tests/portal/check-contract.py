#!/usr/bin/env python3
"""Checks webcollect-portal against docs/portal-api.yaml: every route the
server serves is documented, every documented path and method is served,
and the two error catalogues are the same, entry for entry.

    check-contract.py DUMP-CONTRACT PORTAL-API.YAML
"""
import json
import subprocess
import sys

import yaml

METHODS = {"get", "post", "put", "patch", "delete"}


def main():
    dump, document = sys.argv[1], sys.argv[2]
    served = json.loads(subprocess.run([dump], check=True, capture_output=True, text=True).stdout)
    with open(document, encoding="utf-8") as f:
        api = yaml.safe_load(f)

    failures = []
    documented = {f"{method.upper()} {path}"
                  for path, item in api["paths"].items()
                  for method in item if method in METHODS}
    routes = set(served["routes"])
    for route in sorted(routes - documented):
        failures.append(f"served but not documented: {route}")
    for route in sorted(documented - routes):
        failures.append(f"documented but not served: {route}")

    documented_errors = {e["code"]: e for e in api["x-error-codes"]}
    served_errors = {e["code"]: e for e in served["errors"]}
    for code in sorted(set(documented_errors) ^ set(served_errors)):
        side = "documented" if code in documented_errors else "served"
        failures.append(f"error {code} is only {side}")
    for code in sorted(set(documented_errors) & set(served_errors)):
        doc, srv = documented_errors[code], served_errors[code]
        for key in ("http_status", "message", "message_ja", "field"):
            if doc.get(key) != srv.get(key):
                failures.append(f"error {code}: {key} differs: document {doc.get(key)!r}, server {srv.get(key)!r}")

    enum = api["components"]["schemas"]["ErrorCode"]["enum"]
    if sorted(enum) != sorted(documented_errors):
        failures.append("the ErrorCode enum and x-error-codes list different codes")

    print("1..3")
    route_failures = [f for f in failures if "documented" in f and "error" not in f]
    error_failures = [f for f in failures if f not in route_failures]
    for number, (name, found) in enumerate([("routes", route_failures), ("errors", error_failures)], 1):
        for failure in found:
            print(f"# {failure}")
        print(f"{'not ok' if found else 'ok'} {number} {name}")
    print(f"ok 3 {len(routes)} routes, {len(served_errors)} error codes compared")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
