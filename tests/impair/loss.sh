#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/impair/loss.sh - fetches through a link that loses, duplicates and
# reorders datagrams.
#
# Usage: loss.sh PAGEC_IMPAIR_BINARY SITE_DIR
#
# Creates a network namespace of its own with a TUN device, runs
# PAGEC_IMPAIR_BINARY (pagec-impair built from SITE_DIR) on it with 10%
# loss, 5% duplication and 25% reordering in each direction, and fetches
# the files of SITE_DIR 500 times in all, in turn, half with
# `curl --compressed` and half with plain wget, 4 at a time. Each fetch is
# one TCP connection with no retry above TCP, bounded at 30 s. Only the
# client's retransmission timer is tuned (a locked RTT estimate on the
# route, and tcp_rto_max_ms 3000 where the kernel has it; see below), so
# that bad luck alone does not run a fetch past 30 s.
#
# Passes when every fetch completes with the very bytes of its file (a
# page with live fields, <!--live:NAME:WIDTH--> of pagec(1): the file
# with each marker replaced by WIDTH bytes, tests/tools/live.py), and
# when pagec-impair reports that the runtime sent no RST from port 80 (no
# valid exchange ever receives an RST, whatever the link did to it).
#
# wget sends "Accept-Encoding: identity", which a page stored
# gzip-compressed only answers with 406: such pages (found first with
# curl asking for identity) are fetched by wget with --compression=auto,
# which asks for gzip and inflates.
#
# All traffic stays inside the namespace: 192.0.2.1 is the kernel side of
# the TUN device (the client), 192.0.2.2 the pagec server.
#
# Prints one line per failed fetch, per file and per check, the totals
# (fetches, time per fetch, impairments) and "N passed, M failed", each
# fetch counting as one check. Exit status: 0 all passed, 1 a check
# failed, 2 usage error, 77 a prerequisite is missing (root,
# /dev/net/tun, network namespaces, curl, wget, bash 5.1, python3 for a
# site with live fields).
#
# Environment:
#   LOSS_FETCHES=N    fetches in all (default 500, at most 10000)
#   LOSS_PARALLEL=N   fetches at once (default 4, at most 16)
#   LOSS_SEED=N       seed of pagec-impair's decisions (default 1)
#   LOSS_LOSS, LOSS_DUP, LOSS_REORDER  percentages (default 10, 5, 25)
#   LOSS_KEEP=1       keep the work directory (pagec-impair -v log, one
#                     result file per fetch) and print its path

set -u

PROG=${0##*/}
SERVER_NAME=pagec-impair
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
FETCH_MAX_TIME=30   # seconds for one fetch, connection included
STOP_WAIT=30        # tenths of a second to wait for the server to exit
SLOW_MS=5000        # fetches slower than this are counted apart
ROUTE_RTT=10ms      # the client's RTT estimate for the server (see below)
RTO_MAX_MS=3000     # the client's longest retransmission timeout

# shellcheck source=tests/e2e/common.sh
. "$(dirname -- "$0")/../e2e/common.sh" || exit 1

check_args PAGEC_IMPAIR_BINARY "$@"

# number NAME VALUE MIN MAX: VALUE, or exit 2 when it is not an integer
# from MIN to MAX.
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

FETCHES=$(number LOSS_FETCHES "${LOSS_FETCHES:-500}" 1 10000) || exit 2
PARALLEL=$(number LOSS_PARALLEL "${LOSS_PARALLEL:-4}" 1 16) || exit 2
SEED=${LOSS_SEED:-1}
IMPAIR=(--loss "${LOSS_LOSS:-10}" --dup "${LOSS_DUP:-5}"
    --reorder "${LOSS_REORDER:-25}")

# --- prerequisites ---------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need curl
need wget
need cmp "(diffutils)"
need timeout "(coreutils)"
need_live
# wait -n -p, to keep PARALLEL fetches running
if [ "${BASH_VERSINFO[0]}" -lt 5 ] ||
    { [ "${BASH_VERSINFO[0]}" -eq 5 ] && [ "${BASH_VERSINFO[1]}" -lt 1 ]; }; then
    skip "needs bash 5.1 (this is $BASH_VERSION)"
fi

# --- set-up and clean-up ---------------------------------------------------

FETCH_PIDS=()
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-loss.XXXXXX") || exit 1
LOG=$WORK/pagec-impair.log
LOG_HEADING="last lines of the pagec-impair -v log ($LOG):"
LOG_TAIL=60

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    local pid
    trap - EXIT INT TERM
    for pid in "${FETCH_PIDS[@]}"; do
        kill -s TERM "$pid" 2>/dev/null
    done
    ns_teardown
    remove_work "${LOSS_KEEP:-0}"
}
trap_cleanup

