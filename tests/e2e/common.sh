# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/common.sh - shell helpers shared by e2e.sh, serve.sh and the
# other end-to-end scripts (hostile, browser, flood, impair).
#
# Sourced, not run: . "$(dirname -- "$0")/common.sh"
#
# Provides:
#   check_args BINARY_NAME "$@"  the two arguments, a server binary and a
#                     site directory: sets BIN and SITE (SITE made
#                     absolute), or exits 2 with the usage line or a message
#   skip MESSAGE      "SKIP: MESSAGE" and exit 77; in CI (CI=true or
#                     PAGEC_CI=1) a failure instead (tests/skip.sh)
#   ci_mode           true in CI (tests/skip.sh)
#   need COMMAND [NOTE]  skip "needs COMMAND [NOTE]" unless COMMAND exists
#   trap_cleanup      from now on the caller's cleanup function runs at exit;
#                     SIGINT and SIGTERM end the script with 130 and 143
#   remove_work KEEP  remove WORK, or when KEEP is 1 keep it and say where
#   stop_process PID NAME [SIGNAL]  stop a child of the script (SIGTERM by
#                     default, SIGKILL after STOP_WAIT tenths of a second),
#                     wait for it and set STOP_RC to its exit status
#   stop_server [SIGNAL]  stop_process on the server; sets SERVER_RC
#   stop_dev          stop_process on the device that DEV_PID names (in
#                     messages DEV_NAME), if any; sets DEV_RC
#   pass, fail TEXT   one "ok   - TEXT" or "FAIL - TEXT" line, counted
#   evidence          stdin indented, the details under a failed check
#   finish            on failure the end of LOG, then "N passed, M failed";
#                     exits 0 when no check failed, else 1
#   urlencode PATH    PATH with every byte outside [A-Za-z0-9._~/-] as %XX
#   each_site_file COMMAND...  runs COMMAND... URLPATH FILE for every
#                     regular file of SITE; sets NFILES
#   check_shutdown    the server must still run and exit 0 on SIGTERM
#   need_live         skip "needs python3" when a file of SITE holds a live
#                     field (<!--live:NAME:WIDTH-->, pagec(1)) or an action
#                     (<!--action:NAME:ARG:TARGET-->): the pages are then
#                     compared by tests/tools/live.py
#   live_file FILE    true when FILE holds a live field (a marker)
#   marked_file FILE  true when FILE holds a live field or an action
#   same_page BODY FILE [VALUES]  BODY is what the server sends for FILE:
#                     its bytes, or for a page with live fields or actions
#                     the file with each live field's marker replaced by
#                     WIDTH bytes and each action's taken out (live.py
#                     match); the fields' values, "NAME VALUE" lines, go
#                     to VALUES; on failure SAME_WHY says why
#   live_value VALUES NAME  the value of the field NAME in VALUES
#   live_summary VALUES  the fields of VALUES on one line: "uptime 12,
#                     requests 3", a field of spaces as "(spaces)"
#   check_live URLPATH FILE GAP T0 EXACT  the live fields as they change:
#                     two fetches of URLPATH (the caller's fetch URLPATH
#                     BODYFILE, which sets CURL_RC and CODE) GAP seconds
#                     apart (at least 1.1), each the page FILE; its
#                     requests field counts up (by exactly 1 when EXACT is
#                     1: nothing else fetched a live page meanwhile), its
#                     uptime field advances by at least a second and by no
#                     more than the seconds that passed, and is at most
#                     the seconds since T0 (the server's start, date +%s;
#                     empty: not checked). The values go to WORK/live1 and
#                     WORK/live2; LOADAVG_BEFORE and LOADAVG_AFTER are the
#                     first field of /proc/loadavg before and after the
#                     second fetch (empty without it). Returns 1 when a
#                     fetch failed or was not the page, else 0
#   near_load VALUE BEFORE AFTER  VALUE is within 0.01 of BEFORE or AFTER,
#                     /proc/loadavg's readings around a fetch: the kernel
#                     keeps the load average in 1/2048ths, which
#                     getloadavg() (through sysinfo()) and /proc/loadavg
#                     round to hundredths in ways that may differ by one
#   ns_create NAME TUN_PREFIX  a network namespace of our own,
#                     pagec-NAME-PID, with IPv6 off (unless NS_IPV6=1);
#                     sets NS, TUN (TUN_PREFIX PID) and NS_CREATED, or
#                     skips when namespaces cannot be made
#   nsexec COMMAND... COMMAND inside the namespace
#   ns_start_server [--stdbuf] COMMAND...  runs COMMAND (the server and
#                     its arguments) inside the namespace, its output
#                     appended to LOG (emptied first; --stdbuf line-buffers
#                     it when stdbuf exists), sets SERVER_PID, waits at most
#                     5 s for the device TUN, then gives it CLIENT_ADDR peer
#                     SERVER_ADDR and brings it and lo up; on failure one
#                     "FAIL - SERVER_NAME started ..." or "FAIL - configure
#                     TUN ..." and finish
#   slip_bridge_start BIN MTU [ARGS...]  pagec-slip (BIN) --pty ARGS on the
#                     TUN device inside the namespace (ns_start_server), the
#                     device's MTU set; sets PTY to the slave side of the
#                     pseudo-terminal it printed; on failure one FAIL line
#                     and finish
#   ns_teardown       stop_server, then kill whatever still runs in the
#                     namespace and delete it (for the caller's cleanup)
#
# Sets when sourced: MAX_FILES (5000, the bound of each_site_file),
# SERVER_PID and SERVER_RC (empty), PASSED and FAILED (0), NS_CREATED (0).
#
# The caller sets, before the helpers that use them run:
#   PROG         the script's name, for messages (check_args, stop_server,
#                remove_work)
#   SERVER_NAME  the server's name in messages (pagec-tun, pagec-serve)
#   STOP_WAIT    tenths of a second stop_server waits for the server to exit
#   WORK         the work directory (remove_work)
#   LOG          the server's -v log; LOG_HEADING, the line finish prints
#                above its last LOG_TAIL lines when a check failed
#   SERVER_PID   the server's PID once it started (empty again once it
#                was waited for)
#   cleanup      a function, run at exit once trap_cleanup was called
#   CLIENT_ADDR, SERVER_ADDR  the kernel's and the server's side of the
#                TUN device (ns_start_server)

