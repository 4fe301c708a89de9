#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of the mmcheck binary: exit codes, outputs and files.

Usage: cli_test.py MMCHECK SOURCE_DIR CASE
Each CASE runs in a fresh temporary directory holding its own scenarios/ (written here, on
the classic litmus models), so tests neither read nor write the source tree's results/. Its
output folder (MMCHECK_OUT) is out/ in that directory; only `check --bless` writes results/.
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
        e["MMCHECK_OUT"] = os.path.join(self.dir, "out")
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
        fail(msg if isinstance(msg, str) else repr(msg))


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
    check(c.files("out") == [], f"a safe run writes no trace: {c.files('out')}")


def case_run_violation(c):
    p = c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    check("verdict:  violation (check: mp weak outcome)" in p.stdout, p.stdout)
    check("STALE" in p.stdout and "| T0" in p.stdout and "| T1" in p.stdout, "timeline:\n" + p.stdout)
    check(c.files() == [], f"run never writes results/: {c.files()}")
    check(c.files("out") == ["out/litmus/mp-rlx.json", "out/litmus/mp-rlx.txt"], c.files("out"))
    data = validate_trace(c, "out/litmus/mp-rlx.json")
    check(data["violation"]["message"] == "mp weak outcome", data["violation"])
    check(any(e["stale"] for e in data["events"]), "a stale read in the MP counterexample")
    check(c.read("out/litmus/mp-rlx.txt") in p.stdout, "the .txt is the printed timeline")
    check("counterexample: out/litmus/mp-rlx.json" in p.stdout, p.stdout)
    c.run("run", "litmus/mp-rlx", "--all-violations", "--out", "o2", expect=VIOLATION)
    check(c.files() == [] and "o2/litmus/mp-rlx.json" in c.files("o2"), "--out chooses the folder, never results/")


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
    p = c.run("check", "refpage/V5.1", "--bless", expect=OK)
    check(" [0 executions]" not in p.stdout, p.stdout)
    summary = json.loads(c.read("out/summary.json"))
    check(summary["scenarios"][0]["stats"]["violating"] >= 1, summary["scenarios"][0])


def case_run_json(c):
    p = c.run("run", "litmus/mp-rlx", "litmus/mp-ra", "--format", "json", expect=VIOLATION)
    doc = json.loads(p.stdout)  # exactly one document: json.loads rejects trailing text
    check([r["verdict"] for r in doc["runs"]] == ["violation", "safe"], doc)
    check(doc["exit_code"] == VIOLATION, doc)
    problems = schema_check.validate(SCHEMA, doc["runs"][0]["counterexamples"][0]["trace"])
    check(not problems, problems)


def case_trace_deterministic(c):
    c.run("run", "litmus/mp-rlx", "--out", "r1", expect=VIOLATION)
    c.run("run", "litmus/mp-rlx", "--out", "r2", expect=VIOLATION)
    a, b = c.read("r1/litmus/mp-rlx.json"), c.read("r2/litmus/mp-rlx.json")
    # No timing in a trace at all (issue 9): byte-identical.
    check(a == b, "traces differ")
    check("seconds" not in a, "a trace holds a timing field")
    check(c.read("r1/litmus/mp-rlx.txt") == c.read("r2/litmus/mp-rlx.txt"), "timelines differ")


def case_replay(c):
    c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    p = c.run("replay", "out/litmus/mp-rlx.json", expect=OK)
    check("confirmed" in p.stdout, p.stdout)
    doc = json.loads(c.run("replay", "out/litmus/mp-rlx.json", "--format", "json", expect=OK).stdout)
    check(doc["status"] == "confirmed", doc)


def case_replay_model_changed(c):
    c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    data = json.loads(c.read("out/litmus/mp-rlx.json"))
    data["variant"] = "ra"  # as if the model had been fixed since the trace was written
    c.write("changed.json", json.dumps(data))
    p = c.run("replay", "changed.json", expect=VIOLATION)
    check("no longer" in p.stdout, p.stdout)