# IPv6 off (ns_create): nothing but our fetches on the device.
ns_create loss ploss
# pagec-impair line-buffers its -v log itself (no stdbuf: its LD_PRELOAD
# would upset a sanitizer build).
ns_start_server "$BIN" --dev "$TUN" --seed "$SEED" "${IMPAIR[@]}" -v
# The client's retransmission timer, for a link where one exchange in
# five fails. The SYN-ACK carries no timestamp, so after a retransmitted
# SYN Linux has no RTT sample and falls back to a 3 s RTO (RFC 6298 5.7),
# doubled at each loss: 3 + 6 + 12 s, and a fourth loss in a row would
# exceed the 30 s of a fetch (about one run in ten). A locked RTT metric
# on the route gives it the link's RTT instead (an RTO of about 210 ms),
# and where the kernel has tcp_rto_max_ms (Linux 6.15) the back-off is
# capped too. Neither changes what the server sees, only when.
if ! { nsexec ip route replace "$SERVER_ADDR" dev "$TUN" proto kernel \
           scope link src "$CLIENT_ADDR" rtt lock "$ROUTE_RTT"; } \
       2>"$WORK/ip.err"; then
    fail "route to $SERVER_ADDR with rtt lock $ROUTE_RTT: $(cat "$WORK/ip.err")"
    finish
fi
rto_note="route rtt lock $ROUTE_RTT"
if nsexec sh -c "echo $RTO_MAX_MS >/proc/sys/net/ipv4/tcp_rto_max_ms" \
    2>/dev/null; then
    rto_note+=", tcp_rto_max_ms $RTO_MAX_MS"
else
    rto_note+=", no tcp_rto_max_ms (kernel before 6.15)"
fi
pass "pagec-impair runs on $TUN in namespace $NS: seed $SEED, ${IMPAIR[*]}; client: $rto_note"

# --- the files, and which are stored gzip-compressed only -------------------

URLS=()
FILES=()
GZONLY=()

# shellcheck disable=SC2317 # called through each_site_file
add_file() {
    URLS+=("$1")
    FILES+=("$2")
}
each_site_file add_file
if [ "$NFILES" -eq 0 ]; then
    fail "site $SITE has no files to fetch"
    finish
fi

# A page that answers a request for identity with 406 is stored gzip-only.
# Asked through the impaired link too, so bounded like a fetch.
for ((f = 0; f < NFILES; f++)); do
    code=$(timeout -k 5 "$FETCH_MAX_TIME" ip netns exec "$NS" curl -sS \
        --max-time "$FETCH_MAX_TIME" -H 'Accept-Encoding: identity' \
        -o /dev/null -w '%{http_code}' "http://$SERVER_ADDR${URLS[f]}" \
        2>"$WORK/probe.err")
    case $code in
        200) GZONLY[f]=0 ;;
        406) GZONLY[f]=1 ;;
        *) GZONLY[f]=0
           fail "GET ${URLS[f]} with Accept-Encoding: identity: status '$code' (want 200 or 406)"
           evidence <"$WORK/probe.err" ;;
    esac
done

# --- the fetches -----------------------------------------------------------

mkdir "$WORK/r" "$WORK/b" || exit 1

