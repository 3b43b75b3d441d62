#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""wire.py - what each TCP connection to a server looked like on a device.

Usage: wire.py DEVICE SERVER_ADDR OUT.json [SECONDS [TRACE]]

Run inside the network namespace of DEVICE (a TUN device: packets are bare
IPv4 datagrams). Listens on a packet socket (both directions, the
kernel's receive times), prints "ready", and on SIGTERM, SIGINT or after
SECONDS (default 600, at most 3600) writes OUT.json and exits 0. An
observer independent of the server: it counts what went over the device.

OUT.json: {"drops": packets the socket lost (the counts are then
incomplete), "conns": [one object per connection, in the order of their
SYNs]}, each connection:

  port         the client's port
  syn_mss, syn_ts, syn_sack, syn_wscale  the client SYN's options (MSS
               value or null, 1/0 timestamps, SACK-permitted, window scale)
  synack_ts, synack_sack, synack_wscale  the same for the server's SYN-ACK
  request      the first line of the client's first data segment
  status       the first line of the server's data at offset 0, or null
  reply_len    the server's data length: the highest offset it sent data
               up to (its FIN not counted)
  fin          1 when the server sent its FIN
  fin_acked    1 when the client acknowledged the server's FIN
  srv_datagrams, srv_bytes  datagrams and IPv4 bytes the server sent (all:
               SYN-ACK, data, pure ACKs)
  srv_data_segments, srv_data_bytes  segments with data and their data
  srv_repeated       data segments whose bytes had all been sent before
  srv_max_data       the longest data of one segment
  srv_rst            RSTs from the server
  srv_no_ts          segments from the server, not RSTs, without the
                     timestamps option on a connection that agreed on it
                     (RFC 7323 3.2: every such segment carries it)
  cli_rst            RSTs from the client
  cli_fins           the client's segments with FIN (more than one: it
                     sent its FIN again)
  cli_data_segments  the client's segments with data
  pokes              of them, those whose data had all been sent before
                     (the request retransmitted)
  acks               the client's segments without data
  stall_ms     the longest time between two advances of the client's
               cumulative acknowledgement of our data, from its request
               to its last advance
  ms           from the client's SYN to the server's last datagram