def case_explain(c):
    c.run("run", "litmus/mp-rlx", expect=VIOLATION)
    p = c.run("explain", "out/litmus/mp-rlx.json", expect=OK)
    check(p.stdout == c.read("out/litmus/mp-rlx.txt"), "explain prints the saved timeline")
    p = c.run("explain", "out/litmus/mp-rlx.json", "--format", "dot", expect=OK)
    check(p.stdout.startswith("digraph") and '[label="rf"' in p.stdout and '[label="po"]' in p.stdout, p.stdout)
    # fr: the stale read of x (init) to the write that overwrote it, highlighted.
    check('[label="fr (stale)", color=red' in p.stdout, p.stdout)
    check("newrank=true" in p.stdout and "{rank=same; row4; g4_0; e4;}" in p.stdout, "rows pinned:\n" + p.stdout)
    p = c.run("explain", "out/litmus/mp-rlx.json", "--format", "html", expect=OK)
    check(p.stdout.startswith("<!DOCTYPE html>") and "<script" not in p.stdout and "http://" not in p.stdout.replace(
        "http://www.w3.org/2000/svg", ""), "self-contained page")
    check(p.stdout.count('<g class="thread"') == 2 and p.stdout.count('class="edge rf"') == 1, p.stdout)
    check(p.stdout.count('class="edge fr stale"') == 1 and 'class="edge sw"' not in p.stdout, "fr of the stale read")


def case_check_pass(c):
    p = c.run("check", "--bless", expect=OK)
    check("(new counterexample results/litmus/mp-rlx.json)" in p.stdout, p.stdout)
    validate_trace(c, "results/litmus/mp-rlx.json")
    committed = c.read("results/litmus/mp-rlx.json")
    p = c.run("check", "--junit", "reports/junit.xml", expect=OK)
    check("PASS" in p.stdout and "2 pass, 0 mismatch" in p.stdout, p.stdout)
    root = ET.parse(c.path("reports/junit.xml")).getroot()
    check(root.tag == "testsuites" and root.get("tests") == "2" and root.get("failures") == "0", ET.tostring(root))
    summary = json.loads(c.read("out/summary.json"))
    check(summary["counts"] == {"scenarios": 2, "pass": 2, "mismatch": 0, "inconclusive": 0, "error": 0}, summary)
    check(c.read("results/litmus/mp-rlx.json") == committed, "check leaves the committed file alone")
    check(c.files() == ["results/litmus/mp-rlx.json", "results/litmus/mp-rlx.txt"], c.files())


def case_check_jobs(c):
    c.run("check", "--bless", expect=OK)
    p = c.run("check", "--jobs", "2", expect=OK)
    check(p.stdout.index("litmus/mp-ra") < p.stdout.index("litmus/mp-rlx"), "scenario order kept")


def without_timing(doc):
    """A run's JSON document with its timings removed (the only fields allowed to differ)."""
    if isinstance(doc, dict):
        return {k: without_timing(v) for k, v in doc.items() if k != "seconds"}
    if isinstance(doc, list):
        return [without_timing(v) for v in doc]
    return doc


