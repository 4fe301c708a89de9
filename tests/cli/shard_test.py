#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Distributed exploration end to end (issue 14): `run NAME --shard I/N` and `merge FILE...`.

Usage: shard_test.py MMCHECK SOURCE_DIR CASE
The scenario suite is read from SOURCE_DIR (never written: every output goes to a temporary
folder through --out). Each sweep compares, per scenario, `run`, `run --jobs 2` and
`run --shard 1/2` + `--shard 2/2` + `merge`: the whole `--format json` report apart from
timings (verdict, counts, outcomes, the first counterexample with its execution number), the
exit code, and the counterexample file's bytes.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

MMCHECK, SOURCE = sys.argv[1], sys.argv[2]
OK, USAGE, BAD_INPUT, INCONCLUSIVE, VIOLATION = 0, 1, 2, 5, 10


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class Env:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mmcheck-shard-")

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def run(self, *args, expect=None, root=SOURCE):
        e = dict(os.environ)
        for k in ("MMCHECK_MAX_EXECUTIONS", "MMCHECK_TIME_LIMIT", "MMCHECK_SCENARIOS", "MMCHECK_OUT"):
            e.pop(k, None)
        cmd = [MMCHECK, *args]
        if args and args[0] in ("run", "merge", "list"):
            cmd += ["--root", root]
        if args and args[0] in ("run", "merge"):
            cmd += ["--out", self.path("out")]
        p = subprocess.run(cmd, cwd=self.dir, env=e, capture_output=True, text=True, timeout=3600)
        if expect is not None and p.returncode != expect:
            fail(f"{' '.join(cmd)}: exit {p.returncode}, expected {expect}\n--- stdout\n{p.stdout}--- stderr\n{p.stderr}")
        return p

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def without_timing(doc):
    if isinstance(doc, dict):
        return {k: without_timing(v) for k, v in doc.items() if k not in ("seconds", "elapsed_seconds")}
    if isinstance(doc, list):
        return [without_timing(v) for v in doc]
    return doc


def scenarios(env, model_filter=None):
    doc = json.loads(env.run("list", "--format", "json", expect=OK).stdout)
    return [s["name"] for s in doc["scenarios"]]


def first_trace(env, name):
    p = env.path(f"out/{name}.json")
    if not os.path.exists(p):
        return None
    with open(p, encoding="utf-8") as f:
        return f.read()


def clear_out(env):
    shutil.rmtree(env.path("out"), ignore_errors=True)


def same_as_one(env, name, extra=(), parts=2):
    """run vs run --jobs 2 vs --shard k/parts + merge, for one scenario: returns the verdict."""
    clear_out(env)
    one = env.run("run", name, *extra, "-q", "--format", "json")
    check(one.returncode in (OK, VIOLATION, INCONCLUSIVE), f"run {name}: exit {one.returncode}\n{one.stderr}")
    ref = without_timing(json.loads(one.stdout))
    if ref["runs"][0]["stats"]["limit_hit"] == "time-limit":
        print(f"note: {name} {' '.join(extra)}: stopped by its time limit, not comparable run to run; skipped")
        return "skipped (time limit)"
    ref_trace = first_trace(env, name_of_run(name, extra))
    clear_out(env)
    par = env.run("run", name, *extra, "-q", "--format", "json", "--jobs", "2")
    check(par.returncode == one.returncode, f"run {name} --jobs 2: exit {par.returncode}, one worker {one.returncode}")
    check(without_timing(json.loads(par.stdout)) == ref,
          f"run {name} {extra} --jobs 2 differs:\n{par.stdout}\none worker:\n{one.stdout}")
    check(first_trace(env, name_of_run(name, extra)) == ref_trace, f"run {name} --jobs 2: another counterexample file")
    clear_out(env)
    files = []
    for k in range(1, parts + 1):
        f = env.path(f"shards/{name.replace('/', '_')}-{k}.json")
        env.run("run", name, *extra, "-q", "--shard", f"{k}/{parts}", "--shard-out", f, expect=OK)
        files.append(f)
    merged = env.run("merge", *reversed(files), "-q", "--format", "json")
    check(merged.returncode == one.returncode,
          f"merge of {name} {extra}: exit {merged.returncode}, run {one.returncode}\n{merged.stderr}")
    check(without_timing(json.loads(merged.stdout)) == ref,
          f"merge of {parts} shards of {name} {extra} differs:\n{merged.stdout}\nrun:\n{one.stdout}")
    check(first_trace(env, name_of_run(name, extra)) == ref_trace, f"merge of {name}: another counterexample file")
    return ref["runs"][0]["verdict"]


def name_of_run(name, extra):
    return name + ".lkmm" if "lkmm" in extra else name


def sweep(env, names, extra):
    verdicts = {}
    for n in names:
        v = same_as_one(env, n, extra)
        verdicts[v] = verdicts.get(v, 0) + 1
    print(f"{len(names)} scenarios {' '.join(extra)}: {verdicts}")
    check(len(names) > 0, "no scenario found")


# --- the suite ---

