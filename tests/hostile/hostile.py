#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""tests/hostile/hostile.py - hostile and malformed packets against pagec-tun.

Usage: hostile.py --dev TUN --site SITE_DIR [--server-pid PID]

Runs inside the network namespace that tests/hostile/hostile.sh makes:
192.0.2.1 is the kernel's side of the TUN device TUN, 192.0.2.2 the pagec
server (pagec-tun attached to TUN). Every packet is written with an
AF_PACKET socket bound to TUN, so it reaches pagec-tun byte for byte as
built here: wrong checksums, impossible lengths and addresses the kernel
would never route (0/8, 127/8, multicast, broadcast) included. What
pagec-tun writes back shows up on the same socket as an incoming packet
(PACKET_HOST); what the kernel sends itself is outgoing (PACKET_OUTGOING)
and is ignored.

Each case sends its packet(s), then a sentinel ICMP echo request. The
server handles datagrams one at a time in the order of the device's queue,
so every packet it writes before the echo reply of the sentinel is its
answer to the case, and the sentinel's reply bounds the wait (at most
HOSTILE_WAIT_MS, 300 ms by default, when it never comes). The answer must
be exactly what the RFCs (and the README's "Protocol behaviour") prescribe,
or nothing; the checksums of every reply are recomputed here.

Packets are built and dissected with scapy; malformed fields are patched
into the built bytes. After the hostile cases, curl must still fetch
index.html byte for byte. A page with live fields (<!--live:NAME:WIDTH-->,
pagec(1)) is compared with its file with each marker replaced by WIDTH
bytes (tests/tools/live.py), and its reply must have no ETag and say
"Cache-Control: no-store".

Prints one line per case, "ok   - ..." or "FAIL - ..." (with the bytes
sent and received under a failure), and "N passed, M failed". Exit status
0 when every case passed, 1 otherwise, 2 on a usage error, 77 (with a
SKIP line) when root, /dev/net/tun or scapy is missing; in CI (CI=true or
PAGEC_CI=1, as tests/skip.sh) that is a failure, 1.
"""

import argparse
import gzip
import os
import random
import select
import socket
import struct
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools"))
import live as livepage  # noqa: E402 (tests/tools/live.py)


def skip(msg):
    """Exit 77 (skipped); in CI (as tests/skip.sh says) a failure, 1."""
    ci = os.environ.get("PAGEC_CI")
    if ci == "1" or (ci != "0" and os.environ.get("CI") == "true"):
        print("FAIL - skipped in CI: " + msg)
        sys.exit(1)
    print("SKIP: " + msg)
    sys.exit(77)


try:
    import logging

    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.all import ICMP, IP, TCP, UDP, IPOption, Raw  # noqa: E402
except ImportError:
    skip("needs scapy (python3-scapy)")

CLIENT = "192.0.2.1"
SERVER = "192.0.2.2"
HTTP_PORT = 80
CLOSED_PORT = 81
ETH_P_IP = 0x0800
PACKET_HOST = getattr(socket, "PACKET_HOST", 0)
WAIT = int(os.environ.get("HOSTILE_WAIT_MS", "300")) / 1000.0
STRAGGLE = 0.02         # seconds to keep listening after the sentinel
MAX_READS = 1000        # packets read per exchange, at most
SENTINEL_ID = 0xFEED
ISN_SLOT = 1 << 6       # seconds of an ISN time slot (PAGEC_ISN_SLOT_LOG2)
PORT_BASE = 20000       # client ports: 20000..29999 (hostile.sh may drop
PORT_SPAN = 10000       # the kernel's RSTs from these)

# TCP flags
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 1, 2, 4, 8, 16, 32, 64, 128


def flag_str(f):
    return "".join(c for c, b in zip("FSRPAUEC", (1, 2, 4, 8, 16, 32, 64, 128))
                   if f & b) or "none"


def be16(b, o):
    return struct.unpack_from("!H", b, o)[0]


def be32(b, o):
    return struct.unpack_from("!I", b, o)[0]


def csum(data):
    """The Internet checksum (RFC 1071) of data, as the field would hold it."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def a2b(addr):
    return socket.inet_aton(addr)


# --- building packets ---------------------------------------------------

def tcp_pkt(sport, dport=HTTP_PORT, seq=0, ack=0, flags=0, win=65535,
            opts=b"", data=b"", urg=0, src=CLIENT, dst=SERVER, ip_opts=b"",
            ttl=64, tos=0, df=True):
    """A valid IPv4/TCP datagram built with scapy; opts are raw TCP option
    bytes (a multiple of 4), ip_opts raw IPv4 option bytes."""
    assert len(opts) % 4 == 0 and len(ip_opts) % 4 == 0
    ip = IP(src=src, dst=dst, ttl=ttl, tos=tos, id=random.randrange(65536),
            flags="DF" if df else 0)
    if ip_opts:
        ip.options = [IPOption(ip_opts)]
    tcp = TCP(sport=sport, dport=dport, seq=seq & 0xFFFFFFFF,
              ack=ack & 0xFFFFFFFF, flags=flags, window=win, urgptr=urg,
              dataofs=5 + len(opts) // 4)
    if opts or data:
        return bytearray(bytes(ip / tcp / Raw(opts + data)))
    return bytearray(bytes(ip / tcp))


def icmp_pkt(typ=8, code=0, ident=0x1234, seq=1, data=b"", src=CLIENT,
             dst=SERVER, ip_opts=b"", df=False):
    ip = IP(src=src, dst=dst, id=random.randrange(65536),
            flags="DF" if df else 0)
    if ip_opts:
        ip.options = [IPOption(ip_opts)]
    icmp = ICMP(type=typ, code=code, id=ident, seq=seq)
    return bytearray(bytes(ip / icmp / Raw(data)) if data else
                     bytes(ip / icmp))


def ihl(b):
    return (b[0] & 15) * 4


def fix_ip(b, hlen=None):
    """Recomputes the IPv4 header checksum over hlen bytes (the IHL's)."""
    hlen = hlen or max(ihl(b), 20)
    b[10:12] = b"\0\0"
    b[10:12] = struct.pack("!H", csum(bytes(b[:hlen])))
    return b


def fix_tcp(b):
    """Recomputes the TCP checksum of a datagram whose lengths add up."""
    h = ihl(b)
    seg = bytearray(b[h:be16(b, 2)])
    seg[16:18] = b"\0\0"
    pseudo = bytes(b[12:20]) + struct.pack("!BBH", 0, 6, len(seg))
    b[h + 16:h + 18] = struct.pack("!H", csum(pseudo + bytes(seg)))
    return b


def fix_icmp(b):
    h = ihl(b)
    end = be16(b, 2)
    b[h + 2:h + 4] = b"\0\0"
    b[h + 2:h + 4] = struct.pack("!H", csum(bytes(b[h:end])))
    return b


def mss_opt(v):
    return struct.pack("!BBH", 2, 4, v)


# --- the wire -----------------------------------------------------------

class Wire:
    """An AF_PACKET socket on the TUN device: sends raw datagrams to the
    server, receives what the server writes."""

    def __init__(self, dev):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                               socket.htons(ETH_P_IP))
        self.s.bind((dev, ETH_P_IP))
        self.s.setblocking(False)
        self.sentinel = 0

    def drain(self):
        for _ in range(MAX_READS):
            try:
                self.s.recvfrom(65536)
            except BlockingIOError:
                return

    def read(self, timeout):
        """One packet the server wrote, or None after timeout seconds."""
        deadline = time.monotonic() + timeout
        for _ in range(MAX_READS):
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                return None
            try:
                data, addr = self.s.recvfrom(65536)
            except BlockingIOError:
                continue
            if addr[2] == PACKET_HOST:
                return data
        return None

    def is_sentinel_reply(self, r):
        if len(r) < 28 or r[0] >> 4 != 4 or r[9] != 1:
            return False
        h = ihl(r)
        return (len(r) >= h + 8 and r[h] == 0 and
                be16(r, h + 4) == SENTINEL_ID and
                be16(r, h + 6) == self.sentinel)

    def exchange(self, pkts):
        """Sends pkts and a sentinel echo request; returns (the server's
        packets before the sentinel's reply, whether that reply came)."""
        self.drain()
        for p in pkts:
            self.s.send(bytes(p))
        self.sentinel = (self.sentinel + 1) & 0xFFFF
        self.s.send(bytes(icmp_pkt(ident=SENTINEL_ID, seq=self.sentinel,
                                   data=b"hostile-sentinel")))
        replies = []
        got = False
        deadline = time.monotonic() + WAIT
        for _ in range(MAX_READS):
            r = self.read(deadline - time.monotonic())
            if r is None:
                break
            if self.is_sentinel_reply(r):
                got = True
                break
            replies.append(r)
        if got:
            # anything later than the sentinel's reply is late, not absent
            for _ in range(MAX_READS):
                r = self.read(STRAGGLE)
                if r is None:
                    break
                replies.append(r)
        return replies, got


# --- checking replies ---------------------------------------------------

def check_ip(r, sent, proto):
    """Problems of the IPv4 header of reply r to the datagram sent."""
    if len(r) < 20:
        return ["reply of %d bytes, shorter than an IPv4 header" % len(r)]
    p = []
    if r[0] != 0x45:
        p.append("version/IHL 0x%02x (want 0x45: IPv4 without options)"
                 % r[0])
    if be16(r, 2) != len(r):
        p.append("IP total length %d, %d bytes sent" % (be16(r, 2), len(r)))
    want = csum(bytes(r[:10]) + b"\0\0" + bytes(r[12:20]))
    if be16(r, 10) != want:
        p.append("IP header checksum 0x%04x (want 0x%04x)"
                 % (be16(r, 10), want))
    if be16(r, 6) & 0xBFFF:
        p.append("IP flags/fragment offset 0x%04x" % be16(r, 6))
    if r[8] == 0:
        p.append("TTL 0")
    if r[9] != proto:
        p.append("protocol %d (want %d)" % (r[9], proto))
    if r[12:16] != sent[16:20] or r[16:20] != sent[12:16]:
        p.append("addresses %s > %s (want %s > %s)" % (
            socket.inet_ntoa(r[12:16]), socket.inet_ntoa(r[16:20]),
            socket.inet_ntoa(bytes(sent[16:20])),
            socket.inet_ntoa(bytes(sent[12:16]))))
    return p


class Seg:
    """A TCP reply, dissected."""

    def __init__(self, r):
        h = ihl(r)
        t = r[h:be16(r, 2)]
        self.sport, self.dport = be16(t, 0), be16(t, 2)
        self.seq, self.ack = be32(t, 4), be32(t, 8)
        self.off = (t[12] >> 4) * 4
        self.flags = t[13]
        self.win, self.sum, self.urg = be16(t, 14), be16(t, 16), be16(t, 18)
        self.opts = bytes(t[20:self.off])
        self.data = bytes(t[self.off:])
        self.raw = bytes(t)
        self.pseudo = bytes(r[12:20]) + struct.pack("!BBH", 0, 6, len(t))


def check_tcp(r, sent):
    """(Seg or None, problems) of a TCP reply r to the datagram sent."""
    p = check_ip(r, sent, 6)
    if p and len(r) < 20:
        return None, p
    h = ihl(r)
    if be16(r, 2) < h + 20 or len(r) < h + 20:
        return None, p + ["TCP header cut short"]
    s = Seg(r)
    if s.off < 20 or s.off > len(s.raw):
        return None, p + ["TCP data offset %d" % s.off]
    want = csum(s.pseudo + s.raw[:16] + b"\0\0" + s.raw[18:])
    if s.sum != want:
        p.append("TCP checksum 0x%04x (want 0x%04x)" % (s.sum, want))
    sh = ihl(sent)
    if s.sport != be16(sent, sh + 2) or s.dport != be16(sent, sh):
        p.append("ports %d > %d (want %d > %d)" % (
            s.sport, s.dport, be16(sent, sh + 2), be16(sent, sh)))
    if s.urg:
        p.append("urgent pointer %d" % s.urg)
    return s, p


def parse_http(data):
    """(status code, {lower-case name: value}, body) or None."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or \
            not parts[1].isdigit():
        return None
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        fields[name.strip().lower().decode("latin-1")] = \
            value.strip().decode("latin-1")
    return int(parts[1]), fields, body


class Site:
    """What the baseline taught about the served site."""
    index = b""          # the bytes of SITE/index.html
    index_len = 0        # ... as sent: its live fields WIDTH bytes each
    live = False         # index.html has live fields
    mss = None           # the MSS the server announces
    p_id = None          # TCP data of the identity 200 of /index.html
    p_gz = None          # ... of its gzip 200 (None: no gzip encoding)
    p_gz_body = None     # the bytes of its gzip body
    p_503 = None         # ... of the 503 reply (None: not seen yet)
    etag_id = None
    etag_gz = None


SITE = Site()


def is_index(body):
    """body is index.html as the server sends it, its live fields filled."""
    return livepage.match(SITE.index, body, "index.html")[0]


def check_http(s, status, enc=None, head=False, fields=None, body=True):
    """Problems of the HTTP reply in s: status, encoding of /index.html
    (enc "identity"/"gzip": the body must be the file), HEAD (no body)."""
    h = parse_http(s.data)
    if h is None:
        return ["TCP data is not an HTTP reply: %r" % s.data[:80]]
    code, f, b = h
    p = []
    if code != status:
        p.append("status %d (want %d)" % (code, status))
    for name, value in (fields or {}).items():
        if f.get(name) != value:
            p.append("%s: %r (want %r)" % (name, f.get(name), value))
    cl = f.get("content-length")
    if head or status == 304:
        if b:
            p.append("%d body bytes after the header of a %s" % (
                len(b), "HEAD reply" if head else "304"))
    elif cl is None or not cl.isdigit() or int(cl) != len(b):
        p.append("Content-Length %r, %d body bytes" % (cl, len(b)))
    if enc and code == status:
        ce = f.get("content-encoding", "identity")
        if ce != enc:
            p.append("Content-Encoding %s (want %s)" % (ce, enc))
        elif not head and status == 200:
            got = b
            if enc == "gzip":
                try:
                    got = gzip.decompress(b)
                except (OSError, EOFError, zlib.error) as e:
                    p.append("gzip body does not decompress: %s" % e)
            if not is_index(got):
                p.append("body is not index.html (%d bytes, want %d)"
                         % (len(got), SITE.index_len))
        if head and status == 200 and cl is not None:
            want = SITE.p_gz_body if enc == "gzip" else SITE.index_len
            if want is not None and cl != str(want):
                p.append("HEAD Content-Length %s (want %s)" % (cl, want))
    return p


# --- the cases ----------------------------------------------------------

class Runner:
    def __init__(self, wire):
        self.w = wire
        self.passed = 0
        self.failed = 0
        self.port = PORT_BASE + random.randrange(PORT_SPAN - 1000)

    def next_port(self):
        self.port += 1
        if self.port >= PORT_BASE + PORT_SPAN:
            self.port = PORT_BASE
        return self.port

    def report(self, name, problems, sent=(), replies=()):
        if not problems:
            self.passed += 1
            print("ok   - " + name)
        else:
            self.failed += 1
            print("FAIL - %s: %s" % (name, "; ".join(problems)))
            for i, p in enumerate(sent):
                print("       | sent %d: %s" % (i + 1, bytes(p).hex()))
                print("       |   %s" % describe(p))
            for i, r in enumerate(replies):
                print("       | reply %d: %s" % (i + 1, bytes(r).hex()))
                print("       |   %s" % describe(r))
            if not replies:
                print("       | no reply")
        sys.stdout.flush()
        return not problems

    def send(self, pkts):
        replies, got = self.w.exchange(pkts)
        p = [] if got else [
            "no echo reply to the sentinel within %d ms (is the server "
            "alive?)" % (WAIT * 1000)]
        return replies, p

    def none(self, name, *pkts):
        """The server must not answer pkts at all."""
        replies, p = self.send(pkts)
        if replies:
            p.append("%d repl%s, want none" % (
                len(replies), "y" if len(replies) == 1 else "ies"))
        return self.report(name, p, pkts, replies)

    def tcp(self, name, pkt, flags, seq=None, ack=None, data=None,
            mss=False, extra=None, pre=()):
        """The server must answer pkt (sent after pre) with exactly one TCP
        segment with these flags, seq and ack (None: not checked), no data
        unless data says so (a callable giving problems), an MSS option
        when mss. Returns the Seg or None."""
        replies, p = self.send(list(pre) + [pkt])
        s = None
        if len(replies) != 1:
            p.append("%d replies, want 1" % len(replies))
        if replies:
            s, q = check_tcp(replies[0], pkt)
            p += q
        if s:
            if s.flags != flags:
                p.append("flags %s (want %s)" % (flag_str(s.flags),
                                                 flag_str(flags)))
            if seq is not None and s.seq != seq & 0xFFFFFFFF:
                p.append("seq %d (want %d)" % (s.seq, seq & 0xFFFFFFFF))
            if ack is not None and s.ack != ack & 0xFFFFFFFF:
                p.append("ack %d (want %d)" % (s.ack, ack & 0xFFFFFFFF))
            if mss:
                if len(s.opts) != 4 or s.opts[0] != 2 or s.opts[1] != 4:
                    p.append("options %s (want one MSS option)"
                             % s.opts.hex())
                elif not 128 <= be16(s.opts, 2) <= 65495:
                    p.append("MSS %d" % be16(s.opts, 2))
                elif SITE.mss and be16(s.opts, 2) != SITE.mss:
                    p.append("MSS %d, %d before" % (be16(s.opts, 2),
                                                    SITE.mss))
            elif s.opts:
                p.append("options %s (want none)" % s.opts.hex())
            if data is None:
                if s.data:
                    p.append("%d bytes of data (want none)" % len(s.data))
            else:
                p += data(s)
            if extra:
                p += extra(s)
        self.report(name, p, list(pre) + [pkt], replies)
        return s if not p else None

    def icmp(self, name, pkt, data):
        """pkt must get an echo reply with its identifier, sequence number
        and data (given), and the exact checksum."""
        replies, p = self.send([pkt])
        if len(replies) != 1:
            p.append("%d replies, want 1" % len(replies))
        if replies:
            r = replies[0]
            p += check_ip(r, pkt, 1)
            h = ihl(r)
            c = bytes(r[h:be16(r, 2)]) if len(r) >= 20 else b""
            sh = ihl(pkt)
            if len(c) < 8:
                p.append("ICMP message of %d bytes" % len(c))
            else:
                if c[0] != 0 or c[1] != 0:
                    p.append("type %d code %d (want 0 0)" % (c[0], c[1]))
                if c[4:8] != pkt[sh + 4:sh + 8]:
                    p.append("identifier/sequence %s (want %s)" % (
                        c[4:8].hex(), bytes(pkt[sh + 4:sh + 8]).hex()))
                if c[8:] != data:
                    p.append("data of %d bytes differs from the %d sent"
                             % (len(c) - 8, len(data)))
                want = csum(c[:2] + b"\0\0" + c[4:])
                if be16(c, 2) != want:
                    p.append("ICMP checksum 0x%04x (want 0x%04x)"
                             % (be16(c, 2), want))
        return self.report(name, p, [pkt], replies)

    # --- connections

    def syn(self, sport, opts=None, seq=None, **kw):
        seq = random.randrange(1 << 32) if seq is None else seq
        return tcp_pkt(sport, seq=seq, flags=SYN,
                       opts=mss_opt(65495) if opts is None else opts, **kw)

    def connect(self, name, opts=None, sport=None, **kw):
        """A SYN (MSS 65495 unless opts) and its SYN-ACK checked as a case
        named name. Returns (sport, client seq + 1, ISN) or None."""
        sport = sport or self.next_port()
        pkt = self.syn(sport, opts, **kw)
        seq = be32(pkt, ihl(pkt) + 4)
        s = self.tcp(name, pkt, SYN | ACK, ack=seq + 1, mss=True)
        if s is None:
            return None
        return sport, (seq + 1) & 0xFFFFFFFF, s.seq


def request(path="/index.html", method="GET", fields=(), version="HTTP/1.1"):
    lines = ["%s %s %s" % (method, path, version) if version else
             "%s %s" % (method, path), "Host: " + SERVER]
    lines += list(fields)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def describe(b):
    """A one-line dissection by scapy, for the record of a failure."""
    try:
        return IP(bytes(b)).summary()
    except Exception as e:  # a hostile datagram may defeat the dissector
        return "(scapy: %s)" % e


def mss_class_limit(m):
    """The TCP data a client announcing MSS m (None: no usable option)
    may be sent, as pagec.h describes: 536 without the option, then the
    classes 966, 1220 and the site's MSS."""
    if m is None or m < 966:
        lim = 536
    elif m >= SITE.mss:
        lim = SITE.mss
    elif m >= 1220:
        lim = 1220
    else:
        lim = 966
    return min(lim, SITE.mss)


def expect_fit(limit, ae):
    """The reply to GET /index.html with Accept-Encoding ae ("identity",
    "gzip" or None) when limit bytes of TCP data fit: ("200", encoding),
    ("503", None) or (None, None) for no reply."""
    if ae == "identity":
        order = [("identity", SITE.p_id)]
    elif ae == "gzip":
        order = [("gzip", SITE.p_gz), ("identity", SITE.p_id)]
    else:
        order = [("identity", SITE.p_id), ("gzip", SITE.p_gz)]
    order = [o for o in order if o[1] is not None]
    # the runtime tries the preferred encoding, then the other one
    for enc, size in order[:2]:
        if size <= limit:
            return "200", enc
    if SITE.p_503 is not None and SITE.p_503 > limit:
        return None, None
    return "503", None


def fit_case(run, name, conn, limit, ae, win=65535, mss_sent=None):
    """GET /index.html on conn with Accept-Encoding ae and window win: the
    reply must be what expect_fit says, and no larger than limit (the
    client's MSS and window, RFC 9293 section 3.7.1)."""
    sport, cseq, isn = conn
    fields = ["Accept-Encoding: " + ae] if ae else []
    req = request(fields=fields)
    pkt = tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK, win=win,
                  data=req)
    status, enc = expect_fit(limit, ae)
    if status is None:
        return run.none(name + ": no reply (not even the 503 fits in %d)"
                        % limit, pkt)

    def body(s):
        p = check_http(s, int(status), enc=enc)
        if len(s.data) > limit:
            p.append("%d bytes of TCP data, more than the %d the client "
                     "can take" % (len(s.data), limit))
        if status == "503" and SITE.p_503 is None and not p:
            SITE.p_503 = len(s.data)
        return p

    what = "200 %s" % enc if enc else "503"
    return run.tcp("%s: %s (%d bytes fit)" % (name, what, limit), pkt,
                   FIN | PSH | ACK, seq=isn + 1, ack=cseq + len(req),
                   data=body)