TRACE, when given, gets one line per TCP segment: the time (seconds since
the first), c> (client to server) or s>, the client's port, the flags,
the sequence and acknowledgement numbers relative to the ISNs (raw
before the handshake), the data length, the window, and the options
(mss, ts TSval TSecr with TSval as ms<<10 | index, sack blocks relative
to the server's ISN).
"""
import json
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
SOL_PACKET = 263
PACKET_STATISTICS = 6


def options(t, off):
    """The options of a TCP header: (mss, ts, sack_permitted, wscale)."""
    mss, ts, sack, ws = None, 0, 0, None
    i = 20
    while i < off:
        k = t[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        if i + 1 >= off:
            break
        n = t[i + 1]
        if n < 2 or i + n > off:
            break
        if k == 2 and n == 4:
            mss = int.from_bytes(t[i + 2:i + 4], "big")
        elif k == 3 and n == 3:
            ws = t[i + 2]
        elif k == 4:
            sack = 1
        elif k == 8:
            ts = 1
        i += n
    return mss, ts, sack, ws


def trace_options(t, off, sisn):
    """The options of a TCP header as text, SACK edges relative to sisn."""
    out = []
    i = 20
    while i < off:
        k = t[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        if i + 1 >= off:
            break
        n = t[i + 1]
        if n < 2 or i + n > off:
            break
        v = t[i + 2:i + n]
        if k == 2 and n == 4:
            out.append("mss %d" % int.from_bytes(v, "big"))
        elif k == 3 and n == 3:
            out.append("wscale %d" % v[0])
        elif k == 4:
            out.append("sackOK")
        elif k == 5:
            edges = [int.from_bytes(v[j:j + 4], "big") for j in range(0, n - 2, 4)]
            if sisn is not None:
                edges = [(e - sisn - 1) & 0xffffffff for e in edges]
            out.append("sack " + " ".join("%d-%d" % (edges[j], edges[j + 1])
                                          for j in range(0, len(edges) - 1, 2)))
        elif k == 8 and n == 10:
            tv, te = struct.unpack("!II", v)
            out.append("ts %d.%d %d.%d" % (tv >> 10, tv & 1023, te >> 10, te & 1023))
        else:
            out.append("opt%d" % k)
        i += n
    return ",".join(out)


def has_ts(t, off):
    """1 when the TCP header carries the timestamps option."""
    i = 20
    while i < off:
        k = t[i]
        if k == 0:
            return 0
        if k == 1:
            i += 1
            continue
        if i + 1 >= off or t[i + 1] < 2:
            return 0
        if k == 8:
            return 1
        i += t[i + 1]
    return 0


def first_line(data):
    line = data.split(b"\r\n", 1)[0].split(b"\n", 1)[0][:120]
    return "".join(chr(c) if 32 <= c < 127 else "." for c in line)


class Conn:
    def __init__(self, port, t):
        self.c = {
            "port": port, "syn_mss": None, "syn_ts": 0, "syn_sack": 0,
            "syn_wscale": None, "synack_ts": 0, "synack_sack": 0,
            "synack_wscale": None, "request": None, "status": None,
            "reply_len": 0, "fin": 0, "fin_acked": 0, "srv_datagrams": 0,
            "srv_bytes": 0, "srv_data_segments": 0, "srv_data_bytes": 0,
            "srv_repeated": 0, "srv_max_data": 0, "srv_rst": 0,
            "srv_no_ts": 0, "cli_rst": 0, "cli_fins": 0,
            "cli_data_segments": 0, "pokes": 0, "acks": 0, "stall_ms": 0.0,
            "ms": 0.0,
        }
        self.t0 = t
        self.isn = None      # the server's ISN
        self.cisn = None     # the client's ISN
        self.sent = set()    # (start, end) offsets of our data sent
        self.cli_end = 0     # highest end of the client's data, relative
        self.ack = 0         # highest cumulative ACK of our data
        self.last_adv = None  # time of the last advance (or the request)

    def server(self, t, tot, flags, seq, ack, data, opts, has_ts):
        c = self.c
        c["srv_datagrams"] += 1
        c["srv_bytes"] += tot
        c["ms"] = (t - self.t0) * 1000
        if flags & 0x04:
            c["srv_rst"] += 1
            return
        if flags & 0x02:
            self.isn = seq
            _, c["synack_ts"], c["synack_sack"], c["synack_wscale"] = opts
            return
        if self.isn is None:
            return
        if c["syn_ts"] and c["synack_ts"] and not has_ts:
            c["srv_no_ts"] += 1
        o = (seq - self.isn - 1) & 0xffffffff
        if o >= 1 << 30:
            return
        if data:
            c["srv_data_segments"] += 1
            c["srv_data_bytes"] += len(data)
            c["srv_max_data"] = max(c["srv_max_data"], len(data))
            if o == 0 and c["status"] is None:
                c["status"] = first_line(data)
            span = (o, o + len(data))
            if span in self.sent:
                c["srv_repeated"] += 1
            self.sent.add(span)
            c["reply_len"] = max(c["reply_len"], o + len(data))
        if flags & 0x01:
            c["fin"] = 1

    def client(self, t, flags, seq, ack, data, opts):
        c = self.c
        if flags & 0x04:
            c["cli_rst"] += 1
            return
        if flags & 0x02:
            self.cisn = seq
            c["syn_mss"], c["syn_ts"], c["syn_sack"], c["syn_wscale"] = opts
            return
        if self.cisn is None:
            return
        if flags & 0x01:
            c["cli_fins"] += 1
        if data:
            c["cli_data_segments"] += 1
            s = (seq - self.cisn - 1) & 0xffffffff
            if s + len(data) <= self.cli_end:
                c["pokes"] += 1
            else:
                if c["request"] is None:
                    c["request"] = first_line(data)
                    self.last_adv = t
                self.cli_end = s + len(data)
        else:
            c["acks"] += 1
        if self.isn is not None and flags & 0x10:
            a = (ack - self.isn - 1) & 0xffffffff
            if a < 1 << 30 and a > self.ack:
                if self.last_adv is not None:
                    c["stall_ms"] = max(c["stall_ms"],
                                        (t - self.last_adv) * 1000)
                self.last_adv = t
                self.ack = a
            if c["fin"] and a == c["reply_len"] + 1:
                c["fin_acked"] = 1


def main():
    if len(sys.argv) not in (4, 5, 6):
        sys.stderr.write("usage: wire.py DEVICE SERVER_ADDR OUT.json "
                         "[SECONDS [TRACE]]\n")
        return 2
    dev, server, out = sys.argv[1:4]
    seconds = min(float(sys.argv[4]) if len(sys.argv) >= 5 else 600.0, 3600.0)
    trace = open(sys.argv[5], "w") if len(sys.argv) == 6 else None
    t_first = None
    srv = socket.inet_aton(server)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind((dev, ETH_P_ALL))
    print("ready", flush=True)
    conns = []
    live = {}
    drops = 0
    deadline = time.monotonic() + seconds
    while not stop and time.monotonic() < deadline:
        try:
            ready, _, _ = select.select([sock], [], [], 0.2)
        except InterruptedError:
            continue
        if not ready:
            continue
        while True:
            try:
                p, anc, _, _ = sock.recvmsg(65535, 64, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                # the device went down or away: what was seen is kept
                stop.append(1)
                break
            t = time.time()
            for level, kind, val in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    s, ns = struct.unpack("qq", val[:16])
                    t = s + ns / 1e9
            if len(p) < 20 or p[0] >> 4 != 4 or p[9] != 6:
                continue
            ihl = (p[0] & 15) * 4
            tot = min(int.from_bytes(p[2:4], "big"), len(p))
            if ihl < 20 or tot < ihl + 20:
                continue
            tcp = p[ihl:tot]
            off = (tcp[12] >> 4) * 4
            if off < 20 or off > len(tcp):
                continue
            sport, dport = struct.unpack("!HH", tcp[0:4])
            seq, ack = struct.unpack("!II", tcp[4:12])
            flags = tcp[13]
            data = tcp[off:]
            opts = options(tcp, off) if flags & 0x02 else None
            if p[12:16] == srv:
                c = live.get(dport)
                if c is not None:
                    c.server(t, tot, flags, seq, ack, data, opts,
                             has_ts(tcp, off))
            elif p[16:20] == srv:
                c = live.get(sport)
                if flags & 0x02 and not flags & 0x10 and (
                        c is None or c.cisn != seq):
                    c = Conn(sport, t)
                    live[sport] = c
                    conns.append(c)
                if c is not None:
                    c.client(t, flags, seq, ack, data, opts)
            else:
                continue
            if trace:
                if t_first is None:
                    t_first = t
                fromsrv = p[12:16] == srv
                sisn = c.isn if c is not None else None
                cisn = c.cisn if c is not None else None
                mine, theirs = (sisn, cisn) if fromsrv else (cisn, sisn)

                def rel(v, base):
                    return v if base is None else (v - base - 1) & 0xffffffff
                trace.write("%.6f %s %d %s seq %d ack %d len %d win %d %s\n" % (
                    t - t_first, "s>" if fromsrv else "c>",
                    dport if fromsrv else sport,
                    "".join(ch for bit, ch in ((2, "S"), (1, "F"), (4, "R"),
                                               (8, "P"), (16, "."))
                            if flags & bit),
                    rel(seq, mine), rel(ack, theirs), len(data),
                    struct.unpack("!H", tcp[14:16])[0],
                    trace_options(tcp, off, sisn)))
    try:
        st = sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
        drops = struct.unpack("II", st)[1]
    except OSError:
        drops = -1
    if trace:
        trace.close()
    with open(out, "w") as f:
        json.dump({"drops": drops, "conns": [c.c for c in conns]}, f,
                  indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
