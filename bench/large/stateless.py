#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""
bench/large/stateless.py - a prototype of pagec's stateless large pages.

Serves pages of any size over a TUN device, as the runtime would: every
datagram it sends is computed from the datagram it received, a secret and
the clock. It keeps no state per connection. The rules it follows are in
docs/large-pages.md; the constants below carry the same names.

What it keeps besides: counters for the measurement (bytes and segments
sent per client port, request retransmissions, stalls), which no decision
reads, and a seeded random generator that drops datagrams on receive and on
send when --loss is given.

usage: stateless.py --dev TUN --addr SERVER_ADDR --pages DIR [--loss P]
                    [--seed N] [--stats FILE] [--b B] [--w W]
The pages are the files of DIR, served at /NAME. The statistics are written
to FILE (JSON) at SIGTERM.
"""

import argparse
import fcntl
import hashlib
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

# --- the design's constants (docs/large-pages.md) --------------------------

MSS_CLASSES = (536, 966, 1220, 1460)  # the ISN's two class bits
TS_ROOM = 12          # bytes of a segment kept for the timestamps option
W = 10                # segments in flight: the initial burst (RFC 6928)
CAP = 4               # new or repeated segments for one received datagram
IDX_BITS = 10         # TSval: (ms << IDX_BITS) | segment index + 1
FRESH_MS = 100        # a poke whose echoed segment is younger: spurious
SLOT_LOG2 = 6         # the ISN's slot: 64 s, as PAGEC_ISN_SLOT_LOG2
OUR_WINDOW = 8192


def csum(data, init=0):
    if len(data) % 2:
        data += b"\0"
    s = init + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


class Reply:
    """A reply's bytes and its segment boundaries for each MSS class."""

    def __init__(self, v, data, b):
        self.v = v
        self.data = data
        self.bounds = {}
        for cls, mss in enumerate(MSS_CLASSES):
            s = (mss - TS_ROOM) // b * b
            r = (2 * v) % b
            first = s - ((s - r) % b)
            bounds = [0]
            if len(data) > first:
                o = first
                while o < len(data):
                    bounds.append(o)
                    o += s
            bounds.append(len(data))
            self.bounds[cls] = bounds
            # offset -> segment index, for the boundaries an ACK may name
            self.index = getattr(self, "index", {})
            self.index[cls] = {o: i for i, o in enumerate(bounds)}


def make_reply(v, body, b, ctype="application/octet-stream"):
    """The HTTP reply for body, its length made even (the ACK of our FIN
    then has an odd offset, never a data boundary)."""
    head = ("HTTP/1.1 200 OK\r\nContent-Type: %s\r\n"
            "Content-Length: %d\r\nConnection: close\r\n"
            % (ctype, len(body)))
    pad = "" if (len(head) + 2 + len(body)) % 2 == 0 else " "
    head = head.replace("close\r\n", "close" + pad + "\r\n")
    return Reply(v, head.encode() + b"\r\n" + body, b)