def avoid_slot_edge():
    """Waits, when the ISN's time slot (2^6 s of CLOCK_MONOTONIC, the clock
    pagec-tun gives the runtime) ends within the next second, for the next
    one: two SYNs must fall in the same slot to get the same ISN."""
    t = time.clock_gettime(time.CLOCK_MONOTONIC) % ISN_SLOT
    if t > ISN_SLOT - 1:
        time.sleep(ISN_SLOT - t + 0.05)


def check_live_reply(s):
    """A live page's reply: no ETag, "Cache-Control: no-store"."""
    h = parse_http(s.data)
    if not SITE.live or h is None:
        return []
    p = []
    if "etag" in h[1]:
        p.append("a live page's reply with an ETag: %s" % h[1]["etag"])
    if h[1].get("cache-control") != "no-store":
        p.append("a live page's reply with Cache-Control %r (want "
                 "no-store)" % h[1].get("cache-control"))
    return p


def baseline(run):
    """The first, ordinary exchanges; they also learn the reply sizes."""
    run.icmp("ICMP echo with 56 bytes of data: echo reply",
             icmp_pkt(ident=0x4242, seq=7, data=bytes(range(56))),
             bytes(range(56)))
    avoid_slot_edge()
    conn = run.connect("SYN with MSS 65495: SYN-ACK, ack = seq + 1, MSS")
    if conn is None:
        return None
    sport, cseq, isn = conn
    SITE.mss = None
    # learn the MSS from a retransmission: the same SYN gets the same ISN
    pkt = tcp_pkt(sport, seq=cseq - 1, flags=SYN, opts=mss_opt(65495))
    s = run.tcp("retransmitted SYN: the same SYN-ACK (same ISN)", pkt,
                SYN | ACK, seq=isn, ack=cseq, mss=True)
    if s is None:
        return None
    SITE.mss = be16(s.opts, 2)

    req = request(fields=["Accept-Encoding: identity"])
    pkt = tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK, data=req)
    s = run.tcp("GET /index.html (identity): 200 with FIN, seq = ISN + 1, "
                "ack = seq + len", pkt, FIN | PSH | ACK, seq=isn + 1,
                ack=cseq + len(req),
                data=lambda s: check_http(s, 200, enc="identity") +
                check_live_reply(s))
    if s is None:
        return None
    SITE.p_id = len(s.data)
    SITE.etag_id = parse_http(s.data)[1].get("etag")

    req = request(fields=["Accept-Encoding: gzip"])
    pkt = tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK, data=req)
    replies, p = run.send([pkt])
    SITE.p_gz = None
    SITE.p_gz_body = None
    if len(replies) == 1:
        s, q = check_tcp(replies[0], pkt)
        h = parse_http(s.data) if s else None
        if h and h[1].get("content-encoding") == "gzip":
            SITE.p_gz = len(s.data)
            SITE.p_gz_body = len(h[2])
            SITE.etag_gz = h[1].get("etag")
    if SITE.p_gz is not None:
        run.tcp("GET /index.html (Accept-Encoding: gzip): 200 gzip", pkt,
                FIN | PSH | ACK, seq=isn + 1, ack=cseq + len(req),
                data=lambda s: check_http(s, 200, enc="gzip"))
    else:
        print("# index.html has no gzip encoding: gzip cases expect "
              "identity")
    return conn


