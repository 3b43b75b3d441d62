#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""tests/hostile/hostile.py - hostile and malformed packets against pagec-tun.

Usage: hostile.py --dev TUN --site SITE_DIR [--server-pid PID]
                  [--site-c SITE_C]

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

A site with large replies (docs/large-pages.md) is checked against a
model of its own: SITE_C, the C file pagec generated for the site, gives
B and each large reply's index and length; from them and the client's
MSS class the model cuts each reply into segments, and says what a SYN
(the options of the SYN-ACK, the ISN's SACK bit), a request (which
segments, their seq, ack, flags and timestamps) and each kind of ACK
(on the grid, off it, with SACK blocks, timestamps, a FIN) must get. The
bytes of each segment must be the reply's, as a client of the site's MSS
gets it in one segment (its live fields aside). Without SITE_C the site
is taken to have no large replies.

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
import re
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
TS_SLACK = 5000         # ms a TSval's clock may be off ours (a busy host)
FLIGHT = 10             # segments a request draws (RFC 6928's window)

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


SACK_OK = b"\x04\x02"          # SACK-permitted (RFC 2018)


def ts_opt(tsval, tsecr=0):
    """NOP, NOP and the timestamps option (RFC 7323): 12 bytes."""
    return b"\x01\x01\x08\x0a" + struct.pack("!II", tsval & 0xFFFFFFFF,
                                              tsecr & 0xFFFFFFFF)


def sack_opt(blocks):
    """NOP, NOP and a SACK option (RFC 2018) of (left, right) blocks."""
    return b"\x01\x01" + struct.pack("!BB", 5, 2 + 8 * len(blocks)) + \
        b"".join(struct.pack("!II", a & 0xFFFFFFFF, b & 0xFFFFFFFF)
                 for a, b in blocks)


def parse_opts(opts):
    """The TCP options of opts as RFC 9293 section 3.1 reads them: a dict
    with mss, sack_ok, ts ((TSval, TSecr)) and sack (a list of (left,
    right)) when present with their right lengths. The list ends at an
    EOL, and at an option whose length is below 2 or runs past the end:
    what came before it counts, nothing after it; an option of a known
    kind with a wrong length is skipped whole."""
    o = {"mss": None, "sack_ok": False, "ts": None, "sack": None}
    i = 0
    while i < len(opts) and opts[i] != 0:
        if opts[i] == 1:
            i += 1
            continue
        if i + 1 >= len(opts):
            break
        kind, n = opts[i], opts[i + 1]
        if n < 2 or i + n > len(opts):
            break
        body = opts[i + 2:i + n]
        if kind == 2 and n == 4:
            o["mss"] = be16(body, 0)
        elif kind == 4 and n == 2:
            o["sack_ok"] = True
        elif kind == 8 and n == 10:
            o["ts"] = (be32(body, 0), be32(body, 4))
        elif kind == 5 and n >= 10 and (n - 2) % 8 == 0:
            o["sack"] = [(be32(body, k), be32(body, k + 4))
                         for k in range(0, n - 2, 8)]
        i += n
    return o


def tcp_opts_of(pkt):
    """The option bytes of the TCP header of the datagram pkt."""
    h = ihl(pkt)
    return bytes(pkt[h + 20:h + (pkt[h + 12] >> 4) * 4])


def now_ms():
    """CLOCK_MONOTONIC in milliseconds, the clock pagec-tun gives the
    runtime for timestamps: the same in every network namespace."""
    return int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1000) & 0xFFFFFFFF


def check_ts_clock(tsval, what):
    """TSval's top 22 bits are pagec-tun's clock in ms (mod 2^22): it must
    be within TS_SLACK ms of ours."""
    d = ((tsval >> 10) - now_ms()) & 0x3FFFFF
    d = d - 0x400000 if d >= 0x200000 else d
    if abs(d) > TS_SLACK:
        return ["%s TSval 0x%08x: %+d ms from the clock" % (what, tsval, d)]
    return []


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
    block = 0            # B of the large replies' grid (0: none)
    large = {}           # (path, encoding): (v, length) of a large reply
    ref = {}             # (path, encoding): (TCP data, set of offsets of
    #                      live fields) of the 200 reply in one segment
    files = {}           # path: the bytes of the site's file
    dir = ""             # the site's folder


SITE = Site()


def read_site_c(path):
    """The large replies of the site as the generated C file declares
    them (pagec/site.h): B (.block of the site) and, for large reply k of
    pagec_large[], its index v = k + 1 and length, with the page and the
    encoding its comment names. Returns a list of problems."""
    try:
        with open(path, encoding="latin-1") as f:
            text = f.read()
    except OSError as e:
        return ["site C file: %s" % e]
    m = re.search(r"\.block = (\d+),", text)
    SITE.block = int(m.group(1)) if m else 0
    arr = re.search(r"struct pagec_large pagec_large\[\] = \{(.*?)\n\};",
                    text, re.S)
    if arr is None:
        return [] if SITE.block == 0 else \
            ["site C file: .block = %d without pagec_large[]" % SITE.block]
    p = []
    for m in re.finditer(r"\[(\d+)\] = \{[^}]*?\.len = (\d+),[^}]*\}, "
                         r"/\* (\S+), (identity|gzip), v = (\d+) \*/",
                         arr.group(1)):
        k, n, page, enc, v = (int(m.group(1)), int(m.group(2)), m.group(3),
                              m.group(4), int(m.group(5)))
        if v != k + 1:
            p.append("site C file: large reply [%d] says v = %d" % (k, v))
        SITE.large[(page, enc)] = (k + 1, n)
    if not SITE.large:
        p.append("site C file: no large reply read from pagec_large[]")
    if SITE.block & (SITE.block - 1) or not 64 <= SITE.block <= 512 or \
            SITE.block < 2 * (len(SITE.large) + 1):
        p.append("site C file: B = %d for %d large replies" % (
            SITE.block, len(SITE.large)))
    return p


