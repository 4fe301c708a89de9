#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of the mmcheck binary: exit codes, outputs and files.

Usage: cli_test.py MMCHECK SOURCE_DIR CASE
Each CASE runs in a fresh temporary directory holding its own scenarios/ (written here, on
the classic litmus models), so tests neither read nor write the source tree's results/.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schema_check  # noqa: E402

MMCHECK, SOURCE = sys.argv[1], sys.argv[2]
SCHEMA = os.path.join(SOURCE, "results", "trace.schema.json")

OK, USAGE, BAD_INPUT, INCONCLUSIVE, INTERNAL, VIOLATION = 0, 1, 2, 5, 6, 10


def scenario(model, variant, expect, **extra):
    s = {"model": model, "variant": variant, "description": f"{model} {variant}",
         "source": "tests/cli", "tags": ["t"], "expect": expect}
    s.update(extra)
    return s


WEAK = {"violation": "check", "property": "mp weak outcome"}
SCENARIOS = {
    "litmus/mp-rlx": scenario("mp", "rlx", WEAK),
    "litmus/mp-ra": scenario("mp", "ra", "safe", tags=["t", "safe"]),
}


class Case:
    def __init__(self, scenarios=None):
        self.dir = tempfile.mkdtemp(prefix="mmcheck-cli-")
        for name, body in (SCENARIOS if scenarios is None else scenarios).items():
            self.write(f"scenarios/{name}.json", body if isinstance(body, str) else json.dumps(body, indent=2))

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def write(self, rel, text):
        os.makedirs(os.path.dirname(self.path(rel)), exist_ok=True)
        with open(self.path(rel), "w", encoding="utf-8") as f:
            f.write(text)

    def read(self, rel):
        with open(self.path(rel), encoding="utf-8") as f:
            return f.read()

    def files(self, under="results"):
        out = []
        for root, _, names in os.walk(self.path(under)):
            out += [os.path.relpath(os.path.join(root, n), self.dir) for n in names]
        return sorted(out)

    def run(self, *args, env=None, expect=None):
        e = dict(os.environ)
        for k in ("MMCHECK_MAX_EXECUTIONS", "MMCHECK_TIME_LIMIT", "MMCHECK_SCENARIOS"):
            e.pop(k, None)
        e.update(env or {})
        p = subprocess.run([MMCHECK, *args], cwd=self.dir, env=e, capture_output=True, text=True, timeout=600)
        if expect is not None and p.returncode != expect:
            fail(f"mmcheck {' '.join(args)}: exit {p.returncode}, expected {expect}\n"
                 f"--- stdout\n{p.stdout}--- stderr\n{p.stderr}")
        return p

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def one_line_error(p, *needles):
    lines = p.stderr.strip("\n").split("\n")
    check(len(lines) == 1 and lines[0].startswith("mmcheck: "), f"expected one error line, got:\n{p.stderr}")
    for n in needles:
        check(n in lines[0], f"error line lacks {n!r}: {lines[0]}")
    check(p.stdout == "", f"nothing expected on stdout, got:\n{p.stdout}")


def validate_trace(c, rel):
    with open(c.path(rel), encoding="utf-8") as f:
        data = json.load(f)
    problems = schema_check.validate(SCHEMA, data)
    check(not problems, f"{rel} violates the schema:\n" + "\n".join(problems))
    return data


# ---------------------------------------------------------------- commands

def case_help(c):
    for sub in ([], ["list"], ["run"], ["check"], ["replay"], ["explain"], ["audit"]):
        p = c.run(*sub, "--help", expect=OK)
        check("Usage" in p.stdout or "usage" in p.stdout.lower(), f"no usage text for {sub}")
    check(c.run("--version", expect=OK).stdout.startswith("mmcheck "), "version")


def case_list(c):
    p = c.run("list", expect=OK)
    check("litmus/mp-rlx" in p.stdout and "violation (check: mp weak outcome)" in p.stdout, p.stdout)
    p = c.run("list", "--tag", "safe", expect=OK)
    check("litmus/mp-ra" in p.stdout and "litmus/mp-rlx" not in p.stdout, p.stdout)
    doc = json.loads(c.run("list", "--format", "json", expect=OK).stdout)
    check(len(doc["scenarios"]) == 2, doc)


def case_run_safe(c):
    p = c.run("run", "litmus/mp-ra", expect=OK)
    check("verdict:  safe" in p.stdout, p.stdout)
    check("executions" in p.stderr and "safe" in p.stderr, "final statistics line on stderr: " + p.stderr)
    check(c.files() == [], f"a safe run writes no trace: {c.files()}")