def ipv4_cases(run):
    def syn():
        return run.syn(run.next_port())

    def echo(**kw):
        return icmp_pkt(ident=0x5151, seq=run.next_port(), data=b"hostile",
                        **kw)

    for v in (6, 0, 5, 15):
        b = syn()
        b[0] = v << 4 | 5
        run.none("IPv4: version %d (checksum right): dropped" % v,
                 fix_ip(b))
    b = echo()
    b[0] = 0x65
    run.none("IPv4: version 6 ICMP echo: dropped", fix_ip(b))

    b = syn()
    b[10] ^= 0x5A
    run.none("IPv4: bad header checksum (SYN): dropped", b)
    b = echo()
    b[11] ^= 0x01
    run.none("IPv4: bad header checksum (echo): dropped", b)
    b = syn()
    b[10:12] = b"\0\0"
    run.none("IPv4: header checksum 0: dropped", b)

    for h in (4, 0):
        b = syn()
        b[0] = 0x40 | h
        run.none("IPv4: IHL %d (< 5): dropped" % h, fix_ip(b, 20))
    b = syn()
    b[0] = 0x4F            # 60-byte header in a 44-byte datagram
    b += bytes(20)         # the bytes are there, the total length says 44
    run.none("IPv4: IHL 15, 60 > total length 44: dropped", fix_ip(b, 60))
    b = echo()
    b[0] = 0x46
    struct.pack_into("!H", b, 2, 20)
    run.none("IPv4: IHL 6, 24 > total length 20: dropped", fix_ip(b))
    b = syn()
    b = b[:22]
    b[0] = 0x46
    struct.pack_into("!H", b, 2, 24)
    run.none("IPv4: IHL 6 past the 22 bytes received: dropped", fix_ip(b, 20))

    b = syn()
    struct.pack_into("!H", b, 2, len(b) + 1)
    run.none("IPv4: total length one more than the bytes: dropped",
             fix_ip(b))
    b = syn()
    struct.pack_into("!H", b, 2, 65535)
    run.none("IPv4: total length 65535, 44 bytes: dropped", fix_ip(b))
    b = syn()
    struct.pack_into("!H", b, 2, 19)
    run.none("IPv4: total length 19 (< header): dropped", fix_ip(b))
    b = syn()
    struct.pack_into("!H", b, 2, 0)
    run.none("IPv4: total length 0: dropped", fix_ip(b))
    run.none("IPv4: 19 bytes, a header cut short: dropped", syn()[:19])
    b = syn()[:20]
    struct.pack_into("!H", b, 2, 20)
    run.none("IPv4: TCP datagram of a bare IP header: dropped", fix_ip(b))

    for frag, what in ((0x2000, "MF set"), (0x0001, "offset 8"),
                       (0x2003, "MF and offset 24"),
                       (0x1FFF, "offset 65528 (the largest)"),
                       (0x6000, "DF and MF")):
        b = syn()
        struct.pack_into("!H", b, 6, frag)
        run.none("IPv4: fragment, %s (SYN): dropped" % what, fix_ip(b))
    b = echo()
    struct.pack_into("!H", b, 6, 0x2000)
    run.none("IPv4: fragment, MF set (echo): dropped", fix_ip(b))

    for dst in ("255.255.255.255", "224.0.0.1", "239.255.255.250",
                "240.0.0.1", "0.0.0.0", "127.0.0.1"):
        run.none("IPv4: SYN to %s: dropped" % dst,
                 run.syn(run.next_port(), dst=dst))
    for dst in ("255.255.255.255", "224.0.0.1"):
        run.none("ICMP: echo to %s: dropped" % dst, echo(dst=dst))
    for src in ("0.0.0.0", "0.1.2.3", "127.0.0.1", "127.1.2.3",
                "224.0.0.5", "255.255.255.255", "240.1.2.3"):
        run.none("IPv4: SYN from %s: dropped" % src,
                 run.syn(run.next_port(), src=src))
    for src in ("127.0.0.1", "0.0.0.0"):
        run.none("ICMP: echo from %s: dropped" % src, echo(src=src))
    run.none("IPv4: SYN from the server's own address (land): dropped",
             run.syn(run.next_port(), src=SERVER))

    # answered normally
    sport = run.next_port()
    b = run.syn(sport, seq=1000)
    run.tcp("IPv4: SYN with 12 trailing bytes: SYN-ACK (bytes ignored)",
            b + b"\xde\xad\xbe\xef" * 3, SYN | ACK, ack=1001, mss=True)
    data = b"trailing!"
    b = echo()[:20 + 8] + data
    struct.pack_into("!H", b, 2, len(b))
    b = fix_icmp(fix_ip(b))
    run.icmp("ICMP: echo with 7 trailing bytes: reply without them",
             b + b"PADDING", data)
    sport = run.next_port()
    run.tcp("IPv4: SYN with a router alert option: SYN-ACK without options",
            run.syn(sport, seq=5, ip_opts=b"\x94\x04\x00\x00"),
            SYN | ACK, ack=6, mss=True)
    opts = b"\x07\x0b\x04" + bytes(8) + b"\x01"  # record route, 2 slots
    run.icmp("ICMP: echo with IP options (record route): reply without",
             icmp_pkt(ident=0x77, seq=1, data=b"opts", ip_opts=opts),
             b"opts")
    for ttl in (1, 0):
        run.tcp("IPv4: SYN with TTL %d: SYN-ACK (RFC 1122 3.2.1.7)" % ttl,
                run.syn(run.next_port(), seq=9, ttl=ttl), SYN | ACK,
                ack=10, mss=True)
    run.tcp("IPv4: SYN without DF: SYN-ACK",
            run.syn(run.next_port(), seq=9, df=False), SYN | ACK, ack=10,
            mss=True)
    run.tcp("IPv4: SYN with ECN CE and DSCP set: SYN-ACK",
            run.syn(run.next_port(), seq=9, tos=0xbb), SYN | ACK, ack=10,
            mss=True)

    b = bytearray(bytes(IP(src=CLIENT, dst=SERVER) /
                        UDP(sport=run.next_port(), dport=80) / Raw(b"x")))
    run.none("IPv4: UDP datagram: no answer (no UDP service)", b)
    b = syn()
    b[9] = 253
    run.none("IPv4: protocol 253 (experimental): no answer", fix_ip(b))


