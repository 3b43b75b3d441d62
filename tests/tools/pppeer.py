#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A PC's side of a serial line to a device that speaks PPP after a
modem's dialogue: the dialogue through chat(8), the dialer of Linux's
pppd, then PPP in user space (LCP and IPCP packets built and dissected
with scapy; HDLC-like framing, byte stuffing and RFC 1662's table-driven
FCS-16 written here), then IPv4 between the line and a TUN device. For
tests: this machine's kernel has no PPP of its own (pppd needs it).

usage: pppeer.py --dev TUN --pty [-v] [--local ADDR] [--remote ADDR]

Makes the TUN device and a pseudo-terminal, prints the path of its slave
side (the device's serial line) on standard output, and then, as the
device answers:

  1. "AT" every 0.5 s until "OK" (the device is up, in command mode);
  2. chat: CLIENT -> CLIENTSERVER (Windows' direct cable; data mode);
  3. a pause, "+++", a pause -> OK (command mode again);
  4. chat: ATH -> OK; then ATZ -> OK, ATDT5551234 -> CONNECT (data mode);
  5. LCP: its Configure-Request (MRU 1500, ACCM 0, a magic number) Acked,
     the device's Acked (it must ask for nothing this side refuses);
     an Echo-Request gets its Echo-Reply with the same data;
  6. IPCP: its request (IP-Address --local) Acked, the device's, which
     must name --remote, Acked;
  7. IPv4 both ways between the TUN device and the line (-v: a line per
     frame, "tun>line ..." and "line>tun ..."), until SIGUSR1 or SIGTERM:
     then LCP Terminate-Request, and its Terminate-Ack awaited; after
     SIGUSR1 the line stays open (the device does not see it hang up)
     until SIGTERM.

Prints "ok - ..." or "FAIL - ..." for each step, "ready" after step 6.
Exit status 0 when every step passed (SIGTERM included), 1 otherwise, 2
on a usage error.
"""
import fcntl
import os
import random
import select
import signal
import struct
import subprocess
import sys
import termios
import time
import tty

from scapy.layers.ppp import (HDLC, PPP, PPP_IPCP, PPP_IPCP_Option_IPAddress,
                              PPP_LCP_ACCM_Option, PPP_LCP_Configure,
                              PPP_LCP_Echo, PPP_LCP_Magic_Number_Option,
                              PPP_LCP_MRU_Option, PPP_LCP_Terminate)

LCP, IPCP, IP = 0xC021, 0x8021, 0x0021
TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454CA, 0x0001, 0x1000
FAILED = []
VERBOSE = False


def say(ok, what):
    print(("ok   - " if ok else "FAIL - ") + what, flush=True)
    if not ok:
        FAILED.append(what)


# RFC 1662 section C.2: the FCS-16 table from its polynomial
FCSTAB = []
for b in range(256):
    v = b
    for _ in range(8):
        v = (v >> 1) ^ 0x8408 if v & 1 else v >> 1
    FCSTAB.append(v)


def fcs16(data, fcs=0xFFFF):
    for c in data:
        fcs = (fcs >> 8) ^ FCSTAB[(fcs ^ c) & 0xFF]
    return fcs


def frame(payload):
    """payload (address to information) as a frame on the line: FCS,
    every control character, flag and escape stuffed (the device asked
    for no other ACCM)."""
    f = payload + struct.pack("<H", fcs16(payload) ^ 0xFFFF)
    out = bytearray(b"\x7e")
    for c in f:
        if c < 0x20 or c in (0x7E, 0x7D):
            out += bytes([0x7D, c ^ 0x20])
        else:
            out.append(c)
    out.append(0x7E)
    return bytes(out)


class Line:
    def __init__(self, fd):
        self.fd = fd
        self.raw = b""      # bytes read, not yet taken
        self.cur = None     # the frame being read, unstuffed
        self.esc = False
        self.frames = []    # complete frames, FCS checked and removed

    def read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return b""
        try:
            data = os.read(self.fd, 4096)
        except OSError:
            return b""
        self.raw += data
        for c in data:
            if c == 0x7E:
                if self.cur and not self.esc:
                    if len(self.cur) >= 4 and fcs16(self.cur) == 0xF0B8:
                        self.frames.append(bytes(self.cur[:-2]))
                    elif len(self.cur) >= 4:
                        say(False, "a frame with a wrong FCS from the device")
                self.cur = bytearray()
                self.esc = False
            elif self.cur is not None:
                if c < 0x20 and c != 0x7D:
                    say(False, "an unescaped control character %#x" % c)
                if c == 0x7D:
                    self.esc = True
                elif self.esc:
                    self.cur.append(c ^ 0x20)
                    self.esc = False
                else:
                    self.cur.append(c)
        return data

    def expect(self, text, timeout):
        """Reads until text was seen (outside frames) or timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.raw:
                self.raw = self.raw[self.raw.index(text) + len(text):]
                return True
            self.read(0.1)
        return text in self.raw

    def send(self, data):
        os.write(self.fd, data)

    def send_ppp(self, pkt):
        self.send(frame(bytes(HDLC() / pkt)))


def chat(fd, *script):
    """Runs chat(8) with the line as its standard input and output."""
    p = subprocess.run(["chat", "-t", "5"] + list(script), stdin=fd,
                       stdout=fd, stderr=subprocess.PIPE, timeout=30)
    return p.returncode == 0, p.stderr.decode(errors="replace").strip()


def negotiate(line, local, remote):
    magic = random.randrange(1, 1 << 32)
    ours = {LCP: 0x21, IPCP: 0x31}
    lcp_req = PPP(proto=LCP) / PPP_LCP_Configure(code=1, id=ours[LCP], options=[
        PPP_LCP_MRU_Option(max_recv_unit=1500), PPP_LCP_ACCM_Option(accm=0),
        PPP_LCP_Magic_Number_Option(magic_number=magic)])
    ipcp_req = PPP(proto=IPCP) / PPP_IPCP(code=1, id=ours[IPCP], options=[
        PPP_IPCP_Option_IPAddress(data=local)])
    done = {LCP: [False, False], IPCP: [False, False]}  # acked, acking
    device_addr = None
    for proto, req in ((LCP, lcp_req), (IPCP, ipcp_req)):
        end = time.monotonic() + 15
        sent = 0
        while time.monotonic() < end and not all(done[proto]):
            if not done[proto][0] and time.monotonic() >= sent + 1:
                line.send_ppp(req)
                sent = time.monotonic()
            line.read(0.1)
            while line.frames:
                p = HDLC(line.frames.pop(0))
                if PPP not in p:
                    continue
                if p[PPP].proto != proto:
                    continue
                cp = p[PPP].payload
                code = cp.code
                if code == 2 and cp.id == ours[proto]:
                    if bytes(cp)[4:] != bytes(req[PPP].payload)[4:]:
                        say(False, "%s: an Ack whose options differ" % hex(proto))
                    done[proto][0] = True
                elif code in (3, 4) and cp.id == ours[proto]:
                    say(False, "%s: our request got code %d: %r" % (hex(proto), code, bytes(cp)))
                    return None
                elif code == 1:
                    opts = bytes(cp)[4:cp.len]
                    if proto == LCP and opts:
                        say(False, "LCP: the device asks for options %s" % opts.hex())
                    if proto == IPCP:
                        if opts[:2] == b"\x03\x06":
                            device_addr = ".".join(str(b) for b in opts[2:6])
                        else:
                            device_addr = ""
                    ack = bytes(cp)
                    ack = b"\x02" + ack[1:]
                    line.send(frame(b"\xff\x03" + struct.pack(">H", proto) + ack))
                    done[proto][1] = True
        name = "LCP" if proto == LCP else "IPCP"
        if not all(done[proto]):
            say(False, "%s: not open in 15 s (our request acked: %s, the device's: %s)"
                % (name, done[proto][0], done[proto][1]))
            return None
        if proto == LCP:
            say(True, "LCP open: the device Acked MRU 1500, ACCM 0 and magic %#x, and asked for nothing" % magic)
            # Echo-Request: the same data back in an Echo-Reply
            line.send_ppp(PPP(proto=LCP) / PPP_LCP_Echo(code=9, id=0x41, magic_number=magic, data=b"pagec-echo"))
            end = time.monotonic() + 5
            got = None
            while time.monotonic() < end and got is None:
                line.read(0.1)
                while line.frames:
                    p = HDLC(line.frames.pop(0))
                    if PPP in p and p[PPP].proto == LCP and p[PPP].payload.code == 10:
                        got = p[PPP].payload
            say(got is not None and got.id == 0x41 and bytes(got)[8:got.len] == b"pagec-echo",
                "LCP Echo-Request: an Echo-Reply with its identifier and data")
    if device_addr != remote:
        say(False, "IPCP: the device's request names %r, want %s" % (device_addr, remote))
        return None
    say(True, "IPCP open: this side %s, the device's request names %s" % (local, remote))
    return magic


def summary(pkt):
    if len(pkt) >= 20 and pkt[0] >> 4 == 4:
        return "%d bytes %s > %s proto %d" % (
            len(pkt), ".".join(map(str, pkt[12:16])), ".".join(map(str, pkt[16:20])), pkt[9])
    return "%d bytes" % len(pkt)


def main(argv):
    global VERBOSE
    dev, local, remote, pty = None, "192.0.2.1", "192.0.2.2", False
    it = iter(argv[1:])
    for a in it:
        if a == "--dev":
            dev = next(it)
        elif a == "--pty":
            pty = True
        elif a == "-v":
            VERBOSE = True
        elif a == "--local":
            local = next(it)
        elif a == "--remote":
            remote = next(it)
        else:
            dev = None
            break
    if not dev or not pty:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", dev.encode(), IFF_TUN | IFF_NO_PI))
    master, slave = os.openpty()
    tty.setraw(slave)
    attrs = termios.tcgetattr(slave)
    attrs[4] = attrs[5] = termios.B115200
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    tty.setraw(master)
    print(os.ttyname(slave), flush=True)
    line = Line(master)
    stop = []
    hangup = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGUSR1, lambda *_: hangup.append(1))

    # 1. the device is up when AT gets OK
    end = time.monotonic() + 30
    up = False
    while time.monotonic() < end and not up:
        line.send(b"AT\r")
        up = line.expect(b"OK", 0.5)
    say(up, "AT: OK (the device in command mode)")
    if not up:
        return 1
    time.sleep(0.2)
    line.read(0.1)
    line.raw = b""
    # 2. the direct cable
    ok, log = chat(master, "", "CLIENT", "CLIENTSERVER")
    say(ok, "chat: CLIENT got CLIENTSERVER" + ("" if ok else ": " + log))
    # 3. "+++" between two pauses: command mode
    time.sleep(1.3)
    line.send(b"+++")
    say(line.expect(b"OK", 3), "+++ between pauses of 1.3 s: OK")
    # 4. hang up, then dial
    ok, log = chat(master, "", "ATH", "OK")
    say(ok, "chat: ATH got OK" + ("" if ok else ": " + log))
    ok, log = chat(master, "", "ATZ", "OK", "ATDT5551234", "CONNECT")
    say(ok, "chat: ATZ got OK, ATDT5551234 CONNECT" + ("" if ok else ": " + log))
    if not ok:
        return 1
    line.raw = b""
    # 5, 6. LCP and IPCP
    magic = negotiate(line, local, remote)
    if magic is None:
        return 1
    print("ready", flush=True)
    # 7. IPv4 both ways
    while not stop and not hangup:
        try:
            r, _, _ = select.select([tun, master], [], [], 0.5)
        except InterruptedError:
            continue
        if tun in r:
            pkt = os.read(tun, 4096)
            if VERBOSE:
                print("tun>line " + summary(pkt), flush=True)
            line.send(frame(b"\xff\x03\x00\x21" + pkt))
        if master in r:
            line.read(0)
            while line.frames:
                f = line.frames.pop(0)
                proto = struct.unpack(">H", f[2:4])[0] if len(f) >= 4 else 0
                if f[:2] == b"\xff\x03" and proto == IP:
                    if VERBOSE:
                        print("line>tun " + summary(f[4:]), flush=True)
                    os.write(tun, f[4:])
                else:
                    say(False, "a frame of protocol %#x while IPCP is open" % proto)
    # Terminate
    line.frames = []
    line.send_ppp(PPP(proto=LCP) / PPP_LCP_Terminate(code=5, id=0x51))
    end = time.monotonic() + 3
    acked = False
    while time.monotonic() < end and not acked:
        line.read(0.1)
        for f in line.frames:
            p = HDLC(f)
            if PPP in p and p[PPP].proto == LCP and p[PPP].payload.code == 6 and p[PPP].payload.id == 0x51:
                acked = True
        line.frames = []
    say(acked, "LCP Terminate-Request: Terminate-Ack")
    while not stop:
        signal.pause()
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
