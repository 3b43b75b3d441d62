#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Lists the HTTP replies a generated site holds: reads every 0x.. byte of
the C file pagec wrote, in order, finds each IPv4 datagram that carries an
HTTP/1.0 reply, and prints its status code and the bytes of TCP data it
carries (IPv4 total length less both headers, as the datagram says).

usage: replies.py OUT.c
"""
import re
import sys


def main():
    text = open(sys.argv[1], encoding="ascii", errors="replace").read()
    blob = bytes(int(h, 16) for h in re.findall(r"\b0x([0-9a-fA-F]{2})\b", text))
    at = 0
    while True:
        at = blob.find(b"HTTP/1.0 ", at)
        if at < 0:
            break
        ip = at - 40  # replies carry no TCP options
        if ip < 0 or blob[ip] != 0x45 or blob[ip + 9] != 6:
            at += 1
            continue
        total = blob[ip + 2] << 8 | blob[ip + 3]
        tcp_hlen = (blob[ip + 32] >> 4) * 4
        print(blob[at + 9:at + 12].decode("ascii"), total - 20 - tcp_hlen)
        at += 1


if __name__ == "__main__":
    main()