def case_run_jobs_same_as_one(c):
    for name, code in (("litmus/mp-ra", OK), ("litmus/mp-rlx", VIOLATION)):
        for extra in ([], ["--all-violations"]):
            one = c.run("run", name, *extra, "--format", "json", expect=code)
            trace_one = c.read(f"out/{name}.json") if code == VIOLATION else None
            for jobs in ("2", "3"):
                par = c.run("run", name, *extra, "--jobs", jobs, "--format", "json", expect=code)
                check(without_timing(json.loads(par.stdout)) == without_timing(json.loads(one.stdout)),
                      f"run {name} --jobs {jobs} {extra}:\n{par.stdout}\none worker:\n{one.stdout}")
                if trace_one is not None:
                    check(re.sub(r'"seconds": [0-9.e+-]+', "", c.read(f"out/{name}.json")) ==
                          re.sub(r'"seconds": [0-9.e+-]+', "", trace_one), "the same counterexample file")
            timing = r"[0-9.]+ s(, [0-9]+ executions/s)?"
            text_one = re.sub(timing, "", c.run("run", name, *extra, expect=code).stdout)
            text_par = re.sub(timing, "", c.run("run", name, *extra, "-j", "2", expect=code).stdout)
            check(text_par == text_one, f"text output differs:\n{text_par}\n---\n{text_one}")
    one_line_error(c.run("run", "litmus/mp-ra", "--jobs", "0", expect=BAD_INPUT), "--jobs")


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
    check(all(a["model"] == "rc11" and a["protocol"] in ("mp", "sb") for a in doc["audits"]), doc["audits"])
    p = c.run("audit", "litmus/mp-ra", expect=OK)
    check("2 load-bearing, 0 redundant" in p.stdout, p.stdout)
    # Under LKMM too (issue 11): the same textbook answer, and the JSON names the model.
    p = c.run("audit", "litmus/mp-ra", "--model", "lkmm", "--format", "json", expect=OK)
    doc = json.loads(p.stdout)
    a = doc["audits"][0]
    check(a["model"] == "lkmm" and len(a["sites"]) == 2 and all(s["load_bearing"] for s in a["sites"]), a)
    c.run("audit", "litmus/mp-ra", "--model", "sc", expect=USAGE)
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
    c.run("check", "--bless", expect=OK)
    data = json.loads(c.read("results/litmus/mp-rlx.json"))
    # A different execution: the stale read of x now reads 1 (as if the model had changed).
    stale = next(e for e in data["events"] if e["stale"])
    stale["value_read"] = 1
    c.write("results/litmus/mp-rlx.json", json.dumps(data, indent=2))
    p = c.run("check", "--junit", "j.xml", expect=VIOLATION)
    check("counterexample changed (event #%d value_read: 1 -> 0)" % stale["seq"] in p.stdout, p.stdout)
    check("out/litmus/mp-rlx.txt" in p.stdout, "points at the one found now: " + p.stdout)
    check(os.path.exists(c.path("out/litmus/mp-rlx.json")), "the one found now is in the output folder")
    check(not any(f.endswith(".new") for f in c.files()), f"no .new files under results/: {c.files()}")
    failure = ET.parse(c.path("j.xml")).getroot().find(".//failure")
    check(failure is not None and "| T0" in failure.text and "STALE" in failure.text, "timeline in the JUnit failure")
    c.write("results/litmus/mp-rlx.txt.new", "left by an older mmcheck")
    c.run("check", "--bless", expect=OK)
    check(json.loads(c.read("results/litmus/mp-rlx.json"))["events"][stale["seq"] - 1]["value_read"] == 0, "blessed")
    check(not any(f.endswith(".new") for f in c.files()), f"no .new file left after --bless: {c.files()}")
    c.run("check", expect=OK)


def case_check_golden_lines_moved(c):
    # Source lines, statistics and timing are shown but are not the execution: a committed
    # counterexample whose lines moved (a comment added to the model) still passes, untouched.
    c.run("check", "--bless", expect=OK)
    data = json.loads(c.read("results/litmus/mp-rlx.json"))
    for e in data["events"]:
        e["source"]["line"] += 7
    data["violation"]["source"]["line"] += 7
    data["stats"] = {k: (v + 1 if isinstance(v, int) and not isinstance(v, bool) else v)
                          for k, v in data.get("stats", {}).items()}
    text = json.dumps(data, indent=2)
    c.write("results/litmus/mp-rlx.json", text)
    txt = re.sub(r"classic\.cpp:(\d+)", lambda m: "classic.cpp:%d" % (int(m.group(1)) + 7), c.read("results/litmus/mp-rlx.txt"))
    c.write("results/litmus/mp-rlx.txt", txt)
    p = c.run("check", expect=OK)
    check("2 pass" in p.stdout, p.stdout)
    check(c.read("results/litmus/mp-rlx.json") == text and c.read("results/litmus/mp-rlx.txt") == txt,
          "check does not rewrite a committed counterexample")
    c.run("check", "--bless", expect=OK)
    check(c.read("results/litmus/mp-rlx.json") != text, "--bless refreshes the source lines")