MAX_FILES=5000    # bound on the number of site files fetched
LIVE_TOOL=$(cd "$(dirname -- "${BASH_SOURCE[0]}")/../tools" && pwd)/live.py
SERVER_PID=
SERVER_RC=
PASSED=0
FAILED=0
NS_CREATED=0

check_args() {
    local what=$1
    shift
    if [ $# -ne 2 ]; then
        echo "usage: $PROG $what SITE_DIR" >&2
        exit 2
    fi
    BIN=$1
    SITE=$2
    if [ ! -f "$BIN" ] || [ ! -x "$BIN" ]; then
        echo "$PROG: $BIN: not an executable file" >&2
        exit 2
    fi
    if [ ! -d "$SITE" ]; then
        echo "$PROG: $SITE: not a directory" >&2
        exit 2
    fi
    SITE=$(cd "$SITE" && pwd)
}

# skip and ci_mode
# shellcheck source=tests/skip.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/../skip.sh" || exit 1

need() {
    command -v "$1" >/dev/null 2>&1 || skip "needs $*"
}

trap_cleanup() {
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

remove_work() {
    if [ "$1" = 1 ]; then
        echo "$PROG: work directory kept: $WORK"
    else
        rm -rf -- "$WORK"
    fi
}

stop_process() {
    local pid=$1 name=$2 sig=${3:-TERM} i
    kill -s "$sig" "$pid" 2>/dev/null
    for ((i = 0; i < STOP_WAIT; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "$PROG: $name (pid $pid) ignored SIG$sig, killing it"
        kill -s KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    STOP_RC=$?
}

stop_server() {
    SERVER_RC=
    [ -n "$SERVER_PID" ] || return 0
    stop_process "$SERVER_PID" "$SERVER_NAME" "${1:-TERM}"
    SERVER_RC=$STOP_RC
    SERVER_PID=
}

stop_dev() {
    DEV_RC=
    [ -n "${DEV_PID:-}" ] || return 0
    stop_process "$DEV_PID" "${DEV_NAME:-the device}"
    DEV_RC=$STOP_RC
    DEV_PID=
}

pass() {
    PASSED=$((PASSED + 1))
    echo "ok   - $*"
}

fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL - $*"
}

evidence() {
    sed 's/^/       | /'
}

finish() {
    if [ "$FAILED" -gt 0 ] && [ -s "$LOG" ]; then
        echo "$LOG_HEADING"
        tail -n "$LOG_TAIL" "$LOG" | evidence
    fi
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit
}

urlencode() {
    local LC_ALL=C s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9._~/-]) out+=$c ;;
            *) printf -v c '%%%02X' "'$c"; out+=$c ;;
        esac
    done
    printf '%s' "$out"
}