def is_index(body):
    """body is index.html as the server sends it, its live fields filled."""
    return livepage.match(SITE.index, body, "index.html")[0]


def is_page(body, page):
    """body is the site's file page (a path) as the server sends it."""
    if page == "/index.html":
        return is_index(body)
    return livepage.match(SITE.files[page], body, page)[0]


def check_http(s, status, enc=None, head=False, fields=None, body=True,
               page="/index.html"):
    """Problems of the HTTP reply in s: status, encoding of page (enc
    "identity"/"gzip": the body must be the file), HEAD (no body)."""
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
            if not is_page(got, page):
                p.append("body is not %s (%d bytes)" % (page, len(got)))
        if head and status == 200 and cl is not None and \
                page == "/index.html":
            want = SITE.p_gz_body if enc == "gzip" else SITE.index_len
            if want is not None and cl != str(want):
                p.append("HEAD Content-Length %s (want %s)" % (cl, want))
    return p


def synack_opts(s, syn):
    """Problems of the options of the SYN-ACK s to the datagram syn. On
    the HTTP port of a site with large replies a SYN that offers
    SACK-permitted or timestamps gets them back: MSS, then SACK-permitted
    when offered, then timestamps (TSecr the SYN's TSval) when offered,
    NOPs only to pad to a multiple of 4, never window scale; every other
    SYN gets one MSS option, the 44-byte SYN-ACK of old."""
    got = parse_opts(tcp_opts_of(syn))
    sh = ihl(syn)
    large = SITE.block and be16(syn, sh + 2) == HTTP_PORT and \
        (got["sack_ok"] or got["ts"] is not None)
    if not large:
        want = [2]
    else:
        want = [2] + [4] * got["sack_ok"] + [8] * (got["ts"] is not None)
    p = []
    kinds, i, nops, o = [], 0, 0, s.opts
    while i < len(o):
        if o[i] == 1:
            nops += 1
            i += 1
            continue
        if o[i] == 0 or i + 1 >= len(o) or o[i + 1] < 2 or \
                i + o[i + 1] > len(o):
            p.append("options %s: malformed at byte %d" % (o.hex(), i))
            return p
        kinds.append(o[i])
        n = o[i + 1]
        if o[i] == 2:
            if n != 4:
                p.append("MSS option of length %d" % n)
            elif not 128 <= be16(o, i + 2) <= 65495:
                p.append("MSS %d" % be16(o, i + 2))
            elif SITE.mss and be16(o, i + 2) != SITE.mss:
                p.append("MSS %d, %d before" % (be16(o, i + 2), SITE.mss))
        elif o[i] == 4 and n != 2:
            p.append("SACK-permitted of length %d" % n)
        elif o[i] == 8:
            if n != 10:
                p.append("timestamps option of length %d" % n)
            else:
                tsval, tsecr = be32(o, i + 2), be32(o, i + 6)
                if tsecr != got["ts"][0]:
                    p.append("TSecr 0x%08x (want the SYN's TSval 0x%08x)"
                             % (tsecr, got["ts"][0]))
                if tsval & 0x3FF:
                    p.append("TSval 0x%08x: index bits 0x%03x (want 0)"
                             % (tsval, tsval & 0x3FF))
                p += check_ts_clock(tsval, "SYN-ACK")
        i += n
    if kinds != want:
        p.append("options %s: kinds %s (want %s)" % (
            o.hex(), kinds, want))
    elif not large and len(o) != 4:
        p.append("options %s (want one MSS option)" % o.hex())
    elif len(o) % 4 or nops > 3:
        p.append("options %s: %d bytes, %d NOPs (want padding to a "
                 "multiple of 4 only)" % (o.hex(), len(o), nops))
    return p


