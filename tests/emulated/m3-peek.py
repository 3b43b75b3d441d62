#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""m3-peek.py - reads a 32-bit word of the emulated board's physical
memory, a device register too, through QEMU's monitor (its xp command),
for the emulated_m3 test: the level of a GPIO pin as the port drives it.

usage: m3-peek.py MONITOR ADDRESS [MASK]

MONITOR is the Unix socket of QEMU's human monitor (-monitor
unix:MONITOR,server=on,wait=off); ADDRESS and MASK are numbers (0x for
hex). Prints the word at ADDRESS in decimal, or with MASK 1 when any bit
of MASK is set in it and 0 when none is. Exit status 0, 1 when the
monitor cannot be reached or gives no word, 2 on a usage error.
"""
import re
import socket
import sys
import time

PROMPT = b"(qemu) "
TIMEOUT = 5.0
# xp's line: "0000000040025004: 0x00000001"
WORD = re.compile(rb"^[0-9a-fA-F]+: 0x([0-9a-fA-F]+)\s*$", re.M)


def read_prompt(sock):
    """Reads up to the monitor's next prompt; returns what came before."""
    data = b""
    end = time.monotonic() + TIMEOUT
    while not data.endswith(PROMPT):
        sock.settimeout(max(0.01, end - time.monotonic()))
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("the monitor closed the connection")
        data += chunk
    return data[:-len(PROMPT)]


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    try:
        addr = int(argv[2], 0)
        mask = int(argv[3], 0) if len(argv) == 4 else None
    except ValueError:
        sys.stderr.write("m3-peek.py: want numbers: %s\n" % " ".join(argv[2:]))
        return 2
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT)
        sock.connect(argv[1])
        read_prompt(sock)
        sock.sendall(b"xp /1wx 0x%x\n" % addr)
        out = read_prompt(sock)
        sock.close()
    except OSError as e:
        sys.stderr.write("m3-peek.py: %s: %s\n" % (argv[1], e))
        return 1
    # the monitor echoes the command line with terminal escapes; the
    # word's line is the last
    m = None
    for m in WORD.finditer(out.replace(b"\r", b"")):
        pass
    if not m:
        sys.stderr.write("m3-peek.py: xp 0x%x: no word in %r\n" % (addr, out))
        return 1
    word = int(m.group(1), 16)
    print(word if mask is None else int(word & mask != 0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
