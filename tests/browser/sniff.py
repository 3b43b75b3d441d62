#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""sniff.py - the first line of every TCP payload seen on a TUN device.

Usage: sniff.py DEVICE SECONDS

Run inside the network namespace of DEVICE (a TUN device, so packets are
bare IPv4 datagrams). Prints "ready" once listening, then one line per TCP
segment that carries data, both directions:

    192.0.2.1.49808 > 192.0.2.2.80 GET /logo.gif HTTP/1.1
    192.0.2.2.80 > 192.0.2.1.49808 HTTP/1.0 200 OK

(the first line of the payload, at most 200 bytes, non-printable bytes as
'.'). Stops after SECONDS (at most 600) or on SIGTERM. Needs CAP_NET_RAW.
Used by chromium.sh, whose server log shows packets but not requests.
"""
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: sniff.py DEVICE SECONDS\n")
        return 2
    dev = sys.argv[1]
    seconds = min(float(sys.argv[2]), 600.0)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETH_P_ALL))
    sock.bind((dev, ETH_P_ALL))
    print("ready", flush=True)
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return 0
        ready, _, _ = select.select([sock], [], [], min(left, 1.0))
        if not ready:
            continue
        p = sock.recv(65535)
        if len(p) < 20 or p[0] >> 4 != 4 or p[9] != 6:
            continue
        ihl = (p[0] & 15) * 4
        total = min(int.from_bytes(p[2:4], "big"), len(p))
        if ihl < 20 or total < ihl + 20:
            continue
        t = p[ihl:total]
        off = (t[12] >> 4) * 4
        data = t[off:]
        if off < 20 or not data:
            continue
        line = data.split(b"\r\n", 1)[0].split(b"\n", 1)[0][:200]
        text = "".join(chr(c) if 32 <= c < 127 else "." for c in line)
        print("%s.%d > %s.%d %s" % (
            socket.inet_ntoa(p[12:16]), int.from_bytes(t[0:2], "big"),
            socket.inet_ntoa(p[16:20]), int.from_bytes(t[2:4], "big"),
            text), flush=True)


if __name__ == "__main__":
    sys.exit(main())
