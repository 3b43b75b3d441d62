#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/impair/large_loss.sh - a large reply fetched through a link that
# loses 10 % of the datagrams each way.
#
# Usage: large_loss.sh PAGEC_IMPAIR_BINARY SITE_DIR
#
# SITE_DIR is the site of tests/e2e/large_site.c, PAGEC_IMPAIR_BINARY a
# pagec-impair built from it. Creates a network namespace of its own with
# a TUN device and, for each configuration (the device's MTU 1500 or 576,
# so MSS 1460 or 536; the namespace's net.ipv4.tcp_timestamps and
# net.ipv4.tcp_sack), runs PAGEC_IMPAIR_BINARY -v --loss 10 on it (a fresh
# one per configuration, seeded) and fetches /big.bin (65536 bytes, about
# 47 segments at MSS 1460, 130 at 536) N times with curl, P at once. Each
# fetch is one TCP connection, no retry above TCP, bounded at
# FETCH_MAX_TIME seconds; a configuration starts no fetch after
# CONFIG_MAX_TIME seconds, and then waits at most DRAIN_MAX seconds for
# the client's connections to close (a server started afresh would
# reset them). The client is not tuned: its retransmission
# timer is the kernel's (no locked RTT, no cap on the back-off), as a
# user's is.
#
# Passes when every fetch of every configuration run gets status 200 and
# the very bytes of big.bin (cmp), and pagec-impair reports no RST from
# port 80. Prints per configuration: fetches byte-exact, the fetch times
# (median, max), the bytes the runtime sent over the bytes of the replies
# fetched (pagec-impair's count, before the link's losses), and from
# tests/tools/wire.py on the device: the client's request retransmissions
# (pokes) and the longest stall of a fetch.
#
# The configurations run by default are those that complete under this
# loss well within the time of a fetch: SACK and timestamps on, at both
# MSS. The others are named as not run, with why (what was measured), and
# LARGE_LOSS_CONFIGS runs them on request: SACK without timestamps
# completes, but a fetch may wait tens of seconds for the client's
# backed-off retransmissions; without SACK fetches do not all complete.
#
# Exit status: 0 all passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (root, /dev/net/tun, network namespaces, curl,
# python3, bash 5.1); in CI (CI=true) a missing prerequisite is a failure.
#
# Environment:
#   LARGE_LOSS_FETCHES=N    fetches per configuration (default 100, at
#                           most 1000)
#   LARGE_LOSS_PARALLEL=P   fetches at once (default 4, at most 16)
#   LARGE_LOSS_CONFIGS="MSS,TS,SACK ..."  the configurations (default
#                           "1460,1,1 536,1,1"; also 1460,0,1 536,0,1
#                           1460,1,0 1460,0,0 536,1,0 536,0,0)
#   LARGE_LOSS_PCT=X        the loss each way, per cent (default 10)
#   LARGE_LOSS_SEED=N       pagec-impair's seed (default 1)
#   LARGE_LOSS_FETCH_MAX=S  seconds for one fetch (default 60)
#   LARGE_LOSS_CONFIG_MAX=S seconds after which a configuration starts no
#                           more fetches (default 150)
#   LARGE_LOSS_KEEP=1       keep the work directory and print its path

set -u

PROG=${0##*/}
# shellcheck disable=SC2034 # read by common.sh
SERVER_NAME=pagec-impair
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
# shellcheck disable=SC2034 # read by common.sh
STOP_WAIT=30
DRAIN_MAX=60    # seconds to wait for the client's connections to close
DEFAULT_CONFIGS="1460,1,1 536,1,1"
ALL_CONFIGS="1460,1,1 1460,0,1 536,1,1 536,0,1 1460,1,0 1460,0,0 536,1,0 536,0,0"

HERE=$(cd "$(dirname -- "$0")" && pwd)
WIRE=$HERE/../tools/wire.py
# shellcheck source=tests/e2e/common.sh
. "$HERE/../e2e/common.sh" || exit 1

check_args PAGEC_IMPAIR_BINARY "$@"
[ -f "$SITE/big.bin" ] || { echo "$PROG: $SITE has no big.bin (tests/e2e/large_site.c writes it)" >&2; exit 2; }

# number NAME VALUE MIN MAX: VALUE, or exit 2.
number() {
    case $2 in
        '' | *[!0-9]*) ;;
        *) if [ "${#2}" -le 6 ] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
               echo "$2"
               return 0
           fi ;;
    esac
    echo "$PROG: $1: '$2' is not a number from $3 to $4" >&2
    exit 2
}