def check_seg_ts(s, index, tsecr):
    """Problems of the options of s, which must be NOP, NOP, timestamps:
    TSval the clock in ms << 10 | index, TSecr tsecr."""
    if len(s.opts) != 12 or s.opts[:4] != b"\x01\x01\x08\x0a":
        return ["options %s (want NOP, NOP, timestamps)" % s.opts.hex()]
    tsval, ecr = be32(s.opts, 4), be32(s.opts, 8)
    p = check_ts_clock(tsval, "segment")
    if tsval & 0x3FF != index & 0x3FF:
        p.append("TSval 0x%08x: index %d (want %d)" % (
            tsval, tsval & 0x3FF, index))
    if ecr != tsecr & 0xFFFFFFFF:
        p.append("TSecr 0x%08x (want 0x%08x)" % (ecr, tsecr))
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
            mss=False, extra=None, pre=(), ts=None):
        """The server must answer pkt (sent after pre) with exactly one TCP
        segment with these flags, seq and ack (None: not checked), no data
        unless data says so (a callable giving problems), the options of
        a SYN-ACK to the SYN pkt when mss (synack_opts()), else the
        timestamps option of a pure ACK echoing ts when ts is not None,
        else none. Returns the Seg or None."""
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
                p += synack_opts(s, pkt)
            elif ts is not None:
                p += check_seg_ts(s, 1023, ts) # a pure ACK: the top index
            elif s.opts:
                p.append("options %s (want none)" % s.opts.hex())
            if data is None:
                if s.data:
                    p.append("%d bytes of data (want none)" % len(s.data))
            else:
                p += data(s)
            if SITE.block and len(s.data) % 2:
                p.append("%d bytes of TCP data: odd in a site with large "
                         "replies" % len(s.data))
            if extra:
                p += extra(s)
        self.report(name, p, list(pre) + [pkt], replies)
        return s if not p else None

    def segs(self, name, pkt, conn, key, idxs, ack, tsecr=None, pre=()):
        """The server must answer pkt (sent after pre) with the segments
        idxs of the large reply key ((path, encoding)) on conn, as
        seg_bounds() cuts it for conn's MSS class, in that order: each
        with the bytes of the reply there, seq = ISN + 1 + its offset, the
        given ack, ACK alone but FIN|PSH|ACK on the reply's last segment,
        and the timestamps option (TSval's index: the segment's + 1; TSecr
        tsecr) when tsecr is not None, else none. Returns the Segs, or
        None after a failure."""
        replies, p = self.send(list(pre) + [pkt])
        v, n = SITE.large[key]
        b = seg_bounds(v, n, conn.lim)
        ref, live = SITE.ref.get(key, (None, ()))
        if ref is None:
            p.append("no one-segment reply of %s %s learned" % key)
        if len(replies) != len(idxs):
            p.append("%d replies, want %d (segments %s of %d)" % (
                len(replies), len(idxs), idxs, len(b) - 1))
        got = []
        for k, (r, i) in enumerate(zip(replies, idxs)):
            s, q = check_tcp(r, pkt)
            p += ["segment %d: %s" % (i, x) for x in q]
            if s is None:
                continue
            got.append(s)
            q = []
            start, end = b[i], b[i + 1]
            flags = FIN | PSH | ACK if end == n else PSH | ACK
            if s.flags != flags:
                q.append("flags %s (want %s)" % (flag_str(s.flags),
                                                 flag_str(flags)))
            if s.seq != (conn.isn + 1 + start) & 0xFFFFFFFF:
                q.append("seq ISN + 1 + %d (want + %d)" % (
                    (s.seq - conn.isn - 1) & 0xFFFFFFFF, start))
            if s.ack != ack & 0xFFFFFFFF:
                q.append("ack %d (want %d)" % (s.ack, ack & 0xFFFFFFFF))
            if tsecr is not None:
                q += check_seg_ts(s, i + 1, tsecr)
            elif s.opts:
                q.append("options %s (want none)" % s.opts.hex())
            if len(s.data) != end - start:
                q.append("%d bytes of data (want %d, [%d, %d) of %d)" % (
                    len(s.data), end - start, start, end, n))
            elif ref is not None:
                bad = [j for j in range(start, end)
                       if j not in live and s.data[j - start] != ref[j]]
                if bad:
                    q.append("data differs from the reply's bytes [%d, %d)"
                             " at offset %d" % (start, end, bad[0]))
            if len(s.data) % 2:
                q.append("%d bytes of TCP data: odd" % len(s.data))
            p += ["segment %d: %s" % (i, x) for x in q]
        self.report(name, p, list(pre) + [pkt], replies)
        return got if not p else None

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

    def connect(self, name, opts=None, sport=None, mss=0, **kw):
        """A SYN (MSS 65495 unless opts) and its SYN-ACK checked as a case
        named name. Returns its Conn or None; mss, when not 0, is the MSS
        the server reads from opts (None: none)."""
        sport = sport or self.next_port()
        pkt = self.syn(sport, opts, **kw)
        seq = be32(pkt, ihl(pkt) + 4)
        s = self.tcp(name, pkt, SYN | ACK, ack=seq + 1, mss=True)
        if s is None:
            return None
        c = Conn(sport, seq + 1, s.seq, tcp_opts_of(pkt), mss)
        ts = parse_opts(s.opts)["ts"]
        c.peer_ts = ts[0] if ts else 0
        return c


class Conn:
    """A connection of the client's: its port, its sequence number after
    the SYN, our ISN, and what its SYN offered: the MSS (its class bounds
    what it is sent), SACK-permitted, timestamps (its TSval). Unpacks as
    (sport, cseq, isn)."""

    def __init__(self, sport, cseq, isn, syn_opts, mss=0):
        o = parse_opts(syn_opts)
        self.sport, self.cseq, self.isn = sport, cseq & 0xFFFFFFFF, isn
        self.mss = o["mss"] if mss == 0 else mss
        self.sack = o["sack_ok"]
        self.ts = o["ts"] is not None
        self.tsval = o["ts"][0] if o["ts"] else 0
        self.peer_ts = 0     # the TSval of our SYN-ACK
        self.req = b""       # the request fit_case() sent last

    def __iter__(self):
        return iter((self.sport, self.cseq, self.isn))

    @property
    def lim(self):
        return mss_class_limit(self.mss)

    def pkt(self, off, seq=0, flags=ACK, **kw):
        """A segment of the client's acknowledging offset off of our
        sequence space (ISN + 1 + off), at seq past its SYN."""
        return tcp_pkt(self.sport, seq=self.cseq + seq,
                       ack=self.isn + 1 + off, flags=flags, **kw)


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


