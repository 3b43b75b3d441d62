#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Clicks a button of a page in a real browser: runs Chromium with
--remote-debugging-pipe and speaks the DevTools protocol to it (JSON
messages ending in a NUL byte, ours on its fd 3, its own on fd 4).

usage: click.py URL SELECTOR OUTDIR SECONDS CHROMIUM [ARGS...]

Loads URL in a new tab, writes the document (document.documentElement.
outerHTML) to OUTDIR/before.html, finds the element SELECTOR (a CSS
selector: the first match), scrolls it into view, takes the middle of its
box (DOM.getBoxModel) and clicks there with the mouse (Input.
dispatchMouseEvent: moved, pressed, released, the left button), waits for
the navigation the click starts to load, and writes the new document to
OUTDIR/after.html. Prints what it did, one line a step: "box X Y W H",
"click X Y", "navigated URL" (the new document's location). Everything
must be done within SECONDS, else it gives up.

Exit status: 0 done; 1 a step failed (a line on standard error says
which); 2 usage error.
"""
import json
import os
import select
import subprocess
import sys
import time


class Failure(Exception):
    pass


class Browser:
    """A browser on the DevTools pipe, and the events it sent."""

    def __init__(self, argv, deadline):
        self.deadline = deadline
        to_r, to_w = os.pipe()      # ours -> its fd 3
        from_r, from_w = os.pipe()  # its fd 4 -> ours

        def fds():
            # out of the way first: a pipe may already be fd 3 or 4
            a = os.dup(to_r) if to_r >= 3 else to_r
            b = os.dup(from_w) if from_w >= 3 else from_w
            a, b = os.dup2(a, 100), os.dup2(b, 101)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(argv, preexec_fn=fds, pass_fds=(3, 4),
                                     stdin=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.w = to_w
        self.r = from_r
        self.buf = b""
        self.next_id = 0
        self.events = []

    def left(self):
        t = self.deadline - time.monotonic()
        if t <= 0:
            raise Failure("no answer within the time given")
        return t

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self.w, data)
            data = data[n:]
        return self.next_id

    def read(self):
        """The next message the browser sent."""
        while b"\0" not in self.buf:
            ready, _, _ = select.select([self.r], [], [], self.left())
            if not ready:
                continue
            chunk = os.read(self.r, 65536)
            if not chunk:
                raise Failure("the browser closed its pipe (exit status %s)"
                              % self.proc.poll())
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        """Sends a command and returns its result; keeps the events that
        come first."""
        want = self.send(method, params, session)
        while True:
            msg = self.read()
            if msg.get("id") == want:
                if "error" in msg:
                    raise Failure("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method, session, test=lambda p: True):
        """The first event method of session (kept or to come) whose
        params pass test; the events before it are dropped."""
        while True:
            while self.events:
                msg = self.events.pop(0)
                if msg.get("method") == method and \
                        msg.get("sessionId") == session and \
                        test(msg.get("params", {})):
                    return msg["params"]
            msg = self.read()
            if "method" in msg:
                self.events.append(msg)

    def close(self):
        try:
            self.send("Browser.close")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def document(b, session):
    r = b.call("Runtime.evaluate", {
        "expression": "[location.href, document.documentElement.outerHTML]",
        "returnByValue": True}, session)
    if "exceptionDetails" in r:
        raise Failure("Runtime.evaluate: %s" % r["exceptionDetails"])
    return r["result"]["value"]


def run(url, selector, outdir, b):
    target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = b.call("Target.attachToTarget", {"targetId": target,
                                               "flatten": True})["sessionId"]
    b.call("Page.enable", None, session)
    b.call("Runtime.enable", None, session)
    b.events.clear()

    b.call("Page.navigate", {"url": url}, session)
    b.wait_event("Page.loadEventFired", session)
    href, html = document(b, session)
    with open(os.path.join(outdir, "before.html"), "w") as f:
        f.write(html)
    print("loaded %s" % href)

    root = b.call("DOM.getDocument", None, session)["root"]["nodeId"]
    node = b.call("DOM.querySelector", {"nodeId": root,
                                        "selector": selector},
                  session)["nodeId"]
    if not node:
        raise Failure("no element %s in the page" % selector)
    b.call("DOM.scrollIntoViewIfNeeded", {"nodeId": node}, session)
    box = b.call("DOM.getBoxModel", {"nodeId": node}, session)["model"]
    q = box["border"]  # x1 y1 ... x4 y4, clockwise from the top left
    x = (q[0] + q[2] + q[4] + q[6]) / 4
    y = (q[1] + q[3] + q[5] + q[7]) / 4
    print("box %g %g %g %g" % (q[0], q[1], box["width"], box["height"]))
    # the element at that point must be the one to click (nothing on top)
    r = b.call("Runtime.evaluate", {
        "expression": "document.elementFromPoint(%r, %r) === "
                      "document.querySelector(%s)" % (x, y,
                                                      json.dumps(selector)),
        "returnByValue": True}, session)
    if r.get("result", {}).get("value") is not True:
        raise Failure("the point %g,%g is not on %s" % (x, y, selector))

    b.events.clear()
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        ev = {"type": kind, "x": x, "y": y}
        if kind != "mouseMoved":
            ev.update(button="left", buttons=1 if kind == "mousePressed"
                      else 0, clickCount=1)
        b.call("Input.dispatchMouseEvent", ev, session)
    print("click %g %g" % (x, y))
    # the click's navigation: the main frame's new document, then its load
    b.wait_event("Page.frameNavigated", session,
                 lambda p: "parentId" not in p["frame"])
    b.wait_event("Page.loadEventFired", session)
    href, html = document(b, session)
    with open(os.path.join(outdir, "after.html"), "w") as f:
        f.write(html)
    print("navigated %s" % href)


def main(argv):
    if len(argv) < 6:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    url, selector, outdir = argv[1], argv[2], argv[3]
    try:
        seconds = float(argv[4])
    except ValueError:
        sys.stderr.write("click.py: %s: not a number of seconds\n" % argv[4])
        return 2
    sys.stdout.reconfigure(line_buffering=True)
    b = Browser(argv[5:], time.monotonic() + seconds)
    try:
        run(url, selector, outdir, b)
    except (Failure, OSError, KeyError, ValueError) as e:
        sys.stderr.write("click.py: %s\n" % e)
        return 1
    finally:
        b.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
