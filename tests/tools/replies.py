#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Lists the HTTP replies a generated site holds: decodes the string
literal of pagec_data, the array of the bytes of every datagram after its
headers in the C file pagec wrote, finds each template (a struct
pagec_tmpl initializer: .pkt, .len, .hlen) whose bytes there are an
HTTP/1.1 reply, and prints, once for each reply, its status code as stored
and the most bytes of TCP data a template sends of it (its IPv4 total
length less both headers).

usage: replies.py OUT.c
"""
import re
import sys

ESCAPES = {"n": 10, "r": 13, "t": 9, "a": 7, "b": 8, "f": 12, "v": 11,
           "\\": 92, "'": 39, '"': 34, "?": 63}


def unescape(lit):
    out = bytearray()
    i = 0
    while i < len(lit):
        c = lit[i]
        if c != "\\":
            out.append(ord(c))
            i += 1
            continue
        m = re.match(r"[0-7]{1,3}", lit[i + 1:])
        if m:
            out.append(int(m.group(0), 8))
            i += 1 + len(m.group(0))
        elif lit[i + 1] == "x":
            m = re.match(r"[0-9a-fA-F]+", lit[i + 2:])
            out.append(int(m.group(0), 16) & 0xff)
            i += 2 + len(m.group(0))
        else:
            out.append(ESCAPES[lit[i + 1]])
            i += 2
    return bytes(out)


def data_blob(text):
    start = text.index("pagec_data[] =")
    end = re.compile(r"^\s*;\s*$", re.M).search(text, start).start()
    body = re.sub(r"/\*.*?\*/", "", text[start:end], flags=re.S)
    return b"".join(unescape(s)
                    for s in re.findall(r'"((?:[^"\\\n]|\\.)*)"', body))


def main():
    text = open(sys.argv[1], encoding="ascii", errors="replace").read()
    blob = data_blob(text)
    data = {}
    for m in re.finditer(r"\.pkt = pagec_data \+ (\d+), \.len = (\d+), "
                         r"\.hlen = (\d+)", text):
        at, total, hlen = (int(g) for g in m.groups())
        if blob.startswith(b"HTTP/1.1 ", at):
            data[at] = max(data.get(at, 0), total - hlen)
    for at in sorted(data):
        print(blob[at + 9:at + 12].decode("ascii"), data[at])


if __name__ == "__main__":
    main()
