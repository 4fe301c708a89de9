#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 9 end to end: faults in model code, bad numbers, duplicate keys, escapes, signals and
partial files each get their documented exit code and one line, never a crash or a hang.

Usage: hardening_test.py MMCHECK MMCHECK_FAULTS SOURCE_DIR CASE
MMCHECK_FAULTS is the same command with the test-only `fault` model (tests/faults). Each CASE
runs in a fresh temporary directory with its own scenarios/ and output folder (out/).
"""
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

MMCHECK, FAULTS, SOURCE = sys.argv[1], sys.argv[2], sys.argv[3]
OK, USAGE, BAD_INPUT, INCONCLUSIVE, INTERNAL, VIOLATION = 0, 1, 2, 5, 6, 10
# Wall-clock bounds on how fast mmcheck reacts (a signal, the watchdog) are multiplied by this.
# 1 in the release suite; the `asan` test preset sets MMCHECK_TEST_TIME_SCALE (CMakePresets.json)
# because every instrumented binary starts, runs and exits (leak check) several times slower.
TIME_SCALE = float(os.environ.get("MMCHECK_TEST_TIME_SCALE", "1"))


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def scenario(model, variant, expect="safe", **extra):
    s = {"model": model, "variant": variant, "description": f"{model} {variant}",
         "source": "tests/cli", "tags": ["t"], "expect": expect}
    s.update(extra)
    return s


WEAK = {"violation": "check", "property": "mp weak outcome"}


class Case:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mmcheck-hard-")
        self.write("scenarios/litmus/mp-rlx.json", json.dumps(scenario("mp", "rlx", WEAK)))
        self.write("scenarios/litmus/mp-ra.json", json.dumps(scenario("mp", "ra")))
        self.write("scenarios/litmus/sb-rlx.json", json.dumps(scenario("sb", "rlx", {"violation": "check", "property": "sb weak outcome"})))

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def write(self, rel, text):
        os.makedirs(os.path.dirname(self.path(rel)), exist_ok=True)
        with open(self.path(rel), "w", encoding="utf-8") as f:
            f.write(text)

    def read(self, rel):
        with open(self.path(rel), encoding="utf-8") as f:
            return f.read()

    def fault(self, variant, expect="safe", **extra):
        self.write(f"scenarios/fault/{variant}.json", json.dumps(scenario("fault", variant, expect, **extra)))
        return f"fault/{variant}"

    def env(self, extra=None):
        e = dict(os.environ)
        for k in ("MMCHECK_MAX_EXECUTIONS", "MMCHECK_TIME_LIMIT", "MMCHECK_SCENARIOS"):
            e.pop(k, None)
        e["MMCHECK_OUT"] = self.path("out")
        e.update(extra or {})
        return e

    def run(self, *args, env=None, expect=None, binary=None, timeout=300, **kw):
        p = subprocess.run([binary or MMCHECK, *args], cwd=self.dir, env=self.env(env), capture_output=True,
                           text=True, errors="replace", timeout=timeout, **kw)
        if expect is not None and p.returncode != expect:
            fail(f"mmcheck {' '.join(args)}: exit {p.returncode}, expected {expect}\n"
                 f"--- stdout\n{p.stdout}--- stderr\n{p.stderr}")
        return p

    def faults(self, *args, **kw):
        return self.run(*args, binary=FAULTS, **kw)

    def temporaries(self):
        out = []
        for root, _, names in os.walk(self.dir):
            out += [os.path.join(root, n) for n in names if re.match(r"^\..*\.tmp\.[A-Za-z0-9]{6}$", n)]
        return out

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def one_line(p, *needles):
    lines = p.stderr.strip().split("\n")
    check(len(lines) == 1, f"one line expected on stderr, got:\n{p.stderr}")
    for n in needles:
        check(n in lines[0], f"{n!r} not in: {lines[0]}")
    check("\x1b" not in p.stderr and "\x1b" not in p.stdout, "a raw escape character reached the terminal")
    return lines[0]


# ---- faults in model code ----------------------------------------------------------------------

def case_fault_spin_without_shared_accesses(c):
    name = c.fault("spin")
    t0 = time.monotonic()
    p = c.faults("run", name, "--time-limit", "1", expect=INCONCLUSIVE, timeout=60)
    took = time.monotonic() - t0
    check(took < 15 * TIME_SCALE, f"the watchdog took {took:.1f} s")
    line = p.stderr.strip().split("\n")[-1]
    for n in ("inconclusive", "time limit of 1 s", "thread 'spinner'", "last event: write store of 'x'"):
        check(n in line, f"{n!r} not in: {line}")


def case_fault_deep_recursion(c):
    name = c.fault("recursion")
    p = c.faults("run", name, expect=INCONCLUSIVE, timeout=120)
    check("thread 'recurser' overflowed its stack of 256 KiB" in p.stderr and "--stack-size" in p.stderr, p.stderr)
    p = c.faults("run", name, "--stack-size", "1M", expect=INCONCLUSIVE, timeout=120)
    check("overflowed its stack of 1024 KiB" in p.stderr, p.stderr)
    check(not c.temporaries(), c.temporaries())


def case_fault_deep_recursion_with_accesses(c):
    name = c.fault("recursion-reading")
    p = c.faults("run", name, expect=INCONCLUSIVE, timeout=120)
    check("stopped by limit stack-size" in p.stdout, p.stdout)
    check("thread 'recurser' overflowed its stack of 256 KiB" in p.stdout, p.stdout)
    p = c.faults("check", name, expect=INCONCLUSIVE, timeout=120)
    check("INCONCLUSIVE" in p.stdout and "overflowed its stack" in p.stdout, p.stdout)


def case_fault_unlock_unheld(c):
    name = c.fault("unlock-unheld")
    p = c.faults("run", name, expect=VIOLATION)
    check("lock-misuse" in p.stdout and "thread 'stranger' unlocks mutex 'm', which it does not hold" in p.stdout, p.stdout)
    trace = json.loads(c.read("out/fault/unlock-unheld.json"))
    check(trace["violation"]["kind"] == "lock-misuse", trace["violation"])
    name = c.fault("spin-unlock-unheld")
    p = c.faults("run", name, expect=VIOLATION)
    check("thread 'P0' unlocks mutex 'ptl', which it does not hold" in p.stdout, p.stdout)
    # A scenario can expect it, and check then passes with a committed counterexample.
    name = c.fault("unlock-unheld", expect={"violation": "lock-misuse"})
    c.faults("check", name, "--bless", expect=OK)
    c.faults("check", name, expect=OK)
    p = c.faults("replay", "results/fault/unlock-unheld.json", expect=OK)
    check("confirmed" in p.stdout, p.stdout)


def case_fault_double_lock(c):
    name = c.fault("double-lock")
    p = c.faults("run", name, expect=VIOLATION)
    check("thread 'P0' locks mutex 'm', which it already holds" in p.stdout, p.stdout)
    check("deadlock" not in p.stdout.split("verdict:")[1].split("\n")[0], p.stdout)


def case_fault_stuck_not_deadlock(c):
    name = c.fault("stuck-behind-await")
    p = c.faults("run", name, expect=VIOLATION)
    verdict = p.stdout.split("verdict:")[1].split("\n")[0]
    check("stuck" in verdict and "thread 'holder' waits on 'flag'" in verdict, verdict)


def case_fault_too_many_threads(c):
    name = c.fault("threads65")
    p = c.faults("run", name, expect=INCONCLUSIVE)
    check("stopped by limit max-threads" in p.stdout and "more than 64 threads" in p.stdout, p.stdout)
    check("exception" not in p.stdout, p.stdout)
    p = c.faults("check", name, expect=INCONCLUSIVE)
    check("INCONCLUSIVE" in p.stdout, p.stdout)


def case_fault_escape_in_names(c):
    name = c.fault("escape")
    p = c.faults("run", name, expect=VIOLATION)
    check("\x1b" not in p.stdout and "\x1b" not in p.stderr, "raw escape in the output")
    # The scenario name on the command line.
    p = c.run("run", "litmus/\x1b[31mred", expect=BAD_INPUT)
    one_line(p, "\\x1b[31mred")


# ---- bad input -----------------------------------------------------------------------------------

BAD_COUNTS = ["-1", "-18446744073709551615", "99999999999999999999", "1e3", "nan", "inf", "0x10", " 1", "many"]
BAD_SECONDS = ["-1", "nan", "inf", "-inf", "1e999", "1e3", "99999999999", "soon", "--1", "1..2"]


def case_bad_option_values(c):
    for verb in (["run", "litmus/mp-ra"], ["check", "litmus/mp-ra"], ["audit", "litmus/mp-ra"]):
        for v in BAD_COUNTS:
            one_line(c.run(*verb, f"--max-executions={v}", expect=BAD_INPUT), "--max-executions")
        for v in BAD_SECONDS:
            one_line(c.run(*verb, f"--time-limit={v}", expect=BAD_INPUT), "--time-limit")
        for v in ("0", "1K", "-1", "99999999999999999999G", "nan", "2G"):
            one_line(c.run(*verb, f"--stack-size={v}", expect=BAD_INPUT), "--stack-size")
    for v in ("0", "257", "-1", "nan", "99999999999999999999"):
        one_line(c.run("check", "litmus/mp-ra", f"--jobs={v}", expect=BAD_INPUT), "--jobs")
        one_line(c.run("audit", "litmus/mp-ra", f"--jobs={v}", expect=BAD_INPUT), "--jobs")
    for v in ("-1", "nan", "inf"):
        one_line(c.run("audit", "litmus/mp-ra", f"--site-time-limit={v}", expect=BAD_INPUT), "--site-time-limit")
    c.write("t.litmus", "C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n")
    for v in BAD_COUNTS[:6]:
        one_line(c.run("litmus", "t.litmus", f"--max-executions={v}", expect=BAD_INPUT), "--max-executions")
    for v in BAD_SECONDS[:6]:
        one_line(c.run("litmus", "t.litmus", f"--time-limit={v}", expect=BAD_INPUT), "--time-limit")
    for var in ("MMCHECK_MAX_EXECUTIONS", "MMCHECK_TIME_LIMIT"):
        for v in ("-1", "nan", "inf", "99999999999999999999", "soon"):
            one_line(c.run("run", "litmus/mp-ra", env={var: v}, expect=BAD_INPUT), var)
    # Good values still work.
    c.run("run", "litmus/mp-ra", "--max-executions", "0", "--time-limit", "0.5", "--stack-size", "512K", expect=OK)
    c.run("check", "litmus/mp-ra", "--jobs", "2", "--time-limit", "30", expect=OK)


def case_duplicate_keys(c):
    c.write("scenarios/dup.json", '{"model": "mp", "variant": "ra", "description": "d", "source": "s", '
                                  '"tags": ["t"], "expect": "safe", "variant": "rlx"}')
    one_line(c.run("run", "dup", expect=BAD_INPUT), "duplicate key 'variant'")
    c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    text = c.read("out/litmus/mp-rlx.json")
    dup = text.replace('"schema": "mmcheck.counterexample/1",',
                       '"schema": "mmcheck.counterexample/1", "schema": "mmcheck.counterexample/1",', 1)
    check(dup != text, "could not inject a duplicate key")
    c.write("dup-trace.json", dup)
    one_line(c.run("explain", "dup-trace.json", expect=BAD_INPUT), "duplicate key 'schema'")
    one_line(c.run("replay", "dup-trace.json", expect=BAD_INPUT), "duplicate key 'schema'")


def case_inconsistent_traces(c):
    c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    trace = json.loads(c.read("out/litmus/mp-rlx.json"))
    empty = dict(trace, events=[])
    c.write("empty.json", json.dumps(empty))
    one_line(c.run("explain", "empty.json", expect=BAD_INPUT), "events")
    selfread = json.loads(json.dumps(trace))
    for e in selfread["events"]:
        if isinstance(e.get("reads_from"), int):
            e["reads_from"] = e["seq"]
            break
    else:
        fail("no read in the trace")
    c.write("selfread.json", json.dumps(selfread))
    one_line(c.run("explain", "selfread.json", expect=BAD_INPUT), "reads_from", "reads from itself")
    one_line(c.run("replay", "selfread.json", expect=BAD_INPUT), "reads_from", "reads from itself")


# ---- files ---------------------------------------------------------------------------------------

def case_results_byte_identical(c):
    """Two blessed checks, and --jobs 1 against --jobs 2, write byte-identical results/."""
    def snapshot():
        files = {}
        for root, _, names in os.walk(c.path("results")):
            for n in names:
                p = os.path.join(root, n)
                with open(p, "rb") as f:
                    files[os.path.relpath(p, c.dir)] = f.read()
        return files
    c.run("check", "--bless", "--jobs", "1", expect=OK)
    first = snapshot()
    check(len(first) >= 4, sorted(first))
    for name, data in first.items():
        check(b"seconds" not in data, f"{name} holds a timing")
    shutil.rmtree(c.path("results"))
    c.run("check", "--bless", "--jobs", "2", expect=OK)
    check(snapshot() == first, "results/ differ between --jobs 1 and --jobs 2")
    c.run("check", "--bless", expect=OK)
    check(snapshot() == first, "results/ differ between two runs")
    summary = json.loads(c.read("out/summary.json"))
    check("seconds" in summary, "timings belong in summary.json")


def case_stale_temporaries_removed(c):
    c.write("results/litmus/.mp-rlx.json.tmp.AbC123", "partial")
    c.write("out/litmus/.mp-rlx.txt.tmp.xyz789", "partial")
    c.write("results/litmus/keep.tmp.notours", "not a temporary of ours")
    c.run("check", "litmus/mp-ra", expect=OK)
    check(not c.temporaries(), c.temporaries())
    check(os.path.exists(c.path("results/litmus/keep.tmp.notours")), "removed a file that is not ours")


def case_file_size_limit(c):
    """SIGXFSZ: a write beyond RLIMIT_FSIZE fails with one line; no partial or temporary file."""
    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
    p = c.run("check", "litmus/mp-rlx", "--bless", expect=BAD_INPUT, preexec_fn=small_files)
    one_line(p, "cannot write", "File too large")
    check(not c.temporaries(), c.temporaries())
    check(not os.path.exists(c.path("results/litmus/mp-rlx.json")), "a partial trace was left")


# ---- signals -------------------------------------------------------------------------------------

def interrupt(c, sig, scenario_names, extra=()):
    junit = c.path("out/junit.xml")
    proc = subprocess.Popen([FAULTS, "check", *scenario_names, "--junit", junit, *extra], cwd=c.dir, env=c.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0 * TIME_SCALE)  # past start-up: the handlers are installed
    check(proc.poll() is None, "the long check ended before the signal")
    sent = time.monotonic()
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=10 * TIME_SCALE)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail(f"no exit within {10 * TIME_SCALE:g} s of the signal")
    took = time.monotonic() - sent
    check(took < 2.0 * TIME_SCALE, f"took {took:.2f} s to stop")
    return proc.returncode, out, err, junit


def case_sigint_during_check(c):
    names = [c.fault("long"), "litmus/mp-ra"]
    rc, out, err, junit = interrupt(c, signal.SIGINT, names)
    check(rc == 130, f"exit {rc}\n{out}\n{err}")
    check("interrupted" in err, err)
    summary = json.loads(c.read("out/summary.json"))
    check(summary.get("interrupted") is True, summary)
    statuses = {s["scenario"]: (s["status"], s["limit_hit"]) for s in summary["scenarios"]}
    check(statuses["fault/long"][1] == "interrupted", statuses)
    check(statuses["litmus/mp-ra"][1] == "interrupted", statuses)
    x = open(junit, encoding="utf-8").read()
    check(x.count("<skipped") == 2 and "interrupted" in x, x)
    check(not c.temporaries(), c.temporaries())


def case_sigterm_during_check(c):
    rc, out, err, _ = interrupt(c, signal.SIGTERM, [c.fault("long")], ("--jobs", "2"))
    check(rc == 143, f"exit {rc}\n{out}\n{err}")
    check("interrupted" in err, err)
    check(json.loads(c.read("out/summary.json")).get("interrupted") is True, "summary")


def case_second_sigint_ends_at_once(c):
    # Model code that never returns cannot reach a safe point: the second SIGINT ends it.
    name = c.fault("spin")
    proc = subprocess.Popen([FAULTS, "run", name], cwd=c.dir, env=c.env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(1.0 * TIME_SCALE)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    check(proc.poll() is None, "the first SIGINT cannot stop model code that never returns")
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=5 * TIME_SCALE)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("the second SIGINT did not end the run")
    check(proc.returncode == 130, f"exit {proc.returncode}: {err}")
    check("interrupted again" in err, err)


def main():
    name = sys.argv[4]
    fn = globals().get("case_" + name)
    if fn is None:
        fail(f"no test case {name!r}")
    c = Case()
    try:
        fn(c)
    finally:
        c.cleanup()
    print(f"ok: {name}")


if __name__ == "__main__":
    main()