# fetch_one I: fetch number I, file I mod NFILES, curl when I is even and
# wget when it is odd. Writes WORK/r/I: "TOOL FILE-INDEX MS RESULT DETAIL",
# RESULT ok or fail, DETAIL the client port (curl) or why it failed.
fetch_one() {
    local i=$1 f tool url body t0 t1 rc out why="" detail=- status
    local err=$WORK/b/$1.err
    f=$((i % NFILES))
    url=http://$SERVER_ADDR${URLS[f]}
    body=$WORK/b/$i
    t0=$(date +%s%N)
    if [ $((i % 2)) -eq 0 ]; then
        tool=curl
        out=$(timeout -k 5 "$FETCH_MAX_TIME" ip netns exec "$NS" curl -sS \
            --compressed --max-time "$FETCH_MAX_TIME" -o "$body" \
            -w '%{http_code} %{local_port}' "$url" 2>"$err")
        rc=$?
        status=${out%% *}
        detail=port:${out#* }
    else
        tool=wget
        local comp=()
        [ "${GZONLY[f]}" -eq 1 ] && comp=(--compression=auto)
        timeout -k 5 "$FETCH_MAX_TIME" ip netns exec "$NS" wget -nv -S \
            --tries=1 --timeout="$FETCH_MAX_TIME" "${comp[@]}" -O "$body" \
            "$url" 2>"$err"
        rc=$?
        status=$(sed -n 's/^ *HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$err" | tail -n 1)
    fi
    t1=$(date +%s%N)
    if [ "$rc" -ne 0 ]; then
        why="$tool exit $rc"
        [ "$rc" -eq 124 ] && why+=" (killed after $FETCH_MAX_TIME s)"
        why+=", status '${status:-none}': $(grep -v '^ ' "$err" | head -n 1)"
    elif [ "${status:-}" != 200 ]; then
        why="status '${status:-none}'"
    elif ! same_page "$body" "${FILES[f]}"; then
        why="body differs ($SAME_WHY)"
    fi
    if [ -z "$why" ]; then
        rm -f -- "$body" "$body.why" "$err"
        echo "$tool $f $(((t1 - t0) / 1000000)) ok $detail" >"$WORK/r/$i"
    else
        echo "$tool $f $(((t1 - t0) / 1000000)) fail $detail $why" >"$WORK/r/$i"
    fi
}

t_start=$(date +%s%N)
for ((i = 0; i < FETCHES; i++)); do
    # at most PARALLEL at once; each ends within FETCH_MAX_TIME + 5 s
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
    fetch_one "$i" &
    FETCH_PIDS+=($!)
done
[ "${#FETCH_PIDS[@]}" -eq 0 ] || wait "${FETCH_PIDS[@]}"
FETCH_PIDS=()
t_end=$(date +%s%N)
wall_s=$(((t_end - t_start) / 1000000000))

# --- results ---------------------------------------------------------------

: >"$WORK/results"
for ((i = 0; i < FETCHES; i++)); do
    if [ -s "$WORK/r/$i" ]; then
        printf '%s %s\n' "$i" "$(cat "$WORK/r/$i")" >>"$WORK/results"
    else
        printf '%s - %s 0 fail - no result\n' "$i" $((i % NFILES)) >>"$WORK/results"
    fi
done

# port_log PORT: the -v log lines of the client port PORT.
port_log() {
    grep -E "192\.0\.2\.1\.$1[ :]" "$LOG" | head -n 40
}

nok=0
nfail=0
while read -r i tool f ms result detail why; do
    if [ "$result" = ok ]; then
        nok=$((nok + 1))
        PASSED=$((PASSED + 1))
    else
        nfail=$((nfail + 1))
        fail "fetch $i, $tool ${URLS[f]}, after $ms ms: $why"
        case $detail in
            port:[0-9]*) port_log "${detail#port:}" | evidence ;;
        esac
        [ -s "$WORK/b/$i.err" ] && head -n 5 "$WORK/b/$i.err" | evidence
    fi
done <"$WORK/results"

for ((f = 0; f < NFILES; f++)); do
    read -r n_all n_ok n_curl n_wget < <(awk -v f="$f" '
        $3 == f { a++; if ($5 == "ok") o++; if ($2 == "curl") c++; else w++ }
        END { print a + 0, o + 0, c + 0, w + 0 }' "$WORK/results")
    how=""
    [ "${GZONLY[f]}" -eq 1 ] && how=", gzip-only: wget with --compression=auto"
    if [ "$n_ok" -eq "$n_all" ]; then
        echo "ok   - ${URLS[f]}: $n_all fetches ($n_curl curl, $n_wget wget) byte-exact$how"
    else
        echo "FAIL - ${URLS[f]}: $n_ok of $n_all fetches byte-exact$how"
    fi
done

# --- the server's account ---------------------------------------------------

check_shutdown

# impair_field DIRECTION-OR-KEY NAME: a number of the totals pagec-impair
# printed on SIGTERM ("impair: in datagrams 12 dropped 3 ...").
impair_field() {
    awk -v k="$1" -v name="$2" '
        $1 == "impair:" && $2 == k {
            for (i = 3; i < NF; i++) if ($i == name) { print $(i + 1); exit }
        }' "$LOG"
}

rst80=$(awk '$1 == "impair:" && $2 == "rst-port80" { print $3; exit }' "$LOG")
if [ -z "$rst80" ]; then
    fail "pagec-impair printed no totals on SIGTERM"
elif [ "$rst80" -eq 0 ]; then
    pass "no RST sent to a port-80 connection"
else
    fail "$rst80 RSTs sent to port-80 connections ($(grep '^impair: rst-port80' "$LOG"))"
    grep '^rst: ' "$LOG" | head -n 60 | evidence
fi

# every impairment must have happened in both directions, or the test
# proved nothing
for dir in in out; do
    why=""
    for what in dropped duplicated overtaken; do
        v=$(impair_field "$dir" "$what")
        [ "${v:-0}" -gt 0 ] || why+=" none $what;"
    done
    if [ -z "$why" ]; then
        pass "the link impaired direction $dir"
    else
        fail "the link did not impair direction $dir:$why"
    fi
done

# --- totals ------------------------------------------------------------------

echo "totals: $FETCHES fetches ($PARALLEL at once) in $wall_s s: $nok ok, $nfail failed"
for tool in all curl wget; do
    awk -v tool="$tool" 'tool == "all" || $2 == tool { print $4 }' \
        "$WORK/results" | sort -n | awk -v tool="$tool" -v slow="$SLOW_MS" '
        { t[NR] = $1; s += $1; if ($1 > slow) ns++ }
        END {
            if (NR == 0) exit
            printf "totals: time per fetch (%s, %d): mean %.0f ms, median %d ms, " \
                "max %d ms; %d over %d ms\n", tool, NR, s / NR,
                t[int((NR + 1) / 2)], t[NR], ns + 0, slow
        }'
done
grep '^impair: ' "$LOG" | sed 's/^impair: /totals: impair: /'

finish
