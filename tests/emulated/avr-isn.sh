#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/emulated/avr-isn.sh - HalfSipHash on an emulated ATmega328P: the
# 64 reference vectors and 8 ISNs (as the host computes them) by the
# runtime's AVR code path, and the
# cycles of one ISN.
#
# Usage: avr-isn.sh PAGEC_AVRSIM SOURCE_DIR
#
# Builds tests/emulated/isn_avr.c with the runtime's halfsiphash.c for the
# ATmega328P (avr-gcc -Os, as a firmware would), runs it in PAGEC_AVRSIM on
# a pseudo-terminal of its own (no traffic: the UART stays silent), and
# reads pagec-avrsim's counters: every vector right (64 pulses on PB0, none
# on PB1), and the PB2 cycles of 100 ISN calls. Prints the cycles per ISN
# and the ISNs per second at 16 MHz.
#
# Exit status: 0 passed, 1 failed, 2 usage error, 77 no avr-gcc, avr-libc
# or python3 (skipped; in CI a failure, tests/skip.sh).

set -u
PROG=${0##*/}
if [ $# -ne 2 ]; then
    echo "usage: $PROG PAGEC_AVRSIM SOURCE_DIR" >&2
    exit 2
fi
SIM=$1
SRC=$2
CALLS=100     # ISN_CALLS of isn_avr.c
FREQ=16000000

# shellcheck source=tests/skip.sh
. "$SRC/tests/skip.sh" || exit 1
command -v avr-gcc >/dev/null 2>&1 || skip "no avr-gcc (gcc-avr)"
[ -f /usr/lib/avr/include/avr/io.h ] || skip "no avr-libc"
PYTHON=$(command -v python3) || skip "no python3 (for a pseudo-terminal)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-avr-isn.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

if ! avr-gcc -mmcu=atmega328p -std=gnu99 -Os -Wall -Wextra -Werror \
    -I"$SRC/include" "$SRC/tests/emulated/isn_avr.c" "$SRC/runtime/halfsiphash.c" \
    -o "$WORK/isn.elf" 2>"$WORK/cc.log"; then
    echo "FAIL - isn_avr.c does not build for the ATmega328P"
    sed 's/^/#    /' "$WORK/cc.log"
    exit 1
fi

# pagec-avrsim needs a terminal for the UART: a pseudo-terminal nobody
# writes to. It prints "serving" once the firmware enabled its receiver,
# which it does after the vectors and the timed calls.
"$PYTHON" - "$SIM" "$WORK/isn.elf" "$WORK/stats" >"$WORK/sim.log" 2>&1 <<'EOT'
import os, signal, subprocess, sys, time
sim, elf, stats = sys.argv[1:4]
master, slave = os.openpty()
p = subprocess.Popen([sim, "--stats", stats, elf, os.ttyname(slave)],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
out = b""
deadline = time.time() + 30
while time.time() < deadline and b"serving" not in out:
    line = p.stdout.readline()
    if not line:
        break
    out += line
p.send_signal(signal.SIGTERM)
out += p.communicate(timeout=30)[0]
sys.stdout.write(out.decode(errors="replace"))
sys.exit(0 if b"serving" in out else 1)
EOT
rc=$?
val() {
    sed -n "s/^$1=//p" "$WORK/stats" 2>/dev/null
}
if [ "$rc" -ne 0 ] || [ ! -s "$WORK/stats" ]; then
    echo "FAIL - the firmware did not run to its end in pagec-avrsim"
    sed 's/^/#    /' "$WORK/sim.log" | tail -n 20
    exit 1
fi
right=$(val frames)
wrong=$(val dropped)
calls=$(val busy_calls)
cycles=$(val busy_cycles)
failed=0
if [ "$right" = 72 ] && [ "$wrong" = 0 ]; then
    echo "ok   - HalfSipHash-2-4 on the ATmega328P: the 64 reference vectors right; 8 ISNs as the host's"
else
    echo "FAIL - HalfSipHash-2-4 and the ISN on the ATmega328P: $right right, $wrong wrong of 72"
    failed=1
fi
if [ "$calls" = "$CALLS" ] && [ "${cycles:-0}" -gt 0 ]; then
    per=$((cycles / calls))
    echo "ok   - one ISN: $per cycles, $((per * 1000000 / FREQ)) us at 16 MHz ($((FREQ / per)) a second)"
else
    echo "FAIL - $calls timed calls seen, want $CALLS"
    failed=1
fi
exit "$failed"