def case_check_missing_counterexample(c):
    p = c.run("check", "--junit", "j.xml", expect=VIOLATION)
    check("MISMATCH" in p.stdout and "missing counterexample: run check --bless" in p.stdout, p.stdout)
    check(c.files() == [], f"check without --bless writes nothing under results/: {c.files()}")
    check(os.path.exists(c.path("out/litmus/mp-rlx.json")), "the counterexample found is in the output folder")
    check(ET.parse(c.path("j.xml")).getroot().get("failures") == "1", c.read("j.xml"))
    c.run("check", "--bless", expect=OK)
    c.run("check", expect=OK)


def case_check_ci_outputs(c):
    # A scenario expected safe that is violated: SARIF, annotations, Markdown and JUnit all
    # name the model line of the violated check and carry the counterexample.
    c = Case({"x/unexpected": scenario("mp", "rlx", "safe"), "litmus/mp-ra": scenario("mp", "ra", "safe")})
    try:
        p = c.run("check", "--sarif", "ci/mmcheck.sarif", "--github", "--summary-md", "ci/summary.md",
                  "--junit", "ci/junit.xml", "--html", "ci/html", expect=VIOLATION)
        sarif = json.loads(c.read("ci/mmcheck.sarif"))
        problems = sarif_problems(sarif)
        check(not problems, "SARIF structure:\n" + "\n".join(problems))
        results = sarif["runs"][0]["results"]
        check(len(results) == 1 and results[0]["ruleId"] == "mmcheck/verdict-mismatch", results)
        loc = results[0]["locations"][0]["physicalLocation"]
        check(loc["artifactLocation"]["uri"] == "models/litmus/classic.cpp" and loc["region"]["startLine"] > 1, loc)
        flows = results[0]["codeFlows"][0]["threadFlows"]
        check(len(flows) == 2 and all(f["locations"] for f in flows), flows)
        steps = sorted(l["executionOrder"] for f in flows for l in f["locations"])
        check(steps == list(range(1, len(steps) + 1)), steps)
        line = loc["region"]["startLine"]
        ann = [l for l in p.stdout.split("\n") if l.startswith("::")]
        check(len(ann) == 1 and ann[0].startswith("::error file=models/litmus/classic.cpp,line=%d," % line), ann)
        junit = ET.parse(c.path("ci/junit.xml")).getroot()
        failure = junit.find(".//failure")
        check(failure is not None and "| T0" in failure.text and "classic.cpp:" in failure.text, ET.tostring(junit))
        md = c.read("ci/summary.md")
        check("| :x: mismatch | `x/unexpected` |" in md and "| :white_check_mark: pass | `litmus/mp-ra` |" in md, md)
        check("models/litmus/classic.cpp:%d" % line in md and "```" in md, md)
        index = c.read("ci/html/index.html")
        check('href="x/unexpected.html"' in index and "mismatch" in index, index)
        check('<g class="thread"' in c.read("ci/html/x/unexpected.html"), "a page per counterexample")
        check(c.files() == [], f"no files under results/: {c.files()}")
    finally:
        c.cleanup()


