#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/slip/slip.sh - end-to-end test of SLIP: curl and ping through
# pagec-slip to a device on a (pseudo) serial line.
#
# Usage: slip.sh PAGEC_SLIP PAGEC_SLIPDEV SITE_DIR
#        slip.sh --tap PAGEC_ETHDEV SITE_DIR
#        slip.sh --slirp PAGEC_SLIP PAGEC_SLIPDEV SITE_DIR
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
# With --tap the device is on Ethernet instead, and there is no bridge:
# PAGEC_ETHDEV is run in the namespace with the name of a TAP device as its
# one argument, which it makes (QEMU's -nic tap,ifname=NAME), and answers
# as 192.0.2.2 behind it (the site compiled with --mss 1460); the kernel's
# side gets 192.0.2.1/24 and MTU 1500. The kernel finds the device by ARP
# (its neighbour entry must hold the MAC SLIP_DEV_MAC says, when set),
# arping gets replies, and an ARP request for another address none; then
# the checks above but the bridge's (the frames it logged, a frame that
# is not IPv4).
#
# All traffic stays inside the namespace: 192.0.2.1 is the kernel side of
# the TUN (or TAP) device (the client), 192.0.2.2 the device behind the
# line.
#
# With --slirp there is no namespace, no TUN device and no root:
# PAGEC_SLIP runs with --slirp --listen 127.0.0.1:0 --pty -v (port 0:
# slirp listens on a free port, which the bridge's start line names; the
# device at the bridge's default address, 192.0.2.2, the line's MTU its
# default, 1006), PAGEC_SLIPDEV on its pseudo-terminal, and curl fetches
# from http://127.0.0.1:PORT/, which slirp forwards to the device's port
# 80; slirp's own address, 192.0.2.1, is the client the device sees. The
# checks are those above but ping and the closed port (slirp forwards
# only TCP, and only to port 80), and besides: slirp's SYNs announce an
# MSS of 966, no frame on the line is longer than 1006 bytes, every TCP
# segment to the device comes from 192.0.2.1 to 192.0.2.2 port 80, and
# SLIP_PARALLEL fetches of the site's files, 8 at once, are all
# byte-exact.
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (root, /dev/net/tun, network namespaces, curl,
# ping, python3 for a site with live fields; with --slirp: curl, a
# PAGEC_SLIP built with libslirp, python3 for live fields); in CI a skip
# is a failure (tests/skip.sh).
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
#   SLIP_PPP=1    the line carries PPP after a modem's dialogue:
#                 PAGEC_SLIP is tests/tools/pppeer.py (a PC's side in
#                 user space, with chat(8) as its dialer), the MTU 1500;
#                 the checks wait for its "ready" (dialogue, LCP, IPCP
#                 done), take its own checks as theirs, and leave out
#                 the SLIP frame that is not IPv4
#   SLIP_DEV_MAC=MAC  with --tap: the device's Ethernet address
#   SLIP_MDNS_NAME=NAME  with --tap: a Multicast DNS query for NAME.local
#                 (tests/tools/mdns.py, full and legacy) must get
#                 192.0.2.2, one for another name nothing
#   SLIP_LOSS_FETCHES=N  with --tap, after the checks above: N fetches of
#                 the site's files in turn (4 at once, each bounded at
#                 60 s, the client's timers untuned) with 10 % of the
#                 datagrams dropped each way by iptables' statistic match
#                 on the TAP device; every one must be byte-exact
#   SLIP_PARALLEL=N  with --slirp: the fetches of the site's files, 8 at
#                 once (default 24)
#   With these, PAGEC_SLIPDEV may be any program that takes the terminal
#   as its one argument: a script that execs an emulator running a
#   firmware, for instance.

set -u

PROG=${0##*/}
SERVER_NAME=pagec-slip
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
SLIP_MTU=1006          # RFC 1055's MTU; MSS 966
SLIP_MSS=966
CURL_MAX_TIME=10       # seconds for one HTTP fetch
STOP_WAIT=30           # tenths of a second to wait for a program to exit
REFUSED_MAX_MS=3000    # a refused connection must fail faster than this
DEV_NAME=${SLIP_DEV_NAME:-pagec-slipdev}
DEV_READY=${SLIP_DEV_READY:-^pagec-slipdev: serving}
DEV_WAIT=${SLIP_DEV_WAIT:-50}

# shellcheck source=tests/e2e/common.sh
. "$(dirname -- "$0")/../e2e/common.sh" || exit 1

SLIRP=0
if [ "${1:-}" = --slirp ]; then
    SLIRP=1
    shift
fi
if [ $# -ne 3 ]; then
    echo "usage: $PROG PAGEC_SLIP PAGEC_SLIPDEV SITE_DIR" >&2
    echo "       $PROG --tap PAGEC_ETHDEV SITE_DIR" >&2
    echo "       $PROG --slirp PAGEC_SLIP PAGEC_SLIPDEV SITE_DIR" >&2
    exit 2
fi
DEV_BIN=$2
if [ ! -f "$DEV_BIN" ] || [ ! -x "$DEV_BIN" ]; then
    echo "$PROG: $DEV_BIN: not an executable file" >&2
    exit 2
fi
TAP=0
if [ "$1" = --tap ]; then
    TAP=1
    # check_args wants an executable: the device stands in for the bridge
    check_args "--tap PAGEC_ETHDEV" "$DEV_BIN" "$3"
else
    check_args "PAGEC_SLIP PAGEC_SLIPDEV" "$1" "$3"
fi
BIN=$(cd "$(dirname -- "$BIN")" && pwd)/$(basename -- "$BIN")
[ "${SLIP_PPP:-0}" = 1 ] && SERVER_NAME=${BIN##*/}
DEV_BIN=$(cd "$(dirname -- "$DEV_BIN")" && pwd)/$(basename -- "$DEV_BIN")

# --- prerequisites ---------------------------------------------------------

if [ "$SLIRP" = 1 ]; then
    if "$BIN" --help | grep -q 'has no libslirp'; then
        skip "$BIN was built without libslirp (Debian: libslirp-dev)"
    fi
else
    [ "$(id -u)" -eq 0 ] || skip "needs root"
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    need ip "(iproute2)"
    need ping "(iputils-ping)"
fi
need curl
need cmp "(diffutils)"
need timeout "(coreutils)"
need_live
if [ "$TAP" = 1 ] && [ "${SLIP_LOSS_FETCHES:-0}" -gt 0 ]; then
    need iptables
fi

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

# slirp_bridge_start: PAGEC_SLIP --slirp --pty -v on a free port of
# 127.0.0.1; sets SERVER_PID, PTY and BASE (the URL of the port, no
# trailing slash); on failure one FAIL line and finish.
slirp_bridge_start() {
    local i started=0 re port
    re="^pagec-slip: forwarding http://127\.0\.0\.1:[1-9][0-9]*/ to $SERVER_ADDR port 80 on /dev/[^ ]* \(MTU $SLIP_MTU\)\$"
    : >"$LOG"
    "$BIN" --slirp --listen 127.0.0.1:0 --pty -v >>"$LOG" 2>&1 &
    SERVER_PID=$!
    for ((i = 0; i < 50; i++)); do
        grep -Eq -- "$re" "$LOG" && started=1 && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    PTY=$(grep -m 1 '^/dev/' "$LOG")
    if [ "$started" = 0 ] || [ -z "$PTY" ] || [ ! -c "$PTY" ]; then
        fail "$SERVER_NAME --slirp --pty printed no pseudo-terminal and start line within 5 s"
        finish
    fi
    port=$(sed -n 's|^pagec-slip: forwarding http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$LOG")
    BASE=http://127.0.0.1:$port
    pass "${BIN##*/} --slirp runs on $PTY, $BASE/ forwarded to $SERVER_ADDR port 80 (uid $(id -u))"
}

IN_NS=()          # runs a command where the client is: in the namespace
BASE=http://$SERVER_ADDR
if [ "$SLIRP" = 1 ]; then
    slirp_bridge_start
    LINE=$PTY
else
    ns_create slip pslip
    IN_NS=(ip netns exec "$NS")
    if [ "$TAP" = 1 ]; then
        LINE=$TUN # the device makes the TAP device of this name
    else
        [ "${SLIP_PPP:-0}" = 1 ] && SLIP_MTU=1500
        slip_bridge_start "$BIN" "$SLIP_MTU" -v
        pass "${BIN##*/} runs on $TUN (MTU $SLIP_MTU) and $PTY in namespace $NS"
        LINE=$PTY
    fi
fi

T0=$(date +%s)
# not through a function: $! must be the device's PID (ip netns exec
# execs it)
"${IN_NS[@]}" "$DEV_BIN" "$LINE" >"$DEV_LOG" 2>&1 &
DEV_PID=$!
for ((i = 0; i < DEV_WAIT; i++)); do
    # -s: the background job may not have created the log yet
    grep -qs -- "$DEV_READY" "$DEV_LOG" && break
    kill -0 "$DEV_PID" 2>/dev/null || break
    sleep 0.1
done
if grep -q -- "$DEV_READY" "$DEV_LOG"; then
    pass "$DEV_NAME runs on $LINE"
else
    fail "$DEV_NAME did not start on $LINE"
    evidence <"$DEV_LOG"
    finish
fi

# ppp_lines: the PPP peer's own checks from its log, as ours.
ppp_lines() {
    local l
    while IFS= read -r l; do
        case $l in
            "ok   - "*) pass "pppeer: ${l#ok   - }" ;;
            "FAIL - "*) fail "pppeer: ${l#FAIL - }" ;;
        esac
    done < <(sed -n "$1,\$p" "$LOG")
}

if [ "${SLIP_PPP:-0}" = 1 ]; then
    # the dialogue, LCP and IPCP: the peer says "ready" when IP may flow
    for ((i = 0; i < 600; i++)); do
        grep -qx ready "$LOG" && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    ppp_lines 1
    PPP_SEEN=$(wc -l <"$LOG")
    if ! grep -qx ready "$LOG"; then
        fail "the PPP peer is not ready after 60 s"
        finish
    fi
fi

if [ "$TAP" = 1 ]; then
    if ! { nsexec ip addr add "$CLIENT_ADDR/24" dev "$TUN" &&
           nsexec ip link set "$TUN" up &&
           nsexec ip link set lo up; } 2>"$WORK/ip.err"; then
        fail "configure the TAP device $TUN: $(cat "$WORK/ip.err")"
        finish
    fi
    check_arp "${SLIP_DEV_MAC:-}"
    [ -n "${SLIP_MDNS_NAME:-}" ] && check_mdns "$SLIP_MDNS_NAME"
fi

# --- helpers ---------------------------------------------------------------

# fetch URLPATH BODYFILE [ERRFILE [MAX_TIME]]: GET BASE URLPATH from where
# the client is, gzip accepted and decoded, curl's messages to ERRFILE
# (default WORK/curl.err), within CURL_MAX_TIME seconds and the
# connection within 5, or within MAX_TIME seconds in all. Sets CURL_RC
# and CODE.
fetch() {
    local out limit=(--connect-timeout 5 --max-time "$CURL_MAX_TIME")
    [ -n "${4:-}" ] && limit=(--max-time "$4")
    CURL_RC=0
    # timeout(1) too, should curl itself hang
    out=$("${IN_NS[@]}" timeout "$((${4:-$CURL_MAX_TIME} + 5))" \
        curl -sS --compressed "${limit[@]}" -o "$2" -w '%{http_code}' \
        "$BASE$1" 2>"${3:-$WORK/curl.err}") || CURL_RC=$?
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

# --- ping and a closed port (not through slirp) ----------------------------

if [ "$SLIRP" = 0 ]; then
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
fi

# --- the bridge --------------------------------------------------------------

# stop_device: the device exits with status 0 on SIGTERM.
stop_device() {
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
}

# --- many fetches ----------------------------------------------------------

# many_fetch I URLPATH FILE: fetch I of many_fetches, its result in
# $WORK/r/I: "ok" or "fail WHY".
# shellcheck disable=SC2317 # run in the background by many_fetches
many_fetch() {
    local i=$1 url=$2 file=$3 why=""
    fetch "$url" "$WORK/b/$i" "$WORK/b/$i.err" "$MANY_FETCH_MAX"
    if [ "$CURL_RC" -ne 0 ]; then
        why="GET $url: curl exit $CURL_RC: $(head -n 1 "$WORK/b/$i.err")"
    elif [ "$CODE" != 200 ]; then
        why="GET $url: status $CODE"
    elif ! same_page "$WORK/b/$i" "$file"; then
        why="GET $url: $SAME_WHY"
    fi
    echo "${why:+fail }${why:-ok}" >"$WORK/r/$i"
    rm -f -- "$WORK/b/$i" "$WORK/b/$i.err"
}

# many_fetches N AT_ONCE MAX_TIME: N fetches of the site's files in turn,
# AT_ONCE at a time, each bounded at MAX_TIME seconds; prints the first
# failures, and sets MANY_OK to the number of fetches byte-exact,
# MANY_FILES to the number of files and MANY_MS to the milliseconds taken.
many_fetches() {
    local n=$1 files=() urls=() i k t0 pids=() r
    MANY_FETCH_MAX=$3
    MANY_OK=0
    # shellcheck disable=SC2317 # called through each_site_file
    collect() { urls+=("$1"); files+=("$2"); }
    each_site_file collect
    MANY_FILES=${#urls[@]}
    [ "$MANY_FILES" -gt 0 ] || return 0
    mkdir -p "$WORK/r" "$WORK/b"
    t0=$(date +%s%N)
    for ((i = 0; i < n; i++)); do
        k=$((i % MANY_FILES))
        many_fetch "$i" "${urls[$k]}" "${files[$k]}" &
        pids+=($!)
        if [ "${#pids[@]}" -ge "$2" ]; then
            wait "${pids[@]}"
            pids=()
        fi
    done
    [ "${#pids[@]}" -eq 0 ] || wait "${pids[@]}"
    MANY_MS=$((($(date +%s%N) - t0) / 1000000))
    for ((i = 0; i < n; i++)); do
        read -r r <"$WORK/r/$i" 2>/dev/null || r="fail fetch $i: no result"
        if [ "$r" = ok ]; then
            MANY_OK=$((MANY_OK + 1))
        elif [ $((i - MANY_OK)) -lt 5 ]; then
            echo "       | ${r#fail }"
        fi
    done
}

# --- loss (TAP) ------------------------------------------------------------

# loss_fetches N: N fetches of the site's files in turn, 4 at once, with
# 10 % of the datagrams on the TAP device dropped each way by iptables'
# statistic match; every one must be byte-exact.
loss_fetches() {
    local n=$1 dropped
    if ! { nsexec iptables -A INPUT -i "$TUN" -m statistic --mode random \
               --probability 0.1 -j DROP &&
           nsexec iptables -A OUTPUT -o "$TUN" -m statistic --mode random \
               --probability 0.1 -j DROP; } 2>"$WORK/ipt.err"; then
        fail "iptables statistic rules on $TUN: $(head -n 1 "$WORK/ipt.err")"
        return
    fi
    many_fetches "$n" 4 60
    # the datagrams the rules dropped: INPUT's and OUTPUT's counters
    dropped=$(nsexec iptables -L -v -x -n 2>/dev/null |
        awk '/statistic/ { n += $1 } END { print n + 0 }')
    nsexec iptables -F
    if [ "$MANY_OK" -eq "$n" ] && [ "$dropped" -gt 0 ]; then
        pass "10 % loss each way (iptables on $TUN): $MANY_OK/$n fetches of the site's $MANY_FILES files byte-exact in $((MANY_MS / 1000)) s, $dropped datagrams dropped"
    else
        fail "10 % loss each way (iptables on $TUN): $MANY_OK/$n fetches byte-exact, $dropped datagrams dropped"
    fi
}

if [ "$TAP" = 1 ]; then
    if [ "${SLIP_LOSS_FETCHES:-0}" -gt 0 ]; then
        loss_fetches "$SLIP_LOSS_FETCHES"
    fi
    # no bridge: the checks of pagec-slip do not apply
    stop_device
    finish
fi

# --- slirp -----------------------------------------------------------------

# all_logged SELECT WANT WHAT: the lines of LOG that match SELECT (grep -E)
# all match WANT too, and there is one at least; the check is WHAT.
all_logged() {
    local n bad
    n=$(grep -Ec -- "$1" "$LOG")
    bad=$(grep -E -- "$1" "$LOG" | grep -Evc -- "$2")
    if [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]; then
        pass "$3: all $n"
    else
        fail "$3: $((n - bad)) of $n"
        grep -E -- "$1" "$LOG" | grep -Ev -- "$2" | head -n 5 | evidence
    fi
}

if [ "$SLIRP" = 1 ]; then
    n=${SLIP_PARALLEL:-24}
    many_fetches "$n" 8 "$CURL_MAX_TIME"
    if [ "$MANY_OK" -eq "$n" ] && [ "$MANY_FILES" -gt 0 ]; then
        pass "$n fetches, 8 at once, of the site's $MANY_FILES files: all byte-exact in $MANY_MS ms"
    else
        fail "$n fetches, 8 at once: $MANY_OK byte-exact"
    fi
    # what the bridge logged of the frames on the line
    all_logged '^slirp>line .* tcp SYN' " tcp SYN mss $SLIP_MSS\$" \
        "slirp's SYNs to the device announce MSS $SLIP_MSS"
    n=$(awk '/^(slirp>line|line>slirp) [0-9]+ bytes/ && $2 > n { n = $2 }
        END { print n + 0 }' "$LOG")
    if [ "$n" -gt 0 ] && [ "$n" -le "$SLIP_MTU" ]; then
        pass "the longest frame on the line: $n bytes (MTU $SLIP_MTU)"
    else
        fail "the longest frame on the line: $n bytes (want 1 to $SLIP_MTU)"
    fi
    all_logged '^slirp>line .* tcp' \
        " $CLIENT_ADDR\.[0-9]+ > $SERVER_ADDR\.80 tcp" \
        "TCP segments to the device: from $CLIENT_ADDR to $SERVER_ADDR port 80"
    IN_TAG='line>slirp'
    OUT_TAG='slirp>line'
else
    IN_TAG='line>tun'
    OUT_TAG='tun>line'
fi

# --- the frames went both ways ---------------------------------------------

if grep -q "^$IN_TAG " "$LOG" && grep -q "^$OUT_TAG " "$LOG"; then
    pass "$SERVER_NAME -v: $(grep -c "^$OUT_TAG " "$LOG") frames out, $(grep -c "^$IN_TAG " "$LOG") in"
else
    fail "$SERVER_NAME -v logged no frames in one direction"
fi

# --- a frame that is not IPv4 ----------------------------------------------

if [ "${SLIP_PPP:-0}" = 1 ]; then
    # the peer's last check, its Terminate-Request's Ack (SIGUSR1), while
    # the device runs and the line stays open
    kill -s USR1 "$SERVER_PID" 2>/dev/null
    for ((i = 0; i < 50; i++)); do
        grep -q 'LCP Terminate-Request' "$LOG" && break
        sleep 0.1
    done
    ppp_lines "$((PPP_SEEN + 1))"
    grep -q 'LCP Terminate-Request' "$LOG" ||
        fail "pppeer: no Terminate exchange within 5 s of SIGUSR1"
    stop_device
    check_shutdown
    finish
fi
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

stop_device
check_shutdown

finish