def seg_bounds(v, n, lim):
    """Where large reply v of n bytes is cut for a client of MSS class
    lim (docs/large-pages.md, "Layout of a large reply"): S = floor((lim
    - 12) / B) * B, the first segment L0 = S - ((S - 2v) mod B) bytes,
    then segments of S, the last one the rest. The offsets 0, L0, L0 + S,
    ..., n."""
    size = (lim - 12) // SITE.block * SITE.block
    b, x = [0], size - (size - 2 * v) % SITE.block
    while x < n:
        b.append(x)
        x += size
    return b + [n]


def reply_size(page, enc):
    """The TCP data of page's 200 reply in encoding enc, or None when it
    has no such encoding."""
    r = SITE.ref.get((page, enc))
    return len(r[0]) if r else None


def expect_get(conn, page, ae, win, ts):
    """The reply to GET page with Accept-Encoding ae ("identity", "gzip"
    or None), window win, a timestamps option when ts, on conn:
    ("one", encoding), ("segs", encoding, [segment indices]), ("503",)
    or ("none",). What fits is the client's MSS class and its window
    (RFC 9293 section 3.7.1); the runtime prefers one encoding and takes
    the other when only that one fits; a 200 too big that has a large
    reply goes in segments: the first FLIGHT when the client offered
    SACK, else the first one (stop and wait), and none that ends
    beyond the window; else the 503, if even that fits."""
    limit = min(conn.lim, win)
    if ae == "identity":
        order = ["identity"]
    elif ae == "gzip":
        order = ["gzip", "identity"]
    else:
        order = ["identity", "gzip"]
    order = [e for e in order if reply_size(page, e) is not None][:2]
    fits = [e for e in order if reply_size(page, e) <= limit]
    if fits:
        return ("one", fits[0])
    enc = order[0]
    if (page, enc) in SITE.large:
        v, n = SITE.large[(page, enc)]
        b = seg_bounds(v, n, conn.lim)
        w = FLIGHT if conn.sack else 1
        idxs = []
        for i in range(min(w, len(b) - 1)):
            if b[i + 1] > win:
                break
            idxs.append(i)
        if idxs:
            return ("segs", enc, idxs)
    if SITE.p_503 is not None and SITE.p_503 > limit:
        return ("none",)
    return ("503",)


def fit_case(run, name, conn, ae, win=65535, page="/index.html", ts=None):
    """GET page on conn with Accept-Encoding ae and window win (a
    timestamps option with TSval ts when conn uses them, ts None: the
    SYN's + 1): the reply must be what expect_get says, and no larger
    than the client's MSS class and window."""
    sport, cseq, isn = conn
    fields = ["Accept-Encoding: " + ae] if ae else []
    req = request(page, fields=fields)
    if conn.ts and ts is None:
        ts = conn.tsval + 1
    opts = ts_opt(ts, conn.peer_ts) if conn.ts else b""
    pkt = tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK, win=win,
                  opts=opts, data=req)
    e = expect_get(conn, page, ae, win, conn.ts)
    limit = min(conn.lim, win)
    conn.req = req
    if e[0] == "none":
        return run.none(name + ": no reply (not even the 503 fits in %d)"
                        % limit, pkt)
    if e[0] == "segs":
        _, enc, idxs = e
        v, n = SITE.large[(page, enc)]
        b = seg_bounds(v, n, conn.lim)
        got = run.segs("%s: 200 %s in segments %s of %s (%d bytes fit)" % (
            name, enc, idxs, b, limit), pkt, conn, (page, enc), idxs,
            # the answer to the request acknowledges none of it (a lost
            # first segment: the client sends it all again)
            cseq, ts if conn.ts else None)
        if got and len(idxs) == len(b) - 1:
            whole = Seg.__new__(Seg)
            whole.data = b"".join(x.data for x in got)
            run.report("%s: the segments make the 200 %s" % (name, enc),
                       check_http(whole, 200, enc=enc, page=page))
        return got
    status, enc = (200, e[1]) if e[0] == "one" else (503, None)

    def body(s):
        p = check_http(s, status, enc=enc, page=page)
        if len(s.data) > limit:
            p.append("%d bytes of TCP data, more than the %d the client "
                     "can take" % (len(s.data), limit))
        if status == 503 and SITE.p_503 is None and not p:
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
    SITE.ref[("/index.html", "identity")] = (s.data, live_offsets(
        s.data, SITE.index))

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
    if SITE.p_gz is not None:
        SITE.ref[("/index.html", "gzip")] = (s.data, ())

    # the other large replies, in one segment each at this MSS: what
    # their segments must hold (one longer than a segment at this MSS is
    # left to the tests of large replies, e2e_large and loss_large)
    for page, enc in sorted(SITE.large):
        if (page, enc) in SITE.ref:
            continue
        if SITE.large[(page, enc)][1] > SITE.mss:
            print("# %s (%s): %d bytes, more than a segment at MSS %d: not "
                  "fetched here" % (page, enc, SITE.large[(page, enc)][1],
                                    SITE.mss))
            continue
        try:
            with open(os.path.join(SITE.dir, page.lstrip("/")), "rb") as f:
                SITE.files[page] = f.read()
        except OSError as e:
            run.report("the site's %s" % page, [str(e)])
            continue
        req = request(page, fields=["Accept-Encoding: " + enc])
        pkt = tcp_pkt(sport, seq=cseq, ack=isn + 1, flags=PSH | ACK,
                      data=req)
        s = run.tcp("GET %s (%s) at MSS %d: 200 in one segment" % (
            page, enc, SITE.mss), pkt, FIN | PSH | ACK, seq=isn + 1,
            ack=cseq + len(req),
            data=lambda s: check_http(s, 200, enc=enc, page=page))
        if s is not None:
            SITE.ref[(page, enc)] = (s.data, live_offsets(
                s.data, SITE.files[page]) if enc == "identity" else ())
    for key, (v, n) in sorted(SITE.large.items()):
        if key in SITE.ref and len(SITE.ref[key][0]) != n:
            run.report("large reply %d (%s %s): %d bytes as the site C "
                       "file says" % ((v,) + key + (n,)),
                       ["%d bytes in one segment" % len(SITE.ref[key][0])])

    # the 503 reply, when the window takes no segment of the reply
    fit_case(run, "TCP window: one byte short of the identity reply", conn,
             "identity", win=SITE.p_id - 1)
    return conn


