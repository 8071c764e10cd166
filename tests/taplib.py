"""The TAP output that the Python checks under tests/ share: numbered
results, diagnostics as comments, skips."""


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def diag(self, text):
        for line in str(text).rstrip("\n").splitlines() or [""]:
            print(f"# {line}")

    def result(self, ok, name, problems=()):
        self.count += 1
        for problem in problems:
            self.diag(problem)
        if not ok:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.count} {name}", flush=True)
        return bool(ok)

    def skip(self, name, reason):
        self.count += 1
        print(f"ok {self.count} {name} # SKIP {reason}", flush=True)