def icmp_cases(run):
    run.icmp("ICMP: all-zero echo (id 0, seq 0, 16 zero bytes): checksum "
             "0xffff", icmp_pkt(ident=0, seq=0, data=bytes(16)), bytes(16))
    run.icmp("ICMP: echo without data: 8-byte reply",
             icmp_pkt(ident=1, seq=2), b"")
    run.icmp("ICMP: echo with 7 bytes (odd length)",
             icmp_pkt(ident=0xffff, seq=0xffff, data=b"\xff" * 7), b"\xff" * 7)
    big = bytes(random.randrange(256) for _ in range(1400))
    run.icmp("ICMP: echo with 1400 bytes of data",
             icmp_pkt(ident=3, seq=4, data=big), big)
    b = icmp_pkt(ident=5, seq=6, data=b"abcd")
    b[ihl(b) + 2] ^= 0x40
    run.none("ICMP: echo with a bad checksum: dropped", b)
    for n in (4, 7, 0):
        b = icmp_pkt(ident=0x0101, seq=0x0202)[:20 + n]
        struct.pack_into("!H", b, 2, len(b))
        if n >= 4:
            b = fix_icmp(b)
        run.none("ICMP: echo request of %d bytes (< 8): dropped" % n,
                 fix_ip(b))
    for typ, what in ((0, "echo reply"), (13, "timestamp request"),
                      (17, "address mask request"), (3, "unreachable"),
                      (42, "unknown type 42"), (255, "type 255")):
        run.none("ICMP: %s: no answer" % what,
                 icmp_pkt(typ=typ, ident=9, seq=9, data=b"x" * 12))
    run.none("ICMP: echo request with code 1: no answer",
             icmp_pkt(code=1, ident=9, seq=9, data=b"x"))


