#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The HTML view of a counterexample in a real browser (headless Chromium, Debian's `chromium`).

Usage: html_view_test.py MMCHECK SOURCE_DIR OUT_DIR [TRACE...]
For each trace (default: results/gup_pin/2C.json and results/litmus/mp-rlx.json of the source
tree) it writes `mmcheck explain TRACE --format html` to OUT_DIR, opens it in Chromium through
the DevTools protocol over a pipe (--remote-debugging-pipe: no network, no pip package), and
checks: no console message, no exception, no failed or non-file request; one column per
thread (g.thread), side by side, headed by the thread's name; one arrow per rf edge from a
write (path.edge.rf, counted against the trace); one event box per event; then saves a
screenshot OUT_DIR/<name>.png. A page with a console error is checked first: the test must
be able to fail. Exit 77 (ctest: skipped) with a clear message only when no Chromium exists.
"""
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def find_browser():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        p = shutil.which(name)
        if p:
            return p
    return None


class Browser:
    """Chromium driven through the DevTools protocol on fds 3 (commands) and 4 (replies)."""

    def __init__(self, exe):
        self.profile = tempfile.mkdtemp(prefix="mmcheck-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on its fd 3 and writes replies on its fd 4. The child ends
        # are first moved above 4 so that placing them cannot clobber one another.
        hi_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        hi_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        for fd in (to_chrome_r, from_chrome_w):
            os.close(fd)

        def child_fds():
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
             "--user-data-dir=" + self.profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, pass_fds=(3, 4, hi_r, hi_w))
        os.close(hi_r)
        os.close(hi_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                fail("no reply from Chromium within the time limit")
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                fail("Chromium closed the DevTools pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    fail(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, timeout=60):
        deadline = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return e
        while True:
            m = self._read_message(deadline)
            self.events.append(m)
            if m.get("method") == method:
                return m

    def open(self, url):
        """A fresh page with every diagnostic domain on; returns its session."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.send(domain + ".enable", session=session)
        self.events = []
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired")
        # Let late console messages and requests arrive.
        self.send("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 200))", "awaitPromise": True},
                  session=session)
        return session

    def problems(self):
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled":
                out.append("console." + p.get("type", "?") + ": " +
                           " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                out.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:300])
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
                out.append("log " + p["entry"]["level"] + ": " + p["entry"].get("text", ""))
            elif m == "Network.loadingFailed":
                out.append("failed request: " + p.get("errorText", ""))
            elif m == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if not url.startswith(("file://", "data:", "about:")):
                    out.append("network request: " + url)
        return out

    def evaluate(self, session, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=session)
        if "exceptionDetails" in r:
            fail("evaluate: " + json.dumps(r["exceptionDetails"])[:500])
        return r["result"].get("value")

    def screenshot(self, session, path, width, height):
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": int(width), "height": int(height), "deviceScaleFactor": 1, "mobile": False}, session=session)
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except SystemExit:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


MEASURE = """(() => {
  const cols = [...document.querySelectorAll('g.thread')].map(g => {
    const b = g.querySelector('rect.col').getBoundingClientRect();
    return {thread: g.dataset.thread, left: b.left, right: b.right,
            name: g.querySelector('text.th-name').textContent,
            events: g.querySelectorAll('g.event').length};
  });
  const rf = [...document.querySelectorAll('path.edge.rf')].map(p => [+p.dataset.from, +p.dataset.to]);
  const body = document.documentElement;
  return {cols, rf, fr: document.querySelectorAll('path.edge.fr').length,
          stale: document.querySelectorAll('path.edge.fr.stale').length,
          width: body.scrollWidth, height: body.scrollHeight,
          scripts: document.scripts.length};
})()"""


def check_page(browser, mmcheck, trace_file, out_dir):
    with open(trace_file, encoding="utf-8") as f:
        trace = json.load(f)
    name = os.path.splitext(os.path.basename(trace_file))[0]
    page = os.path.join(out_dir, name + ".html")
    p = subprocess.run([mmcheck, "explain", trace_file, "--format", "html"], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        fail(f"mmcheck explain {trace_file} --format html: exit {p.returncode}: {p.stderr}")
    with open(page, "w", encoding="utf-8") as f:
        f.write(p.stdout)
    session = browser.open("file://" + os.path.abspath(page))
    problems = browser.problems()
    if problems:
        fail(f"{page}: the browser reported:\n" + "\n".join(problems))
    m = browser.evaluate(session, MEASURE)
    if m["scripts"] != 0:
        fail(f"{page}: the page has a script")
    threads = trace["threads"]
    if len(m["cols"]) != len(threads):
        fail(f"{page}: {len(m['cols'])} columns, expected one per thread ({len(threads)})")
    for col, th in zip(m["cols"], threads):
        if th["name"] not in col["name"] and not col["name"].endswith("\u2026"):
            fail(f"{page}: column {col['thread']} headed {col['name']!r}, expected the name {th['name']!r}")
        want = sum(1 for e in trace["events"] if e["thread"] == th["id"])
        if col["events"] != want:
            fail(f"{page}: column {col['thread']} has {col['events']} events, the trace {want}")
    for a, b in zip(m["cols"], m["cols"][1:]):
        if not a["right"] <= b["left"]:
            fail(f"{page}: columns overlap or are out of order: {a} {b}")
    want_rf = sorted([e["reads_from"], e["seq"]] for e in trace["events"]
                     if e["kind"] == "read" and isinstance(e["reads_from"], int) and e["reads_from"] > 0)
    if sorted(m["rf"]) != want_rf:
        fail(f"{page}: rf arrows {sorted(m['rf'])}, expected one per rf edge from a write {want_rf}")
    stale = sum(1 for e in trace["events"] if e["stale"])
    if m["stale"] != stale:
        fail(f"{page}: {m['stale']} highlighted fr edges, expected one per stale read ({stale})")
    # fr: a read (not an RMW's) whose write read has a co-successor in this execution.
    co_pos = {e["seq"]: e["co_position"] for e in trace["events"] if e["co_position"] is not None}
    last = {}
    for e in trace["events"]:
        if e["co_position"] is not None:
            last[e["location"]] = max(last.get(e["location"], 0), e["co_position"])
    want_fr = sum(1 for e in trace["events"]
                  if e["kind"] == "read" and "rmw-read" not in e["flags"] and e["reads_from"] is not None
                  and (0 if e["reads_from"] == "init" else co_pos.get(e["reads_from"], 0)) < last.get(e["location"], 0))
    if m["fr"] != want_fr:
        fail(f"{page}: {m['fr']} fr edges, expected {want_fr}")
    shot = os.path.join(out_dir, name + ".png")
    browser.screenshot(session, shot, max(800, m["width"]), max(600, m["height"]))
    with open(shot, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or os.path.getsize(shot) < 5000:
        fail(f"{shot}: not a plausible screenshot")
    print(f"ok: {trace_file}: {len(threads)} columns, {len(want_rf)} rf arrows, {want_fr} fr ({stale} stale); "
          f"screenshot {shot}")


def main():
    if len(sys.argv) < 4:
        fail("usage: html_view_test.py MMCHECK SOURCE_DIR OUT_DIR [TRACE...]")
    mmcheck, source, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    traces = sys.argv[4:] or [os.path.join(source, "results", "gup_pin", "2C.json"),
                              os.path.join(source, "results", "litmus", "mp-rlx.json")]
    exe = find_browser()
    if exe is None:
        print("SKIP: no Chromium found (install the Debian package `chromium`; scripts/setup does)")
        sys.exit(SKIP)
    os.makedirs(out_dir, exist_ok=True)
    browser = Browser(exe)
    try:
        # The detector itself: a page with a console error must be reported.
        bad = os.path.join(out_dir, "console-error.html")
        with open(bad, "w") as f:
            f.write("<!DOCTYPE html><html><body><script>console.error('deliberate')</script></body></html>")
        browser.open("file://" + os.path.abspath(bad))
        if not any("deliberate" in p for p in browser.problems()):
            fail("a console error was not detected: " + json.dumps(browser.events)[:1000])
        for t in traces:
            check_page(browser, mmcheck, t, out_dir)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