# Dotfiles and dot-directories are skipped; at most MAX_FILES files, in
# the C locale's order. URLPATH is "/" and FILE's path in SITE, %-encoded.
each_site_file() {
    local file
    NFILES=0
    while IFS= read -r -d '' file && [ "$NFILES" -lt "$MAX_FILES" ]; do
        NFILES=$((NFILES + 1))
        "$@" "/$(urlencode "${file#"$SITE"/}")" "$file"
    done < <(find "$SITE" -mindepth 1 -name '.*' -prune -o -type f -print0 |
        LC_ALL=C sort -z)
}

check_shutdown() {
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        stop_server TERM
        if [ "$SERVER_RC" -eq 0 ]; then
            pass "$SERVER_NAME exits with status 0 on SIGTERM"
        else
            fail "$SERVER_NAME exit status $SERVER_RC on SIGTERM (want 0)"
        fi
    else
        wait "$SERVER_PID"
        fail "$SERVER_NAME died during the test, exit status $?"
        SERVER_PID=
    fi
}

need_live() {
    if grep -rlqs -e '<!--live:' -e '<!--action:' "$SITE"; then
        need python3 "(to compare pages with live fields)"
    fi
}

live_file() {
    grep -qs -- '<!--live:' "$1"
}

marked_file() {
    grep -qs -e '<!--live:' -e '<!--action:' "$1"
}

same_page() {
    local body=$1 file=$2 values=${3:-/dev/null}
    SAME_WHY=
    if ! marked_file "$file"; then
        : >"$values"
        cmp -s "$body" "$file" && return 0
        SAME_WHY="$(wc -c <"$body") bytes, want the $(wc -c <"$file") of ${file##*/}"
        return 1
    fi
    python3 "$LIVE_TOOL" match "$file" "$body" >"$values" 2>"$body.why" && return 0
    SAME_WHY=$(sed 's/^live.py: [^:]*: //' "$body.why")
    return 1
}

live_value() {
    awk -v n="$2" '$1 == n { sub(/^[^ ]* /, ""); print; exit }' "$1"
}

live_summary() {
    awk '{ v = $0; sub(/^[^ ]* ?/, "", v); printf "%s%s %s", sep, $1, v == "" ? "(spaces)" : v; sep = ", " }' "$1"
}

# shellcheck disable=SC2034 # LOADAVG_BEFORE and LOADAVG_AFTER: the caller's
check_live() {
    local url=$1 file=$2 gap=$3 t0=$4 exact=$5 i why="" t1 t2 t3 u1 u2 r1 r2 max
    LOADAVG_BEFORE=
    LOADAVG_AFTER=
    for i in 1 2; do
        if [ "$i" = 2 ]; then
            sleep "$gap"
            LOADAVG_BEFORE=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null)
            t2=$(date +%s%N)
        else
            t1=$(date +%s%N)
        fi
        fetch "$url" "$WORK/live$i.body"
        if [ "$CURL_RC" -ne 0 ] || [ "$CODE" != 200 ]; then
            fail "live fields, fetch $i of $url: status ${CODE:-none}, curl exit $CURL_RC"
            return 1
        fi
        if ! same_page "$WORK/live$i.body" "$file" "$WORK/live$i"; then
            fail "live fields, fetch $i of $url: not ${file##*/} with its fields: $SAME_WHY"
            return 1
        fi
    done
    t3=$(date +%s%N)
    LOADAVG_AFTER=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null)
    pass "GET $url twice, $gap s apart: 200, ${file##*/} with its fields ($(live_summary "$WORK/live2")); the client's TCP/IP stack took every segment, checksums checked"
    r1=$(live_value "$WORK/live1" requests)
    r2=$(live_value "$WORK/live2" requests)
    if ! [[ $r1 =~ ^[0-9]+$ && $r2 =~ ^[0-9]+$ ]]; then
        fail "live field requests: '$r1' then '$r2', want numbers"
    elif [ "$exact" = 1 ] && [ "$r2" -ne $((r1 + 1)) ]; then
        fail "live field requests: $r1 then $r2, want $((r1 + 1)) (one live page fetched between)"
    elif [ "$r1" -lt 1 ] || [ "$r2" -le "$r1" ]; then
        fail "live field requests: $r1 then $r2, want at least 1 and counting up"
    else
        pass "live field requests counts up: $r1, then $r2"
    fi
    u1=$(live_value "$WORK/live1" uptime)
    u2=$(live_value "$WORK/live2" uptime)
    # the most seconds the uptime may have advanced: the time from the
    # start of the first fetch to the end of the second, whole seconds
    # rounded up, and one for the tick between
    max=$(((t3 - t1 + 999999999) / 1000000000 + 1))
    if ! [[ $u1 =~ ^[0-9]+$ && $u2 =~ ^[0-9]+$ ]]; then
        why="'$u1' then '$u2', want numbers"
    elif [ $((u2 - u1)) -lt 1 ]; then
        why="$u1 then $u2 s: did not advance in the $(((t2 - t1) / 1000000)) ms between the fetches' starts"
    elif [ $((u2 - u1)) -gt "$max" ]; then
        why="$u1 then $u2 s: advanced more than the $max s the fetches took"
    elif [ -n "$t0" ] && [ "$u2" -gt $(($(date +%s) - t0 + 1)) ]; then
        why="$u2 s, more than the $(($(date +%s) - t0)) s since the server started"
    fi
    if [ -z "$why" ]; then
        pass "live field uptime advances with the clock: $u1 s, then $u2 s ($(((t2 - t1) / 1000000)) ms later)"
    else
        fail "live field uptime: $why"
    fi
    return 0
}