def live_offsets(data, page):
    """The offsets in the TCP data of a 200 reply of the file page (its
    bytes) that its live fields take: any bytes may be there."""
    at = data.find(b"\r\n\r\n") + 4
    out, removed = set(), 0
    for start, end, name, width in livepage.fields(page):
        if name is not None:
            pos = at + start - removed
            out.update(range(pos, pos + width))
        removed += end - start - width
    return out


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
        # what the large replies read: SACK-permitted and timestamps
        ("MSS 536, SACK-permitted, timestamps",
         mss_opt(536) + SACK_OK + b"\x08\x0a" + os.urandom(4) + bytes(4),
         536),
        ("MSS 536, SACK-permitted", mss_opt(536) + nop * 2 + SACK_OK, 536),
        ("MSS 536, timestamps", mss_opt(536) + ts_opt(
            random.randrange(1 << 32)), 536),
        ("timestamps, then MSS 536 (no padding)",
         b"\x08\x0a" + os.urandom(8) + mss_opt(536) + nop * 2, 536),
        ("MSS 536, window scale alone", mss_opt(536) + b"\x01\x03\x03\x07",
         536),
        ("MSS 536, SACK-permitted of length 3 (ignored)",
         mss_opt(536) + b"\x04\x03\x00" + nop, 536),
        ("MSS 536, timestamps of length 9 (ignored)",
         mss_opt(536) + b"\x08\x09" + os.urandom(7) + nop * 3, 536),
        ("MSS 536, timestamps of length 11 (ignored)",
         mss_opt(536) + b"\x08\x0b" + os.urandom(9) + nop, 536),
        ("MSS 536, timestamps running past the header",
         mss_opt(536) + nop * 2 + b"\x08\x0a", 536),
        ("MSS 536, SACK-permitted after an EOL",
         mss_opt(536) + b"\x00\x00" + SACK_OK, 536),
        ("MSS 536, SACK-permitted after an option of length 0",
         mss_opt(536) + b"\x63\x00" + SACK_OK, 536),
        ("MSS 536, timestamps, then an option running past the header",
         mss_opt(536) + ts_opt(7)[2:] + b"\xfe\x10", 536),
    ]
    # a client whose MSS is below 536 is refused: RST,ACK to its SYN
    for m in (0, 100, 535):
        pkt = run.syn(run.next_port(), mss_opt(m))
        run.tcp("TCP options: MSS %d: refused, <SEQ=0><ACK=SEG.SEQ+1>"
                "<CTL=RST,ACK>" % m, pkt, RST | ACK, seq=0,
                ack=(be32(pkt, ihl(pkt) + 4) + 1) & 0xFFFFFFFF)
    for what, opts, m in cases:
        conn = run.connect("TCP options: %s: SYN-ACK" % what, opts=opts,
                           mss=m)
        if conn is None:
            continue
        fit_case(run, "TCP options: %s: GET, identity" % what, conn,
                 "identity")
        if SITE.p_gz is not None:
            fit_case(run, "TCP options: %s: GET, gzip" % what, conn, "gzip")
        for page, enc in sorted(SITE.large):
            if (page != "/index.html" and (page, enc) in SITE.ref and
                    conn.lim < reply_size(page, enc)):
                fit_case(run, "TCP options: %s: GET %s, %s" % (
                    what, page, enc), conn, enc, page=page)

    # --- the client's window bounds the reply too
    if SITE.p_gz is not None:
        fit_case(run, "TCP window: exactly the gzip reply", base, "gzip",
                 win=SITE.p_gz)
        fit_case(run, "TCP window: one byte short of the gzip reply", base,
                 "gzip", win=SITE.p_gz - 1)
        fit_case(run, "TCP window: one byte short of the identity reply, "
                 "no Accept-Encoding", base, None, win=SITE.p_id - 1)
    fit_case(run, "TCP window: exactly the identity reply", base,
             "identity", win=SITE.p_id)
    fit_case(run, "TCP window: 0", base, "identity", win=0)

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


