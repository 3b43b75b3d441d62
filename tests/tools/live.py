#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compares what a server sent with a site's file that may hold live
fields, read from the file itself as pagec(1) describes them: a marker
<!--live:NAME:WIDTH--> (NAME a lower-case letter and up to 30 lower-case
letters, digits or '_'; WIDTH 1 to 64, no leading zero) on one line of a
text page becomes WIDTH bytes that the device writes while it sends the
page. An action's marker <!--action:NAME:ARG:TARGET--> (ARG 0 to 65535,
no leading zero; TARGET a '/', printable ASCII without spaces or '#', a
'?' and a query that is not empty) on one line of a text page is taken
out of it: no byte of it is sent. In a file that is not a text page a
marker is no marker.

usage: live.py match FILE BODY
       live.py find FILE DOCUMENT

match: BODY must be FILE with each marker replaced by WIDTH bytes (any
bytes); a file without markers, or one of a type that is no text page
(gif, png, ...), must come back byte for byte. A file of a type pagec
decides by its content (an unknown extension) may come back either way.

find: every line of FILE that holds a live field's marker must be in
DOCUMENT, its markers replaced by WIDTH bytes other than '<' and a line
end (and its actions' taken out): a page as a browser's DOM shows it,
where the rest of the document may differ.

Both print one line per field, in the order of the file: NAME, a space,
and the field's bytes without the spaces around them (Latin-1). Exit
status 0 when BODY or DOCUMENT matches, 1 when it does not (a line on
standard error says where), 2 on a usage error.

As a module: fields(data), body_re(data), match(data, body, name).
"""
import os
import re
import sys

MARKER = re.compile(rb"<!--live:([a-z][a-z0-9_]{0,30}):([1-9][0-9]?)-->")
ACTION = re.compile(rb"<!--action:[a-z][a-z0-9_]{0,30}:(0|[1-9][0-9]{0,4}):"
                    rb"/[\x21-\x22\x24-\x3e\x40-\x7e]*\?"
                    rb"[\x21-\x22\x24-\x7e]+?-->")
WIDTH_MAX = 64

# pagec's built-in table of extensions: the text pages and the others;
# an extension in neither gets its type from libmagic.
TEXT = {"css", "htm", "html", "js", "json", "mjs", "shtml", "svg", "txt",
        "xml"}
BINARY = {"gif", "ico", "jpeg", "jpg", "pdf", "png", "wasm", "webp", "woff",
          "woff2"}


def fields(data):
    """The markers of data, in its order: a list of (start, end, name,
    width), where an action's name is None and its width 0 (it is taken
    out)."""
    out = []
    for m in MARKER.finditer(data):
        width = int(m.group(2))
        if width <= WIDTH_MAX:
            out.append((m.start(), m.end(), m.group(1).decode(), width))
    for m in ACTION.finditer(data):
        if int(m.group(1)) <= 0xffff and b"\n" not in m.group(0) and \
                not any(f[0] < m.end() and m.start() < f[1] for f in out):
            out.append((m.start(), m.end(), None, 0))
    return sorted(out)


def live(data):
    """The live fields of data: fields(data) without the actions."""
    return [f for f in fields(data) if f[2] is not None]


def body_re(data, field=b"."):
    """A regular expression of the bytes data becomes: its markers as
    groups of WIDTH bytes of the class field, the rest as it is."""
    parts, pos = [], 0
    for start, end, name, width in fields(data):
        parts.append(re.escape(data[pos:start]))
        if name is not None:
            parts.append(b"(" + field + b"{%d})" % width)
        pos = end
    parts.append(re.escape(data[pos:]))
    return re.compile(b"".join(parts), re.S)


def kind(name):
    """"text", "binary" or "unknown", by the extension of name."""
    ext = os.path.splitext(name)[1][1:].lower()
    if ext in TEXT:
        return "text"
    if ext in BINARY:
        return "binary"
    return "unknown"


def values(data, m):
    """(name, value) of each field, from a match m of body_re(data)."""
    return [(f[2], m.group(i + 1).strip(b" "))
            for i, f in enumerate(live(data))]


def first_difference(a, b):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def match(data, body, name="x.html"):
    """(ok, values, why): whether body is what the file data (named name)
    is sent as."""
    k = kind(name)
    if not fields(data) or k == "binary":
        if body == data:
            return True, [], ""
        return False, [], "not the file's bytes: %d bytes, want %d, first " \
            "difference at byte %d" % (len(body), len(data),
                                       first_difference(body, data))
    m = body_re(data).fullmatch(body)
    if m:
        return True, values(data, m), ""
    if k == "unknown" and body == data:
        return True, [], ""
    want = len(data) - sum(f[1] - f[0] - f[3] for f in fields(data))
    # where it stops matching: the longest prefix of the pattern's
    # literal text that body starts with, marker by marker
    pos, at = 0, 0
    for start, end, fname, width in fields(data) + [(len(data), len(data),
                                                      "", 0)]:
        lit = data[pos:start]
        if body[at:at + len(lit)] != lit:
            d = at + first_difference(body[at:at + len(lit)], lit)
            where = "the end" if fname == "" else "an action's marker" \
                if fname is None else "the field " + fname
            return False, [], "%d bytes, want %d; differs at byte %d, " \
                "before %s" % (len(body), want, d, where)
        at += len(lit) + width
        pos = end
    return False, [], "%d bytes, want %d" % (len(body), want)


def show(vals):
    for name, value in vals:
        sys.stdout.write("%s %s\n" % (name, value.decode("latin-1")))


def main(argv):
    if len(argv) != 4 or argv[1] not in ("match", "find"):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    try:
        with open(argv[2], "rb") as f:
            data = f.read()
        with open(argv[3], "rb") as f:
            other = f.read()
    except OSError as e:
        sys.stderr.write("live.py: %s\n" % e)
        return 2
    if argv[1] == "match":
        ok, vals, why = match(data, other, argv[2])
        if not ok:
            sys.stderr.write("live.py: %s: %s\n" % (argv[3], why))
            return 1
        show(vals)
        return 0
    for line in data.splitlines(True):
        if not live(line):
            continue
        m = body_re(line.rstrip(b"\r\n"), rb"[^<\r\n]").search(other)
        if not m:
            sys.stderr.write("live.py: %s: no line %r\n" % (
                argv[3], line.rstrip(b"\r\n").decode("latin-1")))
            return 1
        show(values(line, m))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