near_load() {
    awk -v v="$1" -v a="$2" -v b="$3" 'function d(x) { x = v - x; return x < 0 ? -x : x }
        BEGIN { exit !(d(a) < 0.0101 || d(b) < 0.0101) }'
}

ns_create() {
    NS=pagec-$1-$$
    TUN=$2$$
    if ! ip netns add "$NS" 2>"$WORK/netns.err"; then
        skip "cannot create network namespace: $(head -n 1 "$WORK/netns.err")"
    fi
    NS_CREATED=1
    [ "${NS_IPV6:-0}" = 1 ] && return 0
    # No IPv6 in the namespace: the kernel would send router and multicast
    # listener solicitations on the TUN device, noise in the packet counts
    # and logs. /proc/sys/net is per namespace.
    # shellcheck disable=SC2016 # $f is expanded by the inner shell
    nsexec sh -c 'for f in /proc/sys/net/ipv6/conf/default/disable_ipv6 \
        /proc/sys/net/ipv6/conf/all/disable_ipv6; do
        [ -w "$f" ] && echo 1 >"$f"; done; exit 0'
}

# check_arp [MAC]: the kernel in the namespace finds SERVER_ADDR on the
# Ethernet device TUN by ARP: after a ping its neighbour entry holds an
# address (MAC, when given), arping gets replies from it, and an ARP
# request for 192.0.2.3 (not the server's) none. Sets ARP_MAC to the
# address found.
check_arp() {
    local want=${1:-} neigh out
    # the kernel's own neighbour discovery: a ping makes it ask
    nsexec ping -c 1 -W 3 "$SERVER_ADDR" >/dev/null 2>&1
    neigh=$(nsexec ip neigh show "$SERVER_ADDR" dev "$TUN")
    ARP_MAC=$(printf '%s\n' "$neigh" | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')
    if [ -z "$ARP_MAC" ]; then
        fail "ARP: no neighbour entry with an address for $SERVER_ADDR: '$neigh'"
    elif [ -n "$want" ] && [ "$ARP_MAC" != "${want,,}" ]; then
        fail "ARP: the kernel's neighbour entry: $neigh (want lladdr ${want,,})"
    else
        pass "ARP: the kernel's neighbour entry: $neigh"
    fi
    if ! command -v arping >/dev/null 2>&1; then
        if [ "${CI:-}" = true ]; then
            fail "arping not installed (Debian: iputils-arping)"
        else
            echo "# arping not installed (Debian: iputils-arping): its checks not run"
        fi
        return 0
    fi
    if out=$(nsexec arping -c 2 -w 4 -I "$TUN" "$SERVER_ADDR" 2>&1) &&
        printf '%s\n' "$out" | grep -qi "${ARP_MAC:-no-address}"; then
        pass "arping $SERVER_ADDR: $(printf '%s\n' "$out" | grep -ci "reply from") replies from $ARP_MAC"
    else
        fail "arping $SERVER_ADDR: no reply from ${ARP_MAC:-the server}"
        printf '%s\n' "$out" | tail -n 3 | evidence
    fi
    if nsexec arping -c 1 -w 2 -I "$TUN" 192.0.2.3 >/dev/null 2>&1; then
        fail "arping 192.0.2.3 (not the server's address): a reply"
    else
        pass "arping 192.0.2.3 (not the server's address): no reply"
    fi
}

# check_mdns NAME: a Multicast DNS query for NAME.local from the
# namespace (tests/tools/mdns.py, full and legacy) gets SERVER_ADDR, and
# one for another name no answer.
check_mdns() {
    local tool kind out opt
    tool=$(dirname -- "${BASH_SOURCE[0]}")/../tools/mdns.py
    for kind in full legacy; do
        opt=()
        [ "$kind" = legacy ] && opt=(--legacy)
        if out=$(nsexec python3 "$tool" "${opt[@]}" "$CLIENT_ADDR" "$1" \
                2>"$WORK/mdns.err") &&
            [ "$out" = "$SERVER_ADDR" ]; then
            pass "mDNS, $kind query: $(sed -n 's/^mdns.py: //p' "$WORK/mdns.err" | tail -n 1)"
        else
            fail "mDNS, $kind query for $1.local: '$out' (want $SERVER_ADDR)"
            evidence <"$WORK/mdns.err"
        fi
    done
    nsexec python3 "$tool" --timeout 2 "$CLIENT_ADDR" "not-$1" \
        >/dev/null 2>"$WORK/mdns.err"
    case $? in
        1) pass "mDNS: no answer for not-$1.local" ;;
        0) fail "mDNS: an answer for not-$1.local" ;;
        *) fail "mDNS: tests/tools/mdns.py failed"
           evidence <"$WORK/mdns.err" ;;
    esac
}

