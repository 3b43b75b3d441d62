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
# reset them; those still open then are shown and aborted with ss -K).
# The client is not tuned: its retransmission timer is the kernel's (no
# locked RTT, no cap on the back-off), as a user's is.
#
# Passes when every fetch of every configuration run gets status 200 and
# the very bytes of big.bin (cmp), and pagec-impair reports no RST from
# port 80. Prints per configuration: fetches byte-exact, the fetch times
# (median, max), the bytes the runtime sent over the bytes of the replies
# fetched (pagec-impair's count, before the link's losses), and from
# tests/tools/wire.py on the device: the client's request retransmissions
# (pokes) and the longest stall of a fetch.
#
# All eight configurations run by default; LARGE_LOSS_CONFIGS picks some.
# pagec-impair gives the runtime a table of 8 connections (clients
# without SACK or timestamps are served from it). Then the other clients,
# fewer fetches each (LARGE_LOSS_CLIENTS): wget and Python's urllib fetch
# big.bin, headless Chromium check.html, whose script fetches big.bin and
# writes its status, length and bytes into the document, which must hold
# those of big.bin.
#
# Exit status: 0 all passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (root, /dev/net/tun, network namespaces, curl,
# python3, bash 5.1); in CI (CI=true) a missing prerequisite is a failure.
#
# Environment:
#   LARGE_LOSS_FETCHES=N    fetches per configuration (default 100, at
#                           most 1000)
#   LARGE_LOSS_PARALLEL=P   fetches at once (default 4, at most 16)
#   LARGE_LOSS_CONFIGS="MSS,TS,SACK ..."  the configurations (default all
#                           eight: 1460,1,1 1460,0,1 536,1,1 536,0,1
#                           1460,1,0 1460,0,0 536,1,0 536,0,0)
#   LARGE_LOSS_CLIENTS="CLIENT:MSS,TS,SACK ..."  the runs of the other
#                           clients, CLIENT wget, urllib or chromium
#                           (default: each in two configurations, one
#                           with SACK and timestamps and one without
#                           either or without one; "" runs none)
#   LARGE_LOSS_CLIENT_FETCHES=N  fetches of each such run (default 20;
#                           Chromium half as many, two at once)
#   LARGE_LOSS_PCT=X        the loss each way, per cent (default 10)
#   LARGE_LOSS_SEED=N       pagec-impair's seed (default 1)
#   LARGE_LOSS_FETCH_MAX=S  seconds for one fetch (default 60)
#   LARGE_LOSS_CONFIG_MAX=S seconds after which a configuration starts no
#                           more fetches (default 150)
#   LARGE_LOSS_KEEP=1       keep the work directory, with a trace of every
#                           segment on the device (wire.py), and print its path

set -u

PROG=${0##*/}
# shellcheck disable=SC2034 # read by common.sh
SERVER_NAME=pagec-impair
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
# shellcheck disable=SC2034 # read by common.sh
STOP_WAIT=30
DRAIN_MAX=${LARGE_LOSS_DRAIN_MAX:-60}    # seconds to wait for the client's connections to close
ALL_CONFIGS="1460,1,1 1460,0,1 536,1,1 536,0,1 1460,1,0 1460,0,0 536,1,0 536,0,0"
DEFAULT_CONFIGS=$ALL_CONFIGS

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
CLIENT_RUNS=${LARGE_LOSS_CLIENTS-"wget:1460,1,1 wget:536,0,0 urllib:1460,0,1 urllib:536,1,0 chromium:1460,1,1 chromium:536,0,0"}
CLIENT_FETCHES=$(number LARGE_LOSS_CLIENT_FETCHES "${LARGE_LOSS_CLIENT_FETCHES:-20}" 2 1000) || exit 2
for cfg in $CLIENT_RUNS; do
    case $cfg in
        wget:* | urllib:* | chromium:*) ;;
        *) echo "$PROG: LARGE_LOSS_CLIENTS: '$cfg' is not wget, urllib or chromium:MSS,TS,SACK" >&2
           exit 2 ;;
    esac
    CONFIGS_CHECK+=" ${cfg#*:}"
done
for cfg in $CONFIGS ${CONFIGS_CHECK:-}; do
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
case " $CLIENT_RUNS" in *" wget:"*) need wget ;; esac
case " $CLIENT_RUNS" in *" chromium:"*) need chromium ;; esac
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

# what check.html writes of big.bin when it has it whole
python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print("status=200 len=%d hex=%s" % (len(d), d.hex()))' \
    "$SITE/big.bin" >"$WORK/big.want" || exit 1