class Server:
    def __init__(self, args):
        self.args = args
        self.b = args.b
        self.w = args.w
        self.addr = socket.inet_aton(args.addr)
        self.secret = os.urandom(8)
        self.rng = random.Random(args.seed)
        self.t0 = time.monotonic()
        self.replies = {}      # v -> Reply
        self.by_path = {}      # b"/name" -> v
        v = 1
        for name in sorted(os.listdir(args.pages)):
            with open(os.path.join(args.pages, name), "rb") as f:
                body = f.read()
            if 2 * v >= self.b:
                sys.exit("stateless.py: more pages than B/2 - 1 = %d"
                         % (self.b // 2 - 1))
            ctype = "text/html" if name.endswith(".html") else \
                "application/octet-stream"
            self.replies[v] = make_reply(v, body, self.b, ctype)
            self.by_path[b"/" + name.encode()] = v
            v += 1
        head = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n" \
            b"Connection: close\r\n\r\n"
        r = Reply(v, head + (b"" if len(head) % 2 == 0 else b" "), self.b)
        r.data = head[:-4] + b" \r\n\r\n" if len(head) % 2 else head
        self.replies[v] = Reply(v, r.data, self.b)
        self.v404 = v
        self.stats = {}
        self.global_stats = {"rx": 0, "tx": 0, "rx_dropped": 0,
                             "tx_dropped": 0, "invalid": 0}

    # --- clock, ISN ----------------------------------------------------

    def ms(self):
        return int((time.monotonic() - self.t0) * 1000) + 1000

    def isn(self, cip, sip, cport, sport, slot, cls, sackok, client_isn):
        """As pagec_isn(), with one more bit: bit 27 says the SYN offered
        SACK (its hash bits drop to 27: 13 + 14)."""
        msg = cip + sip + struct.pack("!HHI", cport, sport,
                                      (slot * 8 + cls * 2 + sackok)
                                      & 0xFFFFFFFF)
        h = int.from_bytes(hashlib.blake2s(msg, key=self.secret,
                                           digest_size=4).digest(), "big")
        hi = ((client_isn + 1) >> 16) & 0xFFFF
        return ((slot % 4) << 30 | cls << 28 | sackok << 27 |
                (h % 8192) << 14 |
                ((h >> 14) + 0x2001 * hi) % 16384)

    def slot(self):
        return (self.ms() // 1000) >> SLOT_LOG2

    def candidates(self, cip, sip, cport, sport, ack, seq):
        """Our ISNs that ack may follow: the top five bits of ack - 1, or
        one less (a carry from an offset below 2^27), name slot, class and
        the SACK bit;
        the client's ISN + 1 is seq or up to 2^16 below it."""
        cur = self.slot()
        out = []
        for d in (0, 1):
            top = (((ack - 1) & 0xFFFFFFFF) >> 27) - d & 31
            s4, cls, sackok = top >> 3, (top >> 1) & 3, top & 1
            slot = cur - ((cur - s4) % 4)
            for back in (0, 0x10000):
                cisn = (seq - 1 - back) & 0xFFFFFFFF
                isn = self.isn(cip, sip, cport, sport, slot, cls, sackok,
                               cisn)
                o = (ack - 1 - isn) & 0xFFFFFFFF
                if o < (1 << 27):
                    out.append((isn, cls, sackok, o))
        return out

    # --- wire ------------------------------------------------------------

    def send(self, fd, pkt, st=None, seg=None):
        if self.args.loss and self.rng.random() < self.args.loss:
            self.global_stats["tx_dropped"] += 1
            if st is not None:
                st["tx_dropped"] += 1
            return
        os.write(fd, pkt)
        self.global_stats["tx"] += 1
        if st is not None:
            st["bytes"] += len(pkt)
            st["segments"] += 1
            if seg is not None:
                st["sent_idx"][seg] = st["sent_idx"].get(seg, 0) + 1

    def tcp(self, src, dst, sport, dport, seq, ack, flags, opts=b"",
            data=b""):
        if len(opts) % 4:
            opts += b"\1" * (4 - len(opts) % 4)
        off = (20 + len(opts)) // 4
        hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                          ack & 0xFFFFFFFF, off << 4, flags, OUR_WINDOW, 0,
                          0) + opts
        seg = hdr + data
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(seg))
        c = 0xFFFF - csum(pseudo + seg)
        seg = seg[:16] + struct.pack("!H", c or 0xFFFF) + seg[18:]
        total = 20 + len(seg)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6,
                         0, src, dst)
        ip = ip[:10] + struct.pack("!H", 0xFFFF - csum(ip)) + ip[12:]
        return ip + seg

    @staticmethod
    def parse_opts(raw):
        o = {"mss": None, "sackok": False, "ts": None, "sack": []}
        i = 0
        while i < len(raw):
            k = raw[i]
            if k == 0:
                break
            if k == 1:
                i += 1
                continue
            if i + 1 >= len(raw) or raw[i + 1] < 2 or i + raw[i + 1] > len(raw):
                break
            ln = raw[i + 1]
            body = raw[i + 2:i + ln]
            if k == 2 and ln == 4:
                o["mss"] = struct.unpack("!H", body)[0]
            elif k == 4 and ln == 2:
                o["sackok"] = True
            elif k == 8 and ln == 10:
                o["ts"] = struct.unpack("!II", body)
            elif k == 5 and ln >= 10 and (ln - 2) % 8 == 0:
                o["sack"] = [struct.unpack("!II", body[j:j + 8])
                             for j in range(0, ln - 2, 8)]
            i += ln
        return o

    # --- the per-datagram path --------------------------------------------

    def stat(self, cport):
        st = self.stats.get(cport)
        if st is None:
            st = self.stats[cport] = {
                "bytes": 0, "segments": 0, "sent_idx": {}, "reply_len": 0,
                "pokes": 0, "pokes_spurious": 0, "requests": 0,
                "tx_dropped": 0, "t_first": None, "t_done": None,
                "best_o": 0, "t_best": None, "stall_ms": 0,
                "dup_acks_sack": 0, "acks": 0, "syn": 0}
        return st

    def input(self, fd, pkt):
        self.global_stats["rx"] += 1
        if self.args.loss and self.rng.random() < self.args.loss:
            self.global_stats["rx_dropped"] += 1
            return
        if len(pkt) < 40 or pkt[0] >> 4 != 4 or pkt[9] != 6:
            return
        ihl = (pkt[0] & 15) * 4
        total = struct.unpack("!H", pkt[2:4])[0]
        if total > len(pkt) or ihl < 20 or total < ihl + 20:
            return
        src, dst = pkt[12:16], pkt[16:20]
        if dst != self.addr:
            return
        tcp = pkt[ihl:total]
        if csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp) != 0xFFFF:
            return
        cport, sport, seq, ack, offb, flags, wnd = struct.unpack(
            "!HHIIBBH", tcp[:16])
        doff = (offb >> 4) * 4
        if doff < 20 or doff > len(tcp):
            return
        opts = self.parse_opts(tcp[20:doff])
        data = tcp[doff:]
        SYN, ACK, FIN, RST = 2, 16, 1, 4
        if flags & RST:
            return
        st = self.stat(cport)
        now = self.ms()
        if flags & SYN and not flags & ACK:
            st["syn"] += 1
            mss = opts["mss"] or 536
            if mss < 536:
                return
            cls = max(i for i, m in enumerate(MSS_CLASSES) if m <= mss)
            isn = self.isn(src, dst, cport, sport, self.slot(), cls,
                           int(opts["sackok"]), seq)
            o = struct.pack("!BBH", 2, 4, 1460)
            if opts["sackok"]:
                o += b"\1\1\4\2"
            if opts["ts"]:
                o += b"\1\1" + struct.pack("!BBII", 8, 10,
                                           now << IDX_BITS, opts["ts"][0])
            self.send(fd, self.tcp(dst, src, sport, cport, isn, seq + 1,
                                   SYN | ACK, o), st)
            return
        if not flags & ACK:
            return
        found = None
        for isn, cls, sackok, o in self.candidates(src, dst, cport, sport,
                                                   ack, seq):
            ctx = self.classify(isn, cls, o, opts, data)
            if ctx is not None:
                found = ctx
                break
        if found is None:
            self.global_stats["invalid"] += 1
            if self.args.trace:
                print("invalid %d flags=%#x len=%d %r" % (cport, flags,
                      len(data), data[:40]), flush=True)
            return
        kind, isn, cls, o, v = found
        sackok = isn >> 27 & 1
        st["acks"] += 1

        def out(i_list, reply, ackno, why):
            if self.args.trace:
                print("%d %d o=%d a=%s ts=%s sack=%s %s -> %s" % (
                    now, cport, o, reply.index[cls].get(o), tsidx, opts["sack"] and
                    self.sack_idx(opts["sack"], isn, reply, cls, o), why,
                    [i for i in i_list]), flush=True)
            bounds = reply.bounds[cls]
            nseg = len(bounds) - 1
            limit = o + wnd    # never past the client's window
            for i in i_list:
                if i < 0 or i >= nseg:
                    continue
                a, z = bounds[i], bounds[i + 1]
                if z > limit and i > 0:
                    break
                fl = ACK | 0x08 | (FIN if i == nseg - 1 else 0)
                op = b""
                if opts["ts"]:
                    op = b"\1\1" + struct.pack(
                        "!BBII", 8, 10,
                        (now << IDX_BITS | (i + 1)) & 0xFFFFFFFF,
                        opts["ts"][0])
                self.send(fd, self.tcp(dst, src, sport, cport, isn + 1 + a,
                                       ackno, fl, op, reply.data[a:z]),
                          st, i)

        def pure_ack(ackno):
            op = b""
            if opts["ts"]:
                op = b"\1\1" + struct.pack("!BBII", 8, 10, now << IDX_BITS,
                                           opts["ts"][0])
            self.send(fd, self.tcp(dst, src, sport, cport, isn + 1 + o,
                                   ackno, ACK, op), st)

        # the client's bytes: we acknowledge all but the last, so that the
        # request stays outstanding and the client's timer pokes us
        end = seq + len(data)
        hold = end - 1
        if kind == "fin":
            if flags & FIN:
                pure_ack(end + 1)
            elif o > 0:
                pure_ack(end)   # the page is in: take the request too
            if st["t_done"] is None:
                st["t_done"] = now
            return
        reply = self.replies[v]
        bounds = reply.bounds[cls]
        idx = reply.index[cls]
        nseg = len(bounds) - 1
        a = idx[o] if o in idx else 0
        if st["t_first"] is None:
            st["t_first"] = now
            st["t_best"] = now
            st["reply_len"] = len(reply.data)
        if o > st["best_o"]:
            st["stall_ms"] = max(st["stall_ms"], now - st["t_best"])
            st["best_o"], st["t_best"] = o, now
        if flags & FIN:
            pure_ack(end + 1)
            return
        tsidx = tstick = None
        if opts["ts"]:
            e = opts["ts"][1]
            if e & ((1 << IDX_BITS) - 1):
                tsidx = (e & ((1 << IDX_BITS) - 1)) - 1
                tstick = e >> IDX_BITS
        sack = self.sack_idx(opts["sack"], isn, reply, cls, o)
        # flight W for a client with SACK, 1 for one without: without SACK
        # a duplicate ACK cannot be told from a new one (not even with
        # timestamps: it echoes the same TSval), and answering each with
        # new segments makes duplicates that draw more ACKs
        w = self.w if sackok or opts["ts"] or self.args.nosack_w else 1
        if kind == "request":
            st["requests"] += 1
            if st["requests"] > 1:
                st["pokes"] += 1
            if sack:
                self.sack_send(out, reply, cls, a, sack, hold, st, True)
            else:
                out(range(0, min(w, nseg)), reply, hold, "burst")
            return
        if data:
            # a poke: the client's timer resent (the end of) its request
            st["pokes"] += 1
            if sack:
                self.sack_send(out, reply, cls, a, sack, hold, st, True)
                return
            if tstick is not None:
                age = (now - tstick) & ((1 << (32 - IDX_BITS)) - 1)
                if age < FRESH_MS:
                    # the client took a segment of ours less than FRESH_MS
                    # ago: the data flows, the poke is spurious
                    st["pokes_spurious"] += 1
                    return
                out(range(a, a + w), reply, hold, "poke-restart")
                return
            out(range(a, a + min(w, CAP)), reply, hold, "poke")
            return
        # a pure ACK
        if opts["sack"] and sack is None:
            return          # a D-SACK: it reports a duplicate of ours
        if sack:
            st["dup_acks_sack"] += 1
            self.sack_send(out, reply, cls, a, sack, hold, st, False)
            return
        if w == 1:
            out([a], reply, hold, "stop-and-wait")
            return
        if tsidx is not None and tsidx < a and \
                (now - tstick) & ((1 << (32 - IDX_BITS)) - 1) >= FRESH_MS:
            # the segment it echoes left FRESH_MS ago or more: the ACK
            # follows a stall, what we sent since is not known: from a
            out(range(a, a + w), reply, hold, "clock-restart")
            return
        if tsidx is not None and tsidx < a:
            # the segments this ACK covers left the network: as many new
            # ones go out, at most W (a stretch ACK)
            first = max(tsidx + w, a)
            out(range(first, a + w), reply, hold, "clock-ts")
            return
        # no timestamps: the ACK covers two segments, as Linux and Windows
        # acknowledge; one covering one makes one duplicate (its D-SACK is
        # not answered), one covering more leaves holes that SACK reports
        out(range(a + w - self.args.k, a + w), reply, hold, "clock")

    def classify(self, isn, cls, o, opts, data):
        """What an ACK at offset o names: ("request", ...) at offset 0
        with a request line, ("data", ... v) on a data boundary of reply v,
        ("fin", ...) for an odd offset (the ACK of a FIN), else None."""
        if o == 0:
            if data.startswith(b"GET "):
                path = data[4:].split(b" ", 1)[0]
                v = self.by_path.get(path, self.v404)
                if v is not None:
                    return ("request", isn, cls, 0, v)
            # the handshake's ACK, or data at 0 for an unknown page: a
            # SACK block may still name the reply
            for l, r in opts["sack"]:
                lo = (l - 1 - isn) & 0xFFFFFFFF
                v = (lo % self.b) // 2
                if lo % 2 == 0 and v in self.replies and \
                        lo in self.replies[v].index[cls]:
                    return ("data", isn, cls, 0, v)
            return None
        if o % 2:
            biggest = max(len(r.data) for r in self.replies.values())
            if o <= biggest + 1:
                return ("fin", isn, cls, o, None)
            return None
        v = (o % self.b) // 2
        r = self.replies.get(v)
        if r is None or o not in r.index[cls] or o >= len(r.data):
            return None
        return ("data", isn, cls, o, v)

    def sack_idx(self, blocks, isn, reply, cls, o):
        """The SACK blocks as segment index ranges [l, r), newest first;
        [] without blocks; None for a D-SACK or a block off the grid."""
        if not blocks:
            return []
        idx = reply.index[cls]
        n = len(reply.data)
        out = []
        for l, r in blocks:
            lo = (l - 1 - isn) & 0xFFFFFFFF
            ro = (r - 1 - isn) & 0xFFFFFFFF
            if ro == n + 1:
                ro = n
            if lo < o or lo not in idx or ro not in idx or ro <= lo:
                return None
            out.append((idx[lo], idx[ro]))
        if len(out) > 1 and out[1][0] <= out[0][0] and out[0][1] <= out[1][1]:
            return None     # D-SACK inside the second block
        return out

    def sack_send(self, out, reply, cls, a, sack, hold, st, poke):
        """A pure ACK or a poke with SACK blocks: one segment for the one
        that arrived. With m segments SACKed, the m-th missing one (from
        the cumulative ACK up) goes again, so that each arrival above a
        hole releases one retransmission, in order; when fewer are
        missing, the newest arrival's segment + W goes out as new data. A
        poke gets up to CAP missing segments, or the CAP after the
        highest SACKed one."""
        nseg = len(reply.bounds[cls]) - 1
        blocks = sorted(sack)
        missing = []
        lo = a
        for l, r in blocks:
            missing.extend(range(lo, l))
            lo = max(lo, r)
        highest = lo
        if poke:
            send = missing[:CAP] or list(range(highest, highest + CAP))
            out(send, reply, hold, "sack-poke")
            return
        # the lowest missing segment, on every SACK ACK: each arrival above
        # the hole asks for it until it is in (the copies that arrive twice
        # come back as D-SACKs, which get nothing); a hole above the lowest
        # is sent once the block right above it is the newest and holds
        # one segment (the arrival that revealed it)
        send = missing[:1]
        lo = a
        for l, r in blocks:
            if l > lo and (l, r) == sack[0] and r - l == 1 and lo not in send:
                send.extend(range(lo, min(l, lo + CAP - 1)))
            lo = max(lo, r)
        new = sack[0][1] - 1 + self.w
        if new > highest - 1 and new not in send:
            send.append(new)
        out(send, reply, hold, "sack")

    def dump(self):
        res = {"global": self.global_stats, "conns": {}}
        for port, st in self.stats.items():
            st = dict(st)
            sent = st.pop("sent_idx")
            st["distinct_segments"] = len(sent)
            st["repeated_segments"] = sum(n - 1 for n in sent.values())
            res["conns"][str(port)] = st
        with open(self.args.stats, "w") as f:
            json.dump(res, f)

    def run(self):
        fd = os.open("/dev/net/tun", os.O_RDWR)
        ifr = struct.pack("16sH", self.args.dev.encode(), IFF_TUN | IFF_NO_PI)
        fcntl.ioctl(fd, TUNSETIFF, ifr)
        stop = []
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        signal.signal(signal.SIGINT, lambda *a: stop.append(1))
        signal.signal(signal.SIGUSR1, lambda *a: self.dump())
        while not stop:
            try:
                r, _, _ = select.select([fd], [], [], 0.2)
            except InterruptedError:
                continue
            if not r:
                continue
            try:
                pkt = os.read(fd, 65536)
            except OSError:
                continue
            self.input(fd, pkt)
        if self.args.stats:
            self.dump()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dev", required=True)
    p.add_argument("--addr", required=True)
    p.add_argument("--pages", required=True)
    p.add_argument("--loss", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--stats")
    p.add_argument("--b", type=int, default=64)
    p.add_argument("--w", type=int, default=W)
    p.add_argument("--trace", action="store_true")
    p.add_argument("--nosack-w", action="store_true",
                   help="flight W for a client without SACK too")
    p.add_argument("--k", type=int, default=2,
                   help="segments an ACK without timestamps is taken to cover")
    Server(p.parse_args()).run()


if __name__ == "__main__":
    main()
