#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/flood/flood.sh - a SYN flood against pagec-tun while curl fetches.
#
# Usage: flood.sh PAGEC_TUN_BINARY SITE_DIR
#
# Creates a network namespace of its own with a TUN device, runs
# PAGEC_TUN_BINARY on it (no -v: printing every datagram would slow it
# down), 192.0.2.1 the kernel's side and 192.0.2.2 the server as in
# tests/e2e/e2e.sh, and then:
#
#   - records the server's VmRSS and VmHWM (/proc/PID/status), after a few
#     warm-up fetches;
#   - sends FLOOD_COUNT (100,000) SYNs to 192.0.2.2:80 with hping3 from
#     192.0.2.1, from source ports FLOOD_PORT_LO..FLOOD_PORT_HI, one
#     port after the other, in rounds of as many SYNs as there are ports,
#     a SYN every FLOOD_INTERVAL (hping3 -i; u10 = 10 microseconds, as
#     fast as hping3 goes). hping3 -c N stops early when it believes it
#     got N replies (and it counts packets that are not), so with the
#     iptables counter below the SYNs still missing go in further rounds
#     (--flood would not do: it ignores -c). The source address stays
#     192.0.2.1: random addresses would not belong to the namespace. The
#     kernel answers the server's SYN-ACKs with RSTs, as it has no such
#     sockets: fine;
#   - meanwhile fetches / with curl (--compressed, --max-time 10) again
#     and again, until the flood ends or MAX_FETCHES fetches were made;
#     curl's source ports (ip_local_port_range of the namespace) are
#     outside the flood's, so no flood SYN ever shares a four-tuple with
#     a fetch;
#   - records VmRSS and VmHWM again.
#
# Checks: every fetch (during the flood, and one after it) returns 200 and
# the bytes of index.html (with live fields, <!--live:NAME:WIDTH--> of
# pagec(1): the file with each marker replaced by WIDTH bytes,
# tests/tools/live.py); every flood SYN that reached the server got a
# SYN-ACK (counted by iptables rules in the namespace when iptables works
# there: SYNs out, SYN-ACKs in, RSTs out, for the flood's ports; packets
# the devices dropped are allowed for); VmRSS and VmHWM after are at most
# RSS_SLACK_KB above before (the server keeps no per-connection state);
# the server still runs and exits 0 on SIGTERM.
#
# Prints the SYNs sent (hping3's statistics and the iptables count), the
# SYN-ACKs (same, and the TUN device's rx_packets), the fetches ok and
# failed with their times, RSS before and after and the flood's duration,
# then "N passed, M failed". Exit status: 0 all checks passed, 1 a check
# failed, 2 usage error, 77 a prerequisite is missing (root, /dev/net/tun,
# network namespaces, hping3, curl, python3 for a site with live fields)
# or the other checks passed but the SYN-ACKs could not be counted (no
# iptables); in CI (CI=true or PAGEC_CI=1) each of these is a failure
# instead (tests/skip.sh).
#
# Environment:
#   FLOOD_COUNT=N     SYNs to send (default 100000, at most 1000000)
#   FLOOD_KEEP=1      keep the work directory and print its path

set -u

PROG=${0##*/}
# shellcheck disable=SC2034 # read by common.sh
SERVER_NAME=pagec-tun
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
FLOOD_PORT_LO=1024     # the flood's source ports
FLOOD_PORT_HI=51023
CURL_PORTS="52000 60999"  # curl's (the namespace's ip_local_port_range)
FLOOD_INTERVAL=u10     # hping3 -i
ROUND_TIMEOUT=60       # seconds for one hping3 round
MAX_FETCHES=200        # fetches during the flood, at most
LOOP_SECONDS=300       # and for at most this long
CURL_MAX_TIME=10       # seconds for one fetch
RSS_SLACK_KB=64
# shellcheck disable=SC2034 # read by common.sh
STOP_WAIT=30           # tenths of a second to wait for the server to exit

HERE=$(cd "$(dirname -- "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../e2e/common.sh disable=SC1091
. "$HERE/../e2e/common.sh" || exit 1

check_args PAGEC_TUN_BINARY "$@"
BIN=$(cd "$(dirname -- "$BIN")" && pwd)/$(basename -- "$BIN")
PAGE=$SITE/index.html
[ -f "$PAGE" ] || { echo "$PROG: $SITE has no index.html" >&2; exit 2; }

count=${FLOOD_COUNT:-100000}
case $count in
    '' | *[!0-9]*) echo "$PROG: FLOOD_COUNT '$count' is not a number" >&2; exit 2 ;;
esac
if [ "$count" -lt 1 ] || [ "$count" -gt 1000000 ]; then
    echo "$PROG: FLOOD_COUNT $count: want 1 to 1000000" >&2
    exit 2
fi

# --- prerequisites ---------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need hping3
need curl
need cmp "(diffutils)"
need timeout "(coreutils)"
need_live

# --- set-up and clean-up ---------------------------------------------------

FLOOD_PID=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-flood.XXXXXX") || exit 1
LOG=$WORK/pagec-tun.log
# shellcheck disable=SC2034 # read by common.sh
LOG_HEADING="pagec-tun's output ($LOG):"
# shellcheck disable=SC2034 # read by common.sh
LOG_TAIL=20

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    # also kills what still runs in the namespace (hping3, curl)
    ns_teardown
    if [ -n "$FLOOD_PID" ]; then
        # the subshell running the rounds, its hping3 gone with the
        # namespace's processes
        kill -s TERM "$FLOOD_PID" 2>/dev/null
        wait "$FLOOD_PID" 2>/dev/null
    fi
    remove_work "${FLOOD_KEEP:-0}"
}
trap_cleanup

