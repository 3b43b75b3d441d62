#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""m3-keys.py - presses keys of QEMU's emulated keyboard through its
monitor, which QEMU's lm3s6965evb turns into the board's navigation
buttons (the arrow keys: up, down, left, right; the left Ctrl key:
select), for the emulated_m3 test.

usage: m3-keys.py MONITOR KEY[:MS]...

MONITOR is the Unix socket of QEMU's human monitor (-monitor
unix:MONITOR,server=on,wait=off). Each KEY (a name of the monitor's
sendkey command: up, ctrl, ...) is pressed and let go MS milliseconds
later (default 100). Returns once every key without :MS is let go
again, and once every key with :MS is pressed: the caller fetches while
it is held. Exit status 0, 1 when the monitor cannot be reached or
refuses a command, 2 on a usage error.
"""
import socket
import sys
import time

PROMPT = b"(qemu) "
TIMEOUT = 5.0


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
    if len(argv) < 3:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    keys = []
    for arg in argv[2:]:
        name, _, ms = arg.partition(":")
        if not name.isalnum() or (ms and not ms.isdigit()):
            sys.stderr.write("m3-keys.py: %s: want KEY or KEY:MS\n" % arg)
            return 2
        keys.append((name, int(ms) if ms else None))
    wait = 0
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT)
        sock.connect(argv[1])
        read_prompt(sock)
        for name, ms in keys:
            sock.sendall(b"sendkey %s %d\n" % (name.encode(), ms or 100))
            # the echo of the command line, then its output if any
            out = read_prompt(sock).split(b"\n", 1)
            if len(out) > 1 and out[1].strip():
                sys.stderr.write("m3-keys.py: sendkey %s: %s\n" % (
                    name, out[1].strip().decode(errors="replace")))
                return 1
            if ms is None:
                wait = max(wait, 100)
        sock.close()
    except OSError as e:
        sys.stderr.write("m3-keys.py: %s: %s\n" % (argv[1], e))
        return 1
    # the keys let go; a held key has been pressed by now
    time.sleep((wait + 100) / 1000.0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
