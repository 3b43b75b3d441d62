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
# once). Then, when the site has the led actions (samples/site), the
# firmware again in a namespace of its own: the actions switch the board's
# status LED, PF0, whose level m3-peek.py reads from the port's data
# register through QEMU's monitor, and the status page's led field shows
# it (tests/emulated/led.sh).
#
# With M3_LINK=eth, the firmware pagec-m3-eth instead, on the board's
# Ethernet controller, which QEMU connects to a TAP device in the test's
# namespace (tests/slip/slip.sh --tap): ARP (the kernel's neighbour entry,
# arping), the same pages, live fields, 404, ping and closed port, then
# 100 fetches under 10 % loss each way (iptables). The LED is checked over
# SLIP only; and the device is found by its name, pagec-m3.local.
#
# With M3_LINK=linklocal, pagec-m3-ll, which claims an IPv4 link-local
# address of its own (tests/emulated/m3-linklocal.sh). With M3_LINK=ppp,
# pagec-m3-ppp, PPP on UART0 after a modem's dialogue, its PC side
# tests/tools/pppeer.py (chat(8) dialing, PPP in user space: this
# kernel has none for pppd), through which slip.sh (SLIP_PPP=1) runs
# its checks.
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
#   M3_LINK=eth, linklocal, ppp  the other firmwares, as above

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
FW=pagec-m3
[ "${M3_LINK:-slip}" = eth ] && FW=pagec-m3-eth
[ "${M3_LINK:-slip}" = linklocal ] && FW=pagec-m3-ll
[ "${M3_LINK:-slip}" = ppp ] && FW=pagec-m3-ppp
log=$BUILD/$FW-build.log
if ! { "$CMAKE" -S "$SRC" -B "$BUILD" \
        -DCMAKE_TOOLCHAIN_FILE="$SRC/cmake/toolchains/arm-none-eabi.cmake" \
        -DPAGEC_CPU=cortex-m3 -DPAGEC_EXECUTABLE="$PAGEC" \
        -DPAGEC_DEMO_SITE="$SITE" -DPAGEC_M3_ADDR=192.0.2.2 \
        -DPAGEC_M3_NAME=pagec-m3 &&
       "$CMAKE" --build "$BUILD" --target "$FW"; } >"$log" 2>&1; then
    echo "FAIL - $FW builds (log: $log)"
    tail -n 40 "$log" | sed 's/^/       | /'
    echo "0 passed, 1 failed"
    exit 1
fi
elf=$BUILD/samples/cortex-m3/$FW.elf
if [ ! -f "$elf" ]; then
    echo "FAIL - $FW builds: no $elf"
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
export SLIP_DEV_NAME=$FW SLIP_DEV_READY='^pagec-m3: serving' SLIP_DEV_WAIT=100
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
# the link-local firmware: tests/emulated/m3-linklocal.sh
if [ "$FW" = pagec-m3-ll ]; then
    export M3_FIRMWARE=$elf QEMU
    exec "$HERE/m3-linklocal.sh" "$HERE/m3-qemu.sh" "$SITE"
fi
# tests/slip/slip.sh with the firmware as the device; its lines indented
if [ "$FW" = pagec-m3-eth ]; then
    export M3_TAP=1 M3_MAC=02:00:00:00:00:42 SLIP_MDNS_NAME=pagec-m3
    export SLIP_DEV_MAC=$M3_MAC SLIP_LOSS_FETCHES=${SLIP_LOSS_FETCHES:-100}
    "$HERE/../slip/slip.sh" --tap "$HERE/m3-qemu.sh" "$SITE" 2>&1 | sed 's/^/    /'