def tcp_cases(run, base):
    sport, cseq, isn = base

    # --- malformed TCP headers
    b = run.syn(run.next_port())
    b[ihl(b) + 17] ^= 0x01
    run.none("TCP: SYN with a bad checksum: dropped", b)
    b = run.syn(run.next_port())
    struct.pack_into("!H", b, ihl(b) + 16, 0)
    if be16(fix_tcp(bytearray(b)), ihl(b) + 16) != 0:
        run.none("TCP: checksum field 0 (TCP's is not optional): dropped", b)
    req = request()
    b = tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK, data=req)
    b[-1] ^= 0x20
    run.none("TCP: request with a bad checksum: dropped", b)
    for off in (4, 0, 1):
        b = run.syn(run.next_port(), opts=b"")
        b[ihl(b) + 12] = off << 4
        run.none("TCP: data offset %d (< 5): dropped" % off, fix_tcp(b))
    b = run.syn(run.next_port(), opts=b"")
    b[ihl(b) + 12] = 0xF0
    run.none("TCP: data offset 15 in a 20-byte segment: dropped",
             fix_tcp(b))
    b = run.syn(run.next_port(), opts=b"")
    b[ihl(b) + 12] = 0x60
    run.none("TCP: data offset 6 in a 20-byte segment: dropped",
             fix_tcp(b))
    b = tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK, data=req)
    b[ihl(b) + 12] = 0xF0          # 60-byte header in a longer segment:
    run.none("TCP: request with data offset 15: no reply (no request "
             "line in what is left)", fix_tcp(b))
    b = run.syn(run.next_port(), opts=b"")[:20 + 12]
    struct.pack_into("!H", b, 2, len(b))
    run.none("TCP: a 12-byte segment (header cut short): dropped",
             fix_ip(b))

    # --- options of the SYN; each connection then shows its MSS class
    nop = b"\x01"
    cases = [
        ("unaligned MSS 1460 (after a NOP)",
         nop + mss_opt(1460) + nop * 3, 1460),
        ("unknown kinds 254 (len 6) and 99 (len 2), then MSS 1460",
         b"\xfe\x06\xab\xcd\xef\x01" + b"\x63\x02" + mss_opt(1460), 1460),
        ("36 NOPs then MSS 1460 (40 bytes of options)",
         nop * 36 + mss_opt(1460), 1460),
        ("Linux's MSS, SACK-permitted, timestamps, window scale",
         mss_opt(1460) + b"\x04\x02\x08\x0a" + bytes(8) + b"\x01\x03\x03\x07",
         1460),
        ("option of length 0 before the MSS", b"\x63\x00" + mss_opt(1460)
         + nop * 2, None),
        ("option of length 1 before the MSS", b"\x63\x01" + mss_opt(1460)
         + nop * 2, None),
        ("MSS option running past the header", nop * 2 + b"\x02\x04", None),
        ("option length 40 past the header", b"\xfe\x28\x00\x00", None),
        ("EOL then MSS 1460 (after the end of the list)",
         b"\x00" * 4 + mss_opt(1460), None),
        ("MSS option of length 3", b"\x02\x03\x05\x01", None),
        ("MSS option of length 6", b"\x02\x06\x05\xb4\x00\x00" + nop * 2,
         None),
        ("no options at all", b"", None),
        ("MSS 966", mss_opt(966), 966),
        ("MSS 1220", mss_opt(1220), 1220),
        ("a lone kind byte 2 at the end", nop * 3 + b"\x02", None),
    ]
    # a client whose MSS is below 536 is refused: RST,ACK to its SYN
    for m in (0, 100, 535):
        pkt = run.syn(run.next_port(), mss_opt(m))
        run.tcp("TCP options: MSS %d: refused, <SEQ=0><ACK=SEG.SEQ+1>"
                "<CTL=RST,ACK>" % m, pkt, RST | ACK, seq=0,
                ack=(be32(pkt, ihl(pkt) + 4) + 1) & 0xFFFFFFFF)
    for what, opts, m in cases:
        conn = run.connect("TCP options: %s: SYN-ACK" % what, opts=opts)
        if conn is None:
            continue
        lim = mss_class_limit(m)
        fit_case(run, "TCP options: %s: GET, identity" % what, conn, lim,
                 "identity")
        if SITE.p_gz is not None:
            fit_case(run, "TCP options: %s: GET, gzip" % what, conn, lim,
                     "gzip")

    # --- the client's window bounds the reply too
    if SITE.p_gz is not None:
        fit_case(run, "TCP window: exactly the gzip reply", base, SITE.p_gz,
                 "gzip", win=SITE.p_gz)
        fit_case(run, "TCP window: one byte short of the gzip reply", base,
                 SITE.p_gz - 1, "gzip", win=SITE.p_gz - 1)
        fit_case(run, "TCP window: one byte short of the identity reply, "
                 "no Accept-Encoding",
                 base, SITE.p_id - 1, None, win=SITE.p_id - 1)
    fit_case(run, "TCP window: 0", base, 0, "identity", win=0)

    # --- flags
    sport2 = run.next_port()
    run.none("TCP: RST to port 80: no answer",
             tcp_pkt(sport2, seq=1, flags=RST))
    run.none("TCP: RST+ACK to port 80 with our ISN + 1: no answer",
             tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=RST | ACK))
    run.none("TCP: RST with data: no answer",
             tcp_pkt(sport2, seq=1, flags=RST, data=request()))
    run.none("TCP: RST to a closed port: no answer",
             tcp_pkt(sport2, CLOSED_PORT, seq=1, flags=RST))
    run.none("TCP: SYN+RST: no answer",
             tcp_pkt(sport2, seq=1, flags=SYN | RST, opts=mss_opt(1460)))
    run.none("TCP: SYN+FIN: dropped",
             tcp_pkt(run.next_port(), seq=1, flags=SYN | FIN,
                     opts=mss_opt(1460)))
    run.none("TCP: SYN+FIN with data: dropped",
             tcp_pkt(run.next_port(), seq=1, flags=SYN | FIN | PSH,
                     data=request()))
    run.none("TCP: no flags: dropped", tcp_pkt(run.next_port(), seq=1))
    run.none("TCP: no flags, with a request: dropped",
             tcp_pkt(run.next_port(), seq=1, data=request()))
    run.none("TCP: no flags, with our ISN + 1 in the ack field: dropped",
             tcp_pkt(sport, seq=cseq, ack=isn + 1, data=request()))
    run.none("TCP: FIN without ACK (FIN scan): dropped",
             tcp_pkt(run.next_port(), seq=1, flags=FIN))
    run.none("TCP: FIN+PSH+URG without ACK (Xmas): dropped",
             tcp_pkt(run.next_port(), seq=1, flags=FIN | PSH | URG, urg=1))
    run.none("TCP: PSH without ACK, with a request: dropped",
             tcp_pkt(run.next_port(), seq=1, flags=PSH, data=request()))
    p = run.next_port()
    run.tcp("TCP: SYN with data: SYN-ACK acknowledging the SYN only",
            tcp_pkt(p, seq=777, flags=SYN, opts=mss_opt(1460),
                    data=request()), SYN | ACK, ack=778, mss=True)
    run.tcp("TCP: SYN with ECE+CWR (ECN setup): SYN-ACK without ECE",
            tcp_pkt(run.next_port(), seq=5, flags=SYN | ECE | CWR,
                    opts=mss_opt(1460)), SYN | ACK, ack=6, mss=True)
    run.tcp("TCP: SYN with the urgent pointer 0xffff: SYN-ACK",
            tcp_pkt(run.next_port(), seq=5, flags=SYN, urg=0xffff,
                    opts=mss_opt(1460)), SYN | ACK, ack=6, mss=True)
    run.tcp("TCP: SYN-ACK to port 80: RST <SEQ=SEG.ACK>",
            tcp_pkt(run.next_port(), seq=5, ack=0x12345678,
                    flags=SYN | ACK), RST, seq=0x12345678)
    run.tcp("TCP: SYN+FIN+ACK to port 80: RST <SEQ=SEG.ACK>",
            tcp_pkt(run.next_port(), seq=5, ack=0x0badcafe,
                    flags=SYN | FIN | ACK), RST, seq=0x0badcafe)

    # --- closed port (RFC 9293 3.10.7.1)
    p = run.next_port()
    run.tcp("closed port: SYN: <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>",
            tcp_pkt(p, CLOSED_PORT, seq=0xfffffffe, flags=SYN,
                    opts=mss_opt(1460)), RST | ACK, seq=0, ack=0xffffffff)
    run.tcp("closed port: SYN with 10 bytes: RST,ACK, ack = seq + 11",
            tcp_pkt(p, CLOSED_PORT, seq=100, flags=SYN, data=b"0123456789"),
            RST | ACK, seq=0, ack=111)
    run.tcp("closed port: ACK: <SEQ=SEG.ACK><CTL=RST>",
            tcp_pkt(p, CLOSED_PORT, seq=100, ack=0xdeadbeef, flags=ACK),
            RST, seq=0xdeadbeef)
    run.tcp("closed port: request with ACK: <SEQ=SEG.ACK><CTL=RST>",
            tcp_pkt(p, CLOSED_PORT, seq=100, ack=4242, flags=PSH | ACK,
                    data=request()), RST, seq=4242)
    run.tcp("closed port: FIN with 5 bytes, no ACK: RST,ACK, ack = seq + 6",
            tcp_pkt(p, CLOSED_PORT, seq=0xfffffffd, flags=FIN | PSH,
                    data=b"hello"), RST | ACK, seq=0, ack=3)
    run.tcp("closed port: no flags: RST,ACK, ack = seq (a segment without "
            "RST to a closed port gets one)",
            tcp_pkt(p, CLOSED_PORT, seq=55), RST | ACK, seq=0, ack=55)
    run.tcp("closed port: SYN-ACK: <SEQ=SEG.ACK><CTL=RST>",
            tcp_pkt(p, CLOSED_PORT, seq=9, ack=31337, flags=SYN | ACK),
            RST, seq=31337)
    run.tcp("closed port 65535: SYN: RST,ACK",
            tcp_pkt(p, 65535, seq=1, flags=SYN), RST | ACK, seq=0, ack=2)

    # --- sequence numbers on port 80
    req = request()
    for what, bad in (("ISN + 1 + 100000", isn + 1 + 100000),
                      ("ISN (acknowledges nothing)", isn),
                      ("ISN - 1000", isn - 1000),
                      ("ISN + 1 + 2^31", isn + 1 + (1 << 31))):
        run.tcp("request with ack %s: <SEQ=SEG.ACK><CTL=RST>" % what,
                tcp_pkt(sport, seq=cseq, ack=bad, flags=PSH | ACK, data=req),
                RST, seq=bad)
    other = run.next_port()
    run.tcp("request with the ack of another port's connection: RST",
            tcp_pkt(other, seq=cseq, ack=isn + 1, flags=PSH | ACK,
                    data=req), RST, seq=isn + 1)
    run.tcp("FIN with a wrong ack: RST <SEQ=SEG.ACK>",
            tcp_pkt(sport, seq=cseq, ack=isn + 1 + 100000, flags=FIN | ACK),
            RST, seq=isn + 1 + 100000)
    run.none("duplicate ACK (the handshake's, ack = ISN + 1): no answer",
             tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=ACK),
             tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=ACK))
    end = isn + 1 + SITE.p_id + 1   # after our reply and our FIN
    run.none("pure ACK of our reply and FIN: no answer",
             tcp_pkt(sport, seq=cseq + len(req), ack=end, flags=ACK))
    fin = tcp_pkt(sport, seq=cseq + len(req), ack=end, flags=FIN | ACK)
    run.tcp("FIN after our reply: ACK, seq = SEG.ACK, ack = seq + 1", fin,
            ACK, seq=end, ack=cseq + len(req) + 1)
    run.tcp("retransmitted FIN: the same ACK", fin, ACK, seq=end,
            ack=cseq + len(req) + 1)
    run.tcp("FIN before any request (ack = ISN + 1): our FIN too",
            tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=FIN | ACK),
            FIN | ACK, seq=isn + 1, ack=cseq + 1)
    run.tcp("data after our FIN: a plain ACK, not an RST",
            tcp_pkt(sport, seq=cseq + len(req), ack=end, flags=PSH | ACK,
                    data=b"more data"), ACK, seq=end,
            ack=cseq + len(req) + 9)
    run.tcp("data and FIN after our FIN: ACK of both",
            tcp_pkt(sport, seq=cseq + len(req), ack=end,
                    flags=FIN | PSH | ACK, data=b"more"), ACK, seq=end,
            ack=cseq + len(req) + 5)
    run.tcp("request + FIN in one segment: 200, ack = seq + len + 1",
            tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=FIN | PSH | ACK,
                    data=req), FIN | PSH | ACK, seq=isn + 1,
            ack=cseq + len(req) + 1,
            data=lambda s: check_http(s, 200, enc="identity"))
    run.tcp("request with URG and a garbage urgent pointer: 200",
            tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=URG | PSH | ACK,
                    urg=0xffff, data=req), FIN | PSH | ACK, seq=isn + 1,
            ack=cseq + len(req),
            data=lambda s: check_http(s, 200, enc="identity"))
    run.tcp("request with a garbage urgent pointer, URG off: 200",
            tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK,
                    urg=0x1234, data=req), FIN | PSH | ACK, seq=isn + 1,
            ack=cseq + len(req),
            data=lambda s: check_http(s, 200, enc="identity"))
    run.tcp("request with options (timestamps) on the segment: 200",
            tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK,
                    opts=b"\x01\x01\x08\x0a" + bytes(8), data=req),
            FIN | PSH | ACK, seq=isn + 1, ack=cseq + len(req),
            data=lambda s: check_http(s, 200, enc="identity"))
    run.tcp("request with 6 trailing bytes past the IP length: 200, ack "
            "counts the real data",
            tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK,
                    data=req) + b"\0" * 6, FIN | PSH | ACK, seq=isn + 1,
            ack=cseq + len(req),
            data=lambda s: check_http(s, 200, enc="identity"))
    run.tcp("request with IP options: 200 without options",
            tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK,
                    data=req, ip_opts=b"\x01\x01\x01\x00"),
            FIN | PSH | ACK, seq=isn + 1, ack=cseq + len(req),
            data=lambda s: check_http(s, 200, enc="identity"))
    for what, d in (("incomplete request line", b"GET /index.ht"),
                    ("request line without its line end",
                     b"GET /index.html HTTP/1.1"),
                    ("continuation segment (header fields)",
                     b"Host: 192.0.2.2\r\nAccept: */*\r\n\r\n"),
                    ("continuation: the tail of a request line",
                     b"ndex.html HTTP/1.1\r\nHost: x\r\n\r\n"),
                    ("only empty lines", b"\r\n\r\n\r\n"),
                    ("binary garbage", bytes(range(256)))):
        run.none("%s: no answer" % what,
                 tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK,
                         data=d))
    run.none("continuation segment at a later seq: no answer",
             tcp_pkt(sport, seq=cseq + 20, ack=isn + 1, flags=PSH | ACK,
                     data=b"Accept: */*\r\n\r\n"))


