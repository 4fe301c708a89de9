#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Your own models (issue 13), end to end through the real binaries.

Usage: own_test.py MMCHECK SOURCE_DIR BUILD_DIR CMAKE CXX CASE
Every case works in a fresh temporary directory with its own model cache (XDG_CACHE_HOME),
so it neither reads nor writes the source tree, ~/.cache or the user's files.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

MMCHECK, SOURCE, BUILD, CMAKE, CXX = sys.argv[1:6]
OK, BAD_INPUT, VIOLATION = 0, 2, 10
STRICT = "-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Werror"  # mmcheck's own


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


class Dir:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mmcheck-own-")
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(self.dir, "cache"),
                        MMCHECK_OUT=os.path.join(self.dir, "out"))
        self.env.pop("MMCHECK_SCENARIOS", None)

    def path(self, *rel):
        return os.path.join(self.dir, *rel)

    def run(self, argv, cwd=None, expect=None, env=None, timeout=900):
        e = dict(self.env, **(env or {}))
        p = subprocess.run(argv, cwd=cwd or self.dir, env=e, capture_output=True, text=True, timeout=timeout)
        if expect is not None:
            check(p.returncode == expect, f"{' '.join(argv)}: exit {p.returncode}, expected {expect}\n"
                                          f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
        return p

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def one_line(p, *needles):
    lines = p.stderr.strip().splitlines()
    check(len(lines) == 1, f"one line on stderr, got:\n{p.stderr}")
    for n in needles:
        check(n in lines[0], f"'{n}' not in: {lines[0]}")
    check(p.stdout == "", f"nothing on stdout, got:\n{p.stdout}")


def case_list_outside_project(d):
    """`mmcheck list` where no scenarios/ is found: one line naming what and how (--root), exit 2."""
    os.makedirs(d.path("empty", "sub"))
    one_line(d.run([MMCHECK, "list"], cwd=d.path("empty", "sub"), expect=BAD_INPUT),
             "no scenarios/ folder in", "--root DIR")
    one_line(d.run([MMCHECK, "check"], cwd=d.path("empty"), expect=BAD_INPUT), "no scenarios/ folder")
    one_line(d.run([MMCHECK, "list", "--root", d.path("empty")], expect=BAD_INPUT), "has no scenarios/ folder")
    one_line(d.run([MMCHECK, "list", "--root", d.path("nope")], expect=BAD_INPUT), "--root", "no such folder")
    # Found from a folder below the project, never from mmcheck's own source tree.
    os.makedirs(d.path("proj", "scenarios", "mine"))
    os.makedirs(d.path("proj", "deep", "er"))
    with open(d.path("proj", "scenarios", "mine", "mp-ra.json"), "w") as f:
        f.write('{"model": "mp", "variant": "ra", "description": "d", "source": "s", "expect": "safe"}')
    p = d.run([MMCHECK, "list"], cwd=d.path("proj", "deep", "er"), expect=OK)
    check("mine/mp-ra" in p.stdout and "litmus/" not in p.stdout, p.stdout + p.stderr)
    p = d.run([MMCHECK, "list", "--root", d.path("proj")], cwd=d.path("empty"), expect=OK)
    check("mine/mp-ra" in p.stdout, p.stdout + p.stderr)


def case_new_skeleton(d):
    """`mmcheck new NAME` writes a model and a scenario that build (mmcheck's -Werror flags) and pass."""
    os.makedirs(d.path("proj"))
    p = d.run([MMCHECK, "new", "demo_lock"], cwd=d.path("proj"), expect=OK)
    check(os.path.isfile(d.path("proj", "models", "demo_lock.cpp")), p.stdout)
    check(os.path.isfile(d.path("proj", "scenarios", "demo_lock", "correct.json")), p.stdout)
    d.run([MMCHECK, "new", "demo_lock"], cwd=d.path("proj"), expect=BAD_INPUT)  # never overwrites
    d.run([MMCHECK, "new", "Bad-Name"], cwd=d.path("proj"), expect=1)
    strict = {"MMCHECK_MODEL_CXXFLAGS": STRICT}
    p = d.run([MMCHECK, "check", "--model-source", "models/demo_lock.cpp"], cwd=d.path("proj"), env=strict, expect=OK)
    check("PASS" in p.stdout and "demo_lock/correct" in p.stdout, p.stdout)
    # Its broken variant really breaks the property it checks.
    d.run([MMCHECK, "run", "models/demo_lock.cpp", "--variant", "broken"], cwd=d.path("proj"), expect=VIOLATION)
    p = d.run([MMCHECK, "models", "--model-source", "models/demo_lock.cpp"], cwd=d.path("proj"), expect=OK)
    check("demo_lock:" in p.stdout and "value = 1  [1..3]" in p.stdout and "broken" in p.stdout, p.stdout)


def case_bad_model_files(d):
    """A file that does not compile shows the compiler's messages; one that registers nothing says so."""
    with open(d.path("typo.cpp"), "w") as f:
        f.write("#include <mmcheck/model.hpp>\nint f() { return no_such_function(); }\n")
    p = d.run([MMCHECK, "run", "typo.cpp"], expect=BAD_INPUT)
    check("typo.cpp:2:" in p.stderr and "no_such_function" in p.stderr, p.stderr)
    check(p.stderr.strip().splitlines()[-1].startswith("mmcheck: typo.cpp: does not compile"), p.stderr)
    with open(d.path("nothing.cpp"), "w") as f:
        f.write("#include <mmcheck/model.hpp>\nint f() { return 1; }\n")
    p = d.run([MMCHECK, "run", "nothing.cpp"], expect=BAD_INPUT)
    check(p.stderr.strip().splitlines()[-1].startswith("mmcheck: nothing.cpp: registers no model"), p.stderr)
    one_line(d.run([MMCHECK, "run", "missing.cpp"], expect=BAD_INPUT), "missing.cpp: no such model file")
    one_line(d.run([MMCHECK, "run", "missing.cpp", "other.cpp"], expect=1), "one model file at a time")
    one_line(d.run([MMCHECK, "run", "missing.cpp", "--param", "x"], expect=1), "--param 'x': expected NAME=INTEGER")


def case_installed_package(d):
    """install into a prefix; an out-of-tree project builds with find_package + mmcheck_add_checker
    and checks its scenarios; the installed mmcheck runs a model file twice, the second from the cache."""
    prefix = d.path("prefix")
    d.run([CMAKE, "--install", BUILD, "--prefix", prefix], expect=OK)
    for f in ("bin/mmcheck", "include/mmcheck/model.hpp", "include/mmcheck/kernel.hpp",
              "lib/cmake/mmcheck/mmcheckConfig.cmake", "lib/cmake/mmcheck/mmcheckConfigVersion.cmake",
              "lib/libmmcheck_cli.a", "lib/libmmcheck_core.a"):
        check(os.path.isfile(os.path.join(prefix, f)), f"installed {f}")
    proj = d.path("proj")
    shutil.copytree(os.path.join(SOURCE, "examples", "own-checker"), proj,
                    ignore=shutil.ignore_patterns("build"))
    d.run([CMAKE, "-S", proj, "-B", os.path.join(proj, "build"), "-DCMAKE_PREFIX_PATH=" + prefix,
           "-DCMAKE_CXX_COMPILER=" + CXX, "-DCMAKE_BUILD_TYPE=RelWithDebInfo"], expect=OK)
    d.run([CMAKE, "--build", os.path.join(proj, "build"), "-j2"], expect=OK)
    checker = os.path.join(proj, "build", "own_checker")
    p = d.run([checker, "check"], cwd=proj, expect=OK)
    check("PASS         own_wakeup/mb     safe" in p.stdout, p.stdout)
    check("PASS         own_wakeup/no-mb  violation (check: no lost wake-up)" in p.stdout, p.stdout)
    check("2 pass, 0 mismatch" in p.stdout, p.stdout)
    # Every verb: the litmus front end is there too.
    d.run([checker, "litmus", os.path.join(SOURCE, "tests", "litmus", "conformance")], expect=OK)

    # The same model file, outside any tree, through the installed mmcheck (no CMake).
    os.makedirs(d.path("elsewhere"))
    model = d.path("elsewhere", "wakeup.cpp")
    shutil.copy(os.path.join(proj, "models", "own_wakeup.cpp"), model)
    mmcheck = os.path.join(prefix, "bin", "mmcheck")
    first = d.run([mmcheck, "run", "wakeup.cpp"], cwd=d.path("elsewhere"), expect=OK)
    check("mmcheck: wakeup.cpp: compiled " in first.stderr, first.stderr)
    second = d.run([mmcheck, "run", "wakeup.cpp"], cwd=d.path("elsewhere"), expect=OK)
    check("mmcheck: wakeup.cpp: cached build " in second.stderr and "compiled" not in second.stderr, second.stderr)
    check("verdict:  safe" in second.stdout, second.stdout)
    p = d.run([mmcheck, "run", "wakeup.cpp", "--variant", "no-mb"], cwd=d.path("elsewhere"), expect=VIOLATION)
    check("no lost wake-up" in p.stdout and "cached build" in p.stderr, p.stdout + p.stderr)
    # The cache is keyed by content: an edit compiles again.
    with open(model, "a") as f:
        f.write("// edited\n")
    p = d.run([mmcheck, "run", "wakeup.cpp"], cwd=d.path("elsewhere"), expect=OK)
    check("compiled" in p.stderr, p.stderr)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    name = sys.argv[6]
    d = Dir()
    try:
        CASES[name](d)
    except AssertionError as e:
        print(f"FAIL {name}: {e}\n{traceback.format_exc(limit=-2)}")
        sys.exit(1)
    finally:
        d.cleanup()
    print(f"ok {name}")