nsexec() {
    ip netns exec "$NS" "$@"
}

ns_start_server() {
    local i up=0 launcher=()
    if [ "$1" = --stdbuf ]; then
        shift
        # Line-buffer the log so its lines and the caller's markers stay
        # in order.
        if command -v stdbuf >/dev/null 2>&1; then
            launcher=(stdbuf -oL -eL)
        fi
    fi
    : >"$LOG"
    # Not through nsexec: $! must be the server's PID (ip netns exec and
    # stdbuf exec the command). Appended (O_APPEND), so the caller's
    # marker lines are not overwritten.
    ip netns exec "$NS" "${launcher[@]}" "$@" >>"$LOG" 2>&1 &
    SERVER_PID=$!

    for ((i = 0; i < 50; i++)); do
        if nsexec ip link show dev "$TUN" >/dev/null 2>&1; then
            up=1
            break
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ "$up" -ne 1 ]; then
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            fail "$SERVER_NAME started: no device $TUN after 5 s"
        else
            wait "$SERVER_PID"
            fail "$SERVER_NAME started: it exited with status $? before creating $TUN"
            SERVER_PID=
        fi
        finish
    fi
    if ! { nsexec ip addr add "$CLIENT_ADDR" peer "$SERVER_ADDR" dev "$TUN" &&
           nsexec ip link set "$TUN" up &&
           nsexec ip link set lo up; } 2>"$WORK/ip.err"; then
        fail "configure $TUN: $(cat "$WORK/ip.err")"
        finish
    fi
}

