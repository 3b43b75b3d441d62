#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/emulated/arduino.sh - end-to-end test of the Arduino library: its
# .zip installed as the IDE installs it, its example SerialWeb built by
# arduino-builder for an Uno, run in simavr and fetched through
# pagec-slip.
#
# Usage: arduino.sh PAGEC PAGEC_SECRET PAGEC_SLIP PAGEC_AVRSIM LIBRARY_ZIP
#                   SOURCE_DIR [AVR_FIRMWARE]
#
#   1. LIBRARY_ZIP (target pagec-arduino) is unpacked into a sketchbook's
#      libraries folder: one folder, pagec, with library.properties, src/
#      and examples/SerialWeb; the example is copied out, and its site
#      compiled again by the command its comment and the README give,
#      which must give the very site.c and site.h the library holds.
#   2. arduino-builder (Debian's, offline, with arduino-core-avr) compiles
#      the example for arduino:avr:uno and arduino:avr:mega (ATmega2560);
#      the flash and RAM of the Uno's image (avr-size) are printed beside
#      those of the bare-metal firmware AVR_FIRMWARE (samples/avr, when
#      given and built).
#   3. The Uno image in pagec-avrsim with an erased EEPROM: the sketch
#      asks for a secret on its serial port and sends no SLIP frame (it
#      serves nothing); a line of 16 f refused; a secret pagec-secret drew
#      stored, and the EEPROM (pagec-avrsim --eeprom) holds its bytes.
#   4. tests/slip/slip.sh with that image and EEPROM as the device: every
#      file byte-exact, the live fields (uptime from millis() advancing
#      with the clock, requests counting, input the voltage pagec-avrsim
#      puts on A0), 404, ping, a closed port refused, both programs exit
#      0 on SIGTERM.
#   5. tests/slip/slip.sh --slirp: the same through pagec-slip --slirp, as
#      a user without root reaches the board, with 8 fetches at once.
#   6. Load: ARDUINO_ROUNDS rounds (default 10) of a browser's page load,
#      index.html, about.html and logo.gif fetched at once, 6 connections
#      each time, through the TUN device; every body compared, and the
#      client's TCP retransmissions (nstat in the namespace: a datagram
#      the board lost to its 64-byte receive buffer, or dropped whole
#      while both its streams held replies, is sent again) and the time
#      printed.
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (arduino-builder, arduino-core-avr, avr-gcc,
# python3, root, /dev/net/tun, curl); in CI (CI=true) a missing
# prerequisite is a failure.
#
# Environment:
#   ARDUINO_ROUNDS=N  the page loads of step 6 (default 10, at most 100)
#   ARDUINO_KEEP=1    keep the work directory and print its path

set -u

PROG=${0##*/}
HERE=$(cd "$(dirname -- "$0")" && pwd)
SERVER_NAME=pagec-slip
ADC0_MV=1234           # the voltage pagec-avrsim puts on A0
ADC0_TOLERANCE=10      # millivolts: two steps of the 10-bit ADC at 5 V
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
SLIP_MTU=1006
DEV_WAIT=100           # tenths of a second for pagec-avrsim to serve
STOP_WAIT=30           # tenths of a second to wait for a program to exit
CURL_MAX_TIME=20
ROUNDS=${ARDUINO_ROUNDS:-10}
HARDWARE=/usr/share/arduino/hardware
BUILDER_HARDWARE=/usr/share/arduino-builder

# shellcheck source=tests/e2e/common.sh
. "$HERE/../e2e/common.sh" || exit 1

if [ $# -lt 6 ] || [ $# -gt 7 ]; then
    echo "usage: $PROG PAGEC PAGEC_SECRET PAGEC_SLIP PAGEC_AVRSIM LIBRARY_ZIP SOURCE_DIR [AVR_FIRMWARE]" >&2
    exit 2
fi
PAGEC=$1
SECRET_BIN=$2
SLIP_BIN=$3
AVRSIM=$4
ZIP=$5
SRC=$6
BARE=${7:-}
for f in "$PAGEC" "$SECRET_BIN" "$SLIP_BIN" "$AVRSIM"; do
    if [ ! -f "$f" ] || [ ! -x "$f" ]; then
        echo "$PROG: $f: not an executable file" >&2
        exit 2
    fi
done
if [ ! -f "$ZIP" ]; then
    echo "$PROG: $ZIP: no such file (build the target pagec-arduino)" >&2
    exit 2
fi
case $ROUNDS in
    '' | *[!0-9]*) echo "$PROG: ARDUINO_ROUNDS=$ROUNDS: not a number" >&2; exit 2 ;;
esac
if [ "$ROUNDS" -lt 1 ] || [ "$ROUNDS" -gt 100 ]; then
    echo "$PROG: ARDUINO_ROUNDS=$ROUNDS: want 1 to 100" >&2
    exit 2
fi

# --- prerequisites ---------------------------------------------------------

need arduino-builder "(arduino-builder)"
[ -f "$HARDWARE/arduino/avr/platform.txt" ] || skip "needs the Arduino AVR core (arduino-core-avr)"
need avr-gcc "(gcc-avr)"
need avr-size "(binutils-avr)"
need python3
need curl
need cmp "(diffutils)"
[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need nstat "(iproute2)"

# --- set-up and clean-up ---------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-arduino.XXXXXX") || exit 1
LOG=$WORK/pagec-slip.log
DEV_LOG=$WORK/pagec-avrsim.log
LOG_HEADING="last lines of the pagec-slip log ($LOG):"
LOG_TAIL=40
DEV_PID=
DEV_NAME=pagec-avrsim
EEPROM=$WORK/eeprom.bin

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    stop_dev
    ns_teardown
    remove_work "${ARDUINO_KEEP:-0}"
}
trap_cleanup

# --- 1. the library, installed ---------------------------------------------

LIBS=$WORK/libraries
mkdir -p "$LIBS" || exit 1
if python3 -m zipfile -e "$ZIP" "$LIBS" 2>"$WORK/unzip.err" &&
    [ "$(ls "$LIBS")" = pagec ] && [ -f "$LIBS/pagec/library.properties" ] &&
    [ -f "$LIBS/pagec/src/PagecSerial.h" ] &&
    [ -f "$LIBS/pagec/examples/SerialWeb/SerialWeb.ino" ]; then
    pass "${ZIP##*/}: one folder, pagec, with library.properties, src/PagecSerial.h and examples/SerialWeb ($(grep -c . < <(find "$LIBS/pagec/src" -name '*.c')) C files)"
else
    fail "${ZIP##*/} is not a library folder as the IDE installs it"
    evidence <"$WORK/unzip.err"
    finish
fi
SKETCH=$WORK/SerialWeb
cp -r "$LIBS/pagec/examples/SerialWeb" "$SKETCH" || exit 1
# the command the sketch's comment gives, as a user runs it
cmd=$(sed -n 's|^//     \(pagec .*\)$|\1|p' "$SKETCH/SerialWeb.ino")
if [ -z "$cmd" ]; then
    fail "SerialWeb.ino names no command that compiles its site"
elif (cd "$SKETCH" && rm -f site.c site.h && eval "\"\$PAGEC\" ${cmd#pagec }") >"$WORK/pagec.log" 2>&1 &&
    cmp -s "$SKETCH/site.c" "$LIBS/pagec/examples/SerialWeb/site.c" &&
    cmp -s "$SKETCH/site.h" "$LIBS/pagec/examples/SerialWeb/site.h"; then
    pass "'$cmd' in the sketch's folder gives the site.c and site.h the library holds"
else
    fail "'$cmd' in the sketch's folder: another site, or an error"
    evidence <"$WORK/pagec.log"
fi

# --- 2. arduino-builder ----------------------------------------------------

# build FQBN DIR: compiles the sketch into DIR.
build() {
    mkdir -p "$2" &&
        arduino-builder -compile -hardware "$HARDWARE" \
            -hardware "$BUILDER_HARDWARE" -tools /usr/bin \
            -libraries "$LIBS" -fqbn "$1" -build-path "$2" \
            -prefs=compiler.cpp.extra_flags=-DDECIMAL_DIG=17 \
            -warnings all "$SKETCH/SerialWeb.ino" >"$2.log" 2>&1
}

# sizes ELF: "flash N bytes, RAM M bytes" of an AVR image.
sizes() {
    local text data bss
    read -r text data bss _ < <(avr-size "$1" | sed -n 2p)
    echo "flash $((text + data)) bytes (.text $text, .data $data), RAM .data + .bss $((data + bss)) bytes"
}

for board in arduino:avr:uno arduino:avr:mega:cpu=atmega2560; do
    dir=$WORK/build-${board//[:=]/-}
    if build "$board" "$dir"; then
        pass "arduino-builder $board: $(sizes "$dir/SerialWeb.ino.elf")"
        # the library's own files compile without a warning
        if grep -E "libraries/pagec/.*warning:" "$dir.log" >"$WORK/warnings"; then
            fail "the library's files warn with -warnings all ($board)"
            evidence <"$WORK/warnings"
        fi
    else
        fail "arduino-builder $board"
        tail -n 30 "$dir.log" | evidence
        finish
    fi
done
FIRMWARE=$WORK/build-arduino-avr-uno/SerialWeb.ino.elf
if [ -n "$BARE" ] && [ -f "$BARE" ]; then
    note() { echo "#    $*"; }
    note "beside it, the bare-metal firmware samples/avr (${BARE##*/}): $(sizes "$BARE")"
fi
export AVR_SIM=$AVRSIM AVR_FIRMWARE=$FIRMWARE AVR_ADC0_MV=$ADC0_MV AVR_EEPROM=$EEPROM

# --- 3. the secret ---------------------------------------------------------

SECRET=$("$SECRET_BIN") || { fail "pagec-secret"; finish; }
if python3 "$SRC/tests/tools/provision.py" "$AVRSIM" "$FIRMWARE" "$EEPROM" \
    "$SECRET" >"$WORK/provision.log" 2>&1; then
    pass "an erased EEPROM: the sketch asks for a secret and sends no frame; 16 f refused; pagec-secret's stored"
else
    fail "provisioning the secret over the serial port"
    evidence <"$WORK/provision.log"
    finish
fi
stored=$(python3 -c 'import sys; print(open(sys.argv[1], "rb").read(8).hex())' "$EEPROM")
if [ "$stored" = "$SECRET" ]; then
    pass "the EEPROM holds the secret sent: $stored"
else
    fail "the EEPROM holds $stored, not $SECRET"
fi

# --- 4. and 5. tests/slip/slip.sh ------------------------------------------

slip() {
    SLIP_DEV_NAME=pagec-avrsim SLIP_DEV_READY='^pagec-avrsim: serving' \
        SLIP_DEV_WAIT=$DEV_WAIT SLIP_LIVE=1 SLIP_LIVE_INPUT='^[0-9]+ mV$' \
        SLIP_LIVE_INPUT_RANGE="$((ADC0_MV - ADC0_TOLERANCE)) $((ADC0_MV + ADC0_TOLERANCE))" \
        "$SRC/tests/slip/slip.sh" "$@" "$SLIP_BIN" "$HERE/avr-dev.sh" \
        "$SKETCH/data" 2>&1 | sed 's/^/    /'
    return "${PIPESTATUS[0]}"
}
for mode in "" --slirp; do
    what="tests/slip/slip.sh${mode:+ $mode} (pagec-slip${mode:+ $mode})"
    echo "# $what with the sketch in pagec-avrsim as the device:"
    slip $mode
    rc=$?
    case $rc in
        0) pass "$what: all passed" ;;
        77) skip "$what skipped" ;;
        *) fail "$what: exit status $rc" ;;
    esac