def http_cases(run, base):
    sport, cseq, isn = base

    def ask(name, data, status, enc=None, head=False, fields=None):
        pkt = tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK,
                      data=data)
        return run.tcp(name, pkt, FIN | PSH | ACK, seq=isn + 1,
                       ack=cseq + len(data),
                       data=lambda s: check_http(s, status, enc=enc,
                                                 head=head, fields=fields))

    ask("HTTP: GET /%zz (malformed %XX): 400", request("/%zz"), 400)
    ask("HTTP: GET /a%2 (cut %XX): 400", request("/a%2"), 400)
    ask("HTTP: space in the target: 400", request("/a b"), 400)
    ask("HTTP: control byte in the target: 400", request("/a\x01b"), 400)
    ask("HTTP: target not a path: 400", request("index.html"), 400)
    ask("HTTP: field line with a space before its colon: 400",
        request(fields=["Accept-Encoding : gzip"]), 400)
    ask("HTTP: HEAD /%zz: 400 without a body",
        request("/%zz", "HEAD"), 400, head=True)
    ask("HTTP: a fragment in the target: 400", request("/index.html#a"), 400)
    ask("HTTP: HTTP/1.1 without Host: 400",
        b"GET /index.html HTTP/1.1\r\nAccept: */*\r\n\r\n", 400)
    ask("HTTP: two Host fields: 400", request(fields=["Host: x"]), 400)
    ask("HTTP: HTTP/1.0 without Host: 200",
        b"GET /index.html HTTP/1.0\r\n\r\n", 200, enc="identity")
    ask("HTTP: obs-fold: 400",
        request(fields=["X-A: b", " c"]), 400)
    for v in ("HTTP/2.0", "HTTP/0.9", "HTTP/3.1"):
        ask("HTTP: %s: 505" % v, request(version=v), 505)
    ask("HTTP: HEAD in HTTP/2.0: 505 without a body",
        request("/index.html", "HEAD", version="HTTP/2.0"), 505, head=True)
    ask("HTTP: HTTP/1.2 read as HTTP/1.1: 200",
        request(fields=["Accept-Encoding: identity"], version="HTTP/1.2"),
        200, enc="identity")
    for m in ("POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"):
        ask("HTTP: %s /: 405, Allow: GET, HEAD" % m, request("/", m), 405,
            fields={"allow": "GET, HEAD"})
    for m in ("BREW", "get", "Get", "PROPFIND"):
        ask("HTTP: %s / (unknown method): 501" % m, request("/", m), 501)
    ask("HTTP: GET of a missing path: 404", request("/no-such-page"), 404)
    ask("HTTP: GET /../../etc/passwd: 404", request("/../../etc/passwd"),
        404)
    ask("HTTP: HEAD of a missing path: 404 without a body",
        request("/no-such-page", "HEAD"), 404, head=True)
    ask("HTTP: HEAD /index.html: the header alone",
        request("/index.html", "HEAD", ["Accept-Encoding: identity"]), 200,
        enc="identity", head=True)
    if SITE.p_gz is not None:
        ask("HTTP: HEAD /index.html, gzip: the header alone",
            request("/index.html", "HEAD", ["Accept-Encoding: gzip"]), 200,
            enc="gzip", head=True)
    ask("HTTP: HTTP/0.9 GET /index.html", b"GET /index.html\r\n", 200,
        enc="identity")
    ask("HTTP: empty lines before the request line",
        b"\r\n\r\n" + request(fields=["Accept-Encoding: identity"]), 200,
        enc="identity")
    ask("HTTP: bare LF line ends", b"GET /index.html HTTP/1.0\nHost: x\n\n",
        200, enc="identity")
    ask("HTTP: absolute-form target",
        request("http://192.0.2.2/index.html"), 200, enc="identity")
    ask("HTTP: percent-encoded path and a query",
        request("/%69ndex.html?a=1&b=%zz"), 200, enc="identity")
    ask("HTTP: / is index.html", request("/"), 200, enc="identity")

    gz = "gzip" if SITE.p_gz is not None else "identity"
    for ae, enc in (("gzip", gz), ("x-gzip", gz), ("GZIP", gz),
                    ("gzip, deflate, br", gz),
                    ("gzip, identity;q=0", gz),
                    ("gzip;q=0", "identity"),
                    ("deflate, br", "identity"),
                    ("gzip;q=0.5, identity", "identity"),
                    ("identity;q=0.5, gzip", gz),
                    ("gzip;q=1.000, identity;q=1", gz),
                    ("", "identity")):
        if ae == "gzip, identity;q=0" and SITE.p_gz is None:
            # identity refused, and the page has no gzip encoding (a live
            # page has none): nothing acceptable
            ask("HTTP: Accept-Encoding: %r: 406 (no gzip encoding)" % ae,
                request(fields=["Accept-Encoding: " + ae]), 406)
            continue
        ask("HTTP: Accept-Encoding: %r: 200 %s" % (ae, enc),
            request(fields=["Accept-Encoding: " + ae]), 200, enc=enc)
    # identity refused and gzip not named: nothing acceptable (RFC 9110
    # section 12.5.3: a coding not listed is not acceptable)
    for ae in ("*;q=0", "gzip;q=0, identity;q=0", "identity;q=0"):
        if SITE.p_gz is not None:
            ask("HTTP: Accept-Encoding: %r: 406" % ae,
                request(fields=["Accept-Encoding: " + ae]), 406)
    if SITE.etag_id:
        ask("HTTP: If-None-Match with the ETag: 304",
            request(fields=["Accept-Encoding: identity",
                            "If-None-Match: " + SITE.etag_id]), 304,
            fields={"etag": SITE.etag_id})
        ask("HTTP: If-None-Match with the weak ETag: 304",
            request(fields=["Accept-Encoding: identity",
                            "If-None-Match: W/" + SITE.etag_id]), 304)
        ask("HTTP: If-None-Match: *: 304",
            request(fields=["Accept-Encoding: identity",
                            "If-None-Match: *"]), 304)
        ask("HTTP: If-None-Match with another ETag: 200",
            request(fields=["Accept-Encoding: identity",
                            'If-None-Match: "nope"']), 200, enc="identity")
        ask("HTTP: If-None-Match, the ETag inside a malformed value: 200",
            request(fields=["Accept-Encoding: identity",
                            'If-None-Match: "x"' + SITE.etag_id[1:]]), 200,
            enc="identity")
        ask("HTTP: If-None-Match, the ETag in a list: 304",
            request(fields=["Accept-Encoding: identity",
                            'If-None-Match: "a", W/"b" ,' + SITE.etag_id]),
            304)
    if SITE.etag_gz:
        ask("HTTP: If-None-Match with the gzip ETag, gzip: 304",
            request(fields=["Accept-Encoding: gzip",
                            "If-None-Match: " + SITE.etag_gz]), 304,
            fields={"etag": SITE.etag_gz})
        ask("HTTP: If-None-Match with the gzip ETag, identity: 200",
            request(fields=["Accept-Encoding: identity",
                            "If-None-Match: " + SITE.etag_gz]), 200,
            enc="identity")


