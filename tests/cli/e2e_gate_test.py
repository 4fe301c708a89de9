#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The CI gate end to end on a scratch copy of the repository, rebuilt after each edit.

Usage: e2e_gate_test.py SOURCE_DIR WORK_DIR
Copies the tracked files of SOURCE_DIR into WORK_DIR/repo (a fresh git repository), builds
its mmcheck (target only; a compiler launcher such as ccache is used when the environment
names one), and runs docs/mmcheck.md's CI recipe, `mmcheck check --junit --sarif --github
--summary-md`, after each of these edits:
  1. none: green;
  2. a comment line added at the top of models/gup_pin.cpp (every line number moves): still
     green, and results/ untouched;
  3. the (A1) smp_mb() of write_protect_page() removed (the barrier of 088b8aa537c2): red;
     the verdict mismatches are exactly 2B and 2B-ro, and the only other failures are
     committed counterexamples that executed the removed fence (one fence fewer; no noise
     from moved lines); SARIF, annotations and JUnit name the model line of the violated
     check, with the timeline in the JUnit failure;
  4. a model made non-deterministic in one variant (an internal error): that scenario is an
     ERROR entry, every other scenario has its result, exit 6, and every report is written.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

OK, VIOLATION, INTERNAL = 0, 10, 6


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg if isinstance(msg, str) else repr(msg))


def sh(args, cwd, **kw):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, **kw)


def main():
    source, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    repo = os.path.join(work, "repo")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(repo)
    files = sh(["git", "-C", source, "ls-files", "-co", "--exclude-standard"], source, check=True).stdout.split("\n")
    for f in files:
        if f and os.path.isfile(os.path.join(source, f)):
            os.makedirs(os.path.dirname(os.path.join(repo, f)), exist_ok=True)
            shutil.copy2(os.path.join(source, f), os.path.join(repo, f))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        sh(git + args, repo, check=True)

    jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
    p = sh(["cmake", "--preset", "release", "-DMMCHECK_BUILD_TESTS=OFF"], repo)
    check(p.returncode == 0, "configure:\n" + p.stdout[-3000:] + p.stderr[-3000:])
    mmcheck = os.path.join(repo, "build", "release", "checker", "cli", "mmcheck")

    def build(what):
        p = sh(["cmake", "--build", "--preset", "release", "--target", "mmcheck", "-j", jobs], repo)
        check(p.returncode == 0, f"build after {what}:\n" + p.stdout[-3000:] + p.stderr[-3000:])

    def gate(tag):
        """The CI recipe of docs/mmcheck.md, with every report in ci-<tag>/ (outside results/)."""
        out = os.path.join(work, "ci-" + tag)
        env = dict(os.environ, MMCHECK_OUT=os.path.join(out, "out"))
        for k in ("MMCHECK_MAX_EXECUTIONS", "MMCHECK_TIME_LIMIT", "MMCHECK_SCENARIOS"):
            env.pop(k, None)
        p = subprocess.run([mmcheck, "check", "--jobs", "2", "--junit", os.path.join(out, "junit.xml"),
                            "--sarif", os.path.join(out, "mmcheck.sarif"), "--summary-md", os.path.join(out, "summary.md"),
                            "--github"], cwd=repo, env=env, capture_output=True, text=True, timeout=1800)
        return p, out

    def status():
        return sh(["git", "status", "--porcelain"], repo, check=True).stdout

    build("copying")
    p, _ = gate("base")
    check(p.returncode == OK, "the copy is green before any edit:\n" + p.stdout[-4000:] + p.stderr[-2000:])
    check(status() == "", "check leaves the checkout clean:\n" + status())
    print("ok: green before any edit")

    model_file = os.path.join(repo, "models", "gup_pin.cpp")
    with open(model_file, encoding="utf-8") as f:
        original = f.read()

    # 2. A comment line moves every line number of the model.
    with open(model_file, "w", encoding="utf-8") as f:
        f.write("// Reviewer's note: nothing changes below.\n" + original)
    build("a comment")
    p, _ = gate("comment")
    check(p.returncode == OK, "a comment line keeps the gate green:\n" + p.stdout[-4000:] + p.stderr[-2000:])
    check(status().strip() == "M models/gup_pin.cpp", "only the edit in git status:\n" + status())
    print("ok: a comment line leaves check green and results/ untouched")

    # 3. The (A1) barrier removed.
    a1 = '            label("(A1) smp_mb()");  // added by 088b8aa537c2\n            smp_mb();\n'
    check(a1 in original, "the (A1) smp_mb() of models/gup_pin.cpp moved; update this test")
    with open(model_file, "w", encoding="utf-8") as f:
        f.write(original.replace(a1, '            label("(A1) smp_mb()");  // added by 088b8aa537c2\n'))
    build("removing the barrier")
    p, out = gate("barrier")
    check(p.returncode == VIOLATION, f"exit {p.returncode}, expected 10:\n" + p.stdout[-4000:] + p.stderr[-2000:])
    mismatches = re.findall(r"^MISMATCH\s+(\S+)\s+(.*)\n\s+(.*)$", p.stdout, re.M)
    check(mismatches, p.stdout)
    check(all(n.startswith("gup_pin/") for n, _, _ in mismatches), f"only gup_pin scenarios change: {mismatches}")
    check("missing counterexample" not in p.stdout, p.stdout)
    # The real breaks: scenarios expected safe that now violate (2B and 2B-ro, under both models they name, the protocol of
    # 088b8aa537c2 without its barrier), and nothing else: the expected violations whose
    # committed counterexample executed the removed barrier (2B-a, 2B-c, ...) still show the
    # same accesses, reads and coherence, one fence fewer, which golden.cpp does not count.
    broken = {n for n, _, why in mismatches if why.startswith("expected safe, found violation")}
    check(broken == {"gup_pin/2B", "gup_pin/2B-ro", "gup_pin/2B.lkmm", "gup_pin/2B-ro.lkmm"},
          f"the real breaks: {broken}")
    check({n for n, _, _ in mismatches} == broken, f"only the real breaks fail: {mismatches}")
    print(f"ok: the barrier removed breaks exactly {sorted(broken)}")
    failing = {n for n, _, _ in mismatches}
    # SARIF: one result per broken scenario, at a line of models/gup_pin.cpp that is a check.
    with open(os.path.join(out, "mmcheck.sarif"), encoding="utf-8") as f:
        sarif = json.load(f)
    results = sarif["runs"][0]["results"]
    check({r["properties"]["scenario"] for r in results} == failing, results)
    check({r["properties"]["scenario"] for r in results if r["ruleId"] == "mmcheck/verdict-mismatch"} == broken, results)
    lines = original.split("\n")
    for r in results:
        loc = r["locations"][0]["physicalLocation"]
        check(loc["artifactLocation"]["uri"] == "models/gup_pin.cpp", loc)
        text = lines[loc["region"]["startLine"] - 1]
        check("check(" in text or "assert" in text or "CHECK" in text, f"line {loc['region']['startLine']} is a check: {text!r}")
        check(r["codeFlows"][0]["threadFlows"], r)
    # Annotations: one per broken scenario at the same lines.
    ann = re.findall(r"^::error file=([^,]+),line=(\d+),title=mmcheck ([^:%]+)", p.stdout, re.M)
    check({a[2] for a in ann} == failing and all(a[0] == "models/gup_pin.cpp" for a in ann), ann)
    sarif_lines = {r["properties"]["scenario"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}
    check(all(int(a[1]) == sarif_lines[a[2]] for a in ann), (ann, sarif_lines))
    # JUnit: a failure per broken scenario, holding the timeline and the model line.
    junit = ET.parse(os.path.join(out, "junit.xml")).getroot()
    failures = {tc.get("name"): tc.find("failure") for tc in junit.iter("testcase") if tc.find("failure") is not None}
    check(set(failures) == failing, set(failures))
    for name, f in failures.items():
        check("| T0" in f.text and "gup_pin.cpp:%d" % sarif_lines[name] in f.text, f.text[:2000])
    with open(os.path.join(out, "summary.md"), encoding="utf-8") as f:
        md = f.read()
    check(all("`%s`" % n in md for n in failing) and ":x: mismatch" in md, md[:2000])
    print("ok: SARIF, annotations, JUnit and the Markdown summary name the model lines")

    # 4. An internal error in one scenario: gup_pin 2C made non-deterministic (a different
    # number of threads in its second execution), which the runtime reports as mmcheck's error.
    marker = "    void threads() override {"
    check(marker in original, "models/gup_pin.cpp has no threads() override; update this test")
    nondet = marker + '\n        static int runs = 0;\n        if (variant_is("2C") && ++runs == 2) thread("extra", [] {});\n'
    with open(model_file, "w", encoding="utf-8") as f:
        f.write(original.replace(marker, nondet, 1))
    build("an internal error")
    p, out = gate("error")
    check(p.returncode == INTERNAL, f"exit {p.returncode}, expected 6:\n" + p.stdout[-4000:] + p.stderr[-2000:])
    check(re.search(r"^ERROR\s+gup_pin/2C\s+internal error: ", p.stdout, re.M), p.stdout)
    with open(os.path.join(out, "out", "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    statuses = {s["scenario"]: s["status"] for s in summary["scenarios"]}
    check(statuses.pop("gup_pin/2C") == "error", summary["counts"])
    check(len(statuses) >= 90 and all(s == "pass" for s in statuses.values()), summary["counts"])
    junit = ET.parse(os.path.join(out, "junit.xml")).getroot()
    check(junit.get("errors") == "1" and junit.get("failures") == "0", ET.tostring(junit)[:500])
    print("ok: one internal error is one ERROR entry; the other %d scenarios have their results" % len(statuses))


if __name__ == "__main__":
    main()
