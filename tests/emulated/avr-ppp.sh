#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/emulated/avr-ppp.sh - the emulated_avr_ppp test: pagec-avr-ppp,
# the AVR firmware with PPP on UART0 after a modem's dialogue
# (samples/avr with AVR_PPP, the buffered API), built for an ATmega2560
# with the sample site, run in pagec-avrsim and dialed over a
# pseudo-terminal at 115200 baud.
#
# Usage: avr-ppp.sh CMAKE PAGEC PAGEC_AVRSIM SOURCE_DIR BUILD_DIR
#
# The PC's side is tests/tools/pppeer.py: chat(8) for the dialogue (AT,
# CLIENT, "+++", ATH, ATDT), then LCP and IPCP and IPv4 in user space
# (this machine's kernel has no PPP, so Linux pppd cannot run). Through
# it tests/slip/slip.sh (SLIP_PPP=1) runs its checks: every file of the
# site byte for byte (live fields: uptime and requests advancing, the
# ADC0 pin's millivolts), a 404, ping, a closed port, and LCP's
# Terminate at the end.
#
# Exit status: 0 all checks passed, 1 a check failed or the firmware does
# not build, 2 usage error, 77 a prerequisite is missing (avr-gcc and
# avr-libc, chat, python3 with scapy, root, /dev/net/tun, ...; in CI a
# failure, tests/skip.sh).
#
# Environment:
#   AVR_KEEP=1   keep the work directory

set -u

PROG=${0##*/}
HERE=$(cd "$(dirname -- "$0")" && pwd)
SERVER_NAME=pppeer.py
MCU=atmega2560
DEV_WAIT=100         # tenths of a second for pagec-avrsim to serve
ADC0_MV=1234         # the voltage pagec-avrsim puts on ADC0
ADC0_TOLERANCE=10    # millivolts: two steps of the 10-bit ADC at 5 V

# shellcheck source=tests/e2e/common.sh
. "$HERE/../e2e/common.sh" || exit 1

if [ $# -ne 5 ]; then
    echo "usage: $PROG CMAKE PAGEC PAGEC_AVRSIM SOURCE_DIR BUILD_DIR" >&2
    exit 2
fi
CMAKE=$1
PAGEC=$2
AVRSIM=$3
SRC=$4
BUILD=$5
for f in "$CMAKE" "$PAGEC" "$AVRSIM"; do
    if [ ! -f "$f" ] || [ ! -x "$f" ]; then
        echo "$PROG: $f: not an executable file" >&2
        exit 2
    fi
done

need avr-gcc "(gcc-avr)"
echo '#include <avr/io.h>' | avr-gcc -mmcu=$MCU -E -o /dev/null - 2>/dev/null ||
    skip "needs avr-libc"
[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need chat "(Debian: ppp)"
/usr/bin/python3 -c 'import scapy.layers.ppp' 2>/dev/null ||
    skip "needs /usr/bin/python3 with scapy (python3-scapy)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-avr-ppp.XXXXXX") || exit 1

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    remove_work "${AVR_KEEP:-0}"
}
trap_cleanup

SITE=$SRC/samples/site
if "$CMAKE" -S "$SRC" -B "$BUILD" \
    -DCMAKE_TOOLCHAIN_FILE="$SRC/cmake/toolchains/avr.cmake" \
    -DPAGEC_MCU=$MCU -DPAGEC_EXECUTABLE="$PAGEC" \
    -DPAGEC_AVR_SITE="$SITE" -DPAGEC_AVR_SITE_OPTIONS= >"$WORK/build.log" 2>&1 &&
    "$CMAKE" --build "$BUILD" --target pagec-avr-ppp >>"$WORK/build.log" 2>&1; then
    FIRMWARE=$BUILD/samples/avr/pagec-avr-ppp.elf
    read -r text data bss _ < <(avr-size "$FIRMWARE" 2>/dev/null | sed -n 2p)
    pass "pagec-avr-ppp for the $MCU: flash $((text + data)) bytes, RAM .data + .bss $((data + bss)) bytes"
else
    fail "build pagec-avr-ppp for $MCU"
    tail -n 30 "$WORK/build.log" | evidence
    finish
fi

echo "# tests/slip/slip.sh (SLIP_PPP=1) with the $MCU in pagec-avrsim as the device:"
AVR_SIM=$AVRSIM AVR_FIRMWARE=$FIRMWARE AVR_MCU=$MCU AVR_ADC0_MV=$ADC0_MV \
    SLIP_PPP=1 SLIP_DEV_NAME=pagec-avrsim \
    SLIP_DEV_READY='^pagec-avrsim: serving' SLIP_DEV_WAIT=$DEV_WAIT \
    SLIP_LIVE=1 SLIP_LIVE_INPUT='^[0-9]+ mV$' \
    SLIP_LIVE_INPUT_RANGE="$((ADC0_MV - ADC0_TOLERANCE)) $((ADC0_MV + ADC0_TOLERANCE))" \
    "$SRC/tests/slip/slip.sh" "$SRC/tests/tools/pppeer.py" "$HERE/avr-dev.sh" \
    "$SITE" 2>&1 | sed 's/^/    /'
rc=${PIPESTATUS[0]}
case $rc in
    0) pass "tests/slip/slip.sh: the site over PPP, after the modem's dialogue" ;;
    77) skip "tests/slip/slip.sh skipped" ;;
    *) fail "tests/slip/slip.sh: exit status $rc" ;;
esac
finish
