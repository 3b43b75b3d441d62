#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Opens a page in a real browser and records the requests it makes to
one host: runs Chromium with --remote-debugging-pipe (the Browser of
click.py) with the Network domain on.

usage: visit.py URL HOST COUNT SECONDS CHROMIUM [ARGS...]

Loads URL in a new tab, then waits until COUNT requests to HOST (the
host part of their URL, "192.0.2.2" say) have ended: a reply received
and loaded, or the request failed. Whatever those requests start (a
navigation of the tab) is not waited for, but events that come within
SETTLE seconds after the last are still read, for the headers Chromium
reports late. Prints one line a request to HOST, in the order they were
sent:

    request METHOD URL status STATUS origin ORIGIN site SITE mode MODE dest DEST

STATUS is the HTTP status of the reply, or "failed:" and Chromium's
error text (net::ERR_...); ORIGIN, SITE, MODE and DEST are the request's
Origin, Sec-Fetch-Site, Sec-Fetch-Mode and Sec-Fetch-Dest header fields
as Chromium put them on the wire (Network.requestWillBeSentExtraInfo),
"-" for a field it did not send. Then one line "headers" and the header
fields of each request, indented, for the log. Everything must be done
within SECONDS, else it gives up.

Exit status: 0 done (COUNT requests ended); 1 a step failed (a line on
standard error says which); 2 usage error.
"""
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from click import Browser, Failure  # noqa: E402

SETTLE = 0.5


def header(headers, name):
    for k, v in headers.items():
        if k.lower() == name:
            return v
    return None


def next_event(b, until):
    """The next event (kept or to come); None once the time until (a
    time.monotonic()) is over, when until is not None."""
    while not b.events:
        if until is None:
            msg = b.read()
        else:
            if time.monotonic() >= until:
                return None
            saved = b.deadline
            b.deadline = min(saved, until)
            try:
                msg = b.read()
            except Failure:
                if time.monotonic() >= saved:
                    raise
                return None
            finally:
                b.deadline = saved
        if "method" in msg:
            b.events.append(msg)
    return b.events.pop(0)


def visit(url, host, count, b):
    target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = b.call("Target.attachToTarget", {"targetId": target,
                                               "flatten": True})["sessionId"]
    b.call("Network.enable", None, session)
    b.call("Network.setCacheDisabled", {"cacheDisabled": True}, session)
    b.call("Page.enable", None, session)
    b.events.clear()
    b.call("Page.navigate", {"url": url}, session)

    reqs = {}    # requestId -> what we know of it
    order = []   # the requestIds to HOST, as sent
    extra = {}   # requestId -> wire headers (may come before the request)
    ended = 0
    settle_until = None
    while True:
        if settle_until is None:
            msg = next_event(b, None)
        else:
            msg = next_event(b, settle_until)
            if msg is None:
                break
        if msg.get("sessionId") != session:
            continue
        method = msg["method"]
        p = msg.get("params", {})
        rid = p.get("requestId")
        if method == "Network.requestWillBeSent":
            u = p["request"]["url"]
            if urllib.parse.urlsplit(u).hostname != host:
                continue
            reqs[rid] = {"method": p["request"]["method"], "url": u,
                         "status": None}
            order.append(rid)
        elif method == "Network.requestWillBeSentExtraInfo":
            extra.setdefault(rid, p.get("headers", {}))
        elif method == "Network.responseReceived" and rid in reqs:
            reqs[rid]["status"] = str(p["response"]["status"])
        elif method in ("Network.loadingFinished",
                        "Network.loadingFailed") and rid in reqs:
            if method == "Network.loadingFailed" and \
                    reqs[rid]["status"] is None:
                reqs[rid]["status"] = "failed:" + p.get("errorText", "?")
            if not reqs[rid].get("ended"):
                reqs[rid]["ended"] = True
                ended += 1
                if ended >= count and settle_until is None:
                    settle_until = time.monotonic() + SETTLE

    for rid in order:
        r = reqs[rid]
        h = extra.get(rid, {})
        fields = ["request", r["method"], r["url"], "status",
                  r["status"] or "none"]
        for name, key in (("origin", "origin"), ("site", "sec-fetch-site"),
                          ("mode", "sec-fetch-mode"),
                          ("dest", "sec-fetch-dest")):
            fields += [name, header(h, key) or "-"]
        print(" ".join(fields))
    print("headers")
    for rid in order:
        r = reqs[rid]
        print("  %s %s" % (r["method"], r["url"]))
        for k, v in sorted(extra.get(rid, {}).items()):
            print("    %s: %s" % (k, v))


def main(argv):
    if len(argv) < 6:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    url, host = argv[1], argv[2]
    try:
        count = int(argv[3])
        seconds = float(argv[4])
    except ValueError:
        sys.stderr.write("visit.py: %s or %s: not a number\n"
                         % (argv[3], argv[4]))
        return 2
    sys.stdout.reconfigure(line_buffering=True)
    b = Browser(argv[5:], time.monotonic() + seconds)
    try:
        visit(url, host, count, b)
    except (Failure, OSError, KeyError, ValueError) as e:
        sys.stderr.write("visit.py: %s\n" % e)
        return 1
    finally:
        b.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