def case_suite_rc11(env):
    """Every scenario of the suite under RC11 (the partitioned explorer)."""
    sweep(env, scenarios(env), ["--model", "rc11"])


# A few LKMM scenarios of every kind (the speculative explorer does not partition: shard 1
# explores it all, the others nothing); the whole suite under LKMM is suite_lkmm (long).
LKMM_SAMPLE = ["litmus/mp-rlx", "litmus/sb-sc", "seqcount/no-retry", "rcu/ok", "gup_pin/2C", "page_tail/V1.3-no-rmb"]


def case_suite_lkmm_sample(env):
    sweep(env, [n for n in scenarios(env) if n in LKMM_SAMPLE], ["--model", "lkmm"])


def names_lkmm(name):
    with open(os.path.join(SOURCE, "scenarios", name + ".json"), encoding="utf-8") as f:
        return "lkmm" in json.load(f).get("models", {})


def case_suite_lkmm(env):
    """Every scenario that names LKMM (as check runs it; others may not end under LKMM)."""
    sweep(env, [n for n in scenarios(env) if names_lkmm(n)], ["--model", "lkmm"])


def case_more_shards_and_all_violations(env):
    names = [n for n in scenarios(env) if n.startswith(("litmus/", "seqcount/", "gup_pin/2"))]
    for n in names:
        for parts in (3, 5):
            same_as_one(env, n, ["--model", "rc11"], parts)
        same_as_one(env, n, ["--model", "rc11", "--all-violations"], 3)


def case_text_output(env):
    # merge prints what run prints, in text too (timings aside).
    timing = r"[0-9.]+ s(, [0-9]+ executions/s)?"
    for name in ("litmus/mp-rlx", "litmus/mp-ra"):
        one = env.run("run", name, "--model", "rc11")
        files = []
        for k in (1, 2, 3):
            files.append(env.path(f"s{k}.json"))
            p = env.run("run", name, "--model", "rc11", "--shard", f"{k}/3", "--shard-out", files[-1], expect=OK)
            check(f"shard {k}/3 of {name}" in p.stdout and "wrote" in p.stdout, p.stdout)
        merged = env.run("merge", *files, expect=one.returncode)
        check(re.sub(timing, "", merged.stdout) == re.sub(timing, "", one.stdout),
              f"text differs:\n{merged.stdout}\n---\n{one.stdout}")


def case_default_shard_file(env):
    # Without --shard-out the part goes to <out>/NAME.shard-I-of-N.json.
    for k in (1, 2):
        env.run("run", "litmus/sb-rlx", "--model", "rc11", "-q", "--shard", f"{k}/2", expect=OK)
    files = [env.path(f"out/litmus/sb-rlx.shard-{k}-of-2.json") for k in (1, 2)]
    for f in files:
        check(os.path.exists(f), f"no shard file {f}")
        with open(f, encoding="utf-8") as fh:
            doc = json.load(fh)
        check(doc["format"] == "mmcheck.shard/1" and doc["scenario"]["name"] == "litmus/sb-rlx", str(doc)[:300])
    env.run("merge", *files, "-q", expect=VIOLATION)


def case_budget_cut_shards_inconclusive(env):
    # A budget applies to each shard: a part cut by it makes the merged run inconclusive.
    files = []
    for k in (1, 2):
        files.append(env.path(f"b{k}.json"))
        env.run("run", "litmus/mp-ra", "--model", "rc11", "-q", "--max-executions", "2",
                "--shard", f"{k}/2", "--shard-out", files[-1], expect=OK)
    p = env.run("merge", *files, "-q", expect=INCONCLUSIVE)
    check("bounded" in p.stdout, p.stdout)


# --- bad input: one line, exit 2, nothing written ---

def one_line_error(p, *words):
    lines = p.stderr.strip().splitlines()
    check(len(lines) == 1, f"expected one line on stderr, got:\n{p.stderr}")
    for w in words:
        check(w in lines[0], f"{w!r} not in: {lines[0]}")
    check(p.stdout == "", f"stdout not empty:\n{p.stdout}")


def make_shards(env, name="litmus/mp-rlx", parts=2, extra=(), prefix="p"):
    files = []
    for k in range(1, parts + 1):
        files.append(env.path(f"{prefix}{k}.json"))
        env.run("run", name, "--model", "rc11", "-q", *extra, "--shard", f"{k}/{parts}", "--shard-out", files[-1], expect=OK)
    return files