SARIF_REQUIRED = {
    # SARIF 2.1.0 (OASIS), the schema's "required" lists for the objects written here.
    "log": ["version", "runs"], "run": ["tool"], "tool": ["driver"], "driver": ["name"],
    "result": ["message"], "message": [], "location": [], "physicalLocation": [], "artifactLocation": [],
    "region": [], "codeFlow": ["threadFlows"], "threadFlow": ["locations"], "threadFlowLocation": [],
    "rule": ["id"],
}


def sarif_problems(log):
    """The required fields and types of SARIF 2.1.0 for what mmcheck writes."""
    out = []

    def need(obj, kind, where):
        if not isinstance(obj, dict):
            out.append(f"{where}: {kind} is not an object")
            return False
        for k in SARIF_REQUIRED[kind]:
            if k not in obj:
                out.append(f"{where}: {kind} lacks required '{k}'")
        return True

    def message(m, where):
        if need(m, "message", where) and not ("text" in m or "id" in m):
            out.append(f"{where}: message needs 'text' or 'id'")

    def physical(p, where):
        if not need(p, "physicalLocation", where):
            return
        a = p.get("artifactLocation")
        if need(a, "artifactLocation", where + ".artifactLocation") and not isinstance(a.get("uri"), str):
            out.append(f"{where}: artifactLocation.uri is not a string")
        r = p.get("region", {})
        if need(r, "region", where + ".region") and not (isinstance(r.get("startLine"), int) and r["startLine"] >= 1):
            out.append(f"{where}: region.startLine must be an integer >= 1")

    if need(log, "log", "log"):
        if log.get("version") != "2.1.0":
            out.append("log: version must be \"2.1.0\"")
        if not isinstance(log.get("$schema", ""), str):
            out.append("log: $schema must be a string")
        if not isinstance(log.get("runs"), list):
            out.append("log: runs must be an array")
        for i, run in enumerate(log.get("runs") or []):
            w = f"runs[{i}]"
            if not need(run, "run", w):
                continue
            if need(run.get("tool"), "tool", w + ".tool") and need(run["tool"].get("driver"), "driver", w + ".tool.driver"):
                for j, rule in enumerate(run["tool"]["driver"].get("rules", [])):
                    need(rule, "rule", f"{w}.rules[{j}]")
            for j, res in enumerate(run.get("results", [])):
                rw = f"{w}.results[{j}]"
                if not need(res, "result", rw):
                    continue
                message(res.get("message"), rw + ".message")
                if res.get("level") not in (None, "none", "note", "warning", "error"):
                    out.append(f"{rw}: bad level {res.get('level')!r}")
                for k, loc in enumerate(res.get("locations", [])):
                    if need(loc, "location", f"{rw}.locations[{k}]") and "physicalLocation" in loc:
                        physical(loc["physicalLocation"], f"{rw}.locations[{k}].physicalLocation")
                for k, flow in enumerate(res.get("codeFlows", [])):
                    fw = f"{rw}.codeFlows[{k}]"
                    if not need(flow, "codeFlow", fw):
                        continue
                    for m, tf in enumerate(flow.get("threadFlows", [])):
                        if not need(tf, "threadFlow", f"{fw}.threadFlows[{m}]"):
                            continue
                        if not tf.get("locations"):
                            out.append(f"{fw}.threadFlows[{m}]: locations must be a non-empty array")
                        for q, tl in enumerate(tf.get("locations", [])):
                            tw = f"{fw}.threadFlows[{m}].locations[{q}]"
                            if need(tl, "threadFlowLocation", tw) and "location" in tl:
                                if "message" in tl["location"]:
                                    message(tl["location"]["message"], tw + ".location.message")
                                if "physicalLocation" in tl["location"]:
                                    physical(tl["location"]["physicalLocation"], tw + ".location.physicalLocation")
                            if "executionOrder" in tl and not (isinstance(tl["executionOrder"], int) and tl["executionOrder"] >= -1):
                                out.append(f"{tw}: executionOrder must be an integer >= -1")
    return out