def isn_cases(run):
    """The ISN of a SYN that offers SACK-permitted is the one it gets
    without, bit 27 flipped; timestamps change nothing. Four SYNs of one
    port and sequence number, in one ISN slot and MSS class."""
    if not SITE.block:
        return
    avoid_slot_edge()
    sport, seq = run.next_port(), random.randrange(1 << 32)
    isns = {}
    for what, opts in (("", mss_opt(536)),
                       ("SACK-permitted", mss_opt(536) + b"\x01\x01" +
                        SACK_OK),
                       ("timestamps", mss_opt(536) + ts_opt(1)),
                       ("SACK-permitted, timestamps",
                        mss_opt(536) + SACK_OK + ts_opt(2)[2:])):
        s = run.tcp("ISN: SYN with MSS 536%s: SYN-ACK" % (
            ", " + what if what else ""), run.syn(sport, opts, seq=seq),
            SYN | ACK, ack=seq + 1, mss=True)
        if s is None:
            return
        isns[what] = s.seq
    p = []
    base = isns[""]
    for what, flip in (("SACK-permitted", True), ("timestamps", False),
                       ("SACK-permitted, timestamps", True)):
        want = base ^ (1 << 27) if flip else base
        if isns[what] != want:
            p.append("with %s 0x%08x, without 0x%08x (want 0x%08x)" % (
                what, isns[what], base, want))
    run.report("ISN: SACK-permitted flips bit 27, timestamps change "
               "nothing", p)