slip_bridge_start() {
    local bin=$1 mtu=$2 i
    shift 2
    ns_start_server --stdbuf "$bin" --dev "$TUN" --pty "$@"
    if ! nsexec ip link set "$TUN" mtu "$mtu" 2>"$WORK/ip.err"; then
        fail "MTU $mtu on $TUN: $(cat "$WORK/ip.err")"
        finish
    fi
    # the slave side of the pseudo-terminal, the first line pagec-slip prints
    PTY=
    for ((i = 0; i < 50; i++)); do
        PTY=$(grep -m 1 '^/dev/' "$LOG")
        [ -n "$PTY" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$PTY" ] || [ ! -c "$PTY" ]; then
        fail "pagec-slip --pty printed no pseudo-terminal within 5 s ('$PTY')"
        finish
    fi
}

ns_teardown() {
    local pid
    stop_server TERM
    [ "$NS_CREATED" -eq 1 ] || return 0
    # Whatever still runs inside our namespace was started by us.
    for pid in $(ip netns pids "$NS" 2>/dev/null); do
        kill -s KILL "$pid" 2>/dev/null
    done
    ip netns del "$NS" 2>/dev/null
    NS_CREATED=0
}

# start_server PORT ARGS...: runs pagec-serve ($BIN, on $HOST, -v into
# $LOG) on PORT with ARGS and waits until it listens (its start line is in
# the log). Returns 0 when it listens, 1 when the port is busy, 2 on any
# other failure (with WHY set).
WHY=
start_server() {
    local i port=$1
    shift
    : >"$LOG"
    "$BIN" --port "$port" --bind "$HOST" -v "$@" >>"$LOG" 2>&1 &
    SERVER_PID=$!
    for ((i = 0; i < START_WAIT; i++)); do
        grep -q '^pagec-serve: serving .* at http://' "$LOG" && return 0
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            wait "$SERVER_PID"
            WHY="it exited with status $? on port $port: $(head -n 1 "$LOG")"
            SERVER_PID=
            grep -q 'Address already in use' "$LOG" && return 1
            return 2
        fi
        sleep 0.1
    done
    WHY="it did not print its start line within $((START_WAIT / 10)) s"
    return 2
}