def case_sarif_checker_rejects(c):
    # The SARIF structure check itself can fail.
    bad = {"version": "2.0.0", "runs": [{"tool": {}, "results": [{"locations": [{"physicalLocation": {
        "artifactLocation": {}, "region": {"startLine": 0}}}], "codeFlows": [{"threadFlows": [{"locations": []}]}]}]}]}
    problems = sarif_problems(bad)
    for needle in ("version must be", "tool lacks required 'driver'", "result lacks required 'message'",
                   "uri is not a string", "startLine must be", "locations must be a non-empty array"):
        check(any(needle in p for p in problems), f"{needle!r} not reported: {problems}")


def repo_copy():
    """A scratch git repository holding the source tree's tracked files, committed."""
    c = Case({})
    files = subprocess.run(["git", "-C", SOURCE, "ls-files", "-co", "--exclude-standard"], capture_output=True,
                           text=True, check=True).stdout.split("\n")
    for f in files:
        if f and os.path.isfile(os.path.join(SOURCE, f)):
            os.makedirs(os.path.dirname(c.path(f)) or c.dir, exist_ok=True)
            shutil.copy2(os.path.join(SOURCE, f), c.path(f))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q"], cwd=c.dir, check=True)
    subprocess.run(git + ["add", "-A"], cwd=c.dir, check=True)
    subprocess.run(git + ["commit", "-qm", "base"], cwd=c.dir, check=True)
    return c