def case_run_violation(c):
    p = c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    check("verdict:  violation (check: mp weak outcome)" in p.stdout, p.stdout)
    check("STALE" in p.stdout and "| T0" in p.stdout and "| T1" in p.stdout, "timeline:\n" + p.stdout)
    check(c.files() == ["results/litmus/mp-rlx.json", "results/litmus/mp-rlx.txt"], c.files())
    data = validate_trace(c, "results/litmus/mp-rlx.json")
    check(data["violation"]["message"] == "mp weak outcome", data["violation"])
    check(any(e["stale"] for e in data["events"]), "a stale read in the MP counterexample")
    check(c.read("results/litmus/mp-rlx.txt") in p.stdout, "the .txt is the printed timeline")


def case_run_violating_counted(c):
    # A check() that fails inside a thread ends its execution, which the engine counts neither
    # as complete nor as blocked; the statistics must still count it ("violating"), never
    # "explored: 0 executions". refpage V5.1 fails in the first execution, inside a thread.
    c.write("scenarios/refpage/V5.1.json", json.dumps(scenario(
        "refpage", "V5.1", {"violation": "check", "property": "P1 VM_FAULT_LOCKED page locked"})))
    p = c.run("run", "refpage/V5.1", expect=VIOLATION)
    pat = re.compile(r"(\d+) executions? \((\d+) complete, (\d+) blocked, (\d+) violating\)")
    for where, text in (("stdout", p.stdout), ("stderr", p.stderr)):
        m = pat.search(text)
        check(m is not None, f"violating executions counted on {where}: {text}")
        total, complete, blocked, violating = map(int, m.groups())
        check(violating >= 1 and total == complete + blocked + violating, m.group(0))
    check("explored: 0 executions" not in p.stdout, p.stdout)
    doc = json.loads(c.run("run", "refpage/V5.1", "--format", "json", expect=VIOLATION).stdout)
    check(doc["runs"][0]["stats"]["violating"] >= 1, doc["runs"][0]["stats"])
    p = c.run("check", "refpage/V5.1", expect=OK)
    check(" [0 executions]" not in p.stdout, p.stdout)
    summary = json.loads(c.read("results/summary.json"))
    check(summary["scenarios"][0]["stats"]["violating"] >= 1, summary["scenarios"][0])


def case_run_json(c):
    p = c.run("run", "litmus/mp-rlx", "litmus/mp-ra", "--format", "json", expect=VIOLATION)
    doc = json.loads(p.stdout)  # exactly one document: json.loads rejects trailing text
    check([r["verdict"] for r in doc["runs"]] == ["violation", "safe"], doc)
    check(doc["exit_code"] == VIOLATION, doc)
    problems = schema_check.validate(SCHEMA, doc["runs"][0]["counterexamples"][0]["trace"])
    check(not problems, problems)


def case_trace_deterministic(c):
    c.run("run", "litmus/mp-rlx", "--results", "r1", expect=VIOLATION)
    c.run("run", "litmus/mp-rlx", "--results", "r2", expect=VIOLATION)
    a, b = c.read("r1/litmus/mp-rlx.json"), c.read("r2/litmus/mp-rlx.json")
    strip = lambda t: [l for l in t.split("\n") if not l.lstrip().startswith('"elapsed_seconds"')]
    check(strip(a) == strip(b), "traces differ apart from elapsed_seconds")
    check(sum(1 for l in a.split("\n") if l.lstrip().startswith('"elapsed_seconds"')) == 1, "one timing field")
    check(c.read("r1/litmus/mp-rlx.txt") == c.read("r2/litmus/mp-rlx.txt"), "timelines differ")


def case_replay(c):
    c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    p = c.run("replay", "results/litmus/mp-rlx.json", expect=OK)
    check("confirmed" in p.stdout, p.stdout)
    doc = json.loads(c.run("replay", "results/litmus/mp-rlx.json", "--format", "json", expect=OK).stdout)
    check(doc["status"] == "confirmed", doc)


def case_replay_model_changed(c):
    c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    data = json.loads(c.read("results/litmus/mp-rlx.json"))
    data["variant"] = "ra"  # as if the model had been fixed since the trace was written
    c.write("changed.json", json.dumps(data))
    p = c.run("replay", "changed.json", expect=VIOLATION)
    check("no longer" in p.stdout, p.stdout)


def case_explain(c):
    c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    p = c.run("explain", "results/litmus/mp-rlx.json", expect=OK)
    check(p.stdout == c.read("results/litmus/mp-rlx.txt"), "explain prints the saved timeline")
    p = c.run("explain", "results/litmus/mp-rlx.json", "--format", "dot", expect=OK)
    check(p.stdout.startswith("digraph") and '[label="rf"' in p.stdout and '[label="po"]' in p.stdout, p.stdout)


