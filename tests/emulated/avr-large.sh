#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/emulated/avr-large.sh - the emulated_avr_large test: the AVR
# firmware (samples/avr, the streaming API) built for an ATmega2560 with a
# site whose page of 16 KiB goes out in many segments, run in pagec-avrsim
# and fetched over SLIP at 115200 baud.
#
# Usage: avr-large.sh CMAKE PAGEC PAGEC_SLIP PAGEC_AVRSIM SOURCE_DIR BUILD_DIR LARGE_SITE
#
# LARGE_SITE is the site of tests/e2e/large_site.c; the test makes a site
# of its own from it: big16.bin, the first 16384 bytes of its big.bin
# (seeded random bytes: no encoding makes it shorter), its settings.html
# (6 KB) and index.html. The firmware is built with PAGEC_MCU=atmega2560
# and PAGEC_AVR_SITE set to that site, then tests/slip/slip.sh runs it in
# pagec-avrsim (--mcu atmega2560) through avr-dev.sh: every file fetched
# by curl through pagec-slip, byte for byte, a 404, ping, a closed port.
#
# Exit status: 0 all checks passed, 1 a check failed or the firmware does
# not build, 2 usage error, 77 a prerequisite is missing (avr-gcc and
# avr-libc, root, /dev/net/tun, ...; in CI a failure, tests/skip.sh).
#
# Environment:
#   AVR_KEEP=1   keep the work directory

set -u

PROG=${0##*/}
HERE=$(cd "$(dirname -- "$0")" && pwd)
SERVER_NAME=pagec-slip
MCU=atmega2560
DEV_WAIT=100 # tenths of a second for pagec-avrsim to serve

# shellcheck source=tests/e2e/common.sh
. "$HERE/../e2e/common.sh" || exit 1

if [ $# -ne 7 ]; then
    echo "usage: $PROG CMAKE PAGEC PAGEC_SLIP PAGEC_AVRSIM SOURCE_DIR BUILD_DIR LARGE_SITE" >&2
    exit 2
fi
CMAKE=$1
PAGEC=$2
SLIP_BIN=$3
AVRSIM=$4
SRC=$5
BUILD=$6
LARGE=$7
for f in "$CMAKE" "$PAGEC" "$SLIP_BIN" "$AVRSIM"; do
    if [ ! -f "$f" ] || [ ! -x "$f" ]; then
        echo "$PROG: $f: not an executable file" >&2
        exit 2
    fi
done
if [ ! -f "$LARGE/big.bin" ] || [ ! -f "$LARGE/settings.html" ]; then
    echo "$PROG: $LARGE: not the site of large files (big.bin, settings.html)" >&2
    exit 2
fi

need avr-gcc "(gcc-avr)"
echo '#include <avr/io.h>' | avr-gcc -mmcu=$MCU -E -o /dev/null - 2>/dev/null ||
    skip "needs avr-libc"
[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need curl
need cmp "(diffutils)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-avr-large.XXXXXX") || exit 1

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    remove_work "${AVR_KEEP:-0}"
}
trap_cleanup

SITE=$WORK/site
mkdir -p "$SITE" || exit 1
head -c 16384 "$LARGE/big.bin" >"$SITE/big16.bin" &&
    cp "$LARGE/settings.html" "$LARGE/index.html" "$SITE/" || exit 1

if "$CMAKE" -S "$SRC" -B "$BUILD" \
    -DCMAKE_TOOLCHAIN_FILE="$SRC/cmake/toolchains/avr.cmake" \
    -DPAGEC_MCU=$MCU -DPAGEC_EXECUTABLE="$PAGEC" \
    -DPAGEC_AVR_SITE="$SITE" >"$WORK/build.log" 2>&1 &&
    "$CMAKE" --build "$BUILD" --target pagec-avr >>"$WORK/build.log" 2>&1; then
    FIRMWARE=$BUILD/samples/avr/pagec-avr.elf
    read -r text data bss _ < <(avr-size "$FIRMWARE" 2>/dev/null | sed -n 2p)
    pass "firmware for the $MCU with a 16 KiB page: flash $((text + data)) bytes, RAM .data + .bss $((data + bss)) bytes"
else
    fail "build samples/avr for $MCU with $SITE"
    tail -n 30 "$WORK/build.log" | evidence
    finish
fi

echo "# tests/slip/slip.sh with the $MCU in pagec-avrsim as the device:"
AVR_SIM=$AVRSIM AVR_FIRMWARE=$FIRMWARE AVR_MCU=$MCU SLIP_DEV_NAME=pagec-avrsim \
    SLIP_DEV_READY='^pagec-avrsim: serving' SLIP_DEV_WAIT=$DEV_WAIT \
    "$SRC/tests/slip/slip.sh" "$SLIP_BIN" "$HERE/avr-dev.sh" "$SITE" 2>&1 |
    sed 's/^/    /'
rc=${PIPESTATUS[0]}
case $rc in
    0) pass "tests/slip/slip.sh: every file of the site, the 16 KiB one in segments" ;;
    77) skip "tests/slip/slip.sh skipped" ;;
    *) fail "tests/slip/slip.sh: exit status $rc" ;;
esac
finish