def selected(c, *extra):
    """Scenario -> reason printed by check --changed-since HEAD (run without exploring: -q list)."""
    # The default output folder (outside this checkout), as a user in a repository gets it.
    p = c.run("check", "--changed-since", "HEAD", "-q", *extra, env={"MMCHECK_OUT": ""})
    check(p.returncode in (OK, VIOLATION), f"exit {p.returncode}: {p.stderr}")
    out = {}
    for line in p.stdout.split("\n"):
        m = re.match(r"^  (\S+)  \((.*)\)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out, p


def case_changed_since(c):
    c = repo_copy()
    try:
        names = [os.path.relpath(os.path.join(r, f), c.path("scenarios"))[:-5]
                 for r, _, fs in os.walk(c.path("scenarios")) for f in fs if f.endswith(".json")]
        protocol = lambda n: n.split("/")[0]
        sel, p = selected(c)
        check(sel == {} and "nothing to check" in p.stdout, "no change, nothing selected: " + p.stdout)
        git_status = lambda: subprocess.run(["git", "status", "--porcelain"], cwd=c.dir, capture_output=True,
                                            text=True, check=True).stdout

        # A model change: that model's scenarios only, and they still pass under every model
        # they name (comment line). page_tail: its scenarios run in well under a second.
        model = c.read("models/page_tail.cpp")
        c.write("models/page_tail.cpp", "// a comment\n" + model)
        sel, p = selected(c)
        check(set(sel) == {n for n in names if protocol(n) == "page_tail"}, sel)
        check(all(r == "model source models/page_tail.cpp changed" for r in sel.values()), sel)
        check(p.returncode == OK and "MISMATCH" not in p.stdout, p.stdout)
        check(git_status().strip() == "M models/page_tail.cpp", "check leaves only the edit: " + git_status())
        c.write("models/page_tail.cpp", model)

        # A shared header: every model that includes it (kernel.hpp: all but the litmus shapes).
        hdr = c.read("checker/include/mmcheck/kernel/pte.hpp")
        c.write("checker/include/mmcheck/kernel/pte.hpp", hdr + "\n// a comment\n")
        # Here and for the engine below only the selection is checked: --model rc11 keeps the
        # run of every scenario short (the LKMM runs took the case past 600 s under ASan).
        sel, _ = selected(c, "--model", "rc11")
        check(set(sel) == {n for n in names if protocol(n) != "litmus"}, sorted(set(names) - set(sel)))
        check(all(r.startswith("header checker/include/mmcheck/kernel/pte.hpp changed (included by models/")
                  for r in sel.values()), sel)
        c.write("checker/include/mmcheck/kernel/pte.hpp", hdr)

        # A scenario file: that scenario.
        sc = c.read("scenarios/litmus/sb-rlx.json")
        c.write("scenarios/litmus/sb-rlx.json", sc.replace('"description": "', '"description": "(edited) ', 1))
        sel, _ = selected(c)
        check(sel == {"litmus/sb-rlx": "scenario file scenarios/litmus/sb-rlx.json changed"}, sel)
        c.write("scenarios/litmus/sb-rlx.json", sc)

        # The engine: everything. Documentation: nothing.
        eng = c.read("checker/src/model/rc11.cpp")
        c.write("checker/src/model/rc11.cpp", eng + "\n// a comment\n")
        sel, _ = selected(c, "--model", "rc11")
        check(set(sel) == set(names) and all(r == "engine changed: checker/src/model/rc11.cpp" for r in sel.values()), sel)
        c.write("checker/src/model/rc11.cpp", eng)
        c.write("docs/mmcheck.md", c.read("docs/mmcheck.md") + "\nmore\n")
        sel, _ = selected(c)
        check(sel == {}, sel)

        p = c.run("check", "--changed-since", "no-such-rev", expect=BAD_INPUT)
        one_line_error(p, "--changed-since", "no-such-rev", "is not a git revision")
    finally:
        c.cleanup()


def case_run_leaves_git_status_clean(c):
    c = repo_copy()
    try:
        for args in (["run", "gup_pin/2C"], ["run", "litmus/mp-rlx", "--all-violations"], ["check", "--tag", "litmus"],
                     ["replay", "results/gup_pin/2C.json"], ["explain", "results/gup_pin/2C.json", "--format", "html"],
                     ["audit", "litmus/mp-ra"]):
            c.run(*args, env={"MMCHECK_OUT": ""})
        st = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=c.dir, capture_output=True, text=True,
                            check=True).stdout
        check(st == "", "no file written or changed in the checkout:\n" + st)
    finally:
        c.cleanup()


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
    c.write("bad.json", mutate(c.read("out/litmus/mp-rlx.json")))
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
    p = c.run("run", "litmus/mp-rlx", "--out", "blocker/out", expect=BAD_INPUT)
    one_line_error(p, "cannot write to blocker/out")
    check(c.read("blocker").startswith("a file"), "nothing written")
    p = c.run("check", "litmus/mp-rlx", "--bless", "--results", "blocker/results", expect=BAD_INPUT)
    one_line_error(p, "cannot write results to blocker/results")
    check(c.read("blocker").startswith("a file"), "nothing written")


def case_bad_conflicting_options(c):
    p = c.run("check", "--bless", "--all-violations", expect=USAGE)
    check(len(p.stderr.strip().split("\n")) == 1 and "excludes" in p.stderr, p.stderr)
    p = c.run("check", "--tag", "t", "litmus/mp-ra", expect=USAGE)
    check(len(p.stderr.strip().split("\n")) == 1 and "excludes" in p.stderr, p.stderr)
    check(c.files() == [], c.files())


def case_bad_usage(c):
    for args in (["run"], ["frobnicate"], ["explain", "x.json", "--format", "svg"]):
        p = c.run(*args, expect=USAGE)
        check(len(p.stderr.strip().split("\n")) == 1, f"{args}: {p.stderr}")
    # A bad number is bad input (exit 2), on the command line and in the environment
    # (issue 9; hardening_test.py covers every numeric option of every verb).
    p = c.run("run", "litmus/mp-ra", "--max-executions", "many", expect=BAD_INPUT)
    one_line_error(p, "--max-executions")
    p = c.run("run", "litmus/mp-ra", env={"MMCHECK_TIME_LIMIT": "soon"}, expect=BAD_INPUT)
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
