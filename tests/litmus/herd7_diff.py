#!/usr/bin/env python3
"""Differential test of mmcheck's LKMM against herd7 (the kernel's own oracle).

herd7 is not a dependency of the project: this test runs only where one is given.

    MMCHECK_HERD7=/path/to/herd7 MMCHECK_HERD7_LKMM=/path/to/lkmm \\
        tests/litmus/herd7_diff.py MMCHECK [--random N] [--seed S] [--keep DIR] [FILE|DIR ...]

MMCHECK_HERD7 names the herd7 binary (default: `herd7` on PATH); MMCHECK_HERD7_LKMM the folder
holding linux-kernel.cfg, .cat, .bell, .def and lock.cat (the kernel's tools/memory-model, or
herdtools7's catalogue/linux/cats); extra herd7 options (for example `-I LIBDIR` for a herd7
not installed) go in MMCHECK_HERD7_OPTS. Each FILE (or each *.litmus of DIR) is run by both
tools, and --random N adds N generated small LKMM tests (2-3 threads, 2-4 locations,
READ_ONCE/WRITE_ONCE, plain accesses, smp_mb/wmb/rmb, smp_mb__{before,after}_atomic,
acquire/release, address/data/control dependencies, xchg/cmpxchg in all orderings, atomic_t
RMWs, spin_lock/unlock); the generator is seeded, so a seed names the same tests everywhere.
Every final state of both tools is compared (not only the verdict), and herd7's flags
(data-race, ...) with mmcheck's. A disagreeing test is printed, and written to --keep DIR.

Exit: 0 all agree, 1 a disagreement (or a tool failed), 77 herd7 or its model files are absent
(one line `SKIPPED: ...`, so ctest counts the test as skipped).
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERD_TIMEOUT = int(os.environ.get("MMCHECK_HERD7_TIMEOUT", "120"))
MMCHECK_TIMEOUT = int(os.environ.get("MMCHECK_HERD7_TIMEOUT", "120"))


# ---------------------------------------------------------------------------------------------
# Random test generator
# ---------------------------------------------------------------------------------------------

class Gen:
    """One random LKMM litmus test. Every register is assigned exactly once, outside any `if`,
    so both tools agree on which registers exist; each write stores a value unique to its
    location (or a copied register, for a data dependency), so a state names the writes read."""

    def __init__(self, rng, name):
        self.rng = rng
        self.name = name
        self.nthreads = rng.choice([2, 2, 3])
        self.locs = ["x", "y", "z", "w"][: rng.choice([2, 2, 3, 4])]
        self.use_atomic = rng.random() < 0.25
        self.use_lock = rng.random() < 0.2
        self.use_plain = rng.random() < 0.2
        self.next_val = {}

    def val(self, loc):
        v = self.next_val.get(loc, 1)
        self.next_val[loc] = v + 1
        return v

    def thread(self, tid):
        rng = self.rng
        regs = []   # registers assigned so far
        lines = []
        n = rng.choice([2, 2, 3, 3, 4])

        def new_reg():
            r = "r%d" % len(regs)
            regs.append(r)
            return r

        def loc():
            return rng.choice(self.locs)

        def addr(l):
            # address dependency on an earlier read: herd7's idiom *(x + (r & 0))
            if regs and rng.random() < 0.35:
                return "*(%s + (%s & 0))" % (l, rng.choice(regs)), True
            return "*" + l, False

        def write_stmt(allow_plain=True):
            l = loc()
            kind = rng.random()
            value = str(self.val(l))
            if regs and rng.random() < 0.3:
                value = rng.choice(regs)  # data dependency: the stored value is a read's
            if allow_plain and self.use_plain and kind < 0.25:
                target, _ = addr(l)
                return "%s = %s;" % (target, value)
            if kind < 0.7:
                target, _ = addr(l)
                return "WRITE_ONCE(%s, %s);" % (target, value)
            return "smp_store_release(%s, %s);" % (l, value)

        def read_stmt():
            l = loc()
            kind = rng.random()
            target, _ = addr(l)
            r = new_reg()
            if self.use_plain and kind < 0.2:
                return "%s = %s;" % (r, target)
            if kind < 0.75:
                return "%s = READ_ONCE(%s);" % (r, target)
            return "%s = smp_load_acquire(%s);" % (r, l)

        def rmw_stmt():
            l = loc()
            suffix = rng.choice(["", "_relaxed", "_acquire", "_release"])
            r = new_reg()
            if rng.random() < 0.5:
                return "%s = xchg%s(%s, %d);" % (r, suffix, l, self.val(l))
            old = rng.choice([0] + list(range(1, self.next_val.get(l, 1) + 1)))
            return "%s = cmpxchg%s(%s, %d, %d);" % (r, suffix, l, old, self.val(l))

        def atomic_stmt():
            kind = rng.random()
            if kind < 0.2:
                return "atomic_inc(a);"
            if kind < 0.4:
                r = new_reg()
                return "%s = atomic_read(a);" % r
            r = new_reg()
            op = rng.choice(["atomic_add_return", "atomic_fetch_add", "atomic_inc_return",
                             "atomic_fetch_inc", "atomic_xchg", "atomic_cmpxchg"])
            suffix = rng.choice(["", "_relaxed", "_acquire", "_release"])
            if op in ("atomic_add_return", "atomic_fetch_add"):
                return "%s = %s%s(%d, a);" % (r, op, suffix, rng.choice([1, 2]))
            if op in ("atomic_inc_return", "atomic_fetch_inc"):
                return "%s = %s%s(a);" % (r, op, suffix)
            if op == "atomic_xchg":
                return "%s = atomic_xchg%s(a, %d);" % (r, suffix, rng.choice([1, 5]))
            return "%s = atomic_cmpxchg%s(a, %d, %d);" % (r, suffix, rng.choice([0, 1]), 7)

        def fence_stmt():
            return rng.choice(["smp_mb();", "smp_wmb();", "smp_rmb();", "smp_mb();",
                               "smp_mb__before_atomic();", "smp_mb__after_atomic();"])

        for _ in range(n):
            k = rng.random()
            if k < 0.3:
                lines.append(read_stmt())
            elif k < 0.55:
                lines.append(write_stmt())
            elif k < 0.65 and regs:
                # control dependency: the write(s) in the branch depend on the read
                r = rng.choice(regs)
                cond = rng.choice(["%s" % r, "%s == 0" % r, "%s == 1" % r])
                body = write_stmt(allow_plain=False)
                if rng.random() < 0.3:
                    lines.append("if (%s) {\n\t\t%s\n\t} else {\n\t\t%s\n\t}" % (cond, body, write_stmt(False)))
                else:
                    lines.append("if (%s) {\n\t\t%s\n\t}" % (cond, body))
            elif k < 0.75:
                lines.append(rmw_stmt())
            elif k < 0.85 and self.use_atomic:
                lines.append(atomic_stmt())
            else:
                lines.append(fence_stmt())
            # a fence between accesses now and then
            if rng.random() < 0.25:
                lines.append(fence_stmt())
        if self.use_lock and rng.random() < 0.7 and len(lines) >= 1:
            i = rng.randrange(len(lines))
            j = rng.randrange(i, len(lines)) + 1
            lines = lines[:i] + ["spin_lock(s);"] + lines[i:j] + ["spin_unlock(s);"] + lines[j:]
        params = ["int *%s" % l for l in self.locs]
        if self.use_atomic:
            params.append("atomic_t *a")
        if self.use_lock:
            params.append("spinlock_t *s")
        decl = "".join("\tint %s;\n" % r for r in regs)  # herd7 takes one declarator per line
        body = "".join("\t%s\n" % ln for ln in lines)
        return "P%d(%s)\n{\n%s%s}\n" % (tid, ", ".join(params), decl, body), regs

    def text(self):
        threads = []
        observed = []
        for t in range(self.nthreads):
            src, regs = self.thread(t)
            threads.append(src)
            observed += ["%d:%s" % (t, r) for r in regs]
        observed += self.locs
        if self.use_atomic:
            observed.append("a")
        init = "{ atomic_t a = ATOMIC_INIT(0); }" if self.use_atomic else "{}"
        first = observed[0]
        return ("C %s\n\n%s\n\n%s\nlocations [%s]\nexists (%s=0)\n" %
                (self.name, init, "\n".join(threads), "; ".join(observed), first))


# ---------------------------------------------------------------------------------------------
# Running the two tools
# ---------------------------------------------------------------------------------------------

STATE_RE = re.compile(r"\s*([^=;\s]+)\s*=\s*([^;\s]+)\s*;")


def norm_state(line):
    """'0:r0=1; x=2;' -> sorted tuple of (name, value); herd7 writes `[x]` for a location."""
    out = []
    for name, value in STATE_RE.findall(line):
        name = name.strip("[]")
        out.append((name, value))
    return tuple(sorted(out))


def run_herd7(herd7, lkmm, opts, path):
    cmd = [herd7] + opts + ["-conf", os.path.join(lkmm, "linux-kernel.cfg"), path]
    p = subprocess.run(cmd, cwd=lkmm, capture_output=True, text=True, timeout=HERD_TIMEOUT)
    out = p.stdout
    if p.returncode != 0 or "States" not in out:
        return None, None, (out + p.stderr).strip().splitlines()[-1:] or ["herd7 failed"]
    lines = out.splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("States "))
    n = int(lines[i].split()[1])
    states = {norm_state(ln) for ln in lines[i + 1: i + 1 + n]}
    flags = {ln.split(None, 1)[1].strip() for ln in lines if ln.startswith("Flag ")}
    return states, flags, None


def run_mmcheck(mmcheck, path):
    p = subprocess.run([mmcheck, "litmus", "--model", "lkmm", "--format", "json", path],
                       capture_output=True, text=True, timeout=MMCHECK_TIMEOUT)
    if p.returncode not in (0, 10):
        return None, None, ["mmcheck exit %d: %s" % (p.returncode, (p.stderr or p.stdout).strip()[:300])]
    doc = json.loads(p.stdout)
    res = doc[0] if isinstance(doc, list) else doc
    if not res.get("exhaustive", False):
        return None, None, ["mmcheck did not finish (bounded)"]
    # each state is an object {"0:r0": 1, "x": 2}
    states = {tuple(sorted((k.strip("[]"), str(v)) for k, v in s.items())) for s in res["states"]}
    flags = set(res.get("flags", []))
    return states, flags, None


def show(s):
    return " ".join("%s=%s;" % kv for kv in s)


def compare(herd7, lkmm, opts, mmcheck, path):
    """None when both agree, else a list of lines describing the difference."""
    hs, hf, herr = run_herd7(herd7, lkmm, opts, path)
    if herr:
        return ["herd7: " + " ".join(herr)], "herd7-error"
    if not hs:
        return ["herd7: no final state"], "herd7-error"
    ms, mf, merr = run_mmcheck(mmcheck, path)
    if merr:
        return ["mmcheck: " + " ".join(merr)], "mmcheck-error"
    # mmcheck also prints the final value of every location; herd7 only what the condition and
    # `locations` name. Compare on herd7's names.
    keys = {k for st in hs for k, _ in st}
    ms = {tuple(kv for kv in st if kv[0] in keys) for st in ms}
    diff = []
    for s in sorted(hs - ms):
        diff.append("  herd7 only  : " + show(s))
    for s in sorted(ms - hs):
        diff.append("  mmcheck only: " + show(s))
    if hf != mf:
        diff.append("  flags: herd7 %s, mmcheck %s" % (sorted(hf), sorted(mf)))
    return (diff, "disagree") if diff else (None, "agree")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mmcheck")
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--random", type=int, default=0, help="generated tests to add")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="write each generated and each disagreeing test here")
    a = ap.parse_intermixed_args()  # ctest passes the paths after the options

    herd7 = os.environ.get("MMCHECK_HERD7") or shutil.which("herd7")
    lkmm = os.environ.get("MMCHECK_HERD7_LKMM", "")
    if not herd7 or not os.access(herd7, os.X_OK):
        print("SKIPPED: no herd7 (set MMCHECK_HERD7 to a herd7 binary, or put herd7 on PATH)")
        return 77
    if not os.path.isfile(os.path.join(lkmm, "linux-kernel.cfg")):
        print("SKIPPED: MMCHECK_HERD7_LKMM does not name a folder with linux-kernel.cfg (the LKMM files)")
        return 77
    opts = os.environ.get("MMCHECK_HERD7_OPTS", "").split()

    files = []
    for p in a.paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".litmus"))
        else:
            files.append(p)
    tmp = tempfile.mkdtemp(prefix="herd7_diff.")
    rng = random.Random(a.seed)
    for i in range(a.random):
        name = "R%d-%04d" % (a.seed, i)
        path = os.path.join(tmp, name + ".litmus")
        with open(path, "w") as f:
            f.write(Gen(rng, name).text())
        files.append(path)

    counts = {"agree": 0, "disagree": 0, "herd7-error": 0, "mmcheck-error": 0}
    for path in files:
        try:
            diff, kind = compare(herd7, lkmm, opts, os.path.abspath(a.mmcheck), os.path.abspath(path))
        except subprocess.TimeoutExpired as e:
            tool = "herd7" if os.path.basename(e.cmd[0]).startswith("herd") else "mmcheck"
            diff, kind = ["%s: no answer within %d s" % (tool, e.timeout)], tool + "-error"
        counts[kind] += 1
        if diff:
            print("%s: %s" % (path if not path.startswith(tmp) else os.path.basename(path), kind))
            for d in diff:
                print(d)
            if a.keep:
                os.makedirs(a.keep, exist_ok=True)
                shutil.copy(path, a.keep)
        if a.keep and path.startswith(tmp):
            os.makedirs(os.path.join(a.keep, "all"), exist_ok=True)
            shutil.copy(path, os.path.join(a.keep, "all"))
    shutil.rmtree(tmp)
    print("herd7_diff: %d files: %d agree, %d disagree, %d herd7 errors, %d mmcheck errors" %
          (len(files), counts["agree"], counts["disagree"], counts["herd7-error"], counts["mmcheck-error"]))
    return 0 if counts["agree"] == len(files) else 1


if __name__ == "__main__":
    sys.exit(main())
