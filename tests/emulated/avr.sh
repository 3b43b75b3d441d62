#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/emulated/avr.sh - end-to-end test of the AVR firmware sample: the
# sample site served by an emulated ATmega328P at 16 MHz over SLIP at
# 115200 baud, and what one fetch costs it.
#
# Usage: avr.sh CMAKE PAGEC PAGEC_SLIP PAGEC_AVRSIM SOURCE_DIR BUILD_DIR
#
#   1. Builds samples/avr (pagec-avr.elf) in a cross build in BUILD_DIR
#      with avr-gcc, its site compiled by the host's PAGEC.
#   2. Runs tests/slip/slip.sh with the firmware in PAGEC_AVRSIM as the
#      device (through avr-dev.sh): every file of samples/site (but board.png,
#      which the ATmega328P build leaves out) fetched
#      with curl --compressed and compared (the status page with its live
#      fields), 404, ping, a refused port, exit status 0 on SIGTERM; and
#      the live fields of the status page (SLIP_LIVE): two fetches of /
#      1.5 s apart show its requests count up and its uptime, the
#      firmware's Timer1 seconds, advance with the wall clock; its input
#      shows the ADC0 pin, which pagec-avrsim holds at ADC0_MV millivolts,
#      to within 2 steps of the ADC (10 mV).
#   3. In a network namespace of its own, fetches /index.html
#      AVR_FETCHES times in a row (default 20), each compared, its
#      requests field counting up and its uptime never going back, and reports
#      the fetches per second, the runtime's cycles per fetch (the cycles
#      the firmware's PB2 was high), the bytes on the line per fetch and
#      the rate the line alone would allow, then pagec-avrsim's own report:
#      flash, RAM, stack high-water mark, cycles per datagram by kind.
#   4. In the same namespace, the LED (tests/emulated/led.sh): the site's
#      actions, GET /led?set=1 and a POST /led with the body set=1 and
#      their set=0, switch PB5, whose level pagec-avrsim reads from the
#      emulated port (and counts its changes: one per switch), and the
#      status page's led field shows it; one from another site gets 403.
#   5. The small services over the line, with socat: daytime over TCP and
#      UDP ("uptime N s", N the firmware's seconds), echo over TCP (two
#      lines, then a block of binary bytes, SLIP's END and ESC among them,
#      over several segments) and UDP, discard over TCP.
#
# The emulation is paced to the wall clock, so the times are those of a
# real part on a real 115200-baud line (simavr's UART delivers a byte per
# 10 bit times of the baud rate the firmware set).
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (avr-gcc and avr-libc, root, /dev/net/tun,
# network namespaces, curl).
#
# Environment:
#   AVR_FETCHES=N  the fetches of step 3
#   AVR_KEEP=1     keep the work directory (logs, statistics) and print
#                  its path
#
# Leaves the figures of step 3 in BUILD_DIR/stats.txt, key=value lines
# (scripts/report.sh reads them): fetches, fetch_wall_ns, pagec-avrsim's
# counters as differences over the fetches (cycles, busy_cycles,
# bytes_in, syn_count, request_cycles, ...), its other keys as it last
# wrote them (freq, flash, stack_sp, stack_paint, ...), and slip_stack_sp
# and slip_stack_paint, the stack high-water of the run of step 2. The
# file is removed first, so it exists only when step 3 ran.

set -u

PROG=${0##*/}
HERE=$(cd "$(dirname -- "$0")" && pwd)
SERVER_NAME=pagec-slip
ADC0_MV=1234           # the voltage pagec-avrsim puts on ADC0
ADC0_TOLERANCE=10      # millivolts: two steps of the 10-bit ADC at 5 V
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
SLIP_MTU=1006          # RFC 1055's MTU; MSS 966
CURL_MAX_TIME=10       # seconds for one HTTP fetch
STOP_WAIT=30           # tenths of a second to wait for a program to exit
DEV_WAIT=100           # tenths of a second for pagec-avrsim to serve
FETCHES=${AVR_FETCHES:-20}
MCU=atmega328p

# shellcheck source=tests/e2e/common.sh
. "$HERE/../e2e/common.sh" || exit 1
# shellcheck source=tests/emulated/led.sh
. "$HERE/led.sh" || exit 1

if [ $# -ne 6 ]; then
    echo "usage: $PROG CMAKE PAGEC PAGEC_SLIP PAGEC_AVRSIM SOURCE_DIR BUILD_DIR" >&2
    exit 2
fi
CMAKE=$1
PAGEC=$2
SLIP_BIN=$3
AVRSIM=$4
SRC=$5
BUILD=$6
for f in "$CMAKE" "$PAGEC" "$SLIP_BIN" "$AVRSIM"; do
    if [ ! -f "$f" ] || [ ! -x "$f" ]; then
        echo "$PROG: $f: not an executable file" >&2
        exit 2
    fi
done
if [ ! -f "$SRC/samples/avr/CMakeLists.txt" ]; then
    echo "$PROG: $SRC: not the pagec source tree" >&2
    exit 2
fi
case $FETCHES in
    '' | *[!0-9]*) echo "$PROG: AVR_FETCHES=$FETCHES: not a number" >&2; exit 2 ;;
esac
if [ "$FETCHES" -lt 1 ] || [ "$FETCHES" -gt 1000 ]; then
    echo "$PROG: AVR_FETCHES=$FETCHES: want 1 to 1000" >&2
    exit 2
fi
SAMPLE=$SRC/samples/site

# --- prerequisites ---------------------------------------------------------

need avr-gcc "(gcc-avr)"
echo '#include <avr/io.h>' | avr-gcc -mmcu=$MCU -E -o /dev/null - 2>/dev/null ||
    skip "needs avr-libc"
[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need curl
need cmp "(diffutils)"
need python3 "(to compare the status page, which has live fields)"
need socat "(the small services)"

# --- set-up and clean-up ---------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-avr.XXXXXX") || exit 1
# the site as the firmware has it: samples/site without its picture, which
# an ATmega328P build leaves out (samples/avr/CMakeLists.txt)
SITE=$WORK/site
mkdir "$SITE" && cp -p "$SAMPLE"/* "$SITE"/ && rm -f "$SITE/board.png" || exit 1
LOG=$WORK/pagec-slip.log
DEV_LOG=$WORK/pagec-avrsim.log
STATS=$WORK/avrsim.stats
LOG_HEADING="last lines of the pagec-slip log ($LOG):"
LOG_TAIL=40
DEV_PID=
DEV_NAME=pagec-avrsim

note() {
    echo "#    $*"
}

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    stop_dev
    ns_teardown
    remove_work "${AVR_KEEP:-0}"
}
trap_cleanup

# sval KEY [FILE]: the value of KEY in a pagec-avrsim statistics file.
sval() {
    sed -n "s/^$1=//p" "${2:-$STATS}"
}

# snapshot FILE: pagec-avrsim's statistics now (SIGUSR1), copied to FILE.
snapshot() {
    local i
    rm -f "$STATS"
    kill -s USR1 "$DEV_PID" 2>/dev/null
    for ((i = 0; i < 250; i++)); do
        [ -s "$STATS" ] && break
        sleep 0.02
    done
    [ -s "$STATS" ] && cp "$STATS" "$1"
}

# --- 1. the firmware -------------------------------------------------------

t_start=$(date +%s)
SUMMARY=$BUILD/stats.txt
mkdir -p "$BUILD" && rm -f "$SUMMARY"
if "$CMAKE" -S "$SRC" -B "$BUILD" \
    -DCMAKE_TOOLCHAIN_FILE="$SRC/cmake/toolchains/avr.cmake" \
    -DPAGEC_MCU=$MCU -DPAGEC_EXECUTABLE="$PAGEC" >"$WORK/build.log" 2>&1 &&
    "$CMAKE" --build "$BUILD" --target pagec-avr >>"$WORK/build.log" 2>&1; then
    FIRMWARE=$BUILD/samples/avr/pagec-avr.elf
    read -r text data bss _ < <(avr-size "$FIRMWARE" 2>/dev/null | sed -n 2p)
    pass "firmware $FIRMWARE: flash $((text + data)) bytes (.text $text, .data $data), RAM .data + .bss $((data + bss)) bytes"
else
    fail "build samples/avr for $MCU"
    tail -n 30 "$WORK/build.log" | evidence
    finish
fi
export AVR_SIM=$AVRSIM AVR_FIRMWARE=$FIRMWARE AVR_ADC0_MV=$ADC0_MV

# --- 2. tests/slip/slip.sh through the emulated part -----------------------

echo "# tests/slip/slip.sh with $MCU in pagec-avrsim as the device:"
AVR_STATS=$WORK/slip.stats SLIP_DEV_NAME=pagec-avrsim \
    SLIP_DEV_READY='^pagec-avrsim: serving' SLIP_DEV_WAIT=$DEV_WAIT \
    SLIP_LIVE=1 SLIP_LIVE_INPUT='^[0-9]+ mV$' \
    SLIP_LIVE_INPUT_RANGE="$((ADC0_MV - ADC0_TOLERANCE)) $((ADC0_MV + ADC0_TOLERANCE))" \
    "$SRC/tests/slip/slip.sh" "$SLIP_BIN" "$HERE/avr-dev.sh" "$SITE" 2>&1 |
    sed 's/^/    /'
rc=${PIPESTATUS[0]}
case $rc in
    0) pass "tests/slip/slip.sh: all passed" ;;
    77) skip "tests/slip/slip.sh skipped" ;;
    *) fail "tests/slip/slip.sh: exit status $rc" ;;
esac
if [ -s "$WORK/slip.stats" ]; then
    note "in slip.sh: $(sval frames "$WORK/slip.stats") datagrams," \
        "$(sval overruns "$WORK/slip.stats") receive overruns," \
        "$(sval dropped "$WORK/slip.stats") bytes dropped by the firmware"
    [ "$(sval dropped "$WORK/slip.stats")" = 0 ] ||
        fail "the firmware dropped received bytes (its ring was full)"
fi

# --- 3. fetches in a row ---------------------------------------------------

ns_create avr pavr
slip_bridge_start "$SLIP_BIN" "$SLIP_MTU"
: >"$DEV_LOG"
AVR_STATS=$STATS ip netns exec "$NS" "$HERE/avr-dev.sh" "$PTY" >>"$DEV_LOG" 2>&1 &
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

# fetch [N]: GET /index.html, gzip accepted and decoded, into
# $WORK/body.N (default $WORK/body); 0 when it came with status 200.
# Appends curl's time_total to $WORK/times.
fetch() {
    local code
    code=$(nsexec curl -sS --compressed --connect-timeout 5 \
        --max-time "$CURL_MAX_TIME" -o "$WORK/body${1:+.$1}" \
        -w '%{http_code} %{time_total}' \
        "http://$SERVER_ADDR/index.html" 2>"$WORK/curl.err") || return 1
    echo "${code#* }" >>"$WORK/times"
    [ "${code%% *}" = 200 ]
}

# compare [N]: the body of fetch N is index.html with its live fields
# filled; appends the fields requests and uptime to $WORK/live.
compare() {
    same_page "$WORK/body${1:+.$1}" "$SITE/index.html" "$WORK/values" || return 1
    echo "$(live_value "$WORK/values" requests) $(live_value "$WORK/values" uptime)" >>"$WORK/live"
}

: >"$WORK/times"
if fetch && compare; then
    pass "warm-up fetch of /index.html"
else
    fail "warm-up fetch of /index.html: $(head -n 1 "$WORK/curl.err")${SAME_WHY:-}"
fi
: >"$WORK/times"
if ! snapshot "$WORK/before"; then
    fail "pagec-avrsim wrote no statistics on SIGUSR1"
    finish
fi
bad=0
t0=$(date +%s%N)
for ((n = 0; n < FETCHES; n++)); do
    fetch "$n" || : >"$WORK/body.$n"
done
t1=$(date +%s%N)
if ! snapshot "$WORK/after"; then
    fail "pagec-avrsim wrote no statistics on SIGUSR1"
    finish
fi
# compared afterwards, so that the time and the cycles are the fetches'
: >"$WORK/live"
for ((n = 0; n < FETCHES; n++)); do
    compare "$n" || bad=$((bad + 1))
done
if [ "$bad" -eq 0 ]; then
    pass "$FETCHES fetches of /index.html in a row, all the file with its live fields"
else
    fail "$bad of $FETCHES fetches of /index.html failed or differed"
fi
# one reply per fetch, each filled as it was made: requests counts up,
# uptime never goes back
if awk '$1 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+$/ || (NR > 1 && ($1 <= r || $2 < u)) { exit 1 }
    { r = $1; u = $2 } END { exit NR == 0 }' "$WORK/live"; then
    pass "the fetches' live fields: requests $(head -n 1 "$WORK/live" | cut -d ' ' -f 1) to $(tail -n 1 "$WORK/live" | cut -d ' ' -f 1), uptime $(head -n 1 "$WORK/live" | cut -d ' ' -f 2) to $(tail -n 1 "$WORK/live" | cut -d ' ' -f 2) s"
else
    fail "the fetches' live fields: requests not counting up, or uptime going back (requests uptime):"
    evidence <"$WORK/live"
fi

# The numbers, from the two snapshots: the part's time is its cycles.
d() {
    echo $(($(sval "$1" "$WORK/after") - $(sval "$1" "$WORK/before")))
}
freq=$(sval freq "$WORK/after")
byte_cycles=$(sval byte_cycles "$WORK/after")
awk -v n="$FETCHES" -v wall_ns=$((t1 - t0)) -v cycles="$(d cycles)" \
    -v sim_ns="$(d wall_ns)" -v lag_ns="$(sval lag_max_ns "$WORK/after")" \
    -v busy="$(d busy_cycles)" -v bin="$(d bytes_in)" -v bout="$(d bytes_out)" \
    -v frames="$(d frames)" -v freq="$freq" -v bc="$byte_cycles" '
BEGIN {
    dev = cycles / freq
    line = (bin + bout) / n * bc / freq
    printf "#    %d fetches in %.3f s: %.2f per second\n", n, wall_ns / 1e9, n / (wall_ns / 1e9)
    printf "#    the part kept pace: %.3f s of its cycles in %.3f s between the snapshots (at most %.1f ms behind the wall clock since it started)\n", dev, sim_ns / 1e9, lag_ns / 1e6
    printf "#    per fetch: %.1f datagrams in, %.0f bytes in and %.0f out on the line (SLIP), %.1f ms of line time at %d cycles a byte\n", frames / n, bin / n, bout / n, line * 1000, bc
    printf "#    the line alone allows %.2f fetches per second one after another (%.2f with both directions busy)\n", 1 / line, 1 / ((bin > bout ? bin : bout) / n * bc / freq)
    printf "#    runtime (PB2 high): %.0f cycles per fetch, %.2f ms at %d MHz; %.2f %% of the part'\''s time\n", busy / n, busy / n / freq * 1000, freq / 1e6, 100 * busy / cycles
}'
sort -n "$WORK/times" | awk '{ t[NR] = $1 } END {
    if (NR) printf "#    curl time_total: median %.1f ms, min %.1f ms, max %.1f ms\n", 1000 * t[int((NR + 1) / 2)], 1000 * t[1], 1000 * t[NR] }'

# The same figures for other scripts: counters as differences between the
# snapshots, levels and settings as in the last one.
{
    echo "fetches=$FETCHES"
    echo "failed=$bad"
    echo "fetch_wall_ns=$((t1 - t0))"
    awk -F= 'NR == FNR { before[$1] = $2; next }
        $1 ~ /^(mcu|freq|flash|data|bss|ram|stack_sp|stack_paint|ram_free|byte_cycles|lag_max_ns|led)$/ || $1 ~ /_max$/ { print; next }
        { printf "%s=%.0f\n", $1, $2 - before[$1] }' "$WORK/before" "$WORK/after"
    if [ -s "$WORK/slip.stats" ]; then
        echo "slip_stack_sp=$(sval stack_sp "$WORK/slip.stats")"
        echo "slip_stack_paint=$(sval stack_paint "$WORK/slip.stats")"
    fi
} >"$SUMMARY.tmp" && mv "$SUMMARY.tmp" "$SUMMARY" && note "figures written to $SUMMARY"

# --- 4. the LED -------------------------------------------------------------

# avr_led: the level of PB5 as the emulated port drives it, from a
# snapshot of pagec-avrsim's statistics
# shellcheck disable=SC2317 # called through check_led
avr_led() {
    snapshot "$WORK/pin" && sval led "$WORK/pin"
}

echo "# the LED (PB5), switched by the site's actions:"
snapshot "$WORK/led.before"
check_led avr_led
snapshot "$WORK/led.after"
changes=$(($(sval led_changes "$WORK/led.after") - $(sval led_changes "$WORK/led.before")))
if [ "$changes" = 4 ]; then
    pass "PB5 changed 4 times: on, off, on, off"
else
    fail "PB5 changed $changes times (want 4: on, off, on, off)"
fi

# --- 4b. large replies ------------------------------------------------------

# A client whose MSS is 536 (the TUN's MTU 576): a reply longer than 536
# bytes of TCP data is sent as several segments for one datagram, which
# the firmware sends one after the other (pagec_stream_more()); a page
# asked for in identity alone comes whole or not at all (503 otherwise).
echo "# large replies, at MSS 536:"
if nsexec ip link set "$TUN" mtu 576 2>"$WORK/ip.err"; then
    snapshot "$WORK/large.before"
    for page in about.html index.html; do
        for ae in identity gzip; do
            code=$(nsexec curl -sS --connect-timeout 5 --max-time "$CURL_MAX_TIME" \
                -H "Accept-Encoding: $ae" -o "$WORK/large.$ae" \
                -w '%{http_code}' "http://$SERVER_ADDR/$page" 2>"$WORK/curl.err")
            if [ "$ae" = gzip ] && [ "$code" = 200 ]; then
                gzip -dc <"$WORK/large.$ae" >"$WORK/large.body" 2>/dev/null ||
                    cp "$WORK/large.$ae" "$WORK/large.body"
            else
                cp "$WORK/large.$ae" "$WORK/large.body"
            fi
            if [ "$code" = 200 ] && same_page "$WORK/large.body" "$SITE/$page"; then
                pass "/$page, $ae, at MSS 536: 200, the file ($(wc -c <"$WORK/large.$ae") bytes)"
            else
                fail "/$page, $ae, at MSS 536: status ${code:-none}$(head -n 1 "$WORK/curl.err")${SAME_WHY:+: $SAME_WHY}"
            fi
        done
    done
    snapshot "$WORK/large.after"
    nsexec ip link set "$TUN" mtu "$SLIP_MTU"
else
    fail "MTU 576 on $TUN: $(cat "$WORK/ip.err")"
fi

# --- 5. the small services ---------------------------------------------------

echo "# the small services:"
freq=$(sval freq "$WORK/led.after")
# daytime PROTO OUTPUT: "uptime N s" and CRLF, N the firmware's seconds
# (Timer1's): no more than the part's time since it started, which
# pagec-avrsim counts from the firmware's start-up
daytime_ok() {
    local n
    printf '%s' "$2" | grep -Eq $'^uptime [0-9]+ s\r$' || return 1
    n=${2#uptime }
    n=${n%% *}
    snapshot "$WORK/daytime" || return 1
    [ "$n" -le $(($(sval cycles "$WORK/daytime") / freq + 1)) ]
}
out=$(nsexec timeout 10 socat -T 3 -u "TCP:$SERVER_ADDR:13" - </dev/null 2>"$WORK/socat.err")
if daytime_ok TCP "$out"; then
    pass "daytime over TCP: ${out%$'\r'}"
else
    fail "daytime over TCP: 'uptime N s' and CRLF, N the firmware's seconds"
    { printf '%s' "$out" | od -c | head -n 5; cat "$WORK/socat.err"; } | evidence
fi
out=$(printf 'x\n' | nsexec timeout 10 socat -T 2 - "UDP:$SERVER_ADDR:13,sourceport=40013" 2>"$WORK/socat.err")
if daytime_ok UDP "$out"; then
    pass "daytime over UDP: ${out%$'\r'}"
else
    fail "daytime over UDP: 'uptime N s' and CRLF, N the firmware's seconds"
    { printf '%s' "$out" | od -c | head -n 5; cat "$WORK/socat.err"; } | evidence
fi
out=$( { printf 'first line\n'; sleep 0.5; printf 'second line\n'; sleep 0.8; } |
    nsexec timeout 10 socat -T 3 - "TCP:$SERVER_ADDR:7" 2>"$WORK/socat.err")
if [ "$out" = $'first line\nsecond line' ]; then
    pass "echo over TCP: two lines back in order"
else
    fail "echo over TCP: two lines back in order"
    { printf '%s\n' "$out"; cat "$WORK/socat.err"; } | evidence
fi
# 3000 bytes: every byte value, SLIP's END (0xc0) and ESC (0xdb) among
# them, in several segments of the MSS
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 11 + bytes([0xc0, 0xdb]) * 92)' >"$WORK/block"
nsexec timeout 60 socat -t 30 -T 30 - "TCP:$SERVER_ADDR:7" <"$WORK/block" >"$WORK/block.echo" 2>"$WORK/socat.err"
if cmp -s "$WORK/block" "$WORK/block.echo"; then
    pass "echo over TCP: $(wc -c <"$WORK/block") binary bytes back whole"
else
    fail "echo over TCP: $(wc -c <"$WORK/block") binary bytes back whole (got $(wc -c <"$WORK/block.echo"))"
    evidence <"$WORK/socat.err"
fi
head -c 500 "$WORK/block" >"$WORK/dgram"
nsexec timeout 10 socat -T 2 - "UDP:$SERVER_ADDR:7,sourceport=40007" <"$WORK/dgram" >"$WORK/dgram.echo" 2>"$WORK/socat.err"
if cmp -s "$WORK/dgram" "$WORK/dgram.echo"; then
    pass "echo over UDP: a datagram of 500 binary bytes back"
else
    fail "echo over UDP: a datagram of 500 binary bytes back (got $(wc -c <"$WORK/dgram.echo"))"
    evidence <"$WORK/socat.err"
fi
if head -c 3000 /dev/zero | nsexec timeout 20 socat -T 3 - "TCP:$SERVER_ADDR:9" >"$WORK/discard.out" 2>"$WORK/socat.err" &&
    [ ! -s "$WORK/discard.out" ]; then
    pass "discard over TCP: 3000 bytes taken, nothing back"
else
    fail "discard over TCP: 3000 bytes taken, nothing back"
    evidence <"$WORK/socat.err"
fi
snapshot "$WORK/services"
if [ "$(sval dropped "$WORK/services")" = "$(sval dropped "$WORK/led.after")" ]; then
    note "no received byte dropped by the firmware during the services"
else
    note "received bytes dropped by the firmware during the services:" \
        "$(($(sval dropped "$WORK/services") - $(sval dropped "$WORK/led.after")))" \
        "(TCP sent their segments again)"
fi

# --- shutdown --------------------------------------------------------------

stop_dev
if [ "$DEV_RC" -eq 0 ]; then
    pass "pagec-avrsim exits with status 0 on SIGTERM"
else
    fail "pagec-avrsim exit status $DEV_RC on SIGTERM (want 0)"
fi
echo "# pagec-avrsim's report (the fetches of step 3):"
grep '^pagec-avrsim: ' "$DEV_LOG" | grep -v ': serving' | sed 's/^/#    /'
check_shutdown
note "$(($(date +%s) - t_start)) s in all"

finish
