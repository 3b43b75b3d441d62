#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""png_check.py - what a screenshot shows, for chromium.sh.

Usage: png_check.py SHOT.png [LOGO.gif PAGE.html]

Decodes SHOT.png with zlib alone (8-bit RGB or RGBA, not interlaced: what
Chromium writes) and prints:

    size WIDTH HEIGHT
    colours N                  distinct RGB colours
    dominant RRGGBB COUNT TOTAL  the most common colour (the background)
    logo RRGGBB COUNT          for each colour of LOGO.gif's global colour
                               table that is neither the dominant colour
                               nor written as #rgb/#rrggbb in PAGE.html:
                               how many pixels of the screenshot have it

A "logo" colour found in the screenshot can only have come from drawing
the image. On an unreadable file it prints "error MESSAGE" and exits 1.
"""
import collections
import re
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file (bad signature)")
    pos, ihdr, idat = 8, None, []
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    if ihdr is None or not idat:
        raise ValueError("no IHDR or no IDAT chunk")
    return ihdr, zlib.decompress(b"".join(idat))


def pixels(ihdr, raw):
    """Counter of RGB colours of the unfiltered image."""
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG: depth %d, colour type %d, "
                         "interlace %d" % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    stride = w * bpp
    if len(raw) < h * (stride + 1):
        raise ValueError("image data too short")
    counts = collections.Counter()
    prev = bytearray(stride)
    p = 0
    for _ in range(h):
        kind = raw[p]
        line = bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif kind == 3:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((a + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                if pa <= pb and pa <= pc:
                    pr = a
                elif pb <= pc:
                    pr = b
                else:
                    pr = c
                line[i] = (line[i] + pr) & 255
        elif kind != 0:
            raise ValueError("bad filter type %d" % kind)
        for x in range(0, stride, bpp):
            counts[bytes(line[x:x + 3])] += 1
        prev = line
    return counts


def gif_palette(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:3] != b"GIF" or len(data) < 13 or not data[10] & 0x80:
        return []
    n = 2 << (data[10] & 7)
    table = data[13:13 + 3 * n]
    return [table[i:i + 3] for i in range(0, len(table) - 2, 3)]


def css_colours(path):
    with open(path, "rb") as f:
        text = f.read().decode("latin-1")
    out = set()
    for m in re.finditer(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})(?![0-9a-fA-F])",
                         text):
        h = m.group(1)
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        out.add(bytes.fromhex(h))
    return out


def main():
    if len(sys.argv) not in (2, 4):
        sys.stderr.write("usage: png_check.py SHOT.png [LOGO.gif PAGE.html]\n")
        return 2
    try:
        ihdr, raw = read_png(sys.argv[1])
        counts = pixels(ihdr, raw)
    except (OSError, ValueError, zlib.error, struct.error) as e:
        print("error %s" % e)
        return 1
    print("size %d %d" % (ihdr[0], ihdr[1]))
    print("colours %d" % len(counts))
    top, n = counts.most_common(1)[0]
    print("dominant %s %d %d" % (top.hex(), n, sum(counts.values())))
    if len(sys.argv) == 4:
        page = css_colours(sys.argv[3])
        seen = set()
        for c in gif_palette(sys.argv[2]):
            if c in seen or c == top or c in page:
                continue
            seen.add(c)
            print("logo %s %d" % (c.hex(), counts.get(c, 0)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