# fetch_one I: fetch number I with CLIENT into WORK/r/I: "MS RESULT
# DETAIL".
fetch_one() {
    local i=$1 t0 t1 rc out why=""
    local body=$WORK/b/$i err=$WORK/b/$i.err
    t0=$(date +%s%N)
    case $CLIENT in
        curl)
            out=$(timeout -k 5 "$FETCH_MAX_TIME" ip netns exec "$NS" curl -sS \
                --max-time "$FETCH_MAX_TIME" -o "$body" \
                -w '%{http_code} %{local_port}' "$URL" 2>"$err") ;;
        wget)
            # exit status 0: a 2xx status and the body whole
            timeout -k 5 "$FETCH_MAX_TIME" ip netns exec "$NS" wget -q \
                -T "$FETCH_MAX_TIME" -t 1 -O "$body" "$URL" 2>"$err" &&
                out="200 -" ;;
        urllib)
            out=$(timeout -k 5 "$FETCH_MAX_TIME" ip netns exec "$NS" python3 -c '
import sys, urllib.request
r = urllib.request.urlopen(sys.argv[1], timeout=int(sys.argv[3]))
open(sys.argv[2], "wb").write(r.read())
print(r.status, "-")' "$URL" "$body" "$FETCH_MAX_TIME" 2>"$err") ;;
        chromium)
            out=$(timeout -k 5 "$FETCH_MAX_TIME" ip netns exec "$NS" chromium \
                --headless --no-sandbox --disable-gpu --disable-quic \
                --no-first-run --disable-background-networking \
                --disable-component-update --disable-sync \
                --disable-default-apps --disable-extensions \
                --proxy-server='direct://' --user-data-dir="$body.profile" \
                --virtual-time-budget=$((FETCH_MAX_TIME * 1000)) \
                --dump-dom "http://$SERVER_ADDR/check.html" 2>"$err" |
                python3 -c '
import re, sys
dom = sys.stdin.read()
m = re.search(r"<pre id=\"big\">([^<]*)</pre>", dom)
got = m.group(1) if m else "(no element)"
want = open(sys.argv[1]).read().strip()
print("200 -" if got == want else "mismatch " + got[:60])' "$WORK/big.want")
            rm -rf -- "$body.profile"
            [ "${out%% *}" = 200 ] && cp -- "$SITE/big.bin" "$body" ;;
    esac
    rc=$?
    t1=$(date +%s%N)
    if [ "$rc" -ne 0 ]; then
        why="$CLIENT exit $rc"
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

# run_config MSS TS SACK: one configuration, its checks and its line,
# fetched by CLIENT, FETCHES times, PARALLEL at once.
run_config() {
    local mss=$1 ts=$2 sack=$3 what i pid done_pid left t_start t_end
    local launched=0 nok=0 nfail=0 tag=$CLIENT.$1.$2$3
    what="MSS $mss, TS $ts, SACK $sack"
    [ "$CLIENT" = curl ] || what="$CLIENT, $what"
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
        ${LARGE_LOSS_KEEP:+"$WORK/trace.$tag"} >"$WORK/wire.ready" 2>"$WORK/wire.err" &
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
    if [ "$open" -gt 0 ]; then
        # Every fetch has its bytes by now; what is left is the client's
        # kernel retransmitting its FIN (or the request's last byte) on
        # a backed-off timer through the lossy link. Show the sockets and
        # their timers, then abort them (ss -K), so that the next
        # configuration's server, which has a new secret, does not see
        # them and answer with a RST.
        echo "       note: $what: $open connections still open after $i_wait s:"
        nsexec ss -tanoi dst "$SERVER_ADDR" 2>&1 | head -n 12 | evidence
        nsexec ss -K dst "$SERVER_ADDR" >/dev/null 2>&1 || true
        sleep 1
    fi
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

CLIENT=curl
for cfg in $CONFIGS; do
    IFS=, read -r mss ts sack <<<"$cfg"
    run_config "$mss" "$ts" "$sack"
done
FETCHES=$CLIENT_FETCHES
for cfg in $CLIENT_RUNS; do
    CLIENT=${cfg%%:*}
    IFS=, read -r mss ts sack <<<"${cfg#*:}"
    if [ "$CLIENT" = chromium ]; then
        FETCHES=$((CLIENT_FETCHES / 2)) PARALLEL=2 run_config "$mss" "$ts" "$sack"
    else
        run_config "$mss" "$ts" "$sack"
    fi
done
for cfg in $ALL_CONFIGS; do
    case " $CONFIGS " in
        *" $cfg "*) continue ;;
    esac
    IFS=, read -r mss ts sack <<<"$cfg"
    echo "not run: MSS $mss, TS $ts, SACK $sack: not in LARGE_LOSS_CONFIGS"
done

finish