# IPv6 off (ns_create); curl's source ports above the flood's.
# /proc/sys/net is per namespace.
ns_create flood pfld
if ! nsexec sh -c "echo '$CURL_PORTS' >/proc/sys/net/ipv4/ip_local_port_range" \
    2>"$WORK/sysctl.err"; then
    fail "set the namespace's ip_local_port_range to $CURL_PORTS: $(cat "$WORK/sysctl.err")"
    finish
fi

# No -v and no stdbuf: the server's output is its few messages.
ns_start_server "$BIN" --dev "$TUN"
if [ "$(readlink "/proc/$SERVER_PID/exe")" != "$BIN" ]; then
    fail "process $SERVER_PID is $(readlink "/proc/$SERVER_PID/exe"), not $BIN"
    finish
fi
pass "pagec-tun (pid $SERVER_PID) runs on $TUN in namespace $NS"

# Counting rules, when iptables works in the namespace: no conntrack, no
# verdicts, only counters. Without them the SYN-ACKs cannot be counted:
# in CI a failure here, before the flood; elsewhere the other checks run
# and the test ends skipped.
IPT=0
if command -v iptables >/dev/null 2>&1 &&
    { nsexec iptables -w 5 -A OUTPUT -o "$TUN" -p tcp \
        --sport "$FLOOD_PORT_LO:$FLOOD_PORT_HI" --dport 80 \
        --tcp-flags SYN,ACK,RST SYN &&
      nsexec iptables -w 5 -A INPUT -i "$TUN" -p tcp --sport 80 \
        --dport "$FLOOD_PORT_LO:$FLOOD_PORT_HI" --tcp-flags SYN,ACK SYN,ACK &&
      nsexec iptables -w 5 -A OUTPUT -o "$TUN" -p tcp \
        --sport "$FLOOD_PORT_LO:$FLOOD_PORT_HI" --dport 80 \
        --tcp-flags RST RST; } 2>"$WORK/iptables.err"; then
    IPT=1
elif ci_mode; then
    fail "iptables counters in the namespace (needed in CI to count the SYN-ACKs): $(head -n 1 "$WORK/iptables.err" 2>/dev/null || echo "no iptables")"
    finish
else
    echo "info - no iptables counters in the namespace; SYN-ACKs counted by hping3 only"
fi

# ipt_count CHAIN N: packets of rule N of CHAIN.
ipt_count() {
    nsexec iptables -w 5 -L "$1" -v -n -x 2>/dev/null |
        awk -v n="$2" 'NR == n + 2 { print $1 }'
}

# --- helpers ---------------------------------------------------------------

tun_counter() {
    nsexec cat "/sys/class/net/$TUN/statistics/$1" 2>/dev/null || echo 0
}

# rss FIELD: VmRSS or VmHWM of the server, in kB.
rss() {
    awk -v f="$1:" '$1 == f { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null
}