FETCHES=$(number LARGE_LOSS_FETCHES "${LARGE_LOSS_FETCHES:-100}" 1 1000) || exit 2
PARALLEL=$(number LARGE_LOSS_PARALLEL "${LARGE_LOSS_PARALLEL:-4}" 1 16) || exit 2
FETCH_MAX_TIME=$(number LARGE_LOSS_FETCH_MAX "${LARGE_LOSS_FETCH_MAX:-60}" 1 600) || exit 2
CONFIG_MAX_TIME=$(number LARGE_LOSS_CONFIG_MAX "${LARGE_LOSS_CONFIG_MAX:-150}" 1 7200) || exit 2
SEED=$(number LARGE_LOSS_SEED "${LARGE_LOSS_SEED:-1}" 0 999999) || exit 2
LOSS=${LARGE_LOSS_PCT:-10}
CONFIGS=${LARGE_LOSS_CONFIGS:-$DEFAULT_CONFIGS}
for cfg in $CONFIGS; do
    case $cfg in
        1460,[01],[01] | 536,[01],[01]) ;;
        *) echo "$PROG: LARGE_LOSS_CONFIGS: '$cfg' is not MSS,TS,SACK (MSS 1460 or 536, TS and SACK 0 or 1)" >&2
           exit 2 ;;
    esac
done

# --- prerequisites ---------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need curl
need python3
need cmp "(diffutils)"
need timeout "(coreutils)"
if [ "${BASH_VERSINFO[0]}" -lt 5 ] ||
    { [ "${BASH_VERSINFO[0]}" -eq 5 ] && [ "${BASH_VERSINFO[1]}" -lt 1 ]; }; then
    skip "needs bash 5.1 (this is $BASH_VERSION)"
fi

# --- set-up and clean-up -----------------------------------------------------

FETCH_PIDS=()
WIRE_PID=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-large-loss.XXXXXX") || exit 1
LOG=$WORK/impair.log
# shellcheck disable=SC2034 # read by common.sh
LOG_HEADING="last lines of the pagec-impair -v log:"
# shellcheck disable=SC2034 # read by common.sh
LOG_TAIL=40

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    local pid
    trap - EXIT INT TERM
    for pid in "${FETCH_PIDS[@]}"; do
        kill -s TERM "$pid" 2>/dev/null
    done
    [ -n "$WIRE_PID" ] && kill -s TERM "$WIRE_PID" 2>/dev/null
    ns_teardown
    remove_work "${LARGE_LOSS_KEEP:-0}"
}
trap_cleanup

ns_create lloss plls
URL=http://$SERVER_ADDR/big.bin

# fetch_one I: fetch number I into WORK/r/I: "MS RESULT DETAIL".
fetch_one() {
    local i=$1 t0 t1 rc out why=""
    local body=$WORK/b/$i err=$WORK/b/$i.err
    t0=$(date +%s%N)
    out=$(timeout -k 5 "$FETCH_MAX_TIME" ip netns exec "$NS" curl -sS \
        --max-time "$FETCH_MAX_TIME" -o "$body" \
        -w '%{http_code} %{local_port}' "$URL" 2>"$err")
    rc=$?
    t1=$(date +%s%N)
    if [ "$rc" -ne 0 ]; then
        why="curl exit $rc"
        [ "$rc" -eq 124 ] && why+=" (killed after $FETCH_MAX_TIME s)"
        why+=", status '${out%% *}' port ${out#* }: $(head -n 1 "$err")"
    elif [ "${out%% *}" != 200 ]; then
        why="status '${out%% *}' port ${out#* }"
    elif ! cmp -s "$body" "$SITE/big.bin"; then
        why="$(wc -c <"$body") bytes, not those of big.bin, port ${out#* }"
    fi
    if [ -z "$why" ]; then
        rm -f -- "$body" "$err"
        echo "$(((t1 - t0) / 1000000)) ok" >"$WORK/r/$i"
    else
        echo "$(((t1 - t0) / 1000000)) fail $why" >"$WORK/r/$i"
    fi
}

