#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Lists the live fields a generated site holds: reads the tables
pagec_pages, pagec_variants, pagec_live and pagec_fields of the C file
pagec wrote (their designated initializers), and prints a line for each
field, in the order of the live table:

    PATH AT WIDTH ID

PATH the page's path (from the comment of its entry in pagec_pages), AT
the field's offset in the TCP data of the page's 200 reply (its offset in
the template less the TCP options), WIDTH and ID as stored. A page whose
variant is not its identity one is printed with the path "?".

usage: fields.py OUT.c
"""
import re
import sys


def table(text, name):
    """The text of the initializer of the array name, or ""."""
    m = re.search(r"\b" + name + r"\[\] = \{\n(.*?)\n\};", text, re.S)
    return m.group(1) if m else ""


def main():
    text = open(sys.argv[1], encoding="ascii", errors="replace").read()
    paths = {}
    for m in re.finditer(r"\{\.identity = (\d+), \.gzip = \w+\}, /\* (\S+) \*/",
                         table(text, "pagec_pages")):
        paths[int(m.group(1))] = m.group(2)
    hlen = {}
    for m in re.finditer(r"\[(\d+)\] = \{[^\n]*\n\s*\.get = \{\n\s*\.pkt = "
                         r"pagec_data \+ \d+, \.len = \d+, \.hlen = (\d+)",
                         table(text, "pagec_variants")):
        hlen[int(m.group(1))] = int(m.group(2))
    fields = [tuple(int(g) for g in m.groups()) for m in re.finditer(
        r"\{\.at = (\d+), \.width = (\d+), \.id = (\d+)\}",
        table(text, "pagec_fields"))]
    for m in re.finditer(r"\{\.variant = (\d+), \.first = (\d+), "
                         r"\.count = (\d+)\}", table(text, "pagec_live")):
        variant, first, count = (int(g) for g in m.groups())
        for at, width, fid in fields[first:first + count]:
            print(paths.get(variant, "?"), at - (hlen[variant] - 40), width,
                  fid)


if __name__ == "__main__":
    main()
