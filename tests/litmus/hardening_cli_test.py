#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile litmus input through the real `mmcheck litmus` binary (issue 9): each case writes
its input (generated here: nothing huge is committed) to a temporary directory, runs the
binary, and requires the exit code, one stderr line where the input is bad, and the message.

Usage: hardening_cli_test.py MMCHECK CASE
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MMCHECK, CASE = sys.argv[1], sys.argv[2]
OK, BAD_INPUT, INCONCLUSIVE, VIOLATION = 0, 2, 5, 10
DEEP = "nesting deeper than 200"


def thread(body, cond="exists (x=1)"):
    return "C hostile\n{ x = 0; y = 0; }\nP0(int *x, int *y)\n{\n" + body + "\n}\n" + cond + "\n"


def nest(open_, close, inner, n):
    return open_ * n + inner + close * n


# name: (litmus text, expected exit code, stdout regex or None, stderr regex or None)
N = 100000
CASES = {
    # Nesting at 100,000 levels of each kind: one line `file:line:col: nesting deeper than 200`.
    "nested_braces": (thread(nest("{", "}", "WRITE_ONCE(*x, 1);", N)), BAD_INPUT, None, r":5:200: " + DEEP),
    "nested_ifs": (thread("if (1) " * N + "WRITE_ONCE(*x, 1);"), BAD_INPUT, None, DEEP),
    "nested_parens_thread": (thread("WRITE_ONCE(*x, " + nest("(", ")", "1", N) + ");"), BAD_INPUT, None, DEEP),
    "nested_write_once_argument": (thread("WRITE_ONCE(*x, " + nest("-(", ")", "1", N) + ");"), BAD_INPUT, None, DEEP),
    "nested_calls": (thread("WRITE_ONCE(*x, " + nest("atomic_add_return(", ", y)", "1", N) + ");"), BAD_INPUT, None, DEEP),
    "nested_parens_exists": (thread("WRITE_ONCE(*x, 1);", "exists " + nest("(", ")", "x=1", N)), BAD_INPUT, None, DEEP),
    "nested_not_condition": (thread("WRITE_ONCE(*x, 1);", "exists (" + "~" * N + "x=1)"), BAD_INPUT, None, DEEP),
    # Flat chains run.
    "prefix_bang_671": ("C bang\n{}\nP0(int *x)\n{\nWRITE_ONCE(*x, " + "!" * 671 + "0);\n}\nexists (x=1)\n",
                        OK, r"Observation bang Always 1 0", None),
    "prefix_minus_100000": (thread("WRITE_ONCE(*x, " + "-" * N + "1);"), OK, r"Observation hostile Always", None),
    "prefix_tilde_100000": (thread("WRITE_ONCE(*x, " + "~" * N + "1);"), OK, r"Observation hostile Always", None),
    "sum_chain_100000": (thread("WRITE_ONCE(*x, 1" + "+1" * (N - 1) + ");", "exists (x=100000)"), OK,
                         r"Observation hostile Always", None),
    "flat_25000_conjuncts": (thread("WRITE_ONCE(*x, 1);", "exists (x=1" + " /\\ y=0" * 24999 + ")"), OK,
                             r"Condition exists \(x=1 /\\ y=0 /\\ y=0", None),
    # Kernel argument order: the counter is the second argument.
    "kernel_atomic_fetch_or": ("C or\n{}\nP0(atomic_t *x) { int r0 = atomic_fetch_or(1, x); }\n"
                               "P1(atomic_t *x) { int r1 = atomic_fetch_or(2, x); }\n"
                               "exists (x=3 /\\ 0:r0=0 /\\ 1:r1=0)\n", OK, r"Observation or Never 0 2", None),
    # A run-time error is bad input with one line, never a verdict.
    "runtime_error_no_verdict": (thread("int r0 = 0;\nint r1 = atomic_fetch_or(r0, 1);"), BAD_INPUT, None,
                                 r":6:26: P0: dereferences 0, which is not the address of a location"),
    # Thread numbers are range-checked before narrowing; 65 threads are too many.
    "thread_id_wrap": ("C w\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nP4294967297(int *x) { WRITE_ONCE(*x, 2); }\n"
                       "exists (x=1)\n", BAD_INPUT, None,
                       r":4:1: thread P4294967297: thread number out of range \(a test has at most 64 threads"),
    "init_thread_wrap": ("C w\n{ 4294967296:r0 = 1; }\nP0(int *x) { int r0 = 0; }\nexists (x=1)\n", BAD_INPUT, None,
                         r":2:3: bad init: thread number out of range"),
    "too_many_threads": ("C many\n{}\n" + "".join(f"P{i}(atomic_t *v) {{ atomic_inc(v); }}\n" for i in range(65)) +
                          "exists (v=65)\n", BAD_INPUT, None, r":67:1: thread P64: thread number out of range"),
    # A loop-free thread beyond the event bound: inconclusive (5), not a livelock violation.
    "statements_5001": (thread("WRITE_ONCE(*x, 1);\n" * 5001), INCONCLUSIVE,
                        r"Bounded hostile exploration stopped early \(event bound: ", None),
    # Control characters in the test name are escaped on the terminal.
    "escape_in_name": ("C evil\x1b[31mname\x07\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n", OK,
                       r"Test evil\\x1b\[31mname\\x07 Allowed", None),
    "escape_in_error": ("C a\n{}\nP0(int *x) { WRITE_ONCE(*x, 1);\x1b[2J }\nexists (x=1)\n", BAD_INPUT, None,
                        r":3:32: unexpected character '\\x1b'"),
}


# Run under RC11: the case is about the event bound, and the speculative LKMM explorer (the
# default for a kernel test) takes minutes on one thread of 5,001 writes (its scaling limit,
# issue 15), which says nothing about the bound.
RC11_CASES = {"statements_5001"}


def main():
    text, want_rc, want_out, want_err = CASES[CASE]
    model = ["--model", "rc11"] if CASE in RC11_CASES else []
    d = tempfile.mkdtemp(prefix="mmcheck-litmus-hard-")
    try:
        path = os.path.join(d, "t.litmus")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        p = subprocess.run([MMCHECK, "litmus", *model, path], capture_output=True, timeout=300)
        out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        problems = []
        if p.returncode != want_rc:
            problems.append(f"exit code {p.returncode}, expected {want_rc}")
        if "\x1b" in out or "\x1b" in err:
            problems.append("a raw escape character reached the terminal")
        if want_rc == BAD_INPUT:
            if out:
                problems.append("stdout not empty")
            if err.count("\n") != 1 or not err.startswith(path + ":"):
                problems.append("expected one stderr line starting with the file name")
        if want_out and not re.search(want_out, out):
            problems.append(f"stdout does not match {want_out!r}")
        if want_err and not re.search(want_err, err):
            problems.append(f"stderr does not match {want_err!r}")
        if problems:
            print(f"{CASE}: " + "; ".join(problems))
            print("--- stdout (first 2000 chars)\n" + out[:2000] + "\n--- stderr\n" + err[:2000])
            return 1
        print(f"{CASE}: exit {p.returncode} as expected")
        return 0
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    if CASE == "--list":
        print(";".join(CASES))
        sys.exit(0)
    sys.exit(main())