# open_conns: the client's TCP connections to the server not yet closed
# (TIME-WAIT counts as closed).
open_conns() {
    nsexec ss -Htan dst "$SERVER_ADDR" 2>/dev/null |
        awk '$1 != "TIME-WAIT" { n++ } END { print n + 0 }'
}

# run_config MSS TS SACK: one configuration, its checks and its line.
run_config() {
    local mss=$1 ts=$2 sack=$3 what i pid done_pid left t_start t_end
    local launched=0 nok=0 nfail=0 tag=$1.$2$3
    what="MSS $mss, TS $ts, SACK $sack"
    LOG=$WORK/impair.$tag.log
    ns_start_server "$BIN" --dev "$TUN" --seed "$SEED" --loss "$LOSS" -v
    if ! { nsexec ip link set "$TUN" mtu $((mss + 40)) &&
           nsexec sysctl -q -w net.ipv4.tcp_timestamps="$ts" \
               net.ipv4.tcp_sack="$sack"; } 2>"$WORK/set.err"; then
        fail "$what: MTU $((mss + 40)), sysctl: $(cat "$WORK/set.err")"
        stop_server
        return
    fi
    ip netns exec "$NS" python3 "$WIRE" "$TUN" "$SERVER_ADDR" \
        "$WORK/wire.$tag.json" $((CONFIG_MAX_TIME + FETCH_MAX_TIME + 60)) \
        >"$WORK/wire.ready" 2>"$WORK/wire.err" &
    WIRE_PID=$!
    for ((i = 0; i < 50; i++)); do
        grep -q ready "$WORK/wire.ready" && break
        sleep 0.1
    done
    rm -rf -- "$WORK/r" "$WORK/b"
    mkdir "$WORK/r" "$WORK/b" || exit 1
    t_start=$(date +%s)
    for ((i = 0; i < FETCHES; i++)); do
        while [ "${#FETCH_PIDS[@]}" -ge "$PARALLEL" ]; do
            done_pid=
            wait -n -p done_pid "${FETCH_PIDS[@]}"
            [ -n "$done_pid" ] || break 2
            left=()
            for pid in "${FETCH_PIDS[@]}"; do
                [ "$pid" = "$done_pid" ] || left+=("$pid")
            done
            FETCH_PIDS=("${left[@]}")
        done
        [ $(($(date +%s) - t_start)) -lt "$CONFIG_MAX_TIME" ] || break
        fetch_one "$i" &
        FETCH_PIDS+=($!)
        launched=$((launched + 1))
    done
    [ "${#FETCH_PIDS[@]}" -eq 0 ] || wait "${FETCH_PIDS[@]}"
    FETCH_PIDS=()
    t_end=$(date +%s)
    # The client's sockets outlive curl until the server has acknowledged
    # all of their bytes (their request, their FIN): under loss this takes
    # a few of the client's retransmissions. A server started afresh (a
    # new secret) would answer them with RSTs, so they are let finish.
    local open0 open i_wait=0
    open0=$(open_conns)
    open=$open0
    while [ "$open" -gt 0 ] && [ "$i_wait" -lt "$DRAIN_MAX" ]; do
        sleep 1
        i_wait=$((i_wait + 1))
        open=$(open_conns)
    done
    LINGER="$open0 connections open after the fetches"
    [ "$open0" -gt 0 ] && LINGER+=", $open after $i_wait s"
    STOP_WAIT=50 stop_process "$WIRE_PID" wire.py
    WIRE_PID=

    for ((i = 0; i < launched; i++)); do
        read -r ms result why <"$WORK/r/$i" 2>/dev/null || { ms=0 result=fail why="no result"; }
        echo "$ms" >>"$WORK/times.$tag"
        if [ "$result" = ok ]; then
            nok=$((nok + 1))
        else
            nfail=$((nfail + 1))
            [ "$nfail" -le 5 ] && echo "       | fetch $i after $ms ms: $why"
        fi
    done

    check_shutdown
    local rst out_bytes
    rst=$(awk '$1 == "impair:" && $2 == "rst-port80" { print $3; exit }' "$LOG")
    out_bytes=$(awk '$1 == "impair:" && $2 == "out" {
        for (i = 3; i < NF; i++) if ($i == "bytes") { print $(i + 1); exit } }' "$LOG")
    if [ "${rst:-x}" != 0 ]; then
        fail "$what: pagec-impair sent ${rst:-?} RSTs from port 80"
        grep '^rst: ' "$LOG" | head -n 10 | evidence
    fi
    python3 - "$WORK/wire.$tag.json" "$WORK/times.$tag" "${out_bytes:-0}" \
        "$(wc -c <"$SITE/big.bin")" "$nok" <<'EOF' >"$WORK/summary.$tag"
import json, sys
try:
    w = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    w = {"conns": [], "drops": -1}
t = sorted(int(x) for x in open(sys.argv[2]))
out_bytes, size, nok = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
big = [c for c in w["conns"] if c["request"] and c["request"].startswith("GET /big.bin ")]
reply = max((c["reply_len"] for c in big), default=0)
print("fetch ms median %d max %d; server bytes / reply %.2f; pokes %d; "
      "longest stall %.0f ms%s" % (
          t[len(t) // 2] if t else 0, t[-1] if t else 0,
          out_bytes / (max(nok, 1) * reply) if reply else 0,
          sum(c["pokes"] for c in big),
          max((c["stall_ms"] for c in big), default=0),
          "; wire.py dropped %d packets" % w["drops"] if w["drops"] else ""))
EOF
    if [ "$nfail" -eq 0 ] && [ "$launched" -eq "$FETCHES" ]; then
        pass "$what, $LOSS % loss each way: $nok/$FETCHES fetches of big.bin byte-exact in $((t_end - t_start)) s; $(cat "$WORK/summary.$tag"); $LINGER"
    else
        fail "$what, $LOSS % loss each way: $nok/$FETCHES fetches of big.bin byte-exact ($launched started in $CONFIG_MAX_TIME s); $(cat "$WORK/summary.$tag"); $LINGER"
    fi
}

for cfg in $CONFIGS; do
    IFS=, read -r mss ts sack <<<"$cfg"
    run_config "$mss" "$ts" "$sack"
done
for cfg in $ALL_CONFIGS; do
    case " $CONFIGS " in
        *" $cfg "*) continue ;;
    esac
    IFS=, read -r mss ts sack <<<"$cfg"
    case $ts$sack in
        01) why="SACK without timestamps: an ACK that covers more than two segments near the reply's end leaves the last ones unsent until the client sends its request's last byte again, on its backed-off timer (measured: 100/100, but single fetches of 49 and 53 s, near the 60 s a fetch is given)" ;;
        10) why="timestamps without SACK: duplicate ACKs draw copies until a restart (measured: tens of times the reply's bytes, fetches over 60 s)" ;;
        00) why="neither: stop-and-wait, each loss waits for the client's backed-off retransmission (measured: most fetches over 60 s)" ;;
    esac
    echo "not run: MSS $mss, TS $ts, SACK $sack: $why; LARGE_LOSS_CONFIGS=$cfg runs it"
done

finish