# fetch: GET / into WORK/body; sets CURL_RC, CODE and TIME (seconds).
fetch() {
    local out
    CURL_RC=0
    out=$(nsexec curl -sS --compressed --connect-timeout "$CURL_MAX_TIME" \
        --max-time "$CURL_MAX_TIME" -o "$WORK/body" \
        -w '%{http_code} %{time_total}' "http://$SERVER_ADDR/" \
        2>"$WORK/curl.err") || CURL_RC=$?
    CODE=${out%% *}
    TIME=${out#* }
}

# what a fetch must give, in messages
PAGE_WHAT="the bytes of index.html"
live_file "$PAGE" && PAGE_WHAT="index.html with its live fields"

# fetch_ok: the last fetch gave 200 and the bytes of index.html, its
# live fields filled.
fetch_ok() {
    [ "$CURL_RC" -eq 0 ] && [ "$CODE" = 200 ] && same_page "$WORK/body" "$PAGE"
}

fetch_why() {
    echo "curl exit $CURL_RC, status ${CODE:-none}, $(wc -c <"$WORK/body" 2>/dev/null || echo 0) bytes, ${TIME:-?} s: $(head -n 1 "$WORK/curl.err")"
}

# --- before ----------------------------------------------------------------

warm=0
for ((i = 0; i < 3; i++)); do
    fetch
    fetch_ok && warm=$((warm + 1))
done
if [ "$warm" -eq 3 ]; then
    pass "3 fetches of / before the flood: 200, $PAGE_WHAT"
else
    fail "fetches before the flood: $warm of 3 right; last: $(fetch_why)"
fi
rss0=$(rss VmRSS)
hwm0=$(rss VmHWM)
rx0=$(tun_counter rx_packets)
tx0=$(tun_counter tx_packets)
txd0=$(tun_counter tx_dropped)
rxd0=$(tun_counter rx_dropped)

# --- the flood, and fetches meanwhile --------------------------------------

ports=$((FLOOD_PORT_HI - FLOOD_PORT_LO + 1))
rounds=$(((count + ports - 1) / ports))
max_rounds=$((rounds + 3))
echo "info - flood: $count SYNs to $SERVER_ADDR:80, source ports $FLOOD_PORT_LO-$FLOOD_PORT_HI, rounds of at most $ports SYNs, hping3 -i $FLOOD_INTERVAL"
# hping3 -c N stops early once it believes it got N replies, and it counts
# some packets that are not replies to it; with the iptables counter the
# shortfall is sent in further rounds (at most max_rounds in all).
: >"$WORK/rounds"
(
    left=$count
    for ((r = 1; r <= max_rounds && left > 0; r++)); do
        n=$((left < ports ? left : ports))
        rc=0
        ip netns exec "$NS" timeout -k 5 "$ROUND_TIMEOUT" hping3 -q -n -S \
            -p 80 -s "$FLOOD_PORT_LO" -i "$FLOOD_INTERVAL" -c "$n" -I "$TUN" \
            "$SERVER_ADDR" >"$WORK/hping3.$r.out" 2>&1 || rc=$?
        echo "$r $n $rc" >>"$WORK/rounds"
        if [ "$IPT" -eq 1 ]; then
            left=$((count - $(ipt_count OUTPUT 1)))
        else
            left=$((left - n))
        fi
    done
) &
FLOOD_PID=$!
t0=$(date +%s%N)

: >"$WORK/times"
: >"$WORK/failures"
ok=0
bad=0
fetches=0
deadline=$((SECONDS + LOOP_SECONDS))
while [ "$fetches" -lt "$MAX_FETCHES" ] && [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$FLOOD_PID" 2>/dev/null || break
    fetch
    fetches=$((fetches + 1))
    if fetch_ok; then
        ok=$((ok + 1))
        echo "$TIME" >>"$WORK/times"
    else
        bad=$((bad + 1))
        echo "fetch $fetches: $(fetch_why)" >>"$WORK/failures"
    fi
done
# The flood ends by itself, each round bounded by ROUND_TIMEOUT.
wait "$FLOOD_PID"
FLOOD_PID=
t1=$(date +%s%N)
flood_ms=$(((t1 - t0) / 1000000))

sleep 1 # the last replies and RSTs
rss1=$(rss VmRSS)
hwm1=$(rss VmHWM)
rx=$(($(tun_counter rx_packets) - rx0))
tx=$(($(tun_counter tx_packets) - tx0))
txd=$(($(tun_counter tx_dropped) - txd0))
rxd=$(($(tun_counter rx_dropped) - rxd0))

# --- the numbers -----------------------------------------------------------

sent=0
received=0
round_errors=""
while read -r r n rc; do
    s=''
    g=''
    read -r s g < <(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p' \
        "$WORK/hping3.$r.out")
    sent=$((sent + ${s:-0}))
    received=$((received + ${g:-0}))
    if [ -z "${s:-}" ] || [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        round_errors+=" round $r ($n SYNs): hping3 exit $rc;"
    fi
done <"$WORK/rounds"

echo "info - flood: $flood_ms ms for $count SYNs (hping3 wall time, $((count * 1000 / (flood_ms > 0 ? flood_ms : 1))) SYNs/s)"
echo "info - hping3 statistics, summed over $(wc -l <"$WORK/rounds") round(s): $sent packets transmitted, $received packets received (its own counts, not exact at this rate)"
if [ "$IPT" -eq 1 ]; then
    syns=$(ipt_count OUTPUT 1)
    rsts=$(ipt_count OUTPUT 2)
    synacks=$(ipt_count INPUT 1)
    echo "info - iptables in the namespace: ${syns:-?} flood SYNs out, ${synacks:-?} SYN-ACKs in, ${rsts:-?} RSTs out (the kernel's answer to them)"
fi
echo "info - $TUN during the flood: $rx packets from the server (rx), $tx to it (tx), dropped: rx $rxd, tx $txd"
if [ -s "$WORK/times" ]; then
    sort -n "$WORK/times" | awk '{ t[NR] = $1 * 1000 } END {
        printf "info - fetch time (curl time_total): min %.1f ms, median %.1f ms, max %.1f ms\n",
            t[1], t[int((NR + 1) / 2)], t[NR] }'
fi
echo "info - pagec-tun memory: VmRSS $rss0 kB -> $rss1 kB, VmHWM $hwm0 kB -> $hwm1 kB"

# --- checks ----------------------------------------------------------------

if [ -z "$round_errors" ]; then
    pass "hping3 ran $(wc -l <"$WORK/rounds") round(s) to the end"
else
    fail "hping3:$round_errors"
    for f in "$WORK"/hping3.*.out; do tail -n 5 "$f" | evidence; done
fi

if [ "$IPT" -eq 1 ]; then
    if [ "${syns:-0}" -eq "$count" ]; then
        pass "$syns SYNs left for $SERVER_ADDR:80 from ports $FLOOD_PORT_LO-$FLOOD_PORT_HI (iptables)"
    else
        fail "${syns:-?} flood SYNs counted by iptables (want $count)"
    fi
    lost=$((${syns:-0} - ${synacks:-0}))
    if [ "$lost" -eq 0 ]; then
        pass "every flood SYN got a SYN-ACK: $synacks"
    elif [ "$lost" -gt 0 ] && [ "$lost" -le $((txd + rxd)) ]; then
        pass "every flood SYN that reached the server got a SYN-ACK: $synacks of $syns, the rest dropped by the device ($txd tx, $rxd rx)"
    else
        fail "SYN-ACKs: $synacks for $syns SYNs, $lost missing, only $((txd + rxd)) dropped by the device"
    fi
else
    echo "info - SYN-ACKs not checked (no iptables counters); hping3 counted $received replies"
fi

if [ "$fetches" -gt 0 ] && [ "$bad" -eq 0 ]; then
    pass "$ok fetches during the flood, all 200 with $PAGE_WHAT"
else
    fail "fetches during the flood: $ok ok, $bad failed"
    head -n 20 "$WORK/failures" | evidence
fi
echo "info - fetches: $ok ok, $bad failed (at most $MAX_FETCHES, until the flood ended)"

fetch
if fetch_ok; then
    pass "a fetch after the flood: 200, $PAGE_WHAT"
else
    fail "a fetch after the flood: $(fetch_why)"
fi

if [ -n "$rss0" ] && [ -n "$rss1" ] && [ "$rss1" -le $((rss0 + RSS_SLACK_KB)) ]; then
    pass "VmRSS $rss0 kB before, $rss1 kB after (at most +$RSS_SLACK_KB kB)"
else
    fail "VmRSS ${rss0:-?} kB before, ${rss1:-?} kB after (want at most +$RSS_SLACK_KB kB)"
fi
if [ -n "$hwm0" ] && [ -n "$hwm1" ] && [ "$hwm1" -le $((hwm0 + RSS_SLACK_KB)) ]; then
    pass "VmHWM $hwm0 kB before, $hwm1 kB after (at most +$RSS_SLACK_KB kB)"
else
    fail "VmHWM ${hwm0:-?} kB before, ${hwm1:-?} kB after (want at most +$RSS_SLACK_KB kB)"
fi

check_shutdown

if [ "$IPT" -eq 0 ] && [ "$FAILED" -eq 0 ]; then
    echo "$PASSED passed, $FAILED failed"
    skip "SYN-ACKs not counted: no iptables counters in the namespace ($(head -n 1 "$WORK/iptables.err" 2>/dev/null || echo "no iptables"))"
fi
finish