def case_check_pass(c):
    p = c.run("check", "--junit", "out/junit.xml", expect=OK)
    check("PASS" in p.stdout and "2 pass, 0 mismatch" in p.stdout, p.stdout)
    root = ET.parse(c.path("out/junit.xml")).getroot()
    check(root.tag == "testsuites" and root.get("tests") == "2" and root.get("failures") == "0", ET.tostring(root))
    summary = json.loads(c.read("results/summary.json"))
    check(summary["counts"] == {"scenarios": 2, "pass": 2, "mismatch": 0, "inconclusive": 0}, summary)
    validate_trace(c, "results/litmus/mp-rlx.json")
    # Run again: the committed counterexample is unchanged, and a second check passes.
    c.run("check", expect=OK)


def case_check_jobs(c):
    p = c.run("check", "--jobs", "2", expect=OK)
    check(p.stdout.index("litmus/mp-ra") < p.stdout.index("litmus/mp-rlx"), "scenario order kept")


def case_check_expected_safe_but_violated(c):
    c = Case({"x/unexpected": scenario("mp", "rlx", "safe")})
    p = c.run("check", "--junit", "j.xml", expect=VIOLATION)
    check("MISMATCH" in p.stdout and "expected safe" in p.stdout, p.stdout)
    root = ET.parse(c.path("j.xml")).getroot()
    check(root.get("failures") == "1", ET.tostring(root))


def case_check_vacuous(c):
    # A safe verdict whose check never ran, or whose implication's premise never held, fails
    # the gate as "vacuous"; the same model with its check exercised passes.
    for variant in ("unreachable", "premise-never"):
        c = Case({"x/vacuous": scenario("selftest-vacuity", variant, "safe")})
        p = c.run("check", expect=VIOLATION)
        check("MISMATCH" in p.stdout and "vacuous" in p.stdout, p.stdout)
    c = Case({"x/exercised": scenario("selftest-vacuity", "exercised", "safe")})
    p = c.run("check", expect=OK)
    check("PASS" in p.stdout and "vacuous" not in p.stdout, p.stdout)


def case_audit_litmus(c):
    # The textbook answers: both orders of MP+release/acquire carry the proof, and so do both
    # fences of SB+fences; each load-bearing site comes with a counterexample.
    c = Case({"litmus/mp-ra": scenario("mp", "ra", "safe"), "litmus/sb-fenced": scenario("sb", "fenced", "safe"),
              "litmus/mp-rlx": scenario("mp", "rlx", WEAK)})
    p = c.run("audit", "--tag", "t", "--format", "json", expect=OK)
    doc = json.loads(p.stdout)
    audits = {a["scenario"]: a for a in doc["audits"]}
    check(sorted(audits) == ["litmus/mp-ra", "litmus/sb-fenced"], "only safe scenarios are audited: " + str(sorted(audits)))
    mp = audits["litmus/mp-ra"]["sites"]
    check(sorted(s["kind"] for s in mp) == ["acquire load", "release store"], mp)
    sb = audits["litmus/sb-fenced"]["sites"]
    check([s["kind"] for s in sb] == ["seq_cst fence", "seq_cst fence"] and {s["thread"] for s in sb} == {"P0", "P1"}, sb)
    for s in mp + sb:
        check(s["load_bearing"] and s["counterexample"], s)
        check(set(s) >= {"file", "line", "function", "kind", "weakening", "load_bearing", "counterexample"}, s)
        check(os.path.exists(c.path(s["counterexample"])), s["counterexample"])
    p = c.run("audit", "litmus/mp-ra", expect=OK)
    check("2 load-bearing, 0 redundant" in p.stdout, p.stdout)
    # A named scenario that is not safe is skipped, with the violation's exit code.
    p = c.run("audit", "litmus/mp-rlx", expect=VIOLATION)
    check("skipped" in p.stdout, p.stdout)


def case_check_expected_violation_but_safe(c):
    c = Case({"x/missing": scenario("mp", "ra", WEAK)})
    p = c.run("check", expect=VIOLATION)
    check("MISMATCH" in p.stdout and "found no violation" in p.stdout, p.stdout)


def case_check_forbidden_outcome(c):
    table = {"forbidden": [{"1:r0": 1, "1:r1": 0}], "default": "acceptable"}
    c = Case({"x/table": scenario("mp", "rlx", "safe", outcomes=table)})
    c.run("check", "--all-violations", expect=VIOLATION)


def case_check_inconclusive(c):
    p = c.run("check", "litmus/mp-ra", "--max-executions", "1", expect=INCONCLUSIVE)
    check("INCONCLUSIVE" in p.stdout, p.stdout)


def case_env_limit(c):
    c.run("run", "litmus/mp-ra", env={"MMCHECK_MAX_EXECUTIONS": "1"}, expect=INCONCLUSIVE)
    c.run("run", "litmus/mp-ra", "--max-executions", "0", env={"MMCHECK_MAX_EXECUTIONS": "1"}, expect=OK)