def final_cases(run, server_pid):
    if server_pid:
        try:
            os.kill(server_pid, 0)
            run.report("pagec-tun still running after the hostile cases", [])
        except OSError as e:
            run.report("pagec-tun still running after the hostile cases",
                       ["pid %d: %s" % (server_pid, e)])
    for what, args in (("curl", []),
                       ("curl --compressed", ["--compressed"])):
        try:
            out = subprocess.run(
                ["curl", "-sS", "--max-time", "5", "-o", "-"] + args +
                ["http://%s/index.html" % SERVER], capture_output=True,
                timeout=15)
            p = []
            if out.returncode != 0:
                p.append("curl exit %d: %s" % (
                    out.returncode, out.stderr.decode(errors="replace")
                    .strip()))
            elif not is_index(out.stdout):
                p.append("body of %d bytes differs from index.html (%d)"
                         % (len(out.stdout), SITE.index_len))
        except (OSError, subprocess.TimeoutExpired) as e:
            p = [str(e)]
        run.report("%s http://%s/index.html afterwards: byte-exact"
                   % (what, SERVER), p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dev", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--server-pid", type=int, default=0)
    args = ap.parse_args()

    if os.geteuid() != 0:
        skip("needs root")
    if not os.path.exists("/dev/net/tun"):
        skip("no /dev/net/tun")
    try:
        with open(os.path.join(args.site, "index.html"), "rb") as f:
            SITE.index = f.read()
        SITE.live = bool(livepage.fields(SITE.index))
        SITE.index_len = len(SITE.index) - sum(
            end - start - width
            for start, end, _, width in livepage.fields(SITE.index))
    except OSError as e:
        print("hostile.py: %s" % e, file=sys.stderr)
        return 2
    try:
        wire = Wire(args.dev)
    except OSError as e:
        print("hostile.py: AF_PACKET socket on %s: %s" % (args.dev, e),
              file=sys.stderr)
        return 1
    random.seed()
    run = Runner(wire)
    base = baseline(run)
    if base is None:
        print("# the baseline exchanges failed: the other cases need them")
    else:
        ipv4_cases(run)
        icmp_cases(run)
        tcp_cases(run, base)
        http_cases(run, base)
    final_cases(run, args.server_pid)
    print("%d passed, %d failed" % (run.passed, run.failed))
    return 0 if run.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
