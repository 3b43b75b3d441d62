#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Asks for NAME.local by Multicast DNS (RFC 6762) on the link of the
local address IFADDR, and prints the IPv4 address of the first answer:
a query and an answer read and written here as RFC 1035 section 4.1
lays them out, from the RFCs alone.

usage: mdns.py [--legacy] [--timeout S] IFADDR NAME

By default a full mDNS query: from port 5353 to 224.0.0.251 port 5353,
and the answer awaited on the group (it must come from port 5353, with
IP TTL 255, ID 0, QR and AA set, an A record for NAME.local of class IN
with the cache-flush bit). With --legacy a one-shot query from a port of
its own (section 6.7): the answer must come back by unicast to that
port, with the query's ID and its question.

The query is sent again after 1 s and 2 s (section 5.2's doubling) until
TIMEOUT seconds (default 5) have passed. Prints the address and, on
standard error, what the answer held (TTL, cache flush). Exit status: 0
an answer, 1 none in time (or only malformed ones: each is shown on
standard error), 2 on a usage error, 3 on any other error (a socket
that cannot be set up).
"""
import random
import select
import socket
import struct
import sys
import time

GROUP = "224.0.0.251"
PORT = 5353
IP_RECVTTL = getattr(socket, "IP_RECVTTL", 12)  # Linux's value


def encode_name(name):
    out = b""
    for label in name.split("."):
        raw = label.encode("ascii")
        if not 0 < len(raw) < 64:
            raise ValueError("bad label %r" % label)
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def read_name(msg, at):
    """The name at offset at, and the offset past it (pointers followed)."""
    labels, end, hops = [], None, 0
    while True:
        if at >= len(msg):
            raise ValueError("name runs past the message")
        c = msg[at]
        if c == 0:
            at += 1
            break
        if c & 0xC0 == 0xC0:
            hops += 1
            if hops > 16 or at + 1 >= len(msg):
                raise ValueError("bad pointer")
            if end is None:
                end = at + 2
            at = (c & 0x3F) << 8 | msg[at + 1]
            continue
        if c & 0xC0:
            raise ValueError("label type %#x" % (c & 0xC0))
        labels.append(msg[at + 1:at + 1 + c].decode("ascii", "replace"))
        at += 1 + c
    return ".".join(labels), (end if end is not None else at)


def parse_answer(msg, fqdn, legacy, qid):
    """The A record's address for fqdn in the response msg, or None;
    raises ValueError for a response that breaks the rules."""
    if len(msg) < 12:
        raise ValueError("shorter than a DNS header")
    rid, flags, qd, an, ns, ar = struct.unpack("!6H", msg[:12])
    if not flags & 0x8000:
        return None  # a query (ours, looped back, or another host's)
    if not flags & 0x0400:
        raise ValueError("AA not set")
    if flags & 0x000F:
        raise ValueError("response code %d" % (flags & 0xF))
    at = 12
    for _ in range(qd):
        qname, at = read_name(msg, at)
        at += 4
        if legacy and qname.lower() != fqdn.lower():
            raise ValueError("the question is %r" % qname)
    if legacy:
        if rid != qid:
            raise ValueError("ID %#x, the query's was %#x" % (rid, qid))
        if qd != 1:
            raise ValueError("%d questions, want the query's one" % qd)
    elif rid != 0 or qd != 0:
        raise ValueError("ID %#x and %d questions (want 0, 0)" % (rid, qd))
    for _ in range(an + ns + ar):
        rname, at = read_name(msg, at)
        if at + 10 > len(msg):
            raise ValueError("record runs past the message")
        rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", msg[at:at + 10])
        at += 10
        rdata = msg[at:at + rdlen]
        at += rdlen
        if rname.lower() != fqdn.lower() or rtype != 1:
            continue
        if rclass & 0x7FFF != 1 or rdlen != 4 or len(rdata) != 4:
            raise ValueError("A record of class %#x, %d bytes" % (rclass, rdlen))
        flush = bool(rclass & 0x8000)
        if legacy and flush:
            raise ValueError("cache-flush bit in a legacy answer")
        if not legacy and not flush:
            raise ValueError("no cache-flush bit in a multicast answer")
        return socket.inet_ntoa(rdata), ttl, flush
    return None


def main(argv):
    legacy, timeout, args = False, 5.0, []
    it = iter(argv[1:])
    for a in it:
        if a == "--legacy":
            legacy = True
        elif a == "--timeout":
            timeout = float(next(it))
        else:
            args.append(a)
    if len(args) != 2:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    ifaddr, name = args
    fqdn = name + ".local"
    qid = random.randrange(1, 65536) if legacy else 0
    query = struct.pack("!6H", qid, 0, 1, 0, 0, 0) + encode_name(fqdn) + \
        struct.pack("!HH", 1, 1)

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 socket.inet_aton(ifaddr))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
    if legacy:
        s.bind((ifaddr, 0))
    else:
        s.bind(("", PORT))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                     socket.inet_aton(GROUP) + socket.inet_aton(ifaddr))
    t_end = time.monotonic() + timeout
    t_send, gap = time.monotonic(), 1.0
    while time.monotonic() < t_end:
        now = time.monotonic()
        if now >= t_send:
            s.sendto(query, (GROUP, PORT))
            t_send, gap = now + gap, gap * 2
        wait = max(0.0, min(t_send, t_end) - time.monotonic())
        if not select.select([s], [], [], wait)[0]:
            continue
        msg, anc, _, src = s.recvmsg(9000, socket.CMSG_SPACE(4))
        ttl = None
        for level, kind, data in anc:
            if level == socket.IPPROTO_IP and kind == socket.IP_TTL:
                ttl = struct.unpack("i", data[:4])[0]
        try:
            got = parse_answer(msg, fqdn, legacy, qid)
            if got is not None and src[1] != PORT:
                raise ValueError("from port %d" % src[1])
            if got is not None and ttl != 255:
                raise ValueError("IP TTL %s, want 255" % ttl)
        except ValueError as e:
            sys.stderr.write("mdns.py: a bad answer from %s:%d: %s\n"
                             % (src[0], src[1], e))
            continue
        if got is None:
            continue
        addr, rttl, flush = got
        sys.stderr.write("mdns.py: %s is %s (from %s, TTL %d s%s)\n"
                         % (fqdn, addr, src[0], rttl,
                            ", cache flush" if flush else ""))
        print(addr)
        return 0
    sys.stderr.write("mdns.py: no answer for %s in %g s\n" % (fqdn, timeout))
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # a socket that cannot be set up, ...
        sys.stderr.write("mdns.py: %s: %s\n" % (type(e).__name__, e))
        sys.exit(3)
