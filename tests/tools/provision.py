#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Provisions the secret of an Arduino sketch of the pagec library (its
PagecSerial::provision()) running in pagec-avrsim, over a pseudo-terminal
this script makes, as a user does from the IDE's Serial Monitor.

usage: provision.py PAGEC_AVRSIM FIRMWARE.elf EEPROM_FILE SECRET

Runs PAGEC_AVRSIM --eeprom EEPROM_FILE FIRMWARE.elf on the pseudo-terminal
and checks, in order: the sketch writes a line asking for a secret and
no SLIP END byte (0xc0), so it serves nothing; a line of 16 'f' (an erased
EEPROM's bytes) is refused and the sketch asks again; the line SECRET (16
hex digits) gets "secret stored". Then it stops pagec-avrsim with SIGTERM,
which writes the EEPROM to EEPROM_FILE (the caller reads the secret's
bytes there). Exit status 0 when every step held, 1 otherwise, with what
the line carried.
"""
import os
import pty
import select
import signal
import subprocess
import sys
import time
import tty

PROMPT = b"no secret in EEPROM"
REFUSED = b"not a secret"
STORED = b"secret stored"
WAIT = 20  # seconds for each answer


def main():
    if len(sys.argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    sim, elf, eeprom, secret = sys.argv[1:]
    master, slave = pty.openpty()
    tty.setraw(slave)
    proc = subprocess.Popen([sim, "--eeprom", eeprom, elf, os.ttyname(slave)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    line = bytearray()

    def wait_for(text, after):
        """Reads the line until text appears past offset after."""
        end = time.monotonic() + WAIT
        while time.monotonic() < end:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                line.extend(os.read(master, 4096))
                if line.find(text, after) >= 0:
                    return True
            if proc.poll() is not None:
                return False
        return False

    ok = True
    try:
        if not wait_for(PROMPT, 0):
            print("no request for a secret within %d s" % WAIT)
            ok = False
        elif 0xC0 in line:
            print("a SLIP END byte on the line before any secret")
            ok = False
        if ok:
            mark = len(line)
            os.write(master, b"f" * 16 + b"\r\n")
            if not wait_for(REFUSED, mark) or not wait_for(PROMPT, mark):
                print("16 f not refused, or no new request after it")
                ok = False
        if ok:
            mark = len(line)
            os.write(master, secret.encode("ascii") + b"\n")
            if not wait_for(STORED, mark):
                print("the secret was not stored")
                ok = False
        time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out = proc.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            out = proc.communicate()[0]
        os.close(master)
        os.close(slave)
    if proc.returncode != 0:
        print("pagec-avrsim exited with status %d" % proc.returncode)
        ok = False
    if not ok:
        print("the line carried: %r" % bytes(line))
        print(out.decode(errors="replace"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
