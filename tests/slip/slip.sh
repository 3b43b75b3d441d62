#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/slip/slip.sh - end-to-end test of SLIP: curl and ping through
# pagec-slip to a device on a (pseudo) serial line.
#
# Usage: slip.sh PAGEC_SLIP PAGEC_SLIPDEV SITE_DIR
#
# Creates a network namespace of its own and runs in it PAGEC_SLIP
# (pagec-slip --pty) on a TUN device, then PAGEC_SLIPDEV (a host stand-in
# for a device, serving SITE_DIR compiled with --mss 966) on the
# pseudo-terminal pagec-slip made. The TUN device gets the MTU of SLIP,
# 1006, so the kernel announces an MSS of 966. Then:
#
#   - every regular file of SITE_DIR (dotfiles skipped) is fetched with
#     curl --compressed (a page may be stored gzip-encoded only at that
#     MSS) and must come back with status 200 and the same bytes; "/" must
#     be index.html; a page with live fields (<!--live:NAME:WIDTH-->,
#     pagec(1)) must be its file with each marker replaced by WIDTH bytes
#     (tests/tools/live.py): spaces, unless SLIP_LIVE says the device
#     fills them;
#   - a missing path gets 404;
#   - ping gets replies;
#   - a TCP port other than 80 is refused (RST, not a timeout);
#   - a frame from the line that is not IPv4 is dropped, and the bridge
#     goes on;
#   - both programs exit with status 0 on SIGTERM.
#
# All traffic stays inside the namespace: 192.0.2.1 is the kernel side of
# the TUN device (the client), 192.0.2.2 the device behind the line.
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (root, /dev/net/tun, network namespaces, curl,
# ping, python3 for a site with live fields).
#
# Environment:
#   SLIP_KEEP=1   keep the work directory (logs, bodies) and print its path
#   SLIP_DEV_NAME   the device's name in messages (default pagec-slipdev)
#   SLIP_DEV_READY  a grep pattern for the line the device prints once it
#                 serves (default ^pagec-slipdev: serving)
#   SLIP_DEV_WAIT   tenths of a second to wait for that line (default 50)
#   SLIP_LIVE=1     the device fills the live fields uptime (seconds since
#                 it started) and requests (a count of the replies it
#                 filled) of index.html: two fetches of / SLIP_LIVE_GAP
#                 seconds apart (default 1.5) must show requests count up
#                 and uptime advance with the wall clock (check_live of
#                 tests/e2e/common.sh)
#   SLIP_LIVE_INPUT=REGEX  then the field input must match REGEX (grep -E)
#   SLIP_LIVE_INPUT_RANGE="LO HI"  and the number it starts with must be
#                 from LO to HI
#   SLIP_LIVE_INIT=COMMAND  run (sh -c) before those two fetches: puts the
#                 device's input in the state SLIP_LIVE_INPUT describes
#   SLIP_LIVE_PRESS=COMMAND  run after them: changes the device's input;
#                 then a fetch of / must show it as SLIP_LIVE_PRESSED, a
#                 regular expression (grep -E)
#   With these, PAGEC_SLIPDEV may be any program that takes the terminal
#   as its one argument: a script that execs an emulator running a
#   firmware, for instance.

set -u

PROG=${0##*/}
SERVER_NAME=pagec-slip
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
SLIP_MTU=1006          # RFC 1055's MTU; MSS 966
CURL_MAX_TIME=10       # seconds for one HTTP fetch
STOP_WAIT=30           # tenths of a second to wait for a program to exit
REFUSED_MAX_MS=3000    # a refused connection must fail faster than this
DEV_NAME=${SLIP_DEV_NAME:-pagec-slipdev}
DEV_READY=${SLIP_DEV_READY:-^pagec-slipdev: serving}
DEV_WAIT=${SLIP_DEV_WAIT:-50}

# shellcheck source=tests/e2e/common.sh
. "$(dirname -- "$0")/../e2e/common.sh" || exit 1

if [ $# -ne 3 ]; then
    echo "usage: $PROG PAGEC_SLIP PAGEC_SLIPDEV SITE_DIR" >&2
    exit 2
fi
DEV_BIN=$2
if [ ! -f "$DEV_BIN" ] || [ ! -x "$DEV_BIN" ]; then
    echo "$PROG: $DEV_BIN: not an executable file" >&2
    exit 2
fi
check_args "PAGEC_SLIP PAGEC_SLIPDEV" "$1" "$3"
BIN=$(cd "$(dirname -- "$BIN")" && pwd)/$(basename -- "$BIN")
DEV_BIN=$(cd "$(dirname -- "$DEV_BIN")" && pwd)/$(basename -- "$DEV_BIN")

# --- prerequisites ---------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need curl
need ping "(iputils-ping)"
need cmp "(diffutils)"
need_live

# --- set-up and clean-up ---------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-slip.XXXXXX") || exit 1
LOG=$WORK/pagec-slip.log
DEV_LOG=$WORK/pagec-slipdev.log
LOG_HEADING="last lines of the pagec-slip -v log ($LOG):"
LOG_TAIL=60
DEV_PID=

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    stop_dev
    ns_teardown
    remove_work "${SLIP_KEEP:-0}"
}
trap_cleanup

ns_create slip pslip
slip_bridge_start "$BIN" "$SLIP_MTU" -v
pass "pagec-slip runs on $TUN (MTU $SLIP_MTU) and $PTY in namespace $NS"

T0=$(date +%s)
ip netns exec "$NS" "$DEV_BIN" "$PTY" >"$DEV_LOG" 2>&1 &
DEV_PID=$!
for ((i = 0; i < DEV_WAIT; i++)); do
    # -s: the background job may not have created the log yet
    grep -qs -- "$DEV_READY" "$DEV_LOG" && break
    kill -0 "$DEV_PID" 2>/dev/null || break
    sleep 0.1
done
if grep -q -- "$DEV_READY" "$DEV_LOG"; then
    pass "$DEV_NAME runs on $PTY"
else
    fail "$DEV_NAME did not start on $PTY"
    evidence <"$DEV_LOG"
    finish
fi

# --- helpers ---------------------------------------------------------------

# fetch URLPATH BODYFILE: GET http://SERVER_ADDR URLPATH, gzip accepted
# and decoded. Sets CURL_RC and CODE.
fetch() {
    local out
    CURL_RC=0
    out=$(nsexec curl -sS --compressed --connect-timeout 5 \
        --max-time "$CURL_MAX_TIME" -o "$2" -w '%{http_code}' \
        "http://$SERVER_ADDR$1" 2>"$WORK/curl.err") || CURL_RC=$?
    CODE=$out
}

# check_page URLPATH FILE: status 200 and the bytes of FILE.
# shellcheck disable=SC2317 # called through each_site_file
check_page() {
    local url=$1 file=$2 why=""
    fetch "$url" "$WORK/body"
    if [ "$CURL_RC" -ne 0 ]; then
        why=" curl exit $CURL_RC: $(head -n 1 "$WORK/curl.err")"
    else
        [ "$CODE" = 200 ] || why+=" status $CODE (want 200);"
        same_page "$WORK/body" "$file" "$WORK/values" ||
            why+=" body differs ($SAME_WHY);"
    fi
    if [ -z "$why" ] && [ -s "$WORK/values" ]; then
        pass "GET $url: 200, $(wc -c <"$WORK/body") bytes: the file with its $(wc -l <"$WORK/values") live fields ($(live_summary "$WORK/values"))"
    elif [ -z "$why" ]; then
        pass "GET $url: 200, $(wc -c <"$file") bytes identical"
    else
        fail "GET $url:$why"
    fi
}

# --- pages -----------------------------------------------------------------

each_site_file check_page
[ "$NFILES" -gt 0 ] || fail "site $SITE has no files to fetch"
if [ -f "$SITE/index.html" ]; then
    check_page / "$SITE/index.html"
fi

# --- live fields ----------------------------------------------------------

if [ "${SLIP_LIVE:-0}" = 1 ]; then
    if ! grep -qs -- '<!--live:uptime:' "$SITE/index.html" ||
        ! grep -q -- '<!--live:requests:' "$SITE/index.html"; then
        fail "SLIP_LIVE=1, but $SITE/index.html has no live fields uptime and requests"
    elif [ -n "${SLIP_LIVE_INIT:-}" ] && ! sh -c "$SLIP_LIVE_INIT" >"$WORK/init.log" 2>&1; then
        fail "SLIP_LIVE_INIT failed: $SLIP_LIVE_INIT"
        evidence <"$WORK/init.log"
    elif check_live / "$SITE/index.html" "${SLIP_LIVE_GAP:-1.5}" "$T0" 0 &&
        [ -n "${SLIP_LIVE_INPUT:-}" ]; then
        input=$(live_value "$WORK/live2" input)
        read -r lo hi <<<"${SLIP_LIVE_INPUT_RANGE:-}"
        n=$(printf '%s\n' "$input" | sed -n 's/^\([0-9][0-9]*\).*/\1/p')
        if ! printf '%s\n' "$input" | grep -Eq -- "$SLIP_LIVE_INPUT"; then
            fail "live field input: '$input', want /$SLIP_LIVE_INPUT/"
        elif [ -n "${lo:-}" ] && { [ -z "$n" ] || [ "$n" -lt "$lo" ] || [ "$n" -gt "$hi" ]; }; then
            fail "live field input: '$input', want a number from $lo to $hi"
        else
            pass "live field input: '$input'${lo:+, from $lo to $hi}${SLIP_LIVE_INIT:+, after $SLIP_LIVE_INIT}"
        fi
        if [ -n "${SLIP_LIVE_PRESS:-}" ]; then
            if ! sh -c "$SLIP_LIVE_PRESS" >"$WORK/press.log" 2>&1; then
                fail "SLIP_LIVE_PRESS failed: $SLIP_LIVE_PRESS"
                evidence <"$WORK/press.log"
            else
                fetch / "$WORK/body"
                if [ "$CURL_RC" -ne 0 ] || [ "$CODE" != 200 ] ||
                    ! same_page "$WORK/body" "$SITE/index.html" "$WORK/values"; then
                    fail "GET / after $SLIP_LIVE_PRESS: status $CODE, curl exit $CURL_RC, or not index.html with its fields ($SAME_WHY)"
                else
                    input=$(live_value "$WORK/values" input)
                    if printf '%s\n' "$input" | grep -Eq -- "${SLIP_LIVE_PRESSED:-.}"; then
                        pass "live field input after $SLIP_LIVE_PRESS: '$input'"
                    else
                        fail "live field input after $SLIP_LIVE_PRESS: '$input', want /${SLIP_LIVE_PRESSED:-.}/"
                    fi
                fi
            fi
        fi
    fi
elif live_file "$SITE/index.html"; then
    # a device without a live callback sends the fields' placeholders
    fetch / "$WORK/body"
    if [ "$CURL_RC" -ne 0 ] || [ "$CODE" != 200 ] ||
        ! same_page "$WORK/body" "$SITE/index.html" "$WORK/values"; then
        fail "GET /: status $CODE, curl exit $CURL_RC, or not index.html with its fields ($SAME_WHY)"
    elif awk 'NF > 1 { bad = 1 } END { exit !bad }' "$WORK/values"; then
        fail "GET /: $DEV_NAME fills no live field, but they are not spaces: $(live_summary "$WORK/values")"
    else
        pass "GET /: $DEV_NAME fills no live field: its $(wc -l <"$WORK/values") fields are spaces"
    fi
fi

# --- 404 -------------------------------------------------------------------

missing=/slip-no-such-page-$$
fetch "$missing" "$WORK/body"
if [ "$CURL_RC" -eq 0 ] && [ "$CODE" = 404 ]; then
    pass "GET $missing: 404"
else
    fail "GET $missing: status $CODE, curl exit $CURL_RC (want 404)"
    evidence <"$WORK/curl.err"
fi

# --- ping ------------------------------------------------------------------

out=$(nsexec timeout 20 ping -n -c 3 -W 2 "$SERVER_ADDR" 2>&1)
rc=$?
received=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p')
if [ "$rc" -eq 0 ] && [ "${received:-0}" -eq 3 ] &&
    ! printf '%s\n' "$out" | grep -Eq 'wrong data|DUP!|corrupted'; then
    pass "ping: $received/3 replies"
else
    fail "ping: exit $rc, ${received:-0}/3 replies"
    printf '%s\n' "$out" | head -n 20 | evidence
fi

# --- closed port -----------------------------------------------------------

t0=$(date +%s%N)
nsexec curl -sS --connect-timeout 5 --max-time 5 -o /dev/null \
    "http://$SERVER_ADDR:81/" 2>"$WORK/curl.err"
rc=$?
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
if [ "$rc" -eq 7 ] && [ "$ms" -le "$REFUSED_MAX_MS" ]; then
    pass "port 81 refused in $ms ms"
else
    fail "port 81: curl exit $rc after $ms ms (want 7, connection refused)"
    evidence <"$WORK/curl.err"
fi

# --- the frames went both ways ---------------------------------------------

if grep -q '^line>tun ' "$LOG" && grep -q '^tun>line ' "$LOG"; then
    pass "pagec-slip -v: $(grep -c '^tun>line ' "$LOG") frames out, $(grep -c '^line>tun ' "$LOG") in"
else
    fail "pagec-slip -v logged no frames in one direction"
fi

# --- a frame that is not IPv4 ----------------------------------------------

# Written to the slave side as the device would; pagec-slip must drop it
# (an IPv6 version nibble) and go on.
printf '\300\140\001\002\300' >"$PTY"
for ((i = 0; i < 20; i++)); do
    grep -q '^drop 3 bytes from the line, not IPv4' "$LOG" && break
    sleep 0.1
done
if grep -q '^drop 3 bytes from the line, not IPv4' "$LOG"; then
    pass "a frame that is not IPv4 is dropped"
else
    fail "a frame that is not IPv4: no 'drop' line in the log"
fi
if [ -f "$SITE/index.html" ]; then
    check_page / "$SITE/index.html"
fi

# --- shutdown --------------------------------------------------------------

if kill -0 "$DEV_PID" 2>/dev/null; then
    stop_dev
    if [ "$DEV_RC" -eq 0 ]; then
        pass "$DEV_NAME exits with status 0 on SIGTERM"
    else
        fail "$DEV_NAME exit status $DEV_RC on SIGTERM (want 0)"
        evidence <"$DEV_LOG"
    fi
else
    wait "$DEV_PID"
    fail "$DEV_NAME died during the test, exit status $?"
    DEV_PID=
    evidence <"$DEV_LOG"
fi
check_shutdown

finish
