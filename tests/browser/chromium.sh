#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/browser/chromium.sh - a real browser against pagec-tun.
#
# Usage: chromium.sh PAGEC_TUN_BINARY SITE_DIR
#
# Creates a network namespace of its own with a TUN device, runs
# PAGEC_TUN_BINARY -v on it (192.0.2.1 is the kernel's side, 192.0.2.2 the
# server, as in tests/e2e/e2e.sh) and runs headless Chromium inside the
# namespace on http://192.0.2.2/, twice, each with a fresh profile:
#
#   1. --dump-dom: the DOM must have index.html's <title> and the
#      <img src="logo.gif">; when index.html has live fields
#      (<!--live:NAME:WIDTH-->, pagec(1)), the DOM must have each line of
#      index.html that holds them, each marker replaced by WIDTH bytes
#      (tests/tools/live.py find), and every field must show a number
#      (the field led: on or off), as pagec-tun fills them
#      (samples/live.c);
#   2. --screenshot --window-size=800,600: the PNG must be 800x600 and
#      show a page, not a blank: png_check.py decodes it (zlib, no other
#      library) and the image must have at least MIN_COLOURS colours, at
#      least MIN_INK of its pixels other than the background colour, and
#      pixels of a colour that only logo.gif has (a colour of its palette
#      that index.html does not name and that is not the background), so
#      the logo was drawn;
#   3. what went over the wire: pagec-tun's -v log shows packets, not
#      requests, so sniff.py (a packet socket on the TUN device) records
#      the first line of every TCP payload. Chromium must have asked for
#      /logo.gif and got "200" in reply, and the -v log must show the
#      server's FP. segment to that connection after the request; Chromium
#      must have had two connections open at once at some point (a SYN
#      before an earlier connection's close); whether it asked for
#      /favicon.ico is reported, and when it did the reply must be 404.
#
# All traffic stays inside the namespace; nothing is added to the caller's
# network. Every Chromium run is bounded by timeout(1) (CHROMIUM_TIMEOUT
# seconds), the sniffer by its own deadline.
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (root, /dev/net/tun, network namespaces,
# chromium, python3).
#
# Environment:
#   BROWSER_KEEP=1  keep the work directory (server log, sniffer log, DOM,
#                   screenshot, Chromium's stderr) and print its path

set -u

PROG=${0##*/}
# shellcheck disable=SC2034 # read by common.sh
SERVER_NAME=pagec-tun
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
URL=http://$SERVER_ADDR/
CHROMIUM_TIMEOUT=60    # seconds for one Chromium run
SNIFF_SECONDS=240      # the sniffer's own deadline
# shellcheck disable=SC2034 # read by common.sh
STOP_WAIT=30           # tenths of a second to wait for the server to exit
WIDTH=800
HEIGHT=600
MIN_COLOURS=16         # a rendered page with text has hundreds
MIN_INK=1              # per cent of the pixels not the background colour

HERE=$(cd "$(dirname -- "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../e2e/common.sh disable=SC1091
. "$HERE/../e2e/common.sh" || exit 1

check_args PAGEC_TUN_BINARY "$@"
BIN=$(cd "$(dirname -- "$BIN")" && pwd)/$(basename -- "$BIN")
[ -f "$SITE/index.html" ] || { echo "$PROG: $SITE has no index.html" >&2; exit 2; }
[ -f "$SITE/logo.gif" ] || { echo "$PROG: $SITE has no logo.gif" >&2; exit 2; }

# --- prerequisites ---------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need chromium
need python3
need timeout "(coreutils)"

# --- set-up and clean-up ---------------------------------------------------

SNIFF_PID=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-browser.XXXXXX") || exit 1
LOG=$WORK/pagec-tun.log
SNIFF=$WORK/sniff.log
# shellcheck disable=SC2034 # read by common.sh
LOG_HEADING="last lines of the pagec-tun -v log ($LOG):"
# shellcheck disable=SC2034 # read by common.sh
LOG_TAIL=40

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    if [ -n "$SNIFF_PID" ]; then
        kill -s TERM "$SNIFF_PID" 2>/dev/null
        wait "$SNIFF_PID" 2>/dev/null
    fi
    # also kills what still runs in the namespace (a Chromium helper
    # process left behind, say)
    ns_teardown
    remove_work "${BROWSER_KEEP:-0}"
}
trap_cleanup

# The -v log line-buffered, so our marker lines stay in order.
ns_create browser pbrw
ns_start_server --stdbuf "$BIN" --dev "$TUN" -v
pass "pagec-tun -v runs on $TUN in namespace $NS"

# The sniffer: the first line of every TCP payload on the device.
: >"$SNIFF"
ip netns exec "$NS" python3 "$HERE/sniff.py" "$TUN" "$SNIFF_SECONDS" \
    >>"$SNIFF" 2>"$WORK/sniff.err" &
SNIFF_PID=$!
for ((i = 0; i < 50; i++)); do
    grep -qx ready "$SNIFF" && break
    kill -0 "$SNIFF_PID" 2>/dev/null || break
    sleep 0.1
done
if ! grep -qx ready "$SNIFF"; then
    fail "sniff.py listening on $TUN"
    evidence <"$WORK/sniff.err"
    finish
fi

# mark NAME: a marker line in both logs, before Chromium run NAME.
mark() {
    echo "# mark $1" >>"$LOG"
    echo "# mark $1" >>"$SNIFF"
}

# chromium_run NAME ARGS...: headless Chromium inside the namespace with
# a fresh profile and home, stdout to WORK/NAME.out, stderr to
# WORK/NAME.err; sets RC.
chromium_run() {
    local name=$1 dir
    shift
    dir=$(mktemp -d "$WORK/$name.XXXXXX") || exit 1
    mark "$name"
    RC=0
    ip netns exec "$NS" env HOME="$dir" XDG_CONFIG_HOME="$dir/config" \
        XDG_CACHE_HOME="$dir/cache" \
        timeout -k 5 "$CHROMIUM_TIMEOUT" chromium --headless --no-sandbox \
        --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update \
        --disable-sync --disable-default-apps --hide-scrollbars \
        --user-data-dir="$dir/profile" "$@" "$URL" \
        >"$WORK/$name.out" 2>"$WORK/$name.err" || RC=$?
}

# --- 1. the DOM --------------------------------------------------------------

title=$(tr '\n' ' ' <"$SITE/index.html" |
    sed -n 's/.*<title>\([^<]*\)<\/title>.*/\1/p')
chromium_run dom --dump-dom
dom=$WORK/dom.out
if [ "$RC" -ne 0 ]; then
    fail "chromium --dump-dom $URL: exit status $RC$([ "$RC" -eq 124 ] && echo " (timed out after $CHROMIUM_TIMEOUT s)")"
    grep -v dbus "$WORK/dom.err" | tail -n 10 | evidence
else
    pass "chromium --dump-dom $URL: exit status 0, $(wc -c <"$dom") bytes of DOM"
fi
if [ -n "$title" ] && grep -qF "<title>$title</title>" "$dom"; then
    pass "DOM has the title \"$title\""
else
    fail "DOM lacks the title \"$title\" of index.html"
    head -n 20 "$dom" | evidence
fi
if grep -Eq '<img [^>]*src="logo\.gif"' "$dom"; then
    pass "DOM has the <img> for logo.gif: $(grep -Eo '<img [^>]*src="logo\.gif"[^>]*>' "$dom" | head -n 1)"
else
    fail "DOM has no <img src=\"logo.gif\">"
    head -n 20 "$dom" | evidence
fi

# the live fields, as the browser parsed them: numbers in their cells
if live_file "$SITE/index.html"; then
    if ! python3 "$HERE/../tools/live.py" find "$SITE/index.html" "$dom" \
        >"$WORK/dom.fields" 2>"$WORK/dom.why"; then
        fail "DOM lacks a line of index.html with live fields: $(sed 's/^live.py: [^:]*: //' "$WORK/dom.why")"
    elif awk '{ v = $0; sub(/^[^ ]* ?/, "", v) }
        $1 == "led" && v !~ /^(on|off)$/ { bad = 1 }
        $1 != "led" && v !~ /^-?[0-9]+(\.[0-9]+)?$/ { bad = 1 }
        END { exit !bad }' "$WORK/dom.fields"; then
        fail "DOM: a live field is not a number (led: not on or off): $(live_summary "$WORK/dom.fields")"
    else
        pass "DOM shows numbers in the live fields, on or off in led: $(live_summary "$WORK/dom.fields")"
    fi
fi

# --- 2. the screenshot ---------------------------------------------------

shot=$WORK/shot.png
chromium_run screenshot --screenshot="$shot" --window-size="$WIDTH,$HEIGHT"
if [ "$RC" -ne 0 ] || [ ! -s "$shot" ]; then
    fail "chromium --screenshot: exit status $RC, $(wc -c <"$shot" 2>/dev/null || echo no) bytes of PNG"
    grep -v dbus "$WORK/screenshot.err" | tail -n 10 | evidence
else
    pass "chromium --screenshot: exit status 0, $(wc -c <"$shot") bytes of PNG"
    python3 "$HERE/png_check.py" "$shot" "$SITE/logo.gif" "$SITE/index.html" \
        >"$WORK/png.txt" 2>&1
    read -r _ w h < <(grep '^size ' "$WORK/png.txt")
    read -r _ ncol < <(grep '^colours ' "$WORK/png.txt")
    read -r _ bg nbg total < <(grep '^dominant ' "$WORK/png.txt")
    if [ "${w:-}" = "$WIDTH" ] && [ "${h:-}" = "$HEIGHT" ]; then
        pass "screenshot is a ${w}x$h PNG"
    else
        fail "screenshot size ${w:-?}x${h:-?} (want ${WIDTH}x$HEIGHT)"
        evidence <"$WORK/png.txt"
    fi
    if [ -n "${total:-}" ] && [ "$total" -gt 0 ]; then
        ink=$(((total - nbg) * 1000 / total))
        if [ "$ncol" -ge "$MIN_COLOURS" ] && [ "$ink" -ge $((MIN_INK * 10)) ]; then
            pass "screenshot is not blank: $ncol colours, background #$bg, $((ink / 10)).$((ink % 10))% of the pixels other colours"
        else
            fail "screenshot looks blank: $ncol colours (want >= $MIN_COLOURS), $((ink / 10)).$((ink % 10))% of the pixels not #$bg (want >= $MIN_INK%)"
        fi
        logo=$(awk '$1 == "logo" && $3 > 0 { printf "%s#%s (%d px)", sep, $2, $3; sep = ", " }' "$WORK/png.txt")
        if [ -n "$logo" ]; then
            pass "the logo was drawn: colours only logo.gif has: $logo"
        elif ! grep -q '^logo ' "$WORK/png.txt"; then
            pass "the logo was drawn: not checked, logo.gif has no colour of its own"
        else
            fail "the logo was not drawn: no pixel of logo.gif's own colours ($(awk '$1 == "logo" { printf "#%s ", $2 }' "$WORK/png.txt"))"
        fi
    else
        fail "screenshot unreadable: $(cat "$WORK/png.txt")"
    fi
fi

# --- 3. the wire -----------------------------------------------------------

sleep 0.5 # the last FIN and ACK
kill -s TERM "$SNIFF_PID" 2>/dev/null
wait "$SNIFF_PID" 2>/dev/null
SNIFF_PID=

# What each run asked for, from the sniffer.
for run in dom screenshot; do
    reqs=$(awk -v m="# mark $run" '
        $0 ~ /^# mark / { on = ($0 == m); next }
        on && $4 ~ /^[A-Z]+$/ && $5 ~ /^\// { printf "%s%s %s", sep, $4, $5; sep = ", " }' "$SNIFF")
    echo "info - run '$run' requested: ${reqs:-nothing}"
done
others=$(awk '$1 == "in" && $6 == "[S]," { split($4, a, "."); p = a[5]; sub(":", "", p)
    if (p != 80) o[p]++ } END { for (p in o) printf "%s ", p }' "$LOG")
[ -n "$others" ] && echo "info - SYNs to other ports: $others"

# reply_status PORT: the status line the server sent to client port PORT.
reply_status() {
    awk -v src="$SERVER_ADDR.80" -v dst="$CLIENT_ADDR.$1" \
        '$1 == src && $3 == dst && $4 ~ /^HTTP\// { print $5; exit }' "$SNIFF"
}

# The client ports whose request was GET /logo.gif.
mapfile -t logo_ports < <(awk '$4 == "GET" && $5 == "/logo.gif" {
    n = split($1, a, "."); print a[n] }' "$SNIFF")
if [ "${#logo_ports[@]}" -eq 0 ]; then
    fail "the browser requested /logo.gif: no such request on the wire"
    grep -v '^# ' "$SNIFF" | head -n 20 | evidence
else
    for port in "${logo_ports[@]}"; do
        status=$(reply_status "$port")
        # in the -v log: the request segment from PORT, then our FP.
        fp=$(awk -v c="$CLIENT_ADDR.$port" -v d="$CLIENT_ADDR.$port:" '
            $1 == "in" && $2 == c && $6 == "[P.]," && $NF > 0 { req = 1 }
            req && $1 == "out" && $4 == d && $6 == "[FP.]," { print $NF; exit }' "$LOG")
        if [ "$status" = 200 ] && [ -n "$fp" ]; then
            pass "GET /logo.gif (port $port): 200, the FP. reply of $fp bytes after the request in the -v log"
        else
            fail "GET /logo.gif (port $port): reply status '${status:-none}', FP. segment after the request: '${fp:-none}'"
            grep -F "$CLIENT_ADDR.$port" "$LOG" | head -n 12 | evidence
        fi
    done
fi

# Connections: open from the client's SYN to the last line naming the
# port; the most open at once.
read -r nconn maxopen < <(awk '
    $1 == "in" || $1 == "out" {
        c = ($1 == "in") ? $2 : $4; sub(":", "", c)
        if ($1 == "in" && $6 == "[S]," && !(c in first)) { first[c] = NR; order[n++] = c }
        last[c] = NR
    }
    END {
        best = 0
        for (i = 0; i < n; i++) {
            k = 0
            for (j = 0; j < n; j++)
                if (first[order[j]] <= first[order[i]] && last[order[j]] >= first[order[i]]) k++
            if (k > best) best = k
        }
        print n, best
    }' "$LOG")
if [ "${maxopen:-0}" -ge 2 ]; then
    pass "parallel connections: $nconn connections in all, up to $maxopen open at once"
else
    fail "parallel connections: $nconn connections in all, never more than ${maxopen:-0} open at once"
fi

mapfile -t fav_ports < <(awk '$4 == "GET" && $5 == "/favicon.ico" {
    n = split($1, a, "."); print a[n] }' "$SNIFF")
if [ "${#fav_ports[@]}" -eq 0 ]; then
    pass "the browser did not ask for /favicon.ico (headless Chromium need not)"
else
    for port in "${fav_ports[@]}"; do
        status=$(reply_status "$port")
        if [ "$status" = 404 ]; then
            pass "GET /favicon.ico (port $port): 404"
        else
            fail "GET /favicon.ico (port $port): status '${status:-none}' (want 404)"
        fi
    done
fi

unanswered=$(awk '$4 ~ /^[A-Z]+$/ && $5 ~ /^\// { n = split($1, a, "."); req[a[n]] = $4 " " $5 }
    $1 == "'"$SERVER_ADDR"'.80" && $4 ~ /^HTTP\// { n = split($3, a, "."); delete req[a[n]] }
    END { for (p in req) printf "%s (port %s) ", req[p], p }' "$SNIFF")
if [ -z "$unanswered" ]; then
    pass "every request on the wire got a reply: $(grep -c '^# mark' "$SNIFF") runs, $(awk '$4 ~ /^[A-Z]+$/ && $5 ~ /^\// { n++ } END { print n + 0 }' "$SNIFF") requests"
else
    fail "requests without a reply: $unanswered"
fi

# --- shutdown --------------------------------------------------------------

check_shutdown

finish