def case_check_golden_changed(c):
    c.run("check", expect=OK)
    c.write("results/litmus/mp-rlx.txt", c.read("results/litmus/mp-rlx.txt").replace("STALE", "FRESH"))
    p = c.run("check", expect=VIOLATION)
    check("counterexample changed" in p.stdout, p.stdout)
    check(os.path.exists(c.path("results/litmus/mp-rlx.txt.new")), "new version written for review")
    c.run("check", "--bless", expect=OK)
    check("FRESH" not in c.read("results/litmus/mp-rlx.txt"), "bless rewrote the timeline")


# ---------------------------------------------------------------- bad input

def bad_scenario(c, body, *needles):
    c = Case({"x/bad": body})
    p = c.run("run", "x/bad", expect=BAD_INPUT)
    one_line_error(p, "scenarios/x/bad.json", *needles)
    check(c.files() == [], f"no file written: {c.files()}")
    c.cleanup()


def case_bad_unknown_scenario(c):
    one_line_error(c.run("run", "litmus/nope", expect=BAD_INPUT), 'unknown scenario "litmus/nope"')


def case_bad_malformed_json(c):
    bad_scenario(c, '{"model": "mp",\n  "variant": }', "malformed JSON at line 2")


def case_bad_unknown_model(c):
    bad_scenario(c, scenario("nope", "rlx", "safe"), "field 'model'", 'unknown model "nope"')


def case_bad_unknown_variant(c):
    bad_scenario(c, scenario("mp", "relaxed", "safe"), "field 'variant'", 'no variant "relaxed"', "expected one of")


def case_bad_wrong_type(c):
    bad_scenario(c, scenario("mp", "rlx", "safe", tags="litmus"), "field 'tags'", "is a string, expected an array")


def case_bad_missing_field(c):
    s = scenario("mp", "rlx", "safe")
    del s["expect"]
    bad_scenario(c, s, "field 'expect'", "missing")


def case_bad_unknown_key(c):
    bad_scenario(c, scenario("mp", "rlx", "safe", expects="safe"), "field 'expects'", "unknown key")


def case_bad_param_out_of_range(c):
    bad_scenario(c, scenario("refpage", "V5.3", "safe", params={"dups": 9}), "field 'params.dups'",
                 "value 9 is out of range 0..8")


def case_bad_expect_kind(c):
    bad_scenario(c, scenario("mp", "rlx", {"violation": "crash"}), "field 'expect.violation'")


def bad_trace(c, mutate, *needles, commands=("replay", "explain")):
    c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    c.write("bad.json", mutate(c.read("results/litmus/mp-rlx.json")))
    for cmd in commands:
        one_line_error(c.run(cmd, "bad.json", expect=BAD_INPUT), "bad.json", *needles)


def case_bad_trace_truncated(c):
    bad_trace(c, lambda t: t[: len(t) // 2], "malformed JSON", "ends early")


def case_bad_trace_version(c):
    bad_trace(c, lambda t: t.replace('"format_version": 1', '"format_version": 99'), "field 'format_version'",
              "version 99 is not supported")


def case_bad_trace_model(c):
    bad_trace(c, lambda t: t.replace('"model": "mp"', '"model": "no-such-model"'), "field 'model'",
              '"no-such-model"', commands=("replay",))


def case_bad_results_unwritable(c):
    c.write("blocker", "a file where a directory should be")
    p = c.run("run", "litmus/mp-rlx", "--results", "blocker/results", expect=BAD_INPUT)
    one_line_error(p, "cannot write results to blocker/results")
    check(c.read("blocker").startswith("a file"), "nothing written")


def case_bad_conflicting_options(c):
    p = c.run("check", "--bless", "--all-violations", expect=USAGE)
    check(len(p.stderr.strip().split("\n")) == 1 and "excludes" in p.stderr, p.stderr)
    p = c.run("check", "--tag", "t", "litmus/mp-ra", expect=USAGE)
    check(len(p.stderr.strip().split("\n")) == 1 and "excludes" in p.stderr, p.stderr)
    check(c.files() == [], c.files())


def case_bad_usage(c):
    for args in (["run"], ["frobnicate"], ["run", "litmus/mp-ra", "--max-executions", "many"],
                 ["explain", "x.json", "--format", "svg"]):
        p = c.run(*args, expect=USAGE)
        check(len(p.stderr.strip().split("\n")) == 1, f"{args}: {p.stderr}")
    p = c.run("run", "litmus/mp-ra", env={"MMCHECK_TIME_LIMIT": "soon"}, expect=USAGE)
    one_line_error(p, "MMCHECK_TIME_LIMIT")


def main():
    name = sys.argv[3]
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