elif [ "$FW" = pagec-m3-ppp ]; then
    # the PC's side: chat and PPP in user space, scapy for LCP and IPCP
    command -v chat >/dev/null 2>&1 || skip "needs chat (Debian: ppp)"
    /usr/bin/python3 -c 'import scapy.layers.ppp' 2>/dev/null ||
        skip "needs /usr/bin/python3 with scapy (python3-scapy)"
    export SLIP_PPP=1
    "$HERE/../slip/slip.sh" "$SRC/tests/tools/pppeer.py" "$HERE/m3-qemu.sh" \
        "$SITE" 2>&1 | sed 's/^/    /'
else
    "$HERE/../slip/slip.sh" "$PAGEC_SLIP" "$HERE/m3-qemu.sh" "$SITE" 2>&1 | sed 's/^/    /'
fi
slip_rc=${PIPESTATUS[0]}
[ -n "${mon:-}" ] && rm -rf -- "$mon"
trap - EXIT
[ "$slip_rc" = 77 ] && exit 77
if [ "$FW" != pagec-m3 ]; then
    [ "$slip_rc" = 0 ] && echo "ok   - tests/slip/slip.sh: all passed" &&
        echo "1 passed, 0 failed" && exit 0
    echo "FAIL - tests/slip/slip.sh: exit status $slip_rc"
    echo "0 passed, 1 failed"
    exit 1
fi

# --- the LED ----------------------------------------------------------------

# The site's actions switch the board's status LED, PF0, whose level the
# test reads from port F's data register through QEMU's monitor
# (m3-peek.py), in a namespace of its own (tests/emulated/led.sh).
SERVER_NAME=pagec-slip
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
SLIP_MTU=1006
CURL_MAX_TIME=10
STOP_WAIT=30
# shellcheck source=tests/e2e/common.sh
. "$HERE/../e2e/common.sh" || exit 1
# shellcheck source=tests/emulated/led.sh
. "$HERE/led.sh" || exit 1
if [ "$slip_rc" = 0 ]; then
    pass "tests/slip/slip.sh: all passed"
else
    fail "tests/slip/slip.sh: exit status $slip_rc"
fi
if ! grep -qs -- '<!--action:led:' "$SITE/index.html"; then
    note() { echo "#    $*"; }
    note "the site has no led actions: the LED is not checked"
    finish
fi
need curl
need python3 "(the monitor, and pages with live fields)"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-m3.XXXXXX") || exit 1
LOG=$WORK/pagec-slip.log
LOG_HEADING="last lines of the pagec-slip log ($LOG):"
LOG_TAIL=40
DEV_LOG=$WORK/pagec-m3.log
DEV_NAME=pagec-m3
DEV_PID=
# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    stop_dev
    ns_teardown
    remove_work "${SLIP_KEEP:-0}"
}
trap_cleanup
ns_create m3 pm3
slip_bridge_start "$PAGEC_SLIP" "$SLIP_MTU"
ip netns exec "$NS" env M3_MONITOR="$WORK/monitor" "$HERE/m3-qemu.sh" "$PTY" >"$DEV_LOG" 2>&1 &
DEV_PID=$!
for ((i = 0; i < 100; i++)); do
    grep -qs '^pagec-m3: serving' "$DEV_LOG" && break
    kill -0 "$DEV_PID" 2>/dev/null || break
    sleep 0.1
done
if ! grep -qs '^pagec-m3: serving' "$DEV_LOG"; then
    fail "pagec-m3 did not start on $PTY"
    evidence <"$DEV_LOG"
    finish
fi

# m3_led: PF0's level, bit 0 of port F's data register (GPIO_DATA at the
# address whose bits 9:2 are the mask)
# shellcheck disable=SC2317 # called through check_led
m3_led() {
    python3 "$HERE/m3-peek.py" "$WORK/monitor" 0x40025004 1
}
echo "# the status LED (PF0), switched by the site's actions:"
check_led m3_led

stop_dev
if [ "$DEV_RC" -eq 0 ]; then
    pass "QEMU exits with status 0 on SIGTERM"
else
    fail "QEMU exit status $DEV_RC on SIGTERM (want 0)"
fi
check_shutdown
finish
