#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/emulated/m3.sh - the emulated_m3 test: the pagec-m3 firmware
# (samples/cortex-m3) built for the Cortex-M3 and run in QEMU's Stellaris
# LM3S6965 board, serving the site over SLIP to curl and ping through
# pagec-slip.
#
# Usage: m3.sh PAGEC PAGEC_SLIP SOURCE_DIR BUILD_DIR SITE_DIR
#
#   PAGEC       the host pagec, which compiles the site for the firmware
#   PAGEC_SLIP  the SLIP bridge
#   SOURCE_DIR  the source tree of pagec
#   BUILD_DIR   where to cross-build the firmware (made when missing;
#               built again incrementally on later runs)
#   SITE_DIR    the site the firmware serves, and the test fetches
#
# Cross-builds the firmware (cmake with cmake/toolchains/arm-none-eabi.cmake
# and -DPAGEC_EXECUTABLE=PAGEC), then runs tests/slip/slip.sh with
# m3-qemu.sh as the device: every file of the site through curl, byte for
# byte (a page with live fields with its fields filled), a 404, ping, a
# closed port, and QEMU's clean exit on SIGTERM, all in a network
# namespace of the test's own. When the site's index.html has the live
# fields uptime and requests (samples/site), slip.sh also checks them
# (SLIP_LIVE): two fetches 1.5 s apart show requests count up and uptime,
# the firmware's SysTick seconds, advance with the wall clock; and with
# an input field, the board's buttons: 0 once m3-keys.py has pressed and
# let go each of them through QEMU's monitor, 16 while it holds select
# (QEMU's board reads every button as pressed until its key was let go
# once).
#
# Exit status: 0 all checks passed, 1 a check failed or the firmware does
# not build, 2 usage error, 77 a prerequisite is missing (qemu-system-arm,
# arm-none-eabi-gcc, root, /dev/net/tun, python3 for a site with live
# fields, ...: "SKIP: why" on stdout).
#
# Environment:
#   CMAKE   the cmake to build with (default: cmake on PATH)
#   QEMU    the emulator (default: qemu-system-arm)
#   SLIP_KEEP=1  keep slip.sh's work directory (logs, bodies)

set -u

PROG=${0##*/}
HERE=$(cd "$(dirname -- "$0")" && pwd)

if [ $# -ne 5 ]; then
    echo "usage: $PROG PAGEC PAGEC_SLIP SOURCE_DIR BUILD_DIR SITE_DIR" >&2
    exit 2
fi
PAGEC=$1
PAGEC_SLIP=$2
SRC=$3
BUILD=$4
SITE=$5
for f in "$PAGEC" "$PAGEC_SLIP"; do
    if [ ! -f "$f" ] || [ ! -x "$f" ]; then
        echo "$PROG: $f: not an executable file" >&2
        exit 2
    fi
done
for d in "$SRC" "$SITE"; do
    if [ ! -d "$d" ]; then
        echo "$PROG: $d: not a directory" >&2
        exit 2
    fi
done

# skip: exit 77, in CI a failure
# shellcheck source=tests/skip.sh
. "$SRC/tests/skip.sh" || exit 1

# --- prerequisites ---------------------------------------------------------

CMAKE=${CMAKE:-cmake}
QEMU=${QEMU:-qemu-system-arm}
command -v "$QEMU" >/dev/null 2>&1 || skip "needs $QEMU (qemu-system-arm)"
command -v arm-none-eabi-gcc >/dev/null 2>&1 ||
    skip "needs arm-none-eabi-gcc (gcc-arm-none-eabi)"
command -v "$CMAKE" >/dev/null 2>&1 || skip "needs $CMAKE"
# the rest slip.sh checks too; checked here first to skip before building
[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

# --- the firmware ----------------------------------------------------------

mkdir -p -- "$BUILD" || exit 1
BUILD=$(cd "$BUILD" && pwd)
SRC=$(cd "$SRC" && pwd)
SITE=$(cd "$SITE" && pwd)
log=$BUILD/m3-build.log
if ! { "$CMAKE" -S "$SRC" -B "$BUILD" \
        -DCMAKE_TOOLCHAIN_FILE="$SRC/cmake/toolchains/arm-none-eabi.cmake" \
        -DPAGEC_CPU=cortex-m3 -DPAGEC_EXECUTABLE="$PAGEC" \
        -DPAGEC_DEMO_SITE="$SITE" &&
       "$CMAKE" --build "$BUILD" --target pagec-m3; } >"$log" 2>&1; then
    echo "FAIL - pagec-m3 builds (log: $log)"
    tail -n 40 "$log" | sed 's/^/       | /'
    echo "0 passed, 1 failed"
    exit 1
fi
elf=$BUILD/samples/cortex-m3/pagec-m3.elf
if [ ! -f "$elf" ]; then
    echo "FAIL - pagec-m3 builds: no $elf"
    echo "0 passed, 1 failed"
    exit 1
fi
# the size line of arm-none-eabi-size, printed after the link
sizes=$(awk '/^ *text/ { getline; print $1, $2, $3 }' "$log" | tail -n 1)
if [ -n "$sizes" ]; then
    read -r text data bss <<<"$sizes"
    echo "$PROG: $elf: .text $text, .data $data, .bss $bss (stack included)"
fi

# --- the test --------------------------------------------------------------

# The firmware prints its start-up line on the console UART, which
# m3-qemu.sh sends to the log slip.sh keeps of the device.
export M3_FIRMWARE=$elf QEMU
export SLIP_DEV_NAME=pagec-m3 SLIP_DEV_READY='^pagec-m3: serving' SLIP_DEV_WAIT=100
if grep -qs -- '<!--live:uptime:' "$SITE/index.html" &&
    grep -q -- '<!--live:requests:' "$SITE/index.html"; then
    command -v python3 >/dev/null 2>&1 || skip "needs python3 (pages with live fields)"
    export SLIP_LIVE=1
    if grep -q -- '<!--live:input:' "$SITE/index.html"; then
        # the board's buttons through QEMU's monitor, a socket in a
        # folder of this run's own (removed at exit)
        mon=$(mktemp -d "${TMPDIR:-/tmp}/pagec-m3.XXXXXX") || exit 1
        trap 'rm -rf -- "$mon"' EXIT
        export M3_MONITOR=$mon/monitor M3_KEYS=$HERE/m3-keys.py
        # shellcheck disable=SC2016 # expanded by slip.sh's sh -c
        export SLIP_LIVE_INIT='python3 "$M3_KEYS" "$M3_MONITOR" up down left right ctrl'
        export SLIP_LIVE_INPUT='^0$'
        # shellcheck disable=SC2016
        export SLIP_LIVE_PRESS='python3 "$M3_KEYS" "$M3_MONITOR" ctrl:3000'
        export SLIP_LIVE_PRESSED='^16$'
    fi
fi
if [ -n "${M3_MONITOR:-}" ]; then
    # not exec: the trap removes the monitor's folder afterwards
    "$HERE/../slip/slip.sh" "$PAGEC_SLIP" "$HERE/m3-qemu.sh" "$SITE"
    exit
fi
exec "$HERE/../slip/slip.sh" "$PAGEC_SLIP" "$HERE/m3-qemu.sh" "$SITE"