def large_cases(run):
    """The ACKs of a large reply, on clients of MSS 536: with neither
    SACK nor timestamps (stop and wait), with both, with timestamps
    alone, with SACK alone; and the hostile ones: SACK blocks off the
    grid, options of wrong lengths, 5 SACK blocks, a D-SACK."""
    key = ("/index.html", "identity")
    if key not in SITE.large:
        if not SITE.large:
            return
        key = sorted(SITE.large)[0]
    page, enc = key
    v, n = SITE.large[key]
    b = seg_bounds(v, n, mss_class_limit(536))
    if len(b) < 3:
        run.report("large replies: %s %s in segments at MSS 536" % key,
                   ["cut as %s: one segment" % b])
        return
    L = b[1]                      # the end of segment 0
    top = max([x for _, x in SITE.large.values()] + [SITE.p_id])
    def old():
        """A TSecr of segment 0's, sent 5 s ago."""
        return (((now_ms() - 5000) << 10) | 1) & 0xFFFFFFFF

    def fresh():
        """A TSecr of segment 0's, sent 1 ms ago."""
        return (((now_ms() - 1) << 10) | 1) & 0xFFFFFFFF

    tag = "large %s %s, cut at %s" % (page, enc, b[1:-1])

    def start(what, opts, win=65535):
        # the client's sequence numbers stay above the site's window in
        # their low 16 bits: the server then tries no carry from them
        # into our ISN, whose other guess could put an ACK near a reply
        # (silence where an RST is wanted)
        conn = run.connect("%s: MSS 536%s: SYN-ACK" % (tag, what), opts,
                           seq=random.randrange(1 << 16) << 16 | 0xC000)
        if conn is None:
            return None
        got = fit_case(run, "%s: MSS 536%s: GET" % (tag, what), conn, enc,
                       win=win, page=page)
        return conn if got else None

    # --- neither SACK nor timestamps: one segment per ACK
    c = start("", mss_opt(536))
    if c is not None:
        rq, ack = len(c.req), c.cseq + len(c.req) - 1
        sp = "%s: stop and wait:" % tag
        run.segs("%s pure ACK at %d: segment 1" % (sp, L),
                 c.pkt(L, seq=rq), c, key, [1], ack)
        run.segs("%s the request's last byte again (a poke) at %d: "
                 "segment 1" % (sp, L),
                 c.pkt(L, seq=rq - 1, flags=PSH | ACK, data=c.req[-1:]), c,
                 key, [1], ack)
        run.none("%s pure ACK at %d, off the grid: no answer" % (sp, L + 2),
                 c.pkt(L + 2, seq=rq))
        run.none("%s pure ACK at 2v = %d, on the grid but no segment's end:"
                 " no answer" % (sp, 2 * v), c.pkt(2 * v, seq=rq))
        run.none("%s pure ACK at the reply's end %d, short of our FIN: no "
                 "answer" % (sp, n), c.pkt(n, seq=rq))
        run.none("%s FIN at %d, off the grid: no answer" % (sp, L + 2),
                 c.pkt(L + 2, seq=rq, flags=FIN | ACK))
        run.tcp("%s ACK at %d, beyond every reply and FIN: RST <SEQ=SEG.ACK>"
                % (sp, top + 2), c.pkt(top + 2, seq=rq), RST,
                seq=c.isn + 1 + top + 2)
        run.tcp("%s FIN at %d (a segment's end): a pure ACK of it" % (sp, L),
                c.pkt(L, seq=rq, flags=FIN | ACK), ACK, seq=c.isn + 1 + L,
                ack=c.cseq + rq + 1)
        run.none("%s pure ACK of our FIN (%d): nothing (the client may "
                 "have closed; its FIN gets the ACK)" % (sp, n + 1),
                 c.pkt(n + 1, seq=rq))
        run.tcp("%s FIN with the ACK of our FIN: ACK of it" % sp,
                c.pkt(n + 1, seq=rq, flags=FIN | ACK), ACK,
                seq=c.isn + 1 + n + 1, ack=c.cseq + rq + 1)

    # --- SACK and timestamps; the window takes segment 0 alone
    c = start(", SACK-permitted, timestamps, window %d" % L,
              mss_opt(536) + SACK_OK + ts_opt(random.randrange(1 << 32))[2:],
              win=L)
    if c is not None:
        rq, ack = len(c.req), c.cseq + len(c.req) - 1
        sp = "%s: SACK and timestamps:" % tag
        tsv = (c.tsval + 100) & 0xFFFFFFFF

        def ts(ecr):
            return ts_opt(tsv, ecr)

        def edge(o):
            return c.isn + 1 + o

        fit_case(run, "%s GET with window %d" % (sp, L - 1), c, enc,
                 win=L - 1, page=page)
        run.none("%s pure ACK at %d, TSecr 1 ms old: nothing (it covers "
                 "one segment: the one after the flight of %d, were the "
                 "window open, not segment 1)" % (sp, L, FLIGHT),
                 c.pkt(L, seq=rq, opts=ts(fresh())))
        run.segs("%s pure ACK at %d, TSecr 5 s old (a stall): segment 1" %
                 (sp, L), c.pkt(L, seq=rq, opts=ts(old())), c, key, [1],
                 ack, tsecr=tsv)
        run.none("%s pure ACK at %d, TSecr 5 s old, window %d: segment 1 "
                 "does not fit, no answer" % (sp, L, n - L - 1),
                 c.pkt(L, seq=rq, opts=ts(old()), win=n - L - 1))
        run.segs("%s pure ACK at %d, TSecr 5 s old, window %d: segment 1" %
                 (sp, L, n - L), c.pkt(L, seq=rq, opts=ts(old()),
                                       win=n - L), c, key, [1], ack,
                 tsecr=tsv)
        run.none("%s poke at %d, TSecr 1 ms old: nothing (spurious)" %
                 (sp, L), c.pkt(L, seq=rq - 1, flags=PSH | ACK,
                                opts=ts(fresh()), data=c.req[-1:]))
        run.segs("%s poke at %d, TSecr 5 s old: segment 1" % (sp, L),
                 c.pkt(L, seq=rq - 1, flags=PSH | ACK, opts=ts(old()),
                       data=c.req[-1:]), c, key, [1], ack, tsecr=tsv)
        run.segs("%s ACK at 0 with a SACK block of segment 1 (segment 0 "
                 "lost): segment 0" % sp,
                 c.pkt(0, seq=rq, opts=ts(fresh()) +
                       sack_opt([(edge(L), edge(n + 1))])),
                 c, key, [0], ack, tsecr=tsv)
        run.segs("%s the same without timestamps: segment 0 without them"
                 % sp, c.pkt(0, seq=rq, opts=sack_opt([(edge(L),
                                                       edge(n + 1))])),
                 c, key, [0], ack)
        run.none("%s ACK at 0, a SACK block off the grid [%d, %d): no "
                 "answer" % (sp, L + 2, n + 1),
                 c.pkt(0, seq=rq, opts=ts(fresh()) +
                       sack_opt([(edge(L + 2), edge(n + 1))])))
        run.none("%s ACK at %d, a SACK block [%d, %d) ending off the grid: "
                 "no answer" % (sp, L, L, L + 64),
                 c.pkt(L, seq=rq, opts=ts(old()) +
                       sack_opt([(edge(L), edge(L + 64))])))
        run.none("%s ACK at %d, a second SACK block off the grid: no answer"
                 % (sp, L), c.pkt(L, seq=rq, opts=ts(old()) + sack_opt(
                     [(edge(L), edge(n + 1)), (edge(2), edge(L))])))
        run.none("%s ACK at %d with a D-SACK block [0, %d) (below the ACK):"
                 " no answer" % (sp, L, L),
                 c.pkt(L, seq=rq, opts=ts(old()) +
                       sack_opt([(edge(0), edge(L))])))
        run.none("%s poke at %d with a D-SACK block [0, %d): no answer (a "
                 "poke with SACK blocks and nothing missing would draw "
                 "segment 1)" % (sp, L, L),
                 c.pkt(L, seq=rq - 1, flags=PSH | ACK, opts=ts(old()) +
                       sack_opt([(edge(0), edge(L))]), data=c.req[-1:]))
        run.none("%s poke at %d with a SACK block [%d, %d): nothing "
                 "missing, nothing after it: no answer" % (sp, L, L, n + 1),
                 c.pkt(L, seq=rq - 1, flags=PSH | ACK, opts=ts(old()) +
                       sack_opt([(edge(L), edge(n + 1))]), data=c.req[-1:]))
        run.none("%s ACK at %d with a D-SACK block inside the second: no "
                 "answer" % (sp, L),
                 c.pkt(L, seq=rq, opts=ts(old()) + sack_opt(
                     [(edge(L), edge(n + 1)), (edge(L), edge(n + 1))])))
        blk = struct.pack("!II", edge(L) & 0xFFFFFFFF,
                          edge(n + 1) & 0xFFFFFFFF)
        run.none("%s ACK at 0, a SACK option of length 11 (a block of "
                 "segment 1 and a byte): ignored, no answer" % sp,
                 c.pkt(0, seq=rq, opts=ts(fresh()) + b"\x05\x0b" + blk +
                       b"\x00\x01"))
        run.none("%s ACK at 0, a SACK option of length 2 (no block): "
                 "ignored, no answer" % sp,
                 c.pkt(0, seq=rq, opts=ts(fresh()) + b"\x01\x01\x05\x02"))
        run.none("%s ACK at 0, a SACK option of length 10 past the header: "
                 "no answer" % sp,
                 c.pkt(0, seq=rq, opts=ts(fresh()) + b"\x01\x01\x05\x0a"))
        # blocks after the first: empty, at our FIN (on the grid, and
        # holding no other block: no D-SACK)
        four = blk + struct.pack("!II", edge(n + 1) & 0xFFFFFFFF,
                                 edge(n + 1) & 0xFFFFFFFF) * 3
        run.segs("%s ACK at 0, 4 SACK blocks (length 34), the first of "
                 "segment 1: segment 0" % sp,
                 c.pkt(0, seq=rq, opts=b"\x01\x01\x05\x22" + four),
                 c, key, [0], ack)
        run.none("%s ACK at 0, 5 SACK blocks (length 42, past the 40 bytes "
                 "of options), the first of segment 1: ignored, no answer"
                 % sp, c.pkt(0, seq=rq, opts=b"\x01\x01\x05\x2a" + four +
                             blk[:4]))
        run.none("%s poke at 0 with 5 SACK blocks (length 42, into the "
                 "data): ignored, no answer" % sp,
                 c.pkt(0, seq=rq - 1, flags=PSH | ACK,
                       opts=b"\x01\x01\x05\x2a" + four + blk[:4],
                       data=c.req[-1:]))
        # a SACK client's ACK is taken to cover two segments, and near the
        # end draws the last two: here segment 1, the last
        run.segs("%s ACK at %d, a timestamps option of length 11 (TSecr 5 s "
                 "old): ignored; a SACK client's ACK near the end: the last "
                 "segment" % (sp, L), c.pkt(L, seq=rq, opts=b"\x08\x0b" +
                                            struct.pack("!II", tsv, old()) +
                                            b"\x00\x01"), c, key, [1],
                 c.cseq + len(c.req) - 1)
        run.segs("%s ACK at %d, a timestamps option of length 9: ignored; the "
                 "last segment" % (sp, L), c.pkt(L, seq=rq, opts=b"\x08\x09" +
                                                struct.pack("!II", tsv,
                                                            old())[:7] +
                                                b"\x01\x01\x01"), c, key,
                 [1], c.cseq + len(c.req) - 1)
        run.tcp("%s FIN at %d: a pure ACK of it, with timestamps" % (sp, L),
                c.pkt(L, seq=rq, flags=FIN | ACK, opts=ts(fresh())), ACK,
                seq=c.isn + 1 + L, ack=c.cseq + rq + 1, ts=tsv)
        run.tcp("%s FIN at %d with a D-SACK block: a pure ACK of it" %
                (sp, L), c.pkt(L, seq=rq, flags=FIN | ACK, opts=ts(fresh()) +
                               sack_opt([(edge(0), edge(L))])), ACK,
                seq=c.isn + 1 + L, ack=c.cseq + rq + 1, ts=tsv)
        run.none("%s pure ACK of our FIN: nothing (its FIN gets the ACK)"
                 % sp, c.pkt(n + 1, seq=rq, opts=ts(fresh())))

    # --- timestamps alone
    c = start(", timestamps, window %d" % L,
              mss_opt(536) + ts_opt(random.randrange(1 << 32)), win=L)
    if c is not None:
        rq, ack = len(c.req), c.cseq + len(c.req) - 1
        sp = "%s: timestamps alone:" % tag
        tsv = (c.tsval + 100) & 0xFFFFFFFF
        run.segs("%s pure ACK at %d, TSecr 5 s old: segment 1" % (sp, L),
                 c.pkt(L, seq=rq, opts=ts_opt(tsv, old())), c, key, [1], ack,
                 tsecr=tsv)
        run.segs("%s pure ACK at %d, a timestamps option of length 11 "
                 "(TSecr 1 ms old): ignored: stop and wait, segment 1 "
                 "without timestamps" % (sp, L),
                 c.pkt(L, seq=rq, opts=b"\x08\x0b" + struct.pack(
                     "!II", tsv, fresh()) + b"\x00\x01"), c, key, [1], ack)

    # --- SACK alone
    c = start(", SACK-permitted, window %d" % L,
              mss_opt(536) + b"\x01\x01" + SACK_OK, win=L)
    if c is not None:
        rq, ack = len(c.req), c.cseq + len(c.req) - 1
        sp = "%s: SACK alone:" % tag
        run.segs("%s pure ACK at %d: taken to cover two segments; near the "
                 "end, the last two: segment 1" % (sp, L), c.pkt(L, seq=rq),
                 c, key, [1], ack)
        run.segs("%s poke at %d: segment 1" % (sp, L),
                 c.pkt(L, seq=rq - 1, flags=PSH | ACK, data=c.req[-1:]), c,
                 key, [1], ack)


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
    ap.add_argument("--site-c", default="")
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
    SITE.dir = args.site
    random.seed()
    run = Runner(wire)
    if args.site_c:
        run.report("the site C file %s names B and the large replies"
                   % args.site_c, read_site_c(args.site_c))
        print("# B = %d, large replies (v, length): %s" % (
            SITE.block, sorted(SITE.large.items())))
    else:
        print("# no --site-c: the site is taken to have no large replies")
    base = baseline(run)
    if base is None:
        print("# the baseline exchanges failed: the other cases need them")
    else:
        ipv4_cases(run)
        icmp_cases(run)
        tcp_cases(run, base)
        isn_cases(run)
        large_cases(run)
        http_cases(run, base)
    final_cases(run, args.server_pid)
    print("%d passed, %d failed" % (run.passed, run.failed))
    return 0 if run.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
