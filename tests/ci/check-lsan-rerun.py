#!/usr/bin/env python3
"""The sanitizer run's wrapper (.ci/lsan-rerun) reruns a test once when
LeakSanitizer itself crashed and nothing else went wrong, and never when a
real report or a failed test is in the output.

    check-lsan-rerun.py WRAPPER

Each case runs the wrapper on a small Python program that prints what a
test under the sanitizers prints, and counts its runs in a file. Prints TAP.
"""
import os
import pathlib
import subprocess
import sys
import tempfile

CRASH = ("Tracer caught signal 11: addr=0x0 pc=0x4f5c3a sp=0x7f3b2c1fed00\\n"
         "==4242==LeakSanitizer has encountered a fatal error.\\n"
         "==4242==HINT: For debugging, try setting environment variable "
         "LSAN_OPTIONS=verbosity=1:log_threads=1\\n")
LEAK = ("==4242==ERROR: LeakSanitizer: detected memory leaks\\n"
        "SUMMARY: AddressSanitizer: 24 byte(s) leaked in 1 allocation(s).\\n")
UBSAN = "wc-otp.c:12:3: runtime error: signed integer overflow\\n"
ASSERT = "**\\nERROR:test-otp.c:40:test_vectors: assertion failed\\n"

# name, what the first run prints on stderr, its TAP on stdout, its exit
# status, whether a second run is expected, and the wrapper's exit status
# (the second run always passes).
CASES = [
    ("a lone tool crash is rerun, and the rerun's pass counts",
     CRASH, "1..1\\nok 1 /otp\\n", 1, True, 0),
    ("a leak report beside the crash fails at once",
     LEAK + CRASH, "1..1\\nok 1 /otp\\n", 1, False, 1),
    ("an UndefinedBehaviorSanitizer report beside the crash fails at once",
     UBSAN + CRASH, "1..1\\nok 1 /otp\\n", 1, False, 1),
    ("a failed TAP test beside the crash fails at once",
     CRASH, "1..1\\nnot ok 1 /otp\\n", 1, False, 1),
    ("a GLib assertion beside the crash fails at once",
     ASSERT + CRASH, "1..1\\n", 134, False, 134),
    ("a failure without the crash is not rerun",
     "", "1..1\\nnot ok 1 /otp\\n", 1, False, 1),
    ("a pass is run once",
     "", "1..1\\nok 1 /otp\\n", 0, False, 0),
]

FAKE_TEST = """
import pathlib, sys
counter = pathlib.Path(sys.argv[1])
runs = int(counter.read_text()) + 1 if counter.exists() else 1
counter.write_text(str(runs))
if runs == 1:
    sys.stdout.write("{stdout}")
    sys.stderr.write("{stderr}")
    sys.exit({status})
sys.stdout.write("1..1\\nok 1 /otp\\n")
"""


def main():
    wrapper = sys.argv[1]
    print(f"1..{len(CASES)}")
    failed = 0
    for number, (name, stderr, stdout, status, rerun, expected) in enumerate(CASES, 1):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            program = tmp / "fake-test.py"
            program.write_text(FAKE_TEST.format(stdout=stdout, stderr=stderr, status=status))
            counter = tmp / "runs"
            log = tmp / "reruns.log"
            env = dict(os.environ, WC_LSAN_RERUN_LOG=str(log))
            proc = subprocess.run([sys.executable, wrapper, sys.executable, str(program), str(counter)],
                                  capture_output=True, text=True, env=env)
            runs = int(counter.read_text())
            problems = []
            if runs != (2 if rerun else 1):
                problems.append(f"ran {runs} times")
            if proc.returncode != expected:
                problems.append(f"exited {proc.returncode}, expected {expected}")
            if rerun != log.exists():
                problems.append("the rerun log does not match")
            if rerun and "lsan-rerun:" not in proc.stderr:
                problems.append("the rerun is not reported on stderr")
            if not rerun and stdout.replace("\\n", "\n") != proc.stdout:
                problems.append("the first run's output was not passed on")
        for problem in problems:
            print(f"# {problem}")
        failed += bool(problems)
        print(f"{'not ok' if problems else 'ok'} {number} {name}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