done

# --- 6. a browser's page loads ---------------------------------------------

ns_create arduino pard
slip_bridge_start "$SLIP_BIN" "$SLIP_MTU"
: >"$DEV_LOG"
ip netns exec "$NS" "$HERE/avr-dev.sh" "$PTY" >>"$DEV_LOG" 2>&1 &
DEV_PID=$!
for ((i = 0; i < DEV_WAIT; i++)); do
    grep -q '^pagec-avrsim: serving' "$DEV_LOG" && break
    kill -0 "$DEV_PID" 2>/dev/null || break
    sleep 0.1
done
if ! grep -q '^pagec-avrsim: serving' "$DEV_LOG"; then
    fail "pagec-avrsim did not start on $PTY"
    evidence <"$DEV_LOG"
    finish
fi
nsexec nstat -n >/dev/null 2>&1 # the counters from here
bad=0
t0=$(date +%s%N)
for ((r = 0; r < ROUNDS; r++)); do
    pids=()
    k=0
    for f in index.html about.html logo.gif about.html logo.gif index.html; do
        nsexec curl -sS --compressed --max-time "$CURL_MAX_TIME" \
            -o "$WORK/load.$k" "http://$SERVER_ADDR/$f" 2>>"$WORK/curl.err" &
        pids+=($!)
        k=$((k + 1))
    done
    k=0
    for f in index.html about.html logo.gif about.html logo.gif index.html; do
        if ! wait "${pids[$k]}"; then
            bad=$((bad + 1))
        elif [ $f = index.html ]; then
            same_page "$WORK/load.$k" "$SKETCH/data/$f" "$WORK/values" || bad=$((bad + 1))
        else
            cmp -s "$WORK/load.$k" "$SKETCH/data/$f" || bad=$((bad + 1))
        fi
        k=$((k + 1))
    done
done
t1=$(date +%s%N)
retrans=$(nsexec nstat -az TcpRetransSegs | awk '$1 == "TcpRetransSegs" { print $2 }')
segs=$(nsexec nstat -az TcpOutSegs | awk '$1 == "TcpOutSegs" { print $2 }')
if [ "$bad" -eq 0 ]; then
    pass "$ROUNDS page loads of 6 connections at once (index.html, about.html, logo.gif, twice each): every body right, in $(((t1 - t0) / 1000000)) ms; the client sent ${segs:-?} segments, ${retrans:-?} of them again"
else
    fail "$bad of $((ROUNDS * 6)) fetches of the page loads failed or differed"
    tail -n 5 "$WORK/curl.err" | evidence
fi

finish