def edited(env, src, dst, fn):
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    fn(doc)
    with open(env.path(dst), "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return env.path(dst)


def case_merge_bad_input(env):
    a1, a2 = make_shards(env)
    b1, b2, b3 = make_shards(env, parts=3, prefix="q")
    s1, _ = make_shards(env, name="litmus/sb-rlx", prefix="r")
    v1, v2 = make_shards(env, extra=("--all-violations",), prefix="v")
    clear_out(env)

    def bad(files, *words):
        p = env.run("merge", *files, expect=BAD_INPUT)
        one_line_error(p, *words)
        check(not os.path.exists(env.path("out/litmus")), "merge wrote a counterexample on bad input")

    bad([a1], "missing", "2/2")                                  # a part missing
    bad([a1, a1, a2], "p1.json", "shard.index", "1/2")          # a part twice
    bad([a1, b2, b3], "shard.count")                             # different N
    bad([a1, v2], "options.stop_at_first_violation")             # different options
    bad([s1, a2], "scenario.name")                               # different scenario
    bad([env.path("nonexistent.json"), a2], "nonexistent.json")  # no such file
    with open(a2, encoding="utf-8") as f:
        text = f.read()
    with open(env.path("trunc.json"), "w", encoding="utf-8") as f:
        f.write(text[: len(text) // 2])
    bad([a1, env.path("trunc.json")], "trunc.json", "truncated")  # corrupt JSON
    bad([a1, edited(env, a2, "t1.json", lambda d: d["record"].__setitem__("segments", "x"))],
        "t1.json", "record.segments", "an array")                 # wrong type
    bad([a1, edited(env, a2, "t2.json", lambda d: d["result"]["stats"].__setitem__("complete", "7"))],
        "t2.json", "result.stats.complete", "an integer")
    bad([a1, edited(env, a2, "t3.json", lambda d: d.__setitem__("format", "mmcheck.shard/99"))],
        "t3.json", "format")                                      # another version
    bad([a1, edited(env, a2, "t4.json", lambda d: d["shard"].__setitem__("index", 3))],
        "t4.json", "shard.index")                                 # index out of range
    bad([a1, edited(env, a2, "t5.json", lambda d: d["record"].__setitem__("violation_keys", [1, 2, 3, 4, 5]))],
        "t5.json", "record.violation_keys")                       # inconsistent record
    bad([a1, edited(env, a2, "t6.json", lambda d: d.__delitem__("checks"))], "t6.json", "checks", "missing")
    bad([a1, edited(env, a2, "t7.json", lambda d: d["scenario"].__setitem__("hash", "fnv1a64:0000000000000000"))],
        "t7.json", "scenario.hash")
    # Both files changed alike: the scenario differs from the one the shards ran.
    h1 = edited(env, a1, "h1.json", lambda d: d["scenario"].__setitem__("hash", "fnv1a64:0000000000000000"))
    h2 = edited(env, a2, "h2.json", lambda d: d["scenario"].__setitem__("hash", "fnv1a64:0000000000000000"))
    bad([h1, h2], "scenario.hash", "changed since the shards ran")
    n1 = edited(env, a1, "n1.json", lambda d: d["scenario"].__setitem__("name", "litmus/no-such"))
    n2 = edited(env, a2, "n2.json", lambda d: d["scenario"].__setitem__("name", "litmus/no-such"))
    bad([n1, n2], "scenario.name")
    bad([a1, edited(env, a2, "t8.json", lambda d: d["violations"].append({"schema": 1}) if d["violations"] else
                    d.__setitem__("violations", [{"schema": 1}]))], "t8.json", "violations[")
    for junk in ("[]", "null", "{}", "\"x\"", ""):
        with open(env.path("junk.json"), "w", encoding="utf-8") as f:
            f.write(junk)
        bad([a1, env.path("junk.json")], "junk.json")


def case_run_shard_bad_options(env):
    for spec in ("0/2", "3/2", "x", "1/0", "2", "1/5000", "-1/2", ""):
        one_line_error(env.run("run", "litmus/mp-rlx", "--shard", spec, expect=BAD_INPUT), "--shard")
    one_line_error(env.run("run", "litmus/mp-rlx", "--shard", "1/2", "--jobs", "2", expect=USAGE), "--jobs")
    one_line_error(env.run("run", "litmus/mp-rlx", "litmus/mp-ra", "--shard", "1/2", expect=USAGE), "one scenario")
    env.run("run", "litmus/mp-rlx", "--shard-out", env.path("x.json"), expect=USAGE)
    # A destination that cannot be written (its folder is a file): exit 2, nothing written.
    with open(env.path("plain"), "w", encoding="utf-8") as f:
        f.write("x")
    p = env.run("run", "litmus/mp-rlx", "--shard", "1/2", "--shard-out", env.path("plain/s.json"), expect=BAD_INPUT)
    one_line_error(p, "plain")
    # An unwritable destination: exit 2 and no file, partial or not.
    os.makedirs(env.path("ro"), exist_ok=True)
    os.chmod(env.path("ro"), 0o500)
    try:
        if os.access(env.path("ro"), os.W_OK):
            print("note: running as root, the unwritable-folder check is skipped")
        else:
            p = env.run("run", "litmus/mp-rlx", "--shard", "1/2", "--shard-out", env.path("ro/s.json"), expect=BAD_INPUT)
            one_line_error(p, "ro")
            check(os.listdir(env.path("ro")) == [], f"left {os.listdir(env.path('ro'))}")
    finally:
        os.chmod(env.path("ro"), 0o700)


def main():
    name = sys.argv[3]
    fn = globals().get("case_" + name)
    if fn is None:
        fail(f"no test case {name!r}")
    env = Env()
    try:
        fn(env)
    finally:
        env.cleanup()
    print(f"ok: {name}")


if __name__ == "__main__":
    main()
